"""What makes the app work with no signal: the service worker at /sw.js (scope
/), the web app manifest, and the page shown offline for pages never opened."""

from __future__ import annotations

import json

from flask import Blueprint, Response, current_app, render_template, url_for

from pace_forms.config import PROJECT_ROOT
from pace_forms.offline import shell
from pace_forms.surveys.interface import catalogue, interface_strings

bp = Blueprint("offline", __name__)

SERVICE_WORKER_SOURCE = PROJECT_ROOT / "service_worker" / "sw.js"
# The words the offline page may need about a link this device sent answers
# for (answered, or kept aside), in every language a page can use.
LINK_STATE_KEYS = (
    "thanks_heading",
    "thanks_already",
    "thanks_close",
    "kept_aside_heading",
    "kept_aside_link",
    "kept_aside_answers",
    "kept_aside_stored",
)



@bp.record_once
def serve_the_shell_by_version(state) -> None:
    """Registering this blueprint serves static files under their version (shell.py)."""
    shell.init_app(state.app)


def precache_manifest() -> list[str]:
    """What the service worker keeps before it takes over: every stylesheet
    and script of this version, and the page shown offline."""
    urls = [url_for("static", filename=name) for name in shell.precached_files()]
    urls.append(url_for("offline.offline_page"))
    return urls


@bp.get("/sw.js")
def service_worker():
    version = shell.shell_version()
    source = SERVICE_WORKER_SOURCE.read_text(encoding="utf-8")
    # The worker imports the pages' own modules of this very version, so it
    # and the pages it serves can never disagree on names or on the outbox.
    source = source.replace('from "/static/', f'from "/static/{version}/')
    if current_app.config.get("MINIFY_STATIC", True):
        source = shell.minified(source, ".js")
    preamble = f"const PRECACHE = {json.dumps(precache_manifest())};\n"
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
    """Shown for a page never kept on this device. Served from the worker's
    cache at the address asked for, so its script can say what the device
    knows about that survey link, in the language the answers were given in."""
    words = {
        language: {key: interface_strings(language)[key] for key in LINK_STATE_KEYS} for language in catalogue()
    }
    return render_template("offline.html", link_state_words=words)
