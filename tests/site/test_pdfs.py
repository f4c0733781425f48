"""The PDF editions: for every publication in every language, a print book and a phone book,
real tagged PDFs, described truthfully on the site."""

from __future__ import annotations

import collections
import hashlib
import json
import math
import re
import subprocess

import pytest
import yaml
from bs4 import BeautifulSoup
from pypdf import PdfReader

from publishing import strings
from tests.conftest import LANGUAGES, ROOT, SITE_LANGUAGES

CONFIG = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
PUBLICATIONS = CONFIG["extra"]["pdf"]["publications"]
EDITIONS = ("print", "phone")
BOOKS = [(p, l, e) for p in PUBLICATIONS for l in LANGUAGES for e in EDITIONS]
PHONE_BOOKS = [(p, l) for p in PUBLICATIONS for l in LANGUAGES]
MM = 72 / 25.4
# (width, height) in points: A4 for print (the default page_size), about 90 × 160 mm for phones
PAGE_SIZE = {"print": (595, 842), "phone": (round(90 * MM), round(160 * MM))}
PHONE_LIMIT = 1024 * 1024  # "small enough to send on a bad connection"


def chapters_of(publication: str) -> list[str]:
    for item in CONFIG["nav"]:
        for children in item.values():
            if isinstance(children, list) and children and str(children[0]).startswith(publication + "/"):
                return children
    raise AssertionError(f"{publication} not in nav")


def pdf_path(site, publication, language, edition="print"):
    suffix = "" if edition == "print" else f".{edition}"
    return site / "downloads" / f"{publication}.{language}{suffix}.pdf"


def test_every_publication_has_a_print_and_a_phone_pdf_in_every_language(built_site):
    found = sorted(p.name for p in (built_site / "downloads").glob("*.pdf"))
    assert found == sorted(pdf_path(built_site, *book).name for book in BOOKS)


@pytest.mark.parametrize("publication,language,edition", BOOKS)
def test_pdf_is_a_tagged_book_with_metadata_outline_and_its_page_size(built_site, publication, language, edition):
    reader = PdfReader(pdf_path(built_site, publication, language, edition))
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == language
    assert "/StructTreeRoot" in catalog, "not tagged (PDF/UA needs a structure tree)"
    assert catalog["/MarkInfo"]["/Marked"]
    info = reader.metadata
    assert info.title and info.author and info.subject
    # one top-level bookmark per chapter, in reading order
    assert len([o for o in reader.outline if not isinstance(o, list)]) == len(chapters_of(publication))
    for page in (reader.pages[0], reader.pages[-1]):
        box = page.mediabox
        assert (round(float(box.width)), round(float(box.height))) == PAGE_SIZE[edition]


@pytest.mark.parametrize("publication,language,edition", BOOKS)
def test_fonts_are_embedded_and_subset(built_site, publication, language, edition):
    out = subprocess.run(["pdffonts", str(pdf_path(built_site, publication, language, edition))],
                         capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in out.splitlines()[2:] if line.strip()]
    assert rows, "no fonts"
    for row in rows:
        emb, sub = row[-5], row[-4]
        assert (emb, sub) == ("yes", "yes"), f"font not embedded and subset: {row}"
        assert re.match(r"^[A-Z]{6}\+", row[0]), row
        # WeasyPrint writes a custom encoding only for a font that lacks a glyph the text
        # needs, and draws a "missing glyph" box there («C⌧608/22» once)
        assert "Custom" not in row, f"{row[0]} lacks a glyph the text uses: it is drawn as a box"


@pytest.mark.parametrize("publication", PUBLICATIONS)
@pytest.mark.parametrize("edition", EDITIONS)
def test_dari_pdfs_have_persian_page_numbers_and_the_afghan_calendar(built_site, publication, edition):
    reader = PdfReader(pdf_path(built_site, publication, "fa", edition))
    text = reader.pages[4].extract_text()
    assert re.search(r"[۰-۹]+ / [۰-۹]+", text), "page numbers are not in Persian digits"
    assert not re.search(r"\b[0-9]+ / [0-9]+\b", text), "a page number in Latin digits"
    assert re.search(r"[\u0600-\u06FF]", text)
    cover = reader.pages[0].extract_text()
    solar_months = ("حمل", "ثور", "جوزا", "سرطان", "اسد", "سنبله", "میزان", "عقرب", "قوس", "جدی", "دلو", "حوت")
    assert any(month in cover for month in solar_months), "the cover's date is not in the Afghan calendar"


