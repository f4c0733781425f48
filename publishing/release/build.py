"""``make release``'s signing step: the built site in, a signed ``dist/`` out.

One job: turn ``site/`` (built beforehand, without the signing key in its environment) into a
release, atomically (``dist/`` appears whole or not at all):

* ``dist/site/``: the site with ``SHA256SUMS`` (every file) and ``SHA256SUMS.minisig``, signed as
  ``kind:site`` with the release date and number of ``build-info.json``;
* the same folder as reproducible ``.zip`` and ``.tar.gz`` (signed list first), the PDFs, one ZIM
  per language, ``minisign.pub``;
* ``dist/SHA256SUMS`` of everything (``kind:release``), signed too.

The trusted inputs come from ``site/build-info.json`` only. The signing key must be the one
whose public key the build published there (``release.public_key``), or nothing is signed.
"""

from __future__ import annotations

import hashlib
import shutil
import time
from pathlib import Path

from . import archives, signing, zim
from .manifest import (BUILD_INFO, MANIFEST, NOT_LISTED, SIGNATURE, BuildInfo, ManifestProblem, Signed,
                       load_build_info, manifest_text)
from .verify import Budget, FolderCopy, Options, Report, check_entries


class BuildProblem(Exception):
    pass


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(archives.BLOCK):
            digest.update(block)
    return digest.hexdigest()


def site_files(site: Path) -> list[str]:
    """Every file of a site folder (sorted), refusing anything a verifier would report: a
    symlink, a hard link, a device, an unsafe or case-colliding name."""
    budget = Budget(max_file=1 << 40, max_total=1 << 50, max_entries=1_000_000)
    report = Report(str(site))
    names: list[str] = []

    def entries():
        for entry in FolderCopy(site, Options(public_key="", budget=budget)).walk():
            if entry.kind == "file" and entry.name not in NOT_LISTED:
                names.append(entry.name)
            yield entry

    check_entries(entries(), {}, report, budget, None)  # an empty list: no file is read
    problems = [f for f in report.findings if f.label != "EXTRA"]
    if problems:
        first = problems[0]
        raise BuildProblem(f"{site}/ cannot be signed: {first.label} {first.name} {first.detail}".rstrip()
                           + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""))
    return sorted(names)


def _write_signed_list(folder: Path, entries: dict[str, str], secret, kind: str, info: BuildInfo) -> None:
    text = manifest_text(entries)
    signed = Signed(kind, info.date, info.number, len(entries))
    (folder / MANIFEST).write_text(text, encoding="utf-8")
    (folder / SIGNATURE).write_text(signing.sign(text.encode("utf-8"), secret, signed.comment()), encoding="utf-8")


def build(site: Path, dist: Path, key_file: Path | None = None) -> int:
    started = time.monotonic()
    if not (site / "index.html").is_file():
        raise BuildProblem(f"{site}/ holds no built site: run `make site` first")
    try:
        info = load_build_info(site)
    except ManifestProblem as error:
        raise BuildProblem(str(error)) from None
    try:
        published = signing.public_key(info.public_key)
    except signing.KeyProblem as error:
        raise BuildProblem(f"{site}/{BUILD_INFO}: release.public_key: {error}") from None
    if info.fingerprint != signing.fingerprint(published):
        raise BuildProblem(f"{site}/{BUILD_INFO}: release.fingerprint {info.fingerprint!r} is not the fingerprint "
                           f"of release.public_key ({signing.fingerprint(published)})")
    for language in info.languages:
        try:
            zim.zim_language(language.code)  # a clear error now, not after the archives
        except ValueError as error:
            raise BuildProblem(f"{site}/{BUILD_INFO}: {error}") from None
    files = site_files(site)

    with signing.load_secret_key(key_file) as secret:
        mine = secret.get_public_key()
        if signing.public_key_text(mine) != signing.public_key_text(published):
            raise BuildProblem(
                "the signing key does not match the public key the site publishes "
                f"({signing.fingerprint(published)} in {BUILD_INFO}, the key is {signing.fingerprint(mine)}): "
                f"build the site with RELEASE_PUBLIC_KEY={signing.public_key_text(mine)}")
        staging = dist.with_name(f".{dist.name}.new")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        try:
            tree = staging / "site"
            tree.mkdir()
            for name in files:
                (tree / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(site / name, tree / name)
            entries = {name: sha256_file(tree / name) for name in files}
            _write_signed_list(tree, entries, secret, "site", info)

            top = f"gender-persecution-site-{info.date.isoformat()}-r{info.number}"
            archived = files + sorted(NOT_LISTED)
            archives.write_zip(tree, archived, staging / f"{top}.zip", top, info.epoch)
            archives.write_tar_gz(tree, archived, staging / f"{top}.tar.gz", top, info.epoch)
            (staging / "pdf").mkdir()
            for name in files:
                if name.startswith("downloads/") and name.endswith(".pdf"):
                    shutil.copyfile(tree / name, staging / "pdf" / Path(name).name)
            (staging / "zim").mkdir()
            for language in info.languages:
                zim.build_zim(tree, files, staging / "zim" / f"gender-persecution_{language.code}_{info.date.isoformat()}.zim",
                              language, info)
            (staging / "minisign.pub").write_text(
                f"untrusted comment: minisign public key of the publisher, fingerprint {signing.fingerprint(mine)}\n"
                f"{signing.public_key_text(mine)}\n", encoding="utf-8")
            everything = {f"site/{name}": digest for name, digest in entries.items()}
            for path in sorted(staging.rglob("*")):
                name = path.relative_to(staging).as_posix()
                if path.is_file() and (not name.startswith("site/") or name in ("site/" + MANIFEST, "site/" + SIGNATURE)):
                    everything[name] = sha256_file(path)
            _write_signed_list(staging, everything, secret, "release", info)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    retired = dist.with_name(f".{dist.name}.old")
    shutil.rmtree(retired, ignore_errors=True)
    if dist.exists():
        dist.rename(retired)
    staging.rename(dist)
    shutil.rmtree(retired, ignore_errors=True)

    print(f"Release {info.number} of {info.date.isoformat()} in {dist}/ ({time.monotonic() - started:.1f} s), "
          f"key {signing.fingerprint(mine)}:")
    for path in sorted(dist.rglob("*")):
        name = path.relative_to(dist).as_posix()
        if path.is_file() and not name.startswith("site/"):
            print(f"  {name:<60} {path.stat().st_size / 1024 / 1024:8.2f} MB")
    print(f"  site/ with {len(entries)} files, signed list {MANIFEST} + {SIGNATURE}")
    return 0
