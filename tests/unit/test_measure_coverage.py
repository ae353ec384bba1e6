"""Every balancing measure (B1-B8) and process measure P4 of DOMAIN.md can be
computed from the shipped forms: each respondent type a measure counts has a
form that asks the construct codes feeding it. The table is written here, from
the design notes' DOMAIN.md "Balancing measures" (not read from it: the
test runs from the repository), and forms/measures.yaml must say the same.
No Flask."""

from __future__ import annotations

import pytest
import yaml

from pace_forms.config import PROJECT_ROOT
from pace_forms.forms.definitions import load_forms

FORMS_DIR = PROJECT_ROOT / "forms"
CHILDREN = ("child-4-7", "child-8-11", "young-person")

# DOMAIN.md "Balancing measures": measure -> (codes, audiences whose forms
# feed it, whether each form needs all the codes or any of them).
# B4 is pooled over the child forms ("shown by age band too"); B8 reads the
# free text of every form that has it (the young child's form has none: the
# adult helping writes nothing down for a 4-7 year old since version 3).
DOMAIN_MEASURES = {
    "B1": ({"HEARD"}, ("parent",), "all"),
    "B2": ({"UNDER", "WHY"}, ("parent",), "all"),
    "B3": ({"PREP"}, ("carer",), "all"),
    "B4": ({"SAY", "HEARD"}, CHILDREN, "any"),
    "B5": ({"NEXT"}, CHILDREN, "all"),
    "B6": ({"TIME"}, ("worker",), "all"),
    "B7": ({"CONF"}, ("worker",), "all"),
    "B8": ({"TXT"}, ("parent", "carer", "child-8-11", "young-person", "worker"), "all"),
    "P4": ({"CHILDV"}, ("carer", "worker"), "all"),
}


def codes_by_audience() -> dict[str, list[str]]:
    """Each audience's current form: its construct codes, one per item."""
    forms = load_forms(FORMS_DIR)
    return {form.audience: [question.measure_code for question in form.questions if question.measure_code] for form in forms.values()}


def gaps(measures: dict, asked: dict[str, list[str]]) -> list[str]:
    problems = []
    for measure, (codes, audiences, each_form) in measures.items():
        for audience in audiences:
            has = set(asked.get(audience, [])) & codes
            if audience not in asked:
                problems.append(f"{measure}: no form for {audience}")
            elif each_form == "all" and has != codes:
                problems.append(f"{measure}: the {audience} form lacks {sorted(codes - has)}")
            elif each_form == "any" and not has:
                problems.append(f"{measure}: the {audience} form asks none of {sorted(codes)}")
        if each_form == "any":
            pooled = {code for audience in audiences for code in asked.get(audience, [])} & codes
            if pooled != codes:
                problems.append(f"{measure}: no {sorted(codes - pooled)} on any of the {', '.join(audiences)} forms")
    return problems


def test_every_balancing_measure_and_p4_can_be_computed_from_the_shipped_forms():
    assert gaps(DOMAIN_MEASURES, codes_by_audience()) == []


def test_a_form_losing_a_code_is_a_gap():
    asked = codes_by_audience()
    asked["parent"] = [code for code in asked["parent"] if code != "WHY"]
    del asked["carer"]

    assert gaps(DOMAIN_MEASURES, asked) == [
        "B2: the parent form lacks ['WHY']",
        "B3: no form for carer",
        "B8: no form for carer",
        "P4: no form for carer",
    ]


@pytest.mark.parametrize("audience", sorted({audience for _, audiences, _ in DOMAIN_MEASURES.values() for audience in audiences}))
def test_one_code_means_one_idea_on_each_form(audience):
    # B4 would count a child twice if two items shared SAY (issue 8).
    asked = codes_by_audience()[audience]

    assert sorted(code for code in set(asked) if asked.count(code) > 1) == []


def test_non_attenders_can_be_seen_apart_on_every_adult_form_and_the_forms_of_children_8_and_over():
    asked = codes_by_audience()

    for audience in ("parent", "carer", "worker", "child-8-11", "young-person"):
        assert "ATTEND" in asked[audience], audience


def test_measures_yaml_says_what_domain_md_says():
    written = yaml.safe_load((FORMS_DIR / "measures.yaml").read_text(encoding="utf-8"))

    for measure, (codes, audiences, each_form) in DOMAIN_MEASURES.items():
        entry = written[measure]
        assert set(entry["codes"]) == codes, measure
        assert set(entry["audiences"]) == set(audiences), measure
        assert entry["each_form"] == each_form, measure
    assert {"P2", "P3"} <= set(written), "the process measures counted from invitations are listed too"
    assert gaps({key: (set(value["codes"]), value.get("audiences", ()), value.get("each_form", "all")) for key, value in written.items()}, codes_by_audience()) == []
