"""The Dari and French editions: known sentences of the translated sources appear in the built
pages and in the text of the PDFs; Dari pages carry Persian text, not English fallbacks."""

from __future__ import annotations

import functools
import re
import subprocess
import unicodedata

import pytest
from bs4 import BeautifulSoup

from tests.conftest import DOCS, built_path, english_pages

SENTENCES = {
    "fa": [
        ("afghanistan-report", "afghanistan-report/right-to-education.md", "نخست مکتب‌های متوسطه و لیسه را به روی دختران بستند."),
        ("documentation-manual", "documentation-manual/principles.md", "این فصل را پیش از هر فصل دیگر بخوانید."),
        ("safe-exit-guide", "safe-exit-guide/fraud-and-fake-offers.md",
         "کسانی که می‌خواهند بروند، اغلب هدف افرادی قرار می‌گیرند که می‌خواهند آنان را فریب دهند."),
        ("policy-primer", "policy-primer/index.md",
         "آزار و اذیت یعنی محروم‌ساختن عمدی و شدید از حقوق بنیادین به دلیل هویت یک گروه."),
    ],
    "fr": [
        ("afghanistan-report", "afghanistan-report/right-to-education.md",
         "Ils ont d’abord fermé les écoles secondaires aux filles."),
        ("afghanistan-report", "afghanistan-report/right-to-education.md",
         "Le fondement discriminatoire de cette politique apparaît dans les textes eux-mêmes."),
        ("documentation-manual", "documentation-manual/principles.md",
         "Lisez ce chapitre avant tous les autres."),
    ],
}
CASES = [(language, *case) for language, cases in SENTENCES.items() for case in cases]
INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\u0654\u00a0\u202f]")


def comparable(text: str) -> str:
    """Text as extraction tools give it back: no ZWNJ or direction marks (WeasyPrint's text layer
    drops ZWNJ), the hamza of «هٔ» detached, all spaces and line breaks alike."""
    text = unicodedata.normalize("NFKC", text)
    text = INVISIBLE.sub("", text.replace("\u200c", ""))
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.parametrize("language,publication,source,sentence", CASES)
def test_sentence_is_in_the_translated_source(language, publication, source, sentence):
    assert sentence in (DOCS / language / source).read_text(encoding="utf-8")


@pytest.mark.parametrize("language,publication,source,sentence", CASES)
def test_sentence_is_in_the_built_page(built_site, language, publication, source, sentence):
    page = BeautifulSoup(built_path(built_site, language, source).read_text(encoding="utf-8"), "html.parser")
    assert comparable(sentence) in comparable(page.select_one("article").get_text(" "))


@functools.lru_cache(maxsize=None)
def pdf_text(pdf) -> str:
    # pypdf keeps the logical order of Persian text; pdftotext reverses ligatures such as «لا»
    from pypdf import PdfReader

    return " ".join(page.extract_text() for page in PdfReader(pdf).pages)


@pytest.mark.parametrize("language,publication,source,sentence", CASES)
def test_sentence_is_in_the_pdf_text(built_site, language, publication, source, sentence):
    assert comparable(sentence) in comparable(pdf_text(built_site / "downloads" / f"{publication}.{language}.pdf"))


@pytest.mark.parametrize("language", ["fa", "fr"])
def test_no_translated_page_is_an_english_fallback(built_site, language):
    fallbacks = [source for source in english_pages() if source != "404.md"
                 and BeautifulSoup(built_path(built_site, language, source).read_text(encoding="utf-8"),
                                   "html.parser").select_one(".gp-fallback")]
    assert not fallbacks, fallbacks


def test_dari_pdf_text_layer_limits_are_measured(built_site):
    """WeasyPrint's known limit, measured on our Dari PDFs: the half-space (ZWNJ) is not in the
    text layer, so copy-paste joins «می‌شود» into «میشود». Print is unaffected. If a future
    WeasyPrint keeps it, this test fails and the README's note must be updated."""
    source_zwnj = sum(p.read_text(encoding="utf-8").count("\u200c") for p in (DOCS / "fa" / "policy-primer").glob("*.md"))
    text = subprocess.run(["pdftotext", str(built_site / "downloads" / "policy-primer.fa.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert source_zwnj > 100
    assert text.count("\u200c") == 0
