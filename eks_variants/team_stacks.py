"""This project's convention for the one stackConfigDir the CLI allows: the platform team's reference stacks
are Pulumi.<mode>-<plane>.yaml, the teams' own stacks Pulumi.team-<team>.yaml (README, "A stack for your
team"). `new-stack` names team stacks so; preflight's text report lists the two kinds in separate sections
(the report plugin, eks_variants/report/)."""
from __future__ import annotations

TEAM_STACK_PREFIX = "team-"


def is_team_stack(name: str) -> bool:
    return name.startswith(TEAM_STACK_PREFIX)
