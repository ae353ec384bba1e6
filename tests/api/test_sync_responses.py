"""POST /api/v1/responses: the sync contract, as an offline device sees it.
Every test runs on SQLite, and on PostgreSQL when PACE_TEST_DATABASE_URL is set."""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime, timezone

import pytest

from tests.conftest import PARENT_FORM_VERSION

RESPONSES_URL = "/api/v1/responses"
LONG_AGO = datetime(2024, 1, 10, 9, 0, tzinfo=timezone.utc)


def statuses(reply) -> list[str]:
    assert reply.status_code == 200, reply.get_data(as_text=True)
    return [result["status"] for result in reply.json["results"]]


def only_result(reply) -> dict:
    assert reply.status_code == 200, reply.get_data(as_text=True)
    [result] = reply.json["results"]
    return result


def fields(result) -> list[str]:
    return [error["field"] for error in result["errors"]]


# created, duplicate, conflict


def test_a_new_response_is_created_with_one_answer_row_per_question(post_batch, stored_responses, make_invitation, make_item):
    item = make_item(make_invitation())

    result = only_result(post_batch(item))

    assert result == {"id": item["id"], "status": "created", "errors": []}
    [response] = stored_responses()
    assert (response.id, response.status, response.form_key, response.form_version, response.audience) == (
        item["id"],
        "accepted",
        "parent-review",
        PARENT_FORM_VERSION,
        "parent",
    )
    assert response.answers == {
        "understood_plan": ("UNDER", 4.0, None, True),
        "listened_to": ("HEARD", 5.0, None, True),
        "had_say": ("SAY", 3.0, None, False),
        # "Not sure" is kept but left out of the share.
        "knows_next": ("NEXT", None, "not_sure", None),
        "overall": ("OVR", 4.0, None, True),
        "comment": ("TXT", None, "The meeting was long but people were kind.", None),
    }


def test_resending_the_same_batch_is_a_duplicate_and_changes_nothing(post_batch, stored_responses, make_invitation, make_item):
    batch = [make_item(make_invitation(child="C-1")), make_item(make_invitation(child="C-2"))]

    first = post_batch(*batch)
    stored_after_first = stored_responses()
    second = post_batch(*batch)
    third = post_batch(*batch)

    assert statuses(first) == ["created", "created"]
    assert statuses(second) == statuses(third) == ["duplicate", "duplicate"]
    assert [result["id"] for result in second.json["results"]] == [item["id"] for item in batch]
    assert stored_responses() == stored_after_first
    assert len(stored_after_first) == 2
    assert all(len(response.answers) == 6 for response in stored_after_first)


def test_an_id_sent_in_capitals_is_stored_under_its_usual_form(post_batch, stored_responses, make_invitation, make_item):
    item = make_item(make_invitation(), id=str(uuid.uuid4()).upper())

    result = only_result(post_batch(item))

    assert result["status"] == "created"
    assert result["id"] == item["id"].lower()
    assert [response.id for response in stored_responses()] == [item["id"].lower()]


def test_same_id_with_different_answers_is_a_conflict_and_the_first_is_kept(
    post_batch, stored_responses, stored_conflicts, make_invitation, make_item
):
    item = make_item(make_invitation())
    changed = {**item, "answers": {**item["answers"], "overall": 1, "comment": "Changed my mind."}}
    post_batch(item)
    kept = stored_responses()

    result = only_result(post_batch(changed))

    assert result["status"] == "conflict"
    assert result["id"] == item["id"]
    assert fields(result) == ["id"]
    assert "kept" in result["errors"][0]["message"]
    assert stored_responses() == kept
    assert kept[0].answers["overall"].number == 4.0
    [(conflict_id, raw)] = stored_conflicts()
    assert conflict_id == item["id"]
    assert raw["answers"]["overall"] == 1
    assert raw["answers"]["comment"] == "Changed my mind."


def test_resending_a_conflicting_item_keeps_it_aside_only_once(post_batch, stored_conflicts, make_invitation, make_item):
    item = make_item(make_invitation())
    changed = {**item, "answers": {**item["answers"], "overall": 2}}
    post_batch(item)

    replies = [post_batch(changed) for _ in range(3)]

    assert [statuses(reply) for reply in replies] == [["conflict"]] * 3
    assert len(stored_conflicts()) == 1


