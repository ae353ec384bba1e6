"""What makes the app work with no signal: the service worker at /sw.js (scope
/), the web app manifest, and the page shown offline for pages never opened."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from flask import Blueprint, Response, current_app, render_template, url_for

from pace_forms.config import PROJECT_ROOT

bp = Blueprint("offline", __name__)

SERVICE_WORKER_SOURCE = PROJECT_ROOT / "service_worker" / "sw.js"
# The app shell: everything a survey page needs besides the page itself.
SHELL_FILES = (
    "css/app.css",
    "js/app.js",
    "js/outbox.js",
    "js/survey.js",
    "js/status.js",
    "js/strings.js",
    "js/read-aloud.js",
    "js/picture-sort.js",
    "icons/icon.svg",
    "icons/icon-192.png",
    "icons/icon-512.png",
    "icons/icon-maskable-512.png",
)


def file_revision(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def precache_manifest() -> list[dict[str, str]]:
    """Each shell URL with a hash of its content, so a changed file is fetched
    again and an unchanged one is not."""
    static = Path(current_app.static_folder)
    # Every picture too (about 10 KB in all): any form a device opens works offline.
    pictures = sorted(f"pictures/{path.name}" for path in (static / "pictures").glob("*.svg"))
    entries = [
        {"url": url_for("static", filename=name), "revision": file_revision(static / name)}
        for name in (*SHELL_FILES, *pictures)
    ]
    offline_template = Path(current_app.template_folder) / "offline.html"
    entries.append({"url": url_for("offline.offline_page"), "revision": file_revision(offline_template)})
    return entries


@bp.get("/sw.js")
def service_worker():
    entries = precache_manifest()
    source = SERVICE_WORKER_SOURCE.read_text(encoding="utf-8")
    version = hashlib.sha256((source + json.dumps(entries, sort_keys=True)).encode()).hexdigest()[:12]
    preamble = f"const VERSION = {json.dumps(version)};\nconst PRECACHE = {json.dumps(entries)};\n"
    response = Response(preamble + source, mimetype="text/javascript")
    # Browsers check for a new worker on navigation; never serve a stale one.
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@bp.get("/manifest.webmanifest")
def manifest():
    icons = [
        {"src": url_for("static", filename="icons/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
        {"src": url_for("static", filename="icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
        {"src": url_for("static", filename="icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
        {
            "src": url_for("static", filename="icons/icon-maskable-512.png"),
            "sizes": "512x512",
            "type": "image/png",
            "purpose": "maskable",
        },
    ]
    body = {
        "name": "Your say – pace-forms",
        "short_name": "Your say",
        "description": "Tell us how a child's review went for you, even with no signal.",
        "start_url": url_for("surveys.home"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#1d4f6e",
        "lang": "en-GB",
        "icons": icons,
    }
    return Response(json.dumps(body), mimetype="application/manifest+json")


@bp.get("/offline")
def offline_page():
    return render_template("offline.html")
