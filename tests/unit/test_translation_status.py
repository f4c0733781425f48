"""Translation status on a temporary copy of the docs: provenance, staleness, parity, glossary."""

from __future__ import annotations

import shutil

import pytest

from publishing import translations as tr
from tests.conftest import DOCS, ORIGINAL, TRANSLATIONS

PAGE = "safe-exit-guide/documents.md"


@pytest.fixture
def docs(tmp_path):
    copy = tmp_path / "docs"
    shutil.copytree(DOCS, copy)
    return copy


def test_current_translations_are_unreviewed_not_outdated(docs):
    report = tr.build_report(docs)
    for language in TRANSLATIONS:
        totals = report.totals(language)
        assert totals["outdated"] == 0 and totals["missing"] == 0, report.pages[language]


def test_english_change_makes_translations_outdated(docs):
    english = docs / "en" / PAGE
    english.write_text(english.read_text(encoding="utf-8") + "\nA new sentence.\n", encoding="utf-8")
    for language in TRANSLATIONS:
        status = tr.page_status(docs, language, PAGE)
        assert status.state == "outdated"
        assert status.english_now == tr.source_hash(english) != status.translated_from


def test_stamping_and_reviewing(docs):
    english = docs / "en" / PAGE
    english.write_text(english.read_text(encoding="utf-8") + "\nA new sentence.\n", encoding="utf-8")
    translated = docs / "fa" / PAGE
    tr.stamp(translated, docs)
    assert tr.page_status(docs, "fa", PAGE).state == "unreviewed"
    translated.write_text(translated.read_text(encoding="utf-8").replace("reviewed: false", "reviewed: true"),
                          encoding="utf-8")
    assert tr.page_status(docs, "fa", PAGE).state == "up-to-date"


def test_restamping_a_reviewed_page_makes_it_unreviewed(docs):
    """A reviewer checked the old text; after the English changed and the translator updated and
    stamped the page, nobody has reviewed the new text (readers and the PDF cover must say so)."""
    translated = docs / "fa" / PAGE
    tr.stamp(translated, docs)
    translated.write_text(translated.read_text(encoding="utf-8").replace("reviewed: false", "reviewed: true"),
                          encoding="utf-8")
    assert tr.page_status(docs, "fa", PAGE).state == "up-to-date"
    english = docs / "en" / PAGE
    english.write_text(english.read_text(encoding="utf-8") + "\nA new sentence.\n", encoding="utf-8")
    assert tr.page_status(docs, "fa", PAGE).state == "outdated"
    tr.stamp(translated, docs)
    status = tr.page_status(docs, "fa", PAGE)
    assert status.state == "unreviewed" and status.reviewed is False


def test_stamping_keeps_the_rest_of_the_front_matter(docs):
    translated = docs / "fa" / PAGE
    before = tr.front_matter(translated.read_text(encoding="utf-8"))
    body = translated.read_text(encoding="utf-8").split("\n---\n", 1)[1]
    tr.stamp(translated, docs)
    after = tr.front_matter(translated.read_text(encoding="utf-8"))
    assert {k: v for k, v in after.items() if k != "translation"} == \
        {k: v for k, v in before.items() if k != "translation"}
    assert translated.read_text(encoding="utf-8").split("\n---\n", 1)[1] == body


def test_a_deleted_translation_is_missing(docs):
    (docs / "fr" / PAGE).unlink()
    assert tr.page_status(docs, "fr", PAGE).state == "missing"


def test_parity_names_file_and_line_of_what_was_lost(docs):
    path = docs / "fr" / PAGE
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    heading = next(i for i, l in enumerate(lines) if l.startswith("## "))
    footnote = next(i for i, l in enumerate(lines) if "[^" in l and not l.startswith("[^"))
    lines[heading] = lines[heading][3:]  # a heading becomes a paragraph
    lines[footnote] = lines[footnote].replace("[^", "[", 1)  # a footnote call is lost
    path.write_text("".join(lines), encoding="utf-8")
    problems = tr.parity_problems(docs, "fr", PAGE)
    assert any(f"docs/fr/{PAGE}:" in p and "headings" in p for p in problems), problems
    assert any("footnotes" in p and f"docs/en/{PAGE}:" in p for p in problems), problems


