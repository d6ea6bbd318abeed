#!/usr/bin/env python3
"""Time python-jsonschema validating one payload against the official DIP schema, fairly.

    python3 ci/python_validation_time.py --spec ../shared/dip-api-documentation \
        --interface IF-021 --event '[ActivePower]' --message payload.json [--seconds 2]

Loads Elexon's unresolved YAML as `official_agreement.py` does, chooses the schema of the
interface and event the same way, and resolves it into ONE document (every `$ref` inlined),
so no reference is looked up while validating. The `Draft202012Validator` is built once;
only `validator.validate(payload)` is timed, after 20 warm-up calls, in batches of 20 until
`--seconds` have passed. The payload must be valid (so `validate` walks all of it).

Prints one line of JSON: {"schema", "iterations", "median_us", "min_us"}, the median and
the fastest of the batch means, in microseconds per message. Exit status 2 when the spec
cannot be read or the payload is invalid.
"""
import argparse
import json
import statistics
import sys
import time

from official_agreement import (Draft202012Validator, build_registry, load_spec,
                                payload_target, resolved_schema)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--spec", required=True)
    ap.add_argument("--interface", required=True)
    ap.add_argument("--event", required=True)
    ap.add_argument("--message", required=True, help="a JSON file holding one payload")
    ap.add_argument("--seconds", type=float, default=2.0)
    a = ap.parse_args()
    try:
        docs = load_spec(a.spec)
    except OSError as e:
        print("cannot read the spec folder: %s" % e, file=sys.stderr)
        return 2
    uri, label = payload_target(docs, a.interface, a.event)
    if uri is None:
        print(label, file=sys.stderr)
        return 2
    validator = Draft202012Validator(resolved_schema(build_registry(docs), uri))
    with open(a.message, encoding="utf-8") as fh:
        payload = json.load(fh)
    errors = list(validator.iter_errors(payload))
    if errors:
        print("the payload is invalid: %s" % errors[0].message, file=sys.stderr)
        return 2
    batch = 20
    for _ in range(batch):
        validator.validate(payload)
    means = []
    started = time.perf_counter()
    while not means or time.perf_counter() - started < a.seconds:
        t = time.perf_counter()
        for _ in range(batch):
            validator.validate(payload)
        means.append((time.perf_counter() - t) / batch * 1e6)
    print(json.dumps({"schema": label, "iterations": batch * len(means),
                      "median_us": statistics.median(means), "min_us": min(means)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
