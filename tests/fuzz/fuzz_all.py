"""`make fuzz`: every generated input through `python -m preflight` (see fuzz_inputs and fuzz_harness).

    .venv/bin/python -m tests.fuzz.fuzz_all [--seed N] [--only SUBSTRING] [--workers N] [--verbose]

Prints one line per failing input, then `N inputs, 0 crashes, 0 hangs, 0 wrong exit codes, 0 leaked
processes` and the number of distinct error messages; exits 1 when any input failed.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from tests.fuzz.fuzz_harness import error_messages, prepare_bases, run_all, summary
from tests.fuzz.fuzz_inputs import generate


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=12)
    ap.add_argument("--only", default="", help="run the cases whose id contains this")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--verbose", action="store_true", help="print every distinct error message too")
    args = ap.parse_args(argv)
    t0 = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="preflight-fuzz-") as tmp:
        root = Path(tmp)
        bases = prepare_bases(root)
        cases = [c for c in generate(bases, args.seed) if args.only in c.id]
        print(f"{len(cases)} inputs (seed {args.seed}), {args.workers} at a time", flush=True)

        def progress(o):
            if o.problems:
                print(f"FAIL {o.case.id}: " + "; ".join(f"{k}: {m}" for k, m in o.problems), flush=True)

        outcomes = run_all(cases, bases, root, args.workers, progress)
    if args.verbose:
        for line in sorted(error_messages(outcomes)):
            print(f"  {line}")
    print(summary(outcomes))
    print(f"{time.monotonic() - t0:.0f} s")
    return 1 if any(o.problems for o in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