def test_glossary_variant_and_arabic_letters_are_reported(docs):
    path = docs / "fa" / PAGE
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "\nاین گذرنامه در دادگاه است و يک كتاب.\n", encoding="utf-8")
    problems = tr.glossary_problems(docs, "fa", PAGE, settings={"fa": {"avoid_letters": "يكى"}})
    line = len((text + "\n").splitlines()) + 1
    assert any(f":{line}: «گذرنامه»" in p and "«پاسپورت»" in p for p in problems), problems
    assert any("«دادگاه»" in p for p in problems)
    assert any("«ي»" in p for p in problems) and any("«ك»" in p for p in problems)


def test_glossary_check_respects_word_boundaries(docs):
    path = docs / "fa" / PAGE
    path.write_text(path.read_text(encoding="utf-8") + "\nدادستان و پروتوکول استانبول.\n", encoding="utf-8")
    assert not [p for p in tr.glossary_problems(docs, "fa", PAGE) if "استان" in p]


def test_status_command_strict_mode(docs, capsys):
    assert tr.main(["status", "--docs", str(docs)]) == 0
    assert tr.main(["status", "--docs", str(docs), "--strict"]) == 1  # nothing is reviewed yet
    out = capsys.readouterr().out
    assert f"{TRANSLATIONS[0]} (" in out and "UNREVIEWED" in out


def test_no_translation_uses_letters_its_language_avoids():
    offenders = []
    for language in TRANSLATIONS:
        offenders += [p for page in tr.english_pages(DOCS, ORIGINAL) for p in tr.glossary_problems(DOCS, language, page)
                      if "is not used in this language" in p]
    assert not offenders, offenders


def test_the_statutes_own_french_wording_may_be_quoted(docs):
    path = docs / "fr" / PAGE
    path.write_text(path.read_text(encoding="utf-8") + "\nLe Statut dit « persécution pour des motifs sexistes ».\n",
                    encoding="utf-8")
    glossary = [{"en": "gender persecution", "fr": {"term": "persécution liée au genre", "allowed_in_quotations": True,
                                                    "avoid": ["persécution pour des motifs sexistes"]}}]
    assert not tr.glossary_problems(docs, "fr", PAGE, glossary, settings={})
    glossary[0]["fr"]["allowed_in_quotations"] = False
    assert tr.glossary_problems(docs, "fr", PAGE, glossary, settings={})


def test_diff_shows_the_english_paragraphs_changed_since_the_stamp(tmp_path):
    old = "---\ntitle: t\n---\n\nFirst paragraph.\n\nSecond paragraph.\n\nThird.\n"
    new = "---\ntitle: t\n---\n\nFirst paragraph.\n\nSecond paragraph, corrected.\n\nThird.\n\nA new fourth.\n"
    lines = tr.paragraph_diff(old, new)
    assert "- Second paragraph." in lines and "+ Second paragraph, corrected." in lines
    assert "+ A new fourth." in lines and not any("First" in line or "Third" in line for line in lines)


def test_diff_finds_the_stamped_version_in_the_history():
    """Every translated page is stamped against an English version that git knows."""
    page = DOCS / TRANSLATIONS[0] / PAGE
    english = DOCS / ORIGINAL / PAGE
    stamped = str(tr.front_matter(page.read_text(encoding="utf-8"))["translation"]["source"])
    assert tr.source_hash(english) == stamped  # current: nothing to show
    assert "up to date" in tr.diff(page)


def test_pages_due_for_review_are_listed(tmp_path):
    folder = tmp_path / "docs" / "en"
    folder.mkdir(parents=True)
    (folder / "a.md").write_text("---\ntitle: a\nreview_by: 2027-01-10\n---\n", encoding="utf-8")
    (folder / "b.md").write_text("---\ntitle: b\nreview_by: 2028-01-10\n---\n", encoding="utf-8")
    import datetime as dt

    due = tr.reviews_due(tmp_path / "docs", within_days=30, today=dt.date(2027, 1, 1))
    assert due == [("docs/en/a.md", dt.date(2027, 1, 10))]


def test_every_english_page_has_a_translated_counterpart():
    english = tr.english_pages(DOCS, ORIGINAL)
    for language in TRANSLATIONS:
        missing = [p for p in english if not (DOCS / language / p).exists()]
        assert not missing, f"{language}: {missing}"
