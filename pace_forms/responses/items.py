"""One sync item as sent, before any database work: its id, whether it can be
stored at all, the part of it that is kept, and its content hash. Plain
functions over plain data."""

from __future__ import annotations

import hashlib
import json
import math
import re
import uuid
from datetime import datetime
from typing import Any

from pace_forms.invitations.tokens import hash_token

# The fields the sync contract names. Only these are kept (Response.raw and
# conflict rows) and compared for "the same content": anything else a client
# adds is dropped, so a request cannot park megabytes of extra fields.
CONTRACT_FIELDS = ("id", "form", "form_version", "invitation", "review", "submitted_at", "locale", "answers")
# Neither a NUL (PostgreSQL text refuses it) nor an unpaired surrogate (not
# encodable as UTF-8) can be stored; JSON escapes can carry both.
UNSTORABLE_TEXT = re.compile(r"[\x00\ud800-\udfff]")
TIMESTAMP_MESSAGE = "must be an ISO 8601 date and time with its offset, such as 2026-05-01T14:30:00+01:00"


class UnholdableNumber:
    """A JSON number that nothing can hold: an integer longer than Python
    converts (4,300 digits by default) or a float beyond double range (1e400).
    The API's JSON reader gives one of these in its place, so the item that
    carries it is answered alone instead of failing the whole request."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return f"UnholdableNumber({self.text[:20]}...)"


def read_json_int(text: str) -> int | UnholdableNumber:
    """json.loads(parse_int=...): int() refuses over-long digit strings."""
    try:
        return int(text)
    except ValueError:
        return UnholdableNumber(text)


def read_json_float(text: str) -> float | UnholdableNumber:
    """json.loads(parse_float=...): 1e400 would be infinity, which JSON
    cannot express and PostgreSQL refuses."""
    value = float(text)
    return value if math.isfinite(value) else UnholdableNumber(text)


class NotStandardJSON(ValueError):
    """NaN or Infinity: Python's json reads them, but they are not JSON and
    PostgreSQL refuses to store them."""


def _refuse_constant(name: str):
    raise NotStandardJSON(f"{name} is not a JSON value")


def read_json(text: str | bytes) -> Any:
    """JSON as the sync API reads it: NaN and Infinity refused
    (NotStandardJSON), a number nothing can hold kept as a marker so that only
    its item is refused. Raises what json.loads raises otherwise."""
    return json.loads(text, parse_constant=_refuse_constant, parse_int=read_json_int, parse_float=read_json_float)


def parse_id(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = uuid.UUID(value)
    except ValueError:
        return None
    return str(parsed)


def display_id(value: Any) -> str | None:
    return value[:64] if isinstance(value, str) else None


def unstorable_part(item: dict[str, Any]) -> dict[str, str] | None:
    """The first value in the item (keys included) that no database can store,
    as an error naming it; None when everything can be stored. Iterative: an
    item may be nested as deep as the JSON parser allowed."""
    pending: list[tuple[str, Any]] = [("", item)]
    while pending:
        path, value = pending.pop()
        if isinstance(value, str):
            if UNSTORABLE_TEXT.search(value):
                return {"field": "item", "message": "contains a character that cannot be stored (a NUL or an unpaired surrogate)"}
        elif isinstance(value, dict):
            for key, inner in value.items():
                pending.append((path, key))
                pending.append((f"{path}.{key}" if path else str(key), inner))
        elif isinstance(value, list):
            pending.extend((f"{path}[{index}]", inner) for index, inner in enumerate(value))
        elif not _is_holdable_number(value):
            return {"field": path or "item", "message": "is a number that cannot be stored (over 4,300 digits, or beyond ±1.8e308): no form has an answer like it"}
    return None


def _is_holdable_number(value: Any) -> bool:
    if isinstance(value, UnholdableNumber):
        return False
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 14_000:
        # Near the int-to-text limit (4,300 digits is about 14,284 bits).
        try:
            str(value)
        except ValueError:
            return False
    return True


def kept_fields(item: dict[str, Any]) -> dict[str, Any]:
    """What is stored of an item: the contract's fields, the secret token
    replaced by its hash."""
    kept = {key: item[key] for key in CONTRACT_FIELDS if key in item and key != "invitation"}
    if isinstance(item.get("invitation"), str):
        kept["invitation_hash"] = hash_token(item["invitation"])
    return kept


def content_hash_of(item: dict[str, Any]) -> str:
    """What "the same content" means for a resend: the contract's fields,
    with the secret token replaced by its hash, in canonical JSON."""
    comparable = {key: item[key] for key in CONTRACT_FIELDS if key in item}
    if isinstance(comparable.get("invitation"), str):
        comparable["invitation"] = hash_token(comparable["invitation"])
    canonical = json.dumps(comparable, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def parse_timestamp(value: Any, problems: list[dict[str, str]]) -> datetime | None:
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            parsed = None
        if parsed is not None and parsed.tzinfo is not None:
            return parsed
    problems.append({"field": "submitted_at", "message": TIMESTAMP_MESSAGE})
    return None
