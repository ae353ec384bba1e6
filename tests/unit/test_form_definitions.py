"""Form files (forms/*.yaml) as a form author meets them: a broken file stops
start-up with one line per problem naming the file, the question and the
reason; a changed form must carry a new version. Plain functions, no Flask."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from pace_forms.config import PROJECT_ROOT
from pace_forms.forms.definitions import (
    FormDefinitionError,
    check_versions_bumped,
    load_forms,
    parse_definition,
)

VALID_FORM = {
    "key": "carer-review",
    "version": 2,
    "title": "Your say as a carer",
    "audience": "carer",
    "locale": "en-GB",
    "questions": [
        {"key": "listened_to", "type": "scale", "text": "People listened to me.", "measure": {"code": "HEARD", "positive": [4, 5]}},
        {"key": "overall", "type": "faces", "faces": 3, "text": "How was it?", "measure": {"code": "OVR", "positive": [3]}},
        {"key": "went_well", "type": "yes_no", "text": "Did it go well?", "measure": {"code": "WELL", "positive": ["yes"]}},
        {
            "key": "why_not",
            "type": "text",
            "text": "What went wrong?",
            "show_if": {"question": "went_well", "equals": "no"},
        },
    ],
}


def form_document(**changes):
    document = copy.deepcopy(VALID_FORM)
    document.update(changes)
    return document


def with_question(index: int, **changes):
    """The valid form with one question changed; a value of None removes the property."""
    document = form_document()
    question = document["questions"][index]
    for name, value in changes.items():
        if value is None:
            question.pop(name, None)
        else:
            question[name] = value
    return document


def write_form(directory: Path, document, name: str | None = None) -> Path:
    path = directory / f"{name or document['key']}.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


def problems_loading(directory: Path) -> list[str]:
    with pytest.raises(FormDefinitionError) as caught:
        load_forms(directory)
    # str() of the error is what start-up prints: every problem, in order.
    assert str(caught.value) == "\n".join(caught.value.problems)
    return caught.value.problems


def only_problem(directory: Path) -> str:
    problems = problems_loading(directory)
    assert len(problems) == 1, problems
    return problems[0]


def test_a_valid_form_loads_with_its_questions_in_order(tmp_path):
    write_form(tmp_path, form_document())

    forms = load_forms(tmp_path)

    form = forms["carer-review"]
    assert (form.version, form.title, form.audience) == (2, "Your say as a carer", "carer")
    assert [question.key for question in form.questions] == ["listened_to", "overall", "went_well", "why_not"]
    assert form.question("overall").measure_code == "OVR"


def test_every_form_shipped_in_forms_dir_loads():
    forms = load_forms(PROJECT_ROOT / "forms")

    assert "parent-review" in forms
    parent = forms["parent-review"]
    assert parent.version >= 1
    assert parent.audience == "parent"
    assert all(question.text for question in parent.questions)


def test_missing_title_names_the_file_and_the_missing_key(tmp_path):
    document = form_document()
    del document["title"]
    write_form(tmp_path, document)

    problem = only_problem(tmp_path)

    assert problem.startswith("forms/carer-review.yaml: ")
    assert "'title' is a required property" in problem


def test_question_without_text_names_file_question_and_reason(tmp_path):
    write_form(tmp_path, with_question(1, text=None))

    problem = only_problem(tmp_path)

    assert "forms/carer-review.yaml" in problem
    assert "question 'overall'" in problem
    assert "'text' is a required property" in problem


def test_question_without_key_is_named_by_its_position(tmp_path):
    write_form(tmp_path, with_question(1, key=None))

    problem = only_problem(tmp_path)

    assert "forms/carer-review.yaml" in problem
    assert "question '#2'" in problem
    assert "'key' is a required property" in problem


def test_unknown_question_type_names_the_type_and_the_known_ones(tmp_path):
    write_form(tmp_path, with_question(0, type="slider"))

    problem = only_problem(tmp_path)

    assert "forms/carer-review.yaml" in problem
    assert "question 'listened_to'" in problem
    assert "unknown type 'slider'" in problem
    for known in ("faces", "scale", "yes_no", "choice", "multi", "text"):
        assert known in problem


@pytest.mark.parametrize("bad_type", [None, ["scale"], {"name": "scale"}, 3])
def test_a_missing_or_non_text_question_type_is_reported_not_crashed_on(tmp_path, bad_type):
    write_form(tmp_path, with_question(0, type=bad_type))  # None: no type at all

    problem = only_problem(tmp_path)

    assert "forms/carer-review.yaml" in problem
    assert "question 'listened_to'" in problem
    assert "unknown type" in problem


def test_duplicate_question_key_names_the_key(tmp_path):
    document = form_document()
    document["questions"].append({"key": "overall", "type": "yes_no", "text": "Again?"})
    write_form(tmp_path, document)

    problem = only_problem(tmp_path)

    assert "forms/carer-review.yaml" in problem
    assert "question 'overall'" in problem
    assert "duplicate question key" in problem


def test_show_if_referring_to_a_later_question_is_refused(tmp_path):
    document = form_document()
    document["questions"][0]["show_if"] = {"question": "went_well", "equals": "yes"}
    write_form(tmp_path, document)

    problem = only_problem(tmp_path)

    assert "forms/carer-review.yaml" in problem
    assert "question 'listened_to'" in problem
    assert "show_if refers to 'went_well', which is not an earlier question" in problem


def test_show_if_referring_to_an_unknown_question_is_refused(tmp_path):
    write_form(tmp_path, with_question(3, show_if={"question": "no_such_question", "equals": "no"}))

    problem = only_problem(tmp_path)

    assert "question 'why_not'" in problem
    assert "show_if refers to 'no_such_question'" in problem


def test_show_if_referring_to_itself_is_refused(tmp_path):
    write_form(tmp_path, with_question(3, show_if={"question": "why_not", "equals": "x"}))

    problem = only_problem(tmp_path)

    assert "question 'why_not'" in problem
    assert "not an earlier question" in problem


@pytest.mark.parametrize(
    ("index", "positive", "named"),
    [
        (0, [4, 6], "6"),  # scale answers are 1-5 and the neutral ones
        (1, [3, 5], "5"),  # three faces: 1-3 only
        (2, ["maybe"], "'maybe'"),
        (0, ["4"], "'4'"),  # a string is not the answer 4
    ],
)
def test_measure_positive_must_name_one_of_the_answers(tmp_path, index, positive, named):
    question = VALID_FORM["questions"][index]
    write_form(tmp_path, with_question(index, measure={"code": "ABC", "positive": positive}))

    problem = only_problem(tmp_path)

    assert "forms/carer-review.yaml" in problem
    assert f"question {question['key']!r}" in problem
    assert f"measure.positive names {named}, which is not one of its answers" in problem


def test_choice_measure_positive_is_checked_against_its_options(tmp_path):
    document = form_document()
    document["questions"].append(
        {
            "key": "who_came",
            "type": "choice",
            "text": "Who came with you?",
            "options": [{"value": "nobody", "label": "Nobody"}, {"value": "friend", "label": "A friend"}],
            "measure": {"code": "CAME", "positive": ["family"]},
        }
    )
    write_form(tmp_path, document)

    problem = only_problem(tmp_path)

    assert "question 'who_came'" in problem
    assert "measure.positive names 'family'" in problem


def test_choice_without_options_is_refused(tmp_path):
    document = form_document()
    document["questions"].append({"key": "who_came", "type": "choice", "text": "Who came?"})
    write_form(tmp_path, document)

    problem = only_problem(tmp_path)

    assert "question 'who_came'" in problem
    assert "'options' is a required property" in problem


def test_text_question_cannot_count_as_positive(tmp_path):
    write_form(tmp_path, with_question(3, measure={"code": "TXT", "positive": ["good"]}))

    problem = only_problem(tmp_path)

    assert "question 'why_not'" in problem
    assert "text question cannot have measure.positive" in problem


def test_unknown_question_property_is_named(tmp_path):
    write_form(tmp_path, with_question(0, colour="blue"))

    problem = only_problem(tmp_path)

    assert "question 'listened_to'" in problem
    assert "'colour'" in problem


def test_file_key_must_match_the_file_name(tmp_path):
    write_form(tmp_path, form_document(), name="carers")

    problem = only_problem(tmp_path)

    assert problem.startswith("forms/carers.yaml: ")
    assert "key 'carer-review' does not match the file name (expected 'carers')" in problem


def test_invalid_yaml_names_the_file(tmp_path):
    (tmp_path / "broken.yaml").write_text("key: broken\nquestions: [\n  - key: a\n", encoding="utf-8")

    problem = only_problem(tmp_path)

    assert problem.startswith("forms/broken.yaml: not valid YAML")
    assert "line 3" in problem  # where to look


def test_a_file_that_is_not_a_mapping_names_the_file(tmp_path):
    (tmp_path / "list.yaml").write_text("- one\n- two\n", encoding="utf-8")

    problem = only_problem(tmp_path)

    assert problem.startswith("forms/list.yaml: ")
    assert "mapping" in problem


@pytest.mark.parametrize("questions", [[], 5, "understood_plan", None])
def test_questions_must_be_a_non_empty_list(tmp_path, questions):
    write_form(tmp_path, form_document(questions=questions))

    problems = problems_loading(tmp_path)

    assert problems
    assert all(problem.startswith("forms/carer-review.yaml: ") for problem in problems)
    assert any("questions" in problem for problem in problems)


def test_wrong_version_type_and_unknown_audience_are_both_listed(tmp_path):
    write_form(tmp_path, form_document(version="two", audience="grandparent"))

    problems = problems_loading(tmp_path)

    assert any("version: 'two' is not of type 'integer'" in problem for problem in problems)
    assert any("audience: 'grandparent' is not one of" in problem for problem in problems)


def test_every_problem_in_every_file_is_reported_at_once(tmp_path):
    write_form(tmp_path, with_question(0, type="slider"))
    (tmp_path / "broken.yaml").write_text("key: [unclosed\n", encoding="utf-8")
    other = form_document(key="worker-review", audience="worker")
    del other["title"]
    write_form(tmp_path, other)

    problems = problems_loading(tmp_path)

    assert len(problems) == 3
    assert any(problem.startswith("forms/broken.yaml") for problem in problems)
    assert any(problem.startswith("forms/carer-review.yaml") and "slider" in problem for problem in problems)
    assert any(problem.startswith("forms/worker-review.yaml") and "'title'" in problem for problem in problems)


def test_an_empty_forms_directory_is_an_error_naming_it(tmp_path):
    with pytest.raises(FormDefinitionError) as caught:
        load_forms(tmp_path)

    assert str(tmp_path) in str(caught.value)
    assert "no form files" in str(caught.value)


def test_measures_yaml_is_not_read_as_a_form(tmp_path):
    write_form(tmp_path, form_document())
    (tmp_path / "measures.yaml").write_text("HEARD: {name: Heard}\n", encoding="utf-8")

    assert list(load_forms(tmp_path)) == ["carer-review"]


# Versions: a published (key, version) is immutable.


def loaded(directory: Path, document) -> dict:
    write_form(directory, document)
    return load_forms(directory)


def test_changed_content_under_the_same_version_asks_for_the_next_version(tmp_path):
    published_form = loaded(tmp_path, form_document())["carer-review"]
    published = {("carer-review", 2): published_form.content_hash}
    changed = form_document(title="Your say as a foster or kinship carer")

    problems = check_versions_bumped(loaded(tmp_path, changed), published)

    assert len(problems) == 1
    assert "forms/carer-review.yaml" in problems[0]
    assert "version 2 was already published with different content" in problems[0]
    assert "set version: 3" in problems[0]


def test_unchanged_content_is_no_problem(tmp_path):
    forms = loaded(tmp_path, form_document())
    published = {("carer-review", 2): forms["carer-review"].content_hash}

    assert check_versions_bumped(forms, published) == []


def test_changed_content_with_a_new_version_is_no_problem(tmp_path):
    old = loaded(tmp_path, form_document())["carer-review"]
    published = {("carer-review", 2): old.content_hash}
    new = form_document(version=3, title="Your say as a foster or kinship carer")

    assert check_versions_bumped(loaded(tmp_path, new), published) == []


def test_a_never_published_form_is_no_problem(tmp_path):
    forms = loaded(tmp_path, form_document())

    assert check_versions_bumped(forms, {("parent-review", 2): "0" * 64}) == []


def test_content_hash_ignores_comments_and_layout(tmp_path):
    block = tmp_path / "block"
    flow = tmp_path / "flow"
    block.mkdir()
    flow.mkdir()
    (block / "tiny.yaml").write_text(
        "# A comment a form author may change freely.\n"
        "key: tiny\n"
        "version: 1\n"
        "title: Tiny\n"
        "audience: worker\n"
        "locale: en-GB\n"
        "questions:\n"
        "  - key: ok\n"
        "    type: yes_no   # trailing comment\n"
        "    text: Was it OK?\n"
        "    measure:\n"
        "      code: OK\n"
        "      positive:\n"
        "        - 'yes'\n",
        encoding="utf-8",
    )
    (flow / "tiny.yaml").write_text(
        "questions: [{text: 'Was it OK?', key: ok, measure: {positive: ['yes'], code: OK}, type: yes_no}]\n"
        "locale: en-GB\naudience: worker\ntitle: \"Tiny\"\nversion: 1\nkey: tiny\n",
        encoding="utf-8",
    )

    block_hash = load_forms(block)["tiny"].content_hash
    flow_hash = load_forms(flow)["tiny"].content_hash

    assert block_hash == flow_hash
    assert len(block_hash) == 64


def test_content_hash_changes_with_a_word_of_a_question(tmp_path):
    before = parse_definition(form_document()).content_hash
    after = parse_definition(with_question(0, text="People listened to me well.")).content_hash

    assert before != after


def test_public_definition_lists_each_question_with_its_answer_values():
    form = parse_definition(form_document())

    public = form.to_public()

    assert public["key"] == "carer-review"
    assert public["content_hash"] == form.content_hash
    by_key = {question["key"]: question for question in public["questions"]}
    assert [option["value"] for option in by_key["overall"]["options"]] == [1, 2, 3]
    assert [option["value"] for option in by_key["listened_to"]["options"]] == [1, 2, 3, 4, 5, "not_sure", "prefer_not"]
    assert [option["value"] for option in by_key["went_well"]["options"]] == ["yes", "not_sure", "no"]
    assert by_key["why_not"]["options"] == []
