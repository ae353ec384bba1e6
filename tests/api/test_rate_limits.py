"""Too many requests from one address get a 429 that says to wait, in JSON
for the API and in words on the survey page; nothing already stored is lost."""

from __future__ import annotations

import pytest

from pace_forms.extensions import db
from pace_forms.models import Response


@pytest.fixture
def limited_app(app_with):
    return app_with(RATELIMIT_ENABLED=True, SYNC_RATE_LIMIT="2 per minute", SURVEY_POST_RATE_LIMIT="1 per minute")


def test_the_sync_api_says_when_to_try_again(limited_app, make_item):
    client = limited_app.test_client()
    first = client.post("/api/v1/responses", json={"responses": []})
    second = client.post("/api/v1/responses", json={"responses": []})
    third = client.post("/api/v1/responses", json={"responses": []})
    assert (first.status_code, second.status_code, third.status_code) == (200, 200, 429)
    assert third.is_json
    assert third.get_json()["error"]["status"] == 429
    assert "wait" in third.get_json()["error"]["message"]
    assert int(third.headers["Retry-After"]) > 0


def test_the_survey_page_says_so_in_words(limited_app):
    client = limited_app.test_client()
    client.post("/s/anything", data={})
    reply = client.post("/s/anything", data={})
    assert reply.status_code == 429
    assert "Too many requests" in reply.get_data(as_text=True)
    with limited_app.app_context():
        assert db.session.query(Response).count() == 0
