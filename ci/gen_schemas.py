#!/usr/bin/env python3
"""Generate schemas/ (except examples/ and README.md) from the domain facts files.

Reads ONLY the project's domain notes (default ../shared/domain):
  blocks_reference.txt     every block's keys, types, lengths, patterns, enums
  interface_variants.json  blocks per event variant and which are required
  interface_catalogue.json interface ids, names, event codes, sender/receiver prose
It never reads the official DIP OpenAPI files. A few facts that the facts files do not
carry are written here by hand (see HAND_FACTS below and the README).

Usage: python3 ci/gen_schemas.py [--domain ../shared/domain] [--out schemas]
"""
import argparse
import json
import os
import re
import sys

BASE = "https://mhhs-qual.invalid/schemas/"
DRAFT = "https://json-schema.org/draft/2020-12/schema"

# Interfaces whose event variants get a schema file.
INTERFACES = [
    # supplier appointment and registration
    "IF-001", "IF-002", "IF-031", "IF-032", "IF-033", "IF-035", "IF-036", "IF-037",
    # what a metering service sends and receives
    "IF-003", "IF-005", "IF-006", "IF-007", "IF-008", "IF-018", "IF-020", "IF-026", "IF-034",
    "IF-038", "IF-039", "IF-041", "IF-045",
    # what a data service sends and receives
    "IF-013", "IF-014", "IF-015", "IF-016", "IF-021", "IF-022", "IF-023", "IF-027", "IF-028",
    "IF-061", "IF-062", "IF-063", "IF-064", "IF-065",
]

# ---------------------------------------------------------------------------------------
# Hand facts (not in the machine-readable facts files)
# ---------------------------------------------------------------------------------------
# interface_variants.json lists the interfaces whose payload has several variants (a oneOf).
# An interface with one payload schema, whatever number of event codes it shares, is not
# in it; its composition is written here by hand from the domain notes (DOMAIN.md sections
# 2.3 and 7) and the interface's description in the DIP specification, read as facts: the
# blocks, which of them are required, and nothing else. The variant is named after its
# first event code; catalogue.json routes every one of its codes to it.
def single_payload(iface, codes, common, common_required, custom=(), custom_required=()):
    return {
        "schema": "%s-%s" % (iface, codes[0].strip("[]")),
        "interfaceID": [iface],
        "schemaVersion": ["011"],
        "eventCode": list(codes),
        "commonBlocks": list(common),
        "commonRequired": list(common_required),
        "customBlocks": list(custom),
        "customRequired": list(custom_required) or None,
    }


MPAN_COMMON = ["S0", "S1", "A0", "D0", "M0"]
MPAN_REQUIRED = ["S0", "S1", "M0"]
MPAN_RESPONSE = MPAN_COMMON + ["R0"]
MPAN_RESPONSE_REQUIRED = MPAN_REQUIRED + ["R0"]
IF041_CODES = ["[ReadingRemote]", "[ReadingRemv]", "[ReadingInstl]", "[ReadingEnergisationChg]",
               "[ReadingCOR]", "[ReadingOnSite]", "[ReadingCOS]", "[DSEstimate]",
               "[SupplierAgreedCOS]", "[ReadingOverride]"]
MDR_BLOCKS = ["B019", "B012", "B078", "B025", "B068", "B031", "B074List", "B060"]
MDR_REQUIRED = ["B019", "B078", "B025", "B068"]

