"""The JSON API under /api/v1: response sync, form definitions, the OpenAPI document."""

from __future__ import annotations

import json

from flask import Blueprint, current_app, jsonify, request, url_for

from pace_forms.errors import api_error
from pace_forms.extensions import csrf, db, limiter
from pace_forms.surveys.catalogue import current_forms, definition_of, find_form_version
from pace_forms.sync.ingest import MAX_VERSION_NUMBER, record_responses
from pace_forms.sync.openapi import openapi_document

bp = Blueprint("sync", __name__, url_prefix="/api/v1")
# Items carry their own authority (a link token; a worker's X-CSRFToken in
# kiosk mode, checked per item), so the form-field CSRF check does not apply.
csrf.exempt(bp)


class NotStandardJSON(ValueError):
    """NaN or Infinity: Python's json reads them, but they are not JSON and
    PostgreSQL refuses to store them."""


def _refuse_constant(name: str):
    raise NotStandardJSON(f"{name} is not a JSON value")


@bp.post("/responses")
@limiter.limit(lambda: current_app.config["SYNC_RATE_LIMIT"])
def post_responses():
    if not request.is_json:
        return api_error(415, "unsupported_media_type", "Send the batch as JSON with Content-Type: application/json.", where="Content-Type")
    body = request.get_data(cache=False)
    try:
        payload = json.loads(body, parse_constant=_refuse_constant)
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


@bp.get("/forms")
def list_forms():
    forms = [
        {
            "key": form.key,
            "version": form.version,
            "title": form.title,
            "audience": form.audience,
            "locale": form.locale,
            "content_hash": form.content_hash,
            "url": url_for("sync.get_form", key=form.key),
        }
        for form in current_forms().values()
    ]
    return jsonify({"forms": forms})


@bp.get("/forms/<key>")
def get_form(key: str):
    version = request.args.get("version")
    form = current_forms().get(key)
    if version is not None:
        # isdigit() alone also passes "²", which int() refuses.
        if not (version.isascii() and version.isdigit()):
            return api_error(400, "malformed", "version must be a whole number.", where="version")
        number = int(version)
        row = find_form_version(key, number) if number <= MAX_VERSION_NUMBER else None
        form = definition_of(row) if row is not None else None
    if form is None:
        return api_error(404, "not_found", f"There is no form {key!r}" + (f" version {version}." if version else "."), where="key")
    language = request.args.get("lang")
    if language is not None:
        if language not in form.languages:
            return api_error(404, "not_found", f"{key} is not translated into {language!r}; it has {', '.join(form.languages)}.", where="lang")
        form = form.localised(language)
    return jsonify(form.to_public())


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document(current_app.config["MAX_BATCH_ITEMS"], current_app.config["MAX_CONTENT_LENGTH"]))
