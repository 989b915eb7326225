"""`python -m eks_variants`: the team self-service commands."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Optional

from .new_stack import Request, run, variants
from .team_values import DEFAULT_VPC_POOL
from .stack_schema import REPO_ROOT


class _ArgParser(argparse.ArgumentParser):
    def error(self, message):  # one clear line, exit 2 (as preflight)
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        sys.exit(2)


def build_parser() -> argparse.ArgumentParser:
    p = _ArgParser(prog="python -m eks_variants", description="Team self-service for eks-variants.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_ArgParser)
    new = sub.add_parser("new-stack", help="write stacks/Pulumi.team-NAME.yaml from a reference stack and check it",
                         description="Write stacks/Pulumi.team-NAME.yaml for a team from the variant's reference "
                                     "stack, check it as preflight does, run preflight on it. Never overwrites.")
    new.add_argument("name", metavar="NAME", help="the team's name (a DNS-1123 label, e.g. payments)")
    new.add_argument("--variant", required=True, metavar="MODE-PLANE", help=f"one of: {', '.join(variants())}")
    new.add_argument("--region", required=True, metavar="REGION", help="the AWS region, e.g. eu-west-1")
    new.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", dest="sets",
                     help="override a key (nodes.maxSize=6, kubernetesVersion=1.34, tags.cost-center=42); repeatable")
    new.add_argument("--access-entry", action="append", default=[], metavar="ARN=ACCESS[:NS,...]", dest="access_entries",
                     help="give an IAM role or user of your account Kubernetes access (ACCESS: cluster-admin, admin, edit, "
                          "view; namespaces scope all but cluster-admin); repeatable. None: only the deploying identity")
    new.add_argument("--vpc-pool", metavar="CIDR", default=DEFAULT_VPC_POOL,
                     help=f"where the team's VPC range comes from: the first block that overlaps no stack file "
                          f"(default {DEFAULT_VPC_POOL}; --set vpcCidr=... to choose one)")
    new.add_argument("--program", metavar="DIR", type=Path, default=REPO_ROOT,
                     help="project folder with Pulumi.yaml (default: this repository)")
    new.add_argument("--no-preflight", action="store_true", help="write and check the file, skip the preflight run")
    schema = sub.add_parser("schema", help="write docs/stack-file.schema.json from the config model")
    schema.add_argument("--check", action="store_true", help="exit 1 if the committed schema is not current")
    team = sub.add_parser("team-template", help="build the lean `pulumi new` template for a team's project in DIR")
    team.add_argument("target", metavar="DIR", type=Path, help="a new folder (e.g. out/team-template)")
    return p


def main(argv: Optional[list[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "new-stack":
        return run(Request(team=args.name, variant=args.variant, region=args.region, sets=args.sets,
                           access_entries=args.access_entries, vpc_pool=args.vpc_pool),
                   program_dir=args.program.resolve(), check_with_preflight=not args.no_preflight)
    if args.command == "team-template":
        from .team_template import build

        if args.target.exists():
            print(f"team-template: {args.target} exists; give a new folder", file=sys.stderr)
            return 2
        files = build(args.target)
        print(f"wrote {len(files)} files to {args.target}: the template for `pulumi new {args.target}` "
              "(or push it to a repository of its own)")
        return 0
    from . import stack_schema

    if args.check:
        if stack_schema.committed_is_current():
            return 0
        print(f"{stack_schema.SCHEMA_PATH} is not the schema the config model generates: run `make schema`",
              file=sys.stderr)
        return 1
    print(f"wrote {stack_schema.write()}")
    return 0
