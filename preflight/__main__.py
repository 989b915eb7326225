import gc
import os
import sys

from .cli.main import main

code = main()
# Exiting: the interpreter's final garbage collections walk every object the recordings left (about
# 0.5 s after a run); frozen objects are skipped. Nothing is lost: refcounted objects are still freed.
if "heap-freeze" not in os.environ.get("PREFLIGHT_WITHOUT", "").split(","):
    gc.freeze()
sys.exit(code)
