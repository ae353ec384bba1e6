"""Open redirects (issue 12, item 7): after signing in with `next=` set to
another site, in every spelling a browser would still take as one, the
Location the app sends stays on its own origin, read the way a browser reads
it (tabs and newlines dropped, backslashes taken as slashes); a path of the
app's own is followed. The follow-up page's `back` is tried the same way."""

from __future__ import annotations

import re
from urllib.parse import quote, urljoin, urlsplit

import pytest

from tests.api.pages import hidden_field
from tests.evidence import tally
from tests.security.attack_data import ADMIN, PASSWORD, cheap_passwords, seed_world, signed_in

ORIGIN = "http://localhost"
ELSEWHERE = [
    "//evil.example",
    "https://evil.example",
    "/\\evil.example",
    "\\/\\/evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "%2F%2Fevil.example",  # sent encoded twice: the app sees %2F%2F
    "///evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    " //evil.example",
    "http:evil.example",
    "https:/evil.example",
    "//evil.example@localhost",
    "/%5Cevil.example",
    "/%09/evil.example",
    "//localhost@evil.example",
    "\u3002evil.example",
]


def as_a_browser_reads(location: str) -> tuple[str, str]:
    """(scheme, host) of the Location as a browser resolves it against the page:
    tabs and newlines are dropped and a backslash is a slash (WHATWG URL)."""
    cleaned = location.strip(" \x00").replace("\t", "").replace("\n", "").replace("\r", "").replace("\\", "/")
    resolved = urlsplit(urljoin(f"{ORIGIN}/sign-in", cleaned))
    return resolved.scheme, resolved.netloc


def stays_home(reply) -> bool:
    location = reply.headers.get("Location", "")
    return reply.status_code in (302, 303) and as_a_browser_reads(location) == ("http", "localhost")


@pytest.fixture
def app(app_with, monkeypatch):
    cheap_passwords(monkeypatch)
    return app_with("sqlite")


@pytest.fixture
def world(app):
    with app.app_context():
        return seed_world()


def sign_in_to(app, next_value: str):
    client = app.test_client()
    token = hidden_field(client.get("/sign-in"), "csrf_token")
    return client.post("/sign-in?next=" + quote(next_value, safe=""), data={"email": ADMIN, "password": PASSWORD, "csrf_token": token})


def test_sign_in_goes_only_to_a_path_of_the_app(app, world):
    wrong = [f"next={value!r}: {reply.status_code} to {reply.headers.get('Location')!r}"
             for value in ELSEWHERE if not stays_home(reply := sign_in_to(app, value))]
    assert not wrong, "\n".join(wrong)
    # A path of its own is followed, query and all.
    reply = sign_in_to(app, "/areas/ALBA/comments?from=2026-01")
    assert reply.headers["Location"] == "/areas/ALBA/comments?from=2026-01"
    tally("open redirect", attacks=len(ELSEWHERE))


def test_a_follow_ups_way_back_is_one_of_the_apps_pages(app, world):
    """`back` names one of two pages; anything else is never put in the page's
    form, and taking the follow-up on with it sends the person to the list."""
    admin, token = signed_in(app, ADMIN)
    follow_up = world["open_follow_up_a"]
    wrong = []
    for value in ELSEWHERE:
        page = admin.get(f"/follow-ups/{follow_up}?back=" + quote(value, safe=""))
        goes_back_to = re.search(rf'name="follow-up-{follow_up}-back"[^>]*value="([^"]*)"', page.get_data(as_text=True))
        if page.status_code != 200 or not goes_back_to or goes_back_to.group(1) != "safeguarding.follow_ups":
            wrong.append(f"back={value!r}: {page.status_code}, the form goes back to {goes_back_to and goes_back_to.group(1)!r}")
    reply = admin.post(f"/follow-ups/{follow_up}/take-on", data={
        "csrf_token": token, f"follow-up-{follow_up}-back": "https://evil.example", f"follow-up-{follow_up}-action_taken": "Phoned the carer."})
    assert stays_home(reply) and reply.headers["Location"] == "/follow-ups", reply.headers.get("Location")
    assert not wrong, "\n".join(wrong)
    tally("open redirect", attacks=len(ELSEWHERE) + 1)
