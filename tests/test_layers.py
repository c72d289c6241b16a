"""The import contracts of pyproject.toml ([tool.importlinter]): the layers of the package, the
independence of the pipeline stages and an augmentation core that imports nothing of the application."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINT = (
    "import sys; from importlinter.cli import lint_imports; "
    "sys.exit(lint_imports(sys.argv[1], no_cache=True))"
)


def lint_imports(config: Path) -> subprocess.CompletedProcess:
    """import-linter on this checkout's sources (src/ first on the path), with ``config``."""
    path = os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")]))
    return subprocess.run(
        [sys.executable, "-c", LINT, str(config)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": path},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_import_contracts_are_kept() -> None:
    result = lint_imports(ROOT / "pyproject.toml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_a_broken_contract_fails(tmp_path) -> None:
    config = tmp_path / "contracts.toml"
    config.write_text(
        '[tool.importlinter]\nroot_package = "facecutout"\n\n[[tool.importlinter.contracts]]\n'
        'name = "the command line does not use its commands"\ntype = "forbidden"\n'
        'source_modules = ["facecutout.cli"]\nforbidden_modules = ["facecutout.commands"]\n'
    )
    result = lint_imports(config)
    assert result.returncode != 0 and "1 broken" in result.stdout, result.stdout + result.stderr