EXTRA_VARIANTS = [
    # DOMAIN.md 2.3: IF-002 [GainMPANInfo]
    single_payload("IF-002", ["[GainMPANInfo]"], MPAN_COMMON, MPAN_REQUIRED,
                   ["B013", "B005", "B006", "B022", "B023", "B024", "B025", "B026", "B027", "B029",
                    "B030", "B031", "B032", "B905List", "B907List", "B908List"],
                   ["B013", "B022", "B023", "B024", "B025", "B026"]),
    # REGS tells every party of the MPAN its new energisation status; R0 required
    single_payload("IF-008", ["[EnergisationStatusChange]"], MPAN_RESPONSE, MPAN_RESPONSE_REQUIRED,
                   ["B025"], ["B025"]),
    # DOMAIN.md 2.3 and 7: one schema for all ten reading events, and no block required
    # (the comment "B064 or B065 block" is not enforced)
    single_payload("IF-041", IF041_CODES, MPAN_COMMON, MPAN_REQUIRED, ["B064List", "B065List"]),
    # DOMAIN.md 2.3 (B060 reminders) and 7 (the CommonBlock is open)
    single_payload("IF-045", ["[InvalidMarketSegment]", "[ConsentGranularityInvalid]",
                              "[NoMSAppointed]", "[NoDSAppointed]"],
                   MPAN_COMMON, MPAN_REQUIRED, ["B060"]),
    # DOMAIN.md 2.3, consumption: MDS defaults (B043, B049, B067, B920List)
    single_payload("IF-013", ["[ActivePowerDefaulted]"], MPAN_COMMON, MPAN_REQUIRED,
                   ["B043", "B049", "B067", "B920List"], ["B043", "B049", "B067", "B920List"]),
    # the MDS's rejection of an IF-021: the same blocks, R0 required; one schema, two events
    single_payload("IF-014", ["[ActivePowerRejected]", "[ConsumptionOnDeEnergisedMPAN]"],
                   MPAN_RESPONSE, MPAN_RESPONSE_REQUIRED,
                   ["B044", "B067", "B900"], ["B044", "B067", "B900"]),
    # DOMAIN.md 1.1: IF-015 has no CustomBlock (so, the payload being closed, none may be sent)
    single_payload("IF-015", ["[ConsumptionReplay]"], MPAN_COMMON, MPAN_REQUIRED),
    # DOMAIN.md 1.10 and 7: one schema for [ActivePower] and [ReactivePower]
    single_payload("IF-021", ["[ActivePower]", "[ReactivePower]"], MPAN_COMMON, MPAN_REQUIRED,
                   ["B044", "B067", "B900"], ["B044", "B067", "B900"]),
    # DOMAIN.md 2.3, load shaping: no M0; the lists may be empty (DOMAIN.md 7)
    single_payload("IF-022", ["[LSSPeriodData]"], ["S0", "S1", "A0", "D0"], ["S0", "S1"],
                   ["B903List"], ["B903List"]),
    single_payload("IF-023", ["[LSSTotalsData]"], ["S0", "S1", "A0", "D0"], ["S0", "S1"],
                   ["B912List"], ["B912List"]),
    # DOMAIN.md 2.3: consumption amendment request and its response (R0 required)
    single_payload("IF-027", ["[ConsumptionAmendment]"], MPAN_COMMON, MPAN_REQUIRED,
                   ["B902List"], ["B902List"]),
    single_payload("IF-028", ["[ConsumptionAmendment]"], MPAN_RESPONSE, MPAN_RESPONSE_REQUIRED,
                   ["B902List"], ["B902List"]),
    # the meter data retriever: start (and its response, the same blocks plus R0), stop, and
    # the metered consumption of UTC days
    single_payload("IF-061", ["[MDRStart]"], MPAN_COMMON, MPAN_REQUIRED, MDR_BLOCKS, MDR_REQUIRED),
    single_payload("IF-062", ["[MDRStartResponse]"], MPAN_RESPONSE, MPAN_RESPONSE_REQUIRED,
                   MDR_BLOCKS, MDR_REQUIRED),
    single_payload("IF-063", ["[MDRStop]"], MPAN_COMMON, MPAN_REQUIRED, ["B083", "B060"], ["B083"]),
    single_payload("IF-064", ["[MDRConsumption]"], MPAN_COMMON, MPAN_REQUIRED,
                   ["B045", "B941List", "B060"], ["B045", "B941List"]),
]
# Blocks on which the official schema has no additionalProperties:false (DOMAIN.md section 7;
# B091 likewise). We are exactly as loose there.
OPEN_BLOCKS = {"B013", "B025", "B091", "B908"}
# Interfaces whose inline S0 has no additionalProperties:false in the official schema.
OPEN_S0 = {"IF-001", "IF-003", "IF-005", "IF-006", "IF-008", "IF-018"}
# Interfaces whose CommonBlock has no additionalProperties:false (DOMAIN.md section 7).
OPEN_COMMON = {"IF-007", "IF-045"}
# Interfaces whose CommonBlock does not say it is an object (so a non-object passes it).
UNTYPED_COMMON = {"IF-061", "IF-062", "IF-063", "IF-064", "IF-065"}
# CustomBlock keys that hold another block than the one they are named after: on IF-005 and
# IF-006 [MeterUpdate] and [MeterHistoryUpdate], B906 is a B906a (historyMAP optional).
# interface_variants.json names the keys only; blocks_reference.txt has both blocks.
KEY_BLOCKS = {
    ("IF-005-MeterUpdate", "B906"): "B906a",
    ("IF-005-MeterHistoryUpdate", "B906"): "B906a",
    ("IF-006-MeterUpdate", "B906"): "B906a",
    ("IF-006-MeterHistoryUpdate", "B906"): "B906a",
}
# Bounds of a CustomBlock list on one interface (the list blocks are shared otherwise).
LIST_BOUNDS = {
    ("IF-041", "B065List"): {"maxItems": 48},
    ("IF-064", "B941List"): {"maxItems": 200},
}
# Array lengths on nested blocks (DIN-1024 minItems 1; period counts).
ARRAY_BOUNDS = {
    ("B900", "settlementDayConsumptionPeriods"): {"minItems": 1, "maxItems": 200},
    ("B901", "consumptionPeriods"): {"minItems": 1, "maxItems": 48},
    ("B902", "supplierConsumptionAmendmentRequests"): {"minItems": 1},
    ("B920", "settlementDayConsumptionPeriods"): {"minItems": 1},
    ("B922", "defaultedConsumptionPeriods"): {"minItems": 1},
    ("B903", "LSGSettlementPeriods"): {"minItems": 1},
    ("B912", "LSGTotals"): {"minItems": 1},
    ("B904", "LSGroupSettlementPeriods"): {"minItems": 1},
    ("B913", "LSTTotals"): {"minItems": 1},
    ("B906", "historyMAP"): {"minItems": 1},
    ("B906a", "historyMAP"): {"minItems": 1},
    ("B907", "historyMAP"): {"minItems": 1},
    ("B908", "historyMAP"): {"minItems": 1},
    ("B910", "historyMAP"): {"minItems": 1},
    ("B911", "historyMAP"): {"minItems": 1},
    ("B941", "MDRConsumptionPeriods"): {"minItems": 1, "maxItems": 48},
}
# Numeric ranges of data items (DOMAIN.md 1.10 for DI-081; the others from the data catalogue).
NUMERIC_BOUNDS = {
    "DI-081": {"minimum": 30, "maximum": 30, "multipleOf": 15},
    "DI-091": {"minimum": 0, "maximum": 9},
    "DI-161": {"maximum": 9999999},
    "DI-300": {"minimum": 100, "maximum": 999},
    "DI-511": {"minimum": 0, "maximum": 100},
}

