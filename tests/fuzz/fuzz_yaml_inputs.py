"""Generated stack files, policy configs and `Pulumi.yaml` files (see fuzz_inputs for the families)."""
from __future__ import annotations

import copy
import json
import random
from typing import Any

import yaml

from tests.fuzz.fuzz_case import PALETTE, Case, as_json, kind_of

NS = "eks-variants"
# The stack-config keys (contracts §2) and the kinds of value the program takes for each.
CONFIG_KEYS = {
    "endpointAccess": "enum", "dataPlane": "enum", "vpcCidr": "str", "availabilityZones": "int",
    "kubernetesVersion": "str", "publicAccessCidrs": "strlist", "nodes.instanceTypes": "strlist",
    "nodes.minSize": "int", "nodes.desiredSize": "int", "nodes.maxSize": "int", "nodes.diskSizeGiB": "int",
    "clusterLogTypes": "strlist", "secretsEncryption": "bool", "tags": "strmap",
    "privateLink.extraServices": "strlist", "nodes": "obj", "aws:region": "region",
}


def _wrong_for(kind: str, v: Any) -> bool:
    k = kind_of(v)
    if kind == "enum" or kind == "region":
        return k != "str" or v in ("", "x")
    if kind == "str":
        return k != "str" or v in ("", "x")  # neither is a CIDR nor a MAJOR.MINOR version
    if kind == "int":
        return k in ("bool", "list", "obj") or v in ("x", "", 2.5)
    if kind == "bool":
        return k != "bool"
    if kind == "strlist":
        return k != "list" or v == [1]
    if kind == "strmap":
        return k != "obj" or v == {"a": 1}
    if kind == "obj":
        return k != "obj" and k != "list"  # a list is not an object either, but [] reads as unset
    raise AssertionError(kind)


def _dump(doc: Any) -> bytes:
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True).encode()


def _with(base: dict, key: str, value: Any) -> dict:
    doc = copy.deepcopy(base)
    cfg = doc["config"]
    if key == "aws:region":
        cfg["aws:region"] = value
    elif "." in key:
        block, leaf = key.split(".")
        cfg.setdefault(f"{NS}:{block}", {})[leaf] = value
    else:
        cfg[f"{NS}:{key}"] = value
    return doc


def _bomb(levels: int, width: int) -> str:
    lines = [f"l0: &l0 [{', '.join(['lol'] * width)}]"]
    for i in range(1, levels):
        lines.append(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * width)}]")
    return "\n".join(lines) + "\n"


def _set_line(base_text: str, key: str, raw: str) -> bytes:
    """`key: raw` written as is (no YAML quoting) in place of the base file's own line for the key."""
    lines = [line for line in base_text.splitlines(keepends=True) if not line.startswith(f"  {key}:")]
    text = "".join(lines)
    return text.replace("config:\n", f"config:\n  {key}: {raw}\n", 1).encode()


