"""Concern words in children's free text. A match raises a follow-up for a
person to read the comment; it is a prompt to look, never a judgement."""

from __future__ import annotations

import re
from collections.abc import Iterable

# Words and phrases a child might use about harm or danger. Areas set their own
# list with PACE_CONCERN_WORDS (a JSON list); matching is by whole word or phrase.
DEFAULT_CONCERN_WORDS = (
    "unsafe",
    "not safe",
    "hurt",
    "hurts",
    "hurting",
    "hit",
    "hits",
    "hitting",
    "scared",
    "afraid",
    "frightened",
    "abuse",
    "abused",
    "smack",
    "smacks",
    "punch",
    "punches",
    "kick",
    "kicks",
    "touched me",
    "self harm",
    "kill myself",
    "want to die",
    "run away",
)


def _normalised(text: str) -> str:
    """Lower case words separated by single spaces: "Self-harm!" -> "self harm"."""
    return " ".join(re.findall(r"[a-z0-9']+", text.lower()))


def find_concern_words(text: str, concern_words: Iterable[str]) -> list[str]:
    """The concern words or phrases in ``text``, in the list's order."""
    words = f" {_normalised(text)} "
    return [concern for concern in concern_words if f" {_normalised(concern)} " in words]
