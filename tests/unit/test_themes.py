"""Themes of free-text comments (issue 10, point 3): the editable codebook in
forms/themes.yaml, checked when read, and keyword suggestions that a
consultant then confirms or changes."""

from __future__ import annotations

import pytest
import yaml

from pace_forms.config import PROJECT_ROOT
from pace_forms.forms.definitions import load_forms
from pace_forms.measures.themes import ThemeCodebookError, load_codebook, parse_codebook, suggest_themes

CODEBOOK_PATH = PROJECT_ROOT / "forms" / "themes.yaml"
CODEBOOK = load_codebook(CODEBOOK_PATH)
THEMES = [
    "being-heard",
    "understanding-the-plan",
    "waiting-and-delay",
    "family-contact",
    "change-of-worker",
    "meeting-practicalities",
]


def codebook(**themes) -> dict:
    return {"themes": themes}


def theme(**fields) -> dict:
    return {"label": "Waiting", "description": "Time spent waiting.", "keywords": ["wait*"]} | fields


def test_the_shipped_codebook_has_the_six_themes_with_words():
    assert CODEBOOK.keys() == THEMES
    for item in CODEBOOK.themes:
        assert item.label and item.description and item.keywords
    assert CODEBOOK.theme("waiting-and-delay").label == "Waiting and delay"


def test_the_codebook_is_not_read_as_a_form():
    assert "themes" not in load_forms(PROJECT_ROOT / "forms")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("nobody told me what happens next and I felt ignored", ["being-heard", "understanding-the-plan"]),
        ("I waited three months and then it was cancelled", ["waiting-and-delay"]),
        ("Review DELAYED again", ["waiting-and-delay"]),
        ("why do i keep getting new social workers", ["change-of-worker"]),
        ("I want to see my mum more", ["family-contact"]),
        ("I had to get two buses", ["meeting-practicalities"]),
        ("Contact with birth families", ["family-contact"]),
        ("I didnae understand the big words", ["understanding-the-plan"]),
        ("i still dont no when i can see my son", ["understanding-the-plan", "family-contact"]),
        ("It was ok", []),
        ("", []),
        (None, []),
    ],
)
def test_suggestions(text, expected):
    assert suggest_themes(text, CODEBOOK) == expected


@pytest.mark.parametrize("text", ["I don't know", "I don’t know", "I dont know", "I DON'T KNOW"])
def test_apostrophes_and_case_do_not_matter(text):
    assert suggest_themes(text, CODEBOOK) == ["understanding-the-plan"]


@pytest.mark.parametrize("text", ["The classroom was nice", "Madame Curie", "contactless card", "a plant"])
def test_keywords_match_whole_words_only(text):
    assert suggest_themes(text, CODEBOOK) == []


def test_suggestions_come_once_each_in_codebook_order():
    text = "Still waiting, still waiting, my new worker keeps changing and nobody listened"
    assert suggest_themes(text, CODEBOOK) == ["being-heard", "waiting-and-delay", "change-of-worker"]


def test_an_edited_codebook_suggests_its_own_themes():
    edited = parse_codebook(
        codebook(
            school=theme(label="School", description="Missing school for meetings.", keywords=["school", "missed class*"]),
            waiting=theme(),
        )
    )
    assert suggest_themes("I missed classes and school for it, then waited", edited) == ["school", "waiting"]
    assert suggest_themes("Schools", edited) == ["school"]
    assert suggest_themes("schoolbag", edited) == []


@pytest.mark.parametrize(
    "document, expected",
    [
        (codebook(waiting=theme(label="")), "theme 'waiting': field 'label' must be some words"),
        (codebook(waiting={"label": "Waiting", "keywords": ["wait"]}), "theme 'waiting': field 'description'"),
        (codebook(waiting=theme(keywords=[])), "theme 'waiting': field 'keywords' must be a list"),
        (codebook(waiting=theme(keywords="wait")), "theme 'waiting': field 'keywords' must be a list"),
        (codebook(waiting=theme(keywords=["*wait"])), "theme 'waiting': field 'keywords': '*wait'"),
        (codebook(waiting=theme(keywords=["wa*it"])), "theme 'waiting': field 'keywords': 'wa*it'"),
        (codebook(waiting=theme(keywords=["a*"])), "theme 'waiting': field 'keywords': 'a*': a stem needs at least 3"),
        (codebook(waiting=theme(keywords=["wait", None])), "theme 'waiting': field 'keywords': must be a word"),
        (codebook(waiting=theme(colour="red")), "theme 'waiting': unknown field 'colour'"),
        (codebook(Waiting_Time=theme()), "theme 'Waiting_Time': a key is lower-case"),
        (codebook(waiting=["wait"]), "theme 'waiting': must have the fields label, description, keywords"),
        ({"themes": {}}, "`themes` must map"),
        ({"waiting": theme()}, "one mapping, `themes:`"),
        (["wait"], "one mapping, `themes:`"),
    ],
)
def test_a_wrong_codebook_is_refused_naming_the_theme_and_field(document, expected):
    with pytest.raises(ThemeCodebookError) as caught:
        parse_codebook(document)
    assert expected in str(caught.value)
    assert str(caught.value).startswith("themes.yaml: ")


def test_every_problem_is_named_at_once():
    with pytest.raises(ThemeCodebookError) as caught:
        parse_codebook(codebook(waiting=theme(label=""), heard=theme(keywords=[])))
    assert len(caught.value.problems) == 2


def test_a_file_that_is_not_yaml_or_not_there_is_refused_clearly(tmp_path):
    broken = tmp_path / "themes.yaml"
    broken.write_text("themes:\n  waiting: [unclosed\n", encoding="utf-8")
    with pytest.raises(ThemeCodebookError, match=r"themes.yaml: not valid YAML at line \d"):
        load_codebook(broken)
    with pytest.raises(ThemeCodebookError, match="missing.yaml: cannot be read"):
        load_codebook(tmp_path / "missing.yaml")


def test_a_file_round_trips(tmp_path):
    path = tmp_path / "themes.yaml"
    path.write_text(yaml.safe_dump(codebook(waiting=theme())), encoding="utf-8")
    assert load_codebook(path).keys() == ["waiting"]
