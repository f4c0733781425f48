"""Publications for the templates: which page offers which PDF, and each one's edition date.

One job: data (the PDFs themselves are pipeline step 8). A publication's landing page
(``<publication>/index.md``) gets a download box and its edition date (the newest entry of its
corrections log: publishing/corrections.py); the downloads page lists every publication.
Templates place a marker (``partials/pdf-slot.html``) that publishing/pdf.py replaces with the
box once the PDFs exist.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from publishing import corrections, languages


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