def test_two_different_conflicts_are_both_kept_aside(post_batch, stored_conflicts, make_invitation, make_item):
    item = make_item(make_invitation())
    post_batch(item)

    post_batch({**item, "answers": {**item["answers"], "overall": 2}})
    post_batch({**item, "answers": {**item["answers"], "overall": 3}})

    assert sorted(raw["answers"]["overall"] for _, raw in stored_conflicts()) == [2, 3]


def test_the_original_sent_again_after_a_conflict_is_still_a_duplicate(post_batch, stored_responses, make_invitation, make_item):
    item = make_item(make_invitation())
    post_batch(item)
    post_batch({**item, "answers": {**item["answers"], "overall": 2}})

    assert statuses(post_batch(item)) == ["duplicate"]
    assert [response.answers["overall"].number for response in stored_responses()] == [4.0]


# one bad item never sinks the others


@pytest.mark.parametrize(
    ("bad_item", "field"),
    [
        ("not an object", "item"),
        (["a", "list"], "item"),
        (None, "item"),
        ({"id": "not-a-uuid", "form": "parent-review"}, "id"),
        ({"id": 12345, "form": "parent-review"}, "id"),
        ({"form": "parent-review"}, "id"),
    ],
    ids=["string", "list", "null", "bad-uuid", "number-id", "no-id"],
)
def test_a_malformed_item_is_rejected_and_the_rest_of_the_batch_is_stored(
    post_batch, stored_responses, make_invitation, make_item, bad_item, field
):
    before = make_item(make_invitation(child="C-1"))
    after = make_item(make_invitation(child="C-2"))

    reply = post_batch(before, bad_item, after)

    assert statuses(reply) == ["created", "rejected", "created"]
    results = reply.json["results"]
    assert [results[0]["id"], results[2]["id"]] == [before["id"], after["id"]]
    assert fields(results[1]) == [field]
    assert sorted(response.id for response in stored_responses()) == sorted([before["id"], after["id"]])


@pytest.mark.parametrize(
    "change",
    [
        {"answers": {"comment": "a\u0000b"}},
        {"locale": "en\u0000GB"},
        {"form": "parent\u0000review"},
        {"answers": {"comment": "\ud800"}},
        {"answers": {"comm\u0000ent": "x"}},
    ],
    ids=["nul-in-comment", "nul-in-locale", "nul-in-form", "lone-surrogate", "nul-in-key"],
)
def test_an_item_with_text_no_database_can_store_is_rejected_alone(client, stored_responses, make_invitation, make_item, change):
    bad = {**make_item(make_invitation(child="C-1")), **change}
    good = make_item(make_invitation(child="C-2"))
    # Escapes are legal JSON; Python's json module sends them as such.
    body = json.dumps({"responses": [bad, good]})

    reply = client.post(RESPONSES_URL, data=body, content_type="application/json")

    assert statuses(reply) == ["rejected", "created"]
    assert reply.json["results"][0]["id"] == bad["id"]
    assert fields(reply.json["results"][0]) == ["item"]
    assert [response.id for response in stored_responses()] == [good["id"]]


def test_results_come_back_in_the_order_sent(post_batch, make_invitation, make_item):
    used = make_invitation(child="C-9")
    items = [
        make_item(make_invitation(child="C-1")),
        make_item("no-such-token"),
        make_item(make_invitation(child="C-2"), form_version=99),
        make_item(used),
        make_item(used),
    ]

    reply = post_batch(*items)

    assert [result["id"] for result in reply.json["results"]] == [item["id"] for item in items]
    assert statuses(reply) == ["created", "rejected", "quarantined", "created", "quarantined"]


def test_an_empty_batch_is_answered_with_no_results(post_batch, stored_responses):
    reply = post_batch()

    assert reply.status_code == 200
    assert reply.json == {"results": []}
    assert stored_responses() == []


# authority: rejected means not stored


