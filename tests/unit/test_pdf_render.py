"""PDF rendering: reproducible bytes, a cache that skips unchanged books, clear failures."""

from __future__ import annotations

import builtins
import hashlib

import pytest
from mkdocs.exceptions import PluginError

from hooks import pdf, pdf_render

TINY = """<!doctype html><html lang="fa" dir="rtl"><head><title>آزمایش</title></head>
<body><h1>فصل اول</h1><p>زن‌ها حق تعلیم دارند.</p></body></html>"""


def test_same_book_renders_to_identical_bytes(tmp_path):
    first, second = tmp_path / "a.pdf", tmp_path / "b.pdf"
    pdf_render.render_pdf(TINY, str(first), "id")
    pdf_render.render_pdf(TINY, str(second), "id")
    assert hashlib.sha256(first.read_bytes()).digest() == hashlib.sha256(second.read_bytes()).digest()


def test_unchanged_book_comes_from_the_cache(tmp_path, monkeypatch):
    monkeypatch.setattr(pdf, "CACHE_DIR", tmp_path / "cache")
    book = pdf.Book("tiny", "fa", chapters=[], title="t", edition="2026-11-27", html=TINY)
    settings = {"page_size": "A4"}
    first = pdf.build_pdfs([book], tmp_path / "site1", settings)[0]
    second = pdf.build_pdfs([book], tmp_path / "site2", settings)[0]
    assert not first.cached and second.cached
    assert first.sha256 == second.sha256
    changed = pdf.Book("tiny", "fa", chapters=[], title="t", edition="2026-11-27",
                       html=TINY.replace("اول", "دوم"))
    assert not pdf.build_pdfs([changed], tmp_path / "site3", settings)[0].cached


def test_missing_pango_names_the_packages_to_install(monkeypatch):
    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    with pytest.raises(PluginError, match="apt-get install libpango-1.0-0"):
        pdf._check_weasyprint()


def test_unknown_page_size_is_a_clear_error():
    class Config:
        extra = {"pdf": {"page_size": "a5"}}

    with pytest.raises(PluginError, match="page_size"):
        pdf.pdf_settings(Config())


def test_us_letter_can_be_chosen(tmp_path):
    from pypdf import PdfReader

    class Config:
        extra = {"pdf": {"page_size": "letter"}}

    settings = pdf.pdf_settings(Config())
    assert settings["page_size"] == "letter"
    html = TINY.replace("<head>", "<head><style>@page { size: letter; }</style>")
    target = tmp_path / "letter.pdf"
    pdf_render.render_pdf(html, str(target), "id")
    box = PdfReader(target).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)
    # the book template takes the configured size
    assert "@page { size: {{ page_size }}; }" in (pdf.PRINT_DIR / "book.html").read_text(encoding="utf-8")
