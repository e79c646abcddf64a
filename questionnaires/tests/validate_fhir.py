#!/usr/bin/env python3
"""Validate Rugzak's FHIR JSON with an independent FHIR validator.

Usage: validate_fhir.py PATH...   (JSON files, or directories whose *.json files are checked)

Structure and datatypes are checked by the `fhir.resources` package (pydantic models generated
from the FHIR specification). Its newest releases carry R5 and R4B; R4B is FHIR 4.3, which for
Questionnaire, QuestionnaireResponse and Observation has the same elements as R4 (4.0.1), so its
R4B models are used. fhir.resources does not check required code bindings, so this script adds
the few that apply (status codes, item types), FHIR's invariants on linkIds, and checks each
QuestionnaireResponse against its Questionnaire when that is among the files (linkIds exist,
answer type fits the item type, chosen codes are options, required items are answered).

Exit status: 0 all valid; 1 some invalid; 2 usage; 3 fhir.resources missing.
"""

import json
import pathlib
import sys

PIP = 'python3 -m pip install "fhir.resources==8.3.0"'

try:
    from fhir.resources.R4B.observation import Observation
    from fhir.resources.R4B.questionnaire import Questionnaire
    from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
except ImportError as e:  # pragma: no cover - depends on the machine
    print(f"fhir.resources (R4B models) is not installed ({e}); install it with: {PIP}", file=sys.stderr)
    sys.exit(3)

MODELS = {
    "Questionnaire": Questionnaire,
    "QuestionnaireResponse": QuestionnaireResponse,
    "Observation": Observation,
}

# Required bindings in FHIR R4.
QUESTIONNAIRE_STATUS = {"draft", "active", "retired", "unknown"}
ITEM_TYPES = {"group", "display", "boolean", "decimal", "integer", "date", "dateTime", "time", "string",
              "text", "url", "choice", "open-choice", "attachment", "reference", "quantity"}
RESPONSE_STATUS = {"in-progress", "completed", "amended", "entered-in-error", "stopped"}
OBSERVATION_STATUS = {"registered", "preliminary", "final", "amended", "corrected", "cancelled",
                      "entered-in-error", "unknown"}
ANSWER_FIELD = {"choice": "valueCoding", "integer": "valueInteger", "decimal": "valueDecimal",
                "string": "valueString", "text": "valueString", "boolean": "valueBoolean"}


def walk(items):
    for item in items or []:
        yield item
        yield from walk(item.get("item"))


def check_questionnaire(q):
    problems = []
    if q.get("status") not in QUESTIONNAIRE_STATUS:
        problems.append(f"status {q.get('status')!r} is not a Questionnaire status")
    seen = set()
    for item in walk(q.get("item")):
        link = item.get("linkId")
        if link in seen:
            problems.append(f"linkId {link} occurs more than once (que-2)")
        seen.add(link)
        if item.get("type") not in ITEM_TYPES:
            problems.append(f"item {link}: type {item.get('type')!r} is not an item type")
        if item.get("type") == "group" and not item.get("item"):
            problems.append(f"item {link}: group without items (que-1)")
        if item.get("type") == "display" and (item.get("item") or item.get("required")):
            problems.append(f"item {link}: display item with items or required (que-6)")
        if item.get("answerOption") and item.get("type") not in ("choice", "open-choice"):
            problems.append(f"item {link}: answerOption on a non-choice item (que-5)")
    return problems


def check_response(r, questionnaires):
    problems = []
    if r.get("status") not in RESPONSE_STATUS:
        problems.append(f"status {r.get('status')!r} is not a QuestionnaireResponse status")
    url = (r.get("questionnaire") or "").split("|")[0]
    q = questionnaires.get(url)
    if q is None:
        return problems
    items = {i["linkId"]: i for i in walk(q.get("item"))}
    answered = set()
    for ri in walk(r.get("item")):
        link = ri.get("linkId")
        qi = items.get(link)
        if qi is None:
            problems.append(f"item {link} is not in {url}")
            continue
        if ri.get("answer") and ri.get("item"):
            problems.append(f"item {link}: both answer and item (qrs-1)")
        for answer in ri.get("answer") or []:
            answered.add(link)
            field = ANSWER_FIELD.get(qi.get("type"))
            if field is None or field not in answer:
                problems.append(f"item {link}: answer {sorted(answer)} does not fit type {qi.get('type')}")
                continue
            if qi.get("type") == "choice":
                codes = {o.get("valueCoding", {}).get("code") for o in qi.get("answerOption") or []}
                if answer[field].get("code") not in codes:
                    problems.append(f"item {link}: code {answer[field].get('code')!r} is not an option")
    if r.get("status") == "completed":
        for link, qi in items.items():
            if qi.get("required") and qi.get("type") not in ("group", "display") and link not in answered:
                problems.append(f"required item {link} is not answered")
    return problems


def check_observation(o):
    problems = []
    if o.get("status") not in OBSERVATION_STATUS:
        problems.append(f"status {o.get('status')!r} is not an Observation status")
    values = [k for k in o if k.startswith("value")]
    if not values and not o.get("component") and not o.get("dataAbsentReason"):
        problems.append("neither a value, components nor a dataAbsentReason")
    codes = [json.dumps(c.get("code"), sort_keys=True) for c in o.get("component") or []]
    if len(codes) != len(set(codes)):
        problems.append("two components share a code")
    return problems


def files(paths):
    for p in map(pathlib.Path, paths):
        if p.is_dir():
            yield from sorted(p.glob("*.json"))
        else:
            yield p


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    resources = []
    failures = 0
    for path in files(argv[1:]):
        try:
            resources.append((path, json.loads(path.read_text(encoding="utf-8"))))
        except (OSError, ValueError) as e:
            print(f"FAIL {path}: not readable JSON: {e}")
            failures += 1
    questionnaires = {r.get("url"): r for _, r in resources if r.get("resourceType") == "Questionnaire"}
    passed = 0
    for path, resource in resources:
        kind = resource.get("resourceType")
        model = MODELS.get(kind)
        if model is None:
            print(f"FAIL {path}: resourceType {kind!r} is not checked here")
            failures += 1
            continue
        problems = []
        try:
            model.model_validate(resource)
        except Exception as e:  # pydantic's ValidationError lists every problem
            problems.append(str(e).replace("\n", "\n    "))
        if kind == "Questionnaire":
            problems += check_questionnaire(resource)
        elif kind == "QuestionnaireResponse":
            problems += check_response(resource, questionnaires)
        else:
            problems += check_observation(resource)
        if problems:
            failures += 1
            print(f"FAIL {path} ({kind}):")
            for p in problems:
                print(f"    {p}")
        else:
            passed += 1
    print(f"fhir: {passed} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
