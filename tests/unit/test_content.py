"""The publications themselves: long enough, sourced, no contact details, no placeholders."""

from __future__ import annotations

import re

import pytest
import yaml

from hooks.front_matter import problems_in
from tests.conftest import DOCS, LANGUAGES

PUBLICATIONS = {"policy-primer": 2500, "afghanistan-report": 6000,
                "documentation-manual": 5000, "safe-exit-guide": 3500}
ALL_PAGES = sorted(p for p in DOCS.rglob("*.md"))
PUBLICATION_PAGES = [p for p in ALL_PAGES if p.relative_to(DOCS).parts[1] in PUBLICATIONS]
FRONT_MATTER = re.compile(r"\A---\s*\n.*?\n---\s*\n", re.S)
TO_LATIN = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")


def body(path):
    return FRONT_MATTER.sub("", path.read_text(encoding="utf-8"))


def rel(path):
    return path.relative_to(DOCS).as_posix()


@pytest.mark.parametrize("publication,floor", PUBLICATIONS.items())
def test_english_publications_meet_their_word_floor(publication, floor):
    text = " ".join(body(p) for p in (DOCS / "en" / publication).glob("*.md"))
    prose = re.sub(r"^\[\^[^\]]+\]:.*$", "", text, flags=re.M)  # footnote definitions do not count
    words = len(re.findall(r"[A-Za-z][A-Za-z'’-]*", prose))
    assert words >= floor, f"{publication}: {words} words, floor {floor}"


@pytest.mark.parametrize("path", ALL_PAGES, ids=rel)
def test_every_footnote_reference_resolves(path):
    text = body(path)
    text = re.sub(r"```.*?```", "", text, flags=re.S)
    definitions = set(re.findall(r"^\[\^([^\]]+)\]:", text, re.M))
    references = set(re.findall(r"\[\^([^\]]+)\](?!:)", text))
    assert references <= definitions, f"undefined: {sorted(references - definitions)}"
    assert definitions <= references, f"never cited: {sorted(definitions - references)}"


@pytest.mark.parametrize("path", ALL_PAGES, ids=rel)
def test_every_page_has_the_required_front_matter(path):
    assert problems_in(path.read_text(encoding="utf-8")) == []


PHONE = re.compile(r"(?:\+|\b00)\d{1,3}[\s().-]*\d[\d\s().-]{5,}\d|\b0\d{2,3}[\s.-]\d{3}[\s.-]\d{3,4}\b")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[A-Za-z]{2,}")
PLACEHOLDER = re.compile(r"\b(TODO|TBD|FIXME|XXX|lorem ipsum|placeholder|citation needed)\b", re.I)


def test_no_phone_numbers_emails_or_placeholders_in_any_language():
    problems = []
    for path in ALL_PAGES:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            latin = line.translate(TO_LATIN)
            for label, pattern in (("phone number", PHONE), ("email", EMAIL), ("placeholder", PLACEHOLDER)):
                if pattern.search(latin):
                    problems.append(f"{rel(path)}:{number}: {label}: {pattern.search(latin).group(0)!r}")
    assert not problems, "\n".join(problems)


def test_the_checks_above_would_catch_contact_details():
    assert PHONE.search("+93 700 123 456") and PHONE.search("0093 799 111 222") and PHONE.search("070 123 4567")
    assert EMAIL.search("help@example.org")
    assert not PHONE.search("ISBN 978 92 4 159568 1, A/HRC/53/21, 2187 UNTS 3, 2005-2012")


@pytest.mark.parametrize("language", LANGUAGES)
def test_safe_exit_guide_says_when_it_was_reviewed_and_that_conditions_change(language):
    landing = body(DOCS / language / "safe-exit-guide" / "index.md")
    meta = yaml.safe_load(FRONT_MATTER.match((DOCS / language / "safe-exit-guide" / "index.md").read_text(encoding="utf-8")).group(0).strip("-\n"))
    assert meta["last_reviewed"]
    words = {"en": ("last reviewed", "change"), "fr": ("révis", "change"), "fa": ("بازبینی", "تغییر")}[language]
    assert all(w in landing.lower() for w in words), words


def test_every_publication_has_a_sources_page_with_citations():
    for language in LANGUAGES:
        for publication in PUBLICATIONS:
            text = body(DOCS / language / publication / "sources.md")
            assert len(re.findall(r"^\s*[-*] ", text, re.M)) >= 5, f"{language}/{publication}/sources.md"
