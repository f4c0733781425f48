"""Typography applied to rendered pages: French spaces, isolated Latin runs in Dari."""

from __future__ import annotations

from hooks.typography import dari, french_html


def test_french_non_breaking_spaces():
    out = french_html("<p>« Attention » : oui ; non ! vraiment ? <code>a ; b</code></p>")
    assert "«\u202fAttention\u202f»\u00a0: oui\u202f; non\u202f! vraiment\u202f?" in out
    assert "<code>a ; b</code>" in out


def test_french_urls_are_not_touched():
    out = french_html('<p><a href="https://x.org/?p=1">https://x.org/?p=1</a></p>')
    assert "https://x.org/?p=1</a>" in out


def test_latin_runs_in_dari_are_isolated():
    out = dari("<p>گزارش (Afghanistan Justice Archive) و سند A/HRC/53/21، مادهٔ 7(1)(h).</p>")
    assert "<bdi>(Afghanistan Justice Archive)</bdi>" in out
    assert "<bdi>A/HRC/53/21</bdi>،" in out
    assert "<bdi>7(1)(h)</bdi>." in out


def test_dari_keeps_existing_isolates_code_and_numbers():
    out = dari("<p>سال 2021 <bdi>ICC</bdi> <code>make site</code></p>")
    assert out.count("<bdi>") == 1 and "<code>make site</code>" in out and "سال 2021" in out


def test_dari_footnote_numbers_are_persian():
    out = dari('<p>متن<sup id="fnref:12"><a class="footnote-ref" href="#fn:12">12</a></sup></p>')
    assert ">۱۲</a>" in out
