"""Is this copy the publisher's? A folder, a .zip/.tar.gz or a mirror's address, checked against
the signed list of files it carries (or a trusted one given with --manifest).

One job: a verdict that a hostile copy cannot turn into "authentic".

Order of work: read only the signed list and its signature (small, capped), check the signature
and what it says (kind of list, date, release number), and only then read the copy's files,
streamed into SHA-256 within the Budget. Nothing is extracted, no link is followed, and an entry
that could make an unpacked or served copy differ from what was checked (a symlink, a hard link,
a device, an unsafe or duplicate name, a case-only twin, an entry outside the archive's folder) is
a finding.

Verdicts (the exit codes of ``python -m publishing.release verify``):

* 0 AUTHENTIC: every listed file is there, unchanged, and nothing else is;
* 1 NOT AUTHENTIC: differences (missing, altered, extra, unsafe entries), or older than
  ``--not-before``;
* 2 NOT VERIFIED: no valid signature by the publisher's key on a list of the right kind;
* 3 COULD NOT CHECK: the network, a limit, a damaged archive, or an error in this tool.
"""

from __future__ import annotations

import datetime as _dt
import errno
import hashlib
import os
import re
import stat
import urllib.parse
from contextlib import closing, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from . import archives, signing
from .archives import Budget, Entry, LimitExceeded, Unreadable, read_limited, read_small
from .fetch import Client, CrossOrigin, FetchProblem
from .manifest import (MANIFEST, MAX_MANIFEST_BYTES, MAX_SIGNATURE_BYTES, NOT_LISTED, ManifestProblem,
                       Signed, collision_key, name_problem, parse_manifest)

AUTHENTIC, DIFFERENT, NOT_SIGNED, NOT_CHECKED = 0, 1, 2, 3
MAX_DEPTH = 64


class NotVerified(Exception):
    """No valid signature of the publisher (exit 2)."""


class CouldNotCheck(Exception):
    """The check could not be completed (exit 3)."""


LABELS = ("MISSING", "ALTERED", "EXTRA", "SYMLINK", "HARDLINK", "SPECIAL", "UNSAFE", "OUTSIDE",
          "DUPLICATE", "COLLISION", "DAMAGED", "REDIRECT")


@dataclass
class Finding:
    label: str
    name: str
    detail: str = ""


@dataclass
class Report:
    target: str
    signed: Signed | None = None
    too_old: bool = False
    checked: int = 0
    findings: list[Finding] = field(default_factory=list)
    headers: list[tuple[str, str]] = field(default_factory=list)  # (status, text), reported only
    notes: list[str] = field(default_factory=list)

    def add(self, label: str, name: str, detail: str = "") -> None:
        self.findings.append(Finding(label, printable(name), printable(detail)))

    @property
    def verdict(self) -> int:
        return DIFFERENT if (self.too_old or self.findings) else AUTHENTIC


@dataclass
class Options:
    public_key: str
    manifest: Path | None = None
    release: bool = False
    not_before: _dt.date | None = None
    budget: Budget = field(default_factory=Budget)
    timeout: float = 20.0
    total_timeout: float = 600.0
    ca_file: str | None = None


def printable(name: str) -> str:
    """A name as it can be shown on one terminal line (control characters escaped)."""
    text = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return re.sub(r"[\x00-\x1f\x7f]", lambda m: f"\\x{ord(m.group()):02x}", text)


# --------------------------------------------------------------------------- entries → findings


