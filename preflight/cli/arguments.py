"""The command line of `python -m preflight` (contracts §3): every flag, its help, and the one-line errors of
a bad command line (exit 2)."""
from __future__ import annotations

import argparse
import sys

from ..output.text import EXIT_INPUT

OUTPUTS = ("text", "json", "sarif", "junit", "github")


class _ArgParser(argparse.ArgumentParser):
    def error(self, message):  # one clear line, exit 2
        self.print_usage(sys.stderr)
        print(f"preflight: error: {message}", file=sys.stderr)
        sys.exit(EXIT_INPUT)


def _positive_int(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {n}")
    return n


def build_parser() -> argparse.ArgumentParser:
    p = _ArgParser(prog="python -m preflight",
                   description="Offline preview and policy check: run the program in preview mode under "
                               "mocks and check every resource with a policy pack over Pulumi's analyzer "
                               "protocol.")
    src = p.add_mutually_exclusive_group()
    src.add_argument("--all", action="store_true", help="run every stacks/Pulumi.<stack>.yaml")
    src.add_argument("--stack", nargs="+", action="extend", metavar="NAME",
                     help="run the program with stacks/Pulumi.NAME.yaml (repeatable)")
    src.add_argument("--config-file", action="append", metavar="PATH",
                     help="run the program with any Pulumi.<stack>.yaml file (repeatable)")
    src.add_argument("--export", action="append", metavar="FILE",
                     help="analyze a `pulumi stack export` file (deployment v3) instead (repeatable)")
    p.add_argument("--policy-pack", metavar="DIR", help="policy pack folder (default: policies/)")
    p.add_argument("--policy-config", metavar="FILE",
                   help="policy pack config JSON, as for `pulumi preview --policy-pack-config`")
    p.add_argument("--aws-facts", metavar="DIR",
                   help="JSON output of aws ec2 describe-vpcs/-subnets/-route-tables/-security-groups/... about "
                        "existing infrastructure: answers the program's lookups and tells the pack about ids "
                        "outside the stack (docs/preflight.md, existing infrastructure)")
    p.add_argument("--output", "-o", choices=OUTPUTS, metavar="FORMAT",
                   help="what to print on stdout: text (default), json, sarif (SARIF 2.1.0 for GitHub code "
                        "scanning), junit (JUnit XML), github (GitHub Actions annotations)")
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout (= --output json)")
    p.add_argument("--write-export", metavar="DIR", help="write each recorded stack as DIR/<stack>.json")
    p.add_argument("--report", metavar="DIR",
                   help="write DIR/<stack>.md (plan, network diagram, monthly cost, policy results), "
                        "DIR/<stack>.svg, DIR/index.md and DIR/report.json")
    p.add_argument("--baseline", metavar="PATH",
                   help="an earlier --report DIR or --json file: show cost, resource and violation deltas")
    p.add_argument("--usage-file", metavar="FILE",
                   help="monthly usage (GB through NAT/endpoints, logs, Fargate hours, KMS requests) for "
                        "the cost estimate (docs/report.md)")
    p.add_argument("--program", metavar="DIR", help="program folder with Pulumi.yaml (default: the project of the working folder, found as "
                        "`pulumi preview` finds it, else the repository root)")
    p.add_argument("--deployed", action="store_true",
                   help="record as after `pulumi up` (known ids and outputs) instead of a preview")
    p.add_argument("--jobs", "-j", type=_positive_int, metavar="N",
                   help="record stacks in N forked processes (default: the number of CPUs, at most one "
                        "per stack; 1 = one after the other in this process)")
    p.add_argument("--verbose", "-v", action="store_true",
                   help="text output: each violation under its policy with the policy's description and sources, "
                        "the full URN and the whole message (default: one line per violation)")
    p.add_argument("--debug", action="store_true", help="tracebacks and the policy pack's own output")
    return p
