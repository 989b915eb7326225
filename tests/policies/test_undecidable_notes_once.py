"""eks-guardrails-undecidable gives each distinct note once (contracts §4), and the notes that must appear do.

Generated layouts whose node subnets route 0.0.0.0/0 to a target that cannot tell internet egress from inside the
stack (a NAT instance, inline or as an aws.ec2.Route, a network interface, a transit gateway) in several modes,
planes and forms, at preview, as deployed and from the written export; and the real-world programs whose notes
come from awsx VPCs, transit gateways and subnets outside the stack. Everything goes through `python -m preflight
--json`; no (policy, urn, message) may appear twice in any output."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from tests.policies.fixture_cases import PROGRAM
from tests.policies.policy_test_helpers import ROOT
from tests.policies.realworld.realworld_cases import CASES

UNDECIDABLE = "eks-guardrails-undecidable"
TARGETS = {"nat-instance": "a network interface", "nat-instance-route": "a network interface",
           "nat-eni": "a network interface", "transit-gateway": "a transit gateway"}
SHAPES = (("public-private", "managed", "raw"), ("public-private", "self-managed", "component"),
          ("public-private", "auto", "raw"), ("public-private", "fargate", "component"), ("public", "fargate", "raw"))
REALWORLD = ("awsx-template", "awsx-nat-none", "awsx-subnet-specs", "awsx-dns-default", "raw-vpc", "team-config",
             "stack-reference")


def _layouts():
    for mutation in TARGETS:
        for mode, plane, form in SHAPES:
            yield f"{mutation}-{mode}-{plane}-{form}", mutation, mode, {
                "aws:region": "us-east-1", "guardrails-fixture:form": form, "guardrails-fixture:mode": mode,
                "guardrails-fixture:plane": plane, "guardrails-fixture:mutation": mutation}


def _expected(mutation: str, mode: str, preview: bool) -> str:
    """The note the layout must give: the PrivateLink check cannot tell whether the private subnets' nodes have
    egress (public-private), the public-endpoint check whether they reach the endpoint (public). At preview the
    route's target is named; a deployed recording does not know the NAT instance's network interface id."""
    target = re.escape(TARGETS[mutation]) if preview else ".*"
    if mode == "public":
        return rf"\[eks-public-endpoint-node-egress\] node group .*private-0 .*default route (goes to {target}|is unknown)"
    return (r"\[eks-isolated-nodes-privatelink\] nodes in subnets private-0, private-1 may lack internet egress \("
            rf"(private-0 \S+ routes 0\.0\.0\.0/0 to {target}, which cannot tell|the target of the default route of "
            r"private-0 \S+ is unknown)")


def _preflight(*args):
    r = subprocess.run([sys.executable, "-m", "preflight", "--json", "-j1", *args], cwd=ROOT, capture_output=True,
                       text=True, timeout=300)
    assert r.returncode in (0, 1), (args, r.stderr[-2000:])
    return json.loads(r.stdout)


def _notes(doc) -> dict:
    return {r["source"]: [f"[{v['policy']}] {v['message']}" for v in r["violations"] if v["policy"] == UNDECIDABLE]
            for r in doc["results"]}


def _duplicates(doc) -> list:
    seen = Counter((r["source"], v["policy"], v["urn"], v["message"]) for r in doc["results"] for v in r["violations"])
    return [k for k, n in seen.items() if n > 1]


def test_each_note_once_and_the_expected_notes_appear(tmp_path):
    layouts = list(_layouts())
    files = []
    for name, _, _, config in layouts:
        f = tmp_path / f"Pulumi.{name}.yaml"
        f.write_text(json.dumps({"config": config}), encoding="utf-8")
        files += ["--config-file", str(f)]
    program = ["--program", str(PROGRAM)]
    exports = tmp_path / "exports"
    runs = {"preview": program + files, "deployed": program + files + ["--deployed", "--write-export", str(exports)]}
    runs.update({f"realworld {p}": ["--program", str(CASES[0].folder.parent / p), "--all"] for p in REALWORLD})
    with ThreadPoolExecutor(2) as pool:
        docs = dict(zip(runs, pool.map(lambda args: _preflight(*args), runs.values())))
    docs["export"] = _preflight(*[a for name, *_ in layouts for a in ("--export", str(exports / f"{name}.json"))])

    assert {n: _duplicates(d) for n, d in docs.items() if _duplicates(d)} == {}
    for path in ("preview", "deployed", "export"):
        notes = _notes(docs[path])
        assert sorted(notes) == sorted(name for name, *_ in layouts), (path, docs[path].get("errors"))
        for name, mutation, mode, _ in layouts:
            pattern = _expected(mutation, mode, path == "preview")
            assert any(re.search(pattern, n, re.S) for n in notes[name]), (path, name, pattern, notes[name])
    for case in CASES:
        if case.program in REALWORLD and case.notes_preview:
            notes = _notes(docs[f"realworld {case.program}"])[case.stack]
            for pattern in case.notes_preview:
                assert any(re.search(pattern, n) for n in notes), (case.id, pattern, notes)