ROLE_ORDER = ["SUP", "REGS", "MSS", "MSA", "UMSO", "SDS", "ADS", "UMSDS", "LDSO", "MDS",
              "LSS", "EES", "MDR", "DCC", "ISD", "ECS", "DIP"]
MS_ROLES = ["MSS", "MSA", "UMSO"]
DS_ROLES = ["SDS", "ADS", "UMSDS"]


def s(t, nullable=False):
    return {"type": [t, "null"]} if nullable else {"type": t}


def datatypes(catalogue):
    """Data types (DOMAIN.md 1.1 identifier table and the DT names in blocks_reference)."""
    in_schema_ids = [e["id"] for e in catalogue if e.get("inSchema")]

    def dt(title, nullable=False, **kw):
        d = {"title": title}
        d.update(s("string", nullable))
        d.update(kw)
        if nullable and "enum" in d and None not in d["enum"]:
            d["enum"] = d["enum"] + [None]
        return d

    sur = r"^S-((IF|REP)-)?\d{3,4}-[0-9a-fA-F]{10}-[A-Z]{3,5}-\d{8}-[a-zA-Z0-9]+$"
    gsp = ["_A", "_B", "_C", "_D", "_E", "_F", "_G", "_H", "_J", "_K", "_L", "_M", "_N", "_P"]
    d = {
        "DT-000": dt("Interface ID", minLength=6, maxLength=8, enum=in_schema_ids),
        "DT-001N": dt("Address line (nullable)", True, minLength=0, maxLength=40),
        "DT-002": dt("MPAN core: 13 digits (the check digit is not checked by the schema)",
                     minLength=13, maxLength=13, pattern=r"^\d{13}?$"),
        "DT-002N": dt("MPAN core (nullable)", True, minLength=13, maxLength=13, pattern=r"^\d{13}?$"),
        "DT-003": dt("Date-time YYYY-MM-DDThh:mm:ss+hh:mm; the schema checks the length only",
                     minLength=25, maxLength=25),
        "DT-003N": dt("Date-time (nullable); length only", True, minLength=25, maxLength=25),
        "DT-005": dt("Status/error message", minLength=1, maxLength=200),
        "DT-005N": dt("Status/error message (nullable)", True, minLength=1, maxLength=200),
        "DT-006": dt("DIP participant ID: 10 characters (digits in practice; the schema checks the length only)",
                     minLength=10, maxLength=10),
        "DT-006N": dt("DIP participant ID (nullable)", True, minLength=10, maxLength=10),
        "DT-007N": dt("UK postcode (nullable)", True, minLength=1, maxLength=10),
        "DT-009": dt("DIP participant role, e.g. SUP", minLength=3, maxLength=5),
        "DT-011": dt("Correlation ID", minLength=1, maxLength=60),
        "DT-011N": dt("Correlation ID (nullable)", True, minLength=1, maxLength=60),
        "DT-013": dt("Environment tag", minLength=3, maxLength=10, enum=["PRD", "SITB", "SIT", "UIT", "DEV"]),
        "DT-014": dt("DIP transaction ID (DIP-assigned)", maxLength=65),
        "DT-014N": dt("DIP transaction ID (nullable)", True, maxLength=65),
        "DT-016": dt("Decimal (9,3) as a string", pattern=r"^-?\d{1,9}\.\d{3}$"),
        "DT-016N": dt("Decimal (9,3) as a string (nullable)", True, pattern=r"^-?\d{1,9}\.\d{3}$"),
        "DT-018N": dt("URL (nullable)", True, minLength=1, maxLength=250),
        "DT-019N": dt("Help text (nullable)", True, minLength=1, maxLength=500),
        "DT-020N": dt("Sub text (nullable)", True, minLength=1, maxLength=500),
        "DT-021": dt("Date YYYY-MM-DD; length only", minLength=10, maxLength=10),
        "DT-027": dt("Legacy MPID", minLength=4, maxLength=4, pattern=r"^[A-Z]{4}$"),
        "DT-027N": dt("Legacy MPID (nullable)", True, minLength=4, maxLength=4, pattern=r"^[A-Z]{4}$"),
        "DT-029": dt("Meter ID", maxLength=10),
        "DT-029N": dt("Meter ID (nullable)", True, minLength=1, maxLength=10),
        "DT-995": dt("Sender unique reference: S-[IF-|REP-]nnn-<10 hex>-<ROLE>-<yyyymmdd>-<ref>",
                     minLength=1, maxLength=200, pattern=sur),
        "DT-995N": dt("Sender unique reference (nullable)", True, minLength=1, maxLength=200, pattern=sur),
        "GSPGroupID": dt("GSP group (DI-037)", minLength=2, maxLength=2, enum=gsp),
    }
    return d


