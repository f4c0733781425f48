"""The signing step (`python -m publishing.release build`) on a tiny site: trusted inputs from
build-info.json only, the key must be the published one, reproducible archives, the ZIM
extension point, and `make release` building the site without the key in its environment."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from publishing.release import zim
from publishing.release.manifest import Signed
from tests.release.helpers import ROOT, cli, site_files


@pytest.fixture
def built(tmp_path, key):
    """A built (unsigned) tiny site, as `make site` leaves it."""
    site = tmp_path / "site"
    for name, data in site_files(key).items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_bytes(data)
    (site / "fr" / "index.html").write_bytes(b"<!doctype html><title>Accueil</title>")
    (site / "search").mkdir()
    (site / "search" / "search_index.json").write_text("{}")
    return site


def release(site, dist, key, monkeypatch, *extra):
    monkeypatch.setenv("RELEASE_SIGNING_KEY_FILE", str(key["file"]))
    return cli("build", "--site", site, "--dist", dist, *extra)


def test_build_signs_what_build_info_says(built, key, tmp_path, monkeypatch):
    dist = tmp_path / "dist"
    result = release(built, dist, key, monkeypatch)
    assert result.code == 0, result.text
    for target in (dist / "site", *dist.glob("*.zip"), *dist.glob("*.tar.gz")):
        check = cli("verify", target, "--public-key", key["public"])
        assert check.code == 0 and "signed on 2026-12-20, release 7" in check.out, check.text
    assert cli("verify", dist, "--release", "--public-key", key["public"]).code == 0
    comment = (dist / "site" / "SHA256SUMS.minisig").read_text().splitlines()[2].removeprefix("trusted comment: ")
    assert Signed.parse(comment) == Signed("site", __import__("datetime").date(2026, 12, 20), 7, len(site_files(key)) + 2)
    assert key["fingerprint"] in (dist / "minisign.pub").read_text()
    assert sorted(p.name for p in (dist / "zim").iterdir()) == [
        "gender-persecution_en_2026-12-20.zim", "gender-persecution_fa_2026-12-20.zim", "gender-persecution_fr_2026-12-20.zim"]
    assert "build-info.json" in (dist / "site" / "SHA256SUMS").read_text()  # a normal, signed file


def test_minisign_checks_both_signed_lists(built, key, tmp_path, monkeypatch):
    dist = tmp_path / "dist"
    assert release(built, dist, key, monkeypatch).code == 0
    for folder in (dist, dist / "site"):
        result = subprocess.run(["minisign", "-Vm", "SHA256SUMS", "-P", key["public"]], cwd=folder,
                                capture_output=True, text=True)
        assert result.returncode == 0, result.stderr


def test_a_key_other_than_the_published_one_is_refused(built, key, tmp_path, monkeypatch):
    from publishing.release import signing

    other = tmp_path / "other.key"
    signing.generate(other, None)
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "previous").write_text("the last release")
    monkeypatch.setenv("RELEASE_SIGNING_KEY_FILE", str(other))
    result = cli("build", "--site", built, "--dist", dist)
    assert result.code == 1 and "does not match the public key the site publishes" in result.err
    assert [p.name for p in dist.iterdir()] == ["previous"]  # the previous release is untouched


@pytest.mark.parametrize("change,message", [
    (lambda info: info.pop("release"), "release is missing"),
    (lambda info: info["release"].update(number=0), "release.number"),
    (lambda info: info["release"].update(date="20/12/2026"), "release.date"),
    (lambda info: info["release"].update(fingerprint="0000 0000 0000 0000"), "release.fingerprint"),
    (lambda info: info["languages"].append({**info["languages"][0], "code": "ps"}), "'ps'"),
    (lambda info: info["languages"][1].update(home="../fa/index.html"), "languages[1].home"),
])
def test_build_info_is_checked_field_by_field(built, key, tmp_path, monkeypatch, change, message):
    info = json.loads((built / "build-info.json").read_text())
    change(info)
    if "ps" in message:
        info["publisher"]["ps"] = "x"
    (built / "build-info.json").write_text(json.dumps(info))
    result = release(built, tmp_path / "dist", key, monkeypatch)
    assert result.code == 1 and message in result.err, result.text
    assert not (tmp_path / "dist").exists()


def test_no_build_info_no_release(built, key, tmp_path, monkeypatch):
    (built / "build-info.json").unlink()
    result = release(built, tmp_path / "dist", key, monkeypatch)
    assert result.code == 1 and "build-info.json" in result.err


def test_a_site_with_a_symlink_is_not_signed(built, key, tmp_path, monkeypatch):
    (built / "assets" / "passwd").symlink_to("/etc/passwd")
    result = release(built, tmp_path / "dist", key, monkeypatch)
    assert result.code == 1 and "SYMLINK assets/passwd" in result.err


def test_archives_are_reproducible(built, key, tmp_path, monkeypatch):
    first, second = tmp_path / "one", tmp_path / "two"
    assert release(built, first, key, monkeypatch).code == 0
    assert release(built, second, key, monkeypatch).code == 0
    for pattern in ("*.zip", "*.tar.gz"):
        assert next(first.glob(pattern)).read_bytes() == next(second.glob(pattern)).read_bytes()


def test_every_html_page_of_every_zim_passes_through_zim_page(built, key, tmp_path, monkeypatch):
    seen = []

    def marking(html: bytes, language: str, csp_changes=None) -> bytes:
        seen.append(language)
        return html.replace(b"<title>", b"<title>ZIM ")

    monkeypatch.setattr(zim, "zim_page", marking)
    assert release(built, tmp_path / "dist", key, monkeypatch).code == 0
    from libzim.reader import Archive

    archive = Archive(str(next((tmp_path / "dist" / "zim").glob("*_fa_*.zim"))))
    assert archive.get_metadata("Language").decode() == "prs"
    assert archive.get_metadata("Publisher").decode() == "نشر مستقل"  # from build-info.json
    assert archive.get_metadata("Title").decode() == "آزار و اذیت مبتنی بر جنسیت"[:30]
    assert archive.main_entry.get_item().path == "fa/index.html"
    assert bytes(archive.get_entry_by_path("fa/index.html").get_item().content).startswith(b"<!doctype html><title>ZIM ")
    assert not archive.has_entry_by_path("index.html") and not archive.has_entry_by_path("search/search_index.json")
    assert sorted(set(seen)) == ["en", "fa", "fr"] and seen.count("fa") == 1


def test_zim_page_returns_the_page_unchanged():
    assert zim.zim_page(b"<p>x</p>", "fa") == b"<p>x</p>"


def test_zim_language_codes():
    assert [zim.zim_language(code) for code in ("en", "fr", "fa")] == ["eng", "fra", "prs"]
    with pytest.raises(ValueError, match="'ps'"):
        zim.zim_language("ps")


def test_make_release_builds_the_site_without_the_signing_key(tmp_path):
    if not shutil.which("make"):
        pytest.fail("make is required")
    result = subprocess.run(["make", "-n", "release", "RELEASE_SIGNING_KEY_FILE=/secret/key"], cwd=ROOT,
                            capture_output=True, text=True, env={"PATH": "/usr/bin:/bin", "RELEASE_SIGNING_KEY": "x"})
    lines = result.stdout.splitlines()
    site = next(i for i, l in enumerate(lines) if "$(MAKE) site" in l or " site RELEASE_SIGNING_KEY_FILE=" in l)
    sign = next(i for i, l in enumerate(lines) if "-m publishing.release build" in l)
    assert site < sign
    for name in ("RELEASE_SIGNING_KEY_FILE", "RELEASE_SIGNING_KEY", "RELEASE_SIGNING_KEY_PASSWORD"):
        assert f"-u {name} " in lines[site] and f" {name}=" in lines[site]
    assert not any("tools/build.py" in l for l in lines[sign:])
