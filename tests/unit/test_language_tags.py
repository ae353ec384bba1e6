"""A response's `locale` must be a well-formed BCP 47 language tag. No Flask."""

from __future__ import annotations

import pytest

from pace_forms.forms.language import is_language_tag

WELL_FORMED = [
    "en", "en-GB", "pl", "gd", "cy-GB", "EN-gb", "zh-Hant-TW", "sr-Latn", "es-419", "de-CH-1996",
    "sl-rozaj-biske", "zh-yue-HK", "en-x-pace", "x-private", "en-GB-u-ca-gregory", "i-klingon", "art-lojban", "haw",
]
MALFORMED = [
    "", "English", "en_GB", "en-", "-en", "en--GB", "en GB", "en-GB\n", " en", "e", "123", "en-GB-x",
    "en-a", "toolonglanguage", "Polish", "Engl", "en-GBR1", "pl;DROP", "en\u0000GB", "ｅｎ", "x" * 36, "en-" + "-".join(["abcde"] * 6),
    None, 12, ["en"],
]


@pytest.mark.parametrize("tag", WELL_FORMED)
def test_well_formed_tags_are_accepted(tag):
    assert is_language_tag(tag)


@pytest.mark.parametrize("value", MALFORMED, ids=repr)
def test_anything_else_is_refused(value):
    assert not is_language_tag(value)
