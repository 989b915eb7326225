"""Reading `Pulumi.yaml` and `Pulumi.<stack>.yaml`, and turning stack config into what the CLI passes a
program (the `PULUMI_CONFIG` map: every value a string, structured values as JSON)."""
from __future__ import annotations

import copy
import difflib
import dataclasses
import json
import os
import re
import sys
from pathlib import Path
from typing import Any, Optional

from ..errors import InputError
from .file_reader import MIB, read_input_text
from .yaml_reader import load_yaml

YAML_FILE_LIMIT = 16 * MIB
_STACK_FILE_RE = re.compile(r"^Pulumi\.(?P<name>[^/\\]+)\.ya?ml$")


@dataclasses.dataclass
class StackFile:
    name: str
    config: dict
    path: Optional[str] = None
    environment: Any = None  # the `environment:` imports (Pulumi ESC), which preflight cannot resolve


@dataclasses.dataclass
class Project:
    name: str
    directory: str
    main: str  # folder holding __main__.py
    stack_config_dir: str
    config: dict  # the `config:` declarations of Pulumi.yaml
    runtime_options: dict = dataclasses.field(default_factory=dict)  # `runtime.options` (virtualenv, toolchain)
    path: str = ""  # the Pulumi.yaml file itself


# Parsed `Pulumi.yaml` texts: the recorder loads the project once per stack, and the pure-Python YAML
# parser takes ~10 ms for it. Keyed by path and full text, so an edited file is parsed again.
_PARSED: dict[tuple[str, str], Any] = {}


def _read_yaml(path: Path, what: str, *, reuse: bool = False) -> Any:
    text = read_input_text(path, what, YAML_FILE_LIMIT, bom_allowed=True)
    key = (str(path), text)
    if reuse and key in _PARSED:
        return copy.deepcopy(_PARSED[key])
    data = load_yaml(text, str(path))
    if reuse:
        if len(_PARSED) >= 16:
            _PARSED.clear()
        _PARSED[key] = copy.deepcopy(data)
    return data


def stack_name_from_path(path) -> str:
    m = _STACK_FILE_RE.match(Path(path).name)
    if not m:
        raise InputError("a stack file must be named Pulumi.<stack>.yaml", source=str(path))
    problem = stack_name_problem(m.group("name"))
    if problem:
        raise InputError(problem, source=str(path))
    return m.group("name")


_STACK_NAME_RE = re.compile(r"[A-Za-z0-9_.-]+")


def stack_name_problem(name: str) -> Optional[str]:
    """The CLI's stack-name rule (pkg/backend/diy and httpstate `validateStackName`,
    `^[A-Za-z0-9_.-]{1,100}$`; the name ends up inside every URN), or None."""
    if len(name) > 100:
        return f"stack name too long (max length 100 characters, {name[:20]!r}… has {len(name)})"
    if not _STACK_NAME_RE.fullmatch(name):
        return f"invalid stack name {name!r}: stack names may only contain alphanumeric, hyphens, " \
               f"underscores, or periods"
    return None


def load_stack_file(path) -> StackFile:
    """Load a `Pulumi.<stack>.yaml` file. The stack name is the file's `<stack>` part."""
    p = Path(path)
    name = stack_name_from_path(p)
    data = _read_yaml(p, "stack file")
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InputError("malformed stack file: expected a mapping at the top level", source=str(p))
    config = data.get("config")
    if config is None:
        config = {}
    if not isinstance(config, dict):  # `config: []` or `config: ""` too: Go's yaml.v3 refuses to fill a map
        raise InputError("malformed stack file: `config` must be a mapping", source=str(p))
    problems = _key_problems(config)
    if problems:
        raise InputError(problems, source=str(p))
    environment = data.get("environment")
    if environment:
        sys.stderr.write(f"preflight: {name}: note: {_environment_note(environment)}\n")
    return StackFile(name=name, config=config, path=str(p), environment=environment)