def check_entries(entries: Iterator[Entry], manifest: dict[str, str], report: Report, budget: Budget,
                  top: str | None) -> None:
    """Findings for the entries of a folder (top=None) or an archive (its one top folder)."""
    seen: set[str] = set()
    keys: dict[str, str] = {}
    found: set[str] = set()
    for entry in entries:
        if entry.kind == "ambiguous":  # an archive that unpacking tools would read differently
            report.add("UNSAFE", entry.name, entry.target or "")
            continue
        problem = name_problem(entry.name)
        if problem:
            report.add("UNSAFE", entry.name, problem)
            continue
        if top is not None:
            if entry.name == top and entry.kind == "dir":
                continue
            if not entry.name.startswith(top + "/"):
                report.add("OUTSIDE", entry.name, f"not inside the archive's folder {top}/")
                continue
            rel = entry.name[len(top) + 1:]
        else:
            rel = entry.name
        if rel in seen:
            report.add("DUPLICATE", rel, "stored more than once: which one an unpacking tool keeps depends on the tool")
        else:
            seen.add(rel)
            key = collision_key(rel)
            if key in keys:
                report.add("COLLISION", rel, f"the same name as {printable(keys[key])} on a disk that ignores case")
            else:
                keys[key] = rel
        if entry.kind == "dir":
            continue
        if entry.kind == "symlink":
            report.add("SYMLINK", rel, f"-> {printable(entry.target or '?')}, never followed")
            continue
        if entry.kind == "hardlink":
            report.add("HARDLINK", rel, f"-> {printable(entry.target or '?')}")
            continue
        if entry.kind != "file":
            report.add("SPECIAL", rel, f"{entry.kind}, not a regular file")
            continue
        if entry.links > 1:
            report.add("HARDLINK", rel, f"the same file has {entry.links} names on this disk")
        if rel not in manifest:
            if rel not in NOT_LISTED:  # the signed list itself, when a trusted one was given
                report.add("EXTRA", rel)
            continue
        budget.check_declared(rel, entry.size)
        digest = hashlib.sha256()
        first = rel not in found
        found.add(rel)
        try:
            with entry.open() as handle:
                read_limited(handle, rel, budget, digest.update)
        except Unreadable as error:
            report.add("DAMAGED", rel, str(error))
            continue
        if first:
            report.checked += 1
        if digest.hexdigest() != manifest[rel]:
            report.add("ALTERED", rel)
    for rel in sorted(set(manifest) - found):
        report.add("MISSING", rel)


# --------------------------------------------------------------------------- a folder


def _open_file(directory_fd: int, name: str) -> archives.BinaryIO:
    fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0), dir_fd=directory_fd)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise Unreadable("it stopped being a regular file during the check")
    return open(fd, "rb", buffering=0)


class FolderCopy:
    def __init__(self, path: Path, options: Options):
        self.path, self.budget = path, options.budget

    def close(self) -> None:
        pass

    def _entries(self, fd: int, prefix: str, depth: int) -> Iterator[Entry]:
        if depth > MAX_DEPTH:
            raise LimitExceeded(f"folders nested more than {MAX_DEPTH} deep at {printable(prefix)}")
        for name in sorted(os.listdir(fd)):
            self.budget.count_entry()
            rel = prefix + name
            info = os.stat(name, dir_fd=fd, follow_symlinks=False)
            mode = info.st_mode
            if stat.S_ISLNK(mode):
                target = "?"
                with suppress(OSError):
                    target = os.readlink(name, dir_fd=fd)
                yield Entry(rel, "symlink", target=target)
            elif stat.S_ISDIR(mode):
                child = os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=fd)
                try:
                    yield Entry(rel, "dir")
                    yield from self._entries(child, rel + "/", depth + 1)
                finally:
                    os.close(child)
            elif stat.S_ISREG(mode):
                yield Entry(rel, "file", size=info.st_size, links=info.st_nlink,
                            open=lambda fd=fd, name=name: _open_file(fd, name))
            else:
                yield Entry(rel, archives.special_kind(mode))

    def _read(self, name: str, limit: int) -> bytes | None:
        try:
            fd = os.open(self.path, os.O_RDONLY | os.O_DIRECTORY)
        except OSError as error:
            raise CouldNotCheck(f"cannot open the folder {self.path}: {error.strerror}") from None
        try:
            with _open_file(fd, name) as handle:
                return read_small(handle, name, self.budget, limit)
        except (FileNotFoundError, Unreadable):
            return None
        except OSError as error:  # a symlink (ELOOP) or a folder in the signed list's place
            if error.errno in (errno.ELOOP, errno.EISDIR, errno.ENOTDIR):
                return None
            raise CouldNotCheck(f"cannot read {name}: {error.strerror}") from None
        finally:
            os.close(fd)

    def signed_pair(self) -> tuple[bytes | None, bytes | None]:
        return self._read(MANIFEST, MAX_MANIFEST_BYTES), self._read(MANIFEST + ".minisig", MAX_SIGNATURE_BYTES)

    def walk(self) -> Iterator[Entry]:
        """Every entry under the folder, depth first in name order; nothing is followed."""
        try:
            fd = os.open(self.path, os.O_RDONLY | os.O_DIRECTORY)
        except OSError as error:
            raise CouldNotCheck(f"cannot open the folder {self.path}: {error.strerror}") from None
        try:
            yield from self._entries(fd, "", 0)
        finally:
            os.close(fd)

    def check(self, manifest: dict[str, str], report: Report) -> None:
        try:
            with closing(self.walk()) as found:
                check_entries(found, manifest, report, self.budget, None)
        except OSError as error:  # unreadable (permissions), or changed while being checked
            where = printable(str(error.filename or self.path))
            raise CouldNotCheck(f"cannot read {where} in {self.path}: {error.strerror or error}") from None


