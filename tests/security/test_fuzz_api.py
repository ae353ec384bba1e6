"""schemathesis against the app's own /api/v1/openapi.json (issue 12, item 6):
every operation in it, in-process through the Flask app, with staff API
tokens so that operations get past 401, valid and schema-breaking inputs.

Checks on every reply: no 5xx; the status is one the document lists; the
reply's content type and body match the document. Schema-breaking input must
be refused (4xx), except where LENIENT says why not (POST /api/v1/responses
answers a bad item in its per-item result, docs/sync.md).

Inputs are steered half the time onto real data (the area's code, a real
form, live survey links, answers valid for their form) so the fuzzer reaches
the code behind the 404s. After the run: a normal sync still works, and every
stored response is what its form allows (an accepted one re-validates and its
answer rows are those the form makes; a quarantined one has its problems and
no counted answers).

SQLite only: the PostgreSQL write path is covered by tests/api with the same
items, and the fuzz run's time budget is spent on inputs instead."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta, timezone

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from pace_forms.accounts.services import create_api_token, create_user
from pace_forms.extensions import db
from pace_forms.forms.catalogue import current_forms, definition_of
from pace_forms.forms.definitions import validate_answers
from pace_forms.invitations.services import create_invitation, find_or_create_area, find_or_create_child, find_or_create_review
from pace_forms.models import FormVersion, Response, utc_now
from pace_forms.push.keys import make_vapid_keys
from pace_forms.responses.recording import answer_rows
from pace_forms.responses.sealing import make_key, seal_item
from tests.evidence import tally
from tests.security.answer_strategies import valid_answers

pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")
AREA = "FUZZ"
# Examples per operation and generation mode; the one write path of answers gets more.
EXAMPLES = 40
MORE = {"postResponses": 100}
LINKS_PER_FORM = 4
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# Operations that answer schema-breaking input with 200 on purpose, and why.
LENIENT = {
    "postResponses": "a bad item is answered in its own result (rejected or quarantined), so one bad item never sinks a batch",
    "unsubscribePush": "ending a subscription reads only its endpoint and is idempotent: an address that is no subscription ends nothing",
}


@pytest.fixture
def sealing_key(tmp_path):
    return make_key(tmp_path / "sealing-keys", utc_now())


@pytest.fixture
def fuzz_app(app_with, tmp_path, sealing_key):
    """Sealing and push set up, so their operations answer with their content, not 503/404."""
    vapid = make_vapid_keys()
    return app_with("sqlite", SEALING_KEYS_DIR=str(tmp_path / "sealing-keys"), VAPID_PRIVATE_KEY=vapid.private_key,
                    VAPID_PUBLIC_KEY=vapid.public_key, VAPID_SUBJECT="mailto:fuzz@example.org")


@pytest.fixture
def world(fuzz_app, sealing_key):
    """An area with a review and unanswered links for every form; an admin,
    a worker (duty contact) and a consultant of the area, each with a token."""
    with fuzz_app.app_context():
        area = find_or_create_area(AREA, "Fuzz Council")
        review = find_or_create_review(find_or_create_child(area, "F-1", "8-11"), utc_now().date() - timedelta(days=1), "later")
        links = []
        for form in current_forms().values():
            for _ in range(LINKS_PER_FORM):
                links.append((create_invitation(review, form.audience, form.key, valid_days=28).token, form.key, form.version))
        tokens = {}
        for role, areas, duty in (("admin", [], False), ("worker", [AREA], True), ("consultant", [AREA], False)):
            user = create_user(f"{role}@fuzz.example", role, areas, "correct horse battery", duty_contact=duty)
            tokens[role] = create_api_token(user, "fuzzing", utc_now()).secret
        db.session.commit()
        fresh = create_invitation(review, "parent", "parent-review", valid_days=28).token
        db.session.commit()
        return {"links": links, "tokens": tokens, "fresh_link": fresh, "review_day": review.held_on, "forms": dict(current_forms()),
                "seal": lambda item: seal_item(item, sealing_key.kid, sealing_key.private_key.public_key())}


def api_routes(app) -> set[tuple[str, str]]:
    return {
        (method, re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule))
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def operations(app):
    """The document's operations, sent to the app in-process. Loaded from the
    document's content (as from_wsgi would fetch it), because schemathesis
    leaves out the operation at the address it loaded a schema from, and
    GET /api/v1/openapi.json is an operation to fuzz too."""
    with app.test_client() as client:
        schema = schemathesis.openapi.from_dict(client.get("/api/v1/openapi.json").get_json())
    schema.app = app
    return [result.ok() for result in schema.get_all_operations()]


def steer(case, data, world) -> None:
    """Moves a generated case onto real data, so it gets past the 404s."""
    path = case.path_parameters or {}
    if "code" in path:
        path["code"] = AREA
    if "key" in path:
        path["key"] = data.draw(st.sampled_from(sorted(world["forms"])))
    body = case.body
    if case.operation.definition.raw.get("operationId") == "postResponses" and isinstance(body, dict) and isinstance(body.get("responses"), list):
        for index, item in enumerate(body["responses"]):
            if isinstance(item, dict) and "sealed" not in item:
                token, key, version = data.draw(st.sampled_from(world["links"]))
                when = world["review_day"] + timedelta(days=data.draw(st.integers(0, 2)))
                item.update(invitation=token, form=key, form_version=version, submitted_at=f"{when.isoformat()}T12:00:00+00:00")
                item.pop("review", None)
                if data.draw(st.booleans()):
                    item["answers"] = data.draw(valid_answers(world["forms"][key]))
                if isinstance(item.get("id"), str) and data.draw(st.booleans()):
                    # As kiosk mode's devices send it: sealed with the server's key.
                    body["responses"][index] = world["seal"](item)


def has_inputs(operation) -> bool:
    raw = operation.definition.raw
    return bool(raw.get("parameters") or raw.get("requestBody"))


def test_every_api_route_is_an_operation_of_the_document(fuzz_app):
    """The fuzzer reaches every /api/ route only if the document lists it."""
    documented = {(operation.method.upper(), operation.path) for operation in operations(fuzz_app)}
    missing = api_routes(fuzz_app) - documented
    assert not missing, "API routes missing from pace_forms/sync/openapi.py: " + ", ".join(f"{m} {p}" for m, p in sorted(missing))


def test_fuzzing_every_operation_finds_no_server_error_and_nothing_invalid_stored(fuzz_app, world):
    ran = {"cases": 0}
    fuzzed = set()
    for operation in operations(fuzz_app):
        operation_id = operation.definition.raw["operationId"]
        checks = CHECKS + ([] if operation_id in LENIENT else [negative_data_rejection])
        modes = [GenerationMode.POSITIVE] + ([GenerationMode.NEGATIVE] if has_inputs(operation) else [])
        for mode in modes:

            @settings(max_examples=MORE.get(operation_id, EXAMPLES), derandomize=True, database=None, deadline=None,
                      suppress_health_check=list(HealthCheck))
            @given(case=operation.as_strategy(generation_mode=mode), who=st.sampled_from(["admin", "worker", "consultant"]),
                   real=st.booleans(), data=st.data())
            def fuzz(case, who, real, data):
                if real:
                    steer(case, data, world)
                headers = {"Authorization": f"Bearer {world['tokens'][who]}"}
                reply = case.call(headers=headers)
                ran["cases"] += 1
                case.validate_response(reply, checks=checks, headers=headers)

            fuzz()
        fuzzed.add((operation.method.upper(), operation.path))
    assert fuzzed == api_routes(fuzz_app)
    tally("API fuzzing", inputs=ran["cases"], server_errors=0)

    # The server still answers: a normal sync of a valid item is stored.
    item = {"id": str(uuid.uuid4()), "form": "parent-review", "form_version": world["forms"]["parent-review"].version,
            "invitation": world["fresh_link"], "submitted_at": datetime.now(timezone.utc).isoformat(), "locale": "en-GB",
            "answers": {"overall": 4, "comment": "Fine."}}
    reply = fuzz_app.test_client().post("/api/v1/responses", json={"responses": [item]})
    assert reply.status_code == 200 and reply.json["results"][0]["status"] == "created", reply.json

    accepted, quarantined = stored_responses_hold_to_their_forms(fuzz_app)
    # The run reached the write path both ways (steered items with valid answers count).
    assert accepted > 1 and quarantined > 0, (accepted, quarantined)
    tally("API fuzzing", responses_accepted=accepted, responses_quarantined=quarantined, accepted_invalid=0)


def stored_responses_hold_to_their_forms(app) -> tuple[int, int]:
    """Every Response row re-validated with the app's own rules: an accepted
    one's answers are valid for its form version and its answer rows are
    exactly those the form makes of them; a quarantined one says why and
    counts no answers. Returns (accepted, quarantined)."""
    counts = {"accepted": 0, "quarantined": 0}
    wrong = []
    with app.app_context():
        rows = db.session.execute(db.select(Response).options(db.selectinload(Response.answers))).scalars().all()
        for row in rows:
            counts[row.status] = counts.get(row.status, 0) + 1
            stored = sorted((answer.question_key, answer.value_number, answer.value_text, answer.is_positive) for answer in row.answers)
            if row.status == "quarantined":
                if not row.problems or stored:
                    wrong.append(f"{row.id}: quarantined with problems {row.problems} and {len(stored)} counted answers")
                continue
            version = db.session.get(FormVersion, row.form_version_id) if row.form_version_id else None
            if version is None:
                wrong.append(f"{row.id}: {row.status} without a known form version")
                continue
            form = definition_of(version)
            values, problems = validate_answers(form, row.raw.get("answers"))
            expected = sorted((answer["question_key"], answer["value_number"], answer["value_text"], answer["is_positive"])
                              for answer in answer_rows(row.id, form, values))
            if problems or row.problems or stored != expected:
                wrong.append(f"{row.id}: {row.status} but {problems or row.problems or 'its answer rows differ from its answers'}")
        db.session.remove()
    assert not wrong, "\n".join(wrong[:20])
    return counts["accepted"], counts["quarantined"]
