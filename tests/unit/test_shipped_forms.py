"""The forms shipped in forms/*.yaml, checked against what their respondents
and analysts rely on: pictures that exist, translations complete where they
say so, a safeguarding question at the end of every child's form, short
pictorial forms for young children, and measure codes an analyst knows.
Read afresh for each test, so a form edited meanwhile is checked as it is now.
No Flask."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from pace_forms.config import PROJECT_ROOT
from pace_forms.forms.definitions import NOT_FORMS, FormDefinition, load_forms

FORMS_DIR = PROJECT_ROOT / "forms"
STATIC = PROJECT_ROOT / "static"
FORM_KEYS = sorted(path.stem for path in FORMS_DIR.glob("*.yaml") if path.name not in NOT_FORMS)
# Read once to choose which tests apply to which form; each test reads again.
AT_COLLECTION = load_forms(FORMS_DIR)
CHILD_AUDIENCES = ("child-4-7", "child-8-11", "young-person")
# The construct codes of DOMAIN.md, and FEEL: the young child's picture sort
# (how they feel about home, school, family, their worker, the meeting),
# coded so it can be read, though it feeds no balancing measure.
MEASURE_CODES = {
    "PREP", "SAY", "HEARD", "UNDER", "WHY", "NEXT", "RESP", "CONTACT", "CHILDV", "TIME", "CONF", "LOAD", "OVR", "TXT",
    "INFL", "FEAS", "FAMV", "ATTEND", "FEEL",
}  # fmt: skip


def real_pictures() -> set[str]:
    return {path.stem for path in (STATIC / "pictures").glob("*.svg")}


def real_audio_files() -> set[str]:
    audio = STATIC / "audio"
    return {path.relative_to(audio).as_posix() for path in audio.rglob("*") if path.is_file()}


_loaded: dict[tuple, dict[str, FormDefinition]] = {}


def shipped_forms() -> dict[str, FormDefinition]:
    """As start-up loads them: with the real pictures and recordings. Loaded
    again whenever a form file changed since the last test."""
    state = tuple((path.name, path.stat().st_mtime_ns, path.stat().st_size) for path in sorted(FORMS_DIR.glob("*.yaml")))
    if state not in _loaded:
        _loaded.clear()
        _loaded[state] = load_forms(FORMS_DIR, pictures=real_pictures(), audio_files=real_audio_files())
    return _loaded[state]


def shipped(key: str) -> FormDefinition:
    return shipped_forms()[key]


def test_the_six_forms_are_shipped():
    assert {"parent-review", "carer-review", "child-4-7-review", "child-8-11-review", "young-person-review", "worker-review"} <= set(FORM_KEYS)


def test_every_shipped_form_loads_with_the_real_pictures_and_recordings():
    forms = shipped_forms()

    assert sorted(forms) == FORM_KEYS


@pytest.mark.parametrize("key", FORM_KEYS)
def test_every_picture_a_form_names_is_a_file(key):
    form = shipped(key)
    pictures = real_pictures()

    named = set()
    for question in form.questions:
        named.add(question.spec.get("image"))
        named.update(option.image for option in question.options())
        named.update(card.image for card in question.cards())
    named -= {None}
    files = {name for name in named if not name.startswith("face-")}
    assert files <= pictures, f"{key} names pictures with no file: {sorted(files - pictures)}"


def test_each_audience_has_its_form():
    audiences = {form.audience for form in shipped_forms().values()}

    assert {"parent", "carer", "child-4-7", "child-8-11", "young-person", "worker"} <= audiences


# translations: complete where claimed


def strings_a_form_shows(form: FormDefinition) -> list[str]:
    """Every string the respondent sees, as a translation path: worked out
    here from the form, not by the loader's own check."""
    document = form.document
    paths = [name for name in ("title", "intro", "thanks") if document.get(name)]
    if form.follow_up:
        paths.append("follow_up_message")
    for question in form.questions:
        prefix = f"questions.{question.key}"
        paths.append(f"{prefix}.text")
        paths += [f"{prefix}.{name}" for name in ("hint", "say") if question.spec.get(name)]
        if question.type == "picture_sort":
            paths += [f"{prefix}.cards.{card.value}" for card in question.cards()]
            paths.append(f"{prefix}.columns")
        else:
            paths += [f"{prefix}.options.{option.value}" for option in question.options()]
    return paths


def given_in(translation: dict, path: str) -> bool:
    value: object = translation
    for part in path.split("."):
        if not isinstance(value, dict):
            return False
        # Option keys may be written 1 or "1".
        matches = [key for key in value if str(key) == part]
        if not matches:
            return False
        value = value[matches[0]]
    return (isinstance(value, str) and bool(value.strip())) or (isinstance(value, list) and len(value) == 3)


COMPLETE_TRANSLATIONS = [
    (key, language)
    for key in FORM_KEYS
    for language, translation in (yaml.safe_load((FORMS_DIR / f"{key}.yaml").read_text(encoding="utf-8")).get("translations") or {}).items()
    if translation.get("complete")
]


