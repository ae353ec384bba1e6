"""The forms this server knows: loaded from forms/*.yaml at start-up, and
published as immutable FormVersion rows so that every response can point at
the exact version it was filled on."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app
from sqlalchemy import inspect

from pace_forms.extensions import db
from pace_forms.models import FormVersion
from pace_forms.forms.definitions import (
    FormDefinition,
    FormDefinitionError,
    check_versions_bumped,
    load_forms,
    parse_definition,
)

EXTENSION_KEY = "pace_forms.forms"


def init_app(app: Flask) -> None:
    # A broken form stops start-up here, with file, question and reason.
    app.extensions[EXTENSION_KEY] = load_forms(app.config["FORMS_DIR"], **media_names(app))
    with app.app_context():
        # Before the first migration there is nothing to publish into.
        if inspect(db.engine).has_table(FormVersion.__tablename__):
            publish_form_versions()
            db.session.commit()


def media_names(app: Flask) -> dict[str, set[str]]:
    """What a form's `image:` and `audio:` may name in this app (load_forms' keywords)."""
    pictures = {path.stem for path in (Path(app.static_folder) / "pictures").glob("*.svg")}
    audio = Path(app.config["AUDIO_DIR"])
    audio_files = {path.relative_to(audio).as_posix() for path in audio.rglob("*") if path.is_file() and path.suffix != ".md"}
    return {"pictures": pictures, "audio_files": audio_files}


def current_forms() -> dict[str, FormDefinition]:
    return current_app.extensions[EXTENSION_KEY]


def published_hashes() -> dict[tuple[str, int], str]:
    rows = db.session.execute(db.select(FormVersion.key, FormVersion.version, FormVersion.content_hash))
    return {(key, version): content_hash for key, version, content_hash in rows}


def publish_form_versions() -> list[FormVersion]:
    """Record a FormVersion for each current form not yet recorded.

    Raises FormDefinitionError when a form changed without a new version.
    Flushes; the caller commits."""
    forms = current_forms()
    published = published_hashes()
    problems = check_versions_bumped(forms, published)
    if problems:
        raise FormDefinitionError(problems)
    added = []
    for form in forms.values():
        if (form.key, form.version) not in published:
            row = FormVersion(key=form.key, version=form.version, content_hash=form.content_hash, definition=dict(form.document))
            db.session.add(row)
            added.append(row)
    db.session.flush()
    return added


def find_form_version(key: str, version: int) -> FormVersion | None:
    return db.session.execute(
        db.select(FormVersion).where(FormVersion.key == key, FormVersion.version == version)
    ).scalar_one_or_none()


def definition_of(row: FormVersion) -> FormDefinition:
    """The parsed definition of a stored version (older ones included),
    parsed once per content hash: a version's content never changes."""
    form = _parsed_by_hash.get(row.content_hash)
    if form is None:
        form = parse_definition(row.definition, f"forms/{row.key}.yaml version {row.version}")
        _parsed_by_hash[row.content_hash] = form
    return form


_parsed_by_hash: dict[str, FormDefinition] = {}
