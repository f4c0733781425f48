"""The languages of the site: one source of truth, the i18n plugin's configuration.

``plugins.i18n.languages`` in mkdocs.yml lists the languages (code, name, default, build).
Everything else asks this module: which languages exist, which one is being built, the
direction and digits of each (from Babel's locale data, so a new right-to-left language needs no
code), where its pages live, and whether a page is an English fallback (a page not yet
translated, built from the default language's file). No other module lists language codes.

mkdocs-static-i18n builds the default language, then calls MkDocs' build again for every other
language from its own ``on_post_build`` ("inner builds"). :func:`is_inner_build` is the one
place that knows how to tell them apart.
"""

from __future__ import annotations

from copy import deepcopy
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from babel import Locale

PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
ARABIC_INDIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
_DIGIT_TABLES = {"arabext": PERSIAN_DIGITS, "arab": ARABIC_INDIC_DIGITS}


@dataclass(frozen=True)
class Language:
    code: str
    name: str  # as the language calls itself (the switcher shows it)
    original: bool = False  # the language of the originals, which the others translate
    root: str = ""  # folder of its pages from the site root in this build: "" or "fa/"

    @property
    def locale(self) -> Locale:
        return _babel_locale(self.code)

    @property
    def direction(self) -> str:
        """"rtl" or "ltr", from the Unicode CLDR data Babel ships."""
        return "rtl" if self.locale.character_order == "right-to-left" else "ltr"

    @property
    def digits(self) -> str:
        """The ten digits this language writes in running text (Persian digits in Dari)."""
        return _DIGIT_TABLES.get(self.locale.default_numbering_system, "0123456789")

    def localise_digits(self, text) -> str:
        return str(text).translate(str.maketrans("0123456789", self.digits))


@lru_cache(maxsize=None)
def _babel_locale(code: str) -> Locale:
    return Locale.parse(code.replace("-", "_"))


@dataclass(frozen=True)
class Languages:
    all: tuple[Language, ...]  # every configured language, in the order of mkdocs.yml

    @property
    def original(self) -> Language:
        return next(language for language in self.all if language.original)

    @property
    def codes(self) -> list[str]:
        return [language.code for language in self.all]

    @property
    def translations(self) -> list[Language]:
        """Every language but the original."""
        return [language for language in self.all if not language.original]

    def __getitem__(self, code: str) -> Language:
        for language in self.all:
            if language.code == code:
                return language
        raise KeyError(f"no language {code!r} in plugins.i18n.languages of mkdocs.yml")

    def __iter__(self):
        return iter(self.all)

    def ordered_for(self, reader: str) -> list[Language]:
        """The reader's language first, then the others in configuration order."""
        return [self[reader]] + [language for language in self.all if language.code != reader]


def _configured_original(config, plugin) -> str | None:
    """The default language as written in mkdocs.yml. (static-i18n's validated config says the
    one language of a BUILD_ONLY_LOCALE preview is the default, which is true of that build only.)"""
    if not getattr(plugin.config, "build_only_locale", None):
        return None
    path = Path(config.config_file_path)
    return _default_in_file(path, path.stat().st_mtime_ns)


@lru_cache(maxsize=4)
def _default_in_file(path: Path, mtime: int) -> str | None:
    import yaml

    # every value a string, tags such as !!python/name left unread; libyaml's loader where PyYAML
    # has it (1.6 ms for mkdocs.yml instead of 11 ms, in every build and preview)
    raw = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CBaseLoader", yaml.BaseLoader)) or {}
    for entry in raw.get("plugins") or []:
        if isinstance(entry, dict) and isinstance(entry.get("i18n"), dict):
            for language in entry["i18n"].get("languages") or []:
                if isinstance(language, dict) and str(language.get("default")).lower() == "true":
                    return str(language.get("locale"))
    return None


def from_plugin(config, plugin) -> Languages:
    original = _configured_original(config, plugin) or plugin.default_language
    built_default = plugin.default_language
    found = tuple(
        Language(str(item.locale), str(item.name), str(item.locale) == original,
                 "" if str(item.locale) == built_default else f"{item.locale}/")
        for item in plugin.config.languages if str(item.locale) != "null")
    if not any(language.original for language in found):
        raise ValueError("plugins.i18n.languages in mkdocs.yml names no default language")
    return Languages(found)


# --------------------------------------------------------------------------- during a build