def test_an_unknown_token_is_rejected_and_nothing_is_stored(post_batch, stored_responses, stored_conflicts, make_invitation, make_item):
    make_invitation()
    item = make_item("this-link-was-never-made")

    result = only_result(post_batch(item))

    assert result["status"] == "rejected"
    assert result["id"] == item["id"]
    assert fields(result) == ["invitation"]
    assert "not known" in result["errors"][0]["message"]
    assert stored_responses() == []
    assert stored_conflicts() == []


@pytest.mark.parametrize("token", [None, "", 12345, ["token"]], ids=["absent", "empty", "number", "list"])
def test_an_item_without_a_usable_token_is_rejected(post_batch, stored_responses, make_item, token):
    item = make_item(None)
    if token is not None:
        item["invitation"] = token

    result = only_result(post_batch(item))

    assert result["status"] == "rejected"
    assert fields(result) == ["invitation"]
    assert stored_responses() == []


def test_a_kiosk_item_without_a_signed_in_worker_is_rejected(post_batch, stored_responses, make_item):
    result = only_result(post_batch(make_item(None, review=1)))

    assert result["status"] == "rejected"
    assert fields(result) == ["review"]
    assert "signed-in worker" in result["errors"][0]["message"]
    assert stored_responses() == []


def test_a_session_cookie_alone_never_authorises_an_item(client, post_batch, stored_responses, make_invitation, make_item):
    # Opening a survey page gives the browser a session; it is not authority.
    client.get(f"/s/{make_invitation()}")

    result = only_result(post_batch(make_item(None)))

    assert result["status"] == "rejected"
    assert stored_responses() == []


# quarantined: stored, not counted


def test_an_expired_invitation_is_quarantined_naming_the_invitation(post_batch, stored_responses, make_invitation, make_item):
    token = make_invitation(held_on=date(2024, 1, 9), now=LONG_AGO, valid_days=3)
    item = make_item(token)

    result = only_result(post_batch(item))

    assert result["status"] == "quarantined"
    assert fields(result) == ["invitation"]
    assert "expired on 13 January 2024" in result["errors"][0]["message"]
    [response] = stored_responses()
    assert response.status == "quarantined"
    assert response.problems == result["errors"]
    assert response.answers == {}  # nothing counted


def test_an_expired_invitation_stays_open_for_nobody(post_batch, make_invitation, make_item):
    token = make_invitation(held_on=date(2024, 1, 9), now=LONG_AGO, valid_days=3)

    replies = [post_batch(make_item(token)) for _ in range(2)]

    assert [statuses(reply) for reply in replies] == [["quarantined"], ["quarantined"]]


def test_an_already_used_invitation_quarantines_a_second_response(post_batch, stored_responses, make_invitation, make_item):
    token = make_invitation()
    first = make_item(token)
    second = make_item(token, answers={"overall": 1})
    post_batch(first)

    result = only_result(post_batch(second))

    assert result["status"] == "quarantined"
    assert fields(result) == ["invitation"]
    assert "already been used" in result["errors"][0]["message"]
    by_id = {response.id: response for response in stored_responses()}
    assert by_id[first["id"]].status == "accepted"
    assert by_id[second["id"]].status == "quarantined"
    assert by_id[second["id"]].answers == {}


def test_a_quarantined_item_sent_again_is_a_duplicate(post_batch, stored_responses, make_invitation, make_item):
    item = make_item(make_invitation(), form_version=99)
    post_batch(item)

    assert statuses(post_batch(item)) == ["duplicate"]
    assert len(stored_responses()) == 1


def test_a_quarantined_response_does_not_use_up_the_link(post_batch, make_invitation, make_item):
    token = make_invitation()
    bad = make_item(token, answers={"overall": 9})
    good = make_item(token)

    assert statuses(post_batch(bad)) == ["quarantined"]
    assert statuses(post_batch(good)) == ["created"]


@pytest.mark.parametrize("version", [99, 0, -1, "1", 1.5, None, True], ids=["unknown", "zero", "negative", "text", "fraction", "null", "bool"])
def test_an_unknown_or_malformed_form_version_is_quarantined(post_batch, stored_responses, make_invitation, make_item, version):
    item = make_item(make_invitation())
    item["form_version"] = version

    result = only_result(post_batch(item))

    assert result["status"] == "quarantined"
    assert fields(result) == ["form_version"]
    [response] = stored_responses()
    assert response.status == "quarantined"


