"""Release: verifiable bundles, offline editions and a verify command for mirrors.

One job: a copy of the site that anyone can check, wherever it came from. HTTPS vouches for a
connection, not for a mirror; a signed list of fingerprints vouches for the files.

    python -m hooks.release keygen --secret-key FILE        # once, by the publisher
    python -m hooks.release build [--site site] [--dist dist] # `make release`
    python -m hooks.release verify TARGET [--public-key KEY] # a folder, a .zip/.tar.gz or a URL

``build`` (atomic: ``dist/`` appears whole or not at all):

* ``site/SHA256SUMS`` lists every file of the site and ``SHA256SUMS.minisig`` signs it; both
  travel inside the site, so an unpacked copy or a mirror can be checked on its own;
* the site as reproducible ``.zip`` and ``.tar.gz`` (sorted entries, fixed dates), every PDF, and
  one ZIM file per language for Kiwix readers (libzim; title, language, description,
  illustration, full-text index);
* ``dist/SHA256SUMS`` lists every file of the site (``site/…``) and of the bundle, signed too.

Signatures are Ed25519 in minisign's format (PyNaCl), so ``minisign -Vm SHA256SUMS -P KEY`` checks
them as well. The secret key comes from ``RELEASE_SIGNING_KEY_FILE`` (or ``RELEASE_SIGNING_KEY``,
base64), never from the repository; its public key must be the one the site publishes
(``extra.release.public_key``), or the release is refused.
"""

from __future__ import annotations

import argparse
import base64
import datetime as _dt
import gzip
import hashlib
import io
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = "SHA256SUMS"
SIGNATURE = "SHA256SUMS.minisig"
NOT_LISTED = {MANIFEST, SIGNATURE}
ZIM_LANGUAGES = {"en": "eng", "fr": "fra", "fa": "prs"}  # ISO 639-3 (Dari: prs)


# --------------------------------------------------------------------------- keys and signatures


@dataclass
class SecretKey:
    seed: bytes  # 32 bytes

    @property
    def signing(self):
        from nacl.signing import SigningKey

        return SigningKey(self.seed)

    @property
    def public(self) -> bytes:
        return bytes(self.signing.verify_key)

    @property
    def key_id(self) -> bytes:
        return hashlib.blake2b(self.public, digest_size=8).digest()

    @property
    def public_key_text(self) -> str:
        """The public key as minisign writes it (base64 of 'Ed' + key id + key)."""
        return base64.b64encode(b"Ed" + self.key_id + self.public).decode()


def load_secret_key() -> SecretKey:
    path = os.environ.get("RELEASE_SIGNING_KEY_FILE")
    text = Path(path).read_text().strip() if path else os.environ.get("RELEASE_SIGNING_KEY", "").strip()
    if not text:
        raise SystemExit(
            "No signing key: set RELEASE_SIGNING_KEY_FILE to the file made by "
            "`python -m hooks.release keygen --secret-key FILE` (keep it outside the repository)."
        )
    seed = base64.b64decode(text)
    if len(seed) != 32:
        raise SystemExit("The signing key must be 32 bytes, base64-encoded (see keygen).")
    return SecretKey(seed)


def parse_public_key(text: str) -> tuple[bytes, bytes]:
    """(key id, Ed25519 key) from a minisign public key (base64, or a .pub file's text)."""
    line = [l for l in text.strip().splitlines() if l and not l.startswith("untrusted comment")][-1]
    raw = base64.b64decode(line.strip())
    if len(raw) != 42 or raw[:2] != b"Ed":
        raise ValueError("not a minisign Ed25519 public key")
    return raw[2:10], raw[10:]


def sign(data: bytes, key: SecretKey, trusted_comment: str) -> str:
    """A minisign signature (pre-hashed 'ED' variant: Ed25519 over BLAKE2b-512 of the data)."""
    digest = hashlib.blake2b(data, digest_size=64).digest()
    signature = key.signing.sign(digest).signature
    global_signature = key.signing.sign(signature + trusted_comment.encode()).signature
    return (
        f"untrusted comment: signature from the publisher's release key\n"
        f"{base64.b64encode(b'ED' + key.key_id + signature).decode()}\n"
        f"trusted comment: {trusted_comment}\n"
        f"{base64.b64encode(global_signature).decode()}\n"
    )


