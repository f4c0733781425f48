"""PDF books: a confined engine, reproducible bytes, chapters assembled as a reader expects."""

from __future__ import annotations

import builtins
import contextlib
import hashlib
import os
import time
from pathlib import Path

import pytest
from mkdocs.exceptions import PluginError
from pypdf import PdfReader

from publishing import pdf, pdf_render

TINY = """<!doctype html><html lang="fa" dir="rtl"><head><title>آزمایش</title></head>
<body><h1>فصل اول</h1><p>زن‌ها حق تعلیم دارند.</p>{extra}</body></html>"""


def embedded_files(path: Path) -> list[str]:
    reader = PdfReader(path)
    found = []
    names = reader.trailer["/Root"].get("/Names", {})
    if "/EmbeddedFiles" in names:
        found.append("document attachment")
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            if annotation.get_object().get("/Subtype") == "/FileAttachment":
                found.append("file attachment annotation")
    return found


def test_the_engine_reads_nothing_outside_the_site_and_print(tmp_path, monkeypatch):
    """Security review C3: a translator's link made WeasyPrint embed the build's environment."""
    monkeypatch.setenv("GP_SECRET_FOR_TEST", "do-not-leak-7f3a")
    secret = tmp_path / "outside" / "release.key"
    secret.parent.mkdir()
    secret.write_text("SECRET-KEY-b81c")
    extra = (f'<a rel="attachment" href="fi&#9;le:///proc/self/environ">a</a>'
             f'<a rel="attachment" href="file://{secret}">b</a>'
             f'<img src="file://{secret}"><img src="https://t.example/p.png">'
             '<link rel="stylesheet" href="file:///etc/hostname">')
    site = tmp_path / "site"
    site.mkdir()
    target = tmp_path / "out.pdf"
    pdf_render.render_pdf(TINY.format(extra=extra), str(target), "id", [str(site)])
    data = target.read_bytes()
    assert embedded_files(target) == []
    assert b"do-not-leak" not in data and b"SECRET-KEY" not in data


def test_the_fetcher_refuses_every_other_scheme_and_path(tmp_path):
    fetcher = pdf_render.confined_fetcher([str(tmp_path)])
    (tmp_path / "ok.css").write_text("p{}")
    assert fetcher.fetch((tmp_path / "ok.css").as_uri()) is not None
    for url in ("file:///etc/passwd", "https://example.org/x.css", "http://127.0.0.1/x", "data:text/css,p{}",
                (tmp_path / ".." / "x").as_uri(), "ftp://example.org/x"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    link = tmp_path / "link.css"
    os.symlink("/etc/hostname", link)  # a symlink inside the site pointing out of it
    with pytest.raises(ValueError):
        fetcher.fetch(link.as_uri())


def test_same_book_renders_to_identical_bytes(tmp_path):
    first, second = tmp_path / "a.pdf", tmp_path / "b.pdf"
    pdf_render.render_pdf(TINY.format(extra=""), str(first), "id", [])
    pdf_render.render_pdf(TINY.format(extra=""), str(second), "id", [])
    assert hashlib.sha256(first.read_bytes()).digest() == hashlib.sha256(second.read_bytes()).digest()


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
        pdf.settings_of(Config())


def test_us_letter_can_be_chosen(tmp_path):
    class Config:
        extra = {"pdf": {"page_size": "letter"}}

    settings = pdf.settings_of(Config())
    html = TINY.format(extra="").replace("<head>", f"<head><style>@page {{ size: {settings['page_size']}; }}</style>")
    target = tmp_path / "letter.pdf"
    pdf_render.render_pdf(html, str(target), "id", [])
    box = PdfReader(target).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)


ARTICLE = """<h1 id="legal">Tahlil <bdi>7(1)(h)</bdi>:</h1>
<p>Text<sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a></sup> and again<sup id="fnref2:1"><a class="footnote-ref" href="#fn:1">&lt;1&gt;</a></sup>
<a href="other.html#part">other chapter</a>, <a href="../about.html">about</a>, <a href="https://x.org/">x</a>,
<a rel="attachment" href="../secret.txt">s</a></p>
<h2 id="sub">Section (<bdi>JEP</bdi>)</h2>
<h2 id="art">مادهٔ <bdi dir="ltr">7(3)</bdi> &lt;b&gt;<sup id="fnref:2"><a class="footnote-ref" href="#fn:1">2</a></sup></h2>
<div class="footnote"><hr><ol><li id="fn:1"><p>The note.<a class="footnote-backref" href="#fnref:1">↩</a></p></li></ol></div>"""


