"""The lock installs on the oldest Python the README promises: Debian 12's python3 (3.11.2).

CI's Python is newer, so a pin that needs a newer Python (pymdown-extensions 13 needs 3.11.5)
passed CI and failed `make site` on a fresh Debian machine."""

from __future__ import annotations

import os
import re
import subprocess
from importlib.metadata import PackageNotFoundError, metadata

from packaging.specifiers import SpecifierSet

from tests.conftest import ROOT

OLDEST_PYTHON = "3.11.2"  # Debian 12 (bookworm)
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s\\;]+)", re.M)


def test_every_pinned_package_installs_on_debian_12s_python():
    pins = PIN.findall((ROOT / "requirements.txt").read_text(encoding="utf-8"))
    assert len(pins) > 50
    refused = []
    for name, version in pins:
        try:
            installed = metadata(name)
        except PackageNotFoundError:
            continue  # not installed in this venv (a platform marker): nothing to read
        assert installed["Version"] == version, f"the venv holds {name} {installed['Version']}, the lock {version}: run make"
        required = installed.get("Requires-Python") or ""
        if required and OLDEST_PYTHON not in SpecifierSet(required):
            refused.append(f"{name}=={version} requires Python {required}")
    assert not refused, ("pins Debian 12's Python cannot install (re-lock with "
                         "`make lock`, which uses /usr/bin/python3):\n" + "\n".join(refused))


def test_make_uses_the_systems_python_not_the_first_one_on_path(tmp_path):
    """The venv (and `make lock`) use /usr/bin/python3 where it exists, even when another
    python3 comes first on PATH, as pyenv's does on CI: CI then installs and runs exactly what a
    fresh Debian machine does (a newer CI Python once hid a pin Debian's could not install)."""
    system = "/usr/bin/python3"
    decoy = tmp_path / "python3"
    decoy.write_text("#!/bin/sh\nexit 1\n")
    decoy.chmod(0o755)
    environment = {k: v for k, v in os.environ.items() if k != "PYTHON"}
    environment["PATH"] = f"{tmp_path}{os.pathsep}{environment.get('PATH', '')}"
    shown = subprocess.run(["make", "-s", "--no-print-directory", "--eval", "show-python: ; @echo $(PYTHON)",
                            "show-python"], cwd=ROOT, env=environment, capture_output=True, text=True, check=True)
    expected = system if os.path.exists(system) else "python3"
    assert shown.stdout.strip() == expected, f"make would make the venv with {shown.stdout.strip()!r}"
