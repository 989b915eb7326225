"""The outputs CI systems read (`--output sarif|junit|github`), from the same entries as the JSON document.

- SARIF 2.1.0 (GitHub code scanning): one rule per policy of the pack (id, name, short and full description,
  help text and page, default level, kind and severity), one result per violation at the program file and
  line that registered the resource, else at the input file (stack file or export); an exempted violation is
  a `note` of the exempted policy's rule with an accepted external suppression carrying its reason.
- JUnit XML: a test suite per input, a test case per stack x policy; mandatory violations are the case's
  failure, advisory and exempted ones its system-out, a policy the config disables is skipped; an input
  that could not be used is an error case.
- GitHub workflow commands: `::error|warning|notice file=…,line=…,title=…::message`, one per violation.
"""
from __future__ import annotations

import hashlib
import json
import os
from typing import Optional
from xml.etree import ElementTree as ET

from .findings import Finding, PolicyMeta, findings, meta_of, rule_of
from ..inputs.file_reader import display_path

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_LEVELS = {"mandatory": "error", "remediate": "error", "advisory": "warning", "disabled": "none"}
GITHUB_COMMANDS = {"mandatory": "error", "remediate": "error", "advisory": "warning"}


def _location(f: Finding, program_dir: Optional[str]) -> tuple[str, int]:
    """(file as the repository sees it, line): the program's line, else line 1 of the input."""
    if f.source and program_dir:
        return display_path(os.path.join(program_dir, f.source["file"])), int(f.source["line"])
    return f.input, 1


def repository_url(page: str) -> Optional[str]:
    """An absolute link to a repository-relative page where the CI says where the repository is (GitHub Actions:
    GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_SHA), else None: a page is never linked to a guessed location."""
    if not page or "://" in page:
        return page or None
    server, repo = os.environ.get("GITHUB_SERVER_URL"), os.environ.get("GITHUB_REPOSITORY")
    if not (server and repo):
        return None
    return f"{server.rstrip('/')}/{repo}/blob/{os.environ.get('GITHUB_SHA') or 'HEAD'}/{page.lstrip('/')}"


def _short(meta: PolicyMeta) -> str:
    first = meta.description.split(". ", 1)[0].rstrip(".")
    return f"{meta.name}: {first}." if first else meta.name


def _rules(catalog: dict, found: list) -> list[PolicyMeta]:
    rules = dict(catalog)
    for f in found:
        for m in (f.meta, rule_of(f, catalog)):
            rules.setdefault(m.name, m)
    return list(rules.values())


def sarif(entries: list, catalog: dict, pack_name: str, pack_version: str, program_dir: Optional[str],
          code: int) -> dict:
    found = findings(entries, catalog)
    rules = _rules(catalog, found)
    index = {m.name: i for i, m in enumerate(rules)}
    sarif_rules = []
    for m in rules:
        rule: dict = {"id": m.id, "name": m.name, "shortDescription": {"text": _short(m)},
                      "fullDescription": {"text": m.description or m.name},
                      "defaultConfiguration": {"level": SARIF_LEVELS.get(m.level, "warning")},
                      "properties": {"tags": [t for t in (m.kind, m.severity and f"severity:{m.severity}") if t]}}
        link = repository_url(m.url)
        if link:
            rule["helpUri"] = link
        help_text = m.remediation or m.description
        if help_text:
            rule["help"] = {"text": help_text + (f" See {m.url}" if m.url else "")}
        sarif_rules.append(rule)
    results = []
    for f in found:
        rule = rule_of(f, catalog)
        uri, line = _location(f, program_dir)
        result: dict = {
            "ruleId": rule.id, "ruleIndex": index[rule.name],
            "level": "note" if f.exempted else SARIF_LEVELS.get(f.level, "warning"),
            "message": {"text": f"[{f.stack}] {f.text()}"},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"},
                                                "region": {"startLine": line}},
                           "logicalLocations": [{"fullyQualifiedName": f.urn or f.stack, "kind": "resource"}]}],
            "partialFingerprints": {"preflightFinding/v1": hashlib.sha256(
                "\n".join((f.stack, rule.name, f.urn)).encode()).hexdigest()[:32]},
            "properties": {"stack": f.stack, "urn": f.urn, "policy": f.policy, "enforcementLevel": f.level},
        }
        if f.exempted:
            result["suppressions"] = [{"kind": "external", "status": "accepted",
                                       "justification": f"{f.exemption['reason']} (until {f.exemption['expires']})"}]
        results.append(result)
    notes = [{"level": "error", "message": {"text": f"{e.stack}: {line}"}}
             for e in entries if not e.usable for line in e.errors]
    invocation: dict = {"executionSuccessful": code != 2, "exitCode": code}
    if notes:
        invocation["toolExecutionNotifications"] = notes
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [{
        "tool": {"driver": {"name": pack_name or "preflight", "version": pack_version or "0",
                            **({"informationUri": info} if (info := repository_url("docs/preflight.md")) else {}),
                            "rules": sarif_rules}},
        "invocations": [invocation],
        "results": results,
    }]}


