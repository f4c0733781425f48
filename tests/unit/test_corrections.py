"""A publication's corrections log (data/corrections/<publication>.yml): a mistake in it stops the
build naming the file and the line of the entry, so that the person who wrote it can fix it."""

from __future__ import annotations

import datetime as _dt

import pytest

from publishing import corrections
from publishing.data_files import ROOT, DataError

CODES = ("en", "fa", "fr")


def write_log(folder, text: str) -> None:
    (folder / "policy-primer.yml").write_text(text, encoding="utf-8")


def test_a_valid_log_gives_its_entries_newest_first(tmp_path):
    write_log(tmp_path, "- date: 2026-11-02\n  chapter: index.md\n  en: Second.\n  fa: دوم.\n"
                        "- date: 2026-10-01\n  en: First.\n")
    entries = corrections.log("policy-primer", CODES, folder=tmp_path)
    assert [entry.date for entry in entries] == [_dt.date(2026, 11, 2), _dt.date(2026, 10, 1)]
    assert entries[0].chapter == "index.md" and entries[0].text == {"en": "Second.", "fa": "دوم."}
    assert entries[1].text == {"en": "First."}  # fa and fr readers get the English line, marked


@pytest.mark.parametrize("entry, line, message", [
    ("- date: 2026-13-40\n  en: A date that is no date.\n", 4, "'2026-13-40' is not a date that exists"),
    ("- date: 13 October 2026\n  en: A date written out.\n", 4, "date must be written YYYY-MM-DD"),
    ("- date: 2026-09-01\n  fa: فقط دری.\n", 4, "no 'en' text"),
    ("- date: 2026-09-01\n  chapter: no-such-chapter.md\n  en: Wrong file.\n", 4, "is not a file of policy-primer"),
    ("- date: 2026-09-01\n  en: Fine.\n  fr: Un <b>gras</b>.\n", 6, "'<' or '>' in 1.fr"),
])
def test_a_mistake_names_the_line_of_its_entry(tmp_path, entry, line, message):
    write_log(tmp_path, "- date: 2026-11-02\n  en: Fine.\n\n" + entry)
    with pytest.raises(DataError) as raised:
        corrections.log("policy-primer", CODES, folder=tmp_path)
    assert f"policy-primer.yml:{line}: " in str(raised.value)
    assert message in str(raised.value)


def test_entries_out_of_order_are_refused(tmp_path):
    write_log(tmp_path, "- date: 2026-10-01\n  en: Older.\n- date: 2026-11-02\n  en: Newer.\n")
    with pytest.raises(DataError, match="newest first"):
        corrections.log("policy-primer", CODES, folder=tmp_path)


def test_an_entry_not_yet_translated_shows_the_original_line_marked_as_the_original():
    """A Dari reader gets the English line, with its language and direction, so that it is read
    and laid out left to right inside the right-to-left page."""
    import jinja2

    from publishing import languages

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(ROOT / "overrides")), autoescape=True)
    env.filters["localdate"] = lambda value, code: str(value)
    site = languages.from_mkdocs_yml(ROOT / "mkdocs.yml")
    entries = [corrections.Correction(date=_dt.date(2026, 10, 1), chapter="",
                                      text={"en": "Fixed <b>a</b> date."})]
    html = env.get_template("partials/corrections.html").render(
        entries=entries, language="fa", chapter_titles={}, original=site.original, ui={"colon": ":"})
    assert '<span lang="en" dir="ltr">Fixed &lt;b&gt;a&lt;/b&gt; date.</span>' in html
