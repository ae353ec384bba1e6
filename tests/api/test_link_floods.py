"""One survey link, even used or expired, cannot flood what people work
through: at most one safeguarding follow-up per link (later answers are
noted on it), a cap on the responses a link may have held aside, and only
the fields the sync contract names are kept. Both backends."""

from __future__ import annotations

import uuid

import pytest

from pace_forms.cli import cli
from pace_forms.extensions import db
from pace_forms.models import FollowUp, Response, ResponseConflict
from tests.api.test_follow_ups import FORMS, child_item

FORM = "young-person-review"
WORRYING = "My brother hits me"


@pytest.fixture
def young_person_link(make_invitation):
    def make(**options) -> str:
        return make_invitation(audience=FORMS[FORM].audience, form_key=FORM, **options)

    return make


def asking(token: str, comment: str = WORRYING) -> dict:
    item = child_item(token, FORM, "yes")
    item["answers"]["comment"] = comment
    return item


def follow_up_rows(app) -> list[dict]:
    with app.app_context():
        rows = [
            {"response_id": row.response_id, "reason": row.reason, "more": list(row.more_reasons), "acknowledged_by": row.acknowledged_by}
            for row in db.session.execute(db.select(FollowUp).order_by(FollowUp.id)).scalars()
        ]
        db.session.remove()
        return rows


def held_counts(app) -> tuple[int, int]:
    with app.app_context():
        quarantined = db.session.scalar(db.select(db.func.count()).where(Response.status == "quarantined"))
        conflicts = db.session.scalar(db.select(db.func.count()).select_from(ResponseConflict))
        db.session.remove()
        return quarantined, conflicts


def test_a_hundred_worrying_answers_on_a_used_link_raise_one_follow_up(app, client, post_batch, runner, young_person_link):
    token = young_person_link()
    first = asking(token, comment="fine")
    assert [result["status"] for result in post_batch(first).json["results"]] == ["created"]

    flood = [asking(token) for _ in range(100)]
    reply = post_batch(*flood)

    assert reply.status_code == 200
    assert {result["status"] for result in reply.json["results"]} == {"quarantined"}
    [follow_up] = follow_up_rows(app)
    assert (follow_up["response_id"], follow_up["reason"]) == (first["id"], "asked_for_contact")
    # The ones that were kept are noted on it, both reasons each; nothing more.
    noted = {note["response_id"] for note in follow_up["more"]}
    assert len(noted) == 20 and noted <= {item["id"] for item in flood}
    listing = runner.invoke(cli, ["follow-ups", "list"], catch_exceptions=False).output
    assert "1 follow-up(s) waiting." in listing
    assert "asked for someone to get in touch and comment with concern words" in listing
    assert "21 responses on this survey link" in listing
    assert f"said: {WORRYING}" in listing


def test_both_reasons_of_one_response_make_one_follow_up(app, post_batch, young_person_link):
    item = asking(young_person_link())

    assert [result["status"] for result in post_batch(item).json["results"]] == ["created"]

    [follow_up] = follow_up_rows(app)
    assert follow_up["reason"] == "asked_for_contact"
    assert [(note["response_id"], note["reason"]) for note in follow_up["more"]] == [(item["id"], "concern_words")]


def test_a_new_worry_on_an_acknowledged_follow_up_opens_it_again(app, post_batch, runner, young_person_link):
    token = young_person_link()
    post_batch(asking(token, comment="fine"))
    [listed] = [line for line in runner.invoke(cli, ["follow-ups", "list"]).output.splitlines() if line.startswith("#")]
    follow_up_id = listed[1:].split(" ", 1)[0]
    runner.invoke(cli, ["follow-ups", "acknowledge", follow_up_id, "--by", "Duty worker"], catch_exceptions=False)
    assert "0 follow-up(s) waiting." in runner.invoke(cli, ["follow-ups", "list"]).output

    later = asking(token)
    assert [result["status"] for result in post_batch(later).json["results"]] == ["quarantined"]

    [follow_up] = follow_up_rows(app)
    assert follow_up["acknowledged_by"] is None
    assert "acknowledged" in follow_up["more"][0]["reopened_after"] and "Duty worker" in follow_up["more"][0]["reopened_after"]
    listing = runner.invoke(cli, ["follow-ups", "list"], catch_exceptions=False).output
    assert "1 follow-up(s) waiting." in listing and f"said: {WORRYING}" in listing


def test_each_link_still_raises_its_own(app, post_batch, young_person_link):
    items = [asking(young_person_link(child=f"C-{number}")) for number in range(3)]

    post_batch(*items)

    assert sorted(row["response_id"] for row in follow_up_rows(app)) == sorted(item["id"] for item in items)


# the cap on what one link may have held aside


