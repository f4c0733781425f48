"""Interface strings exist in every language, hold no HTML, and dates read as each reader expects."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from publishing import strings
from publishing.data_files import DataError
from tests.conftest import ROOT, SITE_LANGUAGES

LOCALES = {"fa": {"babel_locale": "fa_AF", "solar_hijri_months": "_solar_hijri_months_af", "unit_length": "long"}}


def test_every_interface_string_exists_in_every_language():
    data = strings.load(SITE_LANGUAGES)  # raises DataError naming what is missing
    assert "quick_exit" in data


def test_templates_use_only_strings_that_exist():
    used = set()
    for template in list((ROOT / "overrides").rglob("*.html")) + list((ROOT / "print").rglob("*.html")):
        used |= set(re.findall(r"\bui\.([a-z0-9_]+)", template.read_text(encoding="utf-8")))
    known = set(strings.load(SITE_LANGUAGES))
    assert used and not (used - known), f"templates use unknown strings: {sorted(used - known)}"


def test_every_string_is_used_somewhere():
    """Translators keep every string in every language: dead ones cost them work."""
    sources = "".join(p.read_text(encoding="utf-8") for folder in ("overrides", "print", "publishing", "hooks")
                      for p in (ROOT / folder).rglob("*") if p.suffix in (".html", ".py", ".js"))
    # keys made in templates: ui["language_name_" ~ code], ui["translation_state_" ~ state]
    dynamic = tuple(re.findall(r'ui\["([a-z_]+)" ~', sources))
    unused = [key for key in strings.load(SITE_LANGUAGES)
              if not key.startswith("_") and key not in sources and not key.startswith(dynamic)]
    assert not unused, unused


def test_a_missing_translation_names_the_key_and_line(tmp_path):
    path = tmp_path / "strings.yml"
    path.write_text("quick_exit:\n  en: Exit this page\n  fr: Quitter cette page\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"no 'fa' text for 1 string\(s\): add a 'fa:' line under each of: quick_exit \(line 1\)"):
        strings.load(SITE_LANGUAGES, path)


@pytest.mark.parametrize("text", ["<script>x</script>", "\\x3Cimg src=x onerror=alert(1)\\x3E"])
def test_html_in_a_string_is_refused_with_its_line(tmp_path, text):
    path = tmp_path / "strings.yml"
    fa = "بررسی" + text
    path.write_text(f'quick_exit:\n  en: Exit\n  fr: Quitter\n  fa: "{fa}"\n', encoding="utf-8")
    with pytest.raises(DataError, match=r"strings.yml:4: '<' or '>'"):
        strings.load(SITE_LANGUAGES, path)


@pytest.mark.parametrize("date,lang,expected", [
    (dt.date(2026, 11, 27), "fa", "۶ قوس ۱۴۰۵ (۲۷ نومبر ۲۰۲۶)"),
    # the Taliban took Kabul on 24 Asad 1400
    (dt.date(2021, 8, 15), "fa", "۲۴ اسد ۱۴۰۰ (۱۵ اگست ۲۰۲۱)"),
    (dt.date(2022, 3, 21), "fa", "۱ حمل ۱۴۰۱ (۲۱ مارچ ۲۰۲۲)"),
    (dt.date(2026, 11, 27), "fr", "27 novembre 2026"),
    (dt.date(2021, 8, 15), "en", "August 15, 2021"),
])
def test_dates_in_the_readers_calendar(date, lang, expected):
    assert strings.format_date(date, SITE_LANGUAGES[lang], SITE_LANGUAGES, LOCALES) == expected


@pytest.mark.parametrize("size,lang,expected", [
    (1_258_291, "en", "1.2 MB"), (1_258_291, "fr", "1,2\u202fMo"), (1_258_291, "fa", "۱٫۲ مگابایت"), (46_080, "fa", "۴۵ کیلوبایت"),
    (330_854, "fa", "۳۲۳ کیلوبایت"), (330_854, "en", "323 kB"),
])
def test_sizes_in_the_readers_units_and_digits(size, lang, expected):
    assert strings.human_size(size, SITE_LANGUAGES[lang], LOCALES) == expected


def test_afghan_month_names_are_complete():
    months = strings.table(SITE_LANGUAGES, "_solar_hijri_months_af")
    assert months[0] == "حمل" and len(months) == 12
