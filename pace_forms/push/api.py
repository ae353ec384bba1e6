"""/api/v1/push: the key browsers subscribe with, subscriptions (a respondent
by their link token in the body; staff by their session, with X-CSRFToken),
and a device's count of answers waiting to be sent. Thin over subscriptions.py."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, current_app, jsonify, request, url_for

from pace_forms.accounts.access import audit, duty_area_ids, signed_in_user, staff_only
from pace_forms.errors import api_error
from pace_forms.extensions import csrf, db, limiter
from pace_forms.invitations.services import find_invitation
from pace_forms.models import utc_now
from pace_forms.push import subscriptions
from pace_forms.push.keys import seal_link
from pace_forms.push.subscriptions import PushInputError

bp = Blueprint("push", __name__, url_prefix="/api/v1/push")
# A respondent's request carries its link token; a staff session's writes are
# checked for X-CSRFToken by @staff_only.
csrf.exempt(bp)

STAFF_PURPOSES = ("follow-up", "outbox-waiting")


def _body() -> dict | None:
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else None


def _refused(error: PushInputError, status: int = 400):
    return api_error(status, "invalid", error.message, where=error.field)


def _not_json():
    return api_error(400, "malformed", "Send a JSON object with Content-Type: application/json.", where="body")


def _by_link_or_session(respondent: Callable, staff: Callable):
    """A body with a link token is the respondent's; anything else is a staff session's."""
    body = _body()
    if body is not None and "token" in body:
        return respondent(body)
    return staff_only()(lambda: staff(body))()


@bp.get("/key")
def public_key():
    key = current_app.config.get("VAPID_PUBLIC_KEY")
    if not key:
        return api_error(404, "push_not_set_up", "Notifications are not set up on this server.")
    return jsonify({"public_key": key})


@bp.post("/subscriptions")
@limiter.limit(lambda: current_app.config["SYNC_RATE_LIMIT"])
def subscribe():
    return _by_link_or_session(_subscribe_respondent, _subscribe_staff)


def _by_link(body: dict, act: Callable):
    """`act(invitation, token)` for the survey link whose token is in the body, else 404."""
    token = body.get("token")
    invitation = find_invitation(token) if isinstance(token, str) and token else None
    if invitation is None:
        return api_error(404, "unknown_link", "This survey link is not known.", where="token")
    return act(invitation, token)


def _subscribe_respondent(body: dict):
    return _by_link(body, lambda invitation, token: _subscribe_link(body, invitation, token))


def _subscribe_link(body: dict, invitation, token: str):
    if body.get("purpose", "reminder") != "reminder":
        return api_error(400, "invalid", 'A survey link can only ask for a "reminder".', where="purpose")
    try:
        given = subscriptions.read_subscription(body, allow_plain_http=current_app.config["PUSH_ALLOW_PLAIN_HTTP"],
                                                hosts=current_app.config["PUSH_SERVICE_HOSTS"])
        link = url_for("surveys.take", token=token)
        subscriptions.subscribe_respondent(given, invitation, seal_link(link, current_app.config["SECRET_KEY"]), utc_now())
    except PushInputError as error:
        return _refused(error, 409 if error.field == "token" else 400)
    db.session.commit()
    hours = current_app.config["PUSH_REMINDER_HOURS"]
    return jsonify({"purpose": "reminder", "message": f"We will remind you once, in {hours} hours, if this survey has not been sent by then."}), 201


def _subscribe_staff(body: dict | None):
    if body is None:
        return _not_json()
    purpose = body.get("purpose")
    if purpose not in STAFF_PURPOSES:
        return api_error(400, "invalid", f'Say what to be told of: "purpose" is one of {", ".join(STAFF_PURPOSES)}.', where="purpose")
    try:
        given = subscriptions.read_subscription(body, allow_plain_http=current_app.config["PUSH_ALLOW_PLAIN_HTTP"],
                                                hosts=current_app.config["PUSH_SERVICE_HOSTS"])
    except PushInputError as error:
        return _refused(error)
    user = signed_in_user()
    if purpose == "follow-up" and not duty_area_ids(user):
        audit("access.refused", subject="follow-up notifications", method=request.method, path=request.path)
        db.session.commit()
        return api_error(403, "forbidden", "Only an area's duty contacts are told of new follow-ups; you are not a duty contact of any area.", where="purpose")
    subscriptions.subscribe_staff(given, user, purpose, utc_now())
    audit("push.subscribed", subject=purpose)
    db.session.commit()
    return jsonify({"purpose": purpose}), 201


@bp.delete("/subscriptions")
@limiter.limit(lambda: current_app.config["SYNC_RATE_LIMIT"])
def unsubscribe():
    return _by_link_or_session(_unsubscribe_respondent, _unsubscribe_staff)


def _unsubscribe_respondent(body: dict):
    return _by_link(body, lambda invitation, token: _end(body, invitation_id=invitation.id))


def _unsubscribe_staff(body: dict | None):
    return _not_json() if body is None else _end(body, user_id=signed_in_user().id)


def _end(body: dict, **owner: int):
    try:
        endpoint = subscriptions.read_endpoint(body)
    except PushInputError as error:
        return _refused(error)
    ended = subscriptions.unsubscribe(endpoint, **owner)
    db.session.commit()
    return jsonify({"ended": ended})


@bp.post("/outbox-waiting")
@staff_only()
def outbox_waiting():
    body = _body()
    if body is None:
        return _not_json()
    try:
        count = subscriptions.read_waiting_count(body)
    except PushInputError as error:
        return _refused(error)
    subscriptions.report_waiting(signed_in_user(), count, utc_now())
    db.session.commit()
    return jsonify({"waiting": count})


def init_app(app) -> None:
    app.register_blueprint(bp)
