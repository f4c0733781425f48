"""Language, direction, interface strings and dates of every page.

One job: make each page speak its reader's language correctly.

* ``data/strings.yml`` holds every custom interface string (quick exit, banners, download labels,
  notices) in English, French and Dari. The build stops if a string lacks a language. Templates
  read the strings of the language being built as ``ui``.
* Material puts ``dir`` on ``<body>`` only; we also put it on ``<html>`` so that the viewport
  (scrollbar side, first paint) and assistive technologies see the direction from the root.
* ``format_date`` renders a date for the reader: Solar Hijri with Afghan month names and Persian
  digits (Gregorian beside it) in Dari, French formats in French (Babel for names and patterns,
  jdatetime for the calendar conversion).
"""

from __future__ import annotations

import datetime as _dt
import re
from functools import lru_cache
from pathlib import Path

import jdatetime
import yaml
from babel.dates import format_date as babel_format_date
from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parent.parent
STRINGS_FILE = ROOT / "data" / "strings.yml"
LANGUAGES = ("en", "fa", "fr")
RTL_LANGUAGES = {"fa"}

PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


# --------------------------------------------------------------------------- strings


def load_strings() -> dict[str, dict[str, str]]:
    """All interface strings, keyed by id then language; raises on a missing translation.
    Cached until the file changes (a live preview picks up edited strings)."""
    return _load_strings(STRINGS_FILE, STRINGS_FILE.stat().st_mtime_ns)


@lru_cache(maxsize=4)
def _load_strings(path: Path, mtime: int) -> dict[str, dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    problems = []
    for key, translations in data.items():
        if key.startswith("_"):  # data tables such as month names, checked by their users
            continue
        if not isinstance(translations, dict):
            problems.append(f"{key}: expected a mapping of languages, got {type(translations).__name__}")
            continue
        for language in LANGUAGES:
            text = translations.get(language)
            if not isinstance(text, str) or not text.strip():
                problems.append(f"{key}: no '{language}' text")
    if problems:
        raise PluginError(
            f"{path.relative_to(ROOT)}: interface strings missing a language:\n  "
            + "\n  ".join(problems)
            + "\nAdd the missing translation (every string needs en, fa and fr)."
        )
    return data


def strings_for(language: str) -> dict[str, str]:
    """Interface strings of one language, as a flat mapping id -> text."""
    return {
        key: value[language]
        for key, value in load_strings().items()
        if not key.startswith("_")
    }


def direction_of(language: str) -> str:
    return "rtl" if language in RTL_LANGUAGES else "ltr"


# --------------------------------------------------------------------------- dates


def _as_date(value) -> _dt.date:
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    return _dt.date.fromisoformat(str(value))


def persian_digits(text: str) -> str:
    return str(text).translate(PERSIAN_DIGITS)


def format_date(value, language: str) -> str:
    """A date as a reader of ``language`` expects it (see the module docstring)."""
    date = _as_date(value)
    if language == "fa":
        months = load_strings()["_solar_hijri_months_af"]
        solar = jdatetime.date.fromgregorian(date=date)
        gregorian = babel_format_date(date, format="long", locale="fa_AF")
        return persian_digits(f"{solar.day} {months[solar.month - 1]} {solar.year} ({gregorian})")
    return babel_format_date(date, format="long", locale=language)


# --------------------------------------------------------------------------- MkDocs events


def current_language(config) -> str:
    """The language being built (static-i18n builds each language in turn)."""
    i18n = config.plugins.get("i18n")
    if i18n is not None and getattr(i18n, "current_language", None):
        return i18n.current_language
    return config.theme.get("language", "en")


def on_config(config):
    load_strings()  # stop at once if a string lacks a language


def on_env(env, config, files):
    env.filters["localdate"] = format_date
    env.filters["persian_digits"] = persian_digits
    return env


def language_root(config, language: str) -> str:
    """Path of a language's home folder from the site root: "" for the default, "fa/" …"""
    i18n = config.plugins.get("i18n")
    default = i18n.default_language if i18n is not None else "en"
    return "" if language == default else f"{language}/"


def _template_globals(context, config):
    language = current_language(config)
    context["ui"] = strings_for(language)
    context["site_language"] = language
    context["site_direction"] = direction_of(language)
    # prefix for links to pages of the reader's language: ('fa/' ~ 'about.html') | url
    context["lang_root"] = language_root(config, language)
    return context


def on_page_context(context, page, config, nav):
    return _template_globals(context, config)


def on_template_context(context, template_name, config):
    return _template_globals(context, config)


_HTML_TAG = re.compile(r"<html lang=\"([^\"]+)\"(?![^>]*\bdir=)")


def on_post_page(output, page, config):
    language = current_language(config)
    return _HTML_TAG.sub(
        lambda m: f'<html lang="{m.group(1)}" dir="{direction_of(language)}"', output, count=1
    )


def on_post_template(output, template_name, config):
    if not template_name.endswith(".html"):
        return output
    return on_post_page(output, None, config)
