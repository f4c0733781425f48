"""make release: signed manifests, reproducible archives, PDFs and ZIM editions; the verify
command on good and tampered copies, including a tampered mirror served by nginx."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import zipfile

import pytest

from hooks import release
from tests.conftest import ROOT, Nginx

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def dist(built_site, release_key, tmp_path_factory):
    if release.published_public_key(built_site) != release_key["public"]:
        pytest.skip("GP_SITE_DIR site was built with another key; run without GP_SITE_DIR")
    target = tmp_path_factory.mktemp("release") / "dist"
    result = subprocess.run([sys.executable, "-m", "hooks.release", "build", "--site", str(built_site),
                             "--dist", str(target)], cwd=ROOT, capture_output=True, text=True,
                            env={**__import__("os").environ, "RELEASE_SIGNING_KEY_FILE": str(release_key["file"])})
    assert result.returncode == 0, result.stderr[-3000:]
    return target


def run_verify(target, key, *extra):
    return subprocess.run([sys.executable, "-m", "hooks.release", "verify", str(target), "--public-key", key, *extra],
                          cwd=ROOT, capture_output=True, text=True)


def test_release_contents(dist):
    names = {p.relative_to(dist).as_posix() for p in dist.rglob("*") if p.is_file() and not p.relative_to(dist).as_posix().startswith("site/")}
    assert {"SHA256SUMS", "SHA256SUMS.minisig", "minisign.pub"} <= names
    assert len([n for n in names if n.startswith("pdf/") and n.endswith(".pdf")]) == 12
    assert len([n for n in names if n.endswith(".zip")]) == 1 and len([n for n in names if n.endswith(".tar.gz")]) == 1
    assert len([n for n in names if n.startswith("zim/")]) == 3
    manifest = release.parse_manifest((dist / "SHA256SUMS").read_text())
    site_files = release.site_files(dist / "site")
    assert {f"site/{n}" for n in site_files} <= set(manifest), "every site file is listed"
    assert {n for n in names if n not in ("SHA256SUMS", "SHA256SUMS.minisig")} <= set(manifest)


def test_manifests_are_signed_with_the_published_key(dist, release_key):
    for folder in (dist, dist / "site"):
        release.verify_signature((folder / "SHA256SUMS").read_bytes(),
                                 (folder / "SHA256SUMS.minisig").read_text(), release_key["public"])
    other = release.SecretKey(b"\x01" * 32).public_key_text
    with pytest.raises(ValueError):
        release.verify_signature((dist / "SHA256SUMS").read_bytes(), (dist / "SHA256SUMS.minisig").read_text(), other)


@pytest.mark.skipif(shutil.which("minisign") is None, reason="minisign not installed")
def test_minisign_itself_accepts_the_signature(dist, release_key):
    result = subprocess.run(["minisign", "-Vm", "SHA256SUMS", "-P", release_key["public"]], cwd=dist,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_archives_hold_the_site_and_are_reproducible(dist, built_site, release_key, tmp_path):
    archive = next(dist.glob("*.zip"))
    with zipfile.ZipFile(archive) as z:
        names = {n.split("/", 1)[1] for n in z.namelist()}
    assert set(release.site_files(dist / "site")) | {"SHA256SUMS", "SHA256SUMS.minisig"} == names
    with tarfile.open(next(dist.glob("*.tar.gz"))) as t:
        assert {m.name.split("/", 1)[1] for m in t.getmembers()} == names
    # the same site and date give the same archive bytes
    again = tmp_path / "again"
    release.write_zip(dist / "site", again, archive.name[:-4], release.source_epoch())
    assert again.read_bytes() == archive.read_bytes()


def test_verify_accepts_good_copies(dist, release_key):
    for target in (dist / "site", next(dist.glob("*.zip")), next(dist.glob("*.tar.gz"))):
        result = run_verify(target, release_key["public"])
        assert result.returncode == 0, result.stdout + result.stderr
        assert "OK: all" in result.stdout


def test_verify_reports_a_tampered_mirror_served_by_nginx(dist, release_key, tmp_path, nginx_site, built_site):
    # nginx serves the test session's site; tamper with a copy of the signed release and serve
    # that through the same recipe under a second location
    copy = tmp_path / "mirror"
    shutil.copytree(dist / "site", copy)
    (copy / "fa" / "safe-exit-guide" / "index.html").write_text("<p>call +00 000</p>", encoding="utf-8")
    (copy / "fr" / "about.html").unlink()
    index = (copy / "index.html").read_text(encoding="utf-8")
    (copy / "index.html").write_text(index.replace("</body>", '<script src="tracker.js"></script></body>'),
                                     encoding="utf-8")
    (copy / "tracker.js").write_text("steal()", encoding="utf-8")
    work = tmp_path / "nginx"
    work.mkdir()
    server = Nginx(copy, work)
    try:
        result = run_verify(server.mirror, release_key["public"])
    finally:
        server.stop()
    assert result.returncode == 1, result.stdout + result.stderr
    assert "ALTERED  fa/safe-exit-guide/index.html" in result.stdout
    assert "ALTERED  index.html" in result.stdout
    assert "MISSING  fr/about.html" in result.stdout
    assert "EXTRA    tracker.js" in result.stdout

    # and the untampered copy, served by nginx with the deploy recipe, passes
    good = run_verify(nginx_site["mirror"], release_key["public"], "--manifest", str(dist / "SHA256SUMS"))
    assert good.returncode == 0, good.stdout + good.stderr


def test_a_forged_manifest_is_refused(dist, release_key, tmp_path):
    copy = tmp_path / "forged"
    shutil.copytree(dist / "site", copy)
    (copy / "fa" / "index.html").write_text("forged", encoding="utf-8")
    manifest = release.parse_manifest((copy / "SHA256SUMS").read_text())
    manifest["fa/index.html"] = release.sha256_file(copy / "fa" / "index.html")
    (copy / "SHA256SUMS").write_text(release.manifest_text(manifest))
    result = run_verify(copy, release_key["public"])
    assert result.returncode == 2 and "NOT VERIFIED" in result.stderr


def test_zim_editions_open_with_libzim(dist):
    from libzim.reader import Archive
    from libzim.search import Query, Searcher

    expected = {"en": ("eng", "policy-primer/index.html", "persecution"),
                "fr": ("fra", "fr/policy-primer/index.html", "persécution"),
                "fa": ("prs", "fa/policy-primer/index.html", "افغانستان")}
    for language, (code, page, word) in expected.items():
        archive = Archive(str(next((dist / "zim").glob(f"*_{language}_*.zim"))))
        assert archive.get_metadata("Language").decode() == code
        assert archive.get_metadata("Title") and archive.get_metadata("Description")
        assert archive.get_illustration_item(48).size > 0  # the 48×48 icon Kiwix shows
        assert archive.has_entry_by_path(page)
        assert archive.main_entry.get_item().path.endswith("index.html")
        assert archive.has_fulltext_index
        search = Searcher(archive).search(Query().set_query(word))
        assert search.getEstimatedMatches() > 0, f"{language}: no full-text hit for {word}"