# --------------------------------------------------------------------------- an archive


class ArchiveCopy:
    def __init__(self, path: Path, options: Options):
        self.path, self.budget = path, options.budget
        self.top: str | None = None

    def close(self) -> None:
        pass

    def signed_pair(self) -> tuple[bytes | None, bytes | None]:
        """The signed list and signature at the top of the archive's one folder. Our archives
        hold them first, so a tar.gz is read no further than that."""
        manifest = signature = None
        first_top = None
        scan = Budget(self.budget.max_file, self.budget.max_total, self.budget.max_entries)
        with closing(archives.entries(self.path, scan)) as found:
            for entry in found:
                parts = entry.name.split("/")
                if first_top is None and parts[0]:
                    first_top = parts[0]
                if entry.kind != "file" or len(parts) != 2 or name_problem(entry.name):
                    continue
                if self.top not in (None, parts[0]):
                    continue
                if parts[1] == MANIFEST and manifest is None:
                    self.top = parts[0]
                    with entry.open() as handle:
                        manifest = read_small(handle, entry.name, self.budget, MAX_MANIFEST_BYTES)
                elif parts[1] == MANIFEST + ".minisig" and signature is None:
                    self.top = self.top or parts[0]
                    with entry.open() as handle:
                        signature = read_small(handle, entry.name, self.budget, MAX_SIGNATURE_BYTES)
                if manifest is not None and signature is not None:
                    break
        if self.top is None:
            self.top = first_top
        return manifest, signature

    def check(self, manifest: dict[str, str], report: Report) -> None:
        if self.top is None:
            self.signed_pair()
        with closing(archives.entries(self.path, self.budget)) as found:
            check_entries(found, manifest, report, self.budget, self.top or "")


# --------------------------------------------------------------------------- a mirror


TYPES = {"html": ("text/html",), "js": ("application/javascript", "text/javascript"), "css": ("text/css",),
         "json": ("application/json",), "svg": ("image/svg+xml",), "pdf": ("application/pdf",),
         "png": ("image/png",), "woff2": ("font/woff2", "application/font-woff2")}
LINK = re.compile(rb"""\b(?:src|href)\s*=\s*["']([^"'#?]+)""", re.I)


