"""The page pipeline: every step that changes a page's HTML, in the order it runs.

This file is the table of contents of the build. hooks/pipeline.py is the only hook that
changes a page's HTML, and it only calls the three stages below; each step is a small module
with one job. A new step goes into one of the three lists, at the place its inputs exist:

CONTENT, per page (``on_page_markdown`` / ``on_page_content``): the article that Markdown made
from the writer's or translator's file, before the theme wraps it.
  1. markers     data rendered by a template where the Markdown has a marker
                 (``<!-- gp:corrections -->``: the corrections log).        publishing/corrections.py
  2. sanitise    THE TRUST BOUNDARY. Everything after works on the sanitiser's own
                 serialisation, never on the translator's string.           publishing/sanitise.py
  3. links       external links get rel="noopener noreferrer".               publishing/links.py
  4. checklists  checklist boxes get an accessible name.                     publishing/checklists.py
  5. tables      wide tables can stack on a phone: each cell knows its heading. publishing/tables.py
  The result is marked Markup just before the theme prints it (``on_page_context``, after
  Material's search has read it as text): the theme prints it as it is; autoescape is on for
  everything else.

PAGE, per page (``on_post_page``): the whole page the theme rendered.
  6. document    dir on <html>; Material's invalid markup mended; search reads the index of
                 the page's own language.                                   publishing/document.py
  7. typography  per language, on every text a reader sees (navigation, titles and footer too,
                 not only the article).                                     publishing/typography.py

SITE, once, after every language is built (``on_post_build``, after static-i18n's own):
  8. pdfs        the PDF books are made from the built pages; the download boxes that pages
                 left as placeholders are filled in, with step 7's typography. publishing/pdf.py
                 Each language's books start rendering on the other core as soon as that
                 language's pages are built (hooks/pdf.py, ``on_post_build`` before static-i18n
                 builds the next language: :func:`start_pdfs`); step 8 waits for them. They read
                 only the article of their own language's pages, which nothing changes before.
  9. csp         LAST. Every inline script and style must have been written by a template; their
                 hashes go into each page's CSP and the header files. Nothing may change a page
                 after this step, or its hashes would be wrong.             publishing/csp.py
 10. build info  site/build-info.json: what the release tool and mirrors need to know (not HTML).

Steps 8–10 run once per site, also in a live preview (``mkdocs serve``), where PDFs are skipped
and no CSP is written: the preview server injects an inline reload script of its own.

KEPT BETWEEN BUILDS: the content stage (2–5) and typography (7) are pure functions of the HTML they
are given, so their results are stored under the hash of that HTML and of the code and settings
(publishing/step_cache.py): a rebuild, a preview and a save in `mkdocs serve` run them only for
pages that changed. Typography keeps the frame of a page and the large parts its templates mark
(the sidebars, the article) apart: a one-language preview differs only in the small parts (the
<head>, the language switcher, the scripts at the end), which are typeset again. A step
added there may read only its HTML, the code, mkdocs.yml and data/; one that needs the page, the
date or another file belongs in step 6 (document), which always runs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from markupsafe import Markup
from mkdocs.exceptions import PluginError

from publishing import (checklists, corrections, csp, document, languages, links, sanitise, step_cache, strings,
                        tables, theme, typography)
from publishing.data_files import DataError, front_matter

CONTENT_STEPS = ("markers", "sanitise", "links", "checklists", "tables")
PAGE_STEPS = ("document", "typography")
SITE_STEPS = ("pdfs", "csp", "build info")


@dataclass
class State:
    """What the pipeline keeps during one `mkdocs build` or `serve` (all languages)."""

    token: str = field(default_factory=csp.new_token)
    serve: bool = False
    environment: tuple | None = None  # (config, Jinja environment) of the language being built
    pdfs: object | None = None  # publishing.pdf.PdfRun: the books rendering while the build goes on

    def reset(self) -> None:
        abandon_pdfs()  # a `mkdocs serve` rebuild that starts while the last one's books render
        self.token = csp.new_token()
        self.environment = None


state = State()


# --------------------------------------------------------------------------- content


def markers(markdown: str, page, config) -> str:
    """Step 1: the corrections log where a page has the marker."""
    if corrections.MARKER not in markdown:
        return markdown
    site_languages = languages.of(config)
    codes = tuple([site_languages.original.code] + [lang.code for lang in site_languages.translations])
    publication = Path(languages.source_path(page)).parts[0]
    language = languages.current(config).code
    chapter_titles = {}
    for path in (Path(config.docs_dir) / site_languages.original.code / publication).glob("*.md"):
        own = Path(config.docs_dir) / language / publication / path.name
        chapter_titles[path.name] = _front_matter_title(own if own.exists() else path)
    env = _theme_environment(config)
    try:
        entries = corrections.log(publication, codes)
    except DataError as error:
        raise PluginError(str(error)) from None
    html = env.get_template("partials/corrections.html").render(
        entries=entries, language=language, chapter_titles=chapter_titles,
        # the Language, not its direction: the template asks for it only when an entry falls back
        # to the original, and Babel's locale data (20 ms a language) is then read only if needed
        original=site_languages.original,
        ui=strings.for_language(site_languages, language))
    html = "\n".join(line for line in html.splitlines() if line.strip())
    return markdown.replace(corrections.MARKER, "\n\n" + html + "\n\n")


def _theme_environment(config):
    """The theme's environment (ours: autoescape, CSP marks), made once per build and language."""
    if state.environment is None or state.environment[0] is not config:
        state.environment = (config, theme.prepare(config.theme.get_env(), config, state.token))
    return state.environment[1]


