"""make release on the real site (the session's build): signed lists, reproducible archives,
PDFs and ZIM editions; verify on good and tampered copies, including mirrors served by nginx
with the recipes of deploy/ over HTTPS."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import urllib.error
import urllib.request
import zipfile

import pytest

from publishing.release import archives, signing
from publishing.release.build import sha256_file, site_files
from publishing.release.manifest import NOT_LISTED, load_build_info, manifest_text, parse_manifest
from tests.conftest import ROOT, Nginx

pytestmark = pytest.mark.slow

@pytest.fixture(scope="module")
def site_with_build_info(built_site, release_key, tmp_path_factory):
    """A copy of the session's site, whose build wrote build-info.json (release 7 of 2026-12-20,
    the session's key: tests/conftest.py)."""
    site = tmp_path_factory.mktemp("release-site") / "site"
    shutil.copytree(built_site, site)
    info = json.loads((site / "build-info.json").read_text(encoding="utf-8"))
    assert info["release"]["public_key"] == release_key["public"]
    assert info["release"]["fingerprint"] == release_key["fingerprint"]
    return site


@pytest.fixture(scope="module")
def dist(site_with_build_info, release_key, tmp_path_factory):
    target = tmp_path_factory.mktemp("release") / "dist"
    env = {k: v for k, v in os.environ.items() if not k.startswith("RELEASE_SIGNING")}
    result = subprocess.run([sys.executable, "-m", "publishing.release", "build", "--site", str(site_with_build_info),
                             "--dist", str(target)], cwd=ROOT, capture_output=True, text=True,
                            env={**env, "RELEASE_SIGNING_KEY_FILE": str(release_key["file"])})
    assert result.returncode == 0, result.stderr[-3000:]
    return target


def run_verify(target, key, *extra):
    return subprocess.run([sys.executable, "-m", "publishing.release", "verify", str(target), "--public-key", key, *extra],
                          cwd=ROOT, capture_output=True, text=True)


def test_release_contents(dist, site_with_build_info):
    info = load_build_info(site_with_build_info)
    names = {p.relative_to(dist).as_posix() for p in dist.rglob("*") if p.is_file() and not p.relative_to(dist).as_posix().startswith("site/")}
    assert {"SHA256SUMS", "SHA256SUMS.minisig", "minisign.pub"} <= names
    # every PDF of the site, both editions (site/downloads/pdfs.json lists them)
    listed = json.loads((site_with_build_info / "downloads" / "pdfs.json").read_text(encoding="utf-8"))
    assert {n for n in names if n.startswith("pdf/") and n.endswith(".pdf")} == \
        {"pdf/" + entry["file"].rsplit("/", 1)[1] for entry in listed}
    assert {entry["edition"] for entry in listed} == {"print", "phone"}
    assert len([n for n in names if n.endswith(".zip")]) == 1 and len([n for n in names if n.endswith(".tar.gz")]) == 1
    assert len([n for n in names if n.startswith("zim/")]) == len(info.languages)
    manifest = parse_manifest((dist / "SHA256SUMS").read_bytes())
    assert {f"site/{n}" for n in site_files(dist / "site")} <= set(manifest), "every site file is listed"
    assert {"site/SHA256SUMS", "site/SHA256SUMS.minisig"} <= set(manifest), "the site's own signature too"
    assert {n for n in names if n not in NOT_LISTED} <= set(manifest)


def test_manifests_are_signed_with_the_published_key(dist, release_key):
    for folder, kind in ((dist, "release"), (dist / "site", "site")):
        comment = signing.verify((folder / "SHA256SUMS").read_bytes(), (folder / "SHA256SUMS.minisig").read_bytes(),
                                 release_key["public"])
        assert comment.startswith(f"gp-manifest:1 kind:{kind} date:2026-12-20 release:7 ")
    other = signing.public_key_text(signing.minisign.KeyPair.generate().public_key)
    with pytest.raises(signing.SignatureProblem):
        signing.verify((dist / "SHA256SUMS").read_bytes(), (dist / "SHA256SUMS.minisig").read_bytes(), other)


