"""The outside checkers `make test` runs on the built site, installed from npm into tests/checkers
(package.json and its lock; node_modules is not committed): axe-core, injected into Chromium pages,
and the Nu HTML Checker (vnu-jar), run with Debian's Java. Installed when missing; a test that
needs one fails with what to install, never skips."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

CHECKERS = Path(__file__).resolve().parent / "checkers"
AXE_JS = CHECKERS / "node_modules" / "axe-core" / "axe.min.js"
VNU_JAR = CHECKERS / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def installed(path: Path) -> Path:
    """`path` under tests/checkers/node_modules, installed from the lock (`npm ci`) if missing."""
    if not path.is_file():
        npm = shutil.which("npm")
        assert npm, "npm is missing: `make test` installs Debian's nodejs and npm (make system-deps)"
        # --ignore-scripts: vnu-jar's install script would download a Java runtime; Debian's is used
        subprocess.run([npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund"], cwd=CHECKERS, check=True)
    assert path.is_file(), f"{path} is missing after `npm ci` in {CHECKERS}"
    return path


def java() -> str:
    found = shutil.which("java")
    assert found, "java is missing: `make test` installs Debian's default-jre-headless (make system-deps)"
    return found