def test_a_form_version_too_big_for_the_database_is_quarantined_and_the_batch_goes_on(
    post_batch, stored_responses, make_invitation, make_item
):
    huge = make_item(make_invitation(child="C-1"), form_version=10**30)
    fine = make_item(make_invitation(child="C-2"))

    reply = post_batch(huge, fine)

    assert statuses(reply) == ["quarantined", "created"]
    assert fields(reply.json["results"][0]) == ["form_version"]
    assert len(stored_responses()) == 2


def test_unknown_version_message_names_form_and_version(post_batch, make_invitation, make_item):
    result = only_result(post_batch(make_item(make_invitation(), form_version=7)))

    assert result["errors"][0]["message"] == "parent-review has no version 7"


def test_a_form_other_than_the_links_is_quarantined(post_batch, make_invitation, make_item):
    result = only_result(post_batch(make_item(make_invitation(), form="carer-review")))

    assert result["status"] == "quarantined"
    assert "form" in fields(result)
    assert "parent-review" in result["errors"][fields(result).index("form")]["message"]


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"overall": 6}, "answers.overall"),
        ({"understood_plan": True}, "answers.understood_plan"),
        ({"comment": "x" * 2001}, "answers.comment"),
        ({"comment": 42}, "answers.comment"),
        ({"favourite_colour": "blue"}, "answers.favourite_colour"),
        ("not an object", "answers"),
    ],
    ids=["faces-out-of-range", "bool-scale", "text-too-long", "text-not-text", "unknown-question", "not-object"],
)
def test_invalid_answers_are_quarantined_naming_the_question(post_batch, stored_responses, make_invitation, make_item, answers, field):
    result = only_result(post_batch(make_item(make_invitation(), answers=answers)))

    assert result["status"] == "quarantined"
    assert fields(result) == [field]
    [response] = stored_responses()
    assert (response.status, response.answers) == ("quarantined", {})
    assert response.problems == result["errors"]
    assert response.raw["answers"] == answers  # kept as sent, for an admin


def test_text_over_the_limit_says_the_limit(post_batch, make_invitation, make_item):
    result = only_result(post_batch(make_item(make_invitation(), answers={"comment": "x" * 2001})))

    assert "2000" in result["errors"][0]["message"]


@pytest.mark.parametrize(
    "submitted_at",
    ["2026-11-03T18:45:00", "yesterday", "", 1700000000, None],
    ids=["no-offset", "words", "empty", "number", "absent"],
)
def test_submitted_at_must_be_iso_8601_with_offset(post_batch, stored_responses, make_invitation, make_item, submitted_at):
    item = make_item(make_invitation())
    item["submitted_at"] = submitted_at

    result = only_result(post_batch(item))

    assert result["status"] == "quarantined"
    assert fields(result) == ["submitted_at"]
    assert "offset" in result["errors"][0]["message"]
    assert [response.status for response in stored_responses()] == ["quarantined"]


@pytest.mark.parametrize("submitted_at", ["2026-11-03T18:45:00+01:00", "2026-11-03T18:45:00Z", "2026-11-03T18:45:00.123-05:00"])
def test_submitted_at_with_an_offset_is_accepted(post_batch, make_invitation, make_item, submitted_at):
    assert statuses(post_batch(make_item(make_invitation(), submitted_at=submitted_at))) == ["created"]


@pytest.mark.parametrize("locale", ["", "x" * 36, 12], ids=["empty", "too-long", "number"])
def test_a_malformed_locale_is_quarantined(post_batch, make_invitation, make_item, locale):
    result = only_result(post_batch(make_item(make_invitation(), locale=locale)))

    assert result["status"] == "quarantined"
    assert fields(result) == ["locale"]