def stack_cases(base_text: str, rng: random.Random) -> list[Case]:
    base = yaml.safe_load(base_text)
    out: list[Case] = []
    # Type confusion per key: every value of another kind, and the YAML 1.1 words yaml.v3 reads as text.
    for key, kind in CONFIG_KEYS.items():
        wrong = [v for v in PALETTE if _wrong_for(kind, v)]
        for v in rng.sample(wrong, min(4, len(wrong))):
            family = "stack-region" if key == "aws:region" else "stack-type"
            out.append(Case(f"stack/type/{key}={json.dumps(v)}", family, "stack", _dump(_with(base, key, v)),
                            "reject", (key.split(".")[-1],)))
    out.append(Case("stack/type/aws:region=mars-north-1", "stack-region", "stack",
                    _dump(_with(base, "aws:region", "mars-north-1")), "reject", ("aws:region",)))
    for word in ("yes", "on", "off", "y"):
        out.append(Case(f"stack/yaml11/secretsEncryption={word}", "stack-type", "stack",
                        _set_line(base_text, f"{NS}:secretsEncryption", word), "reject", ("secretsEncryption",)))
    out.append(Case("stack/yaml/float-version", "stack-yaml", "stack",
                    _set_line(base_text, f"{NS}:kubernetesVersion", "1.30"), "reject", ("kubernetesVersion",)))
    # YAML features.
    first_key = next(iter(base["config"]))
    feats = {
        "duplicate-config-key": (base_text.replace("config:\n", f"config:\n  {first_key}: x\n"), "reject",
                                 ("already defined",)),
        "duplicate-top-key": (base_text + "config: {}\n", "reject", ("already defined",)),
        "duplicate-nested-key": (base_text.replace("    minSize:", "    minSize: 1\n    minSize:"), "reject",
                                 ("already defined",)),
        "python-tag": (base_text.replace("config:\n", "config:\n  x:y: !!python/object/apply:os.getcwd []\n"),
                       "reject", ("python/object",)),
        "set-tag": (base_text.replace("config:\n", "config:\n  x:y: !!set {a, b}\n"), "reject", ("set",)),
        "omap-tag": (base_text.replace("config:\n", "config:\n  x:y: !!omap [a: 1]\n"), "reject", ("omap",)),
        "date-tag-value": (base_text.replace("  eks-variants:tags:\n", "  eks-variants:tags:\n    expires: "
                                             "2025-06-30\n    at: 2025-06-30T10:00:00Z\n"), "accept", ()),
        "small-alias": ("defaults: &d\n  team: platform\n" + base_text.replace(
            "  eks-variants:tags:\n    team: platform\n", "  eks-variants:tags:\n    <<: *d\n"), "accept", ()),
        "two-documents": (base_text + "---\nconfig: {}\n", "reject", ("another document",)),
        "tab-indent": (base_text.replace("  aws:region", "\taws:region"), "reject", ("malformed YAML",)),
        "top-list": ("- config\n", "reject", ("mapping",)),
        "top-scalar": ("just text\n", "reject", ("mapping",)),
        "config-list": ("config:\n  - a\n", "reject", ("config",)),
        "key-two-colons": (base_text.replace("config:\n", "config:\n  a:b:c: 1\n"), "reject", ("a:b:c",)),
        "key-number": (base_text.replace("config:\n", "config:\n  17: 1\n"), "reject", ("17",)),
        # (a typo of a key Pulumi.yaml types without a default is the CLI's "missing value" instead)
        "key-typo": (base_text.replace(f"{NS}:vpcCidr", f"{NS}:vpcCdir"), "reject", ("vpcCdir", "vpcCidr")),
        "empty-file": ("", "reject", ("endpointAccess",)),
        "deep-unrelated": ("x-deep: " + "[" * 50 + "]" * 50 + "\n" + base_text, "accept", ()),
        "deep-config": (base_text.replace("config:\n", "config:\n  x:y: " + "[" * 150 + "]" * 150 + "\n"), "reject",
                        ("nested",)),
        "big-comment": ("#" + "x" * 3_000_000 + "\n" + base_text, "accept", ()),
        "nul-byte": (base_text.replace("platform", "plat\x00form"), "reject", ("NUL",)),
    }
    for levels, width in ((9, 9), (7, 10), (rng.randint(5, 8), rng.randint(6, 12))):
        feats[f"alias-bomb-{levels}x{width}"] = (_bomb(levels, width) + base_text, "reject", ("aliasing",))
        feats[f"alias-bomb-in-config-{levels}x{width}"] = (
            base_text.replace("config:\n", "config:\n  x:bomb:\n" + "".join(
                "    " + line + "\n" for line in _bomb(levels, width).splitlines())), "reject", ("aliasing",))
    for name, (text, expect, names) in feats.items():
        out.append(Case(f"stack/yaml/{name}", "stack-yaml", "stack", text.encode(), expect, names))
    # Stack names: the CLI's `^[A-Za-z0-9_.-]{1,100}$`.
    for stack, expect in (("a::b", "reject"), ("a b", "reject"), ("prod\u00e9", "reject"), ("x" * 101, "reject"),
                          ("a$b", "reject"), ("x" * 100, "accept"), ("a.b_c-1", "accept")):
        out.append(Case(f"stack/name/{stack[:30]}({len(stack)})", "stack-name", "stack", base_text.encode(), expect,
                        ("stack name",) if expect == "reject" else (), stack_name=stack))
    return out


