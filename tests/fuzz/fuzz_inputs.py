"""A deterministic generator of malformed and odd inputs for preflight, across its input kinds: exports,
stack files, policy configs and `Pulumi.yaml`.

`generate(bases, seed)` returns every Case: the same list for the same bases and seed. Each case is one
preflight run with one bad (or odd but valid) input and says what must happen:

- "reject": exit 2, stderr names the input file and every string of `names` (the key path or URN).
- "accept": exit 0 or 1 (a verdict), the input was usable.
- "judge": a property value of an unexpected type reaches the pack; a verdict (0/1) or exit 2 naming
  the resource.

The families: type confusion per field (each export field of ResourceV3, each stack-config key, each
policy-config setting), encodings (latin-1 and other invalid UTF-8 bytes, UTF-16/32 with and without a
byte-order mark, a UTF-8 BOM, encoded surrogates), JSON edge values (NaN, Infinity, numbers beyond a
float64, huge integers, unpaired surrogate escapes, deep nesting, syntax damage), YAML features
(duplicate keys, anchors and alias bombs, language tags, dates, YAML 1.1 booleans, floats, deep nesting,
several documents), sizes and special files (FIFO without a writer, a pipe with one, a folder,
`/dev/zero`, a symbolic-link loop, a sparse file past the size limit).
"""
from __future__ import annotations

import copy
import json
import random
from typing import Any, Callable


from tests.fuzz.fuzz_case import PALETTE, Case, as_json, kind_of
from tests.fuzz.fuzz_yaml_inputs import policy_cases, project_cases, stack_cases


# -- exports -------------------------------------------------------------------------------------

# ResourceV3 fields (sdk/go/common/apitype/core.go) and the JSON kinds that fill them.
EXPORT_FIELDS = {
    "urn": {"urn"}, "custom": {"bool"}, "delete": {"bool"}, "id": {"str"}, "type": {"str"}, "inputs": {"obj"},
    "outputs": {"obj"}, "parent": {"urn"}, "provider": {"providerref"}, "protect": {"bool"},
    "dependencies": {"urnlist"}, "propertyDependencies": {"propdeps"}, "created": {"time"},
    "modified": {"time"}, "external": {"bool"}, "aliases": {"urnlist"}, "importID": {"str"},
    "initErrors": {"strlist"}, "additionalSecretOutputs": {"strlist"}, "retainOnDelete": {"bool"},
}


def _fits(v: Any, want: set) -> bool:
    k = kind_of(v)
    if "urn" in want or "providerref" in want:
        return v == ""  # no palette value is a URN; "" is Go's zero value: not set (urn itself: required)
    if "time" in want:
        return False
    if "urnlist" in want or "strlist" in want:
        return k == "list" and (not v or ("strlist" in want and all(isinstance(x, str) for x in v)))
    if "propdeps" in want:
        return k == "obj" and all(isinstance(x, list) and not x for x in v.values())
    return k in want


