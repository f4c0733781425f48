"""verify on folders, the signed date and release number, the kind of list, and exit codes that
mean one thing: 0 authentic, 1 differences or too old, 2 no valid signature, 3 could not check."""

from __future__ import annotations

import os
import shutil

import pytest

from publishing.release.manifest import ManifestProblem, Signed, name_problem, parse_manifest
from tests.release.helpers import cli, cli_process, make_site, signed_list, site_files


def check(target, key, *extra):
    return cli("verify", target, "--public-key", key["public"], *extra)


def line(result, label, name):
    return any(l.split()[:2] == [label, name] for l in result.out.splitlines())


# --------------------------------------------------------------------------- folders


def test_a_good_folder_is_authentic_and_says_when_it_was_signed(site, key):
    result = check(site, key)
    assert result.code == 0, result.text
    assert "signed on 2026-12-20, release 7" in result.out
    assert key["fingerprint"] in result.out
    assert "OK: all 8 files" in result.out


def test_a_symlink_replacing_a_file_in_a_folder(site, key, tmp_path):
    (tmp_path / "evil.js").write_bytes(site_files(key)["assets/quick-exit.js"])  # even with the right bytes
    (site / "assets" / "quick-exit.js").unlink()
    (site / "assets" / "quick-exit.js").symlink_to(tmp_path / "evil.js")
    result = check(site, key)
    assert result.code == 1, result.text
    assert line(result, "SYMLINK", "assets/quick-exit.js") and line(result, "MISSING", "assets/quick-exit.js")


def test_a_symlink_to_the_root_of_the_disk_is_not_followed(site, key):
    (site / "fa" / "documents").symlink_to("/")
    result = check(site, key)
    assert result.code == 1 and line(result, "SYMLINK", "fa/documents"), result.text
    assert "etc" not in result.out  # nothing under / was listed


def test_a_symlinked_signed_list_is_not_followed(site, key, tmp_path):
    shutil.move(site / "SHA256SUMS", tmp_path / "SHA256SUMS")
    (site / "SHA256SUMS").symlink_to(tmp_path / "SHA256SUMS")
    assert check(site, key).code == 2


def test_hard_link_fifo_and_unsafe_names_in_a_folder(site, key):
    os.link(site / "index.html", site / "copy.html")
    os.mkfifo(site / "fa" / "pipe")
    (site / "caf\u0065\u0301.html").write_bytes(b"x")
    (site / "bad\nname.html").write_bytes(b"x")
    result = check(site, key)
    assert result.code == 1, result.text
    assert line(result, "HARDLINK", "index.html") and line(result, "HARDLINK", "copy.html")
    assert line(result, "SPECIAL", "fa/pipe")
    assert "not NFC" in result.out and "control character" in result.out


def test_case_only_twin_in_a_folder(site, key):
    (site / "Index.html").write_bytes(b"<p>fake</p>")
    result = check(site, key)
    assert result.code == 1, result.text
    assert line(result, "COLLISION", "Index.html") or line(result, "COLLISION", "index.html")


def test_tampered_added_and_removed_files(site, key):
    (site / "fa" / "index.html").write_text("<p>call +00 000</p>")
    (site / "fr" / "about.html").unlink()
    (site / "fa" / "urgent.html").write_text("fake contacts")
    result = check(site, key)
    assert result.code == 1
    assert line(result, "ALTERED", "fa/index.html") and line(result, "MISSING", "fr/about.html")
    assert line(result, "EXTRA", "fa/urgent.html")
    assert "NOT AUTHENTIC" in result.out


# --------------------------------------------------------------------------- signed dates


def test_not_before_refuses_an_older_authentic_copy(site, key):
    old = make_site(site.parent / "old", key, date="2026-01-15", number=3)
    result = check(old, key, "--not-before", "2026-06-01")
    assert result.code == 1, result.text
    assert "signed on 2026-01-15, release 3" in result.out and "TOO OLD" in result.out
    assert check(old, key).code == 0  # authentic, only old
    assert check(site, key, "--not-before", "2026-12-20").code == 0  # the same day is fine


def test_a_list_signed_for_a_whole_release_is_not_a_site(site, key):
    files = site_files(key)
    manifest, signature = signed_list(files, key, kind="release")
    (site / "SHA256SUMS").write_bytes(manifest)
    (site / "SHA256SUMS.minisig").write_bytes(signature)
    result = check(site, key)
    assert result.code == 2 and "release folder" in result.err, result.text
    assert check(site, key, "--release").code == 0


def test_a_site_list_is_not_a_release(site, key):
    result = check(site, key, "--release")
    assert result.code == 2 and "not a release folder" in result.err


@pytest.mark.parametrize("comment", [
    "timestamp:1766188800\tfile:SHA256SUMS",                       # minisign's default
    "site 2026-12-20 files:8",                                     # the old tool's
    "gp-manifest:1 kind:site date:2026-12-20 release:7",           # a field missing
    "gp-manifest:1 kind:zim date:2026-12-20 release:7 files:8",    # an unknown kind
    "gp-manifest:1 kind:site date:20-12-2026 release:7 files:8",
    "gp-manifest:1 kind:site date:2026-12-20 release:7 files:8 extra:1",
])
def test_a_trusted_comment_of_another_kind_is_refused(site, key, comment):
    manifest, signature = signed_list(site_files(key), key, comment=comment)
    (site / "SHA256SUMS.minisig").write_bytes(signature)
    result = check(site, key)
    assert result.code == 2, result.text
    assert "NOT VERIFIED" in result.err


