"""Reading a journeys file (CSV in any common encoding, comma or semicolon;
or XLSX) and checking every row, as plain functions: no database, no Flask.

Every problem is reported as (line, column, what is wrong), all of them, not
just the first; a row with a problem is not loaded unless the user asks for
the good rows only (see timescales.services)."""

from __future__ import annotations

import csv
import io
import re
import warnings
import zipfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path

import pandas as pd

# The milestone dates of a journey, in the order a file names them.
MILESTONES = (
    "looked_after_at_home_on",
    "looked_after_away_on",
    "ended_on",
    "first_review_on",
    "home_plan_review_on",
    "recommendation_on",
    "permanence_decision_on",
    "adm_approval_on",
    "court_lodged_on",
    "order_granted_on",
)
COLUMNS = ("child_ref", *MILESTONES, "recommendation")
STARTS = ("looked_after_at_home_on", "looked_after_away_on")
RECOMMENDATIONS = ("return_home", "permanence_away")
# Each milestone and the ones it follows, nearest first: it may not be
# before the nearest of them that the row has.
FOLLOWS: dict[str, tuple[str, ...]] = {
    "first_review_on": ("looked_after_away_on",),
    "home_plan_review_on": ("looked_after_at_home_on",),
    "recommendation_on": ("looked_after_away_on",),
    "permanence_decision_on": ("recommendation_on", "looked_after_away_on"),
    "adm_approval_on": ("permanence_decision_on", "recommendation_on", "looked_after_away_on"),
    "court_lodged_on": ("adm_approval_on", "permanence_decision_on", "recommendation_on", "looked_after_away_on"),
    "order_granted_on": ("court_lodged_on", "adm_approval_on", "permanence_decision_on", "recommendation_on", "looked_after_away_on"),
}
LABELS = {
    "child_ref": "child reference",
    "looked_after_at_home_on": "looked after at home",
    "looked_after_away_on": "looked after away from home",
    "ended_on": "ended",
    "first_review_on": "first review",
    "home_plan_review_on": "home plan review",
    "recommendation_on": "recommendation",
    "recommendation": "recommendation (return_home or permanence_away)",
    "permanence_decision_on": "permanence decision",
    "adm_approval_on": "agency decision maker approval",
    "court_lodged_on": "court application lodged",
    "order_granted_on": "order granted",
}
MAX_CHILD_REF_LENGTH = 64
# Rows are checked in chunks of this many, reporting progress after each.
CHUNK_ROWS = 5000
# Excel's day 0 (its serial 60 is the 29 February 1900 that never was).
EXCEL_EPOCH = date(1899, 12, 30)
ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]00:00(?::00(?:\.0+)?)?)?")
UK_DATE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?: 00:00(?::00)?)?")
EXCEL_SERIAL = re.compile(r"(\d{5})(?:\.0+)?")
# Bounds checked before a file is parsed, so that a small file cannot make
# the parser take gigabytes or minutes: an XLSX is a zip whose sheets may
# inflate a thousandfold (a "zip bomb"), and a CSV line of a million commas
# is a million columns. A journeys file needs a dozen columns; these bounds
# allow 100,000 journeys with room to spare.
MAX_COLUMNS = 500
MAX_CELLS = 2_000_000
MAX_WORKBOOK_UNPACKED_BYTES = 32 * 1024 * 1024


class FileProblem(ValueError):
    """The file as a whole cannot be read; the message says why."""


@dataclass(frozen=True)
class Problem:
    line: int  # the file's line (CSV) or row (XLSX); the header is 1
    column: str  # the column's header as the file has it ("" for the row as a whole)
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class JourneyRow:
    line: int
    child_ref: str
    dates: dict[str, date | None]
    recommendation: str | None

    def fields(self) -> dict[str, object]:
        return {"child_ref": self.child_ref, **self.dates, "recommendation": self.recommendation}


@dataclass
class ReadResult:
    rows: list[JourneyRow] = field(default_factory=list)  # rows with no problem
    problems: list[Problem] = field(default_factory=list)
    rows_read: int = 0
    # Headers the file has that no column maps to (ignored, and said so).
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def bad_lines(self) -> set[int]:
        return {problem.line for problem in self.problems}


Progress = Callable[[int, int], None]  # (rows read, problems found)


