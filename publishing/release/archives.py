"""Reproducible archives of a signed site, and reading archives without trusting them.

One job: bytes in and out of ``.zip`` and ``.tar.gz`` files.

Writing: sorted entries, fixed time stamps and modes, no owner; ``SHA256SUMS`` and its signature
come first, so that a verifier checks the signature before it reads anything else.

Reading (``entries``): every entry is described (file, folder, symlink, hard link, device …),
never extracted and never followed; data is streamed in blocks, and every read counts against a
``Budget`` (bytes per file, bytes in total, number of entries). Entries are yielded in archive
order; an entry's ``open`` works until the next entry is asked for (a tar.gz is read as a stream).
"""

from __future__ import annotations

import datetime as _dt
import gzip
import io
import stat
import struct
import tarfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Callable, Iterator

from .manifest import MANIFEST, SIGNATURE

BLOCK = 1 << 16


class LimitExceeded(Exception):
    """A size or count limit was reached: the copy could not be checked within the limits."""


class Unreadable(Exception):
    """The archive (or one entry) is damaged or uses a feature this tool does not read."""


@dataclass
class Budget:
    """How much a check may read: per file, in total (bytes) and in entries."""

    max_file: int = 256 << 20
    max_total: int = 2 << 30
    max_entries: int = 100_000
    used: int = 0
    entries: int = 0

    def count_entry(self) -> None:
        self.entries += 1
        if self.entries > self.max_entries:
            raise LimitExceeded(f"more than {self.max_entries} entries (--max-entries)")

    def check_declared(self, name: str, size: int | None) -> None:
        if size is not None and size > self.max_file:
            raise LimitExceeded(f"{name} says it is {size} bytes, more than the limit of "
                                f"{self.max_file} bytes per file (--max-file-size)")


def read_limited(handle: BinaryIO, name: str, budget: Budget, sink: Callable[[bytes], None],
                 limit: int | None = None) -> int:
    """Stream ``handle`` into ``sink`` in blocks, within the budget (and ``limit``, if smaller)."""
    cap = budget.max_file if limit is None else min(limit, budget.max_file)
    total = 0
    while block := handle.read(BLOCK):
        total += len(block)
        budget.used += len(block)
        if total > cap:
            raise LimitExceeded(f"{name} is larger than the limit of {cap} bytes per file"
                                + (" (--max-file-size)" if cap == budget.max_file else ""))
        if budget.used > budget.max_total:
            raise LimitExceeded(f"more than {budget.max_total} bytes read in total (--max-total-size)")
        sink(block)
    return total


def read_small(handle: BinaryIO, name: str, budget: Budget, limit: int) -> bytes:
    parts: list[bytes] = []
    read_limited(handle, name, budget, parts.append, limit)
    return b"".join(parts)


# --------------------------------------------------------------------------- writing


def archive_order(names: list[str]) -> list[str]:
    """The signed list and its signature first, then every file in sorted order."""
    first = [n for n in (MANIFEST, SIGNATURE) if n in names]
    return first + sorted(n for n in names if n not in (MANIFEST, SIGNATURE))


def write_zip(tree: Path, names: list[str], target: Path, top: str, epoch: int) -> None:
    stamp = _dt.datetime.fromtimestamp(max(epoch, 315532800), tz=_dt.timezone.utc).timetuple()[:6]
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name in archive_order(names):
            info = zipfile.ZipInfo(f"{top}/{name}", date_time=stamp)
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            with (tree / name).open("rb") as source, archive.open(info, "w") as out:
                while block := source.read(BLOCK):
                    out.write(block)


def write_tar_gz(tree: Path, names: list[str], target: Path, top: str, epoch: int) -> None:
    with target.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=epoch, filename="",
                                                 compresslevel=9) as zipped:
        with tarfile.open(fileobj=zipped, mode="w", format=tarfile.PAX_FORMAT) as archive:
            for name in archive_order(names):
                path = tree / name
                info = tarfile.TarInfo(f"{top}/{name}")
                info.size, info.mtime, info.mode = path.stat().st_size, epoch, 0o644
                info.uid = info.gid = 0
                info.uname = info.gname = ""
                with path.open("rb") as source:
                    archive.addfile(info, source)


# --------------------------------------------------------------------------- reading