def test_all_problems_of_one_item_are_listed(post_batch, make_invitation, make_item):
    token = make_invitation(held_on=date(2024, 1, 9), now=LONG_AGO, valid_days=3)
    item = make_item(token, submitted_at="2026-11-03 18:45", answers={"overall": 0, "nope": 1})

    result = only_result(post_batch(item))

    assert result["status"] == "quarantined"
    assert sorted(fields(result)) == ["answers.nope", "answers.overall", "invitation", "submitted_at"]


# the secret token is never stored


def test_the_plain_token_is_never_stored_only_its_hash(post_batch, stored_responses, stored_conflicts, invitation_rows, make_invitation, make_item):
    accepted_token = make_invitation(child="C-1")
    quarantined_token = make_invitation(child="C-2")
    accepted = make_item(accepted_token)
    post_batch(
        accepted,
        make_item(quarantined_token, form_version=99),
        {**accepted, "answers": {"overall": 1}},  # a conflict, kept aside
    )

    responses = stored_responses()
    conflicts = stored_conflicts()
    assert len(responses) == 2 and len(conflicts) == 1
    everything = json.dumps([[response.raw, response.problems] for response in responses] + [raw for _, raw in conflicts])
    everything += json.dumps(invitation_rows(), default=str)
    for token in (accepted_token, quarantined_token):
        assert token not in everything
    assert all("invitation" not in response.raw and len(response.raw["invitation_hash"]) == 64 for response in responses)


# whole-request errors


def error_of(reply, status: int) -> dict:
    assert reply.status_code == status, reply.get_data(as_text=True)
    assert reply.mimetype == "application/json"
    error = reply.json["error"]
    assert error["status"] == status
    assert error["message"]
    return error


def post_raw(client, body, content_type="application/json"):
    return client.post(RESPONSES_URL, data=body, content_type=content_type)


def test_invalid_json_is_400_saying_line_and_column(client, stored_responses):
    error = error_of(post_raw(client, '{"responses": [\n  {"id": "x",}\n]}'), 400)

    assert error["code"] == "malformed"
    assert "not valid JSON" in error["message"]
    assert error["where"] == "line 2, column 14"
    assert stored_responses() == []


def test_a_body_that_is_not_utf8_is_400(client):
    error = error_of(post_raw(client, b'{"responses": ["\xff\xfe"]}'), 400)

    assert error["where"] == "body"


def test_an_empty_body_is_400(client):
    error = error_of(post_raw(client, b""), 400)

    assert error["where"].startswith("line 1")


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_json_that_is_not_standard_is_400_not_stored(client, stored_responses, make_invitation, make_item, constant):
    item = make_item(make_invitation())
    body = json.dumps({"responses": [item]}).replace('"overall": 4', f'"overall": {constant}')
    assert constant in body

    error = error_of(post_raw(client, body), 400)

    assert error["code"] == "malformed"
    assert constant in error["message"]
    assert stored_responses() == []


def test_json_nested_too_deep_is_400(client):
    error = error_of(post_raw(client, '{"responses": [' + "[" * 100_000 + "]" * 100_000 + "]}"), 400)

    assert error["code"] == "malformed"


@pytest.mark.parametrize(
    "payload",
    [[], "responses", 42, None, {"items": []}, {"responses": {"id": "x"}}, {"responses": "all of them"}, {"responses": None}],
    ids=["list", "string", "number", "null", "no-responses", "responses-object", "responses-string", "responses-null"],
)
def test_a_body_that_is_not_a_batch_is_400_pointing_at_responses(client, payload):
    error = error_of(post_raw(client, json.dumps(payload)), 400)

    assert error["code"] == "malformed"
    assert error["where"] == "responses"
    assert '{"responses": [...]}' in error["message"]


def test_101_items_are_413_and_nothing_is_stored(post_batch, stored_responses, make_invitation, make_item):
    token = make_invitation()

    error = error_of(post_batch(*[make_item(token) for _ in range(101)]), 413)

    assert error["where"] == "responses"
    assert "100" in error["message"] and "101" in error["message"]
    assert stored_responses() == []


def test_100_items_are_answered_one_result_each(post_batch, make_item):
    reply = post_batch(*[make_item("unknown-token") for _ in range(100)])

    assert statuses(reply) == ["rejected"] * 100


