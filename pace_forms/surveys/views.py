"""The survey page a respondent opens from their link: /s/<token>.

Server-rendered and complete without JavaScript (a plain form post with a CSRF
field); with JavaScript, static/js/survey.js turns it into one question per
screen that saves to the device's outbox and syncs when it can."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, abort, current_app, g, has_request_context, make_response, redirect, render_template, request, send_from_directory, session, url_for
from werkzeug.datastructures import MultiDict

from pace_forms.areas.services import NO_PROMISES, AreaPromises, header_of, months_kept, promises_of
from pace_forms.database import begin_writing
from pace_forms.extensions import csrf, db, limiter
from pace_forms.invitations.services import find_invitation, mark_opened
from pace_forms.models import Invitation, Response, utc_now
from pace_forms.forms.catalogue import current_forms, definition_of, find_form_version
from pace_forms.forms.definitions import FormDefinition, drop_unshown_answers, validate_answers
from pace_forms.notes.services import latest_note, latest_notes
from pace_forms.surveys.interface import interface_strings, is_known_language, language_name
from pace_forms.safeguarding.concerns import concern_words_for
from pace_forms.responses.recording import CONFLICT, CREATED, DUPLICATE, QUARANTINED, REJECTED, record_responses

bp = Blueprint("surveys", __name__)

FIELD_PREFIX = "answer-"
DEFAULT_LANGUAGE = "en-GB"
# In the session between a plain post and its thank-you: the id just sent.
JUST_SENT_KEY = "just_sent"
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
    """For every page: words in the language asked for (?lang=) when the
    pages have it, and the respondent's area for the header, once known."""
    asked = request.args.get("lang", "") if has_request_context() else ""
    language = asked if asked and is_known_language(asked) else DEFAULT_LANGUAGE
    # The footer's promise names the smallest group figures are shown for.
    return {**page_words(language), "area": g.get("respondent_area"), "min_cell": int(current_app.config["MIN_CELL"])}


def area_promises() -> AreaPromises:
    return g.get("respondent_promises") or NO_PROMISES


def promise_lines(form: FormDefinition) -> list[tuple[str, str]]:
    """The form's first screen, with this deployment's and area's numbers:
    figures only for groups of MIN_CELL or more; answers kept for the area's
    stated months, never fewer than the purge keeps them (PACE_RETENTION_MONTHS).
    A respondent hears the limit of confidentiality wherever their comments
    are read for concern words (CONCERN_AUDIENCES, ADULT_CONCERN_AUDIENCES)."""
    config = current_app.config
    return form.promise_lines(
        min_cell=int(config["MIN_CELL"]),
        months=months_kept(area_promises(), int(config["RETENTION_MONTHS"])),
        with_safety=bool(concern_words_for(form.audience, config)),
    )


def follow_up_said(form: FormDefinition, strings: dict[str, str]) -> str | None:
    """What a respondent who asked to be contacted is told: the form's thanks,
    who is told (the area's words, else only what the code does), and a time
    only where the area has set one."""
    if not form.follow_up_message:
        return None
    promises = area_promises()
    words = [form.follow_up_message]
    if promises.follow_up_who:
        words.append(strings["follow_up_who"].format(who=promises.follow_up_who))
    else:
        words.append(strings["follow_up_who_default"])
    if promises.follow_up_days:
        words.append(strings["follow_up_days"].format(days=promises.follow_up_days))
    return " ".join(words)


def as_the_area_shows_it(form: FormDefinition) -> FormDefinition:
    promises = area_promises()
    return form.for_area(card_words=promises.family_card_words, card_hidden=promises.family_card_hidden)


@bp.get("/")
def home():
    """The front page, with each area's latest "you said, we did". Kept by the
    service worker for offline use but always asked of the server first
    (sw.js), and never kept by another cache without asking, so a note
    published or withdrawn is seen at the next visit online."""
    response = make_response(render_template("surveys/home.html", notes=latest_notes()))
    response.cache_control.no_cache = True
    return response


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
    g.respondent_area = header_of(invitation.review.area)
    g.respondent_promises = promises_of(invitation.review.area)
    g.respondent_note = latest_note(invitation.review.area_id)
    if invitation.is_expired(utc_now()):
        return render_template("surveys/link_problem.html", reason="expired", expires_at=invitation.expires_at), 410
    source_form = current_forms().get(invitation.form_key)
    if source_form is None:
        current_app.logger.error("invitation %s names unknown form %r", invitation.id, invitation.form_key)
        abort(404)
    language = choose_language(source_form)
    if request.method == "POST":
        return receive_plain_post(invitation, token, source_form, language)
    if invitation.used_at is not None:
        return answered_page(invitation, source_form.localised(language), language)
    if invitation.opened_at is None:
        note_first_opening(invitation.id)
    return survey_page(token, source_form, language, response_id=str(uuid.uuid4()))


