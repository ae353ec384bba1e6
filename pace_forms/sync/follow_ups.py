"""GET /api/v1/follow-ups: the open follow-ups the asker acts on (the same
rule as the follow-ups page), for an open staff page to notice new ones and
for scripts with an API token. Only what is needed to know one is there:
the child's reference and words stay on the pages."""

from __future__ import annotations

from flask import current_app, jsonify, url_for

from pace_forms.accounts.access import only_follow_ups_of, staff_only
from pace_forms.models import utc_now
from pace_forms.safeguarding import services
from pace_forms.sync.api import bp


@bp.get("/follow-ups")
@staff_only()
def list_follow_ups():
    now = utc_now()
    hours = current_app.config["FOLLOW_UP_OVERDUE_HOURS"]
    rows = services.list_follow_ups(narrow=only_follow_ups_of)
    return jsonify(
        {
            "follow_ups": [
                {
                    "id": row.id,
                    "area": row.area,
                    "reasons": list(row.reasons),
                    "raised_at": row.raised_at.isoformat(),
                    "overdue": services.is_overdue(row, now, hours),
                    "url": url_for("safeguarding.follow_up", follow_up_id=row.id, _external=True),
                }
                for row in rows
            ]
        }
    )
