"""GET /api/v1/areas/<code>/measures: an area's timescale figures, the same
as `pace-forms measures` prints, for the area's consultants and admins
(session or token): it holds child-level points (pseudonymous references)."""

from __future__ import annotations

from datetime import date

from flask import jsonify, request

from pace_forms.accounts.access import area_for, audit_viewed, staff_only
from pace_forms.errors import api_error
from pace_forms.measures.report import timescale_report
from pace_forms.models import utc_now
from pace_forms.sync.api import bp
from pace_forms.timescales.services import journeys_of, local_targets_of


@bp.get("/areas/<code>/measures")
@staff_only("consultant", "admin")
def area_measures(code: str):
    area = area_for(code)
    dates = {}
    for name in ("as_of", "baseline_before"):
        text = request.args.get(name)
        try:
            dates[name] = date.fromisoformat(text) if text else None
        except ValueError:
            return api_error(400, "bad_date", f"{name} must be a date in the form YYYY-MM-DD, not {text!r}.", where=name)
    report = timescale_report(journeys_of(area), dates["as_of"] or utc_now().date(), local_targets_of(area), dates["baseline_before"])
    audit_viewed("timescale measures", area, as_of=report["as_of"])
    return jsonify({"area": area.code, **report})