class MirrorCopy:
    def __init__(self, url: str, options: Options):
        parts = urllib.parse.urlsplit(url)
        if parts.username or parts.password or parts.query:
            raise CouldNotCheck("give the mirror's address without a user name, password or '?…' part")
        path = parts.path if parts.path.endswith("/") else parts.path + "/"
        self.base = urllib.parse.urlunsplit((parts.scheme.lower(), parts.netloc, path, "", ""))
        self.scheme = parts.scheme.lower()
        self.budget = options.budget
        self.client = Client(options.budget, options.timeout, options.total_timeout, options.ca_file)
        self.responses: list[tuple[str, object, bool]] = []

    def close(self) -> None:
        self.client.close()

    def _get(self, name: str, sink=None, limit=None):
        try:
            return self.client.get(self.base + urllib.parse.quote(name), sink, limit)
        except FetchProblem as error:
            raise CouldNotCheck(str(error)) from None

    def _small(self, name: str, limit: int) -> bytes | None:
        parts: list[bytes] = []
        try:
            response = self._get(name, parts.append, limit)
        except CrossOrigin as error:
            raise NotVerified(f"the mirror sends {name} from another site ({error.target}), not from itself") from None
        if response.status in (404, 410):
            return None
        if response.status != 200:
            raise CouldNotCheck(f"{self.base}{name}: HTTP {response.status}")
        return b"".join(parts)

    def signed_pair(self) -> tuple[bytes | None, bytes | None]:
        return self._small(MANIFEST, MAX_MANIFEST_BYTES), self._small(MANIFEST + ".minisig", MAX_SIGNATURE_BYTES)

    def _relative(self, page: str, link: bytes, base_path: str) -> str | None:
        """The copy's file a link of ``page`` points to, or None if it leaves the copy."""
        url = urllib.parse.urljoin(self.base + urllib.parse.quote(page), link.decode("utf-8", "replace").strip())
        parts = urllib.parse.urlsplit(url)
        if (parts.scheme, parts.netloc) != tuple(urllib.parse.urlsplit(self.base)[:2]) or not parts.path.startswith(base_path):
            return None
        rel = urllib.parse.unquote(parts.path[len(base_path):])
        return rel + "index.html" if rel == "" or rel.endswith("/") else rel

    def check(self, manifest: dict[str, str], report: Report) -> None:
        linked: dict[str, str] = {}
        resolved: dict[tuple[str, bytes], str | None] = {}
        base_path = urllib.parse.urlsplit(self.base).path
        for name in sorted(manifest):
            digest = hashlib.sha256()
            html = name.endswith((".html", ".htm"))
            body: list[bytes] = []

            def sink(block: bytes, html=html, body=body, digest=digest) -> None:
                digest.update(block)
                if html:
                    body.append(block)

            try:
                response = self._get(name, sink)
            except CrossOrigin as error:
                report.add("REDIRECT", name, f"to another site: {printable(error.target)}")
                continue
            self.responses.append((name, response.headers, html))
            if response.status in (404, 410):
                report.add("MISSING", name)
                continue
            if response.status != 200:
                raise CouldNotCheck(f"{self.base}{name}: HTTP {response.status}")
            report.checked += 1
            if digest.hexdigest() != manifest[name]:
                report.add("ALTERED", name)
            folder = name.rpartition("/")[0]
            for link in set(LINK.findall(b"".join(body))):
                if (folder, link) not in resolved:
                    resolved[(folder, link)] = self._relative(name, link, base_path)
                rel = resolved[(folder, link)]
                if rel is not None:
                    linked.setdefault(rel, name)
        for rel, page in sorted(linked.items()):
            if rel not in manifest and rel not in NOT_LISTED:
                report.add("EXTRA", rel, f"linked from {page}")
        if "index.html" in manifest:  # what a reader gets who types the mirror's address
            digest = hashlib.sha256()
            try:
                response = self.client.get(self.base, digest.update)
            except CrossOrigin as error:
                report.add("REDIRECT", "(the mirror's address)", f"to another site: {printable(error.target)}")
            except FetchProblem as error:
                raise CouldNotCheck(str(error)) from None
            else:
                self.responses.append(("(the address)", response.headers, True))
                if response.status == 200 and digest.hexdigest() != manifest["index.html"]:
                    report.add("ALTERED", "(the mirror's address)", f"{self.base} is not the signed index.html")
                elif response.status != 200:
                    report.notes.append(f"{self.base} answers HTTP {response.status} (readers must open index.html)")
        report.headers = self.header_report()

    def header_report(self) -> list[tuple[str, str]]:
        """What the mirror's HTTP headers do for readers; reported, not part of the verdict."""
        lines: list[tuple[str, str]] = []

        def responses_without(header: str, html_only: bool = False):
            return [name for name, headers, html in self.responses
                    if (html or not html_only) and not headers.get(header)]

        def responses_with(header: str):
            return [name for name, headers, _ in self.responses if headers.get(header)]

        def line(bad: list[str], ok_text: str, bad_text: str, status: str = "MISSING") -> None:
            if bad:
                lines.append((status, f"{bad_text} ({len(bad)} of {len(self.responses)} responses, e.g. {printable(bad[0])})"))
            else:
                lines.append(("ok", ok_text))

        if not self.responses:
            return lines
        line(responses_without("Content-Security-Policy", html_only=True),
             "Content-Security-Policy on every page", "no Content-Security-Policy header (pages still carry their own meta policy)")
        line(responses_with("Refresh"), "no Refresh header", "a Refresh header sends readers elsewhere", "WARNING")
        line(responses_with("Set-Cookie"), "no Set-Cookie header", "the mirror sets cookies (Set-Cookie)", "WARNING")
        if self.scheme == "https":
            line(responses_without("Strict-Transport-Security"), "Strict-Transport-Security (HTTPS only)",
                 "no Strict-Transport-Security header")
        else:
            lines.append(("WARNING", "plain HTTP: the network sees which pages a reader opens (use an https:// mirror)"))
        nosniff = [name for name, headers, _ in self.responses
                   if (headers.get("X-Content-Type-Options") or "").strip().lower() != "nosniff"]
        line(nosniff, "X-Content-Type-Options: nosniff", "no X-Content-Type-Options: nosniff")
        line(responses_without("Referrer-Policy"), "Referrer-Policy", "no Referrer-Policy header")
        wrong_type = [name for name, headers, _ in self.responses
                      if name.rpartition(".")[2] in TYPES and (headers.get("Content-Type") or "").split(";")[0].strip().lower()
                      not in TYPES[name.rpartition(".")[2]]]
        line(wrong_type, "Content-Type matches each file's kind",
             "a Content-Type that does not match the file (a script served as text stops working)", "WARNING")
        return lines