def _front_matter_title(path: Path) -> str:
    return str(front_matter(path.read_text(encoding="utf-8")).get("title") or path.stem)


def content(html: str) -> str:
    """Steps 2–5 on the HTML Markdown made of a page (a pure function of it: kept between builds)."""
    return step_cache.text_step("content", html, (), lambda: _content(html))


def _content(html: str) -> str:
    html = sanitise.sanitise(html)
    html = links.mark_external(html)
    html = checklists.label(html)
    html = tables.label_cells(html)
    return html


def trusted(content: str) -> Markup:
    """The content of a page after the content stage, for the theme to print as HTML. Only
    for ``page.content`` once step 2 (sanitise) has run on it, and only when the theme is about
    to render it: a Markup string costs every plugin that reads it as text (Material's search
    parser took twice as long on Markup: each str method escapes its arguments)."""
    return content if isinstance(content, Markup) else Markup(content)


# --------------------------------------------------------------------------- page


def page(html: str, page_obj, config) -> str:
    """Steps 6–7 on the page the theme rendered."""
    current = languages.current(config)
    html = document.fix(html, current, page_obj, config)
    return typeset_page(html, current.code, current.digits, state.token)


# The per-build CSP token is the only part of a rendered page that differs between two builds of
# the same sources, so the cached typography of a page is found, and stored, with a stand-in for
# it. The stand-in holds NUL, which no page can contain (the sanitiser and the HTML parser replace
# it), so content can never turn into the token; typography leaves script and style as written.
TOKEN_STAND_IN = "\0gp-csp-token\0"


def typeset_page(html: str, language: str, digits: str, token: str) -> str:
    """Step 7, kept between builds: the page as a whole (one lookup when nothing changed) and,
    below it, the frame of the page and each large part its templates marked (the sidebars, the
    article), so that a page that differs from one built before only in another part (a
    preview's page, a page whose neighbour changed) finds them again."""
    if TOKEN_STAND_IN in html:
        return typography.apply_in_parts(html, language, digits)
    marked = html.replace(token, TOKEN_STAND_IN)

    def cached(text: str, parameters: tuple[str, ...], compute) -> str:
        return step_cache.text_step("typography", text, parameters, compute)

    result = cached(marked, (language, digits, "page"),
                    lambda: typography.apply_in_parts(marked, language, digits, cached))
    return result.replace(TOKEN_STAND_IN, token)


# --------------------------------------------------------------------------- site


def start_pdfs(config) -> None:
    """Step 8, early: the books of the language whose pages were just built go to the workers."""
    from publishing import pdf  # WeasyPrint is imported only when PDFs are made

    state.pdfs = pdf.start(config, state.pdfs, preview=state.serve)


def _take_pdfs():
    """This build's PDF run (or None), which the state no longer holds."""
    run, state.pdfs = state.pdfs, None
    return run


def abandon_pdfs() -> None:
    """The build failed (or starts again): no book goes on rendering for nothing."""
    run = _take_pdfs()
    if run is not None:
        run.abandon()


def site(config) -> None:
    """Steps 8–10, once all languages are built."""
    from publishing import pdf  # WeasyPrint is imported only when PDFs are made

    site_dir = Path(config.site_dir)
    pdf.build_and_offer(config, site_dir, preview=state.serve, run=_take_pdfs())
    if not state.serve:
        protect_all(config, site_dir)
    write_build_info(config, site_dir)
    step_cache.prune_after_build()


def html_pages(site_dir: Path) -> list[Path]:
    return sorted(site_dir.rglob("*.html"))


def protect_all(config, site_dir: Path) -> None:
    """Step 9: the CSP of every page and the header files; the last change to any page."""
    settings = config.extra.get("security") or {}
    directives = settings.get("csp") or {}
    all_scripts, all_styles = set(), set()
    for path in html_pages(site_dir):
        where = path.relative_to(site_dir).as_posix()
        html, scripts, styles = csp.protect(path.read_text(encoding="utf-8"), directives, state.token, where)
        path.write_text(html, encoding="utf-8")
        all_scripts |= scripts
        all_styles |= styles
    csp.write_header_files(site_dir, csp.header_lines(settings, all_scripts, all_styles))


def write_build_info(config, site_dir: Path) -> None:
    """Step 10: site/build-info.json, the trusted facts of this build for the release tool."""
    from publishing import release_facts

    info = release_facts.build_info(config, site_dir)
    (site_dir / "build-info.json").write_text(json.dumps(info, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                                              encoding="utf-8")
