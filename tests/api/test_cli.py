"""The `pace-forms` commands a worker or analyst runs: invite, check-forms,
export responses. Run through the real `pace-forms` command group, bound to
the test app by the `runner` fixture."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timezone

import pytest

from pace_forms.cli import cli
from pace_forms.config import PROJECT_ROOT
from pace_forms.forms.definitions import load_forms
from tests.conftest import PARENT_FORM_VERSION

PARENT_FORM = load_forms(PROJECT_ROOT / "forms")["parent-review"]

INVITE = ["invite", "--area", "X", "--child", "C1", "--review-date", "2026-11-01", "--audience", "parent"]


@pytest.fixture
def pace_forms(runner, monkeypatch):
    """pace_forms(*args) -> the result of `pace-forms ARGS` against the test app."""
    # FlaskGroup sets this for the rest of the process; keep it to this test.
    monkeypatch.delenv("FLASK_RUN_FROM_CLI", raising=False)

    def run(*args: str):
        return runner.invoke(cli, args=list(args))

    return run


def invite(pace_forms, *extra: str) -> str:
    """Run `invite`; return the survey link it printed last."""
    result = pace_forms(*INVITE, *extra)
    assert result.exit_code == 0, result.output
    return result.stdout.strip().splitlines()[-1]


def token_of(url: str) -> str:
    return url.rsplit("/s/", 1)[1]


def test_invite_prints_the_survey_link_last(pace_forms):
    result = pace_forms(*INVITE)

    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert lines[-1].startswith("http://127.0.0.1:5000/s/")
    assert len(token_of(lines[-1])) >= 32
    assert "child C1 (X)" in result.stdout
    assert "01 November 2026" in result.stdout


def test_the_printed_link_opens_the_survey(pace_forms, client):
    url = invite(pace_forms)

    page = client.get(f"/s/{token_of(url)}")

    assert page.status_code == 200
    assert "Your say about the review" in page.get_data(as_text=True)


def test_each_invite_makes_a_different_link(pace_forms):
    assert invite(pace_forms) != invite(pace_forms)


def test_only_a_hash_of_the_token_is_stored(pace_forms, invitation_rows):
    token = token_of(invite(pace_forms))

    [row] = invitation_rows()
    assert token not in repr(row)
    assert len(row["token_hash"]) == 64
    assert row["token_hash"] != token


def test_the_link_uses_the_configured_base_url(app, pace_forms):
    app.config["BASE_URL"] = "https://surveys.example.scot/"

    assert invite(pace_forms).startswith("https://surveys.example.scot/s/")


@pytest.mark.parametrize("day", ["01/11/2026", "2026-13-01", "tomorrow"])
def test_a_bad_review_date_says_the_form_it_needs(pace_forms, invitation_rows, day):
    result = pace_forms("invite", "--area", "X", "--child", "C1", "--review-date", day, "--audience", "parent")

    assert result.exit_code != 0
    assert "YYYY-MM-DD" in result.output
    assert day in result.output
    assert invitation_rows() == []


def test_an_unknown_form_is_refused_naming_the_forms(pace_forms, invitation_rows):
    result = pace_forms("invite", "--area", "X", "--child", "C1", "--review-date", "2026-11-01", "--audience", "parent", "--form", "parent-survey")

    assert result.exit_code != 0
    assert "no form 'parent-survey'" in result.output
    assert "parent-review" in result.output
    assert invitation_rows() == []


def test_check_forms_lists_parent_review(pace_forms):
    result = pace_forms("check-forms")

    # Whether the forms pass its rules: tests/api/test_check_forms_command.py.
    assert result.exit_code in (0, 1), result.output
    assert f"parent-review version {PARENT_FORM.version}: {len(PARENT_FORM.questions)} questions" in result.output


# export responses


def export(pace_forms, area: str = "X") -> tuple[list[str], list[dict[str, str]]]:
    result = pace_forms("export", "responses", "--area", area, "--format", "csv")
    assert result.exit_code == 0, result.output
    reader = csv.DictReader(io.StringIO(result.stdout_bytes.decode("utf-8-sig")))  # as a spreadsheet reads it
    rows = list(reader)
    return list(reader.fieldnames or []), rows


@pytest.fixture
def send(client):
    def post(*items):
        reply = client.post("/api/v1/responses", json={"responses": list(items)})
        assert reply.status_code == 200, reply.get_data(as_text=True)
        return [result["status"] for result in reply.json["results"]]

    return post


def test_export_has_fixed_columns_then_one_per_question(pace_forms, send, make_invitation, make_item):
    send(make_item(make_invitation(area="X")))

    header, _ = export(pace_forms)

    question_keys = [question.key for question in PARENT_FORM.questions]
    assert header[: len(header) - len(question_keys)] == [
        "id",
        "form",
        "form_version",
        "audience",
        "review_date",
        "review_kind",
        "locale",
        "submitted_at",
        "received_at",
    ]
    # One column per question of the form, in the form's order.
    assert header[-len(question_keys) :] == question_keys


def test_export_has_one_row_per_accepted_response_of_the_area_only(pace_forms, send, make_invitation, make_item):
    accepted = [make_item(make_invitation(area="X", child=f"C-{index}")) for index in range(3)]
    expired = make_item(
        make_invitation(area="X", child="C-old", held_on=date(2024, 1, 9), now=datetime(2024, 1, 10, tzinfo=timezone.utc), valid_days=3)
    )
    bad_answers = make_item(make_invitation(area="X", child="C-bad"), answers={"overall": 9})
    elsewhere = make_item(make_invitation(area="Y", child="C-0"))
    assert send(*accepted, expired, bad_answers, elsewhere) == ["created"] * 3 + ["quarantined"] * 2 + ["created"]

    _, rows = export(pace_forms)

    assert sorted(row["id"] for row in rows) == sorted(item["id"] for item in accepted)
    row = rows[0]
    assert (row["form"], row["form_version"], row["audience"], row["review_date"]) == ("parent-review", str(PARENT_FORM_VERSION), "parent", "2026-11-02")
    assert row["submitted_at"].startswith("2026-11-03T18:45:00")
    assert row["received_at"]
    assert (row["understood_plan"], row["knows_next"], row["overall"]) == ("4", "not_sure", "4")
    assert row["comment"] == "The meeting was long but people were kind."


def test_export_of_an_area_with_no_responses_is_just_the_header(pace_forms, make_invitation):
    make_invitation(area="X")

    header, rows = export(pace_forms)

    assert header[0] == "id"
    assert rows == []


def test_export_of_an_unknown_area_says_so(pace_forms):
    result = pace_forms("export", "responses", "--area", "NOWHERE")

    assert result.exit_code != 0
    assert "no area 'NOWHERE'" in result.output


@pytest.mark.parametrize("comment", ["=HYPERLINK(\"http://evil.example\",\"click\")", "+1+1", "-2+3", "@SUM(A1)"])
def test_a_comment_that_looks_like_a_formula_is_neutralised(pace_forms, send, make_invitation, make_item, comment):
    item = make_item(make_invitation(area="X"), answers={"overall": 3, "comment": comment})
    assert send(item) == ["created"]

    _, [row] = export(pace_forms)

    assert row["comment"] == "'" + comment
    assert row["overall"] == "3"


def test_the_export_starts_with_a_byte_order_mark_so_excel_reads_polish_and_emoji(pace_forms, send, make_invitation, make_item):
    comment = "Spotkanie było długie, ale miłe 🙂"
    send(make_item(make_invitation(area="X"), locale="pl", answers={"overall": 4, "comment": comment}))

    result = pace_forms("export", "responses", "--area", "X", "--format", "csv")

    assert result.stdout_bytes.startswith(b'\xef\xbb\xbf"id",')
    assert result.stdout_bytes.count(b"\xef\xbb\xbf") == 1
    _, [row] = export(pace_forms)
    assert row["comment"] == comment


FORMULA_STARTS = ("=", "+", "-", "@")


def cells_as_excel_with_semicolons_reads(text: str) -> list[str]:
    """Each line split on semicolons, as Excel set to a semicolon separator
    opens a CSV: a ; inside double quotes does not split; the cells keep their
    quotes, so that an unquoted one can be told apart."""
    cells = []
    for line in text.removeprefix("\ufeff").splitlines():
        cell, quoted = "", False
        for character in line:
            if character == '"':
                quoted = not quoted
            if character == ";" and not quoted:
                cells.append(cell)
                cell = ""
            else:
                cell += character
        cells.append(cell)
    return cells


@pytest.mark.parametrize("comment", ["ok;=1+1", "fine; +44 7700 900123", "a;-1;@SUM(A1)", "=1+1;ok"])
def test_a_comment_with_a_semicolon_cannot_become_a_formula_in_excel_set_to_semicolons(pace_forms, send, make_invitation, make_item, comment):
    item = make_item(make_invitation(area="X"), answers={"overall": 3, "comment": comment})
    assert send(item) == ["created"]
    result = pace_forms("export", "responses", "--area", "X", "--format", "csv")

    cells = cells_as_excel_with_semicolons_reads(result.stdout_bytes.decode("utf-8"))

    assert [cell for cell in cells if cell.startswith(FORMULA_STARTS)] == []
    _, [row] = export(pace_forms)  # and read with commas, the comment is whole
    assert row["comment"] == ("'" + comment if comment.startswith(FORMULA_STARTS) else comment)


def test_every_text_cell_is_quoted_and_numbers_are_not(pace_forms, send, make_invitation, make_item):
    send(make_item(make_invitation(area="X"), answers={"overall": 3, "comment": "Good meeting"}))

    result = pace_forms("export", "responses", "--area", "X", "--format", "csv")

    header, line = result.stdout_bytes.decode("utf-8-sig").splitlines()
    assert header.startswith('"id","form","form_version",')
    values = next(csv.reader([line]))
    raw = line.split(",")  # no comma in this row's cells
    assert len(raw) == len(values)
    for written, value in zip(raw, values):
        if isinstance(value, str) and value.isdigit():
            assert written == value  # a number stays a number
        else:
            assert written == f'"{value}"'
    assert '"Good meeting"' in raw and "3" in raw


def test_the_check_of_semicolon_cells_catches_an_unquoted_formula():
    assert cells_as_excel_with_semicolons_reads('"a",ok;=1+1') == ['"a",ok', "=1+1"]
    assert cells_as_excel_with_semicolons_reads('"a","ok;=1+1"') == ['"a","ok;=1+1"']


@pytest.mark.parametrize("command", [["export", "responses", "--help"], ["responses", "export", "--help"]])
def test_the_export_says_it_is_the_admins_raw_export(pace_forms, command):
    result = pace_forms(*command)

    assert result.exit_code == 0
    words = " ".join(result.output.split())
    assert "The admin's raw export: every answer and comment" in words
    assert "For the deployment's admins only" in words
    assert "only as the measures" in words
