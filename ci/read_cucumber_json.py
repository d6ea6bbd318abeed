#!/usr/bin/env python3
"""Reads a Cucumber JSON file as its consumers do and prints what they see, as one JSON object.

    python3 ci/read_cucumber_json.py FILE

1. python-jsonschema validates it against ci/cucumber-json.schema.json (the format as
   cucumber-js and cucumber-jvm write it and Xray imports it);
2. multiple-cucumber-html-reporter (npm, ci/cucumber-reader/) renders it as HTML pages and
   decodes its JSON embeddings; what it counted and decoded is printed under "reader".

Exit status 1 when the file fails the schema or the reader cannot read it.
"""

import json
import os
import subprocess
import sys

from jsonschema import Draft202012Validator

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    path = sys.argv[1]
    with open(os.path.join(HERE, "cucumber-json.schema.json"), encoding="utf-8") as f:
        schema = json.load(f)
    Draft202012Validator.check_schema(schema)
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    errors = [
        f"/{'/'.join(str(p) for p in e.absolute_path)}: {e.message}"
        for e in Draft202012Validator(schema).iter_errors(doc)
    ]
    if errors:
        print("\n".join(errors[:20]), file=sys.stderr)
        print(f"{path}: {len(errors)} schema errors", file=sys.stderr)
        return 1
    reader = os.path.join(HERE, "cucumber-reader", "read.js")
    out = subprocess.run(["node", reader, path], capture_output=True, text=True, check=False)
    if out.returncode != 0:
        print(f"multiple-cucumber-html-reporter could not read {path}:", file=sys.stderr)
        print(out.stdout + out.stderr, file=sys.stderr)
        return 1
    print(json.dumps({"schema_errors": 0, "reader": json.loads(out.stdout)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
