"""Language tags (BCP 47, RFC 5646): whether a response's `locale` is one.

The grammar's syntax (en-GB, pl, gd, zh-Hant-TW, sr-Latn, es-419, de-CH-1996,
en-x-pace), without looking subtags up in the registry, with one narrowing: the
primary language subtag has 2 or 3 letters. The grammar also allows 4 letters
(reserved) and 5 to 8 (for future registration), but no such subtag is
registered, and allowing them would let "English" or "Polish" through.
"en_GB", "en--GB" and text with spaces are refused."""

from __future__ import annotations

import re

# Every implementation is asked to accept at least this many characters
# (RFC 5646 section 4.4.1); the response's locale column holds as many.
MAX_TAG_LENGTH = 35

_ALPHANUM = "[a-z0-9]"
_LANGUAGE = r"[a-z]{2,3}(?:-[a-z]{3}){0,3}"  # with up to three extlangs
_SCRIPT = r"(?:-[a-z]{4})?"
_REGION = r"(?:-(?:[a-z]{2}|[0-9]{3}))?"
_VARIANTS = rf"(?:-(?:{_ALPHANUM}{{5,8}}|[0-9]{_ALPHANUM}{{3}}))*"
_EXTENSIONS = rf"(?:-[0-9a-wy-z](?:-{_ALPHANUM}{{2,8}})+)*"
_PRIVATE_USE = rf"x(?:-{_ALPHANUM}{{1,8}})+"
# The grandfathered tags of the grammar (irregular, then regular).
_GRANDFATHERED = (
    "en-gb-oed|i-ami|i-bnn|i-default|i-enochian|i-hak|i-klingon|i-lux|i-mingo|i-navajo|i-pwn|i-tao|i-tay|i-tsu|"
    "sgn-be-fr|sgn-be-nl|sgn-ch-de|art-lojban|cel-gaulish|no-bok|no-nyn|zh-guoyu|zh-hakka|zh-min|zh-min-nan|zh-xiang"
)
_TAG = re.compile(
    rf"{_LANGUAGE}{_SCRIPT}{_REGION}{_VARIANTS}{_EXTENSIONS}(?:-{_PRIVATE_USE})?|{_PRIVATE_USE}|{_GRANDFATHERED}",
    re.IGNORECASE | re.ASCII,
)


def is_language_tag(value: object) -> bool:
    """True for a well-formed BCP 47 language tag of at most 35 characters."""
    return isinstance(value, str) and 0 < len(value) <= MAX_TAG_LENGTH and _TAG.fullmatch(value) is not None
