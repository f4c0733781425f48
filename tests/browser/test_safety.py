"""Safe to read, proven in a real browser (Debian Chromium): quick exit, zero third-party
requests, no CSP violations, nothing left in the browser's storage, hardened headers."""

from __future__ import annotations

import urllib.error
import urllib.request
from urllib.parse import urlsplit

import pytest

from tests.conftest import LANGUAGES, SITE_LANGUAGES

NEUTRAL_SITE = "https://neutral.example/"  # QUICK_EXIT_URL of the session's build (tests/conftest.py)
PAGE_KINDS = ["index.html", "afghanistan-report/chronology.html", "downloads.html",
              "documentation-manual/checklists-and-templates.html", "staying-safe.html"]
READ = "safe-exit-guide/documents.html"


def prefix(language: str) -> str:
    return SITE_LANGUAGES[language].root


def neutral_page(base: str, language: str) -> str:
    return base + prefix(language) + "tables.html"


@pytest.fixture
def exit_context(browser):
    """A browser whose requests to the publisher's neutral site are answered locally (and that
    trusts the test's own certificate of the nginx mirror)."""
    context = browser.new_context(viewport={"width": 390, "height": 800}, ignore_https_errors=True)
    context.route(NEUTRAL_SITE + "**", lambda route: route.fulfill(
        status=200, content_type="text/html", body="<title>Weather</title><p>Weather</p>"))
    yield context
    context.close()


def assert_nothing_to_go_back_to(page, before: str) -> None:
    page.go_back()
    page.wait_for_load_state("load")
    assert page.url == before, f"Back returned to {page.url}, not to the page before the one read"


@pytest.mark.parametrize("language", LANGUAGES)
def test_quick_exit_replaces_the_page_and_leaves_no_back_entry(exit_context, http_site, language):
    page = exit_context.new_page()
    first = http_site + prefix(language) + "index.html"
    page.goto(first)
    page.goto(http_site + prefix(language) + READ)
    page.click("[data-gp-exit]")
    page.wait_for_url(NEUTRAL_SITE)  # online over http(s): the publisher's neutral site
    assert_nothing_to_go_back_to(page, first)


@pytest.mark.parametrize("jump", ["a.footnote-ref", ".md-sidebar--secondary a.md-nav__link", "a.headerlink",
                                  "skip link", "footnote back link"])
def test_jumps_inside_the_page_leave_nothing_to_go_back_to(exit_context, http_site, jump):
    """Security review H2: after a footnote or contents jump, Back returned to the page read."""
    page = exit_context.new_page()
    page.set_viewport_size({"width": 1280, "height": 900})  # the contents sidebar is shown
    first = http_site + "fa/index.html"
    page.goto(first)
    page.goto(http_site + "fa/" + READ)
    if jump == "skip link":
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "gp-quick-exit"
        page.keyboard.press("Enter")
    else:
        if jump == "footnote back link":
            page.locator("a.footnote-ref").first.click()
            jump = "a.footnote-backref"
        page.locator(jump).first.click(force=True)
        assert "#" in page.url  # the jump happened
        page.click("[data-gp-exit]")
    page.wait_for_url(NEUTRAL_SITE)
    assert_nothing_to_go_back_to(page, first)


@pytest.mark.parametrize("language", LANGUAGES)
def test_offline_the_exit_goes_to_the_neutral_page_shipped_with_the_site(exit_context, http_site, language):
    page = exit_context.new_page()
    first = http_site + prefix(language) + "index.html"
    page.goto(first)
    page.goto(http_site + prefix(language) + READ)
    exit_context.set_offline(True)
    page.click("[data-gp-exit]")
    page.wait_for_url(neutral_page(http_site, language))
    title = page.title()
    assert title and "persecution" not in title.lower() and "آزار" not in title and "persécution" not in title.lower()
    assert page.evaluate("document.documentElement.lang") == language
    exit_context.set_offline(False)
    assert_nothing_to_go_back_to(page, first)


def test_from_a_usb_copy_with_no_network_the_exit_leaves_at_once(browser, built_site):
    """A copy opened from disk (file://) with the network switched off."""
    context = browser.new_context()
    context.set_offline(True)
    page = context.new_page()
    first = (built_site / "fa" / "index.html").as_uri()
    page.goto(first)
    page.goto((built_site / "fa" / READ).as_uri())
    page.locator("a.footnote-ref").first.click()
    page.click("[data-gp-exit]")
    page.wait_for_url((built_site / "fa" / "tables.html").as_uri())
    assert page.locator("table td").count() == 100
    assert_nothing_to_go_back_to(page, first)
    context.close()


