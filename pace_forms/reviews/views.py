"""Reviews in the app: the areas a user may see, an area's reviews with its
response rates, recording a review and handing out its links (shown once,
with QR codes and printable slips), a review's invitations, and a new link
for a lost one. Every page checks role and area through accounts.access."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from markupsafe import Markup
from sqlalchemy.exc import IntegrityError
from wtforms import SelectMultipleField, StringField
from wtforms.validators import AnyOf, InputRequired

from pace_forms.accounts.access import (
    area_for,
    audit,
    audit_viewed,
    in_my_areas,
    only_visible,
    signed_in_user,
    staff_only,
    visible_area_ids,
)
from pace_forms.database import begin_writing
from pace_forms.extensions import db
from pace_forms.forms.catalogue import current_forms
from pace_forms.forms.definitions import FormDefinition
from pace_forms.invitations.services import NewInvitation
from pace_forms.models import AGE_BANDS, REVIEW_KINDS, Area, Invitation, Review, utc_now
from pace_forms.reviews.qr import qr_svg
from pace_forms.reviews.services import (
    AGE_BAND_WORDS,
    CHILD_FORM_AGE_BANDS,
    KIND_WORDS,
    MOST_DAYS_AHEAD,
    SLIP_WORDS,
    DuplicateReview,
    audience_words,
    audiences_problem,
    count_reviews,
    fits_age_band,
    forms_by_audience,
    min_cell_of,
    month_words,
    rate_rows,
    rate_table,
    record_review,
    reference_problem,
    renew_link,
    review_date_problem,
    review_summaries,
)

bp = Blueprint("reviews", __name__)

READERS = ("worker", "consultant", "admin")
RECORDERS = ("worker", "admin")
# The area page lists this many reviews, newest first, and says when there are more.
LIST_LIMIT = 100


class ReviewForm(FlaskForm):
    child_reference = StringField("Child's case reference")
    held_on = StringField("Date of the review", render_kw={"type": "date"})
    # Radio buttons and check boxes drawn by the template (new.html), from
    # the words in reviews.services.
    kind = StringField("Kind of review", validators=[InputRequired("Choose the kind of review."), AnyOf(REVIEW_KINDS, "Choose one of the kinds of review listed.")])
    age_band = StringField(
        "The child's age", validators=[InputRequired("Choose the child's age band."), AnyOf(AGE_BANDS, "Choose one of the age bands listed.")]
    )
    audiences = SelectMultipleField("Who should be asked", validate_choice=False)

    def __init__(self, offered: dict[str, FormDefinition], **kwargs):
        super().__init__(**kwargs)
        self.offered = offered
        self.held_on_date: date | None = None

    def validate_child_reference(self, field) -> None:
        field.data = (field.data or "").strip()
        problem = reference_problem(field.data)
        if problem:
            field.errors.append(problem)

    def validate_held_on(self, field) -> None:
        text = (field.data or "").strip()
        if not text:
            field.errors.append("Enter the date of the review.")
            return
        try:
            held_on = date.fromisoformat(text)
        except ValueError:
            field.errors.append(f"{text!r} is not a date: enter it as year-month-day, for example {utc_now().date():%Y-%m-%d}.")
            return
        problem = review_date_problem(held_on, utc_now().date())
        if problem:
            field.errors.append(problem)
        else:
            self.held_on_date = held_on

    def validate_audiences(self, field) -> None:
        problem = audiences_problem(field.data or [], self.age_band.data, self.offered)
        if problem:
            field.errors.append(problem)


@dataclass(frozen=True)
class ShownLink:
    """One invitation's link as the page shows it, once."""

    audience: str
    form: FormDefinition | None
    url: str
    qr: Markup

    @property
    def audience_words(self) -> str:
        return audience_words(self.audience)

    @property
    def slip_words(self) -> str:
        return SLIP_WORDS.get(self.audience, "For you")


def shown_links(new: list[NewInvitation]) -> list[ShownLink]:
    forms = current_forms()
    shown = []
    for made in new:
        # From the request's own host: the link works wherever this page was reached.
        url = url_for("surveys.take", token=made.token, _external=True)
        shown.append(ShownLink(made.invitation.audience, forms.get(made.invitation.form_key), url, qr_svg(url)))
    return shown


def start_writing() -> None:
    """A writing transaction from here on (see pace_forms/database.py). The
    sign-in check has already read the user, which began a reading one, and
    SQLite cannot turn that into a writer while another request writes: end it."""
    db.session.commit()
    begin_writing()


def sees_small_numbers() -> bool:
    """Only an admin (who sees every area) sees figures under the threshold."""
    return visible_area_ids(current_user) is None