def _export_cases(base: dict, rng: random.Random) -> list[Case]:
    out: list[Case] = []
    resources = base["deployment"]["resources"]
    custom = [i for i, r in enumerate(resources) if r.get("custom") and r.get("inputs")]

    def mutated(fn: Callable[[dict], Any]) -> bytes:
        doc = copy.deepcopy(base)
        fn(doc)
        return as_json(doc)

    # Type confusion: each field of one resource, each palette value of another kind.
    for field, want in EXPORT_FIELDS.items():
        for v in PALETTE:
            if _fits(v, want) and not (field in ("urn", "type") and v == ""):  # both required
                continue
            i = rng.choice(custom)
            urn = resources[i]["urn"]

            def put(doc, i=i, field=field, v=v):
                doc["deployment"]["resources"][i][field] = v
            names = (f"resource #{i}", "urn") if field == "urn" else (urn, field)
            out.append(Case(f"export/field/{field}={json.dumps(v)}", "export-field", "export",
                            mutated(put), "reject", names))
    # The containers.
    for v in PALETTE:
        if isinstance(v, list):
            continue
        out.append(Case(f"export/resources={json.dumps(v)}", "export-container", "export",
                        mutated(lambda d, v=v: d["deployment"].__setitem__("resources", v)),
                        "accept" if v == [] else "reject", ("resources",)))
        # An object fills DeploymentV3 (unknown fields are ignored): a stack without resources.
        out.append(Case(f"export/deployment={json.dumps(v)}", "export-container", "export",
                        mutated(lambda d, v=v: d.__setitem__("deployment", v)),
                        "accept" if isinstance(v, dict) else "reject", ("deployment",)))
        out.append(Case(f"export/version={json.dumps(v)}", "export-container", "export",
                        mutated(lambda d, v=v: d.__setitem__("version", v)), "reject", ("version",)))
        out.append(Case(f"export/resource-item={json.dumps(v)}", "export-container", "export",
                        mutated(lambda d, v=v: d["deployment"]["resources"].insert(1, v)), "reject",
                        ("resource #1",)))
    out.append(Case("export/resources=null", "export-container", "export",
                    mutated(lambda d: d["deployment"].__setitem__("resources", None)), "accept"))
    out.append(Case("export/top=list", "export-container", "export", b"[]", "reject", ("deployment",)))
    # Property values of unexpected types reach the policies (judged, not refused).
    for n in range(12):
        i = rng.choice(custom)
        r = resources[i]
        key = rng.choice(sorted(r["inputs"]))
        v = rng.choice(PALETTE + [None, "04da6b54-80e4-46f7-96ec-b56ff0331ba9"])

        def prop(doc, i=i, key=key, v=v):
            doc["deployment"]["resources"][i]["inputs"][key] = v
            doc["deployment"]["resources"][i].setdefault("outputs", {})[key] = v
        out.append(Case(f"export/property/{n}/{r['type']}.{key}={json.dumps(v)}", "export-property", "export",
                        mutated(prop), "judge", (r["urn"],)))
    # JSON edge values inside one resource's inputs.
    i = rng.choice(custom)
    urn = resources[i]["urn"]
    marker = "\u0001MARK\u0001"
    text = json.dumps(base, indent=1)
    for literal, expect in (("NaN", "reject"), ("Infinity", "reject"), ("-Infinity", "reject"),
                            ("1e400", "reject"), ("-1e309", "reject"), ("9" * 400, "reject"),
                            ("9" * 5000, "reject"), ("1" + "0" * 300, "accept"), ('"\\ud800"', "accept"),
                            ('"\\udfff x \\ud83d"', "accept"), ('"\\ud83d\\ude00"', "accept"),
                            ("1e-400", "accept"), ("-0", "accept"), ('"' + "x" * 2_000_000 + '"', "accept")):
        doc = copy.deepcopy(base)
        doc["deployment"]["resources"][i]["inputs"]["fuzzValue"] = marker
        body = json.dumps(doc, indent=1).replace(json.dumps(marker), literal).encode()
        out.append(Case(f"export/json/{literal[:24]}({len(literal)})", "export-json-value", "export", body, expect,
                        (urn, "fuzzValue") if expect == "reject" else ()))
    for depth, expect in ((20, "accept"), (70, "reject"), (3000, "reject")):
        for opener, closer in (("[", "]"), ('{"k":', "}")):
            doc = copy.deepcopy(base)
            doc["deployment"]["resources"][i]["inputs"]["fuzzDeep"] = marker
            body = json.dumps(doc).replace(json.dumps(marker), opener * depth + "1" + closer * depth).encode()
            names = (urn, "fuzzDeep") if depth < 1000 else ("nested",)
            out.append(Case(f"export/depth/{opener}{depth}", "export-json-depth", "export", body, expect,
                            names if expect == "reject" else ()))
    # Syntax damage.
    for n in sorted(rng.sample(range(10, len(text) - 10), 6)):
        out.append(Case(f"export/truncated@{n}", "export-json-syntax", "export", text[:n].encode(), "reject",
                        ("malformed JSON",)))
    out.append(Case("export/trailing-comma", "export-json-syntax", "export",
                    text.replace('"version": 3', '"version": 3,,').encode(), "reject", ("malformed JSON",)))
    out.append(Case("export/comment", "export-json-syntax", "export", ("// export\n" + text).encode(), "reject",
                    ("malformed JSON",)))
    out.append(Case("export/empty", "export-json-syntax", "export", b"", "reject", ("malformed JSON",)))
    out.append(Case("export/nul-bytes", "export-json-syntax", "export", b"\x00" * 64, "reject"))
    out += _encoding_cases("export", text.encode(), json_text=True)
    return out


