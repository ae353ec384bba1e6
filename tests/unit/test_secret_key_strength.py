"""In production the secret key signs sessions and CSRF tokens: start-up
refuses one a person typed (short, repeated, a run, too few characters) and
accepts what the README's command makes. No Flask."""

from __future__ import annotations

import secrets

import pytest

from pace_forms.config import ConfigError, secret_key

WEAK = {
    "32 x a": "a" * 32,
    "a repeated word": "changeme" * 4,
    "repeated digits": "0123456789" * 4,
    "two characters": "ab" * 16 + "a",
    "the alphabet": "abcdefghijklmnopqrstuvwxyz012345",
    "too short": "Xk3!pQ9z",
    "few characters": "aabbccddeeffaabbccddeeffaabbccdd1",
}


@pytest.mark.parametrize("key", WEAK.values(), ids=WEAK.keys())
def test_production_refuses_a_low_entropy_key_and_says_how_to_make_one(tmp_path, key):
    with pytest.raises(ConfigError, match="too weak") as refused:
        secret_key({"ENV": "production", "SECRET_KEY": key}, str(tmp_path))

    assert "secrets.token_urlsafe(48)" in str(refused.value)


@pytest.mark.parametrize("make", [lambda: secrets.token_urlsafe(48), lambda: secrets.token_urlsafe(24), lambda: secrets.token_hex(32)])
def test_production_accepts_random_keys(tmp_path, make):
    for _ in range(200):
        key = make()
        assert secret_key({"ENV": "production", "SECRET_KEY": key}, str(tmp_path)) == key


def test_development_takes_any_key_it_is_given(tmp_path):
    assert secret_key({"ENV": "development", "SECRET_KEY": "a" * 32}, str(tmp_path)) == "a" * 32
