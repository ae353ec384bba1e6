"""Security headers on every reply, CSRF for session forms, and the body
size limit for bodies sent in chunks."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from flask import Flask, Response, g, request

from pace_forms.extensions import csrf, limiter

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "media-src 'self'",
        "connect-src 'self'",
        "worker-src 'self'",
        "manifest-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

# The same policy in a page's own <meta> (base.html), so that a copy kept on
# the device for offline use carries it too; frame-ancestors has no effect there.
PAGE_META_POLICY = "; ".join(part for part in CONTENT_SECURITY_POLICY.split("; ") if not part.startswith("frame-ancestors"))

# Survey pages, every API reply, and the signed-in pages (any view behind
# accounts.access.staff_only sets g.private_page as well).
PRIVATE_PATHS = ("/s/", "/api/", "/sign-in", "/sign-out", "/account/", "/home")


def init_app(app: Flask) -> None:
    app.wsgi_app = ChunkedBodyLimit(app.wsgi_app, app.config)
    # The rate limit is checked first: a flood is turned away before any other work.
    limiter.init_app(app)
    csrf.init_app(app)

    @app.context_processor
    def page_security_policy() -> dict[str, str]:
        return {"page_security_policy": PAGE_META_POLICY}

    @app.after_request
    def set_security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        # Survey links carry their secret in the path, so no other site may
        # see a referrer; our own pages must send one, as Flask-WTF refuses
        # an HTTPS form post without a same-origin Referer (WTF_CSRF_SSL_STRICT).
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
        if (request.path.startswith(PRIVATE_PATHS) or g.get("private_page")) and not g.get("public_reply"):
            # A survey page holds its link's secret and may echo a child's typed
            # answers (the 422 page): no browser or proxy cache may keep it. The
            # service worker still keeps survey pages for offline use, since the
            # Cache API stores what its own code puts there.
            headers["Cache-Control"] = "no-store"
        if app.config["ENV"] == "production" and request.is_secure:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response


class ChunkedBodyLimit:
    """WSGI middleware: a chunked body (no Content-Length) is read here, to at
    most one byte past MAX_CONTENT_LENGTH, and handed on with its length, so
    that one over the limit is refused with 413 like any other. Left to
    Werkzeug, such a body is silently cut at the limit, and the sync API
    parsed the truncated batch (a 400 "not valid JSON" instead of a 413)."""

    def __init__(self, wsgi_app: Callable, config: Mapping[str, Any]):
        self.wsgi_app = wsgi_app
        self.config = config

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        limit = self.config.get("MAX_CONTENT_LENGTH")
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        # Only a server that de-chunks the body says so (wsgi.input_terminated);
        # otherwise Werkzeug reads nothing from it, which is safe.
        if limit is not None and chunked and environ.get("wsgi.input_terminated"):
            body = read_at_most(environ["wsgi.input"], limit + 1)
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
            del environ["HTTP_TRANSFER_ENCODING"]
        return self.wsgi_app(environ, start_response)


def read_at_most(stream, size: int) -> bytes:
    """Up to `size` bytes; a stream's read may return fewer than asked before its end."""
    parts, remaining = [], size
    while remaining > 0:
        part = stream.read(min(remaining, 64 * 1024))
        if not part:
            break
        parts.append(part)
        remaining -= len(part)
    return b"".join(parts)
