"""One sync item before any database work: what is kept of it, what "the same
content" means, and which values no database can hold."""

from __future__ import annotations

import hashlib
import json
import math

import pytest

from pace_forms.invitations.tokens import hash_token
from pace_forms.responses.items import (
    UnholdableNumber,
    content_hash_of,
    kept_fields,
    read_json_float,
    read_json_int,
    unstorable_part,
)

ITEM = {
    "id": "0b8f5c1e-6a43-4c1e-9d55-1f0a3b2c4d5e",
    "form": "parent-review",
    "form_version": 2,
    "invitation": "secret-token",
    "submitted_at": "2026-11-03T18:45:00+00:00",
    "locale": "en-GB",
    "answers": {"overall": 4, "comment": "Kind people."},
}


def test_an_item_of_contract_fields_hashes_as_it_did_before_the_fields_were_narrowed():
    # Resends of responses stored by earlier builds must stay duplicates.
    earlier = dict(ITEM, invitation=hash_token(ITEM["invitation"]))
    canonical = json.dumps(earlier, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)

    assert content_hash_of(ITEM) == hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def test_fields_the_contract_does_not_name_change_neither_the_hash_nor_what_is_kept():
    padded = dict(ITEM, padding="x" * 1000, device={"model": "phone"})

    assert content_hash_of(padded) == content_hash_of(ITEM)
    assert kept_fields(padded) == kept_fields(ITEM)
    assert set(kept_fields(padded)) == {"id", "form", "form_version", "invitation_hash", "submitted_at", "locale", "answers"}
    assert kept_fields(padded)["invitation_hash"] == hash_token("secret-token")


def test_json_numbers_python_cannot_hold_become_markers():
    assert read_json_int("12") == 12
    assert isinstance(read_json_int("9" * 4301), UnholdableNumber)
    assert read_json_float("1.5") == 1.5
    assert isinstance(read_json_float("1e400"), UnholdableNumber)
    assert isinstance(read_json_float("-1e400"), UnholdableNumber)


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"overall": math.inf}, "answers.overall"),
        ({"overall": -math.inf}, "answers.overall"),
        ({"overall": math.nan}, "answers.overall"),
        ({"overall": 10**5000}, "answers.overall"),
        ({"sort": {"home": [1, UnholdableNumber("1e400")]}}, "answers.sort.home[1]"),
    ],
    ids=["infinity", "minus-infinity", "nan", "huge-int", "nested-marker"],
)
def test_a_value_no_database_can_hold_is_named_by_where_it_is(answers, field):
    assert unstorable_part(dict(ITEM, answers=answers)) == {"field": field, "message": "is a number that cannot be stored (over 4,300 digits, or beyond ±1.8e308): no form has an answer like it"}


def test_ordinary_values_are_storable():
    assert unstorable_part(dict(ITEM, answers={"overall": 4, "big": 10**4000, "small": 1e-300, "flag": True})) is None
