"""The command line: `arguments.py` (flags, help, usage errors) and `main.py` (`main`: signals, the garbage
collector, and the run's steps chained)."""
from .arguments import build_parser
from .main import REPO_ROOT, main

__all__ = ["REPO_ROOT", "build_parser", "main"]
