"""The date of a build, the same everywhere: SOURCE_DATE_EPOCH, else the last commit, else now.

Dates written into the site, the PDFs, the signed manifest and the archives come from here, so
that equal sources give equal bytes (reproducible builds) and every copy states one release date.
"""

from __future__ import annotations

import datetime as _dt
import os
import subprocess
import time
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def epoch() -> int:
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if value.isdigit():
        return int(value)
    return _last_commit() or int(time.time())


@lru_cache(maxsize=1)
def _last_commit() -> int | None:
    try:
        out = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=ROOT, capture_output=True,
                             text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return int(out) if out.isdigit() else None


def moment() -> _dt.datetime:
    return _dt.datetime.fromtimestamp(epoch(), tz=_dt.timezone.utc)


def day() -> _dt.date:
    return moment().date()
