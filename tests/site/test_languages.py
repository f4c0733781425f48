"""Every page exists in every language, says which language it is in, and links to itself in
the other languages."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest
from bs4 import BeautifulSoup

from tests.conftest import LANGUAGES, SITE_LANGUAGES, built_path, english_pages, run_mkdocs

DIRECTIONS = {language.code: language.direction for language in SITE_LANGUAGES}
PAGES = english_pages()


def soup_of(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_exists_with_its_language_and_direction(built_site, language):
    problems = []
    for source in PAGES:
        path = built_path(built_site, language, source)
        if not path.exists():
            problems.append(f"{language}: {source} was not built")
            continue
        soup = soup_of(path)
        html, body = soup.html, soup.body
        if html.get("lang") != language or html.get("dir") != DIRECTIONS[language]:
            problems.append(f"{path.relative_to(built_site)}: <html lang={html.get('lang')} dir={html.get('dir')}>")
        if body is not None and body.get("dir") not in (None, DIRECTIONS[language]):
            problems.append(f"{path.relative_to(built_site)}: <body dir={body.get('dir')}>")
    assert not problems, "\n".join(problems)


def test_dari_pages_are_right_to_left_with_a_dari_label(built_site):
    soup = soup_of(built_site / "fa" / "index.html")
    assert soup.html["dir"] == "rtl"
    labels = {a["hreflang"]: a.get_text(strip=True) for a in soup.select("a.md-select__link")}
    assert labels == {language.code: language.name for language in SITE_LANGUAGES}
    assert labels["fa"] == "دری"


def _switcher_targets(site: Path, page: Path) -> dict[str, Path]:
    soup = soup_of(page)
    base = "file://" + page.as_posix()
    targets = {}
    for link in soup.select("a.md-select__link[hreflang]"):
        href = link["href"]
        assert not urlparse(href).scheme and not href.startswith("/"), (
            f"{page.relative_to(site)}: switcher link {href!r} is not page-relative; it breaks "
            "under a sub-path and from file://"
        )
        targets[link["hreflang"]] = Path(urlparse(urljoin(base, href)).path)
    return targets


@pytest.mark.parametrize("language", LANGUAGES)
def test_language_switcher_leads_to_the_same_page(built_site, language):
    problems = []
    for source in PAGES:
        if source in ("404.md", "tables.md"):  # standalone pages: no switcher (404 has its own links)
            continue
        page = built_path(built_site, language, source)
        targets = _switcher_targets(built_site, page)
        for other in LANGUAGES:
            expected = built_path(built_site, other, source).resolve()
            if targets.get(other) is None or targets[other].resolve() != expected:
                problems.append(f"{language}/{source}: {other} -> {targets.get(other)}")
    assert not problems, "\n".join(problems[:20])


def test_heading_ids_keep_persian_letters(built_site):
    ids = []
    for path in (built_site / "fa").rglob("*.html"):
        ids += [h.get("id", "") for h in soup_of(path).select("article h2[id], article h3[id]")]
    persian = [i for i in ids if re.search(r"[\u0600-\u06FF]", i)]
    numbered = [i for i in ids if re.fullmatch(r"_\d+", i)]
    assert not numbered, f"headings lost their text in their ids: {numbered[:10]}"
    assert persian, "no Dari heading id kept its Persian letters"


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_language_has_its_own_styled_404(built_site, language):
    path = built_path(built_site, language, "404.md")
    soup = soup_of(path)
    assert soup.html["lang"] == language and soup.html["dir"] == DIRECTIONS[language]
    # Served at any address, it must not depend on relative stylesheets.
    assert soup.find("style") is not None
    assert not soup.select('link[rel="stylesheet"]')


def test_no_sitemap_without_a_site_address(built_site):
    """Without site_url a sitemap could only list "None" addresses: none is written."""
    assert not (built_site / "sitemap.xml").exists() and not (built_site / "sitemap.xml.gz").exists()


@pytest.mark.slow
def test_a_publisher_with_an_address_gets_a_sitemap_and_canonical_links(tmp_path):
    site = tmp_path / "site"
    result = run_mkdocs("build", "--strict", "--site-dir", str(site),
                        env={"PDF": "off", "BUILD_ONLY_LOCALE": "en", "SITE_URL": "https://publisher.example/reports/"})
    assert result.returncode == 0, result.stderr[-2000:]
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://publisher.example/reports/about.html</loc>" in sitemap and "None" not in sitemap
    about = (site / "about.html").read_text(encoding="utf-8")
    assert '<link rel="canonical" href="https://publisher.example/reports/about.html">' in about
    # without a publisher's neutral site, the quick exit leaves for the page shipped with the site
    assert re.search(r'<a id="gp-quick-exit"[^>]* href="tables\.html"', about)