def read_column_map(text: str) -> dict[str, str]:
    """A column map (YAML): each of our column names and the header a local
    export uses for it, such as `looked_after_away_on: Date Accommodated`."""
    import yaml

    try:
        loaded = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise FileProblem(f"The column map is not valid YAML: {error}") from None
    if loaded is None:
        return {}
    if not isinstance(loaded, dict) or not all(isinstance(key, str) and isinstance(value, str) for key, value in loaded.items()):
        raise FileProblem("The column map must be lines of `our_column: Their header`, such as `looked_after_away_on: Date Accommodated`.")
    unknown = sorted(set(loaded) - set(COLUMNS))
    if unknown:
        raise FileProblem(f"The column map names columns we do not have: {', '.join(unknown)}. Ours are: {', '.join(COLUMNS)}.")
    return dict(loaded)


def decode_text(data: bytes) -> str:
    """CSV bytes as text: UTF-8 (with or without a byte order mark), UTF-16
    with one (Excel's "Unicode text"), else Windows-1252 as older Excel writes."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def sniff_delimiter(text: str) -> str:
    header = text.split("\n", 1)[0]
    counts = {delimiter: header.count(delimiter) for delimiter in (",", ";", "\t")}
    return max(counts, key=counts.get) if any(counts.values()) else ","


def read_frame(data: bytes, filename: str) -> pd.DataFrame:
    """The file's cells as a DataFrame of strings (CSV) or Excel values (XLSX)."""
    suffix = Path(filename).suffix.lower()
    if suffix in (".xlsx", ".xlsm") or data.startswith(b"PK\x03\x04"):
        check_workbook_size(data, filename)
        try:
            return pd.read_excel(io.BytesIO(data), dtype=object, engine="openpyxl")
        except Exception as error:  # openpyxl raises many kinds for a broken file
            raise FileProblem(f"{filename} could not be read as an Excel workbook: {error}") from None
    if suffix == ".xls":
        raise FileProblem("Old .xls workbooks cannot be read: save it as .xlsx or CSV.")
    text = decode_text(data)
    if not text.strip():
        raise FileProblem(f"{filename} is empty.")
    delimiter = sniff_delimiter(text)
    check_csv_size(text, delimiter, filename)
    try:
        check_row_lengths(text, delimiter, filename)
        with warnings.catch_warnings():
            # Only empty cells past the header's last column can be left (checked above).
            warnings.simplefilter("ignore", pd.errors.ParserWarning)
            return pd.read_csv(
                io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False, skip_blank_lines=True, quoting=csv.QUOTE_MINIMAL,
                index_col=False,
            )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, csv.Error) as error:  # EmptyDataError: a file of only a byte order mark, say
        raise FileProblem(f"{filename} could not be read as CSV: {error}") from None


def check_row_lengths(text: str, delimiter: str, filename: str) -> None:
    """Refuses a row with something in a cell past the header's last column.
    Left to the CSV parser, a row one cell longer than the header silently
    turned its first cell into a row label and moved every other cell one
    column left: dates under the wrong milestone. Empty cells there (a
    spreadsheet's trailing separators) are dropped."""
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(rows, [])
    for row in rows:
        extra = [cell for cell in row[len(header):] if cell.strip()]
        if extra:
            raise FileProblem(
                f"{filename} line {rows.line_num} has {len(row)} cells but the header has {len(header)} columns; "
                f"the extra cell {extra[0][:40]!r} has no column. Check the separators on that line."
            )


