"""`python -m eks_variants new-stack NAME --variant <mode>-<plane> --region R [--set key=value ...]`.

Writes `stacks/Pulumi.team-NAME.yaml` from the variant's reference stack (`stacks/Pulumi.<variant>.yaml`),
after checking it with the code preflight and the program use (`preflight.inputs.stack_files.runtime_config`, the CLI's
view of the file; `stack_config.check`, the program's validation; `stack_config.choose_zones` against the
zones preflight's invoke mocks answer for the region), then runs preflight on it. Nothing is written when a
check fails, an existing file is never overwritten, and the file is removed again if preflight rejects it.

Team stacks live in `stacks/` under a `team-` prefix, not in a folder of their own: the Pulumi CLI reads a
stack's settings from exactly `<stackConfigDir>/Pulumi.<stack>.yaml` (pulumi/pulumi
sdk/go/common/workspace/paths.go, `ProjectStackPath`), and `stackConfigDir` is one folder, so a file in
`stacks/teams/` would be found by `pulumi stack select` only with `--config-file` on every command.
"""
from __future__ import annotations

import copy
import json
import dataclasses
import difflib
import re
import shlex
import tempfile
import sys
from pathlib import Path
from typing import Any, Optional, get_args

import yaml

import stack_config
from preflight.errors import InputError
from preflight.inputs.file_reader import display_path
from preflight.inputs.stack_files import (ConfigTypeErrors, Project, load_project, load_stack_file, runtime_config,
                                          stack_file_for)
from preflight.program import invokes
from stack_config.schema import DataPlane, EndpointAccess

from .stack_schema import MODELINE, REPO_ROOT, stack_file_schema
from .team_stacks import TEAM_STACK_PREFIX, is_team_stack
from .team_values import DEFAULT_VPC_POOL, parse_access_entry, team_vpc_range, without_documentation_ranges

_TEAM_NAME = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")


def variants() -> list[str]:
    """Every `<mode>-<plane>` the config model allows, in the model's order."""
    return [f"{mode}-{plane}" for mode in get_args(EndpointAccess) for plane in get_args(DataPlane)]


def team_stack_name(team: str) -> str:
    return f"{TEAM_STACK_PREFIX}{team}"


@dataclasses.dataclass
class Request:
    team: str
    variant: str
    region: str
    sets: list[str] = dataclasses.field(default_factory=list)
    access_entries: list[str] = dataclasses.field(default_factory=list)  # `ARN=ACCESS[:NAMESPACE,...]`
    vpc_pool: str = DEFAULT_VPC_POOL


@dataclasses.dataclass
class Planned:
    """A checked stack file, not yet written."""
    path: Path
    stack: str
    text: str
    settings: stack_config.StackSettings
    reference: Path
    notes: list[str] = dataclasses.field(default_factory=list)


def _close(value: str, choices: list[str]) -> str:
    match = difflib.get_close_matches(value, choices, n=1, cutoff=0.6)
    return f"; did you mean {match[0]!r}?" if match else ""


def _check_team(team: str) -> list[str]:
    if _TEAM_NAME.match(team):
        if is_team_stack(team):
            return [f"NAME {team!r}: give the team's name without the {TEAM_STACK_PREFIX!r} prefix "
                    f"(the stack is named {TEAM_STACK_PREFIX}NAME), e.g. {team[len(TEAM_STACK_PREFIX):]!r}"]
        return []
    return [f"NAME {team!r}: a team name is a DNS-1123 label (lower-case letters, digits and '-', starting and "
            "ending with a letter or digit, at most 63 characters), e.g. 'payments'"]


def _property_schema(schema: dict[str, Any], key: str, path: list[str]) -> Optional[dict[str, Any]]:
    """The schema of `key` (`namespace:name`) and the nested `path` below it, or None where unknown."""
    node = schema["properties"]["config"]["properties"].get(key)
    for part in path:
        if node is None:
            return None
        if "$ref" in node:
            node = schema["$defs"][node["$ref"].rsplit("/", 1)[-1]]
        extra = node.get("additionalProperties")
        node = (node.get("properties") or {}).get(part, extra if isinstance(extra, dict) else None)
    return node


def _wants_text(node: Optional[dict[str, Any]]) -> bool:
    if node is None:
        return False
    if node.get("type") == "string":
        return True
    return bool(node.get("enum")) and all(isinstance(v, str) for v in node["enum"])


