"""Sealed items (issue 11, point 2): a response sealed on a device with the
server's public key is opened by the server and stored as if sent plain;
exactly-once holds; a seal that cannot be opened is `rejected` with the field
and a reason, never a 500; an older key is accepted for its grace period and
refused as retired after it. Items are sealed in Python as seal.js does.
Every test runs on SQLite, and on PostgreSQL when PACE_TEST_DATABASE_URL is set."""

from __future__ import annotations

import base64
import json
import os
import uuid
from datetime import datetime, timedelta, timezone
from functools import cache

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from pace_forms.responses.sealing import KID_TIME_FORMAT, OAEP, seal_item

RESPONSES_URL = "/api/v1/responses"
COMMENT = "The meeting was long but people were kind."


@cache
def private_key(number: int) -> rsa.RSAPrivateKey:
    """Keys are slow to make: one of each number per test run."""
    return rsa.generate_private_key(public_exponent=65537, key_size=3072)


@pytest.fixture
def sealing_keys(app, tmp_path):
    """sealing_keys(made_at, number=0) -> (kid, public key) of a key added to
    the app's key folder, made at that time."""
    folder = tmp_path / "sealing-keys"
    folder.mkdir()
    app.config["SEALING_KEYS_DIR"] = str(folder)

    def add(made_at: datetime, number: int = 0):
        kid = f"{made_at:{KID_TIME_FORMAT}}-{number:06x}"
        pem = private_key(number).private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        (folder / f"{kid}.pem").write_bytes(pem)
        return kid, private_key(number).public_key()

    return add


@pytest.fixture
def current_key(sealing_keys):
    return sealing_keys(datetime.now(timezone.utc) - timedelta(days=1))


def only_result(reply) -> dict:
    assert reply.status_code == 200, reply.get_data(as_text=True)
    [result] = reply.json["results"]
    return result


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def test_a_sealed_item_is_opened_and_stored_once_and_a_resend_is_a_duplicate(post_batch, stored_responses, make_invitation, make_item, current_key):
    plain = make_item(make_invitation())
    sealed = seal_item(plain, *current_key)

    first = only_result(post_batch(sealed))
    again = only_result(post_batch(sealed))
    sealed_again = only_result(post_batch(seal_item(plain, *current_key)))  # a fresh AES key, same answers
    sent_plain = only_result(post_batch(plain))

    assert COMMENT not in json.dumps(sealed)
    assert first == {"id": plain["id"], "status": "created", "errors": []}
    assert again["status"] == sealed_again["status"] == sent_plain["status"] == "duplicate"
    [response] = stored_responses()
    assert response.status == "accepted"
    assert response.answers["comment"].text == COMMENT
    assert response.raw["answers"] == plain["answers"] and "sealed" not in response.raw


def test_the_same_id_sealed_with_other_answers_is_a_conflict_kept_aside(post_batch, stored_conflicts, make_invitation, make_item, current_key):
    plain = make_item(make_invitation())
    changed = {**plain, "answers": {**plain["answers"], "overall": 1}}

    assert only_result(post_batch(seal_item(plain, *current_key)))["status"] == "created"
    assert only_result(post_batch(seal_item(changed, *current_key)))["status"] == "conflict"
    [(response_id, raw)] = stored_conflicts()
    assert response_id == plain["id"] and raw["answers"]["overall"] == 1


def tampered_ciphertext(sealed):
    data = bytearray(unb64(sealed["sealed"]["ciphertext"]))
    data[5] ^= 0x01
    return {**sealed, "sealed": {**sealed["sealed"], "ciphertext": b64(bytes(data))}}


def swapped_id(sealed):
    # The sealed body moved under another id: its tag was made over the first id.
    return {**sealed, "id": str(uuid.uuid4())}


def unknown_kid(sealed):
    return {**sealed, "sealed": {**sealed["sealed"], "kid": "20200101T000000Z-abcdef"}}


def bad_base64(sealed):
    return {**sealed, "sealed": {**sealed["sealed"], "wrapped_key": "not base64!"}}


def wrapped_with_another_key(sealed):
    other = private_key(7).public_key().encrypt(os.urandom(32), OAEP)
    return {**sealed, "sealed": {**sealed["sealed"], "wrapped_key": b64(other)}}


def short_iv(sealed):
    return {**sealed, "sealed": {**sealed["sealed"], "iv": b64(b"12345678")}}


def answers_outside(sealed):
    return {**sealed, "answers": {"overall": 5}}


def missing_part(sealed):
    return {**sealed, "sealed": {key: value for key, value in sealed["sealed"].items() if key != "iv"}}


def not_an_object(sealed):
    return {**sealed, "sealed": "abc"}


