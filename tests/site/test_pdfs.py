"""The PDF editions: twelve real books, described truthfully on the site."""

from __future__ import annotations

import hashlib
import json
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
BOOKS = [(p, l) for p in PUBLICATIONS for l in LANGUAGES]


def chapters_of(publication: str) -> list[str]:
    for item in CONFIG["nav"]:
        for children in item.values():
            if isinstance(children, list) and children and str(children[0]).startswith(publication + "/"):
                return children
    raise AssertionError(f"{publication} not in nav")


def pdf_path(site, publication, language):
    return site / "downloads" / f"{publication}.{language}.pdf"


def test_one_pdf_per_publication_and_language(built_site):
    found = sorted(p.name for p in (built_site / "downloads").glob("*.pdf"))
    assert found == sorted(f"{p}.{l}.pdf" for p, l in BOOKS)


@pytest.mark.parametrize("publication,language", BOOKS)
def test_pdf_is_a_tagged_book_with_metadata_and_outline(built_site, publication, language):
    reader = PdfReader(pdf_path(built_site, publication, language))
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == language
    assert "/StructTreeRoot" in catalog, "not tagged (PDF/UA needs a structure tree)"
    assert catalog["/MarkInfo"]["/Marked"]
    info = reader.metadata
    assert info.title and info.author and info.subject
    # one top-level bookmark per chapter, in reading order
    assert len([o for o in reader.outline if not isinstance(o, list)]) == len(chapters_of(publication))
    # A4 by default
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


@pytest.mark.parametrize("publication,language", BOOKS)
def test_fonts_are_embedded_and_subset(built_site, publication, language):
    out = subprocess.run(["pdffonts", str(pdf_path(built_site, publication, language))],
                         capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in out.splitlines()[2:] if line.strip()]
    assert rows, "no fonts"
    for row in rows:
        emb, sub = row[-5], row[-4]
        assert (emb, sub) == ("yes", "yes"), f"font not embedded and subset: {row}"
        assert re.match(r"^[A-Z]{6}\+", row[0]), row


def test_dari_pdf_has_persian_page_numbers_and_rtl_text(built_site):
    reader = PdfReader(pdf_path(built_site, "policy-primer", "fa"))
    text = reader.pages[4].extract_text()
    assert re.search(r"[۰-۹]+ / [۰-۹]+", text), "page numbers are not in Persian digits"
    assert re.search(r"[\u0600-\u06FF]", text)


def _download_boxes(html_path):
    soup = BeautifulSoup(html_path.read_text(encoding="utf-8"), "html.parser")
    return soup.select(".gp-download")


@pytest.mark.parametrize("language", LANGUAGES)
def test_landing_pages_offer_their_pdf_with_true_facts(built_site, language):
    facts = {(f["publication"], f["language"]): f for f in
             json.loads((built_site / "downloads" / "pdfs.json").read_text(encoding="utf-8"))}
    prefix = built_site if language == "en" else built_site / language
    for publication in PUBLICATIONS:
        page = prefix / publication / "index.html"
        boxes = _download_boxes(page)
        assert len(boxes) == 1, f"{page}: expected one download box"
        box = boxes[0]
        link = box.select_one("a[href$='.pdf']")
        target = (page.parent / link["href"]).resolve()
        assert target == pdf_path(built_site, publication, language).resolve()
        data = target.read_bytes()
        shown_sha = box.select_one(".gp-download__sha code").get_text(strip=True)
        assert shown_sha == hashlib.sha256(data).hexdigest()
        fact = facts[(publication, language)]
        assert fact["size"] == len(data)
        assert fact["pages"] == len(PdfReader(target).pages)
        label = strings.for_language(SITE_LANGUAGES, language)["pdf_pages"]
        pages_shown = next(dt.find_next_sibling("dd") for dt in box.select("dt") if dt.get_text(strip=True) == label)
        assert int(pages_shown.get_text(strip=True).translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789"))) == fact["pages"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_downloads_page_lists_every_pdf(built_site, language):
    page = (built_site if language == "en" else built_site / language) / "downloads.html"
    links = {a["href"].rsplit("/", 1)[-1] for box in _download_boxes(page) for a in box.select("a[href$='.pdf']")}
    assert links == {f"{p}.{l}.pdf" for p, l in BOOKS}
