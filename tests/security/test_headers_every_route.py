"""Security headers and cookies on every route (issue 12, item 8), as a
table: every (method, rule) of app.url_map, its path filled the way
tests/api/test_access_matrix.py fills it (its PARAMS, paths and data), asked
signed out and signed in, on the production configuration over HTTPS.

On every reply: a Content-Security-Policy whose scripts allow no inline code
and that no page may frame (frame-ancestors 'none'); X-Content-Type-Options:
nosniff; a Referrer-Policy that keeps paths (survey links carry their
secret) at home; HSTS. On every signed-in page and every API reply:
Cache-Control: no-store. Every cookie set: Secure, HttpOnly, SameSite Lax or
Strict, and a __Host- name (so no subdomain can set or widen it)."""

from __future__ import annotations

from http.cookies import SimpleCookie

import pytest

from pace_forms.extensions import db
from pace_forms.invitations.services import create_invitation
from pace_forms.models import Review
from tests.api.pages import hidden_field
from tests.api.test_access_matrix import EXPECTATIONS, PASSWORD, Expected, path_of, world  # noqa: F401 (world is a fixture)
from tests.evidence import tally

HTTPS = "https://surveys.example.scot"
# A secure form post needs a same-origin Referer (Flask-WTF's SSL-strict check).
SAME_ORIGIN = {"Referer": f"{HTTPS}/"}
# Routes of public files the table has no data for: a path that reaches them.
PUBLIC_PATHS = {
    "/s/<token>": "/s/{survey_link}",
    "/api/v1/forms/<key>": "/api/v1/forms/parent-review",
    "/audio/<path:filename>": "/audio/none.mp3",
    "/static/<path:filename>": "/static/css/app.css",
    "/static/<string(length=12):version>/<path:filename>": "/static/000000000000/css/app.css",
}
# Files and pages the same for every visitor (the browser and the service
# worker keep them): nothing of a session in them, so no-store is not asked
# of them even signed in. The front page and the offline page are no-cache.
SHARED = {"static", "surveys.audio", "offline.service_worker", "offline.manifest", "offline.offline_page", "surveys.home"}
# The one API reply that is public and cacheable on purpose (the OpenAPI document says so).
PUBLIC_API_REPLIES = {"sync.sealing_key"}
SAFE_REFERRER_POLICIES = {"no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"}
# Last: signing out ends the signed-in client's session.
LAST = {"accounts.sign_out"}


@pytest.fixture
def app(app_with):
    """Production settings (Secure cookies, HSTS over HTTPS) on SQLite."""
    return app_with("sqlite", ENV="production")


@pytest.fixture
def survey_link(app, world) -> str:
    with app.app_context():
        review = db.session.get(Review, int(world["review_a"]))
        token = create_invitation(review, "carer", "carer-review", valid_days=28).token
        db.session.commit()
        return token


def directives(policy: str) -> dict[str, list[str]]:
    found = {}
    for part in policy.split(";"):
        name, *values = part.split()
        found[name.lower()] = values
    return found


def cookie_problems(set_cookie: str) -> list[str]:
    problems = []
    for name, morsel in SimpleCookie(set_cookie).items():
        if not morsel.value and (morsel["max-age"] == "0" or "1970" in morsel["expires"]):
            continue  # a cookie cleared: it holds nothing (Flask-Login clears its remember cookie so)
        if not morsel["secure"]:
            problems.append(f"cookie {name} not Secure")
        if not morsel["httponly"]:
            problems.append(f"cookie {name} not HttpOnly")
        if morsel["samesite"].lower() not in ("lax", "strict"):
            problems.append(f"cookie {name} SameSite={morsel['samesite'] or 'unset'}")
        if not name.startswith("__Host-") or morsel["path"] != "/" or morsel["domain"]:
            problems.append(f"cookie {name} is not a __Host- cookie (path {morsel['path']!r}, domain {morsel['domain']!r})")
    return problems