FIELD_RE = re.compile(r"^\s+- (\w+): (.*)$")
BLOCK_RE = re.compile(r"^(\w+): (.*?)\s+required=(None|\[.*\])\s*$")


def parse_blocks(path):
    blocks = {}
    order = []
    cur = None
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if not line or line.startswith("#"):
            continue
        m = BLOCK_RE.match(line)
        if m:
            name, desc, req = m.groups()
            cur = {"name": name, "description": desc.strip(),
                   "required": None if req == "None" else json.loads(req.replace("'", '"')),
                   "fields": []}
            blocks[name] = cur
            order.append(name)
            continue
        m = FIELD_RE.match(line)
        if m and cur is not None:
            cur["fields"].append((m.group(1), m.group(2)))
            continue
        raise SystemExit("unparsed line: %r" % line)
    return blocks, order


def constraints(text):
    """'string minLength=1 maxLength=4 nullable=True enum=A,B' -> schema dict."""
    toks = text.split()
    t = toks[0]
    kv = {}
    for tok in toks[1:]:
        k, _, v = tok.partition("=")
        kv[k] = v
    nullable = kv.get("nullable") == "True"
    out = s(t, nullable)
    if "minLength" in kv:
        out["minLength"] = int(kv["minLength"])
    if "maxLength" in kv:
        out["maxLength"] = int(kv["maxLength"])
    if "pattern" in kv:
        out["pattern"] = kv["pattern"]
    if "enum" in kv:
        vals = [None if v == "None" else v for v in kv["enum"].split(",")]
        if nullable and None not in vals:
            vals.append(None)
        out["enum"] = vals
    return out


