"""The JSON API under /api/v1, one module a resource: responses (sync) here,
form definitions in forms.py, and the OpenAPI document. Thin layers over the
responses feature and the form library."""

from __future__ import annotations

import json

from flask import Blueprint, current_app, jsonify, request
from flask_wtf.csrf import ValidationError, generate_csrf, validate_csrf

from pace_forms.accounts.access import audit, by_token, signed_in_user, staff_only, visible_area_ids
from pace_forms.errors import api_error
from pace_forms.extensions import csrf, db, limiter
from pace_forms.models import Review
from pace_forms.responses.items import NotStandardJSON, read_json
from pace_forms.responses.recording import MAX_ID, REJECTED, KioskAuthority, record_responses
from pace_forms.sync.openapi import openapi_document

bp = Blueprint("sync", __name__, url_prefix="/api/v1")
# Who collects answers in a meeting (kiosk mode): a worker of the review's area, or an admin.
COLLECTORS = ("worker", "admin")
# Items carry their own authority (a link token; a worker's X-CSRFToken in
# kiosk mode, checked per item), so the form-field CSRF check does not apply.
csrf.exempt(bp)


@bp.post("/responses")
@limiter.limit(lambda: current_app.config["SYNC_RATE_LIMIT"])
def post_responses():
    if not request.is_json:
        return api_error(415, "unsupported_media_type", "Send the batch as JSON with Content-Type: application/json.", where="Content-Type")
    body = request.get_data(cache=False)
    try:
        # A number nothing can hold is kept as a marker, so that only its item is refused.
        payload = read_json(body)
    except UnicodeDecodeError:
        return api_error(400, "malformed", "The body is not UTF-8 text.", where="body")
    except json.JSONDecodeError as error:
        return api_error(400, "malformed", f"The body is not valid JSON: {error.msg}.", where=f"line {error.lineno}, column {error.colno}")
    except NotStandardJSON as error:
        return api_error(400, "malformed", f"The body is not valid JSON: {error}.", where="body")
    except RecursionError:
        return api_error(400, "malformed", "The body is not valid JSON: it is nested too deeply.", where="body")
    if not isinstance(payload, dict) or not isinstance(payload.get("responses"), list):
        return api_error(400, "malformed", 'The body must be an object with a list of items: {"responses": [...]}.', where="responses")
    items = payload["responses"]
    limit = current_app.config["MAX_BATCH_ITEMS"]
    if len(items) > limit:
        return api_error(413, "too_many_items", f"A batch holds at most {limit} responses; this one has {len(items)}.", where="responses")
    kiosk = kiosk_authority(items)
    results = record_responses(items, kiosk=kiosk)
    if kiosk is not None:
        audit_refused_reviews(items, results)
    db.session.commit()
    return jsonify({"results": [result.to_json() for result in results]})


def kiosk_authority(items: list) -> KioskAuthority | None:
    """The areas this request may send kiosk-mode items for: a signed-in
    worker's or admin's session with a valid X-CSRFToken (a cookie alone never
    authorises an item), or their API token. None when there is no such
    authority; each kiosk item is then rejected, saying why."""
    if not any(isinstance(item, dict) and "review" in item for item in items):
        return None
    user = signed_in_user()
    if user is None or user.role not in COLLECTORS:
        return None
    if not by_token():
        try:
            validate_csrf(request.headers.get("X-CSRFToken"))
        except ValidationError:
            return None
    visible = visible_area_ids(user)
    return KioskAuthority(None if visible is None else frozenset(visible))


def audit_refused_reviews(items: list, results: list) -> None:
    """A signed-in collector's kiosk items for a review they may not see (or
    that does not exist) are refused as another area's data is: in the audit log."""
    for item, result in zip(items, results):
        if result.status == REJECTED and any(error["field"] == "review" for error in result.errors):
            # An id past the database's integer range names no review (and must not reach a query).
            review = db.session.get(Review, item["review"]) if type(item["review"]) is int and 0 < item["review"] <= MAX_ID else None
            area_code = review.area.code if review is not None else None
            audit("access.refused", area_code=area_code, subject=f"review {str(item['review'])[:40]}", method=request.method, path=request.path, response=result.id)


@bp.get("/csrf-token")
@staff_only(*COLLECTORS)
def csrf_token():
    """A fresh CSRF token for the signed-in session, fetched by the outbox
    just before it sends kiosk-mode answers (tokens expire; the outbox keeps
    answers, never headers). 401 JSON once the session has ended."""
    return jsonify({"csrf_token": generate_csrf()})


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document(current_app.config["MAX_BATCH_ITEMS"], current_app.config["MAX_CONTENT_LENGTH"]))


# Routes of the other resources, on the same blueprint.
from pace_forms.sync import forms  # noqa: E402,F401
from pace_forms.sync import measures  # noqa: E402,F401
from pace_forms.sync import follow_ups  # noqa: E402,F401
from pace_forms.sync import reviews  # noqa: E402,F401
from pace_forms.sync import sealing_key  # noqa: E402,F401
