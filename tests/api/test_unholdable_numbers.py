"""Valid JSON that no form can hold - an integer longer than Python turns into
text (4,300 digits) or a number beyond double range (1e400, infinity) - is
answered for its own item, `rejected` as it cannot be stored, and never
sinks the batch with a 500 (the outbox would retry a 5xx for ever). Sent as
raw JSON text, as a device would; both backends."""

from __future__ import annotations

import json

import pytest

RESPONSES_URL = "/api/v1/responses"
TOO_LONG = "9" * 4301
NUMBERS = {"4301-digits": TOO_LONG, "negative-4301-digits": "-" + TOO_LONG, "1e400": "1e400", "minus-1e400": "-1e400", "huge-exponent": "1.5E+99999"}


def post_text(client, body: str):
    return client.post(RESPONSES_URL, data=body, content_type="application/json")


def with_number(item: dict, path: str, number: str) -> str:
    """The item as JSON text, `number` written literally at `path`."""
    marker = "__NUMBER__"
    target = item
    *parents, last = path.split(".")
    for key in parents:
        target = target[key]
    target[last] = marker
    return json.dumps(item).replace(f'"{marker}"', number)


@pytest.mark.parametrize("number", NUMBERS.values(), ids=NUMBERS.keys())
@pytest.mark.parametrize("path", ["answers.overall", "form_version", "review"])
def test_an_item_with_a_number_nothing_can_hold_is_rejected_alone(client, stored_responses, make_invitation, make_item, number, path):
    before = make_item(make_invitation(child="C-1"))
    odd = make_item(make_invitation(child="C-2"))
    after = make_item(make_invitation(child="C-3"))
    body = '{"responses": [' + ", ".join([json.dumps(before), with_number(odd, path, number), json.dumps(after)]) + "]}"

    reply = post_text(client, body)

    assert reply.status_code == 200, reply.get_data(as_text=True)
    results = reply.json["results"]
    assert [result["status"] for result in results] == ["created", "rejected", "created"]
    assert results[1]["id"] == odd["id"]
    assert results[1]["errors"] == [{"field": path, "message": "is a number that cannot be stored (over 4,300 digits, or beyond ±1.8e308): no form has an answer like it"}]
    assert sorted(response.id for response in stored_responses()) == sorted([before["id"], after["id"]])


def test_a_number_deep_inside_the_answers_is_found(client, stored_responses, make_invitation, make_item):
    item = make_item(make_invitation(), answers={"overall": 4, "feelings": {"home": ["good", 0]}})
    body = '{"responses": [' + json.dumps(item).replace('"good", 0', '"good", 1e400') + "]}"

    [result] = post_text(client, body).json["results"]

    assert result["status"] == "rejected"
    assert result["errors"][0]["field"] == "answers.feelings.home[1]"
    assert stored_responses() == []


def test_long_numbers_that_python_can_hold_are_quarantined_as_wrong_answers(client, stored_responses, make_invitation, make_item):
    item = make_item(make_invitation())
    body = '{"responses": [' + with_number(item, "answers.overall", "9" * 4300) + "]}"

    [result] = post_text(client, body).json["results"]

    assert result["status"] == "quarantined"
    assert [error["field"] for error in result["errors"]] == ["answers.overall"]
    [response] = stored_responses()
    assert response.raw["answers"]["overall"] == int("9" * 4300)


def test_a_number_that_rounds_to_zero_is_an_ordinary_wrong_answer(client, make_invitation, make_item):
    item = make_item(make_invitation())
    body = '{"responses": [' + with_number(item, "answers.overall", "1e-400") + "]}"

    [result] = post_text(client, body).json["results"]

    assert result["status"] == "quarantined"