def _environment_note(environment: Any) -> str:
    names = environment if isinstance(environment, list) else [environment]
    listed = ", ".join(str(n) for n in names)
    return (f"the stack file imports the Pulumi ESC environment(s) {listed}; preflight cannot open ESC "
            "offline, so the config values (`pulumiConfig`) and environment variables they would provide "
            "are missing from this check (a key they set may be reported as not set)")


def project_folder(start: Path) -> Optional[Path]:
    """The folder of the Pulumi.yaml (or Pulumi.yml) in `start` or the nearest folder above it, as the Pulumi
    CLI finds the project it runs in (workspace.DetectProjectPath); None outside any project."""
    start = Path(start).resolve()
    for folder in (start, *start.parents):
        if (folder / "Pulumi.yaml").is_file() or (folder / "Pulumi.yml").is_file():
            return folder
    return None


def load_project(program_dir) -> Project:
    d = Path(program_dir).resolve()
    path = d / "Pulumi.yaml"
    if not path.exists() and (d / "Pulumi.yml").exists():
        path = d / "Pulumi.yml"
    data = _read_yaml(path, "project file", reuse=True)
    if not isinstance(data, dict) or not isinstance(data.get("name"), str):
        raise InputError("malformed project file: `name` is required", source=str(path))
    runtime = data.get("runtime")
    runtime_name = runtime.get("name") if isinstance(runtime, dict) else runtime
    if runtime_name != "python":
        raise InputError(f"preflight runs Python programs only (runtime is {runtime_name!r})",
                         source=str(path))
    main = d / (data.get("main") or ".")
    if main.is_file():
        main = main.parent
    scd = d / (data.get("stackConfigDir") or ".")
    decls = data.get("config") or {}
    if not isinstance(decls, dict):
        raise InputError("malformed project file: `config` must be a mapping", source=str(path))
    options = runtime.get("options") if isinstance(runtime, dict) else None
    if options is None:
        options = {}
    if not isinstance(options, dict):
        raise InputError("malformed project file: `runtime.options` must be a mapping", source=str(path))
    return Project(name=data["name"], directory=str(d), main=str(main), stack_config_dir=str(scd),
                   config=decls, runtime_options=options, path=str(path))


def list_stack_files(project: Project) -> list[str]:
    d = Path(project.stack_config_dir)
    if not d.is_dir():
        return []
    files = [p for p in d.iterdir() if _STACK_FILE_RE.match(p.name) and p.is_file()]
    return [str(p) for p in sorted(files, key=lambda p: p.name)]


def stack_file_for(project: Project, stack: str) -> str:
    problem = stack_name_problem(stack)
    if problem:
        raise InputError(problem)
    for ext in ("yaml", "yml"):
        p = Path(project.stack_config_dir) / f"Pulumi.{stack}.{ext}"
        if p.is_file():
            return str(p)
    known = [stack_name_from_path(f) for f in list_stack_files(project)]
    nearest = difflib.get_close_matches(stack, known, n=3, cutoff=0.6)
    raise InputError(f"unknown stack {stack!r}: no {Path(project.stack_config_dir) / f'Pulumi.{stack}.yaml'}"
                     + (f"; did you mean {' or '.join(nearest)}?" if nearest else "")
                     + (f" (known stacks: {', '.join(known)})" if known else ""))


# ---------------------------------------------------------------------------------------------
# Config -> what the language host receives.

SECRET_PLACEHOLDER = "preflight-secret-placeholder"


def secret_placeholders_explained(problems: list, secret_keys: list) -> list:
    """The program's problem lines with the placeholder of an undecryptable `secure:` value named as what it is:
    the program judged the placeholder, not the user's value."""
    if not secret_keys:
        return problems
    why = (f" ({', '.join(secret_keys)}: preflight cannot decrypt `secure:` values offline; check a copy of the "
           f"stack file with the value in clear, or run `pulumi preview`)")
    return [p.replace(repr(SECRET_PLACEHOLDER), "the `secure:` value").replace(SECRET_PLACEHOLDER, "the `secure:` value")
            + why if SECRET_PLACEHOLDER in p else p for p in problems]


