"""QR codes of survey links, made on the server as inline SVG (segno): no
script, no picture request, and it prints sharp on a slip of paper."""

from __future__ import annotations

import segno
from markupsafe import Markup

QR_TITLE = "QR code of this link"


def qr_svg(link: str) -> Markup:
    """An SVG that scales to its box (a viewBox, no size), with the quiet zone
    of 4 modules that scanners need, dark on an explicit white ground.
    Safe to put in a page as it is: segno writes only the code's path and the
    fixed title, never the link's text."""
    code = segno.make(link, error="m", micro=False)
    svg = code.svg_inline(scale=1, border=4, omitsize=True, svgclass="qr-code", lineclass=None, dark="#000", light="#fff", title=QR_TITLE)
    return Markup(svg.replace("<svg ", '<svg role="img" ', 1))
