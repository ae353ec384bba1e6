"""Sealing keys without Flask: which key is current, how long an older key is
accepted (with `now` given), and the default grace."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest

from pace_forms.responses.sealing import Opened, NotOpened, SealingKeyError, created_at_of, grace_of, load_keyring, make_key, open_sealed_item, seal_item

MADE = datetime(2026, 6, 1, 9, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def two_keys(tmp_path_factory):
    """A key made on 1 June and the next one on 1 July; a 30-day grace."""
    folder = tmp_path_factory.mktemp("keys")
    older = make_key(folder, MADE)
    newer = make_key(folder, MADE + timedelta(days=30))
    return load_keyring({"SEALING_KEYS_DIR": str(folder), "SEALING_KEY_GRACE_DAYS": 30}, "unused"), older, newer


def sealed_with(key):
    return seal_item({"id": str(uuid.uuid4()), "form": "parent-review", "answers": {"overall": 4}}, key.kid, key.private_key.public_key())


def test_the_newest_key_is_current_and_the_older_is_accepted_until_its_grace_ends(two_keys):
    keyring, older, newer = two_keys
    switched = MADE + timedelta(days=30)

    assert keyring.current.kid == newer.kid
    assert keyring.retired_at(keyring.find(older.kid)) == switched + timedelta(days=30)
    assert keyring.retired_at(keyring.find(newer.kid)) is None
    assert isinstance(open_sealed_item(sealed_with(older), keyring, switched + timedelta(days=29, hours=23)), Opened)
    refused = open_sealed_item(sealed_with(older), keyring, switched + timedelta(days=30))
    assert refused == NotOpened("sealed.kid", refused.message) and "retired on 31 July 2026" in refused.message
    assert isinstance(open_sealed_item(sealed_with(newer), keyring, switched + timedelta(days=400)), Opened)


def test_the_default_grace_is_never_shorter_than_a_links_grace_nor_30_days():
    assert grace_of({"EXPIRED_LINK_GRACE_DAYS": 14, "SEALING_KEY_GRACE_DAYS": None}) == timedelta(days=30)
    assert grace_of({"EXPIRED_LINK_GRACE_DAYS": 60, "SEALING_KEY_GRACE_DAYS": None}) == timedelta(days=60)
    assert grace_of({"EXPIRED_LINK_GRACE_DAYS": 14, "SEALING_KEY_GRACE_DAYS": 7}) == timedelta(days=7)


def test_a_key_with_a_name_that_says_no_time_is_refused_in_words():
    with pytest.raises(SealingKeyError, match="20261130T120000Z-1a2b3c"):
        created_at_of("my-key")
    with pytest.raises(SealingKeyError, match="JSON object"):
        load_keyring({"SEALING_KEYS": "not an object"}, "unused")
