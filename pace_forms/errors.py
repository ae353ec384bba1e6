"""One error shape for the API, pages in words for people; never a bare 500."""

from __future__ import annotations

import re
import sqlite3

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException

from pace_forms.extensions import db

MESSAGES = {
    400: "The request could not be understood.",
    401: "Sign in to see this.",
    403: "Your account cannot use this page.",
    404: "There is nothing at this address.",
    405: "This address does not accept that method.",
    413: "The request is too large.",
    415: "The request must be JSON.",
    429: "Too many requests: wait a moment and try again.",
    500: "Something went wrong on our side. Please try again in a few minutes.",
}


# A database briefly unavailable is worth another try soon (the outbox backs
# off on its own; other clients read this).
DATABASE_RETRY_AFTER_SECONDS = 5
_SQLITE_BUSY = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}
# A survey link's secret is its path (/s/<token>): masked in what the app logs.
_LINK_TOKEN = re.compile(r"^/s/[^/]+")


def path_for_log() -> str:
    """The request's path as the app's log may hold it: a survey link's token masked."""
    return _LINK_TOKEN.sub("/s/<token>", request.path)


def api_error(status: int, code: str, message: str, where: str | None = None):
    body = {"error": {"status": status, "code": code, "message": message}}
    if where is not None:
        body["error"]["where"] = where
    return jsonify(body), status


# The respondent's words for a page (error_<kind>_* in the survey pages'
# interface strings): never the server's own ("Not Found").
PAGE_KINDS = {404: "not_found", 410: "gone", 429: "busy"}


def page_kind(status: int) -> str:
    return PAGE_KINDS.get(status, "server" if status >= 500 else "other")


def wants_json() -> bool:
    return request.path.startswith("/api/")


def is_database_unavailable(error: BaseException) -> bool:
    """Whether a database error means "not now" rather than a fault here: the
    connection was cut or refused, the server is shutting down or out of
    resources (PostgreSQL's operational errors), or SQLite's write lock was
    held by someone else past the wait. SQLite's other operational errors
    ("no such table", a syntax error) are faults in the code: still a 500."""
    if not isinstance(error, DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    if isinstance(error.orig, sqlite3.Error):
        return (getattr(error.orig, "sqlite_errorcode", 0) & 0xFF) in _SQLITE_BUSY
    return isinstance(error, OperationalError)


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_failed(error: CSRFError):
        if wants_json():
            return api_error(400, "csrf", error.description, where="X-CSRFToken")
        message = "This page was open too long, so for your safety it needs to be loaded again. Your answers were not sent: please go back, reload the page and send them again."
        if not request.path.startswith("/s/"):
            # A staff page (sign-in, password...): nothing of a survey was at stake.
            message = "This page was open too long, so for your safety it needs to be loaded again. Nothing was changed: please go back, reload the page and try again."
        return render_template("error.html", status=400, title="Please reload the page", message=message), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        status = error.code or 500
        message = MESSAGES.get(status, error.description or "")
        if status == 413 and wants_json():
            limit = app.config["MAX_CONTENT_LENGTH"]
            message = f"The request body is larger than {limit} bytes; send fewer items per batch."
        if wants_json():
            reply = api_error(status, error.name.lower().replace(" ", "_"), message)
        else:
            reply = render_template("error.html", status=status, kind=page_kind(status)), status
        return reply

    def database_unavailable(error: DBAPIError):
        # The request's unit of work is undone; a cut connection was already
        # dropped from the pool, so the next request gets a fresh one.
        db.session.rollback()
        app.logger.warning("database unavailable on %s %s: %s", request.method, path_for_log(), error.orig)
        retry = {"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)}
        if wants_json():
            message = "The database is busy or briefly unavailable. Please send again in a few seconds: an item already stored is answered as a duplicate, never stored twice."
            return api_error(503, "database_unavailable", message) + (retry,)
        try:
            return render_template("error.html", status=503, kind=page_kind(503)), 503, retry
        except DBAPIError:
            # The page's header needs the database too (a signed-in user, an area).
            return MESSAGES[500], 503, {**retry, "Content-Type": "text/plain; charset=utf-8"}

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        if is_database_unavailable(error):
            return database_unavailable(error)
        if app.testing:
            raise error  # let the test see the traceback
        app.logger.exception("unhandled error on %s %s", request.method, path_for_log())
        if wants_json():
            return api_error(500, "internal_server_error", "Something went wrong on our side; nothing from this request was stored, so it is safe to send it again.")
        return render_template("error.html", status=500, kind=page_kind(500)), 500