def strip_meta(d):
    return {k: v for k, v in d.items() if k not in ("title", "description")}


def field_schema(block, key, text, dts, ref_dt):
    """Return (schema, description) for one field line of blocks_reference.txt."""
    if text.startswith("-> block "):
        return {"$ref": "#/$defs/" + text.split()[-1]}
    m = re.match(r"^array of \[(B\w+)\]\s*$", text)
    if m:
        d = {"type": "array", "items": {"$ref": "#/$defs/" + m.group(1)}}
        d.update(ARRAY_BOUNDS.get((block, key), {}))
        return d
    if text.startswith("inline "):
        inner = json.loads(text[len("inline "):])
        return inner
    is_array = False
    if text.startswith("array of "):
        is_array = True
        text = text[len("array of "):]
    m = re.match(r"^\[([^\]]+)\]\s+(.*)$", text)
    if not m:
        raise SystemExit("bad field %s.%s: %s" % (block, key, text))
    names, cons = m.groups()
    di = None
    dt = None
    for part in names.split("->"):
        if part.startswith("DI-"):
            di = part
        elif part.startswith("DT-"):
            dt = part
    sch = constraints(cons)
    if di:
        code = "-".join(di.split("-")[:2])
        sch.update(NUMERIC_BOUNDS.get(code, {}))
    desc = (di or dt).replace("-", " ", 2) if (di or dt) else None
    if dt:
        mm = re.match(r"^(DT-\d{3}N?)-", dt)
        if mm and mm.group(1) in dts and strip_meta(dts[mm.group(1)]) == sch:
            sch = {"$ref": ref_dt + mm.group(1)}
    if desc:
        sch = dict(sch)
        sch["description"] = di_desc(di, dt)
    if is_array:
        return {"type": "array", "items": sch}
    return sch


def di_desc(di, dt):
    parts = []
    for x in (di, dt):
        if x:
            m = re.match(r"^(D[IT]-\d{3}N?)-(.*)$", x)
            parts.append("%s %s" % (m.group(1), m.group(2).replace("-", " ")) if m else x)
    return " -> ".join(parts)


def block_schema(name, b, dts):
    props = {}
    for key, text in b["fields"]:
        props[key] = field_schema(name, key, text, dts, "datatypes.json#/$defs/")
    d = {"title": "%s %s" % (name, b["description"]), "type": "object", "properties": props}
    if b["required"]:
        d["required"] = b["required"]
    if name not in OPEN_BLOCKS:
        d["additionalProperties"] = False
    return d


