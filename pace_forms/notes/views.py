"""The staff pages of "you said, we did": the areas a consultant writes for,
an area's notes with a form to publish a new one (with a preview of what
respondents will see), and withdrawing one. For consultants and admins of
the area (accounts.access checks both)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import ValidationError

from pace_forms.accounts.access import area_for, audit, audit_viewed, in_my_areas, only_visible, signed_in_user, staff_only
from pace_forms.database import begin_writing
from pace_forms.extensions import db
from pace_forms.models import Area, AreaNote, utc_now
from pace_forms.notes.services import MAX_PART_LENGTH, latest_note, notes_of, part_problem, publish_note, tidy_part, withdraw_note

bp = Blueprint("notes", __name__)
WRITERS = ("consultant", "admin")


def checked_part(form: FlaskForm, field) -> None:
    problem = part_problem(field.name, field.data)
    if problem:
        raise ValidationError(problem)


class NoteForm(FlaskForm):
    you_said = TextAreaField("You said: what the answers showed", filters=[tidy_part], validators=[checked_part])
    we_did = TextAreaField("We did: what the area changed because of them", filters=[tidy_part], validators=[checked_part])


@bp.get("/notes")
@staff_only(*WRITERS)
def index():
    areas = db.session.execute(only_visible(db.select(Area).order_by(Area.name), Area.id)).scalars().all()
    return render_template("notes/index.html", areas=areas)


def area_page(area: Area, form: NoteForm, *, preview: AreaNote | None = None, status: int = 200):
    return render_template(
        "notes/area.html", area=area, form=form, preview=preview, shown=latest_note(area.id), notes=notes_of(area),
        max_length=MAX_PART_LENGTH,
    ), status


@bp.get("/areas/<code>/notes")
@staff_only(*WRITERS)
def area(code: str):
    area = area_for(code)
    audit_viewed("you said, we did notes", area)
    return area_page(area, NoteForm(formdata=None))


@bp.post("/areas/<code>/notes")
@staff_only(*WRITERS)
def publish(code: str):
    """"Preview" shows the note as respondents would see it and keeps it in
    the form; "Publish" makes it the one they see."""
    begin_writing()
    area = area_for(code)
    form = NoteForm()
    if not form.validate():
        db.session.rollback()
        return area_page(area, form, status=400)
    if request.form.get("action") == "preview":
        db.session.rollback()
        return area_page(area, form, preview=AreaNote(you_said=form.you_said.data, we_did=form.we_did.data))
    # The form checked the very rules publish_note applies (part_problem).
    note = publish_note(area, form.you_said.data, form.we_did.data, by=signed_in_user(), now=utc_now())
    audit("note.published", area_code=area.code, subject=f"area_note {note.id}", you_said=note.you_said, we_did=note.we_did)
    db.session.commit()
    flash("The note is published: respondents in this area now see it on the thank-you page and the home page.")
    return redirect(url_for("notes.area", code=area.code))


@bp.post("/areas/<code>/notes/<int:note_id>/withdraw")
@staff_only(*WRITERS)
def withdraw(code: str, note_id: int):
    begin_writing()
    area = area_for(code)
    note = in_my_areas(AreaNote, note_id)
    if note.area_id != area.id:
        abort(404)
    if withdraw_note(note, by=signed_in_user(), now=utc_now()):
        audit("note.withdrawn", area_code=area.code, subject=f"area_note {note.id}")
        db.session.commit()
        shown = latest_note(area.id)
        flash("The note is withdrawn." + (" Respondents now see the note published before it." if shown else " Respondents see no note now."))
    else:
        db.session.rollback()
        flash("That note was already withdrawn.")
    return redirect(url_for("notes.area", code=area.code))


def init_app(app) -> None:
    app.register_blueprint(bp)
