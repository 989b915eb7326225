import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent.parent


@pytest.fixture
def project(tmp_path) -> Path:
    """A copy of the project whose stacks/ holds only the reference stacks: new-stack writes there, never into
    the repository. The program, its packages, Pulumi.yaml and the virtualenv it names (.venv: preflight runs
    a program with that environment, as the language host does) are symlinks to the real ones."""
    for name in ("Pulumi.yaml", "__main__.py", "components", "stack_config", ".venv"):
        (tmp_path / name).symlink_to(REPO / name)
    (tmp_path / "stacks").mkdir()
    for reference in (REPO / "stacks").glob("Pulumi.*.yaml"):
        if not reference.name.startswith("Pulumi.team-"):
            shutil.copy(reference, tmp_path / "stacks" / reference.name)
    return tmp_path
