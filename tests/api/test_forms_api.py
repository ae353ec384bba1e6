"""GET /api/v1/forms...: the definitions a device caches to fill a form offline,
old versions included; and the OpenAPI description of the API."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from openapi_spec_validator import validate

from pace_forms import create_app
from pace_forms.config import PROJECT_ROOT
from pace_forms.extensions import db
from pace_forms.forms import catalogue
from pace_forms.forms.definitions import FormDefinitionError, load_forms
from tests.conftest import PARENT_FORM_VERSION

PARENT_FORM = load_forms(PROJECT_ROOT / "forms")["parent-review"]


def test_forms_list_names_parent_review_with_version_and_content_hash(client):
    reply = client.get("/api/v1/forms")

    assert reply.status_code == 200
    forms = {form["key"]: form for form in reply.json["forms"]}
    parent = forms["parent-review"]
    assert parent["version"] == PARENT_FORM_VERSION
    assert parent["title"] == PARENT_FORM.title == "Your say about the review"
    assert parent["audience"] == "parent"
    assert len(parent["content_hash"]) == 64
    assert parent["url"] == "/api/v1/forms/parent-review"


def test_a_form_lists_every_question_with_its_answer_values(client):
    reply = client.get("/api/v1/forms/parent-review")

    assert reply.status_code == 200
    form = reply.json
    assert (form["key"], form["version"]) == ("parent-review", PARENT_FORM_VERSION)
    questions = {question["key"]: question for question in form["questions"]}
    assert list(questions) == [question.key for question in PARENT_FORM.questions]
    assert [question["text"] for question in form["questions"]] == [question.text for question in PARENT_FORM.questions]
    # In words, not faces (issue 8): how fairly they were treated.
    assert questions["overall"]["text"] == "Overall, how fairly were you treated?"
    assert [option["label"] for option in questions["overall"]["options"]][:5] == ["Very unfairly", "Unfairly", "Neither fairly nor unfairly", "Fairly", "Very fairly"]
    assert [option["value"] for option in questions["overall"]["options"]] == [1, 2, 3, 4, 5, "not_sure", "prefer_not"]
    assert [option["value"] for option in questions["understood_plan"]["options"]] == [1, 2, 3, 4, 5, "not_sure", "prefer_not"]
    not_sure = questions["knows_next"]["options"][5]
    assert (not_sure["label"], not_sure["neutral"]) == ("Not sure", True)
    assert questions["comment"]["options"] == []
    assert questions["comment"]["max_length"] == 2000


def test_the_listed_content_hash_is_the_forms(client):
    listed = {form["key"]: form["content_hash"] for form in client.get("/api/v1/forms").json["forms"]}

    assert client.get("/api/v1/forms/parent-review").json["content_hash"] == listed["parent-review"]


def test_a_named_version_is_served(client):
    current = client.get("/api/v1/forms/parent-review").json

    reply = client.get(f"/api/v1/forms/parent-review?version={PARENT_FORM_VERSION}")

    assert reply.status_code == 200
    assert reply.json == current


@pytest.mark.parametrize("version", ["99", "0", "99999999999999999999"])
def test_an_unknown_version_is_a_json_404(client, version):
    reply = client.get(f"/api/v1/forms/parent-review?version={version}")

    assert reply.status_code == 404
    assert reply.mimetype == "application/json"
    assert reply.json["error"]["code"] == "not_found"
    assert f"version {version}" in reply.json["error"]["message"]


@pytest.mark.parametrize("version", ["abc", "1.0", "-1", "", " 1", "%C2%B2"], ids=["word", "fraction", "negative", "empty", "space", "superscript-two"])
def test_a_version_that_is_not_a_whole_number_is_a_json_400(client, version):
    reply = client.get(f"/api/v1/forms/parent-review?version={version}")

    assert reply.status_code == 400
    assert reply.mimetype == "application/json"
    assert reply.json["error"]["where"] == "version"
    assert "whole number" in reply.json["error"]["message"]


def test_an_unknown_form_is_a_json_404(client):
    reply = client.get("/api/v1/forms/no-such-form")

    assert reply.status_code == 404
    assert reply.mimetype == "application/json"
    assert "'no-such-form'" in reply.json["error"]["message"]


def test_openapi_document_is_valid_and_documents_responses(client):
    reply = client.get("/api/v1/openapi.json")

    assert reply.status_code == 200
    document = reply.json
    validate(document)
    post = document["paths"]["/api/v1/responses"]["post"]
    assert {"200", "400", "413", "415"} <= set(post["responses"])
    assert document["components"]["schemas"]["Batch"]["properties"]["responses"]["maxItems"] == 100
    assert set(document["components"]["schemas"]["Result"]["properties"]["status"]["enum"]) == {
        "created",
        "duplicate",
        "conflict",
        "quarantined",
        "rejected",
    }
    assert "/api/v1/forms/{key}" in document["paths"]


# A new version of a form, published while devices still hold the old one.

NEW_VERSION = PARENT_FORM_VERSION + 1


@pytest.fixture
def forms_with_a_newer_parent_review(tmp_path) -> Path:
    """A forms directory where parent-review is one version newer than the
    repository's (which the `app` fixture has already published), with a new
    question: the repository's version is now the older one."""
    directory = tmp_path / "forms"
    shutil.copytree(PROJECT_ROOT / "forms", directory)
    path = directory / "parent-review.yaml"
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert "felt_safe" not in [question["key"] for question in document["questions"]]
    document["version"] = NEW_VERSION
    document["questions"].append({"key": "felt_safe", "type": "yes_no", "text": "Did you feel safe?"})
    # A translation that claims to be complete must cover the new question too.
    for translation in document.get("translations", {}).values():
        if translation.get("complete"):
            translation.setdefault("questions", {})["felt_safe"] = {
                "text": "Czy spotkanie było dla Ciebie bezpieczne?",
                "options": {"yes": "Tak", "not_sure": "Trudno powiedzieć", "no": "Nie"},
            }
    path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return directory


