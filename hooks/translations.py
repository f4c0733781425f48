"""Translation status for readers: which English version a page translates, and whether a native
speaker reviewed it (publishing/translations.py computes it; this hook hands it to templates).

One job: tell readers the truth about every translation. Templates get ``translation_status``
(the page's own: partials/translation-notice.html shows it) and ``translation_report`` (every
page: the translation status page). A link from a translated page to a heading of a page that is
still shown in English (or the reverse) goes to the page itself: heading ids differ between
languages.

Also runs as the translators' command line (``make translations``): see
publishing/translations.py, or ``python -m hooks.translations --help``.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError

from publishing import languages
from publishing import translations as status
from publishing.data_files import DataError

_state: dict = {"report": None}


def on_config(config):
    if not languages.is_inner_build(config):
        site_languages = languages.of(config)
        try:
            status.load_glossary()
        except DataError as error:
            raise PluginError(str(error)) from None
        _state["report"] = status.build_report(Path(config.docs_dir),
                                               [language.code for language in site_languages.translations],
                                               site_languages.original.code)


_ANCHORED_LINK = re.compile(r"(\]\()([^)\s#]+\.md)#[^)\s]+(\))")


def unanchor_cross_language_links(markdown: str, docs: Path, language: str, page_path: str,
                                  page_is_translated: bool) -> str:
    """Heading ids differ between languages. Where a page and the page it links to are not in the
    same language (an English fallback page linking to a translated page, or a translation
    linking to a page still shown in English), a link to a heading would point at an id the
    target does not have: link to the target page itself instead."""
    folder = Path(page_path).parent

    def replace(match: re.Match) -> str:
        target_is_translated = (docs / language / folder / match.group(2)).resolve().exists()
        if target_is_translated == page_is_translated:
            return match.group(0)
        return match.group(1) + match.group(2) + match.group(3)

    return _ANCHORED_LINK.sub(replace, markdown)


def on_page_markdown(markdown, page, config, files):
    current = languages.current(config)
    if current.original:
        return markdown
    return unanchor_cross_language_links(markdown, Path(config.docs_dir), current.code, languages.source_path(page),
                                         page_is_translated=not languages.is_fallback(page, config))


def on_page_context(context, page, config, nav):
    report = _state["report"]
    site_languages = languages.of(config)
    context["translation_report"] = report
    context["translation_languages"] = [language.code for language in site_languages.translations]
    context["translation_states"] = status.STATES
    context["glossary"] = status.load_glossary()
    current = languages.current(config)
    if current.original or report is None:
        return context
    page_status = report.get(current.code, languages.source_path(page))
    if page_status is not None:
        context["translation_status"] = page_status
    return context


if __name__ == "__main__":
    sys.exit(status.main())
