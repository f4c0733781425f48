"""Interface strings (data/strings.yml), dates and sizes as each reader writes them.

* ``data/strings.yml``: key -> {language: text} for every language of the site. Keys starting
  with ``_`` are data tables (month names). A string missing in a language, or text with HTML in
  it, stops the build with the file and line and what to add.
* Dates: Babel's long format of the language's locale; for a language configured with an Afghan
  Solar Hijri calendar (``extra.locales`` in mkdocs.yml: Dari) the Solar Hijri date with Afghan
  month names in the language's digits, the Gregorian date beside it (jdatetime converts).
* Sizes and numbers: Babel's units and the locale's own digits ("1,2 Mo", "۱٫۲ مگابایت").

``settings`` is ``extra.locales`` of mkdocs.yml: per language, ``babel_locale`` (default: the
language code), ``solar_hijri_months`` (a month table of strings.yml) and ``unit_length``.
"""

from __future__ import annotations

import datetime as _dt
from functools import lru_cache
from pathlib import Path

import jdatetime
from babel.dates import format_date as babel_format_date
from babel.numbers import format_decimal

from publishing.data_files import ROOT, DataError, display_path, load_yaml, markup_problems
from publishing.languages import Language, Languages

STRINGS_FILE = ROOT / "data" / "strings.yml"


def load(languages: Languages, path: Path = STRINGS_FILE) -> dict[str, dict[str, str]]:
    """All interface strings; raises DataError naming every missing or unsafe string.
    Cached until the file changes (a live preview picks up edited strings)."""
    return _load(path, path.stat().st_mtime_ns, tuple(languages.codes))


@lru_cache(maxsize=8)
def _load(path: Path, mtime: int, codes: tuple[str, ...]) -> dict:
    source = display_path(path)
    data, lines = load_yaml(path.read_text(encoding="utf-8"), source)
    data = data or {}
    problems, missing_by_language = [], {code: [] for code in codes}
    for key, translations in data.items():
        if key.startswith("_"):
            continue
        if not isinstance(translations, dict):
            problems.append(f"{source}:{lines.get((key,), 1)}: {key}: expected one line per language")
            continue
        for code in codes:
            text = translations.get(code)
            if not isinstance(text, str) or not text.strip():
                missing_by_language[code].append(f"{key} (line {lines.get((key,), 1)})")
        problems += markup_problems(translations, (key,), lines, source)
    for code in codes:  # every language is named in every language (switcher, download boxes)
        if f"language_name_{code}" not in data:
            problems.append(f"{source}: no string 'language_name_{code}': add it, with the name of "
                            f"'{code}' in every language")
    for code, keys in missing_by_language.items():
        if keys:
            problems.append(f"{source}: no '{code}' text for {len(keys)} string(s): add a '{code}:' line "
                            f"under each of: {', '.join(keys)}")
    if problems:
        raise DataError(problems, "Every interface string needs a text in every language of "
                                  "plugins.i18n.languages (mkdocs.yml), in plain text.")
    return data


def for_language(languages: Languages, code: str) -> dict[str, str]:
    """The interface strings of one language, as a flat mapping key -> text."""
    return {key: value[code] for key, value in load(languages).items() if not key.startswith("_")}


def table(languages: Languages, name: str) -> list:
    return load(languages)[name]


# --------------------------------------------------------------------------- dates


def as_date(value) -> _dt.date:
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    return _dt.date.fromisoformat(str(value))


def format_date(value, language: Language, languages: Languages, settings: dict | None = None) -> str:
    """A date as a reader of ``language`` expects it (see the module docstring)."""
    date = as_date(value)
    own = (settings or {}).get(language.code) or {}
    babel_locale = own.get("babel_locale", language.code)
    gregorian = babel_format_date(date, format="long", locale=babel_locale)
    months_table = own.get("solar_hijri_months")
    if not months_table:
        return gregorian
    months = table(languages, months_table)
    solar = jdatetime.date.fromgregorian(date=date)
    return language.localise_digits(f"{solar.day} {months[solar.month - 1]} {solar.year} ({gregorian})")


# --------------------------------------------------------------------------- sizes


def human_size(size: int, language: Language, settings: dict | None = None) -> str:
    """A file size in the reader's units and digits: "1.2 MB", "1,2 Mo", "۱٫۲ مگابایت"."""
    from babel.units import format_unit

    own = (settings or {}).get(language.code) or {}
    # kilobytes whole, megabytes to one decimal: two boxes side by side read «387 KB» and
    # «323 KB», not «387 KB» and «323.1 KB»
    if size >= 1024 * 1024:
        value, unit, pattern = round(size / 1024 / 1024, 1), "digital-megabyte", "#,##0.#"
    else:
        value, unit, pattern = round(size / 1024), "digital-kilobyte", "#,##0"
    return language.localise_digits(format_unit(value, unit, length=own.get("unit_length", "short"),
                       locale=own.get("babel_locale", language.code), format=pattern,
                       numbering_system="default"))


def localised_number(value, language: Language, settings: dict | None = None) -> str:
    own = (settings or {}).get(language.code) or {}
    return language.localise_digits(format_decimal(value, locale=own.get("babel_locale", language.code),
                                                   numbering_system="default"))
