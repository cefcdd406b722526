#!/usr/bin/env python3
"""Checks topology files against topologies/schema.json (JSON Schema draft 2020-12).

Usage: check_schema.py SCHEMA --valid FILE... [--invalid FILE...]
Every --valid file must match the schema; every --invalid file must not (so that the
schema is shown to reject something, not to accept anything).
"""
import json
import sys

import jsonschema
import yaml


def main() -> int:
    schema_path, args = sys.argv[1], sys.argv[2:]
    with open(schema_path) as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    mode, failures, checked = None, 0, 0
    for arg in args:
        if arg in ("--valid", "--invalid"):
            mode = arg
            continue
        with open(arg) as f:
            document = yaml.safe_load(f)
        errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
        checked += 1
        if mode == "--valid" and errors:
            failures += 1
            for e in errors:
                print(f"{arg}: {'/'.join(map(str, e.path)) or '(top)'}: {e.message}")
        elif mode == "--invalid" and not errors:
            failures += 1
            print(f"{arg}: the schema accepts it, but it is invalid")
    print(f"{checked} files checked, {failures} failures")
    return 1 if failures or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
