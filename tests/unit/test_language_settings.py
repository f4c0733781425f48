"""Each language keeps its own settings (publisher, site name) while static-i18n builds the
languages one after the other on one config object."""

from __future__ import annotations

import pytest
from mkdocs.config import load_config

from publishing import languages
from tests.conftest import ROOT


@pytest.fixture
def config(monkeypatch):
    for name in ("SITE_PUBLISHER", "SITE_PUBLISHER_FA", "SITE_PUBLISHER_FR"):
        monkeypatch.delenv(name, raising=False)  # the neutral defaults of mkdocs.yml
    return load_config(str(ROOT / "mkdocs.yml"))


def publishers(config) -> dict[str, str]:
    return {code: languages.settings_of(config, code)["extra"]["publisher"] for code in languages.of(config).codes}


def test_every_language_keeps_its_publisher_after_the_others_are_built(config):
    """static-i18n resets the config for each language by handing back its saved original
    ``extra`` and updating that very object: after the French build, the English PDFs and
    build-info.json named the French publisher (stop 25)."""
    plugin = config.plugins["i18n"]
    site_languages = languages.of(config)
    plugin.current_language = site_languages.original.code
    plugin.apply_user_overrides(config)  # what static-i18n's on_config does for the first language
    languages.remember_base_settings(config)  # what hooks/languages.py's on_config does next
    expected = publishers(config)
    assert len(set(expected.values())) == len(expected), "mkdocs.yml gives each language its own publisher"
    for language in site_languages.translations:  # static-i18n's post_build, language by language
        plugin.current_language = language.code
        plugin.apply_user_overrides(config)
        assert publishers(config) == expected, f"after building {language.code}"
