"""The survey page a respondent opens from their link: /s/<token>.

Server-rendered and complete without JavaScript (a plain form post with a CSRF
field); with JavaScript, static/js/survey.js turns it into one question per
screen that saves to the device's outbox and syncs when it can."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, abort, current_app, redirect, render_template, request, send_from_directory, url_for
from werkzeug.datastructures import MultiDict

from pace_forms.database import begin_writing
from pace_forms.extensions import csrf, db, limiter
from pace_forms.invitations.services import find_invitation
from pace_forms.models import FollowUp, utc_now
from pace_forms.forms.catalogue import current_forms
from pace_forms.forms.definitions import FormDefinition, drop_unshown_answers, validate_answers
from pace_forms.surveys.interface import interface_strings, language_name
from pace_forms.responses.recording import CREATED, DUPLICATE, record_responses

bp = Blueprint("surveys", __name__)

FIELD_PREFIX = "answer-"
DEFAULT_LANGUAGE = "en-GB"
# The interface strings the page's scripts need (status line, progress, warnings).
JS_STRING_KEYS = (
    "question_n_of_total",
    "waiting_one",
    "waiting_many",
    "not_sent_yet",
    "last_sent",
    "today_at",
    "day_at",
    "no_storage",
    "leave_warning",
    "update_ready",
    "update_now",
)


def page_words(language: str) -> dict[str, Any]:
    """What base.html needs: the language, its interface strings, and the
    subset handed to the page's scripts."""
    strings = interface_strings(language)
    return {"page_lang": language, "t": strings, "js_strings": {key: strings[key] for key in JS_STRING_KEYS}}


@bp.app_context_processor
def default_page_words() -> dict[str, Any]:
    return page_words(DEFAULT_LANGUAGE)


@bp.get("/")
def home():
    return render_template("surveys/home.html")


@bp.get("/audio/<path:filename>")
def audio(filename: str):
    """A recorded read-aloud file named by a form (kept offline once its page is)."""
    return send_from_directory(current_app.config["AUDIO_DIR"], filename, max_age=86400)


def choose_language(form: FormDefinition) -> str:
    """The language asked for (?lang= or the posted field), if the form has it."""
    asked = request.values.get("lang")
    return asked if asked in form.languages else form.locale


def language_links(form: FormDefinition, token: str, current: str) -> list[dict[str, Any]]:
    return [
        {
            "code": code,
            "name": language_name(code),
            "href": url_for("surveys.take", token=token, lang=None if code == form.locale else code),
            "is_current": code == current,
        }
        for code in form.languages
    ]


@bp.route("/s/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SURVEY_POST_RATE_LIMIT"], methods=["POST"])
@csrf.exempt  # checked below instead, after the rate limit
def take(token: str):
    if request.method == "POST":
        csrf.protect()
        begin_writing()  # before the first read: see pace_forms/database.py
    # Locked on POST: a second click waits for the first, then sees the link used.
    invitation = find_invitation(token, for_update=request.method == "POST")
    if invitation is None:
        return render_template("surveys/link_problem.html", reason="unknown"), 404
    if invitation.is_expired(utc_now()):
        return render_template("surveys/link_problem.html", reason="expired", expires_at=invitation.expires_at), 410
    source_form = current_forms().get(invitation.form_key)
    if source_form is None:
        current_app.logger.error("invitation %s names unknown form %r", invitation.id, invitation.form_key)
        abort(404)
    language = choose_language(source_form)
    form = source_form.localised(language)
    words = page_words(language)
    if invitation.used_at is not None:
        follow_up = db.session.execute(
            db.select(FollowUp.id).where(FollowUp.response_id == invitation.used_by_response_id)
        ).first()
        return render_template(
            "surveys/thanks.html",
            form=form,
            just_sent=request.args.get("sent") == "1",
            has_follow_up=follow_up is not None,
            **words,
        )

    response_id = str(uuid.uuid4())
    errors: dict[str, str] = {}
    given: dict[str, Any] = {}
    if request.method == "POST":
        response_id = _valid_uuid(request.form.get("response_id")) or response_id
        given = drop_unshown_answers(form, collect_answers(form, request.form))
        _, problems = validate_answers(form, given)
        if not problems:
            item = {
                "id": response_id,
                "form": form.key,
                "form_version": form.version,
                "invitation": token,
                "submitted_at": utc_now().isoformat(),
                "locale": language,
                "answers": given,
            }
            result = record_responses([item])[0]
            db.session.commit()
            if result.status in (CREATED, DUPLICATE):
                return redirect(url_for("surveys.take", token=token, sent=1, lang=request.form.get("lang")), code=303)
            problems = result.errors
        errors = {problem["field"].removeprefix("answers."): problem["message"] for problem in problems}
    status = 422 if errors else 200
    return (
        render_template(
            "surveys/take.html",
            form=form,
            token=token,
            response_id=response_id,
            errors=errors,
            given=given,
            field_prefix=FIELD_PREFIX,
            languages=language_links(source_form, token, language),
            **words,
        ),
        status,
    )


def collect_answers(form: FormDefinition, fields: MultiDict) -> dict[str, Any]:
    """Answers from a plain form post, as the sync API would receive them."""
    answers: dict[str, Any] = {}
    for question in form.questions:
        raw = question.kind.read_form(question.spec, FIELD_PREFIX + question.key, fields)
        if raw is not None:
            answers[question.key] = raw
    return answers


def _valid_uuid(value: str | None) -> str | None:
    try:
        return str(uuid.UUID(value)) if value else None
    except ValueError:
        return None
