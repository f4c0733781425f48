"""Nothing in the built site loads anything from another host (readers may be watched)."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup

# Elements and attributes through which a page *loads* something (links to read are fine).
LOADING = [
    ("script", "src"), ("img", "src"), ("img", "srcset"), ("iframe", "src"), ("source", "src"),
    ("source", "srcset"), ("video", "src"), ("video", "poster"), ("audio", "src"),
    ("embed", "src"), ("object", "data"), ("track", "src"), ("input", "src"),
    ("image", "href"), ("use", "href"),
]
LOADING_LINK_RELS = {"stylesheet", "icon", "preload", "prefetch", "preconnect", "dns-prefetch",
                     "modulepreload", "manifest", "apple-touch-icon"}
EXTERNAL = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.I)
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)")
CSS_IMPORT = re.compile(r"@import\s+['\"]([^'\"]+)")


def test_no_page_loads_a_resource_from_another_host(built_site):
    problems = []
    for path in built_site.rglob("*.html"):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for tag, attribute in LOADING:
            for element in soup.find_all(tag):
                value = element.get(attribute) or element.get(f"xlink:{attribute}") or ""
                if EXTERNAL.match(value):
                    problems.append(f"{path.relative_to(built_site)}: <{tag} {attribute}={value!r}>")
        for link in soup.find_all("link"):
            rels = set(link.get("rel") or [])
            if rels & LOADING_LINK_RELS and EXTERNAL.match(link.get("href", "")):
                problems.append(f"{path.relative_to(built_site)}: <link rel={rels} href={link['href']!r}>")
        for style in soup.find_all("style"):
            for url in CSS_URL.findall(style.get_text()) + CSS_IMPORT.findall(style.get_text()):
                if EXTERNAL.match(url):
                    problems.append(f"{path.relative_to(built_site)}: inline CSS url({url})")
    assert not problems, "\n".join(problems[:30])


def test_no_stylesheet_loads_from_another_host(built_site):
    problems = []
    for path in built_site.rglob("*.css"):
        text = path.read_text(encoding="utf-8", errors="replace")
        for url in CSS_URL.findall(text) + CSS_IMPORT.findall(text):
            if EXTERNAL.match(url):
                problems.append(f"{path.relative_to(built_site)}: {url}")
    assert not problems, "\n".join(problems)


def test_offline_shim_is_vendored_not_fetched(built_site):
    html = (built_site / "fa" / "index.html").read_text(encoding="utf-8")
    assert "unpkg.com" not in html
    assert "iframe-worker-shim.js" in html
    assert (built_site / "assets/javascripts/vendor/iframe-worker-shim.js").is_file()


def test_no_google_fonts_or_generator_link(built_site):
    html = (built_site / "index.html").read_text(encoding="utf-8")
    assert "fonts.googleapis" not in html and "fonts.gstatic" not in html
    assert "squidfunk.github.io" not in html
