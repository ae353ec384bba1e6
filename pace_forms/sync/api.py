"""The JSON API under /api/v1, one module a resource: responses (sync) here,
form definitions in forms.py, and the OpenAPI document. Thin layers over the
responses feature and the form library."""

from __future__ import annotations

import json

from flask import Blueprint, current_app, jsonify, request

from pace_forms.errors import api_error
from pace_forms.extensions import csrf, db, limiter
from pace_forms.responses.items import NotStandardJSON, read_json
from pace_forms.responses.recording import record_responses
from pace_forms.sync.openapi import openapi_document

bp = Blueprint("sync", __name__, url_prefix="/api/v1")
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
    results = record_responses(items)
    db.session.commit()
    return jsonify({"results": [result.to_json() for result in results]})


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document(current_app.config["MAX_BATCH_ITEMS"], current_app.config["MAX_CONTENT_LENGTH"]))


# Routes of the other resources, on the same blueprint.
from pace_forms.sync import forms  # noqa: E402,F401
from pace_forms.sync import measures  # noqa: E402,F401
from pace_forms.sync import follow_ups  # noqa: E402,F401
from pace_forms.sync import reviews  # noqa: E402,F401
from pace_forms.sync import sealing_key  # noqa: E402,F401