def test_quick_exit_blanks_the_page_before_the_neutral_page_arrives(browser, http_site):
    context = browser.new_context()
    # 204 No Content: the browser stays on the old document, so we can look at what the reader
    # would see on a slow connection while the neutral page is loading.
    context.route(NEUTRAL_SITE + "**", lambda route: route.fulfill(status=204))
    page = context.new_page()
    page.goto(http_site + "fa/" + READ)
    page.click("[data-gp-exit]")
    page.wait_for_timeout(300)
    state = page.evaluate("({children: document.body.childElementCount, title: document.title,"
                          " exiting: document.documentElement.classList.contains('gp-exiting')})")
    assert state == {"children": 0, "title": "", "exiting": True}
    context.close()


@pytest.mark.parametrize("language", LANGUAGES)
def test_three_shift_presses_within_five_seconds_exit(exit_context, http_site, language):
    page = exit_context.new_page()
    page.clock.install()
    page.goto(http_site + prefix(language) + "afghanistan-report/index.html")
    button = page.locator("[data-gp-exit]")
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    assert button.get_attribute("data-presses") == "2"  # the visible progress dots
    status = page.locator("[data-gp-exit-status]").text_content()
    assert status and status == page.locator("[data-gp-exit-status]").get_attribute("data-two")
    page.clock.run_for(6000)  # too slow: the count starts again
    assert button.get_attribute("data-presses") == "0"
    page.keyboard.press("Shift")
    page.clock.run_for(1000)
    page.keyboard.press("Shift")
    page.clock.run_for(1000)
    page.keyboard.press("Shift")
    page.wait_for_url(NEUTRAL_SITE)


def test_another_key_resets_the_count(exit_context, http_site):
    page = exit_context.new_page()
    page.goto(http_site + "index.html")
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    page.keyboard.press("a")
    page.keyboard.press("Shift")
    assert page.locator("[data-gp-exit]").get_attribute("data-presses") == "1"


@pytest.mark.parametrize("language", LANGUAGES)
def test_quick_exit_works_without_javascript(browser, http_site, language):
    context = browser.new_context(java_script_enabled=False)
    context.route(NEUTRAL_SITE + "**", lambda route: route.fulfill(status=200, body="ok"))
    page = context.new_page()
    page.goto(http_site + prefix(language) + "policy-primer/index.html")
    button = page.locator("a[data-gp-exit]")
    assert button.get_attribute("href") == NEUTRAL_SITE
    assert "noreferrer" in button.get_attribute("rel")
    button.click()
    page.wait_for_url(NEUTRAL_SITE)
    context.close()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_page_not_found_has_the_same_exit(exit_context, nginx_site, language):
    """Security review L1: on the 404 page the exit was a plain link and Back returned to it."""
    page = exit_context.new_page()
    first = nginx_site["mirror"] + prefix(language) + "index.html"
    page.goto(first)
    page.goto(nginx_site["mirror"] + prefix(language) + "safe-exit-guide/no-such-page.html")
    assert page.evaluate("document.documentElement.lang") == language
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    page.wait_for_url(NEUTRAL_SITE)
    assert_nothing_to_go_back_to(page, first)
    page.goto(nginx_site["mirror"] + prefix(language) + "safe-exit-guide/no-such-page.html")
    exit_context.set_offline(True)
    page.click("[data-gp-exit]")
    page.wait_for_url(nginx_site["mirror"] + prefix(language) + "tables.html")
    exit_context.set_offline(False)