def dumps_sarif(doc: dict) -> str:
    return json.dumps(doc, indent=2)


def junit(entries: list, catalog: dict, levels: Optional[dict] = None) -> str:
    """`levels`: policy -> the enforcement level the run used (the reconciled config), for skipped cases."""
    levels = levels or {}
    suites = ET.Element("testsuites", name="preflight")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    by_stack: dict[str, list] = {}
    for f in findings(entries, catalog):
        by_stack.setdefault(f.stack, []).append(f)
    for e in entries:
        suite = ET.SubElement(suites, "testsuite", name=e.stack)
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        if not e.usable:
            case = ET.SubElement(suite, "testcase", classname=e.stack, name="input", file=e.input)
            err = ET.SubElement(case, "error", message=e.errors[0] if e.errors else "could not be used",
                                type="input")
            err.text = "\n".join(e.errors)
            counts.update(tests=1, errors=1)
        else:
            per_policy: dict[str, list] = {}
            for f in by_stack.get(e.stack, []):  # an exempted violation counts against the exempted policy
                per_policy.setdefault(rule_of(f, catalog).name, []).append(f)
            for name in list(catalog) + sorted(set(per_policy) - set(catalog)):
                meta = meta_of(catalog, name)
                case = ET.SubElement(suite, "testcase", classname=e.stack, name=f"{meta.id} {name}",
                                     file=e.input)
                counts["tests"] += 1
                vs = per_policy.get(name, [])
                if levels.get(name) == "disabled" and not vs:
                    ET.SubElement(case, "skipped", message="disabled by the policy config")
                    counts["skipped"] += 1
                    continue
                blocking = [f for f in vs if f.level in ("mandatory", "remediate")]
                if blocking:
                    fail = ET.SubElement(case, "failure", type="mandatory",
                                         message=f"{len(blocking)} mandatory violation{'s' if len(blocking) > 1 else ''}")
                    fail.text = "\n\n".join(_junit_text(f) for f in blocking)
                    counts["failures"] += 1
                others = [f for f in vs if f not in blocking]
                if others:
                    ET.SubElement(case, "system-out").text = "\n\n".join(_junit_text(f) for f in others)
        for k, v in counts.items():
            suite.set(k, str(v))
            totals[k] += v
    for k, v in totals.items():
        suites.set(k, str(v))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode")


def _junit_text(f: Finding) -> str:
    where = f" ({f.source['file']}:{f.source['line']})" if f.source else ""
    head = f"[{'exempted' if f.exempted else f.level}] {f.urn}{where}"
    return f"{head}\n{f.message}"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github(entries: list, catalog: dict, program_dir: Optional[str]) -> str:
    """GitHub Actions workflow commands, one line per violation and per input that could not be used."""
    lines = []
    for f in findings(entries, catalog):
        command = "notice" if f.exempted else GITHUB_COMMANDS.get(f.level, "warning")
        rule = rule_of(f, catalog)
        uri, line = _location(f, program_dir)
        title = f"{rule.id} {rule.name}" + (" (exempted)" if f.exempted else "") + f" [{f.stack}]"
        props = f"file={_escape_property(uri)},line={line},title={_escape_property(title)}"
        lines.append(f"::{command} {props}::{_escape_data(f.urn + chr(10) + f.text())}")
    for e in entries:
        if not e.usable:
            for line in e.errors:
                lines.append(f"::error file={_escape_property(e.input)},title=preflight::{_escape_data(line)}")
    return "\n".join(lines)
