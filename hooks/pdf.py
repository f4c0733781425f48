"""PDFs: which page offers which PDF, and when each language's books start rendering.

* Data for the templates: a publication's landing page (``<publication>/index.md``) gets a
  download box and its edition date (the newest entry of its corrections log:
  publishing/corrections.py); the downloads page lists every publication. Templates place a
  marker (``partials/pdf-slot.html``) that publishing/pdf.py replaces with the box once the PDFs
  exist.
* The PDFs themselves are pipeline step 8 (publishing/pipeline.py). This hook only starts each
  language's books as soon as that language is built, before static-i18n builds the next one,
  and stops them if the build fails.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from mkdocs.plugins import event_priority

from publishing import corrections, languages, pipeline


def on_page_context(context, page, config, nav):
    wanted = (config.extra.get("pdf") or {}).get("publications") or []
    parts = PurePosixPath(languages.source_path(page)).parts
    if len(parts) == 2 and parts[1] == "index.md" and parts[0] in wanted:
        context["pdf_publication"] = parts[0]
        site_languages = languages.of(config)
        codes = tuple([site_languages.original.code] + [lang.code for lang in site_languages.translations])
        edition = corrections.edition_date(parts[0], codes, [])
        if edition is not None:
            context["publication_edition"] = edition.isoformat()
    context["pdf_publications"] = wanted
    return context


@event_priority(-50)  # this language's pages are written; static-i18n (-100) builds the next one after
def on_post_build(config):
    pipeline.start_pdfs(config)


def on_build_error(error):
    pipeline.abandon_pdfs()