def check_workbook_size(data: bytes, filename: str) -> None:
    """Refuses a workbook whose parts would unpack to more than
    MAX_WORKBOOK_UNPACKED_BYTES, from the sizes its zip directory declares
    (Python's zip reader never unpacks a part beyond its declared size)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(part.file_size for part in archive.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as error:
        raise FileProblem(f"{filename} could not be read as an Excel workbook: {error}") from None
    if unpacked > MAX_WORKBOOK_UNPACKED_BYTES:
        raise FileProblem(
            f"{filename} is not imported: it would unpack to {unpacked / 2**20:,.0f} MB, and a workbook may unpack to at most "
            f"{MAX_WORKBOOK_UNPACKED_BYTES // 2**20} MB. Save it as CSV, or split it into smaller files."
        )


def check_csv_size(text: str, delimiter: str, filename: str) -> None:
    """Refuses a CSV with a line of more than MAX_COLUMNS columns or more
    than about MAX_CELLS cells, counted from its separators (an upper bound:
    a quoted separator counts too) before the CSV parser sees it. (Given a
    first row longer than the header, the parser makes an index of the extra
    cells: a million of them took minutes.)"""
    cells = text.count(delimiter) + text.count("\n") + 1
    if cells > MAX_CELLS:
        raise FileProblem(f"{filename} is not imported: it has about {cells:,} cells, and at most {MAX_CELLS:,} are read at once. Split it into smaller files.")
    for number, line in enumerate(io.StringIO(text, newline=None), 1):  # lines end in \n, \r\n or \r
        columns = line.count(delimiter) + 1
        if columns > MAX_COLUMNS:
            raise FileProblem(
                f"{filename} is not imported: line {number} has {columns:,} columns, and a journeys file may have at most "
                f"{MAX_COLUMNS} (it needs child_ref and the milestone dates). Is it the right file?"
            )


def match_columns(headers: list[str], column_map: Mapping[str, str]) -> tuple[dict[str, str], list[str]]:
    """Our column name -> the file's header, matched ignoring case and spaces;
    and the headers nothing matched."""
    def key(name: str) -> str:
        return " ".join(str(name).split()).casefold()

    by_key = {key(header): header for header in headers}
    matched = {}
    for column in COLUMNS:
        wanted = column_map.get(column, column)
        if key(wanted) in by_key:
            matched[column] = by_key[key(wanted)]
    if "child_ref" not in matched:
        wanted = column_map.get("child_ref", "child_ref")
        raise FileProblem(f"The file has no column {wanted!r}, which every row needs. Its columns are: {', '.join(map(str, headers))}. A column map (--columns) can name the header your export uses.")
    if not any(start in matched for start in STARTS):
        raise FileProblem(f"The file has neither {STARTS[0]!r} nor {STARTS[1]!r}: a journey needs its start date.")
    used = set(matched.values())
    return matched, [str(header) for header in headers if header not in used]


@lru_cache(maxsize=65536)
def parse_date_text(text: str) -> date:
    """ISO (2024-03-05), UK day first (05/03/2024 is 5 March), or an Excel
    serial day number; raises ValueError with what was wrong."""
    for pattern, order in ((ISO_DATE, "ymd"), (UK_DATE, "dmy")):
        found = pattern.fullmatch(text)
        if found:
            parts = dict(zip(order, map(int, found.groups())))
            try:
                return date(parts["y"], parts["m"], parts["d"])
            except ValueError:
                raise ValueError(f"{text!r} is not a real date (dates are day first: 05/03/2024 is 5 March 2024)") from None
    if EXCEL_SERIAL.fullmatch(text):
        return EXCEL_EPOCH + timedelta(days=int(float(text)))
    raise ValueError(f"{text!r} is not a date: write 2024-03-05 or 05/03/2024")


def parse_date(value: object) -> date | None:
    """A cell as a date, or None when empty."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)):
        return EXCEL_EPOCH + timedelta(days=int(value))
    text = str(value).strip()
    return parse_date_text(text) if text else None


