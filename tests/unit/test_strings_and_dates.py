"""Interface strings exist in every language; dates read as each reader expects."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml
from mkdocs.exceptions import PluginError

from hooks import language

LANGUAGES = ("en", "fa", "fr")


def test_every_interface_string_exists_in_every_language():
    data = yaml.safe_load(language.STRINGS_FILE.read_text(encoding="utf-8"))
    missing = [f"{key}: {lang}" for key, value in data.items() if not key.startswith("_")
               for lang in LANGUAGES if not (isinstance(value, dict) and str(value.get(lang, "")).strip())]
    assert not missing, "interface strings missing a language:\n" + "\n".join(missing)


def test_templates_use_only_strings_that_exist():
    import re
    from tests.conftest import ROOT

    used = set()
    for template in (ROOT / "overrides").rglob("*.html"):
        used |= set(re.findall(r"\bui\.([a-z0-9_]+)", template.read_text(encoding="utf-8")))
    known = set(yaml.safe_load(language.STRINGS_FILE.read_text(encoding="utf-8")))
    assert used and not (used - known), f"templates use unknown strings: {sorted(used - known)}"


def test_a_missing_translation_stops_the_build_naming_the_key(tmp_path, monkeypatch):
    strings = tmp_path / "strings.yml"
    strings.write_text("quick_exit:\n  en: Exit this page\n  fr: Quitter cette page\n", encoding="utf-8")
    monkeypatch.setattr(language, "STRINGS_FILE", strings)
    monkeypatch.setattr(language, "ROOT", tmp_path)
    with pytest.raises(PluginError, match=r"quick_exit: no 'fa' text"):
        language.load_strings()


@pytest.mark.parametrize("date,lang,expected", [
    (dt.date(2026, 11, 27), "fa", "۶ قوس ۱۴۰۵ (۲۷ نومبر ۲۰۲۶)"),
    # the Taliban took Kabul on 24 Asad 1400
    (dt.date(2021, 8, 15), "fa", "۲۴ اسد ۱۴۰۰ (۱۵ اگست ۲۰۲۱)"),
    (dt.date(2022, 3, 21), "fa", "۱ حمل ۱۴۰۱ (۲۱ مارچ ۲۰۲۲)"),
    (dt.date(2026, 11, 27), "fr", "27 novembre 2026"),
    (dt.date(2021, 8, 15), "en", "August 15, 2021"),
])
def test_dates_in_the_readers_calendar(date, lang, expected):
    assert language.format_date(date, lang) == expected


def test_afghan_month_names_are_complete():
    data = yaml.safe_load(language.STRINGS_FILE.read_text(encoding="utf-8"))
    assert data["_solar_hijri_months_af"][0] == "حمل" and len(data["_solar_hijri_months_af"]) == 12
