"""The survey pages' own words (buttons, notices, status lines) per language,
from interface_strings.yaml; a string missing in a language falls back to en-GB."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

STRINGS_FILE = Path(__file__).with_name("interface_strings.yaml")
FALLBACK = "en-GB"


@cache
def catalogue() -> dict[str, dict[str, str]]:
    return yaml.safe_load(STRINGS_FILE.read_text(encoding="utf-8"))


def interface_strings(language: str) -> dict[str, str]:
    """Every interface string for a language; falls back by base language, then en-GB."""
    strings = catalogue()
    chosen = strings.get(language) or strings.get(language.split("-")[0]) or {}
    return {**strings[FALLBACK], **chosen}


def language_name(language: str) -> str:
    return interface_strings(language)["language_name"] if is_known_language(language) else language


def is_known_language(language: str) -> bool:
    strings = catalogue()
    return language in strings or language.split("-")[0] in strings