def cell_text(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel gives 1234.0 for a reference typed 1234
    return str(value).strip()


def check_row(line: int, cells: Mapping[str, object], headers: Mapping[str, str], today: date) -> tuple[JourneyRow | None, list[Problem]]:
    """One row's journey, or its problems (every one of them)."""
    problems: list[Problem] = []

    def problem(column: str | None, message: str) -> None:
        problems.append(Problem(line, headers.get(column, "") if column else "", message))

    child_ref = cell_text(cells.get("child_ref"))
    if not child_ref:
        problem("child_ref", "the child reference is empty")
    elif len(child_ref) > MAX_CHILD_REF_LENGTH:
        problem("child_ref", f"the child reference has {len(child_ref)} characters; at most {MAX_CHILD_REF_LENGTH}")
    dates: dict[str, date | None] = {}
    for column in MILESTONES:
        try:
            dates[column] = parse_date(cells.get(column))
        except ValueError as error:
            dates[column] = None
            problem(column, str(error))
            continue
        if dates[column] is not None and dates[column] > today:
            problem(column, f"{dates[column].isoformat()} is in the future")
    if not any(dates.get(start) for start in STARTS) and not any(problem.column in (headers.get(start) for start in STARTS) for problem in problems):
        problem(next(start for start in STARTS if start in headers), "the journey has no start: give the date the child became looked after at home or away from home")
    for column, earlier in FOLLOWS.items():
        if dates.get(column) is None:
            continue
        before = next((name for name in earlier if dates.get(name) is not None), None)
        if before is not None and dates[column] < dates[before]:
            problem(column, f"{LABELS[column]} ({dates[column].isoformat()}) is before {LABELS[before]} ({dates[before].isoformat()})")
    ended = dates.get("ended_on")
    if ended is not None:
        for start in STARTS:
            if dates.get(start) is not None and ended < dates[start]:
                problem("ended_on", f"ended ({ended.isoformat()}) is before {LABELS[start]} ({dates[start].isoformat()})")
    recommendation = cell_text(cells.get("recommendation")).lower().replace(" ", "_").replace("-", "_") or None
    if recommendation is not None and recommendation not in RECOMMENDATIONS:
        problem("recommendation", f"{cell_text(cells.get('recommendation'))!r} is not a recommendation: use return_home or permanence_away")
    if recommendation is not None and dates.get("recommendation_on") is None and "recommendation_on" in headers:
        problem("recommendation_on", "a recommendation is given without its date")
    if problems:
        return None, problems
    return JourneyRow(line=line, child_ref=child_ref, dates=dates, recommendation=recommendation), []


@dataclass(frozen=True)
class OpenedFile:
    """A file read as a table, its columns matched: ready for its rows to be checked."""

    frame: pd.DataFrame
    headers_by_column: dict[str, str]
    ignored_columns: list[str]

    @property
    def row_count(self) -> int:
        return len(self.frame)


def open_journeys(data: bytes, filename: str, column_map: Mapping[str, str] | None = None) -> OpenedFile:
    """Reads the file and matches its columns; raises FileProblem when the file as a whole cannot be used."""
    frame = read_frame(data, filename)
    headers_by_column, ignored = match_columns(list(frame.columns), column_map or {})
    return OpenedFile(frame, headers_by_column, ignored)


def check_rows(opened: OpenedFile, today: date) -> Iterator[ReadResult]:
    """Checks every row, a chunk at a time, yielding the result so far after
    each chunk (for progress); the last one yielded is the whole result."""
    headers_by_column = opened.headers_by_column
    result = ReadResult(ignored_columns=opened.ignored_columns)
    first_line: dict[str, int] = {}
    frame = opened.frame
    for start in range(0, len(frame), CHUNK_ROWS):
        chunk = frame.iloc[start : start + CHUNK_ROWS]
        for offset, values in enumerate(chunk[list(headers_by_column.values())].itertuples(index=False, name=None)):
            line = start + offset + 2  # the header is line 1
            cells = dict(zip(headers_by_column, values))
            if all(cell_text(value) == "" for value in values):
                continue  # a blank row, as spreadsheets leave at the end
            result.rows_read += 1
            row, problems = check_row(line, cells, headers_by_column, today)
            child_ref = cell_text(cells.get("child_ref"))
            if child_ref in first_line:
                problems.append(Problem(line, headers_by_column["child_ref"], f"child reference {child_ref!r} is also on line {first_line[child_ref]}; a file has one row per child journey"))
                row = None
            elif child_ref:
                first_line[child_ref] = line
            if row is not None:
                result.rows.append(row)
            result.problems.extend(problems)
        yield result
    if not len(frame):
        yield result


def read_journeys(
    data: bytes,
    filename: str,
    *,
    today: date,
    column_map: Mapping[str, str] | None = None,
    on_progress: Progress | None = None,
) -> ReadResult:
    """Every row of the file checked; raises FileProblem when the file as a whole cannot be read."""
    result = ReadResult()
    for result in check_rows(open_journeys(data, filename, column_map), today):
        if on_progress is not None:
            on_progress(result.rows_read, len(result.problems))
    return result


def iter_problem_lines(problems: list[Problem]) -> Iterator[str]:
    for problem in sorted(problems, key=lambda each: (each.line, each.column)):
        yield str(problem)
