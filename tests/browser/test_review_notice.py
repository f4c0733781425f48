"""The "this advice may be out of date" notice of time-sensitive pages (front matter
``review_by``) appears only once the reader's own clock has passed that date."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from publishing.data_files import front_matter
from tests.conftest import LANGUAGES, ROOT, SITE_LANGUAGES

PAGE = "safe-exit-guide/documents"


def review_by(language: str) -> dt.date:
    text = (ROOT / "docs" / language / f"{PAGE}.md").read_text(encoding="utf-8")
    return dt.date.fromisoformat(str(front_matter(text)["review_by"]))


def notice_visible(browser, http_site: str, language: str, today: dt.date) -> bool:
    context = browser.new_context(viewport={"width": 390, "height": 800})
    # the reader's clock (an init script is not page content: our CSP does not apply to it)
    now_ms = int(dt.datetime.combine(today, dt.time(12), tzinfo=dt.timezone.utc).timestamp() * 1000)
    context.add_init_script(f"Date.now = () => {now_ms};")
    page = context.new_page()
    page.goto(http_site + SITE_LANGUAGES[language].root + PAGE + ".html")
    page.wait_for_load_state("load")
    notice = page.locator(".gp-review-notice")
    assert notice.count() == 1, "the page has no review notice"
    visible = notice.is_visible()
    if visible:
        text = notice.inner_text()
        assert len(re.findall(r"\d|[۰-۹]", text)) >= 8, f"the notice does not give its dates: {text!r}"
    context.close()
    return visible


@pytest.mark.parametrize("language", LANGUAGES)
def test_hidden_before_the_review_date_shown_after_it(browser, http_site, language):
    due = review_by(language)
    assert not notice_visible(browser, http_site, language, due - dt.timedelta(days=1)), \
        "the page says its advice may be out of date before its review date"
    assert notice_visible(browser, http_site, language, due + dt.timedelta(days=2)), \
        "past the review date the reader is not told the advice may be out of date"
