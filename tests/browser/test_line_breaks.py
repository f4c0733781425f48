"""What the typography step glues together stays on one line in Chromium, at every width: a
Dari date, «مادهٔ ۷», a French «35 000», an identifier such as DEC9-12252021 (a word joiner after
a plain space did not hold: Chromium broke the line at the space, «۱۷ | جوزا»)."""

from __future__ import annotations

import re

import pytest

from publishing.typography import apply

CASES = {
    "fa": ("ب" * 7, ["۱۷ جوزا ۱۴۰۶", "۷ دسمبر ۲۰۲۶", "مادهٔ ۷", "DEC9-12252021"]),
    "fr": ("mot " * 3, ["35 000", "7 décembre 2026", "art. 7", "art. 7-1-h"]),
    "en": ("word " * 3, ["7 December 2026", "p. 12", "C-608/22", "DEC12-07312024-17"]),
}

SPLIT = """(groups) => groups.map(({id, first, last}) => {
  const walker = document.createTreeWalker(document.getElementById(id), NodeFilter.SHOW_TEXT);
  const nodes = []; let total = 0;
  while (walker.nextNode()) { nodes.push([walker.currentNode, total]); total += walker.currentNode.length; }
  const at = (offset) => {
    const [node, start] = nodes.filter(([n, s]) => s <= offset && offset < s + n.length)[0];
    const r = document.createRange(); r.setStart(node, offset - start); r.setEnd(node, offset - start + 1);
    return r.getBoundingClientRect().top; };
  return Math.abs(at(first) - at(last)) > 3 ? id : null; }).filter(Boolean)"""


@pytest.mark.parametrize("language", CASES)
def test_glued_groups_never_break_in_chromium(browser, language):
    filler, groups = CASES[language]
    direction = "rtl" if language == "fa" else "ltr"
    page = browser.new_page()
    divs, checks = [], []
    for g, group in enumerate(groups):
        for n in range(1, 12):
            for width in (90, 120, 150, 180):
                ident = f"g{g}-{n}-{width}"
                before = filler[: n * 2]
                glued = apply(f"<p>{group}</p>", language)[3:-4]
                divs.append(f'<div id="{ident}" style="width:{width}px">{before} {glued} x</div>')
                start = len(before) + 1
                visible = re.sub(r"<[^>]+>", "", glued)
                checks.append({"id": ident, "first": start, "last": start + len(visible) - 1})
    page.set_content(f'<html lang="{language}" dir="{direction}"><body style="font: 18px sans-serif">'
                     + "".join(divs) + "</body></html>")
    broken = page.evaluate(SPLIT, checks)
    page.close()
    assert not broken, f"{len(broken)} of {len(checks)} glued groups broke across lines, e.g. {broken[:5]}"


def test_two_dari_footnote_calls_read_from_the_right(browser, http_site):
    """«۱،۲»: Persian digits with a comma between them form one left-to-right number, so a
    reader going right to left met ۲ before ۱; the style sheet puts a right-to-left mark first."""
    page = browser.new_page(viewport={"width": 390, "height": 800})
    page.goto(http_site + "fa/safe-exit-guide/fraud-and-fake-offers.html")
    pairs = page.evaluate("""() => [...document.querySelectorAll('sup.gp-call-next')].map(second => {
        const first = second.previousElementSibling;
        return [first.getBoundingClientRect().left, second.getBoundingClientRect().left]; })""")
    page.close()
    assert pairs, "no pair of footnote calls on the page"
    assert all(first > second for first, second in pairs), f"calls read left to right: {pairs}"