def test_a_chapter_is_assembled_as_a_reader_expects():
    chapter = pdf.Chapter("pub/a.md", Path("a.html"), 1, ARTICLE)
    other = pdf.Chapter("pub/other.md", Path("other.html"), 2, "<h1>Other</h1>")
    html, toc = pdf.chapter_fragment(chapter, {"pub/a.html": chapter, "pub/other.html": other}, "", "pub/a.html")
    assert '<span class="footnote"><p>The note.</p></span>' not in html  # the note's text moves into the call
    assert 'class="footnote">The note.' in html and "footnote-backref" not in html
    assert '<sup class="footnote-repeat">&lt;1&gt;</sup>' in html  # a second call: its number, escaped
    assert 'href="#c2-part"' in html and ", about," in html and "about.html" not in html
    assert 'href="https://x.org/"' in html and "rel=" not in html  # no attachment, ever
    # contents entries read as the heading does: no space added at <bdi> boundaries, and the
    # isolates kept, without which «مادهٔ 7(3)» reads «(3)7» (Dari review 13); no footnote call
    assert toc == [{"id": "c1", "title": "Tahlil <bdi>7(1)(h)</bdi>:", "level": 1},
                   {"id": "c1-sub", "title": "Section (<bdi>JEP</bdi>)", "level": 2},
                   {"id": "c1-art", "title": "مادهٔ <bdi>7(3)</bdi> &lt;b&gt;", "level": 2}]


@pytest.mark.parametrize("note, text", [
    ("<p> First <em>a</em> </p>\n<p>Second &amp; last.</p>", "First <em>a</em> Second &amp; last."),  # one space between
    ("A note without paragraphs, <b>bold</b>", "A note without paragraphs, <b>bold</b>"),
])
def test_a_note_of_several_paragraphs_or_none_moves_into_its_call_whole(note, text):
    article = ('<p>Text<sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a></sup>.</p>'
               f'<div class="footnote"><ol><li id="fn:1">{note}</li></ol></div>')
    html, _ = pdf.chapter_fragment(pdf.Chapter("pub/a.md", Path("a.html"), 1, article), {}, "", "pub/a.html")
    assert f'Text<span class="footnote">{text}</span>.' in html


def test_phone_books_show_wide_tables_as_one_card_per_row_and_keep_notes_linked():
    article = ("<h1>T</h1><table data-gp-stack><thead><tr><th>Date</th><th>Rule</th><th>Source</th></tr></thead>"
               '<tbody><tr><td data-label="Date">2021</td><td data-label="Rule">No <em>school</em>'
               '<sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a></sup></td>'
               '<td data-label="Source">Decree</td></tr></tbody></table>'
               '<div class="footnote"><ol><li id="fn:1"><p>N.<a class="footnote-backref" href="#fnref:1">↩</a>'
               "</p></li></ol></div>")
    chapter = pdf.Chapter("pub/a.md", Path("a.html"), 1, article)
    html, _ = pdf.chapter_fragment(chapter, {"pub/a.html": chapter}, "", "pub/a.html",
                                   notes="chapter", back_label="back", tables="cards")
    assert "<table" not in html and "<th>" not in html
    assert ('<dl class="gp-card"><dt>Date</dt><dd>2021</dd><dt>Rule</dt><dd>No <em>school</em>'
            '<sup id="c1-fnref:1"><a class="footnote-ref" href="#c1-fn:1">1</a></sup></dd>'
            '<dt>Source</dt><dd>Decree</dd></dl>') in html
    assert 'href="#c1-fnref:1">back</a>' in html  # the note links back to its call
    print_html, _ = pdf.chapter_fragment(chapter, {"pub/a.html": chapter}, "", "pub/a.html")
    assert "<table data-gp-stack" in print_html  # the print edition keeps its tables