def body_font_size(reader: PdfReader, pages) -> float:
    """The font size (pt) that most characters of these pages are set in."""
    sizes: collections.Counter = collections.Counter()
    for index in pages:
        def visit(text, cm, tm, font, size):
            if text.strip():
                scale = math.hypot(tm[0] * cm[0] + tm[1] * cm[2], tm[0] * cm[1] + tm[1] * cm[3])
                sizes[round(size * scale, 1)] += len(text.strip())
        reader.pages[index].extract_text(visitor_text=visit)
    return sizes.most_common(1)[0][0]


@pytest.mark.parametrize("publication,language", PHONE_BOOKS)
def test_phone_pdf_is_small_reads_without_zoom_and_links_notes_both_ways(built_site, publication, language):
    path = pdf_path(built_site, publication, language, "phone")
    assert path.stat().st_size <= PHONE_LIMIT, f"{path.name}: {path.stat().st_size / 1024:.0f} KB"
    reader = PdfReader(path)
    # body text of a page 90 mm wide: 10–11 pt reads without zoom on a phone held upright
    # (every fifth page after the front matter; the notes are smaller, and fewer)
    assert 10 <= body_font_size(reader, range(4, len(reader.pages), 5)) <= 11.5
    # notes at the end of each chapter: each note and each call is the target of a link
    destinations = set(reader.named_destinations)
    notes = {name for name in destinations if re.match(r"c\d+-fn:", name)}
    calls = {name for name in destinations if re.match(r"c\d+-fnref\d*:", name)}
    targets = set()
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if annotation.get("/Subtype") == "/Link" and annotation.get("/Dest") is not None:
                targets.add(str(annotation["/Dest"]))
    if publication != "safe-exit-guide" or notes:
        assert notes and calls, "no notes in a publication that has footnotes"
    assert not notes - targets, f"notes no call links to: {sorted(notes - targets)[:5]}"
    assert not calls - targets, f"calls no note links back to: {sorted(calls - targets)[:5]}"
    # a linked contents page: its links go to every chapter
    chapters = {f"c{n}" for n in range(1, len(chapters_of(publication)) + 1)}
    assert chapters <= targets, f"chapters the contents page does not link to: {sorted(chapters - targets)}"


def test_no_running_header_on_phone_pages(built_site):
    reader = PdfReader(pdf_path(built_site, "afghanistan-report", "en", "phone"))
    title = reader.metadata.title
    tops = [page.extract_text().strip().splitlines()[0] for page in reader.pages[10:20]]
    assert sum(title in top for top in tops) <= 1, "the title repeats at the top of the pages"


