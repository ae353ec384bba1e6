"""`pace-forms check-forms`: prints each form's reading grade and how it is
measured, and exits 1 naming the form, the question and the rule when a form
breaks one (tests/fixtures/forms-*/, one rule each)."""

from __future__ import annotations

import pytest

from pace_forms.cli import cli
from pace_forms.config import PROJECT_ROOT
from tests.unit.test_form_checks import BROKEN

FIXTURES = PROJECT_ROOT / "tests" / "fixtures"


@pytest.fixture
def check_forms(runner, monkeypatch):
    monkeypatch.delenv("FLASK_RUN_FROM_CLI", raising=False)
    return lambda *args: runner.invoke(cli, args=["check-forms", *args])


@pytest.mark.parametrize("folder", sorted(BROKEN))
def test_a_form_breaking_a_rule_fails_the_check_naming_form_question_and_rule(check_forms, folder):
    rule, question, _ = BROKEN[folder]
    key = folder.removeprefix("forms-")

    result = check_forms(str(FIXTURES / folder))

    assert result.exit_code == 1, result.output
    where = f"FAIL form {key!r}" + (f", question {question!r}" if question else "")
    assert any(line.startswith(where) and f"[{rule}]" in line for line in result.stderr.splitlines()), result.stderr
    assert "problem(s) in 1 of 1 form(s)" in result.stderr
    assert "form(s) valid" not in result.output


def test_every_form_gets_its_reading_grade_and_how_it_is_measured(check_forms):
    result = check_forms()

    for key in ("parent-review", "child-4-7-review", "worker-review"):
        [line] = [line for line in result.stdout.splitlines() if line.startswith(f"{key} version")]
        assert "reading grade" in line and "(at most" in line
    assert "Flesch-Kincaid" in result.stdout and "each question's text and the words of its answers" in result.stdout


def test_the_shipped_forms_pass(check_forms):
    result = check_forms()

    assert result.exit_code == 0, result.stderr
    assert "6 form(s) valid" in result.stdout


def test_a_folder_whose_forms_do_not_load_says_so(check_forms, tmp_path):
    (tmp_path / "broken.yaml").write_text("key: broken\nversion: one\n", encoding="utf-8")

    result = check_forms(str(tmp_path))

    assert result.exit_code == 1
    assert f"The forms in {tmp_path} do not load" in result.stderr
    assert "version" in result.stderr
