"""GET /api/v1/sealing-key: the server's current public key for sealing
answers on a device (kiosk mode), as a JWK with its key id. Public and
cacheable: it is the public half only, and a device keeps a copy for offline."""

from __future__ import annotations

from flask import current_app, g, jsonify

from pace_forms.errors import api_error
from pace_forms.responses.sealing import UNAVAILABLE_MESSAGE, SealingKeyError, app_keyring
from pace_forms.sync.api import bp

# An hour: a rotated key stays accepted for weeks, so a cached one is never refused.
CACHE_SECONDS = 3600


def sealing_key_document() -> dict | None:
    """{"kid", "jwk"} of the current key, or None when sealing is not set up
    (or its keys cannot be read, which is logged)."""
    try:
        current = app_keyring(current_app).current
    except SealingKeyError as error:
        current_app.logger.error("Sealing keys cannot be read: %s", error)
        return None
    return {"kid": current.kid, "jwk": current.public_jwk()} if current else None


@bp.get("/sealing-key")
def sealing_key():
    document = sealing_key_document()
    if document is None:
        return api_error(503, "sealing_unavailable", UNAVAILABLE_MESSAGE)
    g.public_reply = True
    reply = jsonify(document)
    reply.headers["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    return reply