def _plugin(config):
    return config.plugins.get("i18n")


def of(config) -> Languages:
    """The languages of the site being built (worked out once per build)."""
    plugin = _plugin(config)
    if plugin is None:  # a site without the i18n plugin: the theme's language only
        return Languages((Language(config.theme.get("language", "en"), "", True, ""),))
    key = (id(plugin.config), plugin.default_language, tuple(plugin.build_languages))
    known = getattr(plugin, "_gp_languages", None)
    if known is None or known[0] != key:
        known = (key, from_plugin(config, plugin))
        plugin._gp_languages = known
    return known[1]


def built(config) -> list[Language]:
    """The languages this build writes (all, or the one of a BUILD_ONLY_LOCALE preview)."""
    plugin = _plugin(config)
    languages = of(config)
    return [languages[code] for code in plugin.build_languages] if plugin is not None else list(languages)


def current(config) -> Language:
    """The language being built now (static-i18n builds one language after the other)."""
    plugin = _plugin(config)
    languages = of(config)
    code = getattr(plugin, "current_language", None) if plugin is not None else None
    return languages[code] if code else built(config)[0]


def is_inner_build(config) -> bool:
    """True inside static-i18n's per-language builds, which it runs from its own post_build.

    Work done once per site (resetting state in on_config, writing files in on_post_build) is
    skipped there. static-i18n 1.3 keeps this in its ``building`` attribute; the upgrade test
    (tests/unit/test_upgrade_tripwires.py) fails if that changes."""
    plugin = _plugin(config)
    return bool(plugin is not None and getattr(plugin, "building", False))


def page_language(page, config) -> Language:
    """The language the page's text is written in (its file's folder, not the build's)."""
    languages = of(config)
    locale = getattr(page.file, "locale", None)
    if locale in languages.codes:
        return languages[locale]
    first = Path(page.file.src_uri).parts[0]
    return languages[first] if first in languages.codes else languages.original


def is_fallback(page, config) -> bool:
    """True when the page is shown in the original language because it is not translated yet."""
    return page_language(page, config).code != current(config).code


def source_path(page) -> str:
    """The page's path inside its language folder, e.g. "policy-primer/index.md"."""
    parts = Path(page.file.src_uri).parts
    return Path(*parts[1:]).as_posix() if len(parts) > 1 else parts[0]


def remember_base_settings(config) -> None:
    """Keep ``extra`` as the first language's build starts (hooks/languages.py, on_config of the
    outer build), before static-i18n applies any other language's overrides to it.

    static-i18n keeps the original ``extra`` in ``original_configs``, but hands that very object
    back when it resets the config for the next language, and then updates it in place with that
    language's overrides: once French was built, the original said «Publication indépendante»,
    and so did the English PDFs and build-info.json."""
    plugin = _plugin(config)
    if plugin is not None and not is_inner_build(config):
        plugin._gp_base_extra = deepcopy(dict(config.extra or {}))


def settings_of(config, code: str) -> dict:
    """A language's own site_name, site_description, copyright and extra (publisher …): its
    overrides in plugins.i18n.languages, else the values of mkdocs.yml. Valid at any moment of a
    build: static-i18n changes the config language by language; the originals are kept apart
    (site_name and the like by static-i18n, ``extra`` by :func:`remember_base_settings`)."""
    plugin = _plugin(config)
    originals = dict(getattr(plugin, "original_configs", None) or {}) if plugin is not None else {}
    base = {key: originals.get(key, config.get(key)) for key in ("site_name", "site_description", "copyright")}
    remembered = getattr(plugin, "_gp_base_extra", None) if plugin is not None else None
    extra = dict(remembered if remembered is not None else (originals.get("extra") or config.extra or {}))
    for item in (plugin.config.languages if plugin is not None else []):
        if str(item.locale) == code:
            for key in base:
                if getattr(item, key, None):
                    base[key] = getattr(item, key)
            extra.update(item.extra or {})
    return {**base, "extra": extra}


# --------------------------------------------------------------------------- outside a build


@lru_cache(maxsize=4)
def from_mkdocs_yml(path: str | Path | None = None) -> Languages:
    """The languages configured in mkdocs.yml, for commands and tests (no build needed)."""
    from mkdocs.config import load_config

    path = Path(path) if path else Path(__file__).resolve().parent.parent / "mkdocs.yml"
    config = load_config(str(path))
    return of(config)