def may_record() -> bool:
    return current_user.role in RECORDERS


@bp.get("/reviews")
@staff_only(*READERS)
def index():
    areas = db.session.execute(only_visible(db.select(Area).order_by(Area.name, Area.code), Area.id)).scalars().all()
    return render_template("reviews/index.html", areas=areas)


@bp.get("/areas/<code>/reviews")
@staff_only(*READERS)
def area_reviews(code: str):
    area = area_for(code)
    reviews = review_summaries(area.id, now=utc_now(), limit=LIST_LIMIT)
    total = count_reviews(area.id)
    table = rate_table(rate_rows(area.id), min_cell=min_cell_of(current_app.config["MIN_CELL"]), hide_small=not sees_small_numbers())
    audit_viewed("reviews and response rates", area)
    return render_template(
        "reviews/area.html", area=area, reviews=reviews, total=total, table=table, month_words=month_words,
        audience_words=audience_words, may_record=may_record(),
    )


@bp.route("/areas/<code>/reviews/new", methods=["GET", "POST"])
@staff_only(*RECORDERS)
def new_review(code: str):
    if request.method == "POST":
        start_writing()
    area = area_for(code)
    offered = forms_by_audience(current_forms())
    form = ReviewForm(offered)
    duplicate = None
    if form.validate_on_submit():
        try:
            review, made = record_in(area, form)
        except DuplicateReview as found:
            duplicate = found.review
            form.held_on.errors.append(str(found))
        else:
            audit("review.recorded", area_code=area.code, subject=f"review {review.id}", audiences=[m.invitation.audience for m in made])
            db.session.commit()
            return render_template(
                "reviews/links.html", review=review, kind_words=KIND_WORDS[review.kind], links=shown_links(made), renewed=False
            )
    status = 409 if duplicate else (400 if form.errors else 200)
    return render_template(
        "reviews/new.html", area=area, form=form, offered=offered, duplicate=duplicate, child_bands=CHILD_FORM_AGE_BANDS,
        choices={"kind": KIND_WORDS, "age_band": AGE_BAND_WORDS}, audience_words=audience_words, most_days_ahead=MOST_DAYS_AHEAD,
        child_forms_by_band={band: [a for a in offered if a in CHILD_FORM_AGE_BANDS and fits_age_band(a, band)] for band in AGE_BANDS},
    ), status


def record_in(area: Area, form: ReviewForm) -> tuple[Review, list[NewInvitation]]:
    """Records the review, trying once more when another request made the same
    new child meanwhile (then this one usually finds its review a duplicate)."""
    arguments = dict(
        reference=form.child_reference.data,
        held_on=form.held_on_date,
        kind=form.kind.data,
        age_band=form.age_band.data,
        forms=[form.offered[audience] for audience in form.offered if audience in form.audiences.data],
        recorded_by_user_id=signed_in_user().id,
        valid_days=current_app.config["INVITATION_DAYS"],
    )
    try:
        return record_review(area, now=utc_now(), **arguments)
    except IntegrityError:
        db.session.rollback()
        begin_writing()
        return record_review(db.session.get(Area, area.id), now=utc_now(), **arguments)


@bp.get("/reviews/<int:review_id>")
@staff_only(*READERS)
def show(review_id: int):
    review = in_my_areas(Review, review_id)
    area = review.area
    summary = review_summaries(area.id, now=utc_now(), review_ids=[review.id])[0]
    audit_viewed(f"review {review_id}", area)
    return render_template("reviews/show.html", area=area, review=summary, may_record=may_record())


@bp.post("/reviews/<int:review_id>/invitations/<int:invitation_id>/new-link")
@staff_only(*RECORDERS)
def new_link(review_id: int, invitation_id: int):
    start_writing()
    review = in_my_areas(Review, review_id)
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.review_id != review.id:
        abort(404)
    state = next(s for s in review_summaries(review.area_id, now=utc_now(), review_ids=[review.id])[0].invitations if s.id == invitation.id)
    if state.is_answered:
        return render_template("reviews/answered.html", review=review, audience=audience_words(invitation.audience)), 409
    made = renew_link(invitation, now=utc_now(), valid_days=current_app.config["INVITATION_DAYS"])
    audit("invitation.renewed", area_code=review.area.code, subject=f"invitation {invitation.id}", review=review.id, audience=invitation.audience)
    db.session.commit()
    return render_template("reviews/links.html", review=review, kind_words=KIND_WORDS[review.kind], links=shown_links([made]), renewed=True)


def init_app(app) -> None:
    app.register_blueprint(bp)