def policy_cases(base: dict, rng: random.Random) -> list[Case]:
    out: list[Case] = []
    policy = next(p for p, v in base.items() if isinstance(v, dict) and len(v) > 1)
    prop = next(k for k in base[policy] if k != "enforcementLevel")

    def case(cid, family, doc_or_bytes, expect, names=()):
        body = doc_or_bytes if isinstance(doc_or_bytes, bytes) else as_json(doc_or_bytes)
        out.append(Case(f"policy/{cid}", family, "policy", body, expect, names))

    for v in PALETTE:
        if kind_of(v) not in ("obj",):
            case(f"value={json.dumps(v)}", "policy-type", dict(base, **{policy: v}), "reject", (policy,))
        if v != "x" and kind_of(v) != "str":
            case(f"level={json.dumps(v)}", "policy-type", dict(base, **{policy: {"enforcementLevel": v}}), "reject",
                 (policy,))
        if kind_of(v) != "list":
            case(f"property={json.dumps(v)}", "policy-type", dict(base, **{policy: dict(base[policy], **{prop: v})}),
                 "reject", (policy, prop))
    case("level=strict", "policy-type", dict(base, **{policy: "strict"}), "reject", (policy,))
    for top in ([], "x", 5, True):
        case(f"top={json.dumps(top)}", "policy-type", json.dumps(top).encode(), "reject", ("object",))
    case("top=null", "policy-type", b"null", "accept")
    case("empty", "policy-type", b"", "accept")
    # a key naming no policy of the pack is refused, naming it (issue 22 class 9: a renamed policy's config
    # would otherwise stop applying silently; guardrails/config_names.py)
    case("unknown-policy", "policy-type", dict(base, **{"no-such-policy": "advisory"}), "reject", ("no-such-policy",))
    text = json.dumps(base)
    for literal in ("NaN", "Infinity", "-Infinity", "1e400", "9" * 5000):
        body = text.replace('"enforcementLevel"', f'"fuzzKey": {literal}, "enforcementLevel"', 1).encode()
        case(f"json/{literal[:12]}", "policy-json", body, "reject", ("fuzzKey",))
    for depth, names in ((70, ("nested",)), (3000, ("nested",))):
        case(f"depth/{depth}", "policy-json", ('{"all": "advisory", "x": ' + "[" * depth + "]" * depth + "}").encode(),
             "reject", names)
    for n in sorted(rng.sample(range(2, len(text) - 2), 3)):
        case(f"truncated@{n}", "policy-json", text[:n].encode(), "reject", ("malformed JSON",))
    return out


def project_cases(rng: random.Random) -> list[Case]:
    good = "name: fuzz-project\nruntime: python\n"
    texts = {
        "no-name": "runtime: python\n", "name-number": "name: 5\nruntime: python\n",
        "runtime-number": "name: p\nruntime: 5\n", "runtime-nodejs": "name: p\nruntime: nodejs\n",
        "duplicate-key": good + "name: other\n", "python-tag": good + "x: !!python/name:os.system\n",
        "alias-bomb": _bomb(8, 9) + good, "config-list": good + "config: [a]\n", "top-list": "- name\n",
        "deep": good + "x: " + "{a: " * 150 + "1" + "}" * 150 + "\n", "tabs": "name: p\n\truntime: python\n",
    }
    out = [Case(f"project/{k}", "project", "project", v.encode(), "reject", ("Pulumi.yaml",))
           for k, v in texts.items()]
    out.append(Case("project/latin-1", "project", "project", (good + "description: caf\xe9\n").encode("latin-1"),
                    "reject", ("UTF-8",)))
    out.append(Case("project/utf-16", "project", "project", b"\xff\xfe" + good.encode("utf-16-le"), "reject",
                    ("UTF-8",)))
    for special, names in (("fifo-silent", ("arrived",)), ("dir", ("folder",))):
        out.append(Case(f"project/special/{special}", "project", "project", None, "reject", names,
                        special=special))
    return out