def pdf_text(path, first: int, last: int) -> str:
    return subprocess.run(["pdftotext", "-f", str(first), "-l", str(last), str(path), "-"],
                          capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("edition", EDITIONS)
def test_colophon_states_licence_and_release(built_site, language, edition):
    info = json.loads((built_site / "build-info.json").read_text(encoding="utf-8"))
    number = SITE_LANGUAGES[language].localise_digits(str(info["release"]["number"]))
    text = pdf_text(pdf_path(built_site, "safe-exit-guide", language, edition), 2, 4)
    assert "CC BY 4.0" in text.replace("\u00a0", " ").replace("\u202f", " ")
    assert re.search(rf"(?<![0-9۰-۹]){number}(?![0-9۰-۹])", text), f"release {number} not in the colophon"
    fingerprint = info["release"]["fingerprint"]
    if fingerprint:  # the session's build has a (throwaway) release key
        assert fingerprint in text, "the key's fingerprint is not in the colophon"


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_language_names_its_own_publisher_on_its_books_and_in_the_build_info(built_site, language):
    """A language's publisher is the one mkdocs.yml gives it, on every PDF cover and colophon and in
    build-info.json, whatever language was built after it (static-i18n reuses one config: the
    English books once named the French publisher)."""
    from mkdocs.config import load_config

    from publishing import languages

    expected = languages.settings_of(load_config(str(ROOT / "mkdocs.yml")), language)["extra"]["publisher"]
    info = json.loads((built_site / "build-info.json").read_text(encoding="utf-8"))
    assert info["publisher"][language] == expected
    for edition in EDITIONS:
        reader = PdfReader(pdf_path(built_site, "safe-exit-guide", language, edition))
        text = "".join(reader.pages[number].extract_text() for number in range(4))
        assert expected in text, f"{edition}: the colophon does not name {expected!r}"


def _download_boxes(html_path):
    soup = BeautifulSoup(html_path.read_text(encoding="utf-8"), "html.parser")
    return soup.select(".gp-download")


@pytest.mark.parametrize("language", LANGUAGES)
def test_landing_pages_offer_both_editions_with_true_facts(built_site, language):
    facts = {(f["publication"], f["language"], f["edition"]): f for f in
             json.loads((built_site / "downloads" / "pdfs.json").read_text(encoding="utf-8"))}
    ui = strings.for_language(SITE_LANGUAGES, language)
    prefix = built_site if language == "en" else built_site / language
    for publication in PUBLICATIONS:
        page = prefix / publication / "index.html"
        boxes = _download_boxes(page)
        assert len(boxes) == 1, f"{page}: expected one download box"
        box = boxes[0]
        text = box.get_text(" ", strip=True)
        assert ui["pdf_for_phones"] in text and ui["pdf_for_printing"] in text
        links = box.select("a[href$='.pdf']")
        assert {(page.parent / a["href"]).resolve() for a in links} == {
            pdf_path(built_site, publication, language, edition).resolve() for edition in EDITIONS}
        shown = [code.get_text(strip=True) for code in box.select(".gp-download__sha code")]
        for edition in EDITIONS:
            target = pdf_path(built_site, publication, language, edition)
            data = target.read_bytes()
            fact = facts[(publication, language, edition)]
            assert hashlib.sha256(data).hexdigest() in shown, f"{target.name}: SHA-256 not shown"
            assert fact["size"] == len(data) and fact["sha256"] == hashlib.sha256(data).hexdigest()
            assert fact["pages"] == len(PdfReader(target).pages)
        label = ui["pdf_pages"]
        pages_shown = sorted(
            int(dd.get_text(strip=True).translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789")))
            for dt in box.select("dt") if dt.get_text(strip=True) == label for dd in [dt.find_next_sibling("dd")])
        assert pages_shown == sorted(facts[(publication, language, e)]["pages"] for e in EDITIONS)


@pytest.mark.parametrize("language", LANGUAGES)
def test_downloads_page_lists_every_pdf(built_site, language):
    page = (built_site if language == "en" else built_site / language) / "downloads.html"
    links = {a["href"].rsplit("/", 1)[-1] for box in _download_boxes(page) for a in box.select("a[href$='.pdf']")}
    assert links == {pdf_path(built_site, *book).name for book in BOOKS}


PAGE_NUMBER = re.compile(r"^[\d۰-۹]+ / [\d۰-۹]+$")


@pytest.mark.parametrize("publication,language,edition", BOOKS)
def test_no_page_carries_a_single_line(built_site, publication, language, edition):
    """A heading, or the sentence that leads into a list, alone at the top of a page (issue 18);
    the running header and the page number do not count as lines."""
    out = subprocess.run(["pdftotext", "-layout", str(pdf_path(built_site, publication, language, edition)), "-"],
                         capture_output=True, text=True, check=True).stdout
    pages = [[line.strip().strip("\u202a\u202b\u202c") for line in page.splitlines() if line.strip()]
             for page in out.split("\f")[:-1]]
    headers = collections.Counter(page[0] for page in pages if page)
    lonely = []
    for number, lines in enumerate(pages, start=1):
        body = [line for i, line in enumerate(lines)
                if not PAGE_NUMBER.match(line.strip("\u202a\u202b\u202c ")) and not (i == 0 and headers[line] > 2)]
        if number > 2 and len(body) < 2:
            lonely.append(f"page {number}: {body}")
    assert not lonely, "pages with a single line:\n" + "\n".join(lonely)