def header_problems(reply, *, private: bool) -> list[str]:
    headers = reply.headers
    problems = []
    policy = directives(headers.get("Content-Security-Policy", ""))
    scripts = policy.get("script-src", policy.get("default-src"))
    if scripts is None or "'unsafe-inline'" in scripts or "'unsafe-eval'" in scripts:
        problems.append(f"CSP script-src {scripts}")
    if policy.get("frame-ancestors") != ["'none'"]:
        problems.append(f"CSP frame-ancestors {policy.get('frame-ancestors')}")
    if headers.get("X-Content-Type-Options") != "nosniff":
        problems.append(f"X-Content-Type-Options {headers.get('X-Content-Type-Options')}")
    if headers.get("Referrer-Policy") not in SAFE_REFERRER_POLICIES:
        problems.append(f"Referrer-Policy {headers.get('Referrer-Policy')}")
    if "max-age=" not in headers.get("Strict-Transport-Security", ""):
        problems.append(f"Strict-Transport-Security {headers.get('Strict-Transport-Security')}")
    if private and "no-store" not in headers.get("Cache-Control", ""):
        problems.append(f"Cache-Control {headers.get('Cache-Control')}")
    for set_cookie in headers.getlist("Set-Cookie"):
        problems.extend(cookie_problems(set_cookie))
    return problems


def signed_in_client(app):
    client = app.test_client()
    token = hidden_field(client.get("/sign-in", base_url=HTTPS), "csrf_token")
    reply = client.post("/sign-in", base_url=HTTPS, headers=SAME_ORIGIN,
                        data={"email": "admin@example.org", "password": PASSWORD, "csrf_token": token})
    assert reply.status_code == 302, reply.status_code
    return client


def routes(app) -> list[tuple[str, str, str]]:
    found = {(method, rule.rule, rule.endpoint) for rule in app.url_map.iter_rules() for method in rule.methods - {"HEAD", "OPTIONS"}}
    return sorted(found, key=lambda route: (route[2] in LAST, route))


def test_every_route_sends_the_security_headers_and_safe_cookies(app, world, survey_link):
    data = {**world, "survey_link": survey_link}
    clients = {"signed out": app.test_client(), "signed in": signed_in_client(app)}
    csrf = {viewer: hidden_field(client.get("/sign-in" if viewer == "signed out" else "/account/password", base_url=HTTPS), "csrf_token")
            for viewer, client in clients.items()}
    wrong, checked = [], 0
    table = routes(app)
    for method, rule, endpoint in table:
        expected = EXPECTATIONS.get((method, rule), Expected(()))
        path = PUBLIC_PATHS[rule].format(**data) if rule in PUBLIC_PATHS else path_of(rule, expected, data)
        for viewer, client in clients.items():
            headers = {**SAME_ORIGIN, "X-CSRFToken": csrf[viewer]}
            if method == "GET":
                reply = client.get(path, base_url=HTTPS)
            elif path.startswith("/api/"):
                reply = client.open(path, method=method, base_url=HTTPS, json={}, headers=headers)
            else:
                reply = client.open(path, method=method, base_url=HTTPS, data={"csrf_token": csrf[viewer]}, headers=headers)
            private = (path.startswith("/api/") and endpoint not in PUBLIC_API_REPLIES) or (viewer == "signed in" and endpoint not in SHARED and endpoint not in PUBLIC_API_REPLIES)
            problems = header_problems(reply, private=private)
            reply.close()
            checked += 1
            wrong.extend(f"{method} {path} {viewer} ({reply.status_code}): {problem}" for problem in problems)
    assert not wrong, "\n".join(wrong)
    assert len(table) > 60
    tally("headers and cookies", routes=len(table), checks=checked)


def test_the_session_cookie_is_a_host_cookie_in_production(app, world):
    """Signing in sets the session cookie, as __Host-session: Secure, HttpOnly, SameSite, for the whole site only."""
    client = app.test_client()
    token = hidden_field(client.get("/sign-in", base_url=HTTPS), "csrf_token")
    reply = client.post("/sign-in", base_url=HTTPS, headers=SAME_ORIGIN, data={"email": "admin@example.org", "password": PASSWORD, "csrf_token": token})

    cookies = [SimpleCookie(value) for value in reply.headers.getlist("Set-Cookie")]
    assert [name for cookie in cookies for name in cookie] == ["__Host-session"]
    assert cookie_problems(reply.headers["Set-Cookie"]) == []
    # And the signed-in session works with it.
    assert client.get("/home", base_url=HTTPS).status_code == 200