def apply_sets(config: dict[str, Any], sets: list[str], namespace: str, schema: dict[str, Any]) -> list[str]:
    """Apply `key=value` (key `name`, `name.nested` or `namespace:name`) to config; the problems found.

    Values are read as YAML (`3`, `true`, `[m6i.large, m7i.large]`) except where the schema wants text
    (`kubernetesVersion=1.30` stays the string "1.30")."""
    problems = []
    for item in sets:
        key_path, sep, text = item.partition("=")
        if not sep or not key_path:
            problems.append(f"--set {item!r}: expected key=value (e.g. nodes.maxSize=6)")
            continue
        key, _, nested = key_path.partition(".")  # `eks-variants:nodes.minSize` -> `eks-variants:nodes`, `minSize`
        full = key if ":" in key else f"{namespace}:{key}"
        path = [p for p in nested.split(".") if p] if nested else []
        if _wants_text(_property_schema(schema, full, path)):
            value: Any = text
        else:
            try:
                value = yaml.safe_load(text) if text else text
            except yaml.YAMLError:
                value = text
        if not path:
            config[full] = value
            continue
        parent = config.setdefault(full, {})
        for part in path[:-1]:
            parent = parent.setdefault(part, {}) if isinstance(parent, dict) else None
        if not isinstance(parent, dict):
            problems.append(f"--set {item!r}: {full}{'.' + '.'.join(path[:-1]) if path[:-1] else ''} is not an "
                            "object in the stack file")
            continue
        parent[path[-1]] = value
    return problems


class _StackFileDumper(yaml.SafeDumper):
    """Block mappings, flow lists of scalars: the reference stacks' style (`instanceTypes: [m6i.large]`)."""


_StackFileDumper.add_representer(
    list, lambda dumper, data: dumper.represent_sequence(
        "tag:yaml.org,2002:seq", data, flow_style=not any(isinstance(i, (dict, list)) for i in data)))


def _header_comments(reference: Path) -> list[str]:
    """The reference stack's leading comment block (what the variant is), without its modeline."""
    lines = []
    for line in reference.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        if not line.startswith("# yaml-language-server:"):
            lines.append(line)
    return lines


def render(request: Request, stack: str, reference: Path, config: dict[str, Any], project: Project) -> str:
    command = ["python", "-m", "eks_variants", "new-stack", request.team, "--variant", request.variant,
               "--region", request.region, *(a for s in request.sets for a in ("--set", s)),
               *(a for e in request.access_entries for a in ("--access-entry", e)),
               *(["--vpc-pool", request.vpc_pool] if request.vpc_pool != DEFAULT_VPC_POOL else [])]
    lines = [
        MODELINE,
        f"# Team stack `{stack}`, owned by team {request.team}. Written by",
        f"#   {shlex.join(command)}",
        f"# from the reference stack stacks/{reference.name} (maintained by the platform team). Edit it freely;",
        f"# check it offline with `.venv/bin/python -m preflight --stack {stack}` before `pulumi up`.",
        "#",
        *_header_comments(reference),
        "config:",
    ]
    for key, value in config.items():
        bare = key.split(":", 1)[1] if key.startswith(f"{project.name}:") else None
        declared = project.config.get(bare) if bare else None
        if isinstance(declared, dict) and declared.get("description"):
            lines.append(f"  # {declared['description']}")
        dumped = yaml.dump({key: value}, Dumper=_StackFileDumper, default_flow_style=False, sort_keys=False,
                           width=100, allow_unicode=True)
        lines.extend(f"  {line}" for line in dumped.rstrip("\n").splitlines())
    return "\n".join(lines) + "\n"


def plan(request: Request, program_dir: Path = REPO_ROOT) -> Planned:
    """Check everything and render the file; InputError with one line per problem (nothing written)."""
    project = load_project(program_dir)
    problems = _check_team(request.team)
    known = variants()
    if request.variant not in known:
        problems.append(f"--variant {request.variant!r} is not a variant{_close(request.variant, known)} "
                        f"(variants: {', '.join(known)})")
    stack = team_stack_name(request.team)
    path = Path(project.stack_config_dir) / f"Pulumi.{stack}.yaml"
    existing = [p for p in (path, path.with_suffix(".yml")) if p.exists()]  # the CLI reads either
    if not problems and existing:
        problems.append(f"{_display(existing[0])} already exists; new-stack never overwrites a stack file "
                        "(edit it, or delete it first)")
    if problems:
        raise InputError(problems)
    reference = Path(stack_file_for(project, request.variant))
    config = copy.deepcopy(load_stack_file(reference).config)
    config["aws:region"] = request.region
    config[f"{project.name}:tags"] = {"team": request.team}
    notes, team_problems = _team_values(config, request, project, path)
    set_problems = apply_sets(config, request.sets, project.name, stack_file_schema(program_dir))
    if set_problems or team_problems:
        raise InputError(set_problems + team_problems)
    vpc_problems: list[str] = []
    if _was_set(request, "vpcCidr", project):  # a range of the team's own: it must not overlap another stack
        _, vpc_problems = team_vpc_range(project, None, request.vpc_pool, path,
                                         chosen=config.get(f"{project.name}:vpcCidr"))
    # The CLI's view of the file (declared types, defaults from Pulumi.yaml), then the program's validation;
    # type errors come with the program's own errors, as preflight reports them (preflight/program/record.py).
    type_problems: list[str] = []
    try:
        wire, _, _ = runtime_config(config, project, stack=stack)
    except ConfigTypeErrors as e:
        (wire, _, _), type_problems = e.result, list(e.problems)
    except InputError as e:
        raise e.in_context(source=_display(path)) from None
    try:
        settings = stack_config.check(project.name, wire)
        # The zones the program's get_availability_zones invoke gets from preflight offline.
        offered = invokes.answer("aws:index/getAvailabilityZones:getAvailabilityZones", {"state": "available"},
                                 request.region)
        stack_config.choose_zones(offered["names"], offered["zoneIds"], settings.zone_count,
                                  settings.availability_zone_ids, request.region, project.name)
    except stack_config.StackConfigError as exc:
        raise InputError(type_problems + exc.problems + vpc_problems, source=_display(path)) from None
    if type_problems or vpc_problems:
        raise InputError(type_problems + vpc_problems, source=_display(path))
    return Planned(path=path, stack=stack, text=render(request, stack, reference, config, project),
                   settings=settings, reference=reference, notes=notes)


