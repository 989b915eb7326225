"""Runs inside the program's own Python environment: record one stack there and hand it back.

preflight/program/python_env_run.py starts `<environment's python> -c BOOTSTRAP <this package's folder>`; the
bootstrap loads this package by its path (as the language host runs its own `pulumi-language-python-exec`
shim by path: nothing is installed into the environment, sys.path is not changed) and calls `main`. The
recorder then imports the program's own pulumi, pulumi-aws, pulumi-eks, pulumi-awsx. Only the standard
library and what every Pulumi Python environment has (pulumi and its dependencies: grpcio, protobuf,
pyyaml) may be imported here and by the recorder's modules.

The request (JSON) comes on stdin; the answer (JSON) goes to the file the request names: the program's
own output goes to stdout/stderr, which the parent relays.
"""
from __future__ import annotations

import json
import sys
import traceback

from ..errors import InputError


def main() -> None:
    request = json.load(sys.stdin)
    answer = answer_request(request)
    with open(request["answer_file"], "w", encoding="utf-8") as f:
        json.dump(answer, f)


def answer_request(request: dict) -> dict:
    try:
        from .record import run_program
        from ..records import stack_to_json
        stack = run_program(request["program_dir"], request["main_dir"], request["project_name"],
                            request["stack_name"], request["config_map"], request["secret_keys"],
                            preview=request["preview"], type_problems=request["type_problems"],
                            aws_facts=request.get("aws_facts"))
        return {"stack": stack_to_json(stack)}
    except InputError as e:
        return {"problems": list(e.problems), "traceback": e.traceback}
    except Exception as e:  # noqa: BLE001 - reported by the parent as an internal error
        return {"internal": {"type": type(e).__name__, "message": str(e), "traceback": traceback.format_exc()}}
