#!/usr/bin/env python3
"""Check that our examples get the same verdict from the official DIP schema as from ours.

    python3 ci/official_agreement.py --spec ../shared/dip-api-documentation --examples schemas/examples

Loads Elexon's unresolved OpenAPI 3.0 YAML files at run time (nothing of them is stored in
this repository), turns their schemas into JSON Schema 2020-12 (OpenAPI `nullable: true`
becomes a "null" type and a null enum member; `$ref` siblings are dropped as OpenAPI 3.0
ignores them), resolves their `$ref`s locally and checks:

  examples/valid/*.json         every message VALID against the official schema
  examples/rule-invalid/*.json  every message VALID (they break business rules only)
  examples/invalid/*.json       every message INVALID

Each example is checked against the official `DIPMessageArray` (the body of
POST /dip-channel/{id}) and against the payload schema of its interface: the variant of
`IF-nnn-Payload` whose S0 eventCode enum holds the example's eventCode, or the whole
`IF-nnn-Payload` when no single variant does. The interface is taken from the file name
(`IF-031-MSApp--what.json` -> IF-031), as the channel URL would give it.

Prints one line per example and `N passed, M failed`. Exit status: 0 all agree, 1 some
disagree, 2 the spec folder is not readable. Needs PyYAML and jsonschema 4.18+ (referencing).
"""
import argparse
import copy
import glob
import json
import os
import sys

try:
    import yaml
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012
    from referencing.exceptions import NoSuchResource
except ImportError as e:  # pragma: no cover
    print("missing dependency: %s (pip install pyyaml 'jsonschema>=4.18')" % e, file=sys.stderr)
    sys.exit(2)

RAW_BASE = "https://raw.githubusercontent.com/elexon-data/dip-api-documentation/main/"
INTERFACES_FILE = "Interfaces-EventCodes-unresolved.yaml"
SUBMIT_FILE = "SubmitEvents-unresolved.yaml"
REQUIRED_FILES = [INTERFACES_FILE, SUBMIT_FILE, "RealCommonBlocks-unresolved.yaml",
                  "DataTypes-unresolved.yaml", "DataCatalogue-unresolved.yaml"]


