"""Accessibility, proven by axe-core in Debian Chromium: every page type, three languages, desktop
and phone; and a keyboard-only walk from the home page to a download and the quick exit."""

from __future__ import annotations

import json

import pytest

from tests.conftest import ROOT, SITE_LANGUAGES

PAGE_KINDS = ["index.html", "afghanistan-report/index.html", "afghanistan-report/chronology.html",
              "documentation-manual/checklists-and-templates.html", "downloads.html", "glossary.html",
              "translation-status.html", "verify.html", "staying-safe.html", "404.html"]
REPORT = ROOT / "build" / "reports" / "axe.json"


@pytest.fixture(scope="module")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("language", ["en", "fa", "fr"])
def test_no_serious_or_critical_axe_violations(browser, http_site, axe, language, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    findings = {}
    for kind in PAGE_KINDS:
        page.goto(http_site + ("" if language == "en" else f"{language}/") + kind)
        page.wait_for_load_state("load")
        violations = axe.run(page).response["violations"]
        findings[kind] = [{"id": v["id"], "impact": v["impact"], "nodes": len(v["nodes"])} for v in violations]
    context.close()
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    existing = json.loads(REPORT.read_text()) if REPORT.exists() else {}
    existing[f"{language}-{width}"] = findings
    REPORT.write_text(json.dumps(existing, indent=1))
    serious = {k: [v for v in found if v["impact"] in ("serious", "critical")] for k, found in findings.items()}
    serious = {k: v for k, v in serious.items() if v}
    assert not serious, serious


def _tab_to(page, selector: str, limit: int = 400) -> None:
    """Press Tab until the focused element matches `selector` (keyboard only, no clicks)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement && document.activeElement.matches({selector!r})"):
            return
    raise AssertionError(f"Tab never reached {selector}")


@pytest.mark.parametrize("language", ["en", "fa"])
def test_keyboard_walk_home_publication_chapter_download_exit(browser, http_site, language):
    context = browser.new_context(accept_downloads=True)
    context.route("https://neutral.example/**", lambda route: route.fulfill(status=200, body="ok"))
    page = context.new_page()
    root = http_site + SITE_LANGUAGES[language].root
    page.goto(root + "index.html")
    _tab_to(page, "article a[href$='afghanistan-report/index.html']")
    page.keyboard.press("Enter")
    page.wait_for_url(root + "afghanistan-report/index.html")
    _tab_to(page, "article a[href$='chronology.html']")
    page.keyboard.press("Enter")
    page.wait_for_url(root + "afghanistan-report/chronology.html")
    _tab_to(page, "footer a[href$='downloads.html']")
    page.keyboard.press("Enter")
    page.wait_for_url(root + "downloads.html")
    _tab_to(page, ".gp-download a[href$='.pdf']")
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    assert download.value.suggested_filename.endswith(".pdf")
    _tab_to(page, "#gp-quick-exit")
    page.keyboard.press("Enter")
    page.wait_for_url("https://neutral.example/")  # QUICK_EXIT_URL of the session build
    context.close()
