"""GET /api/v1/forms and /api/v1/forms/<key>: form definitions, for a device
to cache (in a language with ?lang=, an exact version with ?version=). One
form carries the server's current sealing key too (null when sealing is not
set up), so a kiosk that cached its forms can seal answers offline."""

from __future__ import annotations

from flask import jsonify, request, url_for

from pace_forms.errors import api_error
from pace_forms.forms.catalogue import current_forms, definition_of, find_form_version
from pace_forms.responses.recording import MAX_VERSION_NUMBER
from pace_forms.sync.api import bp
from pace_forms.sync.sealing_key import sealing_key_document


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
    return jsonify({**form.to_public(), "sealing_key": sealing_key_document()})