@pytest.mark.parametrize(
    ("spoil", "field", "words"),
    [
        (tampered_ciphertext, "sealed.ciphertext", "integrity check"),
        (swapped_id, "sealed.ciphertext", "another id"),
        (unknown_kid, "sealed.kid", "no sealing key"),
        (bad_base64, "sealed.wrapped_key", "base64url"),
        (wrapped_with_another_key, "sealed.wrapped_key", "could not be unwrapped"),
        (short_iv, "sealed.iv", "12 bytes"),
        (answers_outside, "answers", "inside the sealed part"),
        (missing_part, "sealed.iv", "missing"),
        (not_an_object, "sealed", "must be an object"),
    ],
    ids=lambda value: value.__name__ if callable(value) else None,
)
def test_a_seal_that_cannot_be_opened_is_rejected_naming_the_field(post_batch, stored_responses, make_invitation, make_item, current_key, spoil, field, words):
    good = make_item(make_invitation(child="C-good"))
    spoilt = spoil(seal_item(make_item(make_invitation()), *current_key))

    reply = post_batch(spoilt, seal_item(good, *current_key))

    assert reply.status_code == 200
    bad, fine = reply.json["results"]
    assert bad["status"] == "rejected" and bad["id"] == spoilt["id"]
    assert [error["field"] for error in bad["errors"]] == [field]
    assert words in bad["errors"][0]["message"]
    assert fine["status"] == "created"  # one bad item never sinks the others
    assert [response.id for response in stored_responses()] == [good["id"]]


def test_a_review_outside_must_be_the_one_sealed_inside(post_batch, make_invitation, make_item, current_key):
    sealed = seal_item(make_item(make_invitation(), review=1), *current_key)

    result = only_result(post_batch({**sealed, "review": 2}))

    assert result["status"] == "rejected"
    assert result["errors"][0]["field"] == "review"


def test_an_older_key_is_accepted_within_its_grace_and_refused_as_retired_after(post_batch, stored_responses, make_invitation, make_item, sealing_keys, app):
    now = datetime.now(timezone.utc)
    app.config["SEALING_KEY_GRACE_DAYS"] = 30
    oldest = sealing_keys(now - timedelta(days=90), number=0)
    older = sealing_keys(now - timedelta(days=40), number=1)  # oldest retired 10 days ago
    sealing_keys(now - timedelta(days=29), number=2)  # older still accepted for a day
    retired_item = make_item(make_invitation(child="C-1"))
    accepted_item = make_item(make_invitation(child="C-2"))

    retired, accepted = post_batch(seal_item(retired_item, *oldest), seal_item(accepted_item, *older)).json["results"]

    assert accepted["status"] == "created"
    assert retired["status"] == "rejected"
    assert retired["errors"][0]["field"] == "sealed.kid"
    assert "retired on" in retired["errors"][0]["message"] and "no longer be opened" in retired["errors"][0]["message"]
    assert [response.id for response in stored_responses()] == [accepted_item["id"]]


def test_without_a_key_sealing_is_unavailable_in_words(client, post_batch, make_invitation, make_item, app, tmp_path):
    app.config["SEALING_KEYS_DIR"] = str(tmp_path / "none")
    sealed = seal_item(make_item(make_invitation()), "20261101T000000Z-abcdef", private_key(0).public_key())

    key_reply = client.get("/api/v1/sealing-key")
    form_reply = client.get("/api/v1/forms/parent-review")
    result = only_result(post_batch(sealed))

    assert key_reply.status_code == 503
    assert "sealing-keys new" in key_reply.json["error"]["message"]
    assert form_reply.status_code == 200 and form_reply.json["sealing_key"] is None
    assert result["status"] == "rejected" and "no sealing key" in result["errors"][0]["message"]


def test_the_current_public_key_is_served_cacheable_and_with_the_form(client, sealing_keys):
    now = datetime.now(timezone.utc)
    sealing_keys(now - timedelta(days=50), number=0)
    kid, public_key = sealing_keys(now - timedelta(days=2), number=1)

    reply = client.get("/api/v1/sealing-key")
    form = client.get("/api/v1/forms/parent-review").json

    assert reply.status_code == 200
    assert "public" in reply.headers["Cache-Control"] and "no-store" not in reply.headers["Cache-Control"]
    assert reply.json["kid"] == kid == reply.json["jwk"]["kid"]
    assert reply.json["jwk"]["alg"] == "RSA-OAEP-256" and "d" not in reply.json["jwk"]
    assert int.from_bytes(unb64(reply.json["jwk"]["n"]), "big") == public_key.public_numbers().n
    assert form["sealing_key"] == reply.json