def test_remembered_page_references_match_pydyfs_own_as_pages_are_added():
    """The speed patch of pdf_render must give what pydyf gives, before and after pages are added;
    if a pydyf upgrade changes the property, this says so before a PDF links to the wrong page."""
    import pydyf

    pdf_render._remember_page_references()
    patched = pydyf.PDF.page_references.fget
    assert getattr(patched, "remembers", False), "pydyf.PDF.page_references is no longer a property"

    document = pydyf.PDF()
    for count in range(1, 5):
        document.add_page(pydyf.Dictionary({"Type": "/Page"}))
        expected = tuple(f"{number} 0 R".encode("ascii") for number in document.pages["Kids"][::3])
        assert document.page_references == expected and len(expected) == count


def test_fonts_reach_the_engine_decompressed_with_the_same_glyphs():
    """WOFF2 faces are decompressed once per worker (pdf_render._decompressed_font); the font the
    engine gets must be the one in print/fonts."""
    from io import BytesIO

    from fontTools.ttLib import TTFont

    face = next(pdf_render.PRINT_DIR.joinpath("fonts").rglob("Vazirmatn-Regular.woff2"))
    fetched = pdf_render.confined_fetcher([str(pdf_render.PRINT_DIR)]).fetch(face.as_uri())
    data = fetched.read()
    assert data[:4] in (b"\x00\x01\x00\x00", b"OTTO", b"true")
    assert TTFont(BytesIO(data)).getGlyphOrder() == TTFont(face).getGlyphOrder()


def test_calls_in_a_row_are_one_group_that_cannot_break():
    """WeasyPrint broke after a note floated to the foot of the page despite the word joiner,
    and the second number of «۱۲،۱۳» started a line (Dari review 14)."""
    article = ('<h1>T</h1><p>متن\u2060<sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a></sup>'
               '\u2060<sup id="fnref:2"><a class="footnote-ref" href="#fn:2">2</a></sup>'
               '\u2060<sup id="fnref2:1"><a class="footnote-ref" href="#fn:1">1</a></sup> و'
               '\u2060<sup id="fnref:3"><a class="footnote-ref" href="#fn:3">3</a></sup></p>'
               '<div class="footnote"><ol><li id="fn:1"><p>A</p></li><li id="fn:2"><p>B</p></li>'
               '<li id="fn:3"><p>C</p></li></ol></div>')
    chapter = pdf.Chapter("pub/a.md", Path("a.html"), 1, article)
    html, _ = pdf.chapter_fragment(chapter, {"pub/a.html": chapter}, "", "pub/a.html")
    assert html.count('class="gp-calls"') == 1
    group = html.split('<span class="gp-calls">')[1].split(" و")[0]
    assert group.count('class="footnote"') == 2 and group.count("footnote-repeat") == 1
    assert html.count('class="footnote"') == 3, "a lone call stays as it was"


@pytest.mark.parametrize("language, stylesheets", [("fr", ["pdf.css"]), ("fa", ["pdf.css", "phone.css", "pdf-fa.css"])])
def test_the_speed_patches_give_the_same_pdf_bytes(tmp_path, monkeypatch, language, stylesheets):
    """The speed patches of pdf_render (each line fitting kept for the document, the cycle
    collector paused during a book) must not change one byte of a book: a real chapter, justified
    and hyphenated with notes at the foot of the page (print), or right to left on the phone page,
    rendered by WeasyPrint as published and by render_pdf."""
    import markdown
    from weasyprint.layout import inline

    source = Path(__file__).resolve().parents[2] / "docs" / language / "afghanistan-report" / "legal-analysis.md"
    body = source.read_text(encoding="utf-8").split("\n---\n", 1)[-1]  # without its front matter
    article = markdown.markdown(body, extensions=["footnotes", "attr_list", "tables", "admonition"])
    chapter = pdf.Chapter("pub/a.md", Path("a.html"), 1, article)
    notes = "page" if stylesheets == ["pdf.css"] else "chapter"
    fragment, _ = pdf.chapter_fragment(chapter, {"pub/a.html": chapter}, "", "pub/a.html", notes)
    links = "".join(f'<link rel="stylesheet" href="{sheet}">' for sheet in stylesheets)
    html = (f'<!doctype html><html lang="{language}" dir="{"rtl" if language == "fa" else "ltr"}"><head>'
            f'<meta charset="utf-8"><title>T</title>{links}</head><body>{fragment}</body></html>')

    pdf_render._remember_first_lines()
    remembering = inline.split_first_line
    assert getattr(remembering, "remembers", False)
    monkeypatch.setattr(inline, "split_first_line", remembering.original)
    plain, patched = tmp_path / "plain.pdf", tmp_path / "patched.pdf"
    with monkeypatch.context() as as_published:
        as_published.setattr(pdf_render, "_remember_first_lines", lambda: None)
        as_published.setattr(pdf_render, "_collector_paused", contextlib.nullcontext)
        pages, _ = pdf_render.render_pdf(html, str(plain), "id", [])
    monkeypatch.setattr(inline, "split_first_line", remembering)
    pdf_render.render_pdf(html, str(patched), "id", [])
    assert pages >= 3, "the chapter is long enough to need footnote areas and several pages"
    assert plain.read_bytes() == patched.read_bytes()
    # and as the build renders it: in a process of its own, forked for the book
    in_own_process = tmp_path / "own-process.pdf"
    assert pdf_render.render_pdf_in_own_process(html, str(in_own_process), "id", [])[0] == pages
    assert plain.read_bytes() == in_own_process.read_bytes()