# --------------------------------------------------------------------------------------
# OpenAPI 3.0 -> JSON Schema 2020-12
# --------------------------------------------------------------------------------------
def convert(node):
    """Return a JSON Schema 2020-12 version of an OpenAPI 3.0 (sub)document."""
    if isinstance(node, list):
        return [convert(x) for x in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node and isinstance(node["$ref"], str):
        # OpenAPI 3.0: properties next to a $ref are ignored
        return {"$ref": node["$ref"]}
    out = {}
    for k, v in node.items():
        if k in ("properties", "patternProperties", "$defs", "definitions", "schemas",
                 "components", "paths", "responses", "headers", "parameters", "callbacks",
                 "examples", "content", "requestBodies", "securitySchemes", "links"):
            out[k] = {kk: convert(vv) for kk, vv in v.items()} if isinstance(v, dict) else convert(v)
        elif k in ("enum", "required", "example", "default", "const"):
            out[k] = copy.deepcopy(v)
        else:
            out[k] = convert(v)
    nullable = out.pop("nullable", None)
    if nullable is True:
        t = out.get("type")
        if isinstance(t, str):
            out["type"] = [t, "null"]
        elif isinstance(t, list) and "null" not in t:
            out["type"] = t + ["null"]
        if "enum" in out and None not in out["enum"]:
            out["enum"] = list(out["enum"]) + [None]
    # OpenAPI 3.0 boolean exclusive bounds
    for ex, bound in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        if isinstance(out.get(ex), bool):
            if out[ex] and bound in out:
                out[ex] = out.pop(bound)
            else:
                out.pop(ex)
    return out


def load_spec(spec_dir):
    if not os.path.isdir(spec_dir):
        raise OSError("not a directory: %s" % spec_dir)
    files = sorted(glob.glob(os.path.join(spec_dir, "*.yaml")) +
                   glob.glob(os.path.join(spec_dir, "*", "*.yaml")))
    names = {os.path.basename(f) for f in files}
    missing = [f for f in REQUIRED_FILES if f not in names]
    if missing:
        raise OSError("spec files missing: %s" % ", ".join(missing))
    docs = {}
    for f in files:
        rel = os.path.relpath(f, spec_dir).replace(os.sep, "/")
        with open(f, encoding="utf-8") as fh:
            docs[rel] = convert(yaml.safe_load(fh))
    return docs


def build_registry(docs):
    by_base = {}
    resources = []
    for rel, doc in docs.items():
        res = Resource.from_contents(doc, default_specification=DRAFT202012)
        resources.append((RAW_BASE + rel, res))
        by_base.setdefault(os.path.basename(rel), res)

    def retrieve(uri):
        # any other spelling of a spec file's URL (branch, relative path) -> the local file
        name = uri.split("#")[0].rstrip("/").rsplit("/", 1)[-1]
        if name in by_base:
            return by_base[name]
        raise NoSuchResource(ref=uri)

    return Registry(retrieve=retrieve).with_resources(resources)


# --------------------------------------------------------------------------------------
def payload_target(docs, iface, event_code):
    """JSON pointer URI of the official schema for this interface and event code."""
    schemas = docs[INTERFACES_FILE]["components"]["schemas"]
    name = "%s-Payload" % iface
    if name not in schemas:
        return None, "no %s in the official schema" % name
    base = RAW_BASE + INTERFACES_FILE + "#/components/schemas/"
    top = schemas[name]
    if "oneOf" not in top:
        return base + name, name
    hits = []
    for alt in top["oneOf"]:
        ref = alt.get("$ref", "")
        vname = ref.rsplit("/", 1)[-1]
        v = schemas.get(vname, {})
        try:
            codes = v["properties"]["CommonBlock"]["properties"]["S0"]["properties"]["eventCode"]["enum"]
        except (KeyError, TypeError):
            continue
        if event_code in codes:
            hits.append(vname)
    if len(hits) == 1:
        return base + hits[0], hits[0]
    return base + name, name + " (whole oneOf)"


def official_errors(validator_for, target_uri, instance):
    v = validator_for({"$ref": target_uri})
    return list(v.iter_errors(instance))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--spec", required=True, help="folder of the official unresolved YAML files")
    ap.add_argument("--examples", required=True, help="schemas/examples")
    ap.add_argument("-v", "--verbose", action="store_true", help="print the first official errors")
    a = ap.parse_args()
    try:
        docs = load_spec(a.spec)
    except (OSError, yaml.YAMLError) as e:
        print("cannot read the spec folder: %s" % e, file=sys.stderr)
        return 2
    registry = build_registry(docs)

    def validator_for(schema):
        return Draft202012Validator(schema, registry=registry)

    array_uri = RAW_BASE + SUBMIT_FILE + "#/components/schemas/DIPMessageArray"
    array_validator = validator_for({"$ref": array_uri})

    passed = failed = 0
    kinds = [("valid", True), ("rule-invalid", True), ("invalid", False)]
    for kind, expect_valid in kinds:
        for path in sorted(glob.glob(os.path.join(a.examples, kind, "*.json"))):
            fname = os.path.basename(path)
            with open(path, encoding="utf-8") as fh:
                data = json.load(fh)
            message = data if kind == "valid" else data["message"]
            iface = "-".join(fname.split("--")[0].split("-")[:2])
            # 1. the whole body against DIPMessageArray
            arr_errors = list(array_validator.iter_errors(message))
            arr_valid = not arr_errors
            # 2. each payload against its interface / event variant
            var_valid = True
            targets = []
            var_errors = []
            items = message if isinstance(message, list) else []
            for item in items:
                payload = item.get("payload") if isinstance(item, dict) else None
                ec = None
                try:
                    ec = payload["CommonBlock"]["S0"]["eventCode"]
                except (KeyError, TypeError):
                    pass
                uri, label = payload_target(docs, iface, ec)
                targets.append(label)
                if uri is None:
                    var_valid = False
                    continue
                errs = official_errors(validator_for, uri, payload)
                if errs:
                    var_valid = False
                    var_errors.extend(errs)
            official_valid = arr_valid and var_valid
            agree = official_valid == expect_valid and arr_valid == var_valid
            status = "ok  " if agree else "FAIL"
            verdict = "valid" if official_valid else "invalid"
            note = "" if arr_valid == var_valid else " (DIPMessageArray %s, variant %s)" % (
                "valid" if arr_valid else "invalid", "valid" if var_valid else "invalid")
            print("%s %s/%s: official %s, expected %s [%s]%s" % (
                status, kind, fname, verdict, "valid" if expect_valid else "invalid",
                ", ".join(targets), note))
            if (not agree or a.verbose) and var_errors:
                for e in var_errors[:3]:
                    print("       %s: %s" % (e.json_path, e.message[:160]))
            if agree:
                passed += 1
            else:
                failed += 1
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
