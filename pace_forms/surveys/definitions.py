"""Survey definitions as data: load forms/*.yaml, check each against a schema
and the question types' own rules, and validate a set of answers against one.

Errors name the file, the question and the reason, so that a broken form fails
start-up with a message a form author can act on."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from pace_forms.surveys.question_types import QUESTION_TYPES, AnswerError, question_type

AUDIENCES = ("parent", "carer", "child-4-7", "child-8-11", "young-person", "worker")

COMMON_QUESTION_PROPERTIES: dict[str, Any] = {
    "key": {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,63}$"},
    "type": {"type": "string"},
    "text": {"type": "string", "minLength": 1},
    "hint": {"type": "string"},
    "say": {"type": "string"},
    "image": {"type": "string"},
    "required": {"type": "boolean"},
    "skip": {"type": "boolean"},
    "measure": {
        "type": "object",
        "required": ["code"],
        "additionalProperties": False,
        "properties": {
            "code": {"type": "string", "pattern": "^[A-Z]{2,8}$"},
            "positive": {"type": "array", "items": {"type": ["string", "integer"]}},
        },
    },
    "show_if": {
        "type": "object",
        "required": ["question"],
        "additionalProperties": False,
        "properties": {
            "question": {"type": "string"},
            "equals": {"type": ["string", "integer"]},
            "in": {"type": "array", "items": {"type": ["string", "integer"]}},
        },
    },
}

FORM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["key", "version", "title", "audience", "locale", "questions"],
    "additionalProperties": False,
    "properties": {
        "key": {"type": "string", "pattern": "^[a-z][a-z0-9-]{0,63}$"},
        "version": {"type": "integer", "minimum": 1},
        "title": {"type": "string", "minLength": 1},
        "intro": {"type": "string"},
        "thanks": {"type": "string"},
        "audience": {"enum": list(AUDIENCES)},
        "locale": {"type": "string", "pattern": "^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"},
        "translations": {"type": "object"},
        "questions": {"type": "array", "minItems": 1, "items": {"type": "object"}},
    },
}


class FormDefinitionError(ValueError):
    """One or more problems in form files; str() lists each on its own line."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class Question:
    key: str
    type: str
    text: str
    spec: Mapping[str, Any]

    @property
    def is_required(self) -> bool:
        return bool(self.spec.get("required", False))

    @property
    def measure_code(self) -> str | None:
        measure = self.spec.get("measure")
        return measure["code"] if measure else None

    @property
    def kind(self):
        return question_type(self.type)

    def options(self):
        return self.kind.options(self.spec)

    def is_shown(self, answers: Mapping[str, Any]) -> bool:
        condition = self.spec.get("show_if")
        if not condition:
            return True
        given = answers.get(condition["question"])
        if "equals" in condition:
            return given == condition["equals"]
        return given in condition.get("in", [])


@dataclass(frozen=True)
class FormDefinition:
    key: str
    version: int
    title: str
    audience: str
    locale: str
    questions: tuple[Question, ...]
    document: Mapping[str, Any] = field(repr=False)

    @property
    def content_hash(self) -> str:
        return content_hash(self.document)

    def question(self, key: str) -> Question | None:
        return next((question for question in self.questions if question.key == key), None)

    def to_public(self) -> dict[str, Any]:
        """The definition a device caches: every question with its answer values."""
        questions = []
        for question in self.questions:
            public = dict(question.spec)
            public["options"] = [
                {"value": option.value, "label": option.label, "neutral": option.is_neutral}
                for option in question.options()
            ]
            questions.append(public)
        document = {name: value for name, value in self.document.items() if name != "questions"}
        return {**document, "content_hash": self.content_hash, "questions": questions}


