"""Reading server-rendered pages as a person (or a plain browser) would."""

from __future__ import annotations

import html
import re


def page_text(reply) -> str:
    """The page as a reader sees it: tags dropped, entities decoded, spaces squeezed."""
    text = re.sub(r"<[^>]+>", " ", reply.get_data(as_text=True))
    return re.sub(r"\s+", " ", html.unescape(text)).strip()


def squeezed(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def hidden_field(reply, name: str) -> str:
    """The value of a form field on the page (the CSRF token, say)."""
    match = re.search(rf'name="{name}" value="([^"]*)"', reply.get_data(as_text=True))
    assert match, f"no {name} field on the page"
    return html.unescape(match.group(1))
