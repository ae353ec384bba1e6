"""Survey link tokens: random, shown once, stored only as a hash."""

from __future__ import annotations

import hashlib
import secrets

TOKEN_BYTES = 24  # 192 bits: unguessable, and a short enough link for a text message


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    # A plain SHA-256 is enough: the token is high-entropy random, not a password.
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
