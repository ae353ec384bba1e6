"""Held answers, for an admin: what the sync kept but did not count, with
why, and the decisions about each (release, set aside, settle a conflict)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length

from pace_forms.accounts.access import audit, audit_viewed, staff_only
from pace_forms.database import begin_writing
from pace_forms.extensions import db
from pace_forms.models import Area, Response, ResponseConflict
from pace_forms.responses.held import (
    MAX_REASON_LENGTH,
    HeldDecisionRefused,
    held_responses,
    release_response,
    set_aside_response,
    settle_conflict,
)

bp = Blueprint("responses", __name__)

REASON_FILTERS = [lambda text: text.strip() if isinstance(text, str) else text]
REASON_CHECKS = [
    DataRequired("Give a reason for the decision."),
    Length(max=MAX_REASON_LENGTH, message=f"Keep the reason to {MAX_REASON_LENGTH} characters or fewer."),
]


class QuarantinedDecisionForm(FlaskForm):
    decision = RadioField(
        "Decision",
        choices=[SelectChoice("release", "Release it into the counts"), SelectChoice("set_aside", "Set it aside for good")],
        validators=[InputRequired("Choose release or set aside.")],
    )
    reason = TextAreaField("Reason", filters=REASON_FILTERS, validators=REASON_CHECKS)


class ConflictDecisionForm(FlaskForm):
    decision = RadioField(
        "Keep",
        choices=[SelectChoice("stored", "Keep the version stored first"), SelectChoice("changed", "Keep the changed version sent second")],
        validators=[InputRequired("Choose which version to keep.")],
    )
    reason = TextAreaField("Reason", filters=REASON_FILTERS, validators=REASON_CHECKS)


def forms_for(items, failed=None) -> dict:
    """A decision form per held item, each with its own field ids; the one that failed keeps its input."""
    forms = {}
    for item in items:
        key = f"conflict-{item.conflict_id}" if item.conflict_id is not None else f"response-{item.response_id}"
        if failed is not None and failed[0] == key:
            forms[key] = failed[1]
        else:
            form_class = ConflictDecisionForm if item.conflict_id is not None else QuarantinedDecisionForm
            forms[key] = form_class(formdata=None, prefix=key)
    return forms


def held_page(failed=None, refused: str | None = None, status: int = 200):
    items = held_responses()
    forms = forms_for(items, failed)
    if failed is not None and failed[0] not in forms:
        # Decided already (by someone else, say), or never held: nothing to show its form on.
        refused, failed, status = "That item is not held any more: it may have been decided already. Nothing was changed.", None, 409
    audit_viewed("held answers", held=len(items))
    return render_template("responses/held.html", items=items, forms=forms, refused=refused, failed_key=failed[0] if failed else None), status


@bp.get("/held")
@staff_only("admin")
def held():
    return held_page()


def _area_of(response_id: str) -> str | None:
    return db.session.execute(db.select(Area.code).join(Response, Response.area_id == Area.id).where(Response.id == response_id)).scalar_one_or_none()


@bp.post("/held/responses/<response_id>")
@staff_only("admin")
def decide_response(response_id: str):
    begin_writing()
    key = f"response-{response_id}"
    form = QuarantinedDecisionForm(prefix=key)
    if not form.validate():
        db.session.rollback()
        return held_page((key, form), status=400)
    try:
        if form.decision.data == "release":
            release_response(response_id, form.reason.data, current_user.email)
            action, words = "held.released", f"Response {response_id} is released: it is counted now."
        else:
            set_aside_response(response_id, form.reason.data, current_user.email)
            action, words = "held.set_aside", f"Response {response_id} is set aside for good: it will not be counted."
    except HeldDecisionRefused as error:
        db.session.rollback()
        return held_page((key, form), refused=str(error), status=409)
    audit(action, area_code=_area_of(response_id), subject=f"response {response_id}", reason=form.reason.data)
    db.session.commit()
    flash(words)
    return redirect(url_for("responses.held"))


@bp.post("/held/conflicts/<int:conflict_id>")
@staff_only("admin")
def decide_conflict(conflict_id: int):
    begin_writing()
    key = f"conflict-{conflict_id}"
    form = ConflictDecisionForm(prefix=key)
    if not form.validate():
        db.session.rollback()
        return held_page((key, form), status=400)
    try:
        conflict: ResponseConflict = settle_conflict(conflict_id, form.decision.data, form.reason.data, current_user.email)
    except HeldDecisionRefused as error:
        db.session.rollback()
        return held_page((key, form), refused=str(error), status=409)
    audit("held.settled", area_code=_area_of(conflict.response_id), subject=f"conflict {conflict_id}", kept=form.decision.data, reason=form.reason.data)
    db.session.commit()
    kept = "the version stored first" if form.decision.data == "stored" else "the changed version"
    flash(f"Conflict {conflict_id} is settled: response {conflict.response_id} counts once, as {kept}.")
    return redirect(url_for("responses.held"))


def init_app(app) -> None:
    app.register_blueprint(bp)