def verify_signature(data: bytes, signature_text: str, public_key: str) -> str:
    """Check a minisign signature; return the trusted comment or raise ValueError."""
    from nacl.exceptions import BadSignatureError
    from nacl.signing import VerifyKey

    key_id, key = parse_public_key(public_key)
    lines = [l for l in signature_text.splitlines() if l.strip()]
    if len(lines) < 4 or not lines[2].startswith("trusted comment: "):
        raise ValueError("the signature file is not in minisign format")
    raw = base64.b64decode(lines[1])
    algorithm, signed_id, signature = raw[:2], raw[2:10], raw[10:]
    if signed_id != key_id:
        raise ValueError("the manifest was signed with another key than the one given")
    message = hashlib.blake2b(data, digest_size=64).digest() if algorithm == b"ED" else data
    comment = lines[2][len("trusted comment: "):]
    verifier = VerifyKey(key)
    try:
        verifier.verify(message, signature)
        verifier.verify(signature + comment.encode(), base64.b64decode(lines[3]))
    except BadSignatureError as error:
        raise ValueError("the signature does not match the manifest") from error
    return comment


# --------------------------------------------------------------------------- manifests


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def site_files(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*")
                  if p.is_file() and p.relative_to(site).as_posix() not in NOT_LISTED)


def manifest_text(entries: dict[str, str]) -> str:
    """The sha256sum format: `sha256sum -c SHA256SUMS` checks it too."""
    return "".join(f"{digest}  {name}\n" for name, digest in sorted(entries.items()))


def parse_manifest(text: str) -> dict[str, str]:
    entries = {}
    for line in text.splitlines():
        match = re.match(r"^([0-9a-f]{64})  (.+)$", line)
        if match:
            entries[match.group(2)] = match.group(1)
    return entries


# --------------------------------------------------------------------------- archives


def source_epoch() -> int:
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if value and value.isdigit():
        return int(value)
    try:
        return int(subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=ROOT, capture_output=True,
                                  text=True, check=True).stdout.strip())
    except (OSError, subprocess.CalledProcessError, ValueError):
        return int(time.time())


def write_zip(site: Path, target: Path, top: str, epoch: int) -> None:
    stamp = _dt.datetime.fromtimestamp(max(epoch, 315532800), tz=_dt.timezone.utc).timetuple()[:6]
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name in site_files(site) + sorted(NOT_LISTED & {p.name for p in site.iterdir()}):
            info = zipfile.ZipInfo(f"{top}/{name}", date_time=stamp)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, (site / name).read_bytes())


def write_tar_gz(site: Path, target: Path, top: str, epoch: int) -> None:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as archive:
        for name in site_files(site) + sorted(NOT_LISTED & {p.name for p in site.iterdir()}):
            data = (site / name).read_bytes()
            info = tarfile.TarInfo(f"{top}/{name}")
            info.size, info.mtime, info.mode = len(data), epoch, 0o644
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            archive.addfile(info, io.BytesIO(data))
    with target.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=epoch, filename="") as zipped:
        zipped.write(buffer.getvalue())


# --------------------------------------------------------------------------- offline editions (ZIM)


