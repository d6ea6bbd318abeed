#!/usr/bin/env python3
"""Check the schemas/ folder with python-jsonschema.

    python3 ci/check_schemas.py [--schemas schemas]

1. every schema file (all *.json under schemas/ except examples/ and the catalogue data)
   (response-codes.json, written by the harness side, is data too) is a valid Draft 2020-12 schema, has "$schema" and an "$id" that follows the
   https://mhhs-qual.invalid/schemas/<path> convention;
2. every $ref resolves (all schemas are loaded into one referencing Registry by $id);
3. catalogue.json is valid against catalogue.schema.json, its variant files exist and each
   variant file's S0 interfaceID/eventCode agree with the catalogue entry;
4. examples/valid/<variant>.json (or <IF>-<Event>.json, for an event code that shares the
   variant of another): passes dip/envelope.json#/$defs/ingressArray, each payload
   is routed by catalogue.json (S0.interfaceID + S0.eventCode) to <variant> and passes it;
   examples/invalid/<variant>--<what>.json: the variant schema reports an error whose instance
   path equals expectPointer (minus the /<n>/payload prefix);
   examples/rule-invalid/*.json: schema-valid (they break business rules the harness checks).

Prints one line per check that fails (or every check with -v) and `N passed, M failed`.
Exit status 0 only if everything passes.
"""
import argparse
import glob
import json
import os
import re
import sys

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

BASE = "https://mhhs-qual.invalid/schemas/"
DRAFT = "https://json-schema.org/draft/2020-12/schema"
DATA_FILES = {"catalogue.json", "roles.json", "response-codes.json", "market/segment-derivation.json"}  # data, not schemas
RULES = {"mpan-check-digit", "datetime-form", "dip-id-digits", "gsp-group", "sender-reference"}


def pointer(path_items):
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path_items)


def resolve_pointer(doc, ptr):
    cur = doc
    for part in ptr.split("/")[1:]:
        part = part.replace("~1", "/").replace("~0", "~")
        if isinstance(cur, list):
            cur = cur[int(part)]
        else:
            cur = cur[part]
    return cur


def example_variant(name, schemas, routes):
    """The variant file an example named `name` (`<IF>-<Event>`) is for: the file of that
    name, else the one catalogue.json routes the interface and event code to (a variant that
    serves several event codes is named after its first)."""
    rel = "interfaces/%s.json" % name
    m = re.match(r"^(IF-\d{3}|REP-\d{3}[A-Z]?)-(.+)$", name)
    if rel in schemas or not m:
        return rel
    return routes.get((m.group(1), "[%s]" % m.group(2)), rel)


