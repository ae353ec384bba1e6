"""The app shell as one version: every file under static/ is served at
/static/<version>/<path>, where the version is a hash of all of them. A page
names the version it was rendered for in every asset URL, and the scripts'
relative imports stay inside that version, so a page can never run with
scripts of another version; the service worker keeps one cache per version.

The precache list is built from the files by rule (every stylesheet and
script), never kept by hand."""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path

from flask import Flask, abort, current_app, g, request
from werkzeug.wrappers import Response

from pace_forms.forms.question_types import QUESTION_TYPES

VERSION_LENGTH = 12
VERSIONED_STATIC_RULE = f"/static/<string(length={VERSION_LENGTH}):version>/<path:filename>"
# What a survey page needs to run offline besides itself: its styles and
# scripts. Pictures, recorded audio and a question type's own script are kept
# with the pages that use them; install icons are fetched by the browser from
# the manifest.
PRECACHED_SUFFIXES = (".css", ".js")
# Files of the signed-in pages, which are never used offline.
STAFF_FOLDER = "staff/"
# Scripts that only some pages import, when they need them: the worker keeps
# one when a page first fetches it (cache first), so that a survey link's
# first load does not carry it. Sealing: only kiosk mode seals, and it loads
# the script while online (seal.js prepareSealing).
# The reminder (web push) is set up only when someone asks for it, online.
ON_DEMAND_SCRIPTS = ("js/seal.js", "js/remind.js")
# Kiosk mode's script: kept by kiosk mode itself with the meeting's page
# (static/js/kiosk.js), so that no survey's first load carries it.
KIOSK_SCRIPT = "js/kiosk.js"
ONE_YEAR = 365 * 24 * 3600


def static_files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file())


def shell_version() -> str:
    """The hash of every static file, worked out once per request (or CLI
    command) and again only when a file's size or time changes."""
    if "shell_version" not in g:
        folder = Path(current_app.static_folder)
        signature = tuple((str(path), path.stat().st_mtime_ns, path.stat().st_size) for path in static_files(folder))
        g.shell_version = _hash_of(str(folder), signature)
    return g.shell_version


@lru_cache(maxsize=8)
def _hash_of(folder: str, signature: tuple) -> str:
    digest = hashlib.sha256()
    for name, _, _ in signature:
        path = Path(name)
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:VERSION_LENGTH]


def precached_files() -> list[str]:
    """Static paths (relative to static/) that the service worker precaches."""
    folder = Path(current_app.static_folder)
    question_scripts = {kind.script for kind in QUESTION_TYPES.values() if kind.script}
    return [
        name
        for name in (path.relative_to(folder).as_posix() for path in static_files(folder))
        if name.endswith(PRECACHED_SUFFIXES)
        and name not in question_scripts
        and name not in {*ON_DEMAND_SCRIPTS, KIOSK_SCRIPT}
        and not name.startswith(STAFF_FOLDER)
    ]


MINIFIERS = {".js": "rjsmin", ".css": "rcssmin"}


def minified(source: str, suffix: str) -> str:
    """A script or stylesheet without comments and spare whitespace (rjsmin,
    rcssmin: they keep strings, template literals and regular expressions)."""
    if suffix == ".js":
        import rjsmin

        return rjsmin.jsmin(source)
    import rcssmin

    return rcssmin.cssmin(source)


@lru_cache(maxsize=256)
def _minified_file(path: str, version: str) -> tuple[bytes, str]:
    """(body, etag) of a static script or stylesheet, minified, once per version."""
    body = minified(Path(path).read_text(encoding="utf-8"), Path(path).suffix).encode("utf-8")
    return body, hashlib.sha256(body).hexdigest()[:32]


# A script's static imports of its neighbours: `from "./x.js"` or `import "./x.js"`.
STATIC_IMPORT = re.compile(r"(?:\bfrom|^import)\s*[\"']\./([\w-]+\.js)[\"']", re.MULTILINE)


def module_preloads(*entries: str) -> list[str]:
    """What the page's module scripts (`entries`, such as "js/survey.js")
    import, directly or not, as static filenames: named in <link
    rel="modulepreload"> so that a slow network fetches them all at once,
    not one level of imports per round trip."""
    return list(_imports_of(entries, shell_version()))


@lru_cache(maxsize=32)
def _imports_of(entries: tuple[str, ...], version: str) -> tuple[str, ...]:
    folder = Path(current_app.static_folder)
    found: list[str] = []
    pending = list(entries)
    while pending:
        script = pending.pop(0)
        for name in STATIC_IMPORT.findall((folder / script).read_text(encoding="utf-8")):
            imported = str(Path(script).parent / name)
            if imported not in found and imported not in entries:
                found.append(imported)
                pending.append(imported)
    return tuple(found)


def serve_static(original):
    """Flask's static view, with scripts and styles minified (MINIFY_STATIC)."""

    def static(filename: str):
        suffix = Path(filename).suffix
        if suffix not in MINIFIERS or not current_app.config.get("MINIFY_STATIC", True):
            return original(filename=filename)
        folder = Path(current_app.static_folder).resolve()
        path = (folder / filename).resolve()
        if folder not in path.parents or not path.is_file():
            abort(404)
        body, etag = _minified_file(str(path), shell_version())
        response = Response(body, mimetype="text/javascript" if suffix == ".js" else "text/css")
        response.set_etag(etag)
        return response.make_conditional(request)

    return static


def init_app(app: Flask) -> None:
    """Serve static files under their version, and make url_for("static",
    filename=...) name it. The plain /static/<path> stays for anything that
    asks for a file without a version. Scripts and styles are minified."""
    app.add_url_rule(VERSIONED_STATIC_RULE, endpoint="static")
    app.view_functions["static"] = serve_static(app.view_functions["static"])
    app.add_template_global(module_preloads)

    @app.url_defaults
    def add_shell_version(endpoint: str | None, values: dict) -> None:
        if endpoint == "static" and "version" not in values:
            values["version"] = shell_version()

    @app.url_value_preprocessor
    def check_shell_version(endpoint: str | None, values: dict | None) -> None:
        if endpoint == "static" and values and "version" in values:
            # Only this version's files exist here: another version's would
            # be this version's content under the other's name.
            if values.pop("version") != shell_version():
                abort(404)

    @app.after_request
    def cache_versioned_files(response: Response) -> Response:
        rule = request.url_rule
        if rule is not None and rule.rule == VERSIONED_STATIC_RULE and response.status_code == 200:
            # The URL changes whenever any file does, so its content never does.
            response.cache_control.no_cache = None
            response.cache_control.public = True
            response.cache_control.max_age = ONE_YEAR
            response.cache_control.immutable = True
        return response
