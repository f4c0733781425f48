"""Printing any page from the browser gives the text, not the website around it."""

from __future__ import annotations


def test_print_stylesheet_hides_the_site_around_the_text(page, http_site):
    page.goto(http_site + "fa/afghanistan-report/sources.html")
    page.emulate_media(media="print")
    hidden = page.evaluate("""[...document.querySelectorAll(
        '.md-header, .md-tabs, .md-sidebar, .gp-quick-exit, .md-footer__inner')]
        .map(e => getComputedStyle(e).display)""")
    assert hidden and set(hidden) == {"none"}
    assert page.evaluate("getComputedStyle(document.querySelector('article')).display") != "none"
    # citations keep their address on paper
    after = page.evaluate("""getComputedStyle(document.querySelector("article a[href^='http']"), '::after').content""")
    assert "attr" not in after and after not in ("none", "normal")
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
