"""GET /api/v1/areas/<code>/reviews: an area's reviews and where each of
their invitations stands, newest first, for a signed-in user or an API token."""

from __future__ import annotations

from datetime import date

from flask import jsonify, request

from pace_forms.accounts.access import area_for, audit_viewed, staff_only
from pace_forms.errors import api_error
from pace_forms.models import utc_now
from pace_forms.reviews.services import review_summaries
from pace_forms.sync.api import bp


class BadDay(ValueError):
    pass


def day_parameter(name: str) -> date | None:
    text = request.args.get(name)
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadDay(name) from None


@bp.get("/areas/<code>/reviews")
@staff_only()
def list_area_reviews(code: str):
    area = area_for(code)
    try:
        held_from, held_to = day_parameter("from"), day_parameter("to")
    except BadDay as bad:
        return api_error(400, "malformed", f"{bad} must be a date as YYYY-MM-DD, such as 2026-11-20.", where=str(bad))
    if held_from and held_to and held_from > held_to:
        return api_error(400, "malformed", "from must not be after to.", where="from")
    reviews = review_summaries(area.id, now=utc_now(), held_from=held_from, held_to=held_to)
    audit_viewed("reviews", area, count=len(reviews))
    return jsonify(
        {
            "reviews": [
                {
                    "id": review.id,
                    "child": review.child,
                    "held_on": review.held_on.isoformat(),
                    "kind": review.kind,
                    "invitations": [{"audience": i.audience, "status": i.status} for i in review.invitations],
                }
                for review in reviews
            ]
        }
    )