class Results:
    def __init__(self, verbose):
        self.passed = 0
        self.failed = 0
        self.verbose = verbose

    def check(self, ok, label, detail=""):
        if ok:
            self.passed += 1
            if self.verbose:
                print("ok   %s" % label)
        else:
            self.failed += 1
            print("FAIL %s%s" % (label, (": " + detail) if detail else ""))
        return ok


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--schemas", default="schemas")
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args()
    root = a.schemas
    r = Results(a.verbose)

    # 1. compile every schema
    schemas = {}
    for path in sorted(glob.glob(os.path.join(root, "**", "*.json"), recursive=True)):
        rel = os.path.relpath(path, root).replace(os.sep, "/")
        if rel.startswith("examples/") or rel in DATA_FILES:
            continue
        try:
            with open(path, encoding="utf-8") as fh:
                doc = json.load(fh)
        except ValueError as e:
            r.check(False, rel, "not JSON: %s" % e)
            continue
        ok = r.check(doc.get("$schema") == DRAFT, rel + " $schema", repr(doc.get("$schema")))
        ok &= r.check(doc.get("$id") == BASE + rel, rel + " $id", repr(doc.get("$id")))
        try:
            Draft202012Validator.check_schema(doc)
            r.check(True, rel + " compiles")
        except SchemaError as e:
            r.check(False, rel + " compiles", e.message)
            ok = False
        schemas[rel] = doc
    registry = Registry().with_resources(
        (doc["$id"], Resource.from_contents(doc, default_specification=DRAFT202012))
        for doc in schemas.values() if "$id" in doc)

    def validator(rel_or_ref):
        return Draft202012Validator({"$ref": BASE + rel_or_ref}, registry=registry)

    # 2. every $ref resolves
    def refs(node, acc):
        if isinstance(node, dict):
            for k, v in node.items():
                if k == "$ref" and isinstance(v, str):
                    acc.append(v)
                else:
                    refs(v, acc)
        elif isinstance(node, list):
            for x in node:
                refs(x, acc)
        return acc

    for rel, doc in schemas.items():
        bad = []
        resolver = registry.resolver(base_uri=doc["$id"])
        for ref in refs(doc, []):
            try:
                resolver.lookup(ref)
            except Exception as e:  # noqa: BLE001 - report any resolution failure
                bad.append("%s (%s)" % (ref, type(e).__name__))
        r.check(not bad, rel + " $refs resolve", ", ".join(bad[:5]))

    # 3. catalogue
    with open(os.path.join(root, "catalogue.json"), encoding="utf-8") as fh:
        catalogue = json.load(fh)
    errs = list(validator("catalogue.schema.json").iter_errors(catalogue))
    r.check(not errs, "catalogue.json valid against catalogue.schema.json",
            "; ".join("%s: %s" % (e.json_path, e.message) for e in errs[:5]))
    routes = {}
    ids = [e["id"] for e in catalogue["interfaces"]]
    r.check(len(ids) == len(set(ids)), "catalogue ids unique")
    for ent in catalogue["interfaces"]:
        for code, vpath in ent["variants"].items():
            routes[(ent["id"], code)] = vpath
            doc = schemas.get(vpath)
            if not r.check(doc is not None, "catalogue %s %s -> %s exists" % (ent["id"], code, vpath)):
                continue
            s0 = doc["properties"]["CommonBlock"]["properties"]["S0"]["properties"]
            codes = [s0["eventCode"]["const"]] if "const" in s0["eventCode"] else s0["eventCode"]["enum"]
            r.check(s0["interfaceID"].get("const") == ent["id"] and code in codes
                    and code in ent["eventCodes"],
                    "catalogue %s %s agrees with %s S0" % (ent["id"], code, vpath))
    for rel in schemas:
        if rel.startswith("interfaces/"):
            r.check(rel in routes.values(), "%s is routed by catalogue.json" % rel)

    # 4. examples
    ingress = validator("dip/envelope.json#/$defs/ingressArray")
    ex_root = os.path.join(root, "examples")
    for kind in ("valid", "invalid", "rule-invalid"):
        for path in sorted(glob.glob(os.path.join(ex_root, kind, "*.json"))):
            fname = os.path.basename(path)
            label = "%s/%s" % (kind, fname)
            with open(path, encoding="utf-8") as fh:
                data = json.load(fh)
            variant = fname[:-5].split("--")[0]
            vrel = example_variant(variant, schemas, routes)
            if not r.check(vrel in schemas, label + " names an existing variant", vrel):
                continue
            vval = validator(vrel)
            if kind == "valid":
                message = data
            else:
                if not r.check(isinstance(data, dict) and {"description", "expectPointer", "message"} <= set(data),
                               label + " wrapper has description, expectPointer, message"):
                    continue
                message = data["message"]
            env_errs = list(ingress.iter_errors(message))
            if kind != "invalid" or not data["expectPointer"].startswith("/0/payload"):
                r.check(not env_errs, label + " envelope", "; ".join(e.message for e in env_errs[:3]))
            if kind in ("valid", "rule-invalid"):
                problems = []
                for i, item in enumerate(message):
                    payload = item["payload"]
                    s0 = payload.get("CommonBlock", {}).get("S0", {})
                    route = routes.get((s0.get("interfaceID"), s0.get("eventCode")))
                    if route != vrel:
                        problems.append("/%d routed to %s" % (i, route))
                    for e in vval.iter_errors(payload):
                        problems.append("/%d/payload%s: %s" % (i, pointer(e.absolute_path), e.message[:120]))
                if kind == "rule-invalid":
                    r.check(data.get("rule") in RULES, label + " rule id", repr(data.get("rule")))
                    try:
                        resolve_pointer(message, data["expectPointer"])
                    except (KeyError, IndexError, ValueError):
                        problems.append("expectPointer %s not in the message" % data["expectPointer"])
                r.check(not problems, label, "; ".join(problems[:5]))
            else:
                ptr = data["expectPointer"]
                m = re.match(r"^/(\d+)/payload(.*)$", ptr)
                if not m:
                    # an envelope-level failure
                    r.check(any(pointer(e.absolute_path) == ptr for e in env_errs), label,
                            "no envelope error at %s" % ptr)
                    continue
                idx, rest = int(m.group(1)), m.group(2)
                payload = message[idx]["payload"]
                errs = list(vval.iter_errors(payload))
                paths = sorted({pointer(e.absolute_path) for e in errs})
                r.check(rest in paths, label,
                        "expected an error at %s, got %s" % (rest or "/", paths or "no error"))

    # StandardResponse sanity (the CONTRACT examples)
    sr = validator("dip/standard-response.json")
    ok_body = {"messageArray": [{
        "transactionID": "T-IF-031-2300000001-SUP-20260321-1234CC0123456789",
        "senderUniqueReference": "S-IF-031-2300000001-SUP-20260321-0001", "correlationID": None,
        "sentTimestamp": "2026-03-21T19:05:01+00:00", "senderID": "2300000001", "recipientID": "2200000001",
        "DIPConnectionProviderID": None, "message": "MSG0000 - Success", "help": None,
        "serviceTicketURL": None}], "timestamp": "2026-03-21T19:05:01+00:00"}
    r.check(sr.is_valid(ok_body), "standard-response accepts a 201 body")
    bad_body = json.loads(json.dumps(ok_body))
    del bad_body["messageArray"][0]["help"]
    r.check(not sr.is_valid(bad_body), "standard-response rejects an item without 'help'")

    print("%d passed, %d failed" % (r.passed, r.failed))
    return 0 if r.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