def test_a_body_over_one_mebibyte_is_413_in_json(client, stored_responses, make_invitation, make_item):
    item = make_item(make_invitation(), answers={"comment": "x" * (1024 * 1024)})

    error = error_of(client.post(RESPONSES_URL, json={"responses": [item]}), 413)

    assert "1048576 bytes" in error["message"]
    assert stored_responses() == []


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", None],
    ids=["text", "form", "multipart", "none"],
)
def test_a_body_not_sent_as_json_is_415_in_json(client, stored_responses, make_invitation, make_item, content_type):
    body = json.dumps({"responses": [make_item(make_invitation())]})

    reply = client.post(RESPONSES_URL, data=body, headers={"Content-Type": content_type} if content_type else {})

    error = error_of(reply, 415)
    assert error["where"] == "Content-Type"
    assert "application/json" in error["message"]
    assert stored_responses() == []


def test_json_with_a_charset_is_accepted(client, make_invitation, make_item):
    body = json.dumps({"responses": [make_item(make_invitation())]})

    reply = post_raw(client, body, "application/json; charset=utf-8")

    assert statuses(reply) == ["created"]


def test_an_unknown_api_address_is_a_json_404(client):
    error = error_of(client.get("/api/v1/no-such-thing"), 404)

    assert error["code"] == "not_found"


def test_getting_the_responses_address_is_a_json_405(client):
    error = error_of(client.get(RESPONSES_URL), 405)

    assert error["code"] == "method_not_allowed"


def test_the_api_needs_no_csrf_token(client, make_invitation, make_item):
    # Items carry their own authority; a device replaying its outbox has no form token.
    reply = client.post(RESPONSES_URL, json={"responses": [make_item(make_invitation())]})

    assert statuses(reply) == ["created"]


# at the same moment


def send_json(body):
    def send(client, index):
        reply = client.post(RESPONSES_URL, json=body(index) if callable(body) else body)
        assert reply.status_code == 200, reply.get_data(as_text=True)
        return reply.json["results"][0]["status"]

    return send


def test_the_same_item_posted_at_once_from_eight_devices_is_stored_once(at_once, stored_responses, make_invitation, make_item):
    item = make_item(make_invitation())

    replies = at_once(send_json({"responses": [item]}), 8)

    assert sorted(replies) == ["created"] + ["duplicate"] * 7
    [response] = stored_responses()
    assert (response.id, response.status, len(response.answers)) == (item["id"], "accepted", 6)


def test_two_responses_on_one_link_at_once_only_one_counts(at_once, stored_responses, make_invitation, make_item):
    token = make_invitation()
    items = [make_item(token), make_item(token, answers={"overall": 1})]

    replies = at_once(send_json(lambda index: {"responses": [items[index % 2]]}), 8)

    assert replies.count("created") == 1
    assert set(replies) <= {"created", "duplicate", "quarantined"}
    stored = stored_responses()
    assert sorted(response.status for response in stored) == ["accepted", "quarantined"]
    [quarantined] = [response for response in stored if response.status == "quarantined"]
    assert [problem["field"] for problem in quarantined.problems] == ["invitation"]


def test_different_links_at_once_are_all_created(at_once, stored_responses, make_invitation, make_item):
    items = [make_item(make_invitation(child=f"C-{index}")) for index in range(8)]

    replies = at_once(send_json(lambda index: {"responses": [items[index]]}), 8)

    assert replies == ["created"] * 8
    assert sorted(response.id for response in stored_responses()) == sorted(item["id"] for item in items)


@pytest.mark.parametrize("locale", ["English", "en_GB", "en GB", "<b>pl</b>"])
def test_a_locale_that_is_not_a_language_tag_is_quarantined(post_batch, make_invitation, make_item, locale):
    result = only_result(post_batch(make_item(make_invitation(), locale=locale)))

    assert result["status"] == "quarantined"
    assert fields(result) == ["locale"]


def test_a_language_tag_with_a_script_and_region_is_accepted(post_batch, make_invitation, make_item, stored_responses):
    result = only_result(post_batch(make_item(make_invitation(), locale="sr-Latn-RS")))

    assert result["status"] == "created"
