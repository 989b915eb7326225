"""Step 1 of a run: resolve the command line into a plan (which stacks or exports to check, with which
pack and policy config), or one InputError listing every problem with the inputs."""
from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Optional

from ..errors import InputError
from ..inputs.file_reader import input_file_problem
from ..inputs.stack_files import (Project, list_stack_files, load_project, project_folder, stack_file_for,
                                  stack_name_from_path)
from ..program.python_env import ProgramEnv, locate_program_env, probe
from .workers import cpu_count, fork_available


@dataclasses.dataclass(frozen=True)
class Job:
    kind: str  # "stack" (a Pulumi.<stack>.yaml file to record the program with) | "export" (a file to read)
    path: str

    @property
    def label(self) -> str:
        """How the job is listed when it could not be used: the stack's name, else the path."""
        if self.kind == "stack":
            try:
                return stack_name_from_path(self.path)
            except InputError:
                pass
        return self.path


@dataclasses.dataclass
class Plan:
    program: Path
    project: Optional[Project]  # None for exports
    pack_dir: Path
    jobs: list[Job]
    policy_config: dict  # parsed --policy-config (policy_config.parse_policy_config), {} if none
    deployed: bool = False
    write_export: Optional[Path] = None
    workers: int = 1  # recording processes (1 = here)
    program_env: Optional[ProgramEnv] = None  # the program's own Python environment; None: this interpreter
    aws_facts: Optional[dict] = None  # --aws-facts (aws_facts.load_aws_facts): answers lookups; in policy_config too


def program_folder(args, repo_root: Path) -> Path:
    """The program to run: `--program DIR`; else, as `pulumi preview` finds its project, the folder of the
    Pulumi.yaml in the working folder or the nearest one above it; else (outside any project) `repo_root`."""
    if args.program:
        return Path(args.program).resolve()
    found = project_folder(Path.cwd())
    return found if found is not None else repo_root


def plan_run(args, repo_root: Path) -> Plan:
    """The jobs of `args` (argparse namespace of cli.build_parser) in the order given. Raises InputError:
    at once when nothing is asked for or the project cannot be loaded; else with every problem found."""
    program = program_folder(args, repo_root)
    pack_dir = Path(args.policy_pack).resolve() if args.policy_pack else repo_root / "policies"
    if not (args.all or args.stack or args.config_file or args.export):
        raise InputError("nothing to check: give --all, --stack NAME, --config-file PATH or --export FILE")
    problems: list[str] = []
    jobs: list[Job] = []
    project = None
    program_env: Optional[ProgramEnv] = None
    if args.export:
        for f in args.export:
            problem = input_file_problem(f, "export file")
            if problem:
                problems.append(problem)
            else:
                jobs.append(Job("export", f))
    else:
        project = load_project(program)
        jobs, problems = _stack_jobs(args, project)
        try:
            program_env = _program_env(project)
        except InputError as e:
            problems += e.lines()
    policy_config: dict = {}
    if args.policy_config:
        from ..inputs.policy_config import load_policy_config  # protobuf: only when asked for
        try:
            policy_config = load_policy_config(args.policy_config)
        except InputError as e:
            problems += e.lines()
    aws_facts: Optional[dict] = None
    if getattr(args, "aws_facts", None):
        from ..inputs.aws_facts import load_aws_facts, with_facts  # pydantic: only when asked for
        try:
            aws_facts = load_aws_facts(args.aws_facts)
            policy_config = with_facts(policy_config, aws_facts, args.aws_facts)
        except InputError as e:
            problems += e.lines()
    if not (pack_dir / "PulumiPolicy.yaml").is_file():
        problems.append(f"policy pack not found: {pack_dir} has no PulumiPolicy.yaml"
                        + ("" if args.policy_pack else " (give --policy-pack DIR)"))
    if problems:
        raise InputError(problems)
    return Plan(program=program, project=project, pack_dir=pack_dir, jobs=jobs, policy_config=policy_config,
                deployed=args.deployed, write_export=Path(args.write_export) if args.write_export else None,
                workers=worker_count(args.jobs, jobs), program_env=program_env, aws_facts=aws_facts)


def _program_env(project: Project) -> Optional[ProgramEnv]:
    """The Python environment the program's Pulumi.yaml names, checked once here (it runs, with a pulumi
    SDK preflight supports), or None to record in this interpreter."""
    env = locate_program_env(project)
    return probe(env) if env is not None else None


def _stack_jobs(args, project: Project) -> tuple[list[Job], list[str]]:
    jobs: list[Job] = []
    problems: list[str] = []
    if args.all:
        files = list_stack_files(project)
        if not files:
            problems.append(f"no Pulumi.<stack>.yaml files in {project.stack_config_dir}")
        jobs += [Job("stack", f) for f in files]
    for name in args.stack or []:
        try:
            jobs.append(Job("stack", stack_file_for(project, name)))
        except InputError as e:
            problems += e.lines()
    for f in args.config_file or []:
        problem = input_file_problem(f, "config file")
        if problem:
            problems.append(problem)
            continue
        try:
            stack_name_from_path(f)
            jobs.append(Job("stack", str(Path(f).resolve())))
        except InputError as e:
            problems += e.lines()
    return jobs, problems


def worker_count(requested: Optional[int], jobs: list[Job]) -> int:
    """Recording processes: `requested` (--jobs; default: the CPUs), at most one per stack; 1 = here.
    Workers need at least 3 stacks (one is recorded here first, to warm the interpreter they inherit);
    exports are only read; fork may not exist: all of these run here."""
    if any(j.kind == "export" for j in jobs) or len(jobs) < 3 or not fork_available():
        return 1
    n = requested if requested is not None else cpu_count()
    return max(1, min(n, len(jobs)))