class TestACapOfTwoHeldPerLink:
    @pytest.fixture
    def app(self, backend, app_with):
        return app_with(backend, MAX_HELD_RESPONSES_PER_LINK=2)

    def test_past_the_cap_a_link_s_items_are_answered_but_not_stored(self, app, post_batch, make_invitation, make_item):
        token = make_invitation()
        items = [make_item(token, form_version=99) for _ in range(4)]

        first = post_batch(*items).json["results"]
        again = post_batch(*items).json["results"]

        assert [result["status"] for result in first] == ["quarantined"] * 4
        assert all("not kept" not in str(result["errors"]) for result in first[:2])
        for result in first[2:]:
            assert [error["field"] for error in result["errors"]] == ["form_version", "invitation"]
            assert "already has 2 responses set aside" in result["errors"][1]["message"]
            assert "not kept" in result["errors"][1]["message"]
        assert held_counts(app) == (2, 0)
        # Sent again: the kept ones are duplicates, the others are still not kept.
        assert [result["status"] for result in again] == ["duplicate"] * 2 + ["quarantined"] * 2
        assert held_counts(app) == (2, 0)

    def test_conflicts_count_toward_the_cap(self, app, post_batch, make_invitation, make_item):
        item = make_item(make_invitation())
        post_batch(item)
        changes = [{**item, "answers": {**item["answers"], "overall": value}} for value in (1, 2, 3)]

        results = post_batch(*changes).json["results"]

        assert [result["status"] for result in results] == ["conflict"] * 3
        assert "not kept" not in results[1]["errors"][0]["message"]
        assert "not kept" in results[2]["errors"][0]["message"]
        assert held_counts(app) == (0, 2)

    def test_the_cap_is_per_link(self, app, post_batch, make_invitation, make_item):
        flooded, other = make_invitation(child="C-1"), make_invitation(child="C-2")
        post_batch(*[make_item(flooded, form_version=99) for _ in range(3)])

        [result] = post_batch(make_item(other, form_version=99)).json["results"]

        assert result["status"] == "quarantined" and "not kept" not in str(result["errors"])
        assert held_counts(app) == (3, 0)


# only the contract's fields are kept


def test_fields_the_contract_does_not_name_are_not_stored(post_batch, stored_responses, stored_conflicts, make_invitation, make_item):
    item = make_item(make_invitation(), padding="x" * 50_000, device={"model": "phone"})
    quarantined = make_item(make_invitation(child="C-2"), form_version=99, padding="y" * 50_000)
    conflicting = {**item, "answers": {**item["answers"], "overall": 1}, "padding": "z" * 50_000}

    assert [result["status"] for result in post_batch(item, quarantined, conflicting).json["results"]] == ["created", "quarantined", "conflict"]

    contract = {"id", "form", "form_version", "invitation_hash", "review", "submitted_at", "locale", "answers"}
    kept = [response.raw for response in stored_responses()] + [raw for _, raw in stored_conflicts()]
    assert len(kept) == 3
    for raw in kept:
        assert set(raw) <= contract
        assert {"id", "answers", "invitation_hash"} <= set(raw)


def test_a_resend_with_other_extra_fields_is_the_same_response(post_batch, stored_conflicts, make_invitation, make_item):
    item = make_item(make_invitation(), padding="first")

    post_batch(item)
    reply = post_batch({**item, "padding": "second", "more": [1, 2, 3]})

    assert [result["status"] for result in reply.json["results"]] == ["duplicate"]
    assert stored_conflicts() == []


def test_an_unknown_link_keeps_nothing_whatever_it_carries(post_batch, stored_responses, make_item):
    items = [make_item("not-a-link", id=str(uuid.uuid4()), padding="x" * 10_000) for _ in range(3)]

    assert [result["status"] for result in post_batch(*items).json["results"]] == ["rejected"] * 3
    assert stored_responses() == []


def test_changed_answers_resent_under_the_same_id_that_ask_for_contact_raise_a_follow_up(app, post_batch, young_person_link):
    token = young_person_link()
    first = child_item(token, FORM, "no")
    assert [result["status"] for result in post_batch(first).json["results"]] == ["created"]
    assert follow_up_rows(app) == []

    question = FORMS[FORM].follow_up["question"]
    changed = {**first, "answers": {**first["answers"], question: FORMS[FORM].follow_up["when"]}}
    assert [result["status"] for result in post_batch(changed).json["results"]] == ["conflict"]

    [follow_up] = follow_up_rows(app)
    assert (follow_up["response_id"], follow_up["reason"]) == (first["id"], "asked_for_contact")


def test_the_duty_contact_reads_the_words_of_a_changed_copy_that_raised_a_follow_up(app, post_batch, runner, young_person_link):
    token = young_person_link()
    first = asking(token, comment="it was fine")
    first["answers"][FORMS[FORM].follow_up["question"]] = "no"
    assert [result["status"] for result in post_batch(first).json["results"]] == ["created"]
    changed = asking(token)  # yes to contact, and the worrying words
    changed["id"] = first["id"]
    assert [result["status"] for result in post_batch(changed).json["results"]] == ["conflict"]

    listing = runner.invoke(cli, ["follow-ups", "list"], catch_exceptions=False).output

    assert "1 follow-up(s) waiting." in listing
    assert f"said: {WORRYING}" in listing
