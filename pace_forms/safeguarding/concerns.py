"""Concern words in free text: children's (one list), and parents' and
carers' (a shorter adult list: harm to themselves, violence at home). A match
raises a follow-up for a person to read the comment; it is a prompt to look,
never a judgement."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache

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


# What in a parent's or carer's comment may mean they or the child are not
# safe: self-harm, suicide, violence at home. Short and careful, so that an
# ordinary complaint ("I was hurt by the decision", "scared to speak") does
# not raise one. Areas set their own with PACE_ADULT_CONCERN_WORDS.
DEFAULT_ADULT_CONCERN_WORDS = (
    "suicide",
    "suicidal",
    "kill myself",
    "killing myself",
    "end my life",
    "end it all",
    "want to die",
    "self harm",
    "self harming",
    "self harmed",
    "harm myself",
    "hurt myself",
    "overdose",
    "violence at home",
    "domestic violence",
    "domestic abuse",
    "hit me",
    "hits me",
    "beat me",
    "beats me",
    "hits the children",
    "hit the children",
    "afraid of him",
    "afraid of her",
    "scared of him",
    "scared of her",
    "threatened to kill",
)


def concern_words_for(audience: str, config: Mapping) -> tuple[str, ...]:
    """The words a respondent's free text is read for: the children's list
    for CONCERN_AUDIENCES, the adult list for ADULT_CONCERN_AUDIENCES (each
    None: the built-in list); none for anyone else (a worker)."""
    words: dict[str, None] = {}
    if audience in config["CONCERN_AUDIENCES"]:
        words.update(dict.fromkeys(config["CONCERN_WORDS"] or DEFAULT_CONCERN_WORDS))
    if audience in config["ADULT_CONCERN_AUDIENCES"]:
        words.update(dict.fromkeys(config["ADULT_CONCERN_WORDS"] or DEFAULT_ADULT_CONCERN_WORDS))
    return tuple(words)


def _normalised(text: str) -> str:
    """Lower case words separated by single spaces: "Self-harm!" -> "self harm"."""
    return " ".join(re.findall(r"[a-z0-9']+", text.lower()))


@lru_cache(maxsize=4096)
def _as_words(concern: str) -> str:
    """A concern word or phrase as it is looked for: normalised, between spaces
    (the lists are the configured ones: read for every answer, made once)."""
    return f" {_normalised(concern)} "


def find_concern_words(text: str, concern_words: Iterable[str]) -> list[str]:
    """The concern words or phrases in ``text``, in the list's order."""
    words = f" {_normalised(text)} "
    return [concern for concern in concern_words if _as_words(concern) in words]
