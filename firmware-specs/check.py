#!/usr/bin/env python3
"""Validates firmware-specs/examples against firmware-specs/schemas.

Every example that names a schema ("schema": "<name>" for schemas/<name>.schema.json) must get
the verdict it declares: "schema_valid" when present (for payloads the schema accepts but the
gateway refuses for another reason, such as clock_skew or kind_mismatch), else "valid".
The Swift test suite (Tests/DeviceIngestTests) feeds the same examples through the decoder,
so specs, schemas and code cannot drift apart.

Usage: python3 firmware-specs/check.py     (needs the jsonschema package)
Exit status is non-zero if any schema is malformed or any example gets the wrong verdict.
"""
import json
import pathlib
import sys

import jsonschema

HERE = pathlib.Path(__file__).resolve().parent
REQUIRED_KEYS = {"topic", "kind", "valid"}
PAYLOAD_KEYS = {"payload", "payload_text", "payload_hex"}


def load_schemas():
    schemas = {}
    for path in sorted((HERE / "schemas").glob("*.schema.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        jsonschema.Draft202012Validator.check_schema(schema)
        schemas[path.name.removesuffix(".schema.json")] = jsonschema.Draft202012Validator(schema)
    return schemas


def check_example(path, schemas):
    """Returns (verdict, problem): verdict is 'pass', 'fail' or 'skip'."""
    example = json.loads(path.read_text(encoding="utf-8"))
    missing = REQUIRED_KEYS - example.keys()
    if missing:
        return "fail", f"missing keys {sorted(missing)}"
    if len(PAYLOAD_KEYS & example.keys()) != 1:
        return "fail", "needs exactly one of payload, payload_text, payload_hex"
    if example["valid"] is False and not example.get("reject"):
        return "fail", "an invalid example must name its reject reason"
    name = example.get("schema")
    if name is None:
        return "skip", None
    if name not in schemas:
        return "fail", f"schema '{name}' does not exist"
    if "payload" not in example:
        return "fail", "a schema-checked example needs a JSON 'payload'"
    expected = example.get("schema_valid", example["valid"])
    errors = sorted(schemas[name].iter_errors(example["payload"]), key=lambda e: list(e.path))
    if bool(errors) == bool(expected):
        if expected:
            return "fail", f"expected valid against {name}: {errors[0].message}"
        return "fail", f"expected {name} to reject it, but it validates"
    return "pass", None


def main():
    try:
        schemas = load_schemas()
    except jsonschema.SchemaError as error:
        print(f"malformed schema: {error.message}")
        return 1
    counts = {"pass": 0, "fail": 0, "skip": 0}
    for path in sorted((HERE / "examples").glob("*.json")):
        try:
            verdict, problem = check_example(path, schemas)
        except json.JSONDecodeError as error:
            verdict, problem = "fail", f"not JSON: {error}"
        counts[verdict] += 1
        if problem:
            print(f"FAIL {path.name}: {problem}")
    print(f"{counts['pass']} passed, {counts['fail']} failed, {counts['skip']} without a schema "
          f"({len(schemas)} schemas)")
    return 1 if counts["fail"] else 0


if __name__ == "__main__":
    sys.exit(main())
