"""The kiosk page: "Collect in this meeting" for one review. A worker of the
review's area (or an admin) opens it while online; it holds, in <template>
elements, the form of each respondent the review asked, in each of the form's
languages, so the meeting needs no network and no page with a link token."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, g, render_template

from pace_forms.accounts.access import audit, in_my_areas, staff_only
from pace_forms.areas.services import header_of, promises_of
from pace_forms.extensions import db
from pace_forms.forms.catalogue import current_forms
from pace_forms.forms.definitions import AUDIENCES, FormDefinition
from pace_forms.models import Invitation, Review
from pace_forms.surveys.interface import language_name
from pace_forms.surveys.views import FIELD_PREFIX, as_the_area_shows_it, follow_up_said, page_words, promise_lines

bp = Blueprint("kiosk", __name__)

COLLECTORS = ("worker", "admin")
# Who picks up the tablet next, in the words the worker reads out.
RESPONDENT_WORDS = {
    "parent": "Parent",
    "carer": "Carer",
    "child-4-7": "Child, 4-7",
    "child-8-11": "Child, 8-11",
    "young-person": "Young person",
    "worker": "Worker",
}


@dataclass(frozen=True)
class KioskForm:
    """One respondent's form in one language, ready to hand over."""

    audience: str
    language: str
    form: FormDefinition
    words: dict[str, Any]
    promises: list[tuple[str, str]]
    follow_up_said: str | None

    @property
    def template_id(self) -> str:
        return f"kiosk-{self.form.key}-{self.language}"

    @property
    def label(self) -> str:
        return RESPONDENT_WORDS.get(self.audience, self.audience)


def respondent_forms(review: Review) -> list[tuple[str, FormDefinition]]:
    """Each (audience, current form) the review asked, in the catalogue's order of audiences."""
    keys = db.session.execute(db.select(Invitation.audience, Invitation.form_key).where(Invitation.review_id == review.id).distinct()).all()
    forms = current_forms()
    found = sorted({(audience, key) for audience, key in keys if key in forms}, key=lambda pair: (AUDIENCES.index(pair[0]) if pair[0] in AUDIENCES else len(AUDIENCES), pair[1]))
    return [(audience, forms[key]) for audience, key in found]


def kiosk_forms(review: Review) -> list[KioskForm]:
    shown = []
    for audience, source in respondent_forms(review):
        for language in source.languages:
            form = as_the_area_shows_it(source.localised(language))
            words = page_words(language)
            shown.append(KioskForm(audience, language, form, words, promise_lines(form), follow_up_said(form, words["t"])))
    return shown


@bp.get("/reviews/<int:review_id>/collect")
@staff_only(*COLLECTORS)
def collect(review_id: int):
    review = in_my_areas(Review, review_id)
    g.respondent_area = header_of(review.area)
    g.respondent_promises = promises_of(review.area)
    forms = kiosk_forms(review)
    audit("kiosk.opened", area_code=review.area.code, subject=f"review {review.id}", respondents=sorted({shown.audience for shown in forms}))
    db.session.commit()
    return render_template(
        "kiosk/collect.html", review=review, forms=forms, field_prefix=FIELD_PREFIX, errors={}, given={}, language_name=language_name, kiosk=True
    )


def init_app(app) -> None:
    app.register_blueprint(bp)