def variant_schema(v):
    name = v["schema"]
    iface = v["interfaceID"][0]
    s0 = {
        "title": "S0 Sender header (interface, schema version, event code)",
        "type": "object",
        "properties": {
            "interfaceID": {"type": "string", "const": iface},
            "schemaVersion": {"type": "string", "enum": v["schemaVersion"]},
            "eventCode": ({"type": "string", "const": v["eventCode"][0]} if len(v["eventCode"]) == 1
                          else {"type": "string", "enum": v["eventCode"]}),
        },
        "required": ["interfaceID", "schemaVersion", "eventCode"],
    }
    if iface not in OPEN_S0:
        s0["additionalProperties"] = False
    blk = "../common/blocks.json#/$defs/"
    cprops = {}
    for b in v["commonBlocks"]:
        if b == "S0":
            cprops["S0"] = s0
        elif b == "S2":
            cprops["S2"] = {"$ref": blk + "S1"}
        elif b == "R1":
            cprops["R1"] = {"$ref": blk + "R0"}
        else:
            cprops[b] = {"$ref": blk + b}
    # keep the S0, S1 ... order of the facts but list required in a stable order
    creq = [b for b in v["commonBlocks"] if b in v["commonRequired"]]
    common = {"type": "object", "additionalProperties": False, "required": creq, "properties": cprops}
    if iface in OPEN_COMMON:
        del common["additionalProperties"]
    if iface in UNTYPED_COMMON:
        del common["type"]
    out = {
        "$schema": DRAFT,
        "$id": BASE + "interfaces/%s.json" % name,
        "title": "%s %s" % (iface, " ".join(v["eventCode"])),
        "description": "One payload object {CommonBlock, CustomBlock} of %s event %s." % (iface, ", ".join(v["eventCode"])),
        "type": "object",
        "additionalProperties": False,
        "required": ["CommonBlock"] + (["CustomBlock"] if v["customBlocks"] else []),
        "properties": {"CommonBlock": common},
    }
    if v["customBlocks"]:
        xreq = [b for b in v["customBlocks"] if b in (v["customRequired"] or [])]
        xprops = {}
        for b in v["customBlocks"]:
            xprops[b] = {"$ref": blk + KEY_BLOCKS.get((name, b), b)}
            xprops[b].update(LIST_BOUNDS.get((iface, b), {}))
        custom = {"type": "object", "additionalProperties": False, "properties": xprops}
        if xreq:
            custom["required"] = xreq
        out["properties"]["CustomBlock"] = custom
    return out


def parse_roles(text):
    if not text or text.strip().lower() in ("not verified",):
        return []
    found = set()
    for code in ROLE_ORDER:
        if re.search(r"\b%s\b" % code, text):
            found.add(code)
    if re.search(r"\bRegistration Service\b", text):
        found.add("REGS")
    if re.search(r"\bSupplier\b", text):
        found.add("SUP")
    if re.search(r"\bDIP\b", text):
        found.add("DIP")
    # bare MS / DS (not followed by a parenthesised list of codes) mean every role of the kind
    if re.search(r"\bMS\b(?!\s*\()", text):
        found.update(MS_ROLES)
    if re.search(r"\bDS\b(?!\s*\()", text):
        found.update(DS_ROLES)
    return [r for r in ROLE_ORDER if r in found]


def code_holders(all_variants):
    """(interface, event code) -> the variants whose S0 eventCode enum holds the code."""
    holders = {}
    for v in all_variants:
        for code in v["eventCode"]:
            holders.setdefault((v["interfaceID"][0], code), []).append(v["schema"])
    return holders


def routed_codes(v, holders):
    """The event codes routed to variant v: those no other variant of its interface holds.
    A code in two alternatives of a payload's oneOf matches both, so the DIP schema accepts
    no message with it (IF-020 [RelatedAdd] and [RelatedRemove] are also in [RelatedCreate]'s
    enum); such a code is left uncovered rather than judged valid."""
    return [c for c in v["eventCode"] if len(holders[(v["interfaceID"][0], c)]) == 1]


def catalogue(cat, variants, holders, out_dir):
    entries = []
    for e in cat:
        ent = {
            "id": e["id"],
            "pub": e.get("pub"),
            "name": e["name"],
            "schemaVersion": e["schemaVersion"][0] if e["schemaVersion"] else None,
            "eventCodes": e["eventCodes"],
            "senders": parse_roles(e.get("sender", "")),
            "receivers": parse_roles(e.get("receiver", "")),
            "variants": {},
        }
        notes = []
        if not e.get("inSchema"):
            ent["inSchema"] = False
            notes.append("No schema in DIP API v2.1.0; not in the DT-000 interface enum.")
        else:
            ent["inSchema"] = True
        if e["id"].startswith("REP-"):
            ent["senders"] = ["ECS"]
            notes.append("Senders: Elexon Central Systems (role ECS, from the REP sender reference example; inferred for all REP). Receivers not stated.")
        if "Public" in (e.get("receiver") or ""):
            ent["publicReceivers"] = True
        if (e.get("sender") or "").strip().lower() == "not verified":
            notes.append("Sender and receiver not verified.")
        for v in variants:
            if v["interfaceID"][0] == e["id"]:
                path = "interfaces/%s.json" % v["schema"]
                if os.path.exists(os.path.join(out_dir, path)):
                    for code in routed_codes(v, holders):
                        ent["variants"][code] = path
        shared = sorted({c for (i, c), hs in holders.items() if i == e["id"] and len(hs) > 1},
                        key=e["eventCodes"].index)
        if shared and any(v["interfaceID"][0] == e["id"] for v in variants):
            notes.append("%s: each in the eventCode enum of two variants of the DIP's oneOf, which "
                         "therefore accepts no message of them; not covered." % ", ".join(shared))
        ent["senderProse"] = e.get("sender") or ""
        ent["receiverProse"] = e.get("receiver") or ""
        if notes:
            ent["notes"] = " ".join(notes)
        entries.append(ent)
    return {
        "catalogueVersion": "2.1.0-1",
        "source": "Interface ids, names, event codes and schema versions: DIP API specification v2.1.0 (via the project's domain notes). Senders/receivers: MHHS DES138 Interface Catalogue v5.8.8 via DIPScope (secondary), parsed into DIP role codes.",
        "interfaces": entries,
    }


