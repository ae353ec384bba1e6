"""The audit log's page for admins: /admin/audit, filtered, newest first."""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from wtforms import DateField, Form, IntegerField, StringField
from wtforms.validators import Length, NumberRange, Optional, Regexp, ValidationError

from pace_forms.accounts.access import staff_only
from pace_forms.audit.services import compact_json, end_of, list_events, start_of

bp = Blueprint("audit", __name__)
PAGE_SIZE = 50


class AuditFilters(Form):
    """Read from the address (GET), so a filtered page can be bookmarked; no CSRF: it changes nothing."""

    since = DateField("From (day, UTC)", validators=[Optional()], format="%Y-%m-%d")
    until = DateField("To (day, UTC, included)", validators=[Optional()], format="%Y-%m-%d")
    action = StringField(
        "Action, or its first part",
        validators=[Optional(), Length(max=64, message="An action has at most 64 characters."),
                    Regexp(r"^[a-z_.]+$", message="An action is written in small letters, dots and underscores, such as sign_in.failed or user.")],
        filters=[lambda value: value.strip() if value else value],
    )
    who = StringField("Who (part of an email address)", validators=[Optional(), Length(max=254, message="An email address has at most 254 characters.")],
                      filters=[lambda value: value.strip() if value else value])
    area = StringField(
        "Area code",
        validators=[Optional(), Length(max=32, message="An area code has at most 32 characters."),
                    Regexp(r"^[A-Za-z0-9_-]+$", message="An area code is letters, digits, - and _, such as FIFE.")],
        filters=[lambda value: value.strip() if value else value],
    )
    page = IntegerField("Page", validators=[Optional(), NumberRange(min=1, max=100_000, message="The page is a whole number from 1.")])

    def validate_until(self, field) -> None:
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError("The 'to' day is before the 'from' day.")


# WTForms' own words for a value it cannot read, said as where and what to type.
UNREADABLE = {
    "since": "The 'from' day must be a date written as YYYY-MM-DD, such as 2026-11-30.",
    "until": "The 'to' day must be a date written as YYYY-MM-DD, such as 2026-11-30.",
    "page": "The page is a whole number from 1.",
}


def read_filters() -> AuditFilters:
    filters = AuditFilters(request.args)
    if not filters.validate():
        for name, message in UNREADABLE.items():
            field = filters[name]
            if field.errors and field.raw_data and field.data is None:
                field.errors = [message]
    return filters


@bp.get("/admin/audit")
@staff_only("admin")
def events():
    filters = read_filters()
    found, has_more, page = [], False, 1
    if not filters.errors:
        page = filters.page.data or 1
        found = list_events(
            since=start_of(filters.since.data) if filters.since.data else None,
            until=end_of(filters.until.data) if filters.until.data else None,
            action=filters.action.data or None,
            actor=filters.who.data or None,
            area_code=filters.area.data or None,
            limit=PAGE_SIZE + 1,
            offset=(page - 1) * PAGE_SIZE,
        )
        has_more = len(found) > PAGE_SIZE
        found = found[:PAGE_SIZE]
    kept = {name: value for name, value in request.args.items() if name in filters._fields and name != "page" and value.strip()}

    def page_url(number: int) -> str:
        return url_for("audit.events", **kept, page=number)

    return render_template(
        "audit/events.html",
        filters=filters,
        events=found,
        page=page,
        page_size=PAGE_SIZE,
        newer_url=page_url(page - 1) if page > 1 and not filters.errors else None,
        older_url=page_url(page + 1) if has_more else None,
        is_filtered=bool(kept),
        compact_json=compact_json,
    ), (400 if filters.errors else 200)


def init_app(app) -> None:
    app.register_blueprint(bp)
