"""Survey pages and API replies carry `Cache-Control: no-store`: a page holds
its link's secret, and the 422 page shows a child's typed comment again, so no
browser or proxy cache may keep them. Shared files stay cacheable."""

from __future__ import annotations

import pytest

from tests.api.pages import hidden_field


def is_no_store(reply) -> bool:
    return "no-store" in reply.headers.get("Cache-Control", "")


def test_the_survey_page_and_its_replies_are_not_stored(client, make_invitation):
    token = make_invitation()
    page = client.get(f"/s/{token}")
    fields = {
        "answer-overall": "9",
        "answer-comment": "My foster carer shouts at me",
        "response_id": hidden_field(page, "response_id"),
        "csrf_token": hidden_field(page, "csrf_token"),
    }

    invalid = client.post(f"/s/{token}", data=fields)
    sent = client.post(f"/s/{token}", data={**fields, "answer-overall": "3"})
    thanks = client.get(sent.headers["Location"])

    assert invalid.status_code == 422 and "My foster carer shouts at me" in invalid.get_data(as_text=True)
    assert all(is_no_store(reply) for reply in (page, invalid, sent, thanks))


@pytest.mark.parametrize("path", ["/s/not-a-link", "/api/v1/forms", "/api/v1/openapi.json", "/api/v1/nothing-here"])
def test_other_survey_and_api_replies_are_not_stored(client, path):
    assert is_no_store(client.get(path))


def test_sync_replies_are_not_stored(post_batch, make_item, make_invitation):
    assert is_no_store(post_batch(make_item(make_invitation())))


@pytest.mark.parametrize("path", ["/static/css/app.css", "/sw.js", "/manifest.webmanifest"])
def test_shared_files_stay_cacheable(client, path):
    with client.get(path) as reply:
        assert reply.status_code == 200
        assert not is_no_store(reply)
