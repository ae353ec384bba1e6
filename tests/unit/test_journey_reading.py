"""Reading a journeys file: encodings, delimiters, date forms, column maps,
and every problem reported with its line and column (issue 9, point 2)."""

from __future__ import annotations

import io
from datetime import date, datetime

import openpyxl
import pytest

from pace_forms.timescales.reading import FileProblem, read_column_map, read_journeys

TODAY = date(2026, 11, 30)
HEADER = "child_ref,looked_after_away_on,first_review_on,recommendation_on,recommendation,permanence_decision_on,adm_approval_on,court_lodged_on"


def read(text: str, *, encoding: str = "utf-8", filename: str = "journeys.csv", **options):
    return read_journeys(text.encode(encoding), filename, today=TODAY, **options)


def problems_of(result) -> list[tuple[int, str, str]]:
    return [(problem.line, problem.column, problem.message) for problem in result.problems]


def test_a_clean_file_gives_every_journey_with_its_dates():
    result = read(HEADER + "\nC-1,2024-03-05,2024-03-15,2024-09-01,permanence_away,2024-09-20,2024-12-01,2025-03-01\nC-2,2025-01-10,,,,,,\n")
    assert result.problems == [] and result.rows_read == 2
    first, second = result.rows
    assert first.child_ref == "C-1" and first.recommendation == "permanence_away"
    assert first.dates["looked_after_away_on"] == date(2024, 3, 5) and first.dates["court_lodged_on"] == date(2025, 3, 1)
    assert second.dates["first_review_on"] is None and second.recommendation is None


def test_uk_dates_are_day_first_and_iso_and_excel_serials_are_read_too():
    result = read("child_ref;looked_after_away_on;first_review_on;recommendation_on\nC-1;05/03/2024;2024-03-15;45536\n")
    [row] = result.rows
    assert row.dates["looked_after_away_on"] == date(2024, 3, 5)  # 5 March, not 3 May
    assert row.dates["first_review_on"] == date(2024, 3, 15)
    assert row.dates["recommendation_on"] == date(2024, 9, 1)  # Excel's day 45536


def test_a_byte_order_mark_and_semicolons_as_excel_writes_them():
    result = read("\ufeffchild_ref;looked_after_away_on\r\nC-1;01/02/2024\r\n")
    assert [row.child_ref for row in result.rows] == ["C-1"]


def test_windows_1252_and_utf_16_files():
    text = "child_ref,looked_after_away_on\nRÉF-1,2024-01-02\n"
    assert read(text, encoding="cp1252").rows[0].child_ref == "RÉF-1"
    assert read(text, encoding="utf-16").rows[0].child_ref == "RÉF-1"


def test_every_problem_is_reported_with_its_line_and_column():
    text = "\n".join(
        [
            HEADER,
            "C-1,31/02/2024,,,,,,",  # line 2: no such date
            "C-2,2024-01-10,2024-01-02,,,,,",  # line 3: first review before accommodation
            "C-3,2024-01-10,,,,,2030-01-01,",  # line 4: in the future
            "C-4,2024-01-10,,2024-06-01,adoption,,,",  # line 5: unknown recommendation
            "C-2,2024-02-01,,,,,,",  # line 6: second row for C-2
            ",2024-02-01,,,,,,",  # line 7: no reference
            "C-7,,,,,,,",  # line 8: no start
            "C-8,2024-01-10,,2024-05-01,permanence_away,2024-05-02,2024-04-01,2024-03-01",  # line 9: two out of order
            "C-9,March 2024,,,,,,",  # line 10: not a date
        ]
    )
    result = read(text + "\n")
    assert result.rows == []
    assert problems_of(result) == [
        (2, "looked_after_away_on", "'31/02/2024' is not a real date (dates are day first: 05/03/2024 is 5 March 2024)"),
        (3, "first_review_on", "first review (2024-01-02) is before looked after away from home (2024-01-10)"),
        (4, "adm_approval_on", "2030-01-01 is in the future"),
        (5, "recommendation", "'adoption' is not a recommendation: use return_home or permanence_away"),
        (6, "child_ref", "child reference 'C-2' is also on line 3; a file has one row per child journey"),
        (7, "child_ref", "the child reference is empty"),
        (8, "looked_after_away_on", "the journey has no start: give the date the child became looked after at home or away from home"),
        (9, "adm_approval_on", "agency decision maker approval (2024-04-01) is before permanence decision (2024-05-02)"),
        (9, "court_lodged_on", "court application lodged (2024-03-01) is before agency decision maker approval (2024-04-01)"),
        (10, "looked_after_away_on", "'March 2024' is not a date: write 2024-03-05 or 05/03/2024"),
    ]
    assert result.rows_read == 9


