"""The site works under a sub-path and from disk, in a real browser (Debian Chromium)."""

from __future__ import annotations

import pytest

DARI_PAGE = "fa/index.html"


def _check_rtl_with_own_font(page):
    page.wait_for_load_state("load")
    page.evaluate("document.fonts.ready")
    direction = page.evaluate("getComputedStyle(document.querySelector('article')).direction")
    assert direction == "rtl"
    assert page.evaluate("document.documentElement.dir") == "rtl"
    loaded = page.evaluate(
        "[...document.fonts].filter(f => f.status === 'loaded').map(f => f.family.replace(/\"/g, ''))"
    )
    assert "Vazirmatn" in loaded, f"the self-hosted Persian font did not load: {loaded}"


def test_dari_page_from_a_sub_path_server(page, http_site):
    failed = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    page.goto(http_site + DARI_PAGE)
    _check_rtl_with_own_font(page)
    assert not failed, f"requests failed under /mirror/: {failed}"


def test_dari_page_from_disk(page, built_site):
    page.goto((built_site / DARI_PAGE).as_uri())
    _check_rtl_with_own_font(page)


@pytest.mark.parametrize("where", ["http", "file"])
def test_language_switcher_works(page, http_site, built_site, where):
    start = http_site + DARI_PAGE if where == "http" else (built_site / DARI_PAGE).as_uri()
    page.goto(start)
    href = page.get_attribute("a.md-select__link[hreflang='fr']", "href")
    page.goto(page.url.rsplit("/", 1)[0] + "/" + href)
    assert page.evaluate("document.documentElement.lang") == "fr"
    assert page.evaluate("location.pathname").endswith("/fr/index.html")


def _search(page, query: str) -> list[str]:
    box = page.locator("input[data-md-component='search-query']")
    box.click()
    box.fill(query)
    # Material reads the query on keyup; fill() on non-US text sends no key events.
    box.dispatch_event("keyup")
    page.wait_for_selector(".md-search-result__item", timeout=10_000)
    return page.eval_on_selector_all(".md-search-result__item a", "els => els.map(e => e.href)")


@pytest.mark.parametrize("where", ["http", "file"])
def test_a_persian_word_is_found_by_search(page, http_site, built_site, where):
    start = http_site + DARI_PAGE if where == "http" else (built_site / DARI_PAGE).as_uri()
    page.goto(start)
    results = _search(page, "افغانستان")
    assert results, "search found nothing for a Persian word"
