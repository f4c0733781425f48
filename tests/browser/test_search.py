"""Search finds what readers look for, typed the way they type it, in their own language only,
on http and from disk (file://). Recall@5 per language is written to build/reports/."""

from __future__ import annotations

import json
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml

from tests.conftest import ROOT

QUERIES = yaml.safe_load((ROOT / "tests/data/search_queries.yml").read_text(encoding="utf-8"))
REPORTS = ROOT / "build" / "reports"


def wait_until(page, expression: str, timeout: float = 20.0) -> None:
    """Poll a JavaScript expression (wait_for_function would need 'unsafe-eval', which our
    Content-Security-Policy refuses)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {expression}")
        page.wait_for_timeout(25)


INITIALISING = "/Initializing|راه‌اندازی|Initialisation/"


def run_query(page, query: str, timeout: float = 10.0) -> tuple[list[str], float]:
    """Type a query as a reader would; return the first five result pages and the latency."""
    box = page.locator("input[data-md-component='search-query']")
    box.fill("")
    box.dispatch_event("keyup")
    wait_until(page, "!document.querySelector('.md-search-result__item')")
    started = time.monotonic()
    box.fill(query)
    # Material reads the query on keyup; fill() sends no key events for non-US text.
    box.dispatch_event("keyup")
    deadline = started + timeout
    while time.monotonic() < deadline:
        state = page.evaluate("""() => {
            const meta = document.querySelector('.md-search-result__meta');
            const pages = [...document.querySelectorAll('.md-search-result__item > a')]
                .map(a => a.href.split('#')[0]);
            return {meta: meta ? meta.textContent.trim() : '',
                    items: [...new Set(pages)].slice(0, 5)};
        }""")
        if state["items"]:
            return state["items"], time.monotonic() - started
        # "no results": give the worker a moment, it may still be answering
        if time.monotonic() - started > 1.5:
            return [], time.monotonic() - started
        page.wait_for_timeout(20)
    return [], timeout


def open_search(page, start: str, language_root: str):
    page.goto(start)
    page.wait_for_load_state("load")
    box = page.locator("input[data-md-component='search-query']")
    box.click()  # opening the search box starts loading the index
    wait_until(page, "(() => { const m = document.querySelector('.md-search-result__meta'); "
                     f"return m && !{INITIALISING}.test(m.textContent); }})()")


def relative(url: str, root: str) -> str:
    path = unquote(urlsplit(url).path)
    return path.split(root, 1)[1] if root in path else path


@pytest.mark.parametrize("where", ["http", "file"])
@pytest.mark.parametrize("language", ["fa", "fr", "en"])
def test_queries_find_their_page(browser, http_site, built_site, language, where):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    prefix = "" if language == "en" else f"{language}/"
    if where == "http":
        start, root = http_site + prefix + "index.html", "/mirror/" + prefix
    else:
        start, root = (built_site / prefix / "index.html").as_uri(), str(built_site / prefix).rstrip("/") + "/"
        root = urlsplit(Path(root).as_uri() + "/").path
    open_search(page, start, root)
    misses, latencies, found = [], [], 0
    for case in QUERIES[language]:
        results, latency = run_query(page, case["query"])
        latencies.append(latency)
        pages = [relative(url, root) for url in results]
        wrong_language = [url for url in results if language != "en" and f"/{language}/" not in url]
        assert not wrong_language, f"{case['query']!r} returned pages of another language: {wrong_language}"
        if any(expected in pages for expected in case["expect"]):
            found += 1
        else:
            misses.append(f"{case['query']!r}: expected one of {case['expect']}, got {pages}")
    context.close()
    recall = found / len(QUERIES[language])
    REPORTS.mkdir(parents=True, exist_ok=True)
    (REPORTS / f"search-recall-{language}-{where}.json").write_text(json.dumps({
        "language": language, "where": where, "queries": len(QUERIES[language]),
        "recall_at_5": round(recall, 3),
        "median_latency_ms": round(sorted(latencies)[len(latencies) // 2] * 1000),
        "misses": misses,
    }, ensure_ascii=False, indent=1), encoding="utf-8")
    assert not misses, f"recall@5 {recall:.2f} for {language} ({where}); misses:\n" + "\n".join(misses)


def test_dari_pages_download_only_the_dari_index(browser, http_site):
    context = browser.new_context()
    page = context.new_page()
    requested = []
    page.on("request", lambda r: requested.append(urlsplit(r.url).path))
    page.goto(http_site + "fa/policy-primer/index.html")
    page.wait_for_load_state("networkidle")
    assert not [p for p in requested if "search_index" in p], "the index must wait until search is opened"
    page.locator("input[data-md-component='search-query']").click()
    page.wait_for_load_state("networkidle")
    indexes = [p for p in requested if "search_index" in p]
    assert indexes == ["/mirror/fa/search/search_index.json"], indexes
    context.close()