def illustration_png(size: int = 48) -> bytes:
    """A 48×48 icon for Kiwix: the site's book on its purple square."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (size, size), (74, 44, 109))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((13, 12, 35, 37), radius=3, fill="white")
    for y in (19, 25):
        draw.line((18, y, 30, y), fill=(74, 44, 109), width=2)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def page_title(html: str, fallback: str) -> str:
    match = re.search(r"<title>(.*?)</title>", html, re.S)
    return re.sub(r"\s+", " ", match.group(1)).strip() if match else fallback


def build_zim(site: Path, target: Path, language: str, meta: dict) -> int:
    """One language of the site as a ZIM file; returns the number of entries."""
    from libzim.writer import Creator, FileProvider, Hint, Item

    prefix = "" if language == "en" else f"{language}/"
    others = tuple(f"{l}/" for l in ZIM_LANGUAGES if l not in ("en", language))
    paths = [p for p in site_files(site)
             if (p.startswith(prefix) if prefix else not p.startswith(tuple(f"{l}/" for l in ZIM_LANGUAGES)))
             or p.startswith("assets/")
             or (p.startswith("downloads/") and p.endswith((f".{language}.pdf",)))]
    paths = [p for p in paths if not p.startswith(others) and not p.startswith("search/") and "/search/" not in p
             and p not in ("_headers", "_nginx-headers.conf")
             and not (p.startswith("downloads/") and not p.endswith(f".{language}.pdf"))]
    mimetypes = {".html": "text/html", ".css": "text/css", ".js": "application/javascript",
                 ".svg": "image/svg+xml", ".woff2": "font/woff2", ".pdf": "application/pdf",
                 ".json": "application/json", ".png": "image/png", ".txt": "text/plain"}

    class Page(Item):
        def __init__(self, path: str):
            super().__init__()
            self.path = path

        def get_path(self):
            return self.path

        def get_title(self):
            if self.path.endswith(".html"):
                return page_title((site / self.path).read_text(encoding="utf-8"), self.path)
            return ""

        def get_mimetype(self):
            return mimetypes.get(PurePosixPath(self.path).suffix, "application/octet-stream")

        def get_contentprovider(self):
            return FileProvider(str(site / self.path))

        def get_hints(self):
            front = self.path.endswith(".html") and not self.path.endswith("404.html")
            return {Hint.FRONT_ARTICLE: front}

    with Creator(str(target)).config_verbose(False).config_indexing(True, ZIM_LANGUAGES[language]) as creator:
        creator.set_mainpath(f"{prefix}index.html")
        creator.add_illustration(48, illustration_png())
        for key, value in meta.items():
            creator.add_metadata(key, value)
        for path in paths:
            creator.add_item(Page(path))
    return len(paths)


def zim_metadata(site: Path, language: str, publisher: str, epoch: int) -> dict:
    prefix = "" if language == "en" else f"{language}/"
    home = (site / prefix / "index.html").read_text(encoding="utf-8")
    description = re.search(r'<meta name="description" content="([^"]*)"', home)
    title = page_title(home, "Gender persecution")
    return {
        "Name": f"gender-persecution_{ZIM_LANGUAGES[language]}",
        "Title": title[:30],
        "Description": (description.group(1) if description else title)[:80],
        "LongDescription": description.group(1) if description else title,
        "Language": ZIM_LANGUAGES[language],
        "Creator": publisher,
        "Publisher": publisher,
        "Date": _dt.datetime.fromtimestamp(epoch, tz=_dt.timezone.utc).strftime("%Y-%m-%d"),
        "Tags": "human-rights;gender;afghanistan;_category:other",
        "Source": "make release",
    }


# --------------------------------------------------------------------------- build


def published_public_key(site: Path) -> str:
    """The public key the built site shows readers (verify page)."""
    match = re.search(r'data-gp-public-key="([^"]+)"', (site / "verify.html").read_text(encoding="utf-8"))
    return match.group(1) if match else ""


def build(site: Path, dist: Path) -> int:
    started = time.monotonic()
    if not (site / "index.html").exists():
        raise SystemExit(f"{site}/ has no built site: run `make site` first.")
    key = load_secret_key()
    advertised = published_public_key(site)
    if advertised != key.public_key_text:
        raise SystemExit(
            "The signing key does not match the public key the site shows readers "
            f"({advertised or 'none'}). Build the site with RELEASE_PUBLIC_KEY={key.public_key_text}"
        )
    epoch = source_epoch()
    date = _dt.datetime.fromtimestamp(epoch, tz=_dt.timezone.utc).strftime("%Y-%m-%d")
    staging = dist.with_name(f".{dist.name}.new")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        # the site with its own signed manifest, as mirrors and archives carry it
        tree = staging / "site"
        shutil.copytree(site, tree)
        entries = {name: sha256_file(tree / name) for name in site_files(tree)}
        text = manifest_text(entries)
        (tree / MANIFEST).write_text(text, encoding="utf-8")
        (tree / SIGNATURE).write_text(sign(text.encode(), key, f"site {date} files:{len(entries)}"), encoding="utf-8")

        top = f"gender-persecution-site-{date}"
        write_zip(tree, staging / f"{top}.zip", top, epoch)
        write_tar_gz(tree, staging / f"{top}.tar.gz", top, epoch)
        (staging / "pdf").mkdir()
        for pdf in sorted((tree / "downloads").glob("*.pdf")):
            shutil.copy2(pdf, staging / "pdf" / pdf.name)
        publisher = re.search(r'class="gp-footer__publisher">[^:]*:\s*([^<]+)<', (tree / "index.html").read_text(encoding="utf-8"))
        publisher = publisher.group(1).strip() if publisher else "Independent publication"
        (staging / "zim").mkdir()
        for language in ZIM_LANGUAGES:
            build_zim(tree, staging / "zim" / f"gender-persecution_{language}_{date}.zim", language,
                      zim_metadata(tree, language, publisher, epoch))

        (staging / "minisign.pub").write_text(
            f"untrusted comment: minisign public key of the publisher\n{key.public_key_text}\n", encoding="utf-8")
        bundle = {p.relative_to(staging).as_posix(): sha256_file(p) for p in sorted(staging.rglob("*"))
                  if p.is_file() and not p.relative_to(staging).as_posix().startswith("site/")}
        everything = {**{f"site/{name}": digest for name, digest in entries.items()}, **bundle}
        text = manifest_text(everything)
        (staging / MANIFEST).write_text(text, encoding="utf-8")
        (staging / SIGNATURE).write_text(sign(text.encode(), key, f"release {date} files:{len(everything)}"),
                                         encoding="utf-8")
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    retired = dist.with_name(f".{dist.name}.old")
    shutil.rmtree(retired, ignore_errors=True)
    if dist.exists():
        dist.rename(retired)
    staging.rename(dist)
    shutil.rmtree(retired, ignore_errors=True)

    print(f"Release in {dist}/ ({time.monotonic() - started:.1f} s):")
    for path in sorted(dist.rglob("*")):
        if path.is_file() and not path.relative_to(dist).as_posix().startswith("site/"):
            print(f"  {path.relative_to(dist).as_posix():<60} {path.stat().st_size / 1024 / 1024:8.2f} MB")
    print(f"  site/ with {len(entries)} files, signed manifest {MANIFEST} + {SIGNATURE}")
    return 0


# --------------------------------------------------------------------------- verify


@dataclass
class Findings:
    checked: int = 0
    missing: list[str] = field(default_factory=list)
    altered: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.missing or self.altered or self.extra)


class Source:
    """Files of a copy to check: a folder, an archive or a URL."""

    def __init__(self, target: str):
        self.target = target
        self.kind = "url" if re.match(r"^https?://", target) else "archive" if target.endswith((".zip", ".tar.gz", ".tgz")) else "folder"
        self._files: dict[str, bytes] | None = None
        if self.kind == "archive":
            self._files = self._read_archive(Path(target))
        self.base = target if not self.kind == "url" or target.endswith("/") else target + "/"

    @staticmethod
    def _read_archive(path: Path) -> dict[str, bytes]:
        files = {}
        if path.suffix == ".zip":
            with zipfile.ZipFile(path) as archive:
                for info in archive.infolist():
                    if not info.is_dir():
                        files[info.filename.split("/", 1)[1]] = archive.read(info)
        else:
            with tarfile.open(path, "r:gz") as archive:
                for member in archive.getmembers():
                    if member.isfile():
                        files[member.name.split("/", 1)[1]] = archive.extractfile(member).read()
        return files

    def read(self, name: str) -> bytes | None:
        if self.kind == "archive":
            return self._files.get(name)
        if self.kind == "folder":
            path = Path(self.target) / name
            return path.read_bytes() if path.is_file() else None
        try:
            with urllib.request.urlopen(self.base + urllib.parse.quote(name)) as response:
                return response.read()
        except urllib.error.HTTPError as error:
            if error.code == 404:
                return None
            raise

    def listing(self, manifest: dict[str, str]) -> set[str]:
        """Files the copy holds; for a URL, every same-site file its pages link to."""
        if self.kind == "archive":
            return set(self._files) - NOT_LISTED
        if self.kind == "folder":
            return set(site_files(Path(self.target)))
        found = set()
        for name in manifest:
            if name.endswith(".html"):
                body = self.read(name) or b""
                for link in re.findall(rb'(?:src|href)="([^"#?]+)', body):
                    url = urllib.parse.urljoin(self.base + name, link.decode())
                    if url.startswith(self.base):
                        found.add(urllib.parse.unquote(url[len(self.base):]))
        return found | {n for n in manifest}


def verify(target: str, public_key: str, manifest_path: str | None = None) -> tuple[str, Findings]:
    source = Source(target)
    manifest_bytes = Path(manifest_path).read_bytes() if manifest_path else source.read(MANIFEST)
    signature = Path(manifest_path + ".minisig").read_text() if manifest_path else (source.read(SIGNATURE) or b"").decode()
    if manifest_bytes is None or not signature:
        raise ValueError(f"no signed manifest ({MANIFEST} and {SIGNATURE}) at {target}")
    comment = verify_signature(manifest_bytes, signature, public_key)
    manifest = parse_manifest(manifest_bytes.decode("utf-8"))
    if manifest_path:  # a release manifest: only its site/ entries describe a copy of the site
        manifest = {k[len("site/"):]: v for k, v in manifest.items() if k.startswith("site/")} or manifest
    findings = Findings()
    for name, digest in manifest.items():
        data = source.read(name)
        findings.checked += 1
        if data is None:
            findings.missing.append(name)
        elif hashlib.sha256(data).hexdigest() != digest:
            findings.altered.append(name)
    findings.extra = sorted(source.listing(manifest) - set(manifest) - NOT_LISTED)
    return comment, findings


def configured_public_key() -> str:
    import yaml

    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    config = yaml.load(text, Loader=yaml.BaseLoader)
    value = ((config.get("extra") or {}).get("release") or {}).get("public_key", "")
    return value[-1] if isinstance(value, list) else value  # !ENV [NAME, default]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hooks.release", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    keygen = sub.add_parser("keygen", help="create a signing key (keep the file secret, outside the repository)")
    keygen.add_argument("--secret-key", type=Path, required=True)
    build_cmd = sub.add_parser("build", help="make dist/: signed manifest, archives, PDFs, ZIM files")
    build_cmd.add_argument("--site", type=Path, default=ROOT / "site")
    build_cmd.add_argument("--dist", type=Path, default=ROOT / "dist")
    check = sub.add_parser("verify", help="check a copy of the site against its signed manifest")
    check.add_argument("target", help="a folder, a .zip/.tar.gz bundle or a mirror URL")
    check.add_argument("--public-key", help="minisign public key (default: extra.release.public_key)")
    check.add_argument("--manifest", help="a trusted SHA256SUMS (e.g. from dist/) instead of the copy's own")
    args = parser.parse_args(argv)

    if args.command == "keygen":
        seed = os.urandom(32)
        args.secret_key.touch(mode=0o600)
        args.secret_key.write_text(base64.b64encode(seed).decode() + "\n")
        key = SecretKey(seed)
        print(f"Secret key written to {args.secret_key} (keep it safe, never commit it).")
        print(f"Public key (set extra.release.public_key in mkdocs.yml, or RELEASE_PUBLIC_KEY):\n{key.public_key_text}")
        return 0
    if args.command == "build":
        return build(args.site, args.dist)

    public_key = args.public_key or os.environ.get("RELEASE_PUBLIC_KEY") or configured_public_key()
    if not public_key:
        print("No public key: pass --public-key (from the publisher's verify page).", file=sys.stderr)
        return 2
    try:
        comment, findings = verify(args.target, public_key, args.manifest)
    except (ValueError, OSError) as error:
        print(f"NOT VERIFIED: {error}", file=sys.stderr)
        return 2
    print(f"Signature: good ({comment})")
    for label, names in (("MISSING", findings.missing), ("ALTERED", findings.altered), ("EXTRA", findings.extra)):
        for name in names:
            print(f"  {label:<8} {name}")
    if findings.ok:
        print(f"OK: all {findings.checked} files match the signed manifest; nothing extra.")
        return 0
    print(f"NOT AUTHENTIC: {len(findings.missing)} missing, {len(findings.altered)} altered, "
          f"{len(findings.extra)} extra of {findings.checked} listed files.")
    return 1


if __name__ == "__main__":
    sys.exit(main())
