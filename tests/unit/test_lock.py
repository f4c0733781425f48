"""The lock installs on the oldest Python the README promises: Debian 12's python3 (3.11.2).

CI's Python is newer, so a pin that needs a newer Python (pymdown-extensions 13 needs 3.11.5)
passed CI and failed `make site` on a fresh Debian machine."""

from __future__ import annotations

import re
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
                         "`make lock PYTHON=/usr/bin/python3`):\n" + "\n".join(refused))