def note_first_opening(invitation_id: int) -> None:
    """Invited -> opened, for the review's page. Its own short writing
    transaction: the read one above cannot become a writer on SQLite."""
    db.session.rollback()
    begin_writing()
    mark_opened(invitation_id, utc_now())
    db.session.commit()


def survey_page(
    token: str,
    source_form: FormDefinition,
    language: str,
    *,
    response_id: str,
    given: dict[str, Any] | None = None,
    problems: list[dict[str, str]] | None = None,
):
    errors = {problem["field"].removeprefix("answers."): problem["message"] for problem in problems or []}
    form = as_the_area_shows_it(source_form.localised(language))
    words = page_words(language)
    page = render_template(
        "surveys/take.html",
        form=form,
        token=token,
        response_id=response_id,
        errors=errors,
        given=given or {},
        field_prefix=FIELD_PREFIX,
        languages=language_links(source_form, token, language),
        promises=promise_lines(form),
        follow_up_said=follow_up_said(form, words["t"]),
        note=g.respondent_note,
        # One push reminder if they leave it unfinished, where push is set up (pace-forms vapid-keys).
        reminder_hours=int(current_app.config["PUSH_REMINDER_HOURS"]) if current_app.config.get("VAPID_PUBLIC_KEY") else None,
        **words,
    )
    return page, 422 if errors else 200


def receive_plain_post(invitation: Invitation, token: str, source_form: FormDefinition, language: str):
    """A plain form post. What the person can fix (their answers) is checked
    first, against the exact stored form version in the language shown, and
    nothing is stored until it passes; what they cannot fix (the link was used
    meanwhile) is stored for an admin by record_responses, and the page says so."""
    response_id = _valid_uuid(request.form.get("response_id")) or str(uuid.uuid4())
    exact_form = exact_version_of(source_form, language)
    given = drop_unshown_answers(exact_form, collect_answers(exact_form, request.form))
    was_used = invitation.used_at is not None
    if not was_used:
        _, problems = validate_answers(exact_form, given)
        if problems:
            return survey_page(token, source_form, language, response_id=response_id, given=given, problems=problems)
    item = {
        "id": response_id,
        "form": source_form.key,
        "form_version": source_form.version,
        "invitation": token,
        "submitted_at": utc_now().isoformat(),
        "locale": language,
        "answers": given,
    }
    result = record_responses([item])[0]
    if result.status == REJECTED:
        # Nothing was stored (a character that cannot be kept, say): let them change it.
        db.session.rollback()
        return survey_page(token, source_form, language, response_id=response_id, given=given, problems=result.errors)
    db.session.commit()
    if result.status in (CREATED, DUPLICATE) and invitation.used_by_response_id == response_id:
        # The thank-you may say what this response asked for, once: see answered_page().
        session[JUST_SENT_KEY] = response_id
        return redirect(url_for("surveys.take", token=token, sent=1, lang=request.form.get("lang")), code=303)
    if result.status == CONFLICT:
        reason = "changed"
    elif was_used:
        reason = "used"
    else:
        reason = "other"
    current_app.logger.info("plain post %s on invitation %s: %s (%s)", response_id, invitation.id, result.status, reason)
    words = page_words(language)
    return render_template(
        "surveys/thanks.html",
        form=exact_form,
        outcome="not_counted",
        reason=reason,
        # A quarantined response still raises its follow-up (recording.py).
        asked_for_contact=result.status == QUARANTINED and asked_for_contact(exact_form, given),
        follow_up_said=follow_up_said(exact_form, words["t"]),
        **words,
    )


def answered_page(invitation: Invitation, form: FormDefinition, language: str):
    """A used link. Only the browser that just sent the answers, and only on
    its first view after sending, sees "sent" and (when this response asked
    for it) who will get in touch; anyone opening the link later, on a shared
    phone say, sees a neutral "already answered" that tells nothing of what was said."""
    sent_here = session.pop(JUST_SENT_KEY, None) == invitation.used_by_response_id
    just_sent = sent_here and request.args.get("sent") == "1"
    contact = False
    if just_sent:
        response = db.session.get(Response, invitation.used_by_response_id)
        answers = response.raw.get("answers") if response is not None and isinstance(response.raw, dict) else None
        contact = asked_for_contact(form, answers)
    words = page_words(language)
    return render_template(
        "surveys/thanks.html",
        form=form,
        outcome="sent" if just_sent else "answered",
        asked_for_contact=contact,
        follow_up_said=follow_up_said(form, words["t"]),
        note=g.respondent_note,
        **words,
    )


def exact_version_of(form: FormDefinition, language: str) -> FormDefinition:
    """The stored version the answers will be recorded against, in the language shown."""
    row = find_form_version(form.key, form.version)
    return (definition_of(row) if row is not None else form).localised(language)


def asked_for_contact(form: FormDefinition, answers: Any) -> bool:
    """Whether these answers ask for someone to get in touch ("yes", or "not sure")."""
    return form.asks_for_contact(answers) is not None


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