def _full_key(key: str, project: str) -> str:
    """A `Pulumi.yaml` `config:` declaration's key: without a namespace it is the project's."""
    return key if ":" in key else f"{project}:{key}"


def parse_stack_key(key: Any, project: str = "<project>") -> str:
    """A stack file's config key as the CLI parses it (pulumi sdk/go/common/resource/config/key.go,
    ParseKey): `<namespace>:<name>`, or the legacy `<namespace>:config:<name>`; anything else, a key
    without a namespace included, makes the CLI refuse the stack file."""
    if isinstance(key, str):
        parts = key.split(":")
        if len(parts) == 2 and all(parts):
            return key
        if len(parts) == 3 and parts[1] == "config" and parts[0] and parts[2]:
            return f"{parts[0]}:{parts[2]}"
    raise ValueError(f"could not parse {key!r} as a configuration key (configuration keys should be of the "
                     f"form `<namespace>:<name>`; write `{project}:{key}`)")


def _key_problems(config: dict, project: str = "<project>") -> list[str]:
    problems = []
    for key in config:
        try:
            parse_stack_key(key, project)
        except ValueError as e:
            problems.append(str(e))
    return problems


def _to_config_string(value: Any) -> str:
    """How the CLI renders one config value for PULUMI_CONFIG (Go yaml.v3 scalar text / json.Marshal)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, (int, float)):
        return repr(value) if isinstance(value, float) else str(value)
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _strip_secure(value: Any, found: list) -> Any:
    if isinstance(value, dict):
        if set(value) == {"secure"}:
            found.append(True)
            return SECRET_PLACEHOLDER
        return {k: _strip_secure(v, found) for k, v in value.items()}
    if isinstance(value, list):
        return [_strip_secure(v, found) for v in value]
    return value


def _cli_value_fits(typ: Any, items: Any, value: Any, *, top: bool) -> bool:
    """pulumi pkg/workspace/config.go validateStackConfigValue + workspace.ValidateConfigValue: a
    top-level scalar reaches the check as its config *text* (`pulumi config set k 2` writes "2"), so a
    string type takes any scalar, an integer any text `strconv.Atoi` parses, a boolean only the texts
    `true`/`false`; lists and objects keep their structure, whose items keep their JSON types."""
    if top and not isinstance(value, (dict, list)):
        value = _to_config_string(value)
    if typ == "string":
        return isinstance(value, str)
    if typ == "integer":
        if isinstance(value, bool):
            return False
        if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
            return True
        return isinstance(value, str) and re.fullmatch(r"[+-]?[0-9]+", value) is not None
    if typ == "boolean":
        return isinstance(value, bool) or value in ("true", "false")
    if typ == "object":
        return isinstance(value, dict)
    if typ == "array" and isinstance(value, list) and isinstance(items, dict):
        return all(_cli_value_fits(items.get("type"), items.get("items"), v, top=False) for v in value)
    return False


def _type_name(typ: Any, items: Any) -> str:
    if typ == "array" and isinstance(items, dict):
        return f"array<{_type_name(items.get('type'), items.get('items'))}>"
    return str(typ)


@dataclasses.dataclass(eq=False)
class ConfigTypeErrors(InputError):
    """Values that do not fit their `Pulumi.yaml` type. The CLI stops at the first; preflight lists all and
    still runs the program (`result` holds the config it would get), so they come with its own errors."""

    result: tuple = ()


def runtime_config(config: dict, project: Project | str, *, stack: str = "") -> tuple[dict, list, list]:
    """Return (PULUMI_CONFIG map, secret keys, notes) for a stack's `config:` mapping.

    Applies `Pulumi.yaml` config defaults, checks declared types (as the CLI does: type only), names
    bare keys into the project namespace, renders values as strings and structured values as JSON.
    `secure:` values cannot be decrypted offline: they become a placeholder string marked secret.
    Raises InputError with one line per problem.
    """
    proj_name = project if isinstance(project, str) else project.name
    decls = {} if isinstance(project, str) else project.config
    problems, notes, secret_keys = [], [], []
    merged: dict[str, Any] = {}
    # Project-level declarations: defaults (project keys) and values (provider keys).
    for key, decl in decls.items():
        full = _full_key(key, proj_name)
        if isinstance(decl, dict):
            if "default" in decl:
                merged[full] = decl["default"]
            elif "value" in decl:
                merged[full] = decl["value"]
        elif decl is not None:
            merged[full] = decl
    for key, value in config.items():
        try:
            merged[parse_stack_key(key, proj_name)] = value
        except ValueError as e:
            problems.append(str(e))
    type_problems: list[str] = []
    for key, decl in decls.items():
        full = _full_key(key, proj_name)
        if not isinstance(decl, dict):
            continue
        typ = decl.get("type")
        if full not in merged:
            if typ is not None and "default" not in decl and "value" not in decl and ":" not in key:
                # As the CLI (ValidateStackConfigAndApplyProjectConfig): a typed declaration with no
                # default must be set by the stack.
                problems.append(f"Stack '{stack}' is missing configuration value '{key.split(':')[-1]}' "
                                f"(Pulumi.yaml declares {full} with a type and no default)")
            continue
        val = merged[full]
        if typ is None or (isinstance(val, dict) and set(val) == {"secure"}):
            continue
        if not _cli_value_fits(typ, decl.get("items"), val, top=True):
            type_problems.append(f"stack {stack!r} configuration key {full!r} must be of type "
                                 f"{_type_name(typ, decl.get('items'))!r} (got {val!r})")
    if problems:
        raise InputError(problems + type_problems)
    out = {}
    for full, value in merged.items():
        found: list = []
        value = _strip_secure(value, found)
        if found:
            secret_keys.append(full)
            notes.append(f"{full} is a secret (`secure:`); preflight cannot decrypt it and uses a placeholder")
        out[full] = _to_config_string(value)
    if type_problems:
        raise ConfigTypeErrors(type_problems, result=(out, secret_keys, notes))
    return out, secret_keys, notes


@dataclasses.dataclass(frozen=True)
class ProgramRun:
    """What the language host hands a program for one stack."""
    program_dir: str  # the folder of Pulumi.yaml (the root directory)
    main_dir: str  # the folder of __main__.py
    project_name: str
    config_map: dict  # PULUMI_CONFIG
    secret_keys: list  # PULUMI_CONFIG_SECRET_KEYS
    type_problems: list  # config values that do not fit their Pulumi.yaml type (ConfigTypeErrors)


def prepare_run(program_dir, stack_name: str, config: dict, *, project: Optional[str] = None) -> ProgramRun:
    """The program of `program_dir` (`project` overrides its name) with one stack's `config:` mapping, as
    the CLI prepares it; notes (secrets replaced by placeholders) go to stderr. Raises InputError."""
    program_dir = str(Path(program_dir).resolve())
    proj: Project | str
    if project is None:
        proj = load_project(program_dir)
        project_name, main_dir = proj.name, proj.main
    else:
        proj, project_name, main_dir = project, project, program_dir
        if (Path(program_dir) / "Pulumi.yaml").exists():
            p = load_project(program_dir)
            proj = dataclasses.replace(p, name=project)
            main_dir = p.main
    if not (Path(main_dir) / "__main__.py").is_file():
        raise InputError(f"no __main__.py in {main_dir}")
    type_problems: list[str] = []
    try:
        config_map, secret_keys, notes = runtime_config(config, proj, stack=stack_name)
    except ConfigTypeErrors as e:  # reported together with the program's own config errors
        (config_map, secret_keys, notes), type_problems = e.result, list(e.problems)
    for n in notes:
        sys.stderr.write(f"preflight: {stack_name}: {n}\n")  # one write: no mixing with other threads
    return ProgramRun(program_dir, main_dir, project_name, config_map, secret_keys, type_problems)


def region_of(config_map: dict) -> str:
    return config_map.get("aws:region") or os.environ.get("AWS_REGION") or os.environ.get(
        "AWS_DEFAULT_REGION") or "us-east-1"