@dataclass
class Entry:
    name: str  # as stored (a directory without its trailing '/')
    kind: str  # file, dir, symlink, hardlink, device, fifo, other
    size: int | None = None
    target: str | None = None  # of a link
    links: int = 1  # names of the same file on disk (a folder's hard links)
    open: Callable[[], BinaryIO] | None = None


def kind_of(path: Path) -> str | None:
    """'zip' or 'tar' from the file's first bytes (not its name), else None."""
    with path.open("rb") as handle:
        head = handle.read(264)
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if head.startswith(b"\x1f\x8b") or head[257:262] == b"ustar":
        return "tar"
    return None


def entries(path: Path, budget: Budget) -> Iterator[Entry]:
    kind = kind_of(path)
    if kind == "zip":
        yield from _zip_entries(path, budget)
    elif kind == "tar":
        yield from _tar_entries(path, budget)
    else:
        raise Unreadable(f"{path.name} is neither a zip nor a tar(.gz) archive")


def _zip_entries(path: Path, budget: Budget) -> Iterator[Entry]:
    try:
        with path.open("rb") as handle:
            end = zipfile._EndRecData(handle)  # the count, before zipfile reads every entry
        if end and end[zipfile._ECD_ENTRIES_TOTAL] > budget.max_entries:
            raise LimitExceeded(f"the zip says it holds {end[zipfile._ECD_ENTRIES_TOTAL]} entries, "
                                f"more than {budget.max_entries} (--max-entries)")
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise Unreadable(f"{path.name} is not a readable zip ({error})") from None
    with archive:
        for problem in _zip_layout_problems(path, archive):
            yield Entry("(the zip file itself)", "ambiguous", target=problem)
        for info in archive.infolist():
            budget.count_entry()
            second = _unicode_path(info)
            if second is not None and second != info.filename:
                yield Entry(info.filename, "ambiguous",
                            target=f"a second name inside the entry, {second!r}, which some tools unpack instead")
            mode = info.external_attr >> 16  # Unix mode bits, whichever system wrote the entry
            name = info.filename
            if info.is_dir() or stat.S_ISDIR(mode):
                yield Entry(name.rstrip("/"), "dir")
            elif stat.S_ISLNK(mode):
                target = _zip_link_target(archive, info, budget)
                yield Entry(name, "symlink", target=target)
            elif stat.S_IFMT(mode) and not stat.S_ISREG(mode):  # no type bits: a plain file
                yield Entry(name, special_kind(mode))
            else:
                yield Entry(name, "file", size=info.file_size,
                            open=lambda info=info: _zip_open(archive, info))


def _unicode_path(info: zipfile.ZipInfo) -> str | None:
    """The Info-ZIP Unicode Path extra field (0x7075), which unzip prefers to the entry's name."""
    extra, at = info.extra, 0
    while at + 4 <= len(extra):
        kind, size = struct.unpack("<HH", extra[at:at + 4])
        if kind == 0x7075 and size >= 5:
            return extra[at + 9:at + 4 + size].decode("utf-8", "replace")
        at += 4 + size
    return None


def _zip_layout_problems(path: Path, archive: zipfile.ZipFile) -> list[str]:
    """Bytes of the zip that its central directory does not account for. A streaming unpacker
    reads local headers in order, and would unpack an entry hidden there that we never see."""
    problems = []
    position = 0
    with path.open("rb") as raw:
        for info in sorted(archive.infolist(), key=lambda i: i.header_offset):
            if info.header_offset != position:
                problems.append(f"{info.header_offset - position} bytes at offset {position} that no entry accounts for")
            raw.seek(info.header_offset)
            header = raw.read(30)
            if len(header) < 30 or header[:4] != b"PK\x03\x04":
                problems.append(f"no local header at offset {info.header_offset}")
                return problems
            name_length, extra_length = struct.unpack("<HH", header[26:30])
            position = info.header_offset + 30 + name_length + extra_length + info.compress_size
            if info.flag_bits & 0x08:  # a data descriptor follows: signature optional, sizes 4 or 8 bytes
                raw.seek(position)
                descriptor = raw.read(24)
                start = 4 if descriptor[:4] == b"PK\x07\x08" else 0
                wide = info.compress_size >= 0xFFFFFFFF or info.file_size >= 0xFFFFFFFF or \
                    descriptor[start + 4:start + 8] != struct.pack("<I", info.compress_size & 0xFFFFFFFF)
                position += start + (20 if wide else 12)
        directory = archive.start_dir
        if directory != position:
            problems.append(f"{directory - position} bytes before the zip's directory that no entry accounts for")
    return problems