def test_parent_review_has_a_complete_polish_translation():
    assert ("parent-review", "pl") in COMPLETE_TRANSLATIONS


@pytest.mark.parametrize(("key", "language"), COMPLETE_TRANSLATIONS)
def test_translations_are_complete_where_claimed(key, language):
    form = shipped(key)
    translation = form.document["translations"][language]

    missing = [path for path in strings_a_form_shows(form) if not given_in(translation, path)]

    assert missing == [], f"{key}: translation {language} is marked complete but lacks {missing}"


@pytest.mark.parametrize(("key", "language"), COMPLETE_TRANSLATIONS)
def test_a_complete_translation_shows_no_english_left_over(key, language):
    form = shipped(key)
    localised = form.localised(language)

    assert localised.title != form.title
    for before, after in zip(form.questions, localised.questions, strict=True):
        assert after.text != before.text, f"{key} {language}: question {before.key!r} is still in English"
        assert [option.value for option in after.options()] == [option.value for option in before.options()]


@pytest.mark.parametrize("key", FORM_KEYS)
def test_every_number_in_a_translated_intro_matches_the_original(key):
    # "There are 7 short questions" must not become "Jest 6 krótkich pytań".
    form = shipped(key)
    numbers = sorted(re.findall(r"\d+", form.document.get("intro", "")))
    for language, translation in form.document.get("translations", {}).items():
        if "intro" in translation:
            assert sorted(re.findall(r"\d+", translation["intro"])) == numbers, f"{key} {language}"


QUESTION_COUNT = re.compile(r"There are (\d+) (?:short )?questions")


@pytest.mark.parametrize("key", [key for key in FORM_KEYS if QUESTION_COUNT.search(AT_COLLECTION[key].intro or "")])
def test_an_intro_that_counts_the_questions_counts_them_right(key):
    form = shipped(key)
    said = QUESTION_COUNT.search(form.intro or "")

    assert said, f"{key}: the intro no longer counts its questions"
    assert int(said.group(1)) == len(form.questions), f"{key}: the intro says {said.group(1)} questions"


def test_the_parent_form_asks_who_helped_as_a_meta_question():
    helped_by = shipped("parent-review").question("helped_by")

    assert helped_by is not None
    assert helped_by.type == "choice"
    assert helped_by.spec["meta"] == "helped_by"
    assert helped_by.is_meta


# safeguarding: every child's and young person's form


def forms_for_children() -> list[str]:
    return [key for key in FORM_KEYS if shipped(key).audience in CHILD_AUDIENCES]


def test_there_is_a_form_for_each_age_of_child():
    assert {shipped(key).audience for key in forms_for_children()} == set(CHILD_AUDIENCES)


@pytest.mark.parametrize("key", [key for key in FORM_KEYS if AT_COLLECTION[key].audience in CHILD_AUDIENCES])
def test_a_childs_form_ends_by_asking_whether_to_get_in_touch(key):
    form = shipped(key)
    # The child's own last question: only the adult helping is asked after it.
    last = form.counted_questions()[-1]

    assert last.type == "yes_no", f"{key}: the last question is {last.key!r} ({last.type})"
    assert form.follow_up is not None, f"{key} has no follow_up"
    assert form.follow_up["question"] == last.key
    assert form.follow_up["when"] == "yes"
    assert form.follow_up_message and form.follow_up_message.strip()
    assert not last.is_required, "a child must be able to leave the safeguarding question"
    assert "show_if" not in last.spec, "the safeguarding question must always be shown"


@pytest.mark.parametrize("key", [key for key in FORM_KEYS if AT_COLLECTION[key].audience in CHILD_AUDIENCES])
def test_the_follow_up_message_is_translated_with_the_rest(key):
    form = shipped(key)

    for language in form.languages[1:]:
        localised = form.localised(language)
        if form.document["translations"][language].get("complete"):
            assert localised.follow_up_message != form.follow_up_message


def test_forms_for_adults_raise_no_follow_ups():
    for key in FORM_KEYS:
        form = shipped(key)
        if form.audience not in CHILD_AUDIENCES:
            assert form.follow_up is None, key


# young children: short, pictured, skippable

YOUNG = [key for key in FORM_KEYS if AT_COLLECTION[key].audience == "child-4-7"]


def test_there_is_a_form_for_young_children():
    assert YOUNG


@pytest.mark.parametrize("key", YOUNG)
def test_a_young_childs_form_has_at_most_six_items(key):
    form = shipped(key)

    assert len(form.items()) <= 6, [question.key for question in form.items()]


@pytest.mark.parametrize("key", YOUNG)
def test_a_young_childs_form_is_pictorial_with_a_picture_for_every_question_and_answer(key):
    form = shipped(key)

    assert form.is_pictorial
    for question in form.counted_questions():
        assert question.spec.get("image"), f"question {question.key!r} has no picture"
        for option in question.options():
            assert option.image, f"question {question.key!r}: answer {option.label!r} has no picture"
        for card in question.cards():
            assert card.image, f"question {question.key!r}: card {card.label!r} has no picture"