def test_minisign_itself_accepts_the_signatures(dist, release_key):
    if not shutil.which("minisign"):
        pytest.fail("Debian's minisign is required: apt-get install minisign")
    for folder in (dist, dist / "site"):
        result = subprocess.run(["minisign", "-Vm", "SHA256SUMS", "-P", release_key["public"]], cwd=folder,
                                capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        assert "Trusted comment: gp-manifest:1" in result.stdout


def test_archives_hold_the_site_and_are_reproducible(dist, tmp_path):
    archive = next(dist.glob("*.zip"))
    expected = set(site_files(dist / "site")) | set(NOT_LISTED)
    with zipfile.ZipFile(archive) as z:
        names = [n.split("/", 1)[1] for n in z.namelist()]
    assert set(names) == expected and names[:2] == ["SHA256SUMS", "SHA256SUMS.minisig"]
    with tarfile.open(next(dist.glob("*.tar.gz"))) as t:
        assert [m.name.split("/", 1)[1] for m in t.getmembers()] == names
        assert all(m.isfile() and m.mode == 0o644 and m.uid == 0 for m in t.getmembers())
    again = tmp_path / "again.zip"
    top = archive.name[:-4]
    epoch = load_build_info(dist / "site").epoch
    archives.write_zip(dist / "site", sorted(expected), again, top, epoch)
    assert again.read_bytes() == archive.read_bytes()


def test_verify_accepts_good_copies(dist, release_key):
    for target in (dist / "site", next(dist.glob("*.zip")), next(dist.glob("*.tar.gz"))):
        result = run_verify(target, release_key["public"])
        assert result.returncode == 0, result.stdout + result.stderr
        assert "signed on 2026-12-20, release 7" in result.stdout and "OK: all" in result.stdout
    whole = run_verify(dist, release_key["public"], "--release")
    assert whole.returncode == 0, whole.stdout + whole.stderr


def test_verify_reports_a_tampered_mirror_served_by_nginx(dist, release_key, tmp_path):
    copy = tmp_path / "mirror"
    shutil.copytree(dist / "site", copy)
    (copy / "fa" / "safe-exit-guide" / "index.html").write_text("<p>call +00 000</p>", encoding="utf-8")
    (copy / "fr" / "about.html").unlink()
    index = (copy / "index.html").read_text(encoding="utf-8")
    (copy / "index.html").write_text(index.replace("</body>", '<script src="tracker.js"></script></body>'),
                                     encoding="utf-8")
    (copy / "tracker.js").write_text("steal()", encoding="utf-8")
    (copy / "passwd.html").symlink_to("/etc/passwd")
    work = tmp_path / "nginx"
    work.mkdir()
    server = Nginx(copy, work)
    try:
        result = run_verify(server.mirror, release_key["public"], "--ca-file", server.ca_file)
        with pytest.raises(urllib.error.HTTPError) as refused:  # disable_symlinks: never served
            urllib.request.urlopen(server.mirror + "passwd.html", context=server.ssl_context())
        assert refused.value.code in (403, 404)
    finally:
        server.stop()
    assert result.returncode == 1, result.stdout + result.stderr
    out = re.sub(r" +", " ", result.stdout)
    assert "ALTERED fa/safe-exit-guide/index.html" in out
    assert "ALTERED index.html" in out
    assert "MISSING fr/about.html" in out
    assert "EXTRA tracker.js" in out
    folder = run_verify(copy, release_key["public"])
    assert folder.returncode == 1 and "SYMLINK passwd.html" in re.sub(r" +", " ", folder.stdout)


def test_a_good_mirror_over_https_with_the_recipes_headers(dist, release_key, tmp_path):
    work = tmp_path / "nginx"
    work.mkdir()
    server = Nginx(dist / "site", work)
    try:
        results = [run_verify(base, release_key["public"], "--ca-file", server.ca_file)
                   for base in (server.root, server.mirror)]
        onion = run_verify(server.onion, release_key["public"])
        plain = urllib.request.Request(server.http_root + "fa/index.html")
        opener = urllib.request.build_opener(type("NoRedirect", (urllib.request.HTTPRedirectHandler,),
                                                  {"redirect_request": lambda *a, **k: None}))
        with pytest.raises(urllib.error.HTTPError) as redirected:
            opener.open(plain)
    finally:
        server.stop()
    for result in results:
        assert result.returncode == 0, result.stdout + result.stderr
        for header in ("Content-Security-Policy on every page", "Strict-Transport-Security", "Content-Type matches",
                       "X-Content-Type-Options: nosniff", "Referrer-Policy", "no Set-Cookie", "no Refresh"):
            assert re.search(rf"ok +{re.escape(header)}", result.stdout), (header, result.stdout)
    assert onion.returncode == 0, onion.stdout + onion.stderr
    assert redirected.value.code == 301 and redirected.value.headers["Location"].startswith("https://")


def test_a_forged_manifest_is_refused(dist, release_key, tmp_path):
    copy = tmp_path / "forged"
    shutil.copytree(dist / "site", copy)
    (copy / "fa" / "index.html").write_text("forged", encoding="utf-8")
    manifest = parse_manifest((copy / "SHA256SUMS").read_bytes())
    manifest["fa/index.html"] = sha256_file(copy / "fa" / "index.html")
    (copy / "SHA256SUMS").write_text(manifest_text(manifest))
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
        assert archive.get_metadata("Date").decode() == "2026-12-20"
        assert archive.get_illustration_item(48).size > 0  # the 48×48 icon Kiwix shows
        assert archive.has_entry_by_path(page)
        assert archive.main_entry.get_item().path.endswith("index.html")
        assert archive.has_fulltext_index
        search = Searcher(archive).search(Query().set_query(word))
        assert search.getEstimatedMatches() > 0, f"{language}: no full-text hit for {word}"


def test_recipes_serve_https_log_nothing_and_read_no_config_from_the_web_root():
    for name in ("nginx-site.conf", "nginx-mirror-subpath.conf", "nginx-onion.conf"):
        text = (ROOT / "deploy" / name).read_text(encoding="utf-8")
        config = "\n".join(line.split("#")[0] for line in text.splitlines())
        assert "access_log off;" in config, name
        assert "disable_symlinks on" in config, name
        includes = re.findall(r"include\s+([^;]+);", config)
        assert includes and all(not path.startswith("/srv/") for path in includes), (name, includes)
    site = "\n".join(l.split("#")[0] for l in (ROOT / "deploy" / "nginx-site.conf").read_text().splitlines())
    plain = site[: site.index("listen 443")]
    assert "return 301 https://" in plain and "root " not in plain  # plain HTTP only redirects
    assert "ssl_certificate " in site


# --------------------------------------------------------------------------- Kiwix (issue 20)


@pytest.fixture(scope="module")
def kiwix(dist, tmp_path_factory):
    """Debian's kiwix-serve serving the release's three ZIM files, as a reader on a computer
    without internet would read them."""
    import socket
    import time

    binary = shutil.which("kiwix-serve")
    if binary is None:
        pytest.fail("kiwix-serve is required for these tests: apt-get install kiwix-tools")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    zims = sorted((dist / "zim").glob("*.zim"))
    process = subprocess.Popen([binary, "--address=127.0.0.1", f"--port={port}", *map(str, zims)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/"
    for _ in range(100):
        try:
            urllib.request.urlopen(base, timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    books = {zim.stem.split("_")[1]: zim.stem for zim in zims}
    yield {"base": base, "books": books}
    process.terminate()
    process.wait(timeout=10)


def _kiwix_page(browser):
    context = browser.new_context(viewport={"width": 390, "height": 800})
    outside, problems = [], []
    context.route(re.compile(r"^https?://(?!127\.0\.0\.1[:/]).*"), lambda route: (outside.append(route.request.url), route.abort()))
    page = context.new_page()
    page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    return context, page, outside, problems


@pytest.mark.parametrize("language", ["en", "fa", "fr"])
def test_zim_pages_in_kiwix_load_cleanly_below_kiwix_bar(browser, kiwix, language):
    context, page, outside, problems = _kiwix_page(browser)
    book = kiwix["base"] + kiwix["books"][language] + "/"
    root = "" if language == "en" else f"{language}/"
    for path in ("index.html", "afghanistan-report/chronology.html"):
        page.goto(book + root + path)
        page.wait_for_load_state("networkidle")
        assert page.locator("#kiwixtoolbar").count() == 1, "kiwix-serve did not inject its bar"
        box = page.locator("#gp-quick-exit").bounding_box()
        hit = page.evaluate(f"document.elementFromPoint({box['x'] + box['width'] / 2}, {box['y'] + 4})"
                            ".closest('#gp-quick-exit') !== null")
        assert hit, f"{path}: the exit button is covered"
    assert not problems, problems
    assert not outside, outside
    context.close()


def test_kiwix_search_finds_a_dari_word(browser, kiwix):
    context, page, outside, problems = _kiwix_page(browser)
    book = kiwix["base"] + kiwix["books"]["fa"] + "/"
    page.goto(book + "fa/index.html")
    page.fill("#kiwixsearchbox", "پوهنتون")
    with page.expect_navigation():
        page.evaluate("document.getElementById('kiwixsearchform').requestSubmit()")
    assert "/search" in page.url
    results = page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")
    assert any("right-to-education.html" in href for href in results), results[:20]
    assert not [p for p in problems if "Content Security Policy" in p], problems
    context.close()


@pytest.mark.parametrize("language", ["en", "fa", "fr"])
def test_the_exit_in_kiwix_goes_to_the_neutral_page_inside_the_zim(browser, kiwix, language):
    context, page, outside, problems = _kiwix_page(browser)
    book = kiwix["base"] + kiwix["books"][language] + "/"
    root = "" if language == "en" else f"{language}/"
    first = book + root + "index.html"
    page.goto(first)
    page.goto(book + root + "safe-exit-guide/documents.html")
    page.locator("a.footnote-ref").first.click()
    page.click("#gp-quick-exit")
    page.wait_for_url(book + root + "tables.html")
    assert page.locator("table td").count() == 100
    page.go_back()
    page.wait_for_load_state("load")
    assert page.url == first
    assert not outside, outside
    context.close()
