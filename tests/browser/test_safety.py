"""Safe to read, proven in a real browser (Debian Chromium): quick exit, zero third-party
requests, no CSP violations, nothing left in the browser's storage, hardened headers."""

from __future__ import annotations

import urllib.error
import urllib.request
from urllib.parse import urlsplit

import pytest
import yaml

from tests.conftest import ROOT

CONFIG = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
DESTINATION = "https://www.bbc.com/weather"  # the default in mkdocs.yml (QUICK_EXIT_URL)
LANGUAGES = ["en", "fa", "fr"]
PAGE_KINDS = ["index.html", "afghanistan-report/chronology.html", "downloads.html",
              "documentation-manual/checklists-and-templates.html", "staying-safe.html"]


def prefix(language: str) -> str:
    return "" if language == "en" else f"{language}/"


@pytest.fixture
def exit_context(browser):
    """A browser whose every request outside the site is answered locally (and recorded)."""
    context = browser.new_context(viewport={"width": 390, "height": 800})
    context.route("https://www.bbc.com/**", lambda route: route.fulfill(
        status=200, content_type="text/html", body="<title>Weather</title><p>Weather</p>"))
    yield context
    context.close()


@pytest.mark.parametrize("language", LANGUAGES)
def test_quick_exit_button_replaces_the_page_and_leaves_no_back_entry(exit_context, http_site, language):
    page = exit_context.new_page()
    first = http_site + prefix(language) + "index.html"
    page.goto(first)
    page.goto(http_site + prefix(language) + "safe-exit-guide/index.html")
    page.click("[data-gp-exit]")
    page.wait_for_url(DESTINATION)
    page.go_back()
    assert page.url == first, f"Back returned to {page.url}, not to the page before the one read"


def test_quick_exit_blanks_the_page_before_the_neutral_page_arrives(browser, http_site):
    context = browser.new_context()
    # 204 No Content: the browser stays on the old document, so we can look at what the reader
    # would see on a slow connection while the neutral page is loading.
    context.route("https://www.bbc.com/**", lambda route: route.fulfill(status=204))
    page = context.new_page()
    page.goto(http_site + "fa/safe-exit-guide/documents.html")
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
    page.wait_for_url(DESTINATION)


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
    context.route("https://www.bbc.com/**", lambda route: route.fulfill(status=200, body="ok"))
    page = context.new_page()
    page.goto(http_site + prefix(language) + "policy-primer/index.html")
    button = page.locator("a[data-gp-exit]")
    assert button.get_attribute("href") == DESTINATION
    assert "noreferrer" in button.get_attribute("rel")
    button.click()
    page.wait_for_url(DESTINATION)
    context.close()


def test_skip_link_leads_to_the_exit_button(browser, http_site):
    page = browser.new_page()
    page.goto(http_site + "fa/index.html")
    stops = []
    for _ in range(2):  # Material's "skip to content" comes first, then ours
        page.keyboard.press("Tab")
        stops.append(page.evaluate("document.activeElement.getAttribute('href')"))
    assert "#gp-quick-exit" in stops, stops
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "gp-quick-exit"
    page.close()


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
    context = browser.new_context()
    # Simulate an old browser without ResizeObserver: Material would fetch a polyfill from unpkg.
    context.add_init_script("delete window.ResizeObserver")
    page = context.new_page()
    requests, problems = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    base = nginx_site["mirror"]
    _browse_every_kind_of_page(page, base, language)
    origin = urlsplit(base).netloc
    foreign = [url for url in requests if urlsplit(url).netloc not in (origin, "")]
    assert not foreign, f"requests to other hosts: {foreign}"
    csp = [p for p in problems if "Content Security Policy" in p or "Refused to" in p]
    assert not csp, csp
    # the only error allowed is the deliberate visit to a page that does not exist
    others = [p for p in problems if p not in csp and "404" not in p]
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
        with urllib.request.urlopen(base + "fa/index.html") as response:
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
        urllib.request.urlopen(url)
    assert error.value.code == 404
    page = browser.new_page()
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
