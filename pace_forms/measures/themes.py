"""Themes of free-text comments: an editable codebook and keyword suggestions.

The codebook is forms/themes.yaml (see its header for how keywords match).
``suggest_themes`` only suggests: a consultant confirms or changes every
theme of every comment. Plain functions, no Flask, no downloads.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

CODEBOOK_FILE = "themes.yaml"
THEME_FIELDS = ("label", "description", "keywords")
_THEME_KEY = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
# A keyword word: letters or digits (an apostrophe or a hyphen inside is
# allowed), optionally ending in * for a stem.
_KEYWORD_WORD = re.compile(r"^[^\W_]+(['’-][^\W_]+)*\*?$")
_APOSTROPHES = re.compile(r"['’‘`]")
_WORD = re.compile(r"[^\W_]+")
# A stem shorter than this finds too much ("a*" is every word with an a).
MIN_STEM = 3


class ThemeCodebookError(ValueError):
    """The codebook cannot be used; ``problems`` names each theme and field."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass(frozen=True)
class Keyword:
    text: str
    # One entry a word: (the word, True if it is a stem).
    words: tuple[tuple[str, bool], ...]


@dataclass(frozen=True)
class Theme:
    key: str
    label: str
    description: str
    keywords: tuple[Keyword, ...]


@dataclass(frozen=True)
class Codebook:
    themes: tuple[Theme, ...]

    def keys(self) -> list[str]:
        return [theme.key for theme in self.themes]

    def theme(self, key: str) -> Theme:
        for theme in self.themes:
            if theme.key == key:
                return theme
        raise KeyError(key)


def words_of(text: str) -> list[str]:
    """Lower-case words, apostrophes dropped ("Don’t" -> "dont"), hyphens splitting."""
    return _WORD.findall(_APOSTROPHES.sub("", text.casefold()))


def _keyword(text: str) -> Keyword:
    words: list[tuple[str, bool]] = []
    for token in text.split():
        # A * ends a stem; a hyphen inside a token splits it as in the text.
        stem = token.endswith("*")
        parts = words_of(token.rstrip("*"))
        words.extend((part, False) for part in parts[:-1])
        words.append((parts[-1], stem))
    return Keyword(text=text, words=tuple(words))


def _keyword_problem(keyword: object) -> str | None:
    if not isinstance(keyword, str) or not keyword.strip():
        return "must be a word or a phrase, not " + repr(keyword)
    for token in keyword.split():
        if not _KEYWORD_WORD.match(token):
            return f"{keyword!r}: {token!r} is not a word (letters and digits; * only at the end of a word)"
        if token.endswith("*") and len(words_of(token.rstrip("*"))[-1]) < MIN_STEM:
            return f"{keyword!r}: a stem needs at least {MIN_STEM} letters before the *"
    return None


def parse_codebook(data: object, source: str = CODEBOOK_FILE) -> Codebook:
    """A codebook from parsed YAML, or ThemeCodebookError naming every problem."""
    if not isinstance(data, Mapping) or set(data) != {"themes"}:
        raise ThemeCodebookError([f"{source}: the file must hold one mapping, `themes:`, with a theme under it"])
    themes_data = data["themes"]
    if not isinstance(themes_data, Mapping) or not themes_data:
        raise ThemeCodebookError([f"{source}: `themes` must map each theme's key to its label, description and keywords"])
    problems: list[str] = []
    themes: list[Theme] = []
    for key, fields in themes_data.items():
        where = f"{source}: theme {key!r}"
        if not isinstance(key, str) or not _THEME_KEY.match(key):
            problems.append(f"{where}: a key is lower-case letters and digits joined by hyphens, like being-heard")
            continue
        if not isinstance(fields, Mapping):
            problems.append(f"{where}: must have the fields {', '.join(THEME_FIELDS)}")
            continue
        for field in sorted(set(fields) - set(THEME_FIELDS), key=str):
            problems.append(f"{where}: unknown field {field!r} (the fields are {', '.join(THEME_FIELDS)})")
        for field in ("label", "description"):
            value = fields.get(field)
            if not isinstance(value, str) or not value.strip():
                problems.append(f"{where}: field {field!r} must be some words of text")
        keywords = fields.get("keywords")
        if not isinstance(keywords, list) or not keywords:
            problems.append(f"{where}: field 'keywords' must be a list of at least one word or phrase")
            continue
        bad = [problem for problem in map(_keyword_problem, keywords) if problem]
        problems.extend(f"{where}: field 'keywords': {problem}" for problem in bad)
        if not bad and not problems:
            themes.append(Theme(key, fields["label"].strip(), fields["description"].strip(), tuple(map(_keyword, keywords))))
    if problems:
        raise ThemeCodebookError(problems)
    return Codebook(tuple(themes))


def load_codebook(path: str | Path) -> Codebook:
    """Read and check a codebook file (usually forms/themes.yaml)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ThemeCodebookError([f"{path.name}: cannot be read ({error.strerror or error})"]) from error
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise ThemeCodebookError([f"{path.name}: not valid YAML{where}"]) from error
    return parse_codebook(data, path.name)


def _word_matches(word: str, pattern: str, stem: bool) -> bool:
    if stem:
        return word.startswith(pattern)
    if word in (pattern, pattern + "s", pattern + "es"):
        return True
    return pattern.endswith("y") and word == pattern[:-1] + "ies"


def _keyword_in(keyword: Keyword, words: list[str]) -> bool:
    size = len(keyword.words)
    return any(
        all(_word_matches(words[start + offset], *keyword.words[offset]) for offset in range(size))
        for start in range(len(words) - size + 1)
    )


def matching_keywords(text: str | None, codebook: Codebook) -> dict[str, list[str]]:
    """For each theme a keyword of which occurs in the text, the keywords found."""
    words = words_of(text or "")
    found = {}
    for theme in codebook.themes:
        hits = [keyword.text for keyword in theme.keywords if _keyword_in(keyword, words)]
        if hits:
            found[theme.key] = hits
    return found


def suggest_themes(text: str | None, codebook: Codebook) -> list[str]:
    """The keys of the themes whose keywords occur in the text, in codebook order."""
    return list(matching_keywords(text, codebook))