def test_a_trusted_comment_with_a_wrong_count(site, key):
    _, signature = signed_list(site_files(key), key, comment="gp-manifest:1 kind:site date:2026-12-20 release:7 files:99")
    (site / "SHA256SUMS.minisig").write_bytes(signature)
    assert check(site, key).code == 3


def test_signed_comment_round_trip():
    signed = Signed.parse("gp-manifest:1 kind:release date:2026-12-20 release:12 files:300")
    assert (signed.kind, signed.date.isoformat(), signed.release, signed.files) == ("release", "2026-12-20", 12, 300)
    assert Signed.parse(signed.comment()) == signed
    assert signed.describe() == "signed on 2026-12-20, release 12"


# --------------------------------------------------------------------------- manifests


def test_manifest_parsing():
    good = f"{'a' * 64}  index.html\n{'b' * 64}  fa/index.html\n"
    assert parse_manifest(good) == {"index.html": "a" * 64, "fa/index.html": "b" * 64}
    for bad in (f"{'a' * 64} index.html\n", f"{'A' * 64}  index.html\n", f"{'a' * 64}  ../x\n",
                f"{'a' * 64}  /etc/passwd\n", f"{'a' * 64}  x\n{'b' * 64}  x\n", f"{'a' * 64}  x\r\n",
                f"{'a' * 64}  SHA256SUMS\n", "\n"):
        with pytest.raises(ManifestProblem):
            parse_manifest(bad)


@pytest.mark.parametrize("name,ok", [("index.html", True), ("fa/index.html", True), ("a b.html", True),
                                     ("", False), ("/x", False), ("a/../b", False), ("a//b", False),
                                     ("./a", False), ("a\\b", False), ("C:/x", False), ("a\tb", False),
                                     ("cafe\u0301", False), ("caf\u00e9", True)])
def test_name_rules(name, ok):
    assert (name_problem(name) is None) is ok


# --------------------------------------------------------------------------- exit codes


def test_exit_2_without_a_signed_list(site, key):
    (site / "SHA256SUMS.minisig").unlink()
    result = check(site, key)
    assert result.code == 2 and "NOT VERIFIED" in result.err


def test_exit_2_with_another_key(site):
    from publishing.release import signing

    other = signing.public_key_text(signing.minisign.KeyPair.generate().public_key)
    result = cli("verify", site, "--public-key", other)
    assert result.code == 2 and "another key" in result.err


def test_exit_2_for_a_forged_list(site, key):
    (site / "fa" / "index.html").write_text("forged")
    text = (site / "SHA256SUMS").read_text()
    import hashlib

    digest = hashlib.sha256(b"forged").hexdigest()
    (site / "SHA256SUMS").write_text("\n".join(
        f"{digest}  fa/index.html" if l.endswith("  fa/index.html") else l for l in text.splitlines()) + "\n")
    result = check(site, key)
    assert result.code == 2 and "NOT VERIFIED" in result.err


def test_exit_2_without_a_public_key(site, monkeypatch):
    monkeypatch.delenv("RELEASE_PUBLIC_KEY", raising=False)
    result = cli("verify", site, "--public-key", "")
    assert result.code == 2


@pytest.mark.parametrize("args", [
    ["verify", "/no/such/folder", "--public-key", "RWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3"],
    ["verify", "ftp://mirror.example/", "--public-key", "RWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3"],
    ["verify", ".", "--not-before", "yesterday"],
    ["verify"],
    ["frobnicate"],
])
def test_exit_3_for_what_cannot_be_checked_and_never_a_traceback(args):
    result = cli_process(*args)
    assert result.code == 3, result.text
    assert "Traceback" not in result.err and result.err.strip().count("\n") == 0, result.err


def test_an_internal_error_is_exit_3_not_1(site, key, monkeypatch):
    from publishing.release import verify as module

    def broken(*args, **kwargs):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(module, "check_entries", broken)
    result = check(site, key)
    assert result.code == 3 and "internal error" in result.err and "ZeroDivisionError" in result.err


def test_exit_codes_in_a_real_process(site, key):
    assert cli_process("verify", site, "--public-key", key["public"]).code == 0
    (site / "index.html").write_text("x")
    changed = cli_process("verify", site, "--public-key", key["public"])
    assert changed.code == 1 and "ALTERED" in changed.out and not changed.err
    (site / "SHA256SUMS.minisig").write_text("untrusted comment: x\nnot base64\n")
    broken = cli_process("verify", site, "--public-key", key["public"])
    assert broken.code == 2 and "Traceback" not in broken.err


def test_a_trusted_manifest_from_elsewhere(site, key, tmp_path):
    """--manifest: a SHA256SUMS obtained another way (e.g. from dist/), checked against the copy."""
    trusted = tmp_path / "trusted"
    trusted.mkdir()
    shutil.copy(site / "SHA256SUMS", trusted / "SHA256SUMS")
    shutil.copy(site / "SHA256SUMS.minisig", trusted / "SHA256SUMS.minisig")
    (site / "SHA256SUMS").unlink()
    (site / "SHA256SUMS.minisig").unlink()
    assert check(site, key, "--manifest", trusted / "SHA256SUMS").code == 0
    (site / "index.html").write_text("x")
    assert check(site, key, "--manifest", trusted / "SHA256SUMS").code == 1