def _was_set(request: Request, key: str, project: Project) -> bool:
    return any(s.split("=", 1)[0] in (key, f"{project.name}:{key}") for s in request.sets)


def _team_values(config: dict[str, Any], request: Request, project: Project, path: Path) -> tuple[list[str], list[str]]:
    """What the team gets instead of the reference's principals, example address ranges and VPC range
    (``team_values.py``): (notes for the user, problems)."""
    ns = project.name
    notes: list[str] = []
    problems: list[str] = []
    config.pop(f"{ns}:accessEntries", None)
    entries = []
    for text in request.access_entries:
        entry, problem = parse_access_entry(text)
        problems += [problem] if problem else []
        entries += [entry] if entry else []
    if entries:
        config[f"{ns}:accessEntries"] = entries
    else:
        notes.append("no accessEntries: only the identity that runs `pulumi up` gets access; give your team's roles "
                     "with --access-entry ARN=cluster-admin (or edit the file)")
    cidrs_key = f"{ns}:publicAccessCidrs"
    if cidrs_key in config and not _was_set(request, "publicAccessCidrs", project):
        kept, dropped = without_documentation_ranges(config[cidrs_key])
        if dropped:
            if kept:
                config[cidrs_key] = kept
            else:
                del config[cidrs_key]
            notes.append(f"publicAccessCidrs: left out the reference stack's documentation ranges {', '.join(dropped)} "
                         "(they admit nobody); the public endpoint is open to 0.0.0.0/0 until you list your own: "
                         f"--set 'publicAccessCidrs=[<your egress CIDR>]' (or edit {_display(path)})")
    if not _was_set(request, "vpcCidr", project):
        chosen, vpc_problems = team_vpc_range(project, config.get(f"{ns}:vpcCidr"), request.vpc_pool, path)
        problems += vpc_problems
        if chosen:
            config[f"{ns}:vpcCidr"] = chosen
    return notes, problems


def write(planned: Planned) -> None:
    planned.path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(planned.path, "x", encoding="utf-8") as out:  # "x": never overwrite, even in a race
            out.write(planned.text)
    except FileExistsError:
        raise InputError(f"{_display(planned.path)} already exists; new-stack never overwrites a stack file") from None


def _display(path: Path) -> str:
    return display_path(str(path))


def _monthly_cost(report_json: Path) -> Optional[str]:
    """The stack's estimated monthly cost from preflight's report document, as one phrase."""
    try:
        cost = json.loads(report_json.read_text())["results"][0]["cost"]
    except (OSError, ValueError, KeyError, IndexError):
        return None
    unpriced = len(cost.get("unpriced", []))
    return f"${cost['monthlyTotal']:,.2f}" + (f" + {unpriced} unpriced" if unpriced else "")


def run(request: Request, *, program_dir: Path = REPO_ROOT, check_with_preflight: bool = True,
        out=sys.stdout, err=sys.stderr) -> int:
    """The command: 0 written and preflight passes; 2 bad input (nothing written); preflight's status if it
    rejects the new file (which is then removed)."""
    from components.variant import describe

    try:
        planned = plan(request, program_dir)
        write(planned)
    except InputError as e:
        for line in e.lines():
            err.write(f"new-stack: {line}\n")
        return 2
    print(f"wrote {_display(planned.path)}: {planned.settings.variant} in {request.region}, "
          f"from stacks/{planned.reference.name}", file=out)
    cost = None
    if check_with_preflight:
        from preflight.cli import main as preflight_main

        out.flush()
        with tempfile.TemporaryDirectory() as report_dir:
            status = preflight_main(["--stack", planned.stack, "--program", str(program_dir),
                                     "--report", report_dir])
            cost = _monthly_cost(Path(report_dir) / "report.json")
        if status != 0:
            planned.path.unlink()
            err.write(f"new-stack: preflight rejected {_display(planned.path)} (exit {status}); removed it\n")
            return status
    print(f"variant: {describe(planned.settings)}", file=out)
    if cost:
        print(f"estimated monthly cost: {cost} (preflight --report; usage-priced items not included)", file=out)
    for note in planned.notes:
        print(f"note: {note}", file=out)
    print("next:", file=out)
    print(f"  pulumi stack select {planned.stack} --create   # reads {_display(planned.path)}", file=out)
    print("  pulumi preview --policy-pack policies", file=out)
    print("  pulumi up --policy-pack policies", file=out)
    return 0
