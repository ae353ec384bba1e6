"""Follow-ups where they are seen: the list of open ones (and those recently
taken on) for the people who act on them, and "I have taken this on"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import DataRequired, Length

from pace_forms.accounts.access import audit, audit_viewed, duty_area_ids, follow_up_of_mine, only_follow_ups_of, staff_only
from pace_forms.database import begin_writing
from pace_forms.extensions import db
from pace_forms.models import Area, FollowUp, utc_now
from pace_forms.safeguarding.concerns import concern_words_for
from pace_forms.safeguarding.services import (
    RESPONDENT_WORDS,
    AlreadyTakenOn,
    FollowUpRow,
    concern_words_in,
    is_overdue,
    list_follow_ups,
    take_on_follow_up,
    waiting_words,
    what_was_asked,
)

bp = Blueprint("safeguarding", __name__)

MAX_ACTION_LENGTH = 2000
RECENTLY_TAKEN_ON = 20
# Where a take-on form may send its user back to.
BACK_TO = ("safeguarding.follow_ups", "accounts.home")


class TakeOnForm(FlaskForm):
    action_taken = TextAreaField(
        "What you did or will do",
        filters=[lambda text: text.strip() if isinstance(text, str) else text],
        validators=[
            DataRequired("Say what you did or will do about this follow-up."),
            Length(max=MAX_ACTION_LENGTH, message=f"Keep it to {MAX_ACTION_LENGTH} characters or fewer."),
        ],
    )
    back = HiddenField()


@dataclass(frozen=True)
class FollowUpCard:
    """One follow-up as a staff page shows it."""

    row: FollowUpRow
    asked: list[str]
    respondent: str
    waited: str
    is_overdue: bool
    concern_words: list[str]
    form: TakeOnForm | None
    overdue_hours: float


def take_on_form(follow_up_id: int, back: str, formdata=None) -> TakeOnForm:
    # A prefix per follow-up: several forms on one page, each field's id its own.
    form = TakeOnForm(formdata=formdata, prefix=f"follow-up-{follow_up_id}")
    if not form.back.data:
        form.back.data = back
    return form


def card_of(row: FollowUpRow, now: datetime, back: str, form: TakeOnForm | None = None) -> FollowUpCard:
    return FollowUpCard(
        row=row,
        asked=what_was_asked(row),
        respondent=RESPONDENT_WORDS.get(row.audience, row.audience),
        waited=waiting_words(row.raised_at, row.acknowledged_at or now),
        is_overdue=is_overdue(row, now, current_app.config["FOLLOW_UP_OVERDUE_HOURS"]),
        concern_words=concern_words_in(row, concern_words_for(row.audience, current_app.config)) if "concern_words" in row.reasons else [],
        form=None if row.acknowledged_at else (form or take_on_form(row.id, back, formdata=None)),
        overdue_hours=current_app.config["FOLLOW_UP_OVERDUE_HOURS"],
    )


def open_follow_up_cards(back: str) -> list[FollowUpCard]:
    """The signed-in user's open follow-ups, oldest first (the home page's list too)."""
    now = utc_now()
    return [card_of(row, now, back) for row in list_follow_ups(include_acknowledged=False, narrow=only_follow_ups_of)]


def poll_settings() -> dict:
    """How often static/staff/follow-ups.js asks for new follow-ups (PACE_FOLLOW_UP_POLL_SECONDS)."""
    return {"follow_up_poll_seconds": current_app.config["FOLLOW_UP_POLL_SECONDS"]}


@bp.get("/follow-ups")
@staff_only()
def follow_ups():
    now = utc_now()
    open_cards = open_follow_up_cards("safeguarding.follow_ups")
    taken_on = [
        card_of(row, now, "safeguarding.follow_ups")
        for row in list_follow_ups(only_acknowledged=True, narrow=only_follow_ups_of, limit=RECENTLY_TAKEN_ON)
    ]
    audit_viewed("follow-ups", open=len(open_cards), taken_on=len(taken_on))
    return render_template(
        "safeguarding/follow_ups.html",
        open_cards=open_cards,
        taken_on=taken_on,
        recently=RECENTLY_TAKEN_ON,
        is_duty_contact=bool(duty_area_ids(current_user)),
        **poll_settings(),
    )


@bp.get("/follow-ups/<int:follow_up_id>")
@staff_only()
def follow_up(follow_up_id: int):
    found = follow_up_of_mine(follow_up_id)
    back = request.args.get("back") if request.args.get("back") in BACK_TO else "safeguarding.follow_ups"
    card = card_of(_row_of(found.id), utc_now(), back)
    audit_viewed(f"follow_up {found.id}")
    return render_template("safeguarding/follow_up.html", card=card)


def _row_of(follow_up_id: int) -> FollowUpRow:
    return list_follow_ups(include_acknowledged=True, narrow=lambda query: query.where(FollowUp.id == follow_up_id))[0]


@bp.post("/follow-ups/<int:follow_up_id>/take-on")
@staff_only()
def take_on(follow_up_id: int):
    begin_writing()
    found = follow_up_of_mine(follow_up_id)
    form = take_on_form(found.id, "safeguarding.follow_ups", formdata=request.form)
    back = form.back.data if form.back.data in BACK_TO else "safeguarding.follow_ups"
    if form.validate():
        try:
            taken = take_on_follow_up(found, current_user._get_current_object(), form.action_taken.data)
        except AlreadyTakenOn as error:
            db.session.rollback()
            flash(f"Nothing was changed: {error}.")
            return redirect(url_for("safeguarding.follow_up", follow_up_id=follow_up_id))
        audit("follow_up.taken_on", area_code=_area_code(taken.area_id), subject=f"follow_up {taken.id}")
        db.session.commit()
        flash(f"You have taken on follow-up {taken.id}. It is now listed as taken on.")
        return redirect(url_for(back))
    db.session.rollback()
    card = card_of(_row_of(found.id), utc_now(), back, form)
    return render_template("safeguarding/follow_up.html", card=card), 400


def _area_code(area_id: int) -> str | None:
    area = db.session.get(Area, area_id)
    return area.code if area else None


def init_app(app) -> None:
    app.register_blueprint(bp)
