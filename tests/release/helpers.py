"""Tiny signed "sites" and hostile archives for the release tests (no site build needed).

``cli(...)`` runs the command in this process, ``cli_process(...)`` in a fresh interpreter (to
see exactly what a user sees, tracebacks included). GP_RELEASE_CLI names another module to run
instead (e.g. the old hooks/release.py saved as ``old_release`` on PYTHONPATH): this is how the
report shows which tests fail on the old code.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib
import io
import json
import os
import stat
import subprocess
import sys
import tarfile
import zipfile
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

from publishing.release import signing
from publishing.release.manifest import Signed, manifest_text

ROOT = Path(__file__).resolve().parents[2]
CLI = os.environ.get("GP_RELEASE_CLI", "publishing.release")
DATE = "2026-12-20"
FILES = {
    "index.html": b'<!doctype html><title>Home</title><a href="fa/index.html">fa</a><script src="assets/quick-exit.js"></script>',
    "fa/index.html": "<!doctype html><title>خانه</title><p>سلام</p>".encode(),
    "fr/about.html": "<!doctype html><title>À propos</title>".encode(),
    "assets/quick-exit.js": b"document.body.innerHTML='';location.replace(EXIT)",
    "assets/site.css": b"body{margin:0}",
    "downloads/guide.en.pdf": b"%PDF-1.7 tiny",
    "404.html": b"<!doctype html><title>Not found</title>",
}


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err


def cli(*args) -> Result:
    """The command, in this process (fast); exceptions propagate (the old code's crashes)."""
    module = importlib.import_module(CLI)
    main = getattr(module, "main", None) or importlib.import_module(CLI + ".cli").main
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = main([str(a) for a in args])
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
            if isinstance(exit_.code, str):
                err.write(exit_.code)
    return Result(code, out.getvalue(), err.getvalue())


def cli_process(*args, timeout: float = 60, env: dict | None = None) -> Result:
    """The command in a fresh interpreter, as a user runs it."""
    result = subprocess.run([sys.executable, "-m", CLI, *map(str, args)], cwd=ROOT, capture_output=True,
                            text=True, timeout=timeout, env={**os.environ, **(env or {})})
    return Result(result.returncode, result.stdout, result.stderr)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def build_info(key: dict, date: str = DATE, number: int = 7) -> bytes:
    return json.dumps({
        "release": {"number": number, "date": date, "public_key": key["public"], "fingerprint": key["fingerprint"]},
        "publisher": {"en": "Independent publication", "fa": "نشر مستقل", "fr": "Publication indépendante"},
        "languages": [
            {"code": "en", "name": "English", "direction": "ltr", "home": "index.html",
             "title": "Gender persecution", "description": "Reports and guides"},
            {"code": "fa", "name": "دری", "direction": "rtl", "home": "fa/index.html",
             "title": "آزار و اذیت مبتنی بر جنسیت", "description": "گزارش‌ها و رهنمودها"},
            {"code": "fr", "name": "Français", "direction": "ltr", "home": "fr/index.html",
             "title": "Persécution fondée sur le genre", "description": "Rapports et guides"},
        ],
    }, ensure_ascii=False, indent=1).encode()


def signed_list(files: dict[str, bytes], key: dict, kind: str = "site", date: str = DATE,
                number: int = 7, comment: str | None = None) -> tuple[bytes, bytes]:
    """(SHA256SUMS, SHA256SUMS.minisig) for these files, signed with the test key."""
    import datetime as dt

    text = manifest_text({name: sha(data) for name, data in files.items()}).encode()
    comment = comment or Signed(kind, dt.date.fromisoformat(date), number, len(files)).comment()
    secret = signing.load_secret_key(key["file"])
    try:
        return text, signing.sign(text, secret, comment).encode()
    finally:
        secret.wipe()


def site_files(key: dict, date: str = DATE, number: int = 7) -> dict[str, bytes]:
    return {**FILES, "build-info.json": build_info(key, date, number)}


def make_site(folder: Path, key: dict, files: dict[str, bytes] | None = None, **signed) -> Path:
    """A tiny signed site in ``folder``: the files, SHA256SUMS and its signature."""
    files = files if files is not None else site_files(key)
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    manifest, signature = signed_list(files, key, **signed)
    (folder / "SHA256SUMS").write_bytes(manifest)
    (folder / "SHA256SUMS.minisig").write_bytes(signature)
    return folder


def signed_members(key: dict, top: str = "site-2026-12-20", files: dict[str, bytes] | None = None) -> list[tuple]:
    """The members of a good archive: the signed list first, then the files."""
    files = files if files is not None else site_files(key)
    manifest, signature = signed_list(files, key)
    return ([(f"{top}/SHA256SUMS", manifest), (f"{top}/SHA256SUMS.minisig", signature)]
            + [(f"{top}/{name}", data) for name, data in sorted(files.items())])


# --------------------------------------------------------------------------- hostile archives


def write_zip(path: Path, members: list[tuple]) -> Path:
    """members: (name, bytes) or (name, bytes, unix mode) — the mode makes symlinks, devices …"""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for member in members:
            name, data = member[0], member[1]
            info = zipfile.ZipInfo(name, date_time=(2026, 12, 20, 0, 0, 0))
            info.create_system = 3
            info.external_attr = (member[2] if len(member) > 2 else stat.S_IFREG | 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            with __import__("warnings").catch_warnings():
                __import__("warnings").simplefilter("ignore")  # "Duplicate name" is the point
                archive.writestr(info, data)
    return path


@dataclass
class Special:
    """A tar member that is not a regular file: tarfile.SYMTYPE, LNKTYPE, CHRTYPE, FIFOTYPE …"""

    type: bytes
    linkname: str = ""


def write_tar(path: Path, members: list[tuple]) -> Path:
    """members: (name, bytes) for files, or (name, Special(TarInfo type, linkname)) for the rest."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as archive:
        for member in members:
            info = tarfile.TarInfo(member[0])
            info.mtime = 1766188800
            if not isinstance(member[1], Special):
                info.size = len(member[1])
                archive.addfile(info, io.BytesIO(member[1]))
            else:
                info.type, info.linkname = member[1].type, member[1].linkname
                if info.type in (tarfile.CHRTYPE, tarfile.BLKTYPE):
                    info.devmajor, info.devminor = 1, 3
                archive.addfile(info)
    path.write_bytes(gzip.compress(buffer.getvalue(), mtime=0))
    return path