def catalogue_schema():
    role = {"type": "string", "enum": ROLE_ORDER}
    return {
        "$schema": DRAFT,
        "$id": BASE + "catalogue.schema.json",
        "title": "mhhs-qual interface catalogue",
        "type": "object",
        "additionalProperties": False,
        "required": ["catalogueVersion", "source", "interfaces"],
        "properties": {
            "catalogueVersion": {"type": "string", "minLength": 1},
            "source": {"type": "string", "minLength": 1},
            "interfaces": {
                "type": "array",
                "minItems": 1,
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["id", "pub", "name", "schemaVersion", "eventCodes", "senders",
                                 "receivers", "variants", "inSchema"],
                    "properties": {
                        "id": {"type": "string", "pattern": r"^(IF-\d{3}|REP-\d{3}[A-Z]?)$"},
                        "pub": {"type": ["string", "null"], "pattern": r"^(PUB-\d{3}|REP-\d{3}[A-Z]?)$"},
                        "name": {"type": "string", "minLength": 1},
                        "schemaVersion": {"type": ["string", "null"], "pattern": r"^\d{3}$"},
                        "eventCodes": {"type": "array", "uniqueItems": True,
                                       "items": {"type": "string", "pattern": r"^\[[A-Za-z0-9-]+\]$"}},
                        "senders": {"type": "array", "uniqueItems": True, "items": role},
                        "receivers": {"type": "array", "uniqueItems": True, "items": role},
                        "variants": {
                            "type": "object",
                            "propertyNames": {"pattern": r"^\[[A-Za-z0-9-]+\]$"},
                            "additionalProperties": {"type": "string", "pattern": r"^interfaces/[A-Za-z0-9-]+\.json$"},
                        },
                        "inSchema": {"type": "boolean"},
                        "publicReceivers": {"type": "boolean"},
                        "senderProse": {"type": "string"},
                        "receiverProse": {"type": "string"},
                        "notes": {"type": "string"},
                    },
                },
            },
        },
    }


def envelope():
    payload = {
        "type": "object",
        "additionalProperties": False,
        "required": ["payload"],
        "properties": {
            "payload": {
                "description": "{CommonBlock, CustomBlock}; checked against its variant schema separately (S0.interfaceID + S0.eventCode, see catalogue.json).",
                "type": "object",
                "required": ["CommonBlock"],
                "properties": {"CommonBlock": {"type": "object"}, "CustomBlock": {"type": "object"}},
            }
        },
    }
    return {
        "$schema": DRAFT,
        "$id": BASE + "dip/envelope.json",
        "title": "DIP message arrays (ingress POST /dip-channel/{id}, egress webhook)",
        "$defs": {
            "message": payload,
            "ingressArray": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/message"}},
            "egressArray": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/message"}},
        },
    }


