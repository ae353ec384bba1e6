"""Behind a TLS-terminating proxy (PACE_TRUSTED_PROXIES=1, X-Forwarded-Proto:
https) the request counts as secure, so Flask-WTF wants a same-origin Referer
on the plain form post. The pages' Referrer-Policy makes the browser send one
to our own origin only (tests/browser/test_https.py shows it in Chromium)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from pace_forms.extensions import db
from pace_forms.invitations.services import create_invitation, find_or_create_area, find_or_create_child, find_or_create_review
from tests.api.pages import hidden_field, page_text

BEHIND_PROXY = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9", "X-Forwarded-Host": "surveys.example.scot"}
# Policies that send our own origin a referrer and another origin no path (no token).
SAME_ORIGIN_REFERRER_POLICIES = {"same-origin", "strict-origin", "strict-origin-when-cross-origin"}


@pytest.fixture
def proxied(backend, app_with):
    """(client, token, the survey page as opened through the proxy) on a production app."""
    app = app_with(backend, ENV="production", TRUSTED_PROXIES=1)
    with app.app_context():
        area = find_or_create_area("PRX", "Proxy Council")
        review = find_or_create_review(find_or_create_child(area, "P-1", "8-11"), datetime.now(timezone.utc).date(), "later")
        token = create_invitation(review, "parent", "parent-review", valid_days=28).token
        db.session.commit()
    client = app.test_client()
    page = client.get(f"/s/{token}", headers=BEHIND_PROXY)
    assert page.status_code == 200
    return client, token, page


def fields_of(page) -> dict[str, str]:
    return {"answer-overall": "4", "response_id": hidden_field(page, "response_id"), "csrf_token": hidden_field(page, "csrf_token")}


def test_the_page_is_served_as_secure_with_a_policy_that_keeps_referrers_at_home(proxied):
    _, _, page = proxied

    assert page.headers["Referrer-Policy"] in SAME_ORIGIN_REFERRER_POLICIES
    assert "max-age=" in page.headers["Strict-Transport-Security"]
    assert "Secure" in page.headers["Set-Cookie"]


def test_the_plain_post_with_the_referrer_the_browser_sends_is_accepted(proxied):
    client, token, page = proxied

    reply = client.post(f"/s/{token}", data=fields_of(page), headers={**BEHIND_PROXY, "Referer": f"https://surveys.example.scot/s/{token}"})

    assert reply.status_code == 303, page_text(reply)
    assert reply.headers["Location"].endswith("?sent=1")


def test_a_secure_post_without_a_referrer_is_refused_as_flask_wtf_does(proxied):
    # What every post met while the pages sent Referrer-Policy: no-referrer.
    client, token, page = proxied

    reply = client.post(f"/s/{token}", data=fields_of(page), headers=BEHIND_PROXY)

    assert reply.status_code == 400
    assert "Please reload the page" in page_text(reply)


def test_a_secure_post_with_another_sites_referrer_is_refused(proxied):
    client, token, page = proxied

    reply = client.post(f"/s/{token}", data=fields_of(page), headers={**BEHIND_PROXY, "Referer": "https://elsewhere.example/"})

    assert reply.status_code == 400