# -- encodings (every kind) ----------------------------------------------------------------------

BAD_BYTES = {"latin-1": b"caf\xe9", "stray-continuation": b"\x80", "truncated-sequence": b"\xc3",
             "encoded-surrogate": b"\xed\xa0\x80", "overlong": b"\xc0\xaf", "five-byte": b"\xf8\x88\x80\x80\x80",
             "byte-ff": b"\xff"}


def _encoding_cases(kind: str, good: bytes, *, json_text: bool) -> list[Case]:
    out = []
    text = good.decode()
    anchor = good.index(b'"', good.index(b'"') + 1) if json_text else good.index(b"\n") + 1
    for name, bad in BAD_BYTES.items():
        if json_text:  # inside the first string value
            body = good[:anchor] + bad + good[anchor:]
        else:  # a comment line counts as much as a value: the file is not UTF-8
            body = good[:anchor] + b"# " + bad + b"\n" + good[anchor:]
        out.append(Case(f"{kind}/encoding/{name}", "encoding", kind, body, "reject", ("UTF-8",)))
    for codec, bom in (("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff"), ("utf-16-le", b""),
                       ("utf-32-le", b"\xff\xfe\x00\x00")):
        out.append(Case(f"{kind}/encoding/{codec}{'-bom' if bom else ''}", "encoding", kind,
                        bom + text.encode(codec), "reject", ("UTF-8",)))
    out.append(Case(f"{kind}/encoding/utf-8-bom", "encoding", kind, b"\xef\xbb\xbf" + good,
                    "reject" if json_text else "accept", ("byte-order mark",) if json_text else ()))
    return out


def _special_cases(kind: str, good: bytes) -> list[Case]:
    out = [Case(f"{kind}/special/{s}", "special-file", kind, None, "reject", names, special=s)
           for s, names in (("fifo-silent", ("arrived",)), ("dir", ("folder",)), ("devzero", ("device",)),
                            ("symlink-loop", ("symbolic links",)), ("sparse", ("MiB",)))]
    # A named FIFO something writes to; `<(cmd)` (no stack-file name possible: not for --config-file).
    out += [Case(f"{kind}/special/{s}", "special-file", kind, good, "accept", special=s)
            for s in ("fifo-writer", "procsub") if not (s == "procsub" and kind == "stack")]
    return out



def generate(bases: dict, seed: int = 12) -> list[Case]:
    """Every case, deterministic for `bases` (export dict, stack text, policy config dict) and `seed`."""
    rng = random.Random(seed)
    cases = _export_cases(bases["export"], rng)
    cases += _special_cases("export", as_json(bases["export"]))
    cases += stack_cases(bases["stack"], rng)
    cases += _encoding_cases("stack", bases["stack"].encode(), json_text=False)
    cases += _special_cases("stack", bases["stack"].encode())
    cases += policy_cases(bases["policy"], rng)
    cases += _encoding_cases("policy", as_json(bases["policy"]), json_text=True)
    cases += _special_cases("policy", as_json(bases["policy"]))
    cases += project_cases(rng)
    ids = [c.id for c in cases]
    assert len(ids) == len(set(ids)), "case ids must be unique"
    return cases


def sample(cases: list[Case], per_family: int = 1, seed: int = 12) -> list[Case]:
    """A deterministic sample: `per_family` cases of each family (and kind)."""
    rng = random.Random(seed)
    groups: dict[tuple, list[Case]] = {}
    for c in cases:
        groups.setdefault((c.kind, c.family), []).append(c)
    out = []
    for key in sorted(groups):
        out += rng.sample(groups[key], min(per_family, len(groups[key])))
    return out
