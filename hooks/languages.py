"""Languages, interface strings and dates of every page.

One job: make each page speak its reader's language. MkDocs calls this hook; the knowledge is in
publishing/languages.py (which languages exist, from the i18n plugin's configuration),
publishing/strings.py (data/strings.yml, dates, sizes) and publishing/theme.py (the theme's Jinja
environment: autoescape, filters).

* on_config: keeps ``extra`` as mkdocs.yml gives it, before static-i18n applies another
  language's overrides (publishing/languages.py: remember_base_settings); stops the build, naming
  what to add, if a language has no theme texts (Material's
  partials/languages/<code>.html) or an interface string lacks a language or carries HTML (file
  and line); gives the Markdown extensions the reader's language for the texts they
  write into pages (footnote "back to the text" and permalink tooltips).
* on_env: the theme environment with autoescape on, the CSP marks and our filters
  (``localdate``, ``digits``, ``size``).
* contexts: every template gets ``ui`` (the strings of the page's language), ``site_language``,
  ``site_direction``, ``lang_root``, ``languages`` and, for pages, ``page_is_fallback``.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.exceptions import PluginError

from publishing import languages, pipeline, strings, theme
from publishing.data_files import DataError


def on_config(config):
    languages.remember_base_settings(config)
    site_languages = languages.of(config)
    missing_theme = [language.code for language in site_languages
                     if not any((Path(folder) / "partials" / "languages" / f"{language.code}.html").exists()
                                for folder in config.theme.dirs)]
    if missing_theme:
        code = missing_theme[0]
        raise PluginError(
            f"Material for MkDocs has no interface texts for '{code}': add overrides/partials/languages/"
            f"{code}.html (copy Material's partials/languages/en.html, translate its texts, and set "
            f'"language": "{code}" and "direction": "{languages.Language(code, "").direction}")')
    try:
        ui = strings.for_language(site_languages, languages.current(config).code)
    except DataError as error:
        raise PluginError(str(error)) from None
    # Texts that Markdown extensions write into every page, in the reader's language.
    config.mdx_configs.setdefault("footnotes", {})["BACKLINK_TITLE"] = ui["footnote_backlink_title"]
    config.mdx_configs.setdefault("toc", {})["permalink_title"] = ui["permalink_title"]
    return config


def on_env(env, config, files):
    return theme.prepare(env, config, pipeline.state.token)


def _globals(context, config):
    site_languages = languages.of(config)
    current = languages.current(config)
    context["ui"] = strings.for_language(site_languages, current.code)
    context["languages"] = site_languages
    context["site_language"] = current.code
    context["site_direction"] = current.direction
    # prefix for links to pages of the reader's language: (lang_root ~ 'about.html') | url
    context["lang_root"] = current.root
    return context


def on_page_context(context, page, config, nav):
    context = _globals(context, config)
    context["page_is_fallback"] = languages.is_fallback(page, config)
    context["page_language"] = languages.page_language(page, config).code
    return context


def on_template_context(context, template_name, config):
    return _globals(context, config)