def content_hash(document: Mapping[str, Any]) -> str:
    """SHA-256 of the canonical JSON: comments and layout of the file do not count."""
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def parse_definition(document: Any, source: str = "<form>") -> FormDefinition:
    """Check one form document and build its definition, or raise with every problem."""
    if not isinstance(document, dict):
        raise FormDefinitionError([f"{source}: the file must hold a mapping (key: value pairs), not {type(document).__name__}"])
    problems = [
        f"{source}: {_where(error.absolute_path)}{error.message}"
        for error in sorted(jsonschema.Draft202012Validator(FORM_SCHEMA).iter_errors(document), key=lambda e: list(map(str, e.path)))
    ]
    questions: list[Question] = []
    seen: set[str] = set()
    listed = document.get("questions")
    # A non-list `questions` is reported by the schema above; do not iterate it.
    for index, raw in enumerate(listed if isinstance(listed, list) else [], start=1):
        if not isinstance(raw, dict):
            continue
        name = f"question {raw.get('key', '#' + str(index))!r}"
        kind_name = raw.get("type")
        if not isinstance(kind_name, str) or kind_name not in QUESTION_TYPES:
            problems.append(f"{source}: {name}: unknown type {kind_name!r} (one of: {', '.join(QUESTION_TYPES)})")
            continue
        kind = QUESTION_TYPES[kind_name]
        schema = {
            "type": "object",
            "required": ["key", "type", "text"],
            "additionalProperties": False,
            "properties": {**COMMON_QUESTION_PROPERTIES, **kind.properties},
        }
        if kind_name in {"choice", "multi"}:
            schema["required"] = [*schema["required"], "options"]
        errors = list(jsonschema.Draft202012Validator(schema).iter_errors(raw))
        problems.extend(f"{source}: {name}: {_where(error.absolute_path)}{error.message}" for error in errors)
        if errors:
            continue
        if raw["key"] in seen:
            problems.append(f"{source}: {name}: duplicate question key (each key may appear once)")
            continue
        condition = raw.get("show_if")
        if condition and condition["question"] not in seen:
            problems.append(f"{source}: {name}: show_if refers to {condition['question']!r}, which is not an earlier question")
        problems.extend(f"{source}: {name}: {problem}" for problem in kind.check_definition(raw))
        seen.add(raw["key"])
        questions.append(Question(key=raw["key"], type=kind_name, text=raw["text"], spec=raw))
    if problems:
        raise FormDefinitionError(problems)
    return FormDefinition(
        key=document["key"],
        version=document["version"],
        title=document["title"],
        audience=document["audience"],
        locale=document["locale"],
        questions=tuple(questions),
        document=document,
    )


def load_forms(directory: str | Path) -> dict[str, FormDefinition]:
    """Every forms/*.yaml (measures.yaml aside), checked; all problems at once."""
    forms: dict[str, FormDefinition] = {}
    problems: list[str] = []
    directory = Path(directory)
    paths = sorted(path for path in directory.glob("*.yaml") if path.name != "measures.yaml")
    if not paths:
        raise FormDefinitionError([f"{directory}: no form files (*.yaml) found"])
    for path in paths:
        source = f"forms/{path.name}"
        try:
            document = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError) as error:
            problems.append(f"{source}: not valid YAML: {error}")
            continue
        try:
            form = parse_definition(document, source)
        except FormDefinitionError as error:
            problems.extend(error.problems)
            continue
        if path.stem != form.key:
            problems.append(f"{source}: key {form.key!r} does not match the file name (expected {path.stem!r})")
        elif form.key in forms:
            problems.append(f"{source}: key {form.key!r} is defined twice")
        else:
            forms[form.key] = form
    if problems:
        raise FormDefinitionError(problems)
    return forms


def check_versions_bumped(forms: Mapping[str, FormDefinition], published: Mapping[tuple[str, int], str]) -> list[str]:
    """Problems where a form's content changed but its version did not.

    ``published`` maps (key, version) to the content hash already recorded."""
    problems = []
    for form in forms.values():
        recorded = published.get((form.key, form.version))
        if recorded is not None and recorded != form.content_hash:
            problems.append(
                f"forms/{form.key}.yaml: version {form.version} was already published with different content; "
                f"a changed form needs a new version (set version: {form.version + 1})"
            )
    return problems


def validate_answers(form: FormDefinition, answers: Any) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """Coerce answers to their stored values; return them with every problem found.

    Problems are ``{"field": "answers.<key>", "message": ...}`` so that clients
    and pages can point at the question."""
    if not isinstance(answers, dict):
        return {}, [{"field": "answers", "message": "must be an object of question key to answer"}]
    values: dict[str, Any] = {}
    problems: list[dict[str, str]] = []
    for key in answers:
        if form.question(key) is None:
            problems.append({"field": f"answers.{key}", "message": f"no question {key!r} in {form.key} version {form.version}"})
    for question in form.questions:
        raw = answers.get(question.key)
        # Blank text is no answer: a required question is not answered by spaces.
        if raw is None or (isinstance(raw, str) and not raw.strip()) or raw == []:
            if question.is_required and question.is_shown(values):
                problems.append({"field": f"answers.{question.key}", "message": "an answer is needed"})
            continue
        if not question.is_shown(values):
            problems.append({"field": f"answers.{question.key}", "message": "was answered but is not shown for the earlier answers"})
            continue
        try:
            values[question.key] = question.kind.coerce(question.spec, raw)
        except AnswerError as error:
            problems.append({"field": f"answers.{question.key}", "message": str(error)})
    return values, problems


def _where(path) -> str:
    parts = [str(part) for part in path]
    return f"{'.'.join(parts)}: " if parts else ""