def test_the_collector_is_back_as_it_was_after_a_book_even_a_failed_one(tmp_path):
    import gc

    assert gc.isenabled()
    pdf_render.render_pdf("<p>one page</p>", str(tmp_path / "a.pdf"), "id", [])
    assert gc.isenabled(), "render_pdf left Python's cycle collector off"
    with pytest.raises(OSError):  # no folder to write the PDF into
        pdf_render.render_pdf("<p>x</p>", str(tmp_path / "missing-folder" / "b.pdf"), "id", [])
    assert gc.isenabled(), "a failed book left Python's cycle collector off"
    gc.disable()
    try:
        pdf_render.render_pdf("<p>one page</p>", str(tmp_path / "c.pdf"), "id", [])
        assert not gc.isenabled(), "render_pdf turned on a collector its caller had turned off"
    finally:
        gc.enable()


# --------------------------------------------------------------------------- the build's book processes


def processes_started_by(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid and fields[0] != "Z":
                found.append(int(stat.parent.name))
    return found


def test_a_failure_in_a_book_process_reaches_the_build_with_its_cause(tmp_path):
    before = processes_started_by(os.getpid())  # the session's servers and browsers
    with pytest.raises(pdf_render.BookFailed, match="(FileNotFoundError|OSError).*missing-folder"):
        pdf_render.render_pdf_in_own_process("<p>x</p>", str(tmp_path / "missing-folder" / "b.pdf"), "id", [])
    assert processes_started_by(os.getpid()) == before


def _never_ending_book(html, target, identifier, allowed):
    Path(target).write_bytes(b"%PDF-partial")
    time.sleep(120)


def test_when_the_build_stops_the_book_in_hand_is_killed_and_no_other_starts(tmp_path, monkeypatch):
    """A failed build must not keep rendering books for nothing (PdfRun.abandon sets the event)."""
    import multiprocessing
    import threading

    stop = multiprocessing.Event()
    monkeypatch.setattr(pdf_render, "_stop", stop)
    monkeypatch.setattr(pdf_render, "_render", _never_ending_book)
    outcome = {}

    def render():
        try:
            pdf_render.render_pdf_in_own_process("<p>x</p>", str(tmp_path / "a.pdf"), "id", [])
        except pdf_render.BookFailed as error:
            outcome["error"] = str(error)

    before = processes_started_by(os.getpid())  # the session's servers and browsers
    worker = threading.Thread(target=render)
    worker.start()
    deadline = time.monotonic() + 10
    while not (tmp_path / "a.pdf").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(processes_started_by(os.getpid())) == len(before) + 1, "the book renders in a process of its own"
    stopped = time.monotonic()
    stop.set()
    worker.join(timeout=10)
    assert not worker.is_alive() and time.monotonic() - stopped < 2, "the book in hand was not stopped"
    assert "abandoned" in outcome["error"]
    assert processes_started_by(os.getpid()) == before, "the book's process is still there"
    with pytest.raises(pdf_render.BookFailed, match="not rendered"):
        pdf_render.render_pdf_in_own_process("<p>x</p>", str(tmp_path / "b.pdf"), "id", [])
    assert not (tmp_path / "b.pdf").exists()