def standard_response():
    dtr = "../common/datatypes.json#/$defs/"
    keys = ["transactionID", "senderUniqueReference", "correlationID", "sentTimestamp", "senderID",
            "recipientID", "DIPConnectionProviderID", "message", "help", "serviceTicketURL"]
    return {
        "$schema": DRAFT,
        "$id": BASE + "dip/standard-response.json",
        "title": "StandardResponse: DIP answer to a submission, participant answer to a delivery",
        "type": "object",
        "required": ["messageArray", "timestamp"],
        "properties": {
            "messageArray": {
                "type": "array",
                "minItems": 1,
                "items": {
                    "type": "object",
                    "required": keys,
                    "properties": {
                        "transactionID": {"$ref": dtr + "DT-014N"},
                        "senderUniqueReference": {"$ref": dtr + "DT-995N"},
                        "correlationID": {"$ref": dtr + "DT-011N"},
                        "sentTimestamp": {"$ref": dtr + "DT-003"},
                        "senderID": {"$ref": dtr + "DT-006"},
                        "recipientID": {"$ref": dtr + "DT-006N"},
                        "DIPConnectionProviderID": {"$ref": dtr + "DT-006N"},
                        "message": {"$ref": dtr + "DT-005N",
                                    "description": "MSGnnnn / RCPnnnn code, ' - ', then the code's text"},
                        "help": {"$ref": dtr + "DT-019N"},
                        "serviceTicketURL": {"$ref": dtr + "DT-018N"},
                    },
                },
            },
            "timestamp": {"$ref": dtr + "DT-003"},
        },
    }


def dump(obj, path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, indent=2, ensure_ascii=False)
        f.write("\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--domain", default="../shared/domain")
    ap.add_argument("--out", default="schemas")
    a = ap.parse_args()
    try:
        cat = json.load(open(os.path.join(a.domain, "interface_catalogue.json")))
        allv = json.load(open(os.path.join(a.domain, "interface_variants.json")))
        blocks, order = parse_blocks(os.path.join(a.domain, "blocks_reference.txt"))
    except OSError as e:
        print("cannot read domain facts: %s" % e, file=sys.stderr)
        return 2
    dts = datatypes(cat)
    dump({"$schema": DRAFT, "$id": BASE + "common/datatypes.json",
          "title": "DIP data types (DT-nnn) as used by the mhhs-qual schemas",
          "description": "As loose as the DIP schema: timestamps and DIP IDs are length-checked only. The harness checks the stricter business rules itself.",
          "$defs": dts}, os.path.join(a.out, "common/datatypes.json"))

    holders = code_holders(allv + EXTRA_VARIANTS)
    variants = [v for v in allv + EXTRA_VARIANTS
                if v["interfaceID"][0] in INTERFACES and routed_codes(v, holders)]
    variants.sort(key=lambda v: (v["interfaceID"][0], [x["schema"] for x in allv + EXTRA_VARIANTS].index(v["schema"])))
    defs = {}
    for name in order:
        defs[name] = block_schema(name, blocks[name], dts)
    listed = set()
    for v in allv + EXTRA_VARIANTS:
        for b in v["customBlocks"]:
            if b.endswith("List"):
                listed.add(b)
    for b in sorted(listed):
        item = b[:-4]
        if item not in defs:
            raise SystemExit("no block %s for %s" % (item, b))
        defs[b] = {"title": "%s: list of %s" % (b, item), "type": "array", "items": {"$ref": "#/$defs/" + item}}
    for b in [b for v in variants for b in v["customBlocks"] + v["commonBlocks"]]:
        if b not in defs and b not in ("S0", "S2", "R1"):
            raise SystemExit("variant block %s not in blocks_reference" % b)
    dump({"$schema": DRAFT, "$id": BASE + "common/blocks.json",
          "title": "DIP CommonBlock and CustomBlock blocks",
          "description": "Written from the block facts in the project's domain notes (blocks_reference.txt). S0 is inline per variant.",
          "$defs": defs}, os.path.join(a.out, "common/blocks.json"))

    for v in variants:
        dump(variant_schema(v), os.path.join(a.out, "interfaces/%s.json" % v["schema"]))
    dump(envelope(), os.path.join(a.out, "dip/envelope.json"))
    dump(standard_response(), os.path.join(a.out, "dip/standard-response.json"))
    dump(catalogue(cat, variants, holders, a.out), os.path.join(a.out, "catalogue.json"))
    dump(catalogue_schema(), os.path.join(a.out, "catalogue.schema.json"))
    print("%d variants, %d blocks, %d data types" % (len(variants), len(defs), len(dts)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