def _zip_open(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> BinaryIO:
    try:
        return _Guarded(archive.open(info))
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, ValueError, EOFError, zlib.error, OSError) as error:
        raise Unreadable(str(error)) from None


def _zip_link_target(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: Budget) -> str:
    try:
        with _zip_open(archive, info) as handle:
            return read_small(handle, info.filename, budget, 4096).decode("utf-8", "replace")
    except (Unreadable, LimitExceeded):
        return "?"


class _Guarded(io.RawIOBase):
    """A member stream whose damage (bad CRC, broken deflate data, encryption) is Unreadable."""

    def __init__(self, inner):
        self.inner = inner

    def readable(self):
        return True

    def read(self, size=-1):
        try:
            return self.inner.read(size)
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, ValueError, EOFError,
                zlib.error, OSError, tarfile.TarError) as error:
            raise Unreadable(str(error) or type(error).__name__) from None

    def close(self):
        try:
            self.inner.close()
        finally:
            super().close()


def special_kind(mode: int) -> str:
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    if stat.S_ISFIFO(mode):
        return "fifo"
    return "special file"


class _BoundedTarInfo(tarfile.TarInfo):
    """Refuses long-name and pax headers larger than 1 MiB, which tarfile would read whole."""

    def _proc_member(self, tar):
        if self.type in (tarfile.GNUTYPE_LONGNAME, tarfile.GNUTYPE_LONGLINK, tarfile.XHDTYPE,
                         tarfile.XGLTYPE, tarfile.SOLARIS_XHDTYPE) and self.size > (1 << 20):
            raise LimitExceeded(f"a tar header of {self.size} bytes (more than 1 MiB)")
        return super()._proc_member(tar)


class _Counting(io.RawIOBase):
    """The decompressed tar stream, counted against the total budget (a gzip bomb stops here)."""

    def __init__(self, inner, budget: Budget):
        self.inner, self.budget, self.seen = inner, budget, 0

    def readable(self):
        return True

    def readinto(self, buffer):
        data = self.inner.read(len(buffer))
        self.seen += len(data)
        if self.seen > self.budget.max_total:
            raise LimitExceeded(f"the archive unpacks to more than {self.budget.max_total} bytes (--max-total-size)")
        buffer[:len(data)] = data
        return len(data)


def _tar_entries(path: Path, budget: Budget) -> Iterator[Entry]:
    raw = path.open("rb")
    try:
        head = raw.read(2)
        raw.seek(0)
        stream = gzip.GzipFile(fileobj=raw, mode="rb") if head == b"\x1f\x8b" else raw
        counted = io.BufferedReader(_Counting(stream, budget), BLOCK)
        try:
            archive = tarfile.open(fileobj=counted, mode="r|", tarinfo=_BoundedTarInfo)
        except (tarfile.TarError, OSError, EOFError, zlib.error) as error:
            raise Unreadable(f"{path.name} is not a readable tar archive ({error})") from None
        with archive:
            while True:
                try:
                    member = archive.next()
                except (tarfile.TarError, OSError, EOFError, zlib.error) as error:
                    raise Unreadable(f"{path.name} is damaged after {budget.entries} entries ({error})") from None
                if member is None:
                    return
                budget.count_entry()
                if member.isdir():
                    yield Entry(member.name, "dir")
                elif member.issym():
                    yield Entry(member.name, "symlink", target=member.linkname)
                elif member.islnk():
                    yield Entry(member.name, "hardlink", target=member.linkname)
                elif member.ischr() or member.isblk():
                    yield Entry(member.name, "device")
                elif member.isfifo():
                    yield Entry(member.name, "fifo")
                elif member.isreg():
                    yield Entry(member.name, "file", size=member.size,
                                open=lambda member=member: _Guarded(archive.extractfile(member)))
                else:
                    yield Entry(member.name, "other")
    finally:
        raw.close()
