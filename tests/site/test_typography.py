"""Typography as readers meet it, counted over the whole built site and every PDF: French
spacing everywhere a reader looks (not only the article), and no number, reference or date split
across two lines of a PDF."""

from __future__ import annotations

import json
import re
import subprocess

import pytest
from selectolax.lexbor import LexborHTMLParser

from tests.conftest import LANGUAGES

# A plain space (U+0020) where French needs a no-break one: before ; : ! ? », after «, and
# between the groups of a number.
FRENCH_FAULT = re.compile(r"\S{0,12} [;:!?»]|« \S{0,12}|\d \d{3}(?!\d)")
NOT_PROSE = {"code", "pre", "kbd", "samp", "script", "style", "svg", "math"}
TEXT_ATTRIBUTES = ("title", "aria-label", "alt", "placeholder")


def french_texts(html: str):
    """Every text a reader of a French page sees or hears, in French."""
    tree = LexborHTMLParser(html)
    for node in tree.root.traverse(include_text=True):
        ancestors = []
        parent = node.parent if node.tag == "-text" else node
        while parent is not None and parent.tag not in ("html", None):
            ancestors.append(parent)
            parent = parent.parent
        language = next((a.attributes.get("lang") for a in ancestors if a.attributes.get("lang")), "fr")
        if language != "fr" or any(a.tag in NOT_PROSE for a in ancestors):
            continue
        if node.tag == "-text":
            yield node.text_content
        else:
            for name in TEXT_ATTRIBUTES:
                if node.attributes.get(name):
                    yield node.attributes[name]
            if node.tag == "meta" and node.attributes.get("content"):
                yield node.attributes["content"]


def test_no_plain_space_before_french_high_punctuation_anywhere_on_the_french_pages(built_site):
    faults = []
    for path in sorted((built_site / "fr").rglob("*.html")):
        html = path.read_text(encoding="utf-8")
        title = re.search(r"<title>(.*?)</title>", html, re.S)
        texts = [title.group(1)] if title else []
        texts += list(french_texts(html))
        for text in texts:
            faults += [f"{path.relative_to(built_site)}: …{m.group(0)}…" for m in FRENCH_FAULT.finditer(text)]
    # the titles and snippets of the search results
    index = json.loads((built_site / "fr" / "search" / "search_index.json").read_text(encoding="utf-8"))
    for entry in index["docs"]:
        for text in [entry["title"], *french_texts(entry["text"])]:
            faults += [f"search result {entry['location']}: …{m.group(0)}…" for m in FRENCH_FAULT.finditer(text)]
    assert not faults, f"{len(faults)} plain spaces in French text:\n" + "\n".join(faults[:15])


def pdf_lines(path) -> list[str]:
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return [line.strip() for line in out.splitlines()]


MONTHS = {
    "en": "January|February|March|April|May|June|July|August|September|October|November|December",
    "fr": "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre",
}
# abbreviations only: "Rule" then a number on the next line is also a stacked table's label
# followed by a footnote number, which pdftotext cannot tell apart
REFERENCE = {"en": r"(?:p|pp|para|art|No|vol)\.|§", "fr": r"(?:p|pp|art|vol|chap)\.|n[°º]|§"}


@pytest.mark.parametrize("language", [code for code in LANGUAGES if code in MONTHS])
def test_no_pdf_line_starts_with_a_mark_or_splits_a_number_reference_or_date(built_site, language):
    """pdftotext gives lines in reading order for Latin scripts; Dari is checked in the HTML."""
    months, reference = MONTHS[language], REFERENCE[language]
    faults = []
    for path in sorted((built_site / "downloads").glob(f"*.{language}*.pdf")):
        lines = pdf_lines(path)
        for line, following in zip(lines, lines[1:] + [""]):
            split = (re.match(r"[;:!?»]", following) if language == "fr" else None) \
                or (re.search(r"«$", line) if language == "fr" else None) \
                or (re.search(r"\b\d{1,3}$", line) and re.match(r"\d{3}(?![\d /])", following)) \
                or (re.search(rf"(?:^|\s)(?:{reference})$", line) and re.match(r"\d", following)) \
                or (re.search(r"(?:^|\s)\d{1,2}(?:er)?$", line) and re.match(rf"(?:{months})\b", following)) \
                or (re.search(rf"\b(?:{months})$", line) and re.match(r"\d{4}\b", following))
            if split:
                faults.append(f"{path.name}: {line[-25:]!r} | {following[:15]!r}")
    assert not faults, f"{len(faults)} splits across lines:\n" + "\n".join(faults[:15])


def test_dari_dates_and_article_numbers_are_kept_together_on_the_built_pages(built_site):
    kept_dates = loose = 0
    for path in sorted((built_site / "fa").rglob("*.html")):
        text = LexborHTMLParser(path.read_text(encoding="utf-8")).body.text(deep=True)
        kept_dates += len(re.findall(r"[۰-۹]{1,2}\u00a0(?:دسمبر|قوس|اکتوبر|اگست)", text))
        loose += len(re.findall(r"[۰-۹]{1,2} (?:جنوری|فبروری|مارچ|اپریل|جون|جولای|اگست|سپتمبر|اکتوبر|نومبر|دسمبر)"
                                r"(?![\w\u200c])", text))
    assert kept_dates > 0 and loose == 0, f"{loose} Dari dates that can break between day and month"


def test_no_plain_space_in_the_french_books_cover_colophon_and_contents_included(built_site):
    """The text layer of a PDF cannot show it (pdftotext turns a narrow no-break space into a
    plain one), so each French book is counted in the HTML WeasyPrint is given: the built
    chapters with the cover, colophon and contents around them, in both editions."""
    from mkdocs.config import load_config

    from publishing import pdf
    from tests.conftest import ROOT

    config = load_config(str(ROOT / "mkdocs.yml"))
    settings = pdf.settings_of(config)
    environment = pdf.book_environment()
    books = [book for book in pdf.books_of(config, built_site, settings) if book.language == "fr"]
    assert len(books) == len(pdf.publications(config)) * len(settings["editions"])
    faults = []
    for book in books:
        html = pdf.assemble(book, config, environment, settings)
        faults += [f"{book.key}: …{m.group(0)}…" for text in french_texts(html) for m in FRENCH_FAULT.finditer(text)]
    assert not faults, f"{len(faults)} plain spaces in the French books:\n" + "\n".join(faults[:15])


def test_a_comma_stands_only_between_calls_side_by_side(built_site):
    """«1,3» for two calls in a row, and no comma before the second call of a paragraph
    («relative.,5» in 288 places of the Latin-script PDFs before it was fixed)."""
    marked = 0
    for path in sorted(built_site.rglob("*.html")):
        html = path.read_text(encoding="utf-8")
        marked += html.count('class="gp-call-next"')
        assert not re.search(r'[^>\u2060]\u2060?<sup class="gp-call-next"', html), f"{path}: a lone call marked"
    assert marked > 0
    for path in sorted((built_site / "downloads").glob("*.pdf")):
        if ".fa." in path.name:
            continue
        stray = re.findall(r"\w[.;:»)]\s?,\d{1,3}\b", subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout)
        assert not stray, f"{path.name}: a comma before a lone footnote call: {stray[:5]}"
