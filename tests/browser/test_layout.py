"""Every page of every language, opened in a real browser under a sub-path (/mirror/), loads all
its assets (no 404) and is no wider than a phone screen (390 px): a right-to-left page that
overflows is shifted off screen, which is only seen in a browser."""

from __future__ import annotations

import pytest

from tests.conftest import LANGUAGES, built_path, english_pages

# An element inside a box that scrolls or clips (a table's scroll wrapper, the visually hidden
# header row of a stacked table) cannot push the page sideways; that box itself is measured.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const contained = e => {
    for (let a = e.parentElement; a && a.tagName !== 'ARTICLE'; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== 'visible') return true;
    }
    return false;
  };
  const wide = [...document.querySelectorAll('article *')]
    .filter(e => !contained(e))
    .map(e => [e, e.getBoundingClientRect()])
    .filter(([e, r]) => r.width > 0 && (r.left < -1 || r.right > width + 1))
    .map(([e, r]) => `${e.tagName.toLowerCase()}.${e.className} ${Math.round(r.left)}..${Math.round(r.right)}`);
  return {scroll: document.documentElement.scrollWidth, width, wide: wide.slice(0, 3)};
}"""


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_loads_its_assets_and_fits_a_phone(browser, http_site, built_site, language):
    context = browser.new_context(viewport={"width": 390, "height": 800})
    page = context.new_page()
    problems = []
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    for source in english_pages():
        if source == "404.md":
            continue
        path = built_path(built_site, language, source).relative_to(built_site).as_posix()
        page.goto(http_site + path)
        page.wait_for_load_state("load")
        state = page.evaluate(OVERFLOW)
        if state["scroll"] > state["width"] or state["wide"]:
            problems.append(f"{path}: {state}")
    context.close()
    assert not problems, "\n".join(problems)
