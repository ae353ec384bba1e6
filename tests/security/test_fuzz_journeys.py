"""Property tests on the journeys import (issue 12, item 6): whatever a
file holds - arbitrary bytes, CSV text, XLSX cells - read_journeys raises
nothing but FileProblem (a message for the person who uploaded it), and never
accepts a row that breaks the rules: a bad or future date, a child reference
that is empty, too long or repeated, a milestone before the one it follows,
an unknown recommendation. Rows are checked here against the rules as
docs and reading.py state them, written out again independently."""

from __future__ import annotations

import csv
import io
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from pace_forms.timescales.reading import FOLLOWS, MAX_CHILD_REF_LENGTH, MILESTONES, RECOMMENDATIONS, STARTS, FileProblem, read_journeys
from tests.evidence import tally

TODAY = date(2026, 11, 30)
FUZZ = settings(derandomize=True, database=None, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
tried = {"files": 0, "rows accepted": 0, "rows refused": 0}

# Text with no digit at all can never be read as a date.
NO_DIGITS = st.text(st.characters(exclude_categories=("Nd", "Cs", "Cc")), min_size=1, max_size=20).filter(str.strip)
ANY_TEXT = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00\r\n"), max_size=30)


def iso(day: date) -> str:
    return day.isoformat()


def uk(day: date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


@st.composite
def date_cell(draw, around: date) -> tuple[str, object]:
    """(what the cell means, its text): a real date written either way, a
    blank, a date that does not exist, or words."""
    kind = draw(st.sampled_from(["date", "date", "date", "blank", "impossible", "words"]))
    if kind == "date":
        day = around + timedelta(days=draw(st.integers(-30, 400)))
        return ("date", day), draw(st.sampled_from([iso, uk]))(day)
    if kind == "blank":
        return ("blank", None), draw(st.sampled_from(["", "  "]))
    if kind == "impossible":
        year, month, day = draw(st.integers(1990, 2030)), draw(st.integers(13, 99)), draw(st.integers(1, 28))
        return ("bad", None), draw(st.sampled_from([f"{year}-{month:02d}-{day:02d}", f"{day:02d}/{month:02d}/{year}", f"{year}-02-30", f"31/04/{year}"]))
    return ("bad", None), draw(NO_DIGITS)


REFS = st.one_of(
    st.from_regex(r"[A-Z]-[0-9]{1,4}", fullmatch=True),
    st.text(st.characters(exclude_categories=("Cs", "Cc")), min_size=1, max_size=MAX_CHILD_REF_LENGTH),
    st.integers(MAX_CHILD_REF_LENGTH + 1, 200).map(lambda size: "R" * size),
    st.just(""),
)
RECOMMENDATION_CELLS = st.sampled_from(["", "return_home", "Permanence away", "permanence-away", "adoption"]) | ANY_TEXT


@st.composite
def journey_files(draw):
    """(header, rows): each row {column: (meaning, text)}."""
    milestones = draw(st.lists(st.sampled_from(MILESTONES), unique=True, min_size=1, max_size=6))
    if not any(start in milestones for start in STARTS):
        milestones.insert(0, draw(st.sampled_from(STARTS)))
    header = ["child_ref", *milestones] + (["recommendation"] if draw(st.booleans()) else []) + (["notes"] if draw(st.booleans()) else [])
    rows = []
    for _ in range(draw(st.integers(1, 8))):
        around = draw(st.dates(date(1995, 1, 1), TODAY))
        row = {"child_ref": ("ref", draw(REFS))}
        for column in milestones:
            row[column] = draw(date_cell(around))
            around = row[column][0][1] or around  # mostly in order, as real journeys are
        if "recommendation" in header:
            row["recommendation"] = ("text", draw(RECOMMENDATION_CELLS))
        if "notes" in header:
            row["notes"] = ("text", draw(ANY_TEXT))
        rows.append(row)
    return header, rows


def as_csv(header: list[str], texts: list[dict[str, str]], delimiter: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    for text in texts:
        writer.writerow([text[column] for column in header])
    return out.getvalue().encode("utf-8")


def rule_breaks(header: list[str], row: dict, texts: dict[str, str], earlier_refs: set[str]) -> list[str]:
    """What is wrong with a generated row, by the rules, from what it was made of."""
    wrong = []
    ref = texts["child_ref"].strip()
    if not ref or len(ref) > MAX_CHILD_REF_LENGTH or ref in earlier_refs:
        wrong.append("child_ref")
    dates = {}
    for column in MILESTONES:
        if column in row:
            meaning = row[column][0]
            if meaning[0] == "bad" or (meaning[0] == "date" and meaning[1] > TODAY):
                wrong.append(column)
            dates[column] = meaning[1]
    if not any(dates.get(start) for start in STARTS):
        wrong.append("no start")
    for column, earlier in FOLLOWS.items():
        before = next((name for name in earlier if dates.get(name)), None)
        if dates.get(column) and before and dates[column] < dates[before]:
            wrong.append(column)
    if dates.get("ended_on") and any(dates.get(start) and dates["ended_on"] < dates[start] for start in STARTS):
        wrong.append("ended_on")
    recommendation = texts.get("recommendation", "").strip().lower().replace(" ", "_").replace("-", "_")
    if recommendation and (recommendation not in RECOMMENDATIONS or ("recommendation_on" in header and not dates.get("recommendation_on"))):
        wrong.append("recommendation")
    return wrong


def check_result(header, rows, texts, result) -> None:
    accepted = {row.line: row for row in result.rows}
    seen: set[str] = set()
    for index, (row, text) in enumerate(zip(rows, texts)):
        line = index + 2
        if all(not value.strip() for column, value in text.items() if column != "notes"):
            continue  # a blank row is skipped, as spreadsheets leave them
        wrong = rule_breaks(header, row, text, seen)
        seen.add(text["child_ref"].strip())
        if wrong:
            assert line not in accepted, f"line {line} accepted though {wrong}: {text}"
            assert line in result.bad_lines, f"line {line} ({wrong}) neither accepted nor reported"
            tried["rows refused"] += 1
            continue
        assert line in accepted, f"line {line} refused though it keeps every rule: {text}; {[str(p) for p in result.problems if p.line == line]}"
        journey = accepted[line]
        assert journey.child_ref == text["child_ref"].strip()
        for column in MILESTONES:
            assert journey.dates[column] == (row[column][0][1] if column in row else None), (column, text)
        tried["rows accepted"] += 1


def as_xlsx(header: list[str], rows: list[dict], texts: list[dict[str, str]], typed: list[bool]) -> bytes:
    """A workbook of the rows: a date cell as a real date or as text, as exports do either."""
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row, text, as_date in zip(rows, texts, typed):
        sheet.append([row[column][0][1] if as_date and row[column][0][0] == "date" else text[column] for column in header])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read_and_check(header, rows, texts, data: bytes, filename: str) -> None:
    try:
        result = read_journeys(data, filename, today=TODAY)
    except FileProblem as problem:
        # Only for a file that cannot be used as a whole; each of these has its header and a start column.
        raise AssertionError(f"a well-formed file was refused as a whole: {problem}") from None
    tried["files"] += 1
    check_result(header, rows, texts, result)


def texts_of(rows: list[dict], header: list[str], clean=lambda text: text) -> list[dict[str, str]]:
    return [{column: clean(row[column][1] or "") for column in header} for row in rows]


@contextmanager
def counted():
    """Tallies the files and rows a property test tried, and fails it if it
    never had both a row accepted and a row refused (a test of nothing)."""
    before = dict(tried)
    yield
    done = {name: tried[name] - before[name] for name in tried}
    assert done["rows accepted"] > 0 and done["rows refused"] > 0, done
    tally("journey import fuzzing", files=done["files"], rows_accepted=done["rows accepted"], rows_refused=done["rows refused"], accepted_invalid=0)


@settings(FUZZ, max_examples=60)
@given(journey_files(), st.sampled_from([",", ";"]))
def csv_property(file, delimiter):
    header, rows = file
    texts = texts_of(rows, header)
    read_and_check(header, rows, texts, as_csv(header, texts, delimiter), "journeys.csv")


def test_csv_rows_that_break_a_rule_are_never_accepted():
    with counted():
        csv_property()


@settings(FUZZ, max_examples=25)
@given(journey_files(), st.data())
def xlsx_property(file, data):
    header, rows = file
    # A workbook cannot hold control characters: what is written is what is checked.
    texts = texts_of(rows, header, lambda text: ILLEGAL_CHARACTERS_RE.sub("", text))
    typed = data.draw(st.lists(st.booleans(), min_size=len(rows), max_size=len(rows)))
    read_and_check(header, rows, texts, as_xlsx(header, rows, texts, typed), "journeys.xlsx")


def test_xlsx_rows_that_break_a_rule_are_never_accepted():
    with counted():
        xlsx_property()


CSV_LIKE = st.lists(st.sampled_from(["child_ref", "looked_after_away_on", ",", ";", "\t", "\"", "\n", "\r\n", "2024-01-01", "31/02/2024", "x" * 70, "\ufeff", "\x00"]), max_size=40).map("".join)


@settings(FUZZ, max_examples=60)
@given(
    st.one_of(st.binary(max_size=3000), st.binary(max_size=500).map(lambda tail: b"PK\x03\x04" + tail), CSV_LIKE.map(str.encode),
              CSV_LIKE.map(lambda text: text.encode("utf-16"))),
    st.sampled_from(["journeys.csv", "journeys.xlsx", "journeys.txt", "journeys.xls", "journeys"]),
)
@example(b"\xff\xfe\xff\xfe", "journeys.csv")  # two byte order marks: pandas raised EmptyDataError
def test_any_bytes_are_read_or_refused_in_words_never_an_error(data, filename):
    try:
        result = read_journeys(data, filename, today=TODAY)
    except FileProblem as problem:
        assert str(problem).strip()
        return
    finally:
        tally("journey import fuzzing", files=1)
    for row in result.rows:
        assert 0 < len(row.child_ref) <= MAX_CHILD_REF_LENGTH and all(day is None or day <= TODAY for day in row.dates.values())