@pytest.mark.parametrize("key", YOUNG)
def test_every_question_on_a_young_childs_form_can_be_skipped_and_read_aloud(key):
    form = shipped(key)

    for question in form.questions:
        assert question.spec.get("skip"), f"question {question.key!r} offers no Skip"
        assert not question.is_required
        assert question.spoken.strip()


# measures an analyst can count


@pytest.mark.parametrize("key", FORM_KEYS)
def test_every_measure_code_is_one_of_the_domain_codes(key):
    form = shipped(key)

    codes = {question.measure_code for question in form.questions if question.measure_code}

    assert codes <= MEASURE_CODES, f"{key} uses unknown codes {sorted(codes - MEASURE_CODES)}"


@pytest.mark.parametrize("key", FORM_KEYS)
def test_every_text_item_is_coded_txt(key):
    form = shipped(key)

    for question in form.items():
        if question.type == "text":
            assert question.measure_code == "TXT", question.key


@pytest.mark.parametrize("key", FORM_KEYS)
def test_every_scored_survey_item_has_a_measure_and_positive_answers(key):
    form = shipped(key)
    safeguarding = (form.follow_up or {}).get("question")

    for question in form.items():
        # The safeguarding request is not an experience to count, and a
        # picture sort describes rather than scores.
        if question.type in ("text", "picture_sort") or question.key == safeguarding:
            continue
        assert question.measure_code in MEASURE_CODES, f"{key}: item {question.key!r} has no known measure code"
        assert question.spec["measure"].get("positive"), f"{key}: item {question.key!r} names no positive answers"


@pytest.mark.parametrize("key", FORM_KEYS)
def test_meta_questions_feed_no_measure(key):
    form = shipped(key)

    for question in form.questions:
        if question.is_meta:
            assert question.measure_code is None, question.key


def test_pictures_directory_is_where_the_app_serves_them():
    assert (STATIC / "pictures").is_dir()
    assert Path(STATIC / "pictures" / "tick.svg").is_file()


# issue 8: honest promises, and pictures a young child cannot misread


@pytest.mark.parametrize("key", FORM_KEYS)
def test_every_form_opens_with_its_honest_promises(key):
    form = shipped(key)
    lines = dict(form.promise_lines(min_cell=7, months=40, with_safety=True))

    for name in ("purpose", "no_name", "who_reads", "no_effect", "kept"):
        assert lines.get(name), f"{key}: the first screen lacks {name}"
    # The numbers are the running settings', never written into the form.
    assert "7" in lines["who_reads"] and "5" not in lines["who_reads"], lines["who_reads"]
    assert "40" in lines["kept"]
    if form.is_for_a_child:
        assert "not safe" in lines["safety"], "a child hears the limit of confidentiality at the start"


@pytest.mark.parametrize("key", FORM_KEYS)
def test_every_translated_first_screen_is_complete(key):
    form = shipped(key)
    for language in form.languages[1:]:
        assert set(form.localised(language).promises) == set(form.promises)
        assert form.localised(language).promises != form.promises, f"{key} {language}: the first screen is still in English"


PICTORIAL = [key for key in FORM_KEYS if AT_COLLECTION[key].is_pictorial]


@pytest.mark.parametrize("key", PICTORIAL)
def test_a_pictorial_form_shows_every_answer_list_the_same_way_round(key):
    orders = shipped(key).answer_orders()

    assert set(orders.values()) == {"positive first"}, orders


@pytest.mark.parametrize("key", PICTORIAL)
def test_a_pictorial_form_gives_each_picture_one_meaning(key):
    form = shipped(key)
    meanings: dict[str, set[str]] = {}
    for question in form.counted_questions():
        meanings.setdefault(question.spec["image"], set()).add(f"question {question.key}")
        for option in question.options():
            if option.image and not option.image.startswith("face-"):
                meanings.setdefault(option.image, set()).add(option.label)
        for card in question.cards():
            # "My worker" on a card is the same idea as "your worker" in a question.
            meanings.setdefault(card.image, set()).add(f"card {card.value}")

    shared = {picture: sorted(uses) for picture, uses in meanings.items() if len(uses) > 1}
    assert shared == {"worker": ["card worker", "question knows_worker"]}


@pytest.mark.parametrize("key", PICTORIAL)
def test_the_adult_helpers_questions_come_last_and_are_not_counted(key):
    form = shipped(key)
    adults = [question for question in form.questions if question.is_for_adult]

    assert adults, "who helped and how the child took part are asked of the adult"
    assert form.questions[-len(adults):] == tuple(adults)
    assert len(form.counted_questions()) <= 6


@pytest.mark.parametrize("key", YOUNG)
def test_the_young_childs_picture_sort_is_optional_and_coded(key):
    form = shipped(key)
    [sort] = [question for question in form.questions if question.cards()]

    assert sort.spec.get("skip") and not sort.is_required
    assert sort.measure_code in MEASURE_CODES
    assert [card.value for card in sort.cards() if card.label == "Seeing my family"] == ["family"]
    assert [card["value"] for card in sort.spec["cards"] if card.get("per_area")] == ["family"]
