"""GET /api/v1/areas/<code>/measures: an area's timescale figures and its
balancing measures, the same as `pace-forms measures` prints, for the area's
consultants and admins (session or token): it holds child-level timescale
points (pseudonymous references). Balancing cells under PACE_MIN_CELL are
hidden for every role but admin."""

from __future__ import annotations

from datetime import date

from flask import current_app, jsonify, request
from flask_login import current_user

from pace_forms.accounts.access import area_for, audit_viewed, staff_only, visible_area_ids
from pace_forms.extensions import db
from pace_forms.measures.process import every_measure_report
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
    period = request.args.get("period", "month")
    if period not in ("month", "quarter"):
        return api_error(400, "bad_period", f"period must be month or quarter, not {period!r}.", where="period")
    report["balancing"] = every_measure_report(
        db.session, area.id, period=period, min_cell=current_app.config["MIN_CELL"], sees_everything=visible_area_ids(current_user) is None
    )
    audit_viewed("timescale measures", area, as_of=report["as_of"])
    return jsonify({"area": area.code, **report})
