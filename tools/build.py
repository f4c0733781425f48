"""Build the site atomically: into a staging folder, swapped in only when the build succeeded.

    python tools/build.py [--site-dir site] [mkdocs build options …]

A failed build (a broken link, unsafe content, a PDF that did not render) leaves the previous
site/ exactly as it was, and no half-written folder behind. Used by `make site`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def build(site_dir: Path, extra: list[str], config: Path) -> int:
    site_dir = site_dir.resolve()
    staging = site_dir.with_name(f".{site_dir.name}.new")
    retired = site_dir.with_name(f".{site_dir.name}.old")
    for leftover in (staging, retired):
        shutil.rmtree(leftover, ignore_errors=True)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(config),
               "--site-dir", str(staging), *extra]
    result = subprocess.run(command, env=env)
    if result.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        print(f"Build failed; {site_dir.name}/ was left unchanged.", file=sys.stderr)
        return result.returncode
    if site_dir.exists():
        site_dir.rename(retired)
    staging.rename(site_dir)
    shutil.rmtree(retired, ignore_errors=True)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--site-dir", type=Path, default=ROOT / "site")
    parser.add_argument("--config-file", type=Path, default=ROOT / "mkdocs.yml")
    args, extra = parser.parse_known_args()
    return build(args.site_dir, extra, args.config_file)


if __name__ == "__main__":
    sys.exit(main())
