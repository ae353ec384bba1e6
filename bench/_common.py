"""What the benchmarks share: a free loopback port, a quiet threaded server
that is always stopped, the survey app with a link for every form, and a
compressing WSGI layer standing in for a production proxy."""

from __future__ import annotations

import gzip
import os
import shutil
import socket
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from werkzeug.serving import WSGIRequestHandler, make_server  # noqa: E402

# What a proxy compresses (gzip_types): text, scripts, styles, JSON, SVG.
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "application/manifest+json", "image/svg+xml")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def chromium_path() -> str | None:
    return os.environ.get("PACE_CHROMIUM") or shutil.which("chromium")


class QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):
        pass


@contextmanager
def serving(wsgi_app) -> Iterator[int]:
    """A threaded server for `wsgi_app` on a free loopback port, stopped on leaving (even on failure)."""
    port = free_port()
    server = make_server("127.0.0.1", port, wsgi_app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield port
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def survey_app(workdir: Path, secret_key: str):
    """The app on a throwaway SQLite database in `workdir`, and a link's path
    (/s/<token>) for every current form, all on one review of one child."""
    from flask_migrate import upgrade

    from pace_forms import create_app
    from pace_forms.extensions import db
    from pace_forms.forms.catalogue import current_forms, publish_form_versions
    from pace_forms.invitations.services import create_invitation, find_or_create_area, find_or_create_child, find_or_create_review

    app = create_app({"DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite'}", "SECRET_KEY": secret_key})
    with app.app_context():
        upgrade()
        publish_form_versions()
        area = find_or_create_area("BENCH")
        child = find_or_create_child(area, "BENCH-1", "4-7")
        review = find_or_create_review(child, date.today(), "later")
        paths = {key: "/s/" + create_invitation(review, form.audience, key, valid_days=28).token for key, form in current_forms().items()}
        db.session.commit()
    return app, paths


class Gzip:
    """WSGI middleware: gzip (level 6, as proxies default to) what a
    production proxy would compress, when the client accepts it."""

    def __init__(self, wsgi_app, level: int = 6):
        self.wsgi_app = wsgi_app
        self.level = level

    def __call__(self, environ, start_response):
        if "gzip" not in environ.get("HTTP_ACCEPT_ENCODING", ""):
            return self.wsgi_app(environ, start_response)
        seen = {}

        def holding_start(status, headers, exc_info=None):
            seen["status"], seen["headers"] = status, headers
            return lambda data: None  # the legacy write(): unused by Flask

        parts = self.wsgi_app(environ, holding_start)
        try:
            body = b"".join(parts)
        finally:
            getattr(parts, "close", lambda: None)()
        headers = [(name, value) for name, value in seen["headers"] if name.lower() != "content-length"]
        kind = next((value for name, value in headers if name.lower() == "content-type"), "")
        encoded = any(name.lower() == "content-encoding" for name, _ in headers)
        if body and not encoded and kind.startswith(COMPRESSIBLE):
            body = gzip.compress(body, self.level)
            headers += [("Content-Encoding", "gzip"), ("Vary", "Accept-Encoding")]
        start_response(seen["status"], [*headers, ("Content-Length", str(len(body)))])
        return [body]
