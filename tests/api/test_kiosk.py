"""Kiosk mode on the server: the meeting page (/reviews/<id>/collect) and
kiosk items in POST /api/v1/responses, authorised per item by the signed-in
session's right to collect for that review (a worker of its area, an admin),
with a fresh X-CSRFToken; stored once by record_responses, mode "kiosk".
Every test runs on SQLite, and on PostgreSQL when PACE_TEST_DATABASE_URL is set."""

from __future__ import annotations

from datetime import date

import pytest

from pace_forms.accounts.services import create_user
from pace_forms.extensions import db
from pace_forms.invitations.services import create_invitation, find_or_create_area, find_or_create_child, find_or_create_review
from pace_forms.models import AuditEvent, Response, utc_now
from tests.api.test_accounts import sign_in

PASSWORD = "correct horse battery"
HELD_ON = date(2026, 11, 2)


@pytest.fixture
def meeting(app):
    """A review in area ALBA that asked a parent, a carer and a child of 4-7;
    a worker of ALBA, a worker of BUTE, a consultant of ALBA and an admin."""
    with app.app_context():
        area = find_or_create_area("ALBA", "Alba Council")
        find_or_create_area("BUTE", "Bute Council")
        review = find_or_create_review(find_or_create_child(area, "C-1", "4-7"), HELD_ON, "later")
        tokens = [
            create_invitation(review, audience, form_key, valid_days=28, now=utc_now()).token
            for audience, form_key in (("parent", "parent-review"), ("carer", "carer-review"), ("child-4-7", "child-4-7-review"))
        ]
        for email, role, areas in (
            ("worker@alba.example", "worker", ["ALBA"]),
            ("worker@bute.example", "worker", ["BUTE"]),
            ("consultant@alba.example", "consultant", ["ALBA"]),
            ("admin@example.org", "admin", []),
        ):
            create_user(email, role, areas, PASSWORD)
        db.session.commit()
        return {"review": review.id, "tokens": tokens}


def csrf_token(client) -> str:
    reply = client.get("/api/v1/csrf-token")
    assert reply.status_code == 200, reply.get_data(as_text=True)
    return reply.json["csrf_token"]


def kiosk_item(make_item, review_id, **overrides):
    return make_item(None, review=review_id, submitted_at="2026-11-02T11:00:00+00:00", **overrides)


def post_as(client, items, *, token: str | None = None):
    headers = {"X-CSRFToken": token} if token else {}
    return client.post("/api/v1/responses", json={"responses": items}, headers=headers)


def stored_kiosk_rows(app):
    with app.app_context():
        rows = db.session.execute(db.select(Response.id, Response.mode, Response.audience, Response.invitation_id, Response.status)).all()
        db.session.remove()
        return [tuple(row) for row in rows]


def test_a_worker_of_the_area_sends_kiosk_answers_once(app, client, meeting, make_item):
    sign_in(client, "worker@alba.example", PASSWORD)
    item = kiosk_item(make_item, meeting["review"])

    first = post_as(client, [item], token=csrf_token(client))
    again = post_as(client, [item], token=csrf_token(client))

    assert first.json["results"] == [{"id": item["id"], "status": "created", "errors": []}]
    assert again.json["results"][0]["status"] == "duplicate"
    assert stored_kiosk_rows(app) == [(item["id"], "kiosk", "parent", None, "accepted")]


def test_an_admin_may_collect_for_any_review(app, client, meeting, make_item):
    sign_in(client, "admin@example.org", PASSWORD)
    item = kiosk_item(make_item, meeting["review"])

    assert post_as(client, [item], token=csrf_token(client)).json["results"][0]["status"] == "created"


@pytest.mark.parametrize(
    "who, with_token, field",
    [
        ("worker@bute.example", True, "review"),  # another area's review: as if it did not exist
        ("consultant@alba.example", False, "review"),  # reads measures; does not collect
        ("worker@alba.example", False, "review"),  # the session cookie alone, no X-CSRFToken
    ],
)
def test_kiosk_items_without_the_right_to_collect_are_rejected_and_not_stored(app, client, meeting, make_item, who, with_token, field):
    sign_in(client, who, PASSWORD)
    item = kiosk_item(make_item, meeting["review"])

    [result] = post_as(client, [item], token=csrf_token(client) if with_token else None).json["results"]

    assert result["status"] == "rejected"
    assert [error["field"] for error in result["errors"]] == [field]
    assert "signed-in worker who may see this review" in result["errors"][0]["message"]
    assert stored_kiosk_rows(app) == []
    with app.app_context():
        refusals = db.session.execute(db.select(AuditEvent.actor, AuditEvent.area_code, AuditEvent.subject).where(AuditEvent.action == "access.refused")).all()
        db.session.remove()
    # A signed-in collector reaching for another area's review is audited, as a page would be.
    expected = [(who, "ALBA", f"review {meeting['review']}")] if who == "worker@bute.example" else []
    assert [tuple(row) for row in refusals if row.subject.startswith("review")] == expected


