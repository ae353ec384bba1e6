"""The admin's raw export: an area's accepted responses as rows, one column
per question, every answer and comment as sent. It is for the deployment's
admins only (`pace-forms export responses`); anyone else is to see answers
only as the measures."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import IO, Any

from pace_forms.extensions import db
from pace_forms.models import Area, Response, Review

UTF8_BOM = "\ufeff"
FIXED_COLUMNS = ["id", "form", "form_version", "audience", "review_date", "review_kind", "locale", "submitted_at", "received_at"]


def accepted_responses(area_code: str) -> list[Response]:
    query = (
        db.select(Response)
        .join(Area, Area.id == Response.area_id)
        .where(Area.code == area_code, Response.status == "accepted")
        .order_by(Response.received_at, Response.id)
        .options(db.selectinload(Response.answers), db.joinedload(Response.form_version))
    )
    return list(db.session.execute(query).scalars())


def response_rows(responses: Iterable[Response], reviews: dict[int, Review]) -> tuple[list[str], Iterator[dict[str, Any]]]:
    """Header and rows; question columns in the order their forms ask them."""
    responses = list(responses)
    question_columns: list[str] = []
    for response in responses:
        definition = response.form_version.definition if response.form_version else {}
        for question in definition.get("questions", []):
            if question["key"] not in question_columns:
                question_columns.append(question["key"])

    def rows() -> Iterator[dict[str, Any]]:
        for response in responses:
            review = reviews[response.review_id]
            row: dict[str, Any] = {
                "id": response.id,
                "form": response.form_key,
                "form_version": response.form_version_number,
                "audience": response.audience,
                "review_date": review.held_on.isoformat(),
                "review_kind": review.kind,
                "locale": response.locale or "",
                "submitted_at": response.submitted_at.isoformat() if response.submitted_at else "",
                "received_at": response.received_at.isoformat(),
            }
            for answer in response.answers:
                row[answer.question_key] = answer.value_text if answer.value_number is None else _number(answer.value_number)
            yield row

    return FIXED_COLUMNS + question_columns, rows()


def write_csv(out: IO[str], header: list[str], rows: Iterable[dict[str, Any]]) -> int:
    # A byte order mark first: without it Excel on Windows reads UTF-8 as its
    # legacy code page, and Polish letters and emoji come out garbled.
    out.write(UTF8_BOM)
    # Every text cell in quotes, numbers bare: a comment such as `ok;=1+1` then
    # stays one cell in a spreadsheet set to split on semicolons, where the
    # formula neutralising below (which looks only at a cell's first
    # character) cannot see the `=` after the `;`.
    writer = csv.DictWriter(out, fieldnames=header, restval="", extrasaction="raise", quoting=csv.QUOTE_NONNUMERIC)
    writer.writeheader()
    count = 0
    for row in rows:
        writer.writerow({key: safe_cell(value) for key, value in row.items()})
        count += 1
    return count


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def safe_cell(value: Any) -> Any:
    """Free text opened in a spreadsheet must not run as a formula: a ' first
    where it starts as one would (the measures' downloads use this too)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
