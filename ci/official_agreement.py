#!/usr/bin/env python3
"""Check that our examples get the same verdict from the official DIP schema as from ours.

    python3 ci/official_agreement.py --spec ../shared/dip-api-documentation --examples schemas/examples
    python3 ci/official_agreement.py --spec ../shared/dip-api-documentation --corpus DIR

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

Prints one line per example and `N passed, M failed`.

--corpus DIR: verdicts and error locations of our validator, judged again
-------------------------------------------------------------------------
DIR holds one JSON file per message, written by `tests/spec_import/independent.rs`:

  {"source": "IF-031-MSApp", "kind": "pattern", "mutated": "/CustomBlock/B032/SSC",
   "interface": "IF-031", "event": "[MSApp]", "payload": {...},
   "verdict": "invalid", "pointer": "/CustomBlock/B032/SSC"}

`kind` is `valid` or a mutant kind (drop-field, pattern, enum, length, type,
unknown-property, nullify) for the corpus built from our valid examples, where `verdict` is
the verdict of our schemas (`schemas/`); or `official-example` for an example of the spec's
`Examples-unresolved.yaml`, which has a `body` instead of a `payload` and no `event`, and
whose `verdict` is the one `tests/spec_import/examples.rs` pins (our validator on the
imported official schemas). `pointer` is the JSON pointer (RFC 6901) of the FIRST error our
validator reported, into the payload or the body; absent when the verdict is valid.

The official verdict:
  payload  valid iff the payload is valid against the official schema of `interface` and
           `event` (chosen as above: the `oneOf` alternative of `IF-nnn-Payload` whose S0
           eventCode enum holds the event, else the whole `IF-nnn-Payload`), whatever the
           payload's own S0 says, as the DIP's /validate/{IF}/{event} endpoint judges it.
  body     valid iff it has no envelope error and every payload in it is valid. Envelope
           errors: the errors of the official `DIPMessageArray` except those at or under an
           item's `payload` (each payload is judged against its own event variant, not the
           `oneOf` of all interfaces). Payloads: each item's `payload` (`/i/payload`); a body
           that is one `{"payload": ...}` object: its `payload` (`/payload`); a body that is
           a bare payload (has `CommonBlock`): the body itself. Each payload is judged as
           above with `interface` and the eventCode of its S0 (S0 keys matched without
           regard to case); a payload without one is invalid at `<payload>/CommonBlock/S0`.

Where the error is (both verdicts invalid): python-jsonschema's errors are flattened (every
error of `iter_errors`, and recursively every error in the `context` of an `anyOf`/`oneOf`
error); each error's location is the JSON pointer of its `absolute_path` (into the payload or
the body, with `~0`/`~1` escapes). The two AGREE on where iff our `pointer` is exactly the
location of at least one of these errors. No prefix or parent matching: an error reported
on the object that holds the field is not an error on the field.

Any disagreement (verdict, or where) is printed with file, interface, event, our pointer,
both verdicts and the official error locations. Then a summary line, and a last line
`counts {json}`: {"total", "valid", "invalid", "kinds": {kind: {"total", "valid",
"invalid"}}, "disagreements"}, valid and invalid as python-jsonschema judged.

Each official schema is resolved into one document before validation (every `$ref`
inlined through the `referencing` registry, which fails on a cycle), and its validator is
built once and reused.

Exit status: 0 all agree, 1 some disagree (or nothing was checked), 2 the spec folder or
corpus is not readable. Needs PyYAML and jsonschema 4.18+ (referencing).
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


# --------------------------------------------------------------------------------------
# One document per schema
# --------------------------------------------------------------------------------------
SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
LITERALS = ("enum", "const", "examples", "example", "default", "required")


class RefCycle(Exception):
    pass


def inline(node, resolver, seen=()):
    """`node` with every `$ref` replaced by its target, resolved by `referencing` from the
    base of the document that holds it; raises RefCycle on a recursive schema."""
    if isinstance(node, list):
        return [inline(x, resolver, seen) for x in node]
    if not isinstance(node, dict):
        return node
    if isinstance(node.get("$ref"), str):
        resolved = resolver.lookup(node["$ref"])
        key = id(resolved.contents)
        if key in seen:
            raise RefCycle(node["$ref"])
        return inline(resolved.contents, resolved.resolver, seen + (key,))
    out = {}
    for k, v in node.items():
        if k in SCHEMA_MAPS and isinstance(v, dict):
            out[k] = {kk: inline(vv, resolver, seen) for kk, vv in v.items()}
        elif k in LITERALS:
            out[k] = v
        else:
            out[k] = inline(v, resolver, seen)
    return out


def resolved_schema(registry, uri):
    """The schema at `uri` (a spec file's URL with a `#/...` fragment) as one document."""
    resolved = registry.resolver().lookup(uri)
    return inline(resolved.contents, resolved.resolver)


# --------------------------------------------------------------------------------------
# --corpus
# --------------------------------------------------------------------------------------
def pointer(path):
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def flatten(errors, prefix=""):
    """(location, error) of every error and, recursively, of those in its context."""
    out = []
    for e in errors:
        out.append((prefix + pointer(e.absolute_path), e))
        out.extend(flatten(e.context or [], prefix))
    return out


def field(obj, key):
    """A key of an object, exactly or else without regard to case."""
    if not isinstance(obj, dict):
        return None
    if key in obj:
        return obj[key]
    for k, v in obj.items():
        if isinstance(k, str) and k.lower() == key.lower():
            return v
    return None


class Judge:
    def __init__(self, docs, registry):
        self.docs = docs
        self.registry = registry
        self.validators = {}
        array_uri = RAW_BASE + SUBMIT_FILE + "#/components/schemas/DIPMessageArray"
        self.array = Draft202012Validator({"$ref": array_uri}, registry=registry)

    def payload_errors(self, payload, iface, event, prefix=""):
        """[(location, message)] of a payload against the official schema of iface/event."""
        uri, label = payload_target(self.docs, iface, event)
        if uri is None:
            return [(prefix + "/CommonBlock/S0/interfaceID", label)]
        if uri not in self.validators:
            self.validators[uri] = Draft202012Validator(resolved_schema(self.registry, uri))
        errors = list(self.validators[uri].iter_errors(payload))
        return [(loc, e.message) for loc, e in flatten(errors, prefix)]

    def body_errors(self, body, iface):
        out = []
        for loc, e in flatten(list(self.array.iter_errors(body))):
            path = list(e.absolute_path)
            if len(path) >= 2 and isinstance(path[0], int) and path[1] == "payload":
                continue
            out.append((loc, e.message))
        if isinstance(body, list):
            payloads = [("/%d/payload" % i, item["payload"]) for i, item in enumerate(body)
                        if isinstance(item, dict) and "payload" in item]
        elif isinstance(body, dict) and "payload" in body:
            payloads = [("/payload", body["payload"])]
        elif isinstance(body, dict) and "CommonBlock" in body:
            payloads = [("", body)]
        else:
            payloads = []
        for prefix, payload in payloads:
            event = field(field(field(payload, "CommonBlock"), "S0"), "eventCode")
            if not isinstance(event, str):
                out.append((prefix + "/CommonBlock/S0", "S0 names no eventCode"))
                continue
            out.extend(self.payload_errors(payload, iface, event, prefix))
        return out


def judge_corpus(docs, registry, folder, verbose):
    files = sorted(glob.glob(os.path.join(folder, "*.json")))
    if not files:
        print("no messages in %s" % folder, file=sys.stderr)
        return 2
    judge = Judge(docs, registry)
    kinds = {}
    total = valid = 0
    disagreements = 0
    for path in files:
        with open(path, encoding="utf-8") as fh:
            case = json.load(fh)
        iface = case["interface"]
        event = case.get("event")
        if "payload" in case:
            errors = judge.payload_errors(case["payload"], iface, event)
        else:
            errors = judge.body_errors(case["body"], iface)
        official = "invalid" if errors else "valid"
        ours = case["verdict"]
        ptr = case.get("pointer")
        locations = sorted({loc for loc, _ in errors})
        problem = None
        if ours != official:
            problem = "verdicts differ"
        elif ours == "invalid" and ptr not in locations:
            problem = "no official error at our pointer"
        total += 1
        valid += official == "valid"
        k = kinds.setdefault(case["kind"], {"total": 0, "valid": 0, "invalid": 0})
        k["total"] += 1
        k[official] += 1
        if problem or verbose:
            print("%s %s %s %s %s, our pointer %s: ours %s, official %s%s" % (
                "DISAGREE" if problem else "ok      ", os.path.basename(path), iface,
                event or "-", case["kind"], json.dumps(ptr), ours, official,
                " (%s)" % problem if problem else ""))
            for loc, message in errors[:8]:
                print("       official error at %s: %s" % (json.dumps(loc), message[:160]))
        if problem:
            disagreements += 1
    print("%d messages judged by python-jsonschema on the official schema: %d valid, %d invalid; "
          "%d agree with our verdict and error location, %d disagree"
          % (total, valid, total - valid, total - disagreements, disagreements))
    print("counts " + json.dumps({"total": total, "valid": valid, "invalid": total - valid,
                                  "kinds": kinds, "disagreements": disagreements},
                                 sort_keys=True))
    return 0 if disagreements == 0 else 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--spec", required=True, help="folder of the official unresolved YAML files")
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--examples", help="schemas/examples")
    mode.add_argument("--corpus", help="a folder of messages with our verdicts (see above)")
    ap.add_argument("-v", "--verbose", action="store_true", help="print the first official errors")
    a = ap.parse_args()
    try:
        docs = load_spec(a.spec)
    except (OSError, yaml.YAMLError) as e:
        print("cannot read the spec folder: %s" % e, file=sys.stderr)
        return 2
    registry = build_registry(docs)
    if a.corpus is not None:
        try:
            return judge_corpus(docs, registry, a.corpus, a.verbose)
        except (OSError, ValueError, KeyError) as e:
            print("cannot read the corpus: %s" % e, file=sys.stderr)
            return 2

    validators = {}

    def validator_for(schema):
        # each official schema resolved into one document once, and its validator reused
        uri = schema["$ref"]
        if uri not in validators:
            validators[uri] = Draft202012Validator(resolved_schema(registry, uri))
        return validators[uri]

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