def test_an_unknown_review_and_a_stale_csrf_token_are_rejected_with_the_reason(app, client, meeting, make_item):
    sign_in(client, "worker@alba.example", PASSWORD)
    unknown = kiosk_item(make_item, meeting["review"] + 1000)
    stale = kiosk_item(make_item, meeting["review"])

    assert post_as(client, [unknown], token=csrf_token(client)).json["results"][0]["status"] == "rejected"
    assert post_as(client, [stale], token="not-a-token").json["results"][0]["status"] == "rejected"
    assert stored_kiosk_rows(app) == []


@pytest.mark.parametrize("review", [2**31, 45712712053875859456, -1, 0])
def test_a_review_id_past_the_databases_range_is_rejected_not_a_server_error(app, client, meeting, make_item, review):
    """Found by schemathesis: a huge id reached the audit of refused items'
    lookup (SQLite: "int too large"; PostgreSQL: out of range) and gave a 500."""
    sign_in(client, "worker@alba.example", PASSWORD)
    reply = post_as(client, [kiosk_item(make_item, meeting["review"]) | {"review": review}], token=csrf_token(client))
    assert reply.status_code == 200
    assert [error["field"] for error in reply.json["results"][0]["errors"]] == ["review"]
    assert stored_kiosk_rows(app) == []


def test_a_kiosk_item_is_validated_like_any_other_and_one_bad_item_sinks_nothing(app, client, meeting, make_item):
    sign_in(client, "worker@alba.example", PASSWORD)
    good = kiosk_item(make_item, meeting["review"])
    bad_answers = kiosk_item(make_item, meeting["review"], answers={"overall": 9})
    unknown_form = kiosk_item(make_item, meeting["review"], form="no-such-form")
    link_item = make_item(meeting["tokens"][0])

    results = post_as(client, [good, bad_answers, unknown_form, link_item], token=csrf_token(client)).json["results"]

    assert [result["status"] for result in results] == ["created", "quarantined", "rejected", "created"]
    assert [error["field"] for error in results[2]["errors"]] == ["form"]
    modes = sorted((mode, status) for _, mode, _, _, status in stored_kiosk_rows(app))
    assert modes == [("kiosk", "accepted"), ("kiosk", "quarantined"), ("link", "accepted")]


def test_the_csrf_token_route_answers_401_json_once_signed_out(client, meeting):
    reply = client.get("/api/v1/csrf-token")

    assert reply.status_code == 401
    assert reply.is_json


def test_the_meeting_page_holds_each_respondents_form_and_no_link_token(client, meeting):
    sign_in(client, "worker@alba.example", PASSWORD)

    review_page = client.get(f"/reviews/{meeting['review']}").get_data(as_text=True)
    page = client.get(f"/reviews/{meeting['review']}/collect")
    html = page.get_data(as_text=True)

    assert f'href="/reviews/{meeting["review"]}/collect"' in review_page
    assert page.status_code == 200
    assert "no-store" in page.headers["Cache-Control"]
    for label, template in (("Parent", "parent-review-en-GB"), ("Polski", "parent-review-pl"), ("Carer", "carer-review-en-GB"), ("Child, 4-7", "child-4-7-review-en-GB")):
        assert label in html
        assert f'id="kiosk-{template}"' in html
    assert html.count('autocomplete="off"') == 4
    assert "data-invitation" not in html and 'name="csrf_token"' not in html
    assert not any(token in html for token in meeting["tokens"])
    assert "C-1" not in html  # seen by everyone in the room: no child's reference


def test_a_consultant_sees_no_collect_button(client, meeting):
    sign_in(client, "consultant@alba.example", PASSWORD)

    assert "Collect in this meeting" not in client.get(f"/reviews/{meeting['review']}").get_data(as_text=True)