@pytest.fixture
def app_with_newer_form(app, forms_with_a_newer_parent_review):
    """The same database (holding the repository's version), served by an app
    whose forms are one version newer."""
    new = create_app(
        {
            **{key: app.config[key] for key in ("TESTING", "DATABASE_URL", "SECRET_KEY")},
            "FORMS_DIR": str(forms_with_a_newer_parent_review),
        }
    )
    yield new
    with new.app_context():
        db.session.remove()
        db.engine.dispose()


def test_old_versions_stay_served_and_accepted_after_a_new_version(app_with_newer_form, make_invitation, make_item):
    client = app_with_newer_form.test_client()

    current = client.get("/api/v1/forms/parent-review").json
    old = client.get(f"/api/v1/forms/parent-review?version={PARENT_FORM_VERSION}").json
    assert (current["version"], old["version"]) == (NEW_VERSION, PARENT_FORM_VERSION)
    assert "felt_safe" in [question["key"] for question in current["questions"]]
    assert "felt_safe" not in [question["key"] for question in old["questions"]]

    # A phone filled the older version offline and sends it after the new one went live.
    filled_offline = make_item(make_invitation(child="C-1"), form_version=PARENT_FORM_VERSION)
    filled_on_new = make_item(make_invitation(child="C-2"), form_version=NEW_VERSION, answers={"overall": 5, "felt_safe": "yes"})
    old_with_new_question = make_item(make_invitation(child="C-3"), form_version=PARENT_FORM_VERSION, answers={"felt_safe": "yes"})
    reply = client.post("/api/v1/responses", json={"responses": [filled_offline, filled_on_new, old_with_new_question]})

    assert [result["status"] for result in reply.json["results"]] == ["created", "created", "quarantined"]
    assert reply.json["results"][2]["errors"][0]["field"] == "answers.felt_safe"


def test_a_changed_form_with_the_same_version_stops_start_up(app, tmp_path):
    directory = tmp_path / "forms"
    shutil.copytree(PROJECT_ROOT / "forms", directory)
    path = directory / "parent-review.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("Your say about the review", "Your say"), encoding="utf-8")

    app.config["FORMS_DIR"] = str(directory)

    # The start-up step of create_app(), on the test app so that its
    # database connections are closed with it.
    with pytest.raises(FormDefinitionError) as caught:
        catalogue.init_app(app)

    message = str(caught.value)
    assert "forms/parent-review.yaml" in message
    assert f"set version: {PARENT_FORM_VERSION + 1}" in message


def test_a_form_can_be_fetched_in_one_of_its_languages(client):
    reply = client.get("/api/v1/forms/parent-review?lang=pl")
    assert reply.status_code == 200
    body = reply.get_json()
    assert body["language"] == "pl"
    assert body["title"] == "Twoje zdanie o spotkaniu"
    assert "pl" in body["languages"]
    understood = next(question for question in body["questions"] if question["key"] == "understood_plan")
    labels = {option["value"]: option["label"] for option in understood["options"]}
    assert labels[1] != "Strongly disagree"


def test_a_language_the_form_lacks_is_a_json_404_naming_the_languages(client):
    reply = client.get("/api/v1/forms/parent-review?lang=xx")
    assert reply.status_code == 404
    assert "en-GB" in reply.get_json()["error"]["message"]


def test_every_api_route_is_in_the_openapi_document(app, client):
    """So a script writer (and a fuzzer) can find every operation."""
    documented = {(method.upper(), path) for path, operations in client.get("/api/v1/openapi.json").json["paths"].items() for method in operations}
    served = {
        (method, re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule))
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/") and rule.rule != "/api/v1/openapi.json"
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert served - documented == set()