def _browse_every_kind_of_page(page, base: str, language: str):
    for kind in PAGE_KINDS:
        page.goto(base + prefix(language) + kind)
        page.wait_for_load_state("networkidle")
    page.goto(base + prefix(language) + "no-such-page.html")
    page.wait_for_load_state("networkidle")
    page.goto(base + prefix(language) + "index.html")
    box = page.locator("input[data-md-component='search-query']")
    box.click()
    box.fill({"en": "women", "fa": "زنان", "fr": "femmes"}[language])
    box.dispatch_event("keyup")
    page.wait_for_selector(".md-search-result__item")
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_request_stays_on_the_site_without_csp_violations(browser, nginx_site, language):
    context = browser.new_context(ignore_https_errors=True)
    # Simulate an old browser without ResizeObserver: Material would fetch a polyfill from unpkg.
    context.add_init_script("delete window.ResizeObserver")
    page = context.new_page()
    requests, problems = [], []
    page.on("request", lambda r: requests.append(r.url))
    missing_page_errors = []

    def console(message):
        if message.type not in ("error", "warning"):
            return
        location = (message.location or {}).get("url", "")
        if location.endswith("/no-such-page.html") and "404" in message.text:
            missing_page_errors.append(message.text)
        problems.append(message.text)

    page.on("console", console)
    page.on("pageerror", lambda e: problems.append(str(e)))
    base = nginx_site["mirror"]
    _browse_every_kind_of_page(page, base, language)
    origin = urlsplit(base).netloc
    foreign = [url for url in requests if urlsplit(url).netloc not in (origin, "")]
    assert not foreign, f"requests to other hosts: {foreign}"
    csp = [p for p in problems if "Content Security Policy" in p or "Refused to" in p]
    assert not csp, csp
    # the only error allowed is the deliberate visit to a page that does not exist: a failed
    # stylesheet, font or script is a failure like any other
    others = [p for p in problems if p not in csp and p not in missing_page_errors]
    assert not others, others
    context.close()


def test_the_site_leaves_nothing_in_browser_storage(browser, http_site):
    context = browser.new_context()
    page = context.new_page()
    for language in LANGUAGES:
        _browse_every_kind_of_page(page, http_site, language)
    page.goto(http_site + "index.html")
    storage = page.evaluate("""async () => ({
        local: Object.keys(localStorage), session: Object.keys(sessionStorage),
        indexedDB: indexedDB.databases ? (await indexedDB.databases()).map(d => d.name) : [],
        caches: await caches.keys(),
        serviceWorkers: navigator.serviceWorker ? (await navigator.serviceWorker.getRegistrations()).length : 0,
    })""")
    assert storage == {"local": [], "session": [], "indexedDB": [], "caches": [], "serviceWorkers": 0}
    assert context.cookies() == []
    context.close()


def test_nginx_sends_the_security_headers(nginx_site):
    for base in (nginx_site["root"], nginx_site["mirror"]):
        with urllib.request.urlopen(base + "fa/index.html", context=nginx_site.ssl_context()) as response:
            headers = response.headers
        csp = headers["Content-Security-Policy"]
        assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert headers["Strict-Transport-Security"].startswith("max-age=")
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "no-referrer"
        assert "camera=()" in headers["Permissions-Policy"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_404_page_per_language_under_a_sub_path(browser, nginx_site, language):
    url = nginx_site["mirror"] + prefix(language) + "policy-primer/missing-page.html"
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(url, context=nginx_site.ssl_context())
    assert error.value.code == 404
    page = browser.new_page(ignore_https_errors=True)
    page.goto(url)
    assert page.evaluate("document.documentElement.lang") == language
    home = page.get_attribute("#gp-home", "href")
    page.click("#gp-home")
    page.wait_for_load_state("load")
    assert page.url == nginx_site["mirror"] + prefix(language) + "index.html", (home, page.url)
    page.close()


def test_external_citations_do_not_send_a_referrer(built_site):
    html = (built_site / "afghanistan-report" / "sources.html").read_text(encoding="utf-8")
    assert '<meta name="referrer" content="no-referrer">' in html
    from bs4 import BeautifulSoup

    links = BeautifulSoup(html, "html.parser").select("article a[href^='http']")
    assert links and all({"noopener", "noreferrer"} <= set(a.get("rel", [])) for a in links)


def test_every_page_carries_a_csp_that_allows_exactly_its_inline_scripts(built_site):
    """CSP is the last change to a page (publishing/pipeline.py): the hashes it lists are those of
    the scripts in the final page, download boxes included; nothing else is allowed."""
    import base64
    import hashlib
    import re

    from selectolax.lexbor import LexborHTMLParser

    pages = sorted(built_site.rglob("*.html"))
    for path in pages:
        html = path.read_text(encoding="utf-8")
        meta = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html)
        assert meta, f"{path.relative_to(built_site)}: no CSP"
        allowed = set(re.findall(r"'sha256-[^']+'", meta.group(1).split("script-src", 1)[1].split(";")[0]))
        found = set()
        for node in LexborHTMLParser(html).css("script"):
            if "src" in node.attributes or node.attributes.get("type") == "application/json":
                continue
            found.add("'sha256-" + base64.b64encode(hashlib.sha256(node.text().encode()).digest()).decode() + "'")
        assert found == allowed, path.relative_to(built_site)
        assert "data-gp-trusted" not in html