def test_a_milestone_is_checked_against_the_nearest_earlier_one_the_row_has():
    # No permanence decision: the ADM date is checked against the recommendation.
    result = read(HEADER + "\nC-1,2024-01-10,,2024-06-01,permanence_away,,2024-05-01,\n")
    assert problems_of(result) == [(2, "adm_approval_on", "agency decision maker approval (2024-05-01) is before recommendation (2024-06-01)")]


def test_a_column_map_reads_a_local_exports_headers():
    column_map = read_column_map("child_ref: Client ID\nlooked_after_away_on: Date Accommodated\n")
    result = read("Client ID,Date Accommodated,Worker\nX1,02/01/2024,Sam\n", column_map=column_map)
    assert result.rows[0].dates["looked_after_away_on"] == date(2024, 1, 2)
    assert result.ignored_columns == ["Worker"]


def test_a_column_map_naming_a_column_we_do_not_have_is_refused():
    with pytest.raises(FileProblem, match="columns we do not have: date_accommodated"):
        read_column_map("date_accommodated: Date Accommodated\n")


def test_a_file_without_child_references_is_refused_as_a_whole():
    with pytest.raises(FileProblem, match="no column 'child_ref'"):
        read("Reference,looked_after_away_on\nX,2024-01-01\n")


def test_headers_match_ignoring_case_and_spaces_and_blank_rows_are_skipped():
    result = read(" Child_Ref , Looked_After_Away_On \nC-1,2024-01-01\n,\n\n")
    assert [row.child_ref for row in result.rows] == ["C-1"] and result.rows_read == 1


def test_an_xlsx_workbook_with_real_dates_and_serial_numbers():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["child_ref", "looked_after_away_on", "first_review_on", "recommendation"])
    sheet.append([1234, datetime(2024, 3, 5), 45366, "Return home"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = read_journeys(buffer.getvalue(), "export.xlsx", today=TODAY)
    [row] = result.rows
    assert row.child_ref == "1234"
    assert row.dates["looked_after_away_on"] == date(2024, 3, 5) and row.dates["first_review_on"] == date(2024, 3, 15)
    assert row.recommendation == "return_home"


def test_progress_is_reported_as_rows_are_read(monkeypatch):
    monkeypatch.setattr("pace_forms.timescales.reading.CHUNK_ROWS", 2)
    seen = []
    rows = "\n".join(f"C-{n},2024-01-01" for n in range(5))
    read("child_ref,looked_after_away_on\n" + rows + "\nC-0,2024-01-01\n", on_progress=lambda read_, found: seen.append((read_, found)))
    assert seen == [(2, 0), (4, 0), (6, 1)]


def test_a_broken_workbook_gets_words():
    with pytest.raises(FileProblem, match="could not be read as an Excel workbook"):
        read_journeys(b"PK\x03\x04 not really a zip", "export.xlsx", today=TODAY)


def test_a_row_with_a_cell_past_the_last_column_is_refused_not_shifted():
    """Before, the parser made the first cell a row label and moved the rest
    one column left: C-1's dates would have been read under the wrong milestones."""
    with pytest.raises(FileProblem, match=r"journeys.csv line 3 has 4 cells but the header has 3 columns; the extra cell '2024-09-01' has no column"):
        read("child_ref,looked_after_away_on,first_review_on\nC-0,2024-03-05,2024-03-15\nC-1,2024-03-05,2024-03-15,2024-09-01\n")
    with pytest.raises(FileProblem, match=r"journeys.csv line 2 has 4 cells but the header has 3 columns"):
        read("child_ref,looked_after_away_on,first_review_on\nC-1,2024-03-05,2024-03-15,2024-09-01\nC-2,2024-03-05,2024-03-15\n")


def test_empty_cells_past_the_last_column_are_dropped():
    result = read("child_ref,looked_after_away_on\nC-1,2024-03-05,,\nC-2,2024-04-05\n")
    assert result.problems == []
    assert [(row.child_ref, row.dates["looked_after_away_on"]) for row in result.rows] == [("C-1", date(2024, 3, 5)), ("C-2", date(2024, 4, 5))]