# --------------------------------------------------------------------------- the verdict


def open_copy(target: str, options: Options):
    if re.match(r"^https?://", target, re.I):
        return MirrorCopy(target, options)
    if re.match(r"^[a-z][a-z0-9+.-]*://", target, re.I):
        raise CouldNotCheck("only folders, .zip/.tar.gz files and http(s):// addresses can be checked")
    path = Path(target)
    if path.is_dir():
        return FolderCopy(path, options)
    if path.is_file():
        try:
            kind = archives.kind_of(path)
        except OSError as error:
            raise CouldNotCheck(f"cannot read {target}: {error.strerror}") from None
        if kind:
            return ArchiveCopy(path, options)
        raise CouldNotCheck(f"{target} is neither a folder nor a .zip/.tar.gz archive")
    raise CouldNotCheck(f"{target}: no such folder or file")


def _read_local(path: Path, limit: int) -> bytes | None:
    try:
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise CouldNotCheck(f"cannot read {path}: {error.strerror}") from None
    if len(data) > limit:
        raise CouldNotCheck(f"{path} is larger than {limit} bytes")
    return data


def verify(target: str, options: Options) -> Report:
    """The report on one copy; raises NotVerified (2) or CouldNotCheck (3)."""
    try:
        key = signing.public_key(options.public_key)
    except signing.KeyProblem as error:
        raise NotVerified(f"the public key given is not usable: {error}") from None
    report = Report(target)
    copy = open_copy(target, options)
    try:
        try:
            if options.manifest:
                manifest_bytes = _read_local(options.manifest, MAX_MANIFEST_BYTES)
                signature = _read_local(Path(f"{options.manifest}.minisig"), MAX_SIGNATURE_BYTES)
                where = str(options.manifest)
            else:
                manifest_bytes, signature = copy.signed_pair()
                where = target
        except Unreadable as error:
            raise CouldNotCheck(str(error)) from None
        if manifest_bytes is None or signature is None:
            missing = " and ".join(n for n, v in ((MANIFEST, manifest_bytes), (MANIFEST + ".minisig", signature)) if v is None)
            raise NotVerified(f"no signed list of files: {missing} not found in {where}")
        try:
            comment = signing.verify(manifest_bytes, signature, key)
        except signing.SignatureProblem as error:
            raise NotVerified(str(error)) from None
        try:
            signed = Signed.parse(comment)
        except ValueError as error:
            raise NotVerified(str(error)) from None
        expected = "release" if options.release else "site"
        if signed.kind != expected and not (options.manifest and signed.kind == "release"):
            hint = ("a whole release folder (dist/): add --release" if signed.kind == "release"
                    else "a copy of the site, not a release folder: leave out --release")
            raise NotVerified(f"the signed list is for {hint}")
        try:
            manifest = parse_manifest(manifest_bytes)
        except (ManifestProblem, UnicodeDecodeError) as error:
            raise CouldNotCheck(f"the signed list cannot be read by this version of the tool: {error}") from None
        if signed.files != len(manifest):
            raise CouldNotCheck(f"the signed list says {signed.files} files but holds {len(manifest)}")
        if signed.kind == "release" and not options.release:  # --manifest dist/SHA256SUMS on a site copy
            manifest = {name[len("site/"):]: digest for name, digest in manifest.items() if name.startswith("site/")}
        report.signed = signed
        if options.not_before and signed.date < options.not_before:
            report.too_old = True
            return report
        try:
            copy.check(manifest, report)
        except Unreadable as error:
            raise CouldNotCheck(str(error)) from None
        except LimitExceeded as error:
            raise CouldNotCheck(f"{error}") from None
        return report
    except LimitExceeded as error:
        raise CouldNotCheck(str(error)) from None
    finally:
        copy.close()
