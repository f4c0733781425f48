"""PDF editions: a book of every publication in every language, made from the built pages.

As soon as a language is built (pipeline step 8, started early), each publication's chapters
are taken from the *built* HTML of that language (so the web and print editions cannot drift
apart), assembled into one book (``print/book.html``: cover, colophon, contents, chapters,
footnotes) and rendered by WeasyPrint with PDF/UA tagging into ``site/downloads/``, in each
edition of ``extra.pdf.editions`` (a printable one, and one made for phone screens). Then the
download boxes that pages left as ``<!-- gp:pdf-slot … -->`` markers are rendered
(``overrides/partials/pdf-download.html``) with the real size, pages, edition date and SHA-256.

* Incremental: a PDF is keyed by a hash of everything that goes into it (the chapters' built
  HTML, the book's facts, print/, WeasyPrint's version, the edition); an unchanged book is copied
  from ``.cache/pdf`` without being assembled or rendered again.
* Reproducible: dates come from publishing/build_date.py and the PDF identifier from the content
  hash, so equal sources give equal bytes.
* Parallel: one worker process per core; each book is rendered in a process forked from a worker
  for that book alone (publishing/pdf_render.py). While the other languages are still being
  built, one core is left to the build.
* Confined: the engine reads only print/ and the site (publishing/pdf_render.py).
* ``mkdocs serve`` skips PDFs unless ``PDF=on``; the boxes then say so.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup, escape
from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger

from publishing import build_date, corrections, languages, release_facts, step_cache, strings, theme, typography
from publishing.data_files import front_matter
from publishing import pdf_render
from publishing.pdf_render import PRINT_DIR

log = get_plugin_logger("pdf")

ROOT = PRINT_DIR.parent
# PDF_CACHE_DIR lets a second build render everything again (the reproducibility test does).
CACHE_DIR = Path(os.environ.get("PDF_CACHE_DIR") or ROOT / ".cache" / "pdf")
PDF_CACHE_BUDGET = 256 * 1024 * 1024
DOWNLOADS = "downloads"
SLOT = re.compile(r"<!-- gp:pdf-slot ([a-z0-9-]+) ([a-zA-Z_-]+) -->")
ARTICLE = re.compile(r'<article class="md-content__inner[^"]*">(.*?)</article>', re.S)
PAGE_SIZES = {"a4": ("A4", "297mm"), "letter": ("letter", "279.4mm")}


@dataclass
class Chapter:
    source: str  # path of the page in the language folder, e.g. "policy-primer/otp-policy.md"
    html_path: Path
    number: int
    article: str = ""

    @property
    def anchor(self) -> str:
        return f"c{self.number}"


@dataclass
class Book:
    publication: str
    language: str
    edition: str  # "print" or "phone": which of extra.pdf.editions
    chapters: list[Chapter]
    facts: dict = field(default_factory=dict)  # everything the template prints besides chapters

    @property
    def key(self) -> str:
        return f"{self.language}/{self.publication}/{self.edition}"

    @property
    def filename(self) -> str:
        suffix = "" if self.edition == "print" else f".{self.edition}"
        return f"{self.publication}.{self.language}{suffix}.pdf"


@dataclass
class PdfFacts:
    publication: str
    language: str
    edition: str
    title: str
    file: str  # path from the site root
    size: int
    pages: int
    sha256: str
    edition_date: str
    seconds: float
    cached: bool


# --------------------------------------------------------------------------- settings


def settings_of(config) -> dict:
    settings = dict(config.extra.get("pdf") or {})
    enabled = str(os.environ.get("PDF", settings.get("enabled", True))).lower()
    settings["enabled"] = enabled not in ("0", "false", "off", "no")
    size = str(settings.get("page_size", "a4")).lower()
    if size not in PAGE_SIZES:
        raise PluginError(f"mkdocs.yml: extra.pdf.page_size must be one of {sorted(PAGE_SIZES)}, not {size!r}")
    settings["page_size"], settings["page_height"] = PAGE_SIZES[size]
    settings["editions"] = settings.get("editions") or {"print": {"stylesheets": ["pdf.css"]}}
    only = [name.strip() for name in os.environ.get("PDF_EDITIONS", "").split(",") if name.strip()]
    if only:  # e.g. PDF_EDITIONS=print: a quicker build, or the benchmark's comparison
        unknown = [name for name in only if name not in settings["editions"]]
        if unknown:
            raise PluginError(f"PDF_EDITIONS: no edition {unknown[0]!r} in extra.pdf.editions of mkdocs.yml")
        settings["editions"] = {name: settings["editions"][name] for name in only}
    return settings


def publications(config) -> dict[str, list[str]]:
    """Publication id -> chapter sources in reading order, from the nav in mkdocs.yml."""
    wanted = (config.extra.get("pdf") or {}).get("publications") or []
    found: dict[str, list[str]] = {}
    for item in config.nav or []:
        for _title, children in (item.items() if isinstance(item, dict) else []):
            if not isinstance(children, list):
                continue
            paths = [c if isinstance(c, str) else next(iter(c.values())) for c in children]
            folder = PurePosixPath(paths[0]).parts[0] if paths else ""
            if folder in wanted:
                found[folder] = paths
    missing = [p for p in wanted if p not in found]
    if missing:
        raise PluginError(f"mkdocs.yml: extra.pdf.publications {missing} have no section in nav")
    return {p: found[p] for p in wanted}


def read_front_matter(path: Path) -> dict:
    return front_matter(path.read_text(encoding="utf-8")) if path.exists() else {}


# --------------------------------------------------------------------------- assembling a book

# What a book leaves out of each page's article: elements with one of these classes, and these
# elements. (Found with find_all and a test of the tag, not CSS selectors: soupsieve matched
# every selector against every element of every chapter, half the time of assembling a book.)
_DROP_CLASSES = frozenset({"headerlink", "gp-downloads", "gp-page-meta", "gp-translation-notice", "md-source-file",
                           "md-content__button", "gp-no-print", "footnote-backref"})
_DROP_ELEMENTS = frozenset({"script", "style"})


def _has_class(tag, name: str) -> bool:
    return name in (tag.get("class") or ())


def _contents_entry(heading) -> Markup:
    """A heading as its contents entry: its text, with its <bdi> isolates kept and nothing else.

    No space is added at <bdi> or <sup> boundaries, and the no-break spaces of the typography
    step are kept (str.split() would take them for spaces). The isolates stay because without
    them a Dari entry «مادهٔ 7(3)» reads «(3)7» (Dari review 13). Footnote calls are left out.
    Made from the heading's text nodes, escaped; the only markup is the <bdi> added back."""
    def ancestors(node):
        parent = node.parent
        while parent is not None and parent is not heading:
            yield parent
            parent = parent.parent

    from bs4 import NavigableString

    parts = []
    for node in heading.descendants:
        if type(node) is not NavigableString:  # not a tag, comment or CDATA
            continue
        around = list(ancestors(node))
        if not any(a.name == "sup" or "footnote" in (a.get("class") or []) for a in around):
            parts.append((any(a.name == "bdi" for a in around), str(node)))
    html, open_bdi = "", False
    for inside_bdi, text in parts:
        if inside_bdi != open_bdi:
            html += "<bdi>" if inside_bdi else "</bdi>"
            open_bdi = inside_bdi
        html += str(escape(text))
    if open_bdi:
        html += "</bdi>"
    return Markup(re.sub(r"[ \t\n\r\f]+", " ", html).strip())


def chapter_fragment(chapter: Chapter, by_file: dict[str, Chapter], site_url: str, page_url: str,
                     notes: str = "page", back_label: str = "", tables: str = "tables"):
    """The article of one built page, made unique inside the book; returns (html, toc entries).

    ``notes``: "page" moves each footnote to where it is called (the print edition floats it to
    the foot of the page); "chapter" keeps them together at the end of the chapter, each linked
    to its call and back (the phone edition, whose small pages have no room at their foot).
    ``tables``: "cards" turns each wide table (three columns or more, ``data-gp-stack``) into
    one card per row, each value under its column's heading (the phone edition)."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(chapter.article, "html.parser")
    if tables == "cards":
        _tables_as_cards(soup)
    drop_classes = _DROP_CLASSES if notes == "page" else _DROP_CLASSES - {"footnote-backref"}

    def dropped(tag) -> bool:
        return tag.name in _DROP_ELEMENTS or not drop_classes.isdisjoint(tag.get("class") or ())

    for element in soup.find_all(dropped):
        element.decompose()
    for element in soup.find_all(rel=True):
        del element["rel"]  # never rel="attachment": the PDF embeds nothing
    prefix = chapter.anchor + "-"
    for element in soup.find_all(id=True):
        element["id"] = prefix + element["id"]
    if notes == "page":
        _move_footnotes(soup, prefix)
    else:
        for back in soup.find_all("a", class_="footnote-backref"):
            back.string = back_label or "↑"
            del back["title"]
    _rewrite_links(soup, prefix, by_file, site_url, page_url)
    heading = soup.find("h1")
    if heading is not None:
        heading["id"] = chapter.anchor
    toc = [{"id": chapter.anchor, "title": _contents_entry(heading) if heading else Markup(""), "level": 1}]
    for h2 in soup.find_all("h2"):
        toc.append({"id": h2.get("id", ""), "title": _contents_entry(h2), "level": 2})
    return str(soup), toc


def _tables_as_cards(soup) -> None:
    """Each row of a wide table becomes a description list: the column heading (the cell's
    ``data-label``, publishing/tables.py) as the term, the cell as its description. On a page
    90 mm wide a table of three columns breaks words at every letter; a list of cards reads, and
    stays accessible (a table shown as blocks would lose its headers in the tagged PDF)."""
    for table in soup.find_all("table", attrs={"data-gp-stack": True}):
        cards = soup.new_tag("div", attrs={"class": "gp-cards"})
        for row in table.find_all("tr"):
            cells = row.find_all(["td", "th"], recursive=False)
            if not cells or row.find_parent("thead") is not None:
                continue
            card = soup.new_tag("dl", attrs={"class": "gp-card"})
            for cell in cells:
                term = soup.new_tag("dt")
                term.string = cell.get("data-label", "")
                description = soup.new_tag("dd")
                description.extend(list(cell.contents))
                card.append(term)
                card.append(description)
            cards.append(card)
        table.replace_with(cards)


def _move_footnotes(soup, prefix: str) -> None:
    """Each note's text moves to where it is called; WeasyPrint floats it to the foot of the
    page (`float: footnote` in print/pdf.css). A second call to a note prints its number."""
    notes = {}
    block = soup.find("div", class_="footnote")
    if block is not None:
        for item in block.find_all("li", id=True):
            notes[item["id"][len(prefix):]] = _note_nodes(item)
        block.decompose()
    for call in soup.find_all("sup", id=True):
        link = call.find("a", href=True)
        target = link["href"].lstrip("#") if link else ""
        # a call right after another keeps its mark: print/pdf.css puts a comma before it
        after_another = " gp-call-next" if "gp-call-next" in (call.get("class") or []) else ""
        if target in notes:
            note = soup.new_tag("span", attrs={"class": "footnote" + after_another})
            note.extend(notes.pop(target))
            call.replace_with(note)
        elif link is not None:
            repeat = soup.new_tag("sup", attrs={"class": "footnote-repeat" + after_another})
            repeat.string = link.get_text()
            call.replace_with(repeat)
    _keep_call_runs_together(soup)


def _note_nodes(item) -> list:
    """The text of a note (its <li>), taken out of it: its paragraphs' contents, each without the
    spaces at its ends, one space between them (a note in a line of text has no paragraphs)."""
    from bs4 import NavigableString

    paragraphs = item.find_all("p")
    if not paragraphs:
        return [node.extract() for node in list(item.contents)]
    nodes = []
    for paragraph in paragraphs:
        contents = list(paragraph.contents)
        for end, strip in ((0, str.lstrip), (-1, str.rstrip)):
            if contents and type(contents[end]) is NavigableString:
                text = strip(str(contents[end]))
                if text:
                    contents[end] = NavigableString(text)
                else:
                    del contents[end]
        if nodes:
            nodes.append(NavigableString(" "))
        nodes += contents
    return [node.extract() if node.parent is not None else node for node in nodes]


def _keep_call_runs_together(soup) -> None:
    """Calls in a row («۱۲،۱۳») become one unbreakable group: the typography step put a word
    joiner between them, but WeasyPrint breaks after a note floated to the foot of the page
    anyway, and the second number then starts a line (Dari review 14)."""
    from bs4 import NavigableString

    def is_call(node) -> bool:
        return getattr(node, "name", None) in ("span", "sup") and \
            any(c in ("footnote", "footnote-repeat") for c in node.get("class") or [])

    def joiner_then_call(node):
        """The call after ``node`` if only word joiners stand between them."""
        following = node.next_sibling
        if isinstance(following, NavigableString) and not following.strip("\u2060") \
                and is_call(following.next_sibling):
            return following, following.next_sibling
        return None

    def is_a_call(tag) -> bool:
        return (tag.name == "span" and _has_class(tag, "footnote")) or \
            (tag.name == "sup" and _has_class(tag, "footnote-repeat"))

    for call in soup.find_all(is_a_call):
        if call.parent is None or "gp-calls" in (call.parent.get("class") or []):
            continue
        run, node = [call], call
        while (pair := joiner_then_call(node)) is not None:
            run += pair
            node = pair[1]
        if len(run) > 1:
            group = soup.new_tag("span", attrs={"class": "gp-calls"})
            call.insert_before(group)
            for item in run:
                group.append(item.extract())


def _rewrite_links(soup, prefix: str, by_file: dict[str, Chapter], site_url: str, page_url: str) -> None:
    """Links to a chapter of this book become in-document anchors; to other pages of the site,
    the published address when site_url is set, otherwise plain text; external links stay."""
    here = PurePosixPath(page_url).parent
    for link in soup.find_all("a", href=True):
        href = link["href"]
        parts = urlsplit(href)
        if parts.scheme or href.startswith("//"):
            continue
        if href.startswith("#"):
            link["href"] = "#" + prefix + href[1:]
            continue
        target = _normalise(here / parts.path)
        if target in by_file:
            other = by_file[target]
            link["href"] = f"#{other.anchor}-{parts.fragment}" if parts.fragment else f"#{other.anchor}"
        elif site_url:
            link["href"] = site_url.rstrip("/") + "/" + target + (f"#{parts.fragment}" if parts.fragment else "")
        else:
            link.unwrap()


def _normalise(path: PurePosixPath) -> str:
    parts: list[str] = []
    for part in path.parts:
        if part == "..":
            if parts:
                parts.pop()
        elif part not in (".", ""):
            parts.append(part)
    return "/".join(parts)


def book_facts(config, language: languages.Language, publication: str, sources: list[str]) -> dict:
    """Everything the book template prints besides the chapters (also part of the cache key)."""
    site_languages = languages.of(config)
    docs = Path(config.docs_dir)
    original = site_languages.original.code
    landing = read_front_matter(docs / language.code / sources[0])
    english = read_front_matter(docs / original / sources[0])
    metas = [read_front_matter(docs / language.code / s) or read_front_matter(docs / original / s) for s in sources]
    codes = tuple([original] + [lang.code for lang in site_languages.translations])
    edition = corrections.edition_date(publication, codes, [m.get("last_reviewed") for m in metas]) \
        or build_date.day()
    locales = config.extra.get("locales") or {}
    own = languages.settings_of(config, language.code)
    release = release_facts.release(config)
    # Chapters reviewed on the same day, due on the same day, share one sentence in the colophon.
    reviews: list[dict] = []
    for meta in metas:
        if not (meta.get("review_by") and meta.get("last_reviewed")):
            continue
        last = strings.format_date(meta["last_reviewed"], language, site_languages, locales)
        due = strings.format_date(meta["review_by"], language, site_languages, locales)
        group = next((g for g in reviews if (g["last_reviewed"], g["review_by"]) == (last, due)), None)
        if group is None:
            reviews.append(group := {"last_reviewed": last, "review_by": due, "titles": []})
        group["titles"].append(str(meta.get("title", "")))
    return {
        "title": str(landing.get("title") or english.get("title") or publication),
        "subtitle": str(landing.get("description") or english.get("description") or ""),
        "edition_iso": edition.isoformat(),
        "edition_date": strings.format_date(edition, language, site_languages, locales),
        "release_date": strings.format_date(release["date"], language, site_languages, locales),
        "release_number": language.localise_digits(release["number"]) if release["number"] is not None else "",
        "public_key": release["public_key"],
        "fingerprint": release["fingerprint"],
        "reviews": reviews,
        "translation": landing.get("translation") or {},
        "is_translation": not language.original,
        "is_fallback": not (docs / language.code / sources[0]).exists(),
        "publisher": str(own["extra"].get("publisher") or ""),
        "site_name": own["site_name"] or "",
        "site_url": config.site_url or "",
        "language": language.code,
        "direction": language.direction,
        "created": build_date.moment().strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


# Source Serif 4 (print/fonts) has no U+2010 HYPHEN or U+2011 NON-BREAKING HYPHEN: WeasyPrint
# drew its "missing glyph" box («C⌧608/22»). The hyphen the font has, held to its neighbours by
# word joiners, which the font does not need (they are never drawn).
HYPHENS_THE_FONT_HAS = str.maketrans({"\u2011": "\u2060-\u2060", "\u2010": "-"})


def assemble(book: Book, config, environment: jinja2.Environment, settings: dict) -> str:
    language = languages.of(config)[book.language]
    by_file = {language.root + c.source[:-3] + ".html": c for c in book.chapters}
    fragments, toc = [], []
    edition = settings["editions"][book.edition]
    ui = strings.for_language(languages.of(config), book.language)
    for chapter in book.chapters:
        html, entries = chapter_fragment(chapter, by_file, config.site_url or "",
                                         language.root + chapter.source[:-3] + ".html",
                                         edition.get("notes", "page"), ui["pdf_note_back"],
                                         edition.get("tables", "tables"))
        fragments.append({"anchor": chapter.anchor, "html": html, "source": chapter.source})
        toc += entries
    site_languages = languages.of(config)
    html = environment.get_template("book.html").render(
        book=book.facts, chapters=fragments, toc=toc, edition=book.edition,
        stylesheets=edition.get("stylesheets") or ["pdf.css"],
        ui=strings.for_language(site_languages, book.language),
        language_name=strings.for_language(site_languages, book.language)[f"language_name_{book.language}"],
        page_size=edition.get("page_size") or settings["page_size"],
        page_height=edition.get("page_height") or settings["page_height"],
    )
    # The chapters already had it (pipeline step 7); the cover, colophon and contents get it here.
    html = typography.apply(html, language.code, language.digits).translate(HYPHENS_THE_FONT_HAS)
    if language.direction == "rtl":
        # the same no-break, in the form PDF text extraction reads back in order (typography._KEEP)
        html = html.replace(typography.NBSP, " " + typography.WORD_JOINER)
    return html


# --------------------------------------------------------------------------- rendering


def _inputs_digest(settings: dict) -> str:
    """Hash of everything besides the book itself that changes the PDF bytes."""
    from importlib.metadata import version  # not `import weasyprint`: 0.3 s when nothing is rendered

    digest = hashlib.sha256(f"weasyprint {version('weasyprint')}|{settings['page_size']}".encode())
    for path in sorted(PRINT_DIR.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(PRINT_DIR).as_posix().encode())
            digest.update(path.read_bytes())
    for code in (Path(__file__), Path(pdf_render.__file__)):  # assembly and rendering shape the book too
        digest.update(code.read_bytes())
    return digest.hexdigest()


def book_key(base: str, book: Book, settings: dict) -> str:
    digest = hashlib.sha256(base.encode())
    digest.update(json.dumps([book.edition, settings["editions"][book.edition], book.facts],
                             sort_keys=True, default=str).encode())
    for chapter in book.chapters:
        digest.update(chapter.source.encode())
        digest.update(chapter.article.encode())
    return digest.hexdigest()


def _check_weasyprint() -> None:
    try:
        import weasyprint  # noqa: F401
    except OSError as error:  # Pango or its friends are missing
        raise PluginError(
            f"WeasyPrint cannot start: {error}\n"
            "Install its system libraries: apt-get install libpango-1.0-0 libpangoft2-1.0-0 "
            "libharfbuzz-subset0 (or run `make site`, which does it).") from error


def book_environment() -> jinja2.Environment:
    """The templates of print/ (the book around the chapters), escaping what they print."""
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(PRINT_DIR)), autoescape=True,
                              undefined=jinja2.StrictUndefined)


class PdfRun:
    """The books of one build, rendered on every core while the build goes on.

    static-i18n builds the languages one after the other. Each language's books are assembled
    and handed to the worker processes as soon as that language's pages are built
    (:meth:`start`, from hooks/pdf.py), so that the first books render on the second core while
    the next language is built on the first; the site stage then waits for all of them
    (:meth:`collect`). A book reads only its own language's built pages, which no later build
    changes (the download boxes and the CSP come after :meth:`collect`).
    """

    def __init__(self, site_dir: Path, settings: dict):
        self.site_dir = site_dir
        self.settings = settings
        self.base = _inputs_digest(settings)
        self.environment = book_environment()
        self.books: dict[str, list[Book]] = {}  # language code -> its books, once started
        self.facts: dict[str, PdfFacts] = {}
        self.pending: dict = {}  # future -> (book, partial, cache_pdf, cache_meta)
        self.pool = None
        self.gate, self.held_back, self.stop = None, False, None
        (site_dir / DOWNLOADS).mkdir(parents=True, exist_ok=True)
        CACHE_DIR.mkdir(parents=True, exist_ok=True)

    def start(self, config, language: languages.Language) -> None:
        """Hand the books of ``language`` (its pages built) to the workers; cached ones are copied."""
        if language.code in self.books:
            return
        books = self.books[language.code] = books_of(config, self.site_dir, self.settings, [language])
        for book in books:
            key = book_key(self.base, book, self.settings)
            cache_pdf, cache_meta = CACHE_DIR / f"{key}.pdf", CACHE_DIR / f"{key}.json"
            if cache_pdf.exists() and cache_meta.exists():
                for used in (cache_pdf, cache_meta):
                    os.utime(used)  # its last use: pruning keeps the books still being built
                self._finish(book, True, 0.0, json.loads(cache_meta.read_text())["pages"], cache_pdf)
                continue
            html = assemble(book, config, self.environment, self.settings)
            # unique per process: two builds may share the cache at the same time
            partial = CACHE_DIR / f"{key}.{os.getpid()}.partial.pdf"
            future = self._workers().submit(pdf_render.render_pdf_in_own_process, html, str(partial), key[:32],
                                            [str(self.site_dir)])
            self.pending[future] = (book, partial, cache_pdf, cache_meta)

    def _workers(self):
        """The worker processes, started with the first book that is not in the cache."""
        if self.pool is None:
            _check_weasyprint()  # only when a book is rendered: importing WeasyPrint takes 0.3 s
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            cores = os.cpu_count() or 1
            # one core stays with the build of the other languages until collect() frees it
            self.gate = multiprocessing.Semaphore(max(1, cores - 1))
            self.held_back = cores > 1
            self.stop = multiprocessing.Event()
            self.pool = ProcessPoolExecutor(max_workers=cores, initializer=pdf_render.prepare_worker,
                                            initargs=(self.gate, self.stop))
        return self.pool

    def collect(self, config) -> list[PdfFacts]:
        """Every book of the built languages, rendered or from the cache, in the order of mkdocs.yml."""
        from concurrent.futures import as_completed

        built = languages.built(config)
        for language in built:
            self.start(config, language)  # a language whose build did not start it (a single-language run)
        self._free_the_last_core()  # the build has nothing left to do but wait: every core renders
        for future in as_completed(self.pending):
            book, partial, cache_pdf, cache_meta = self.pending[future]
            try:
                pages, seconds = future.result()
            except Exception as error:  # name the publication and language, then stop the build
                self.abandon()
                what = str(error) if isinstance(error, pdf_render.BookFailed) else f"{type(error).__name__}: {error}"
                raise PluginError(f"PDF of {book.key} failed to render: {what}") from error
            partial.replace(cache_pdf)
            cache_meta.write_text(json.dumps({"pages": pages}))
            self._finish(book, False, seconds, pages, cache_pdf)
        self.pending = {}
        self._close()
        # Every changed book leaves its old PDF behind (half a megabyte each): keep the most recently
        # used within the budget, which holds every edition of many builds.
        step_cache.prune(PDF_CACHE_BUDGET, CACHE_DIR)
        return [self.facts[book.key] for language in built for book in self.books[language.code]]

    def abandon(self) -> None:
        """The build failed: every book still rendering is stopped, and no partial file is left."""
        if self.stop is not None:
            self.stop.set()  # the workers kill the book in hand and skip the ones they had taken
            self._free_the_last_core()  # so that a worker waiting for a place sees it at once
        self._close(cancel=True)
        for _book, partial, _cache_pdf, _cache_meta in self.pending.values():
            partial.unlink(missing_ok=True)
        if self.pending:
            log.info(f"PDFs stopped because the build failed: {len(self.pending)} books dropped, "
                     "no file left half-written")
        self.pending = {}

    def _free_the_last_core(self) -> None:
        if self.held_back:
            self.gate.release()
            self.held_back = False

    def _close(self, cancel: bool = False) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=cancel)
            self.pool = None

    def _finish(self, book: Book, cached: bool, seconds: float, pages: int, cache_pdf: Path) -> None:
        target = self.site_dir / DOWNLOADS / book.filename
        shutil.copyfile(cache_pdf, target)
        data = target.read_bytes()
        self.facts[book.key] = PdfFacts(
            publication=book.publication, language=book.language, edition=book.edition,
            title=book.facts["title"], file=f"{DOWNLOADS}/{book.filename}", size=len(data), pages=pages,
            sha256=hashlib.sha256(data).hexdigest(), edition_date=book.facts["edition_iso"],
            seconds=round(seconds, 2), cached=cached)
        how = "cached" if cached else f"{seconds:.1f} s"
        log.info(f"PDF {len(self.facts)} {book.key} … {how}, {pages} pages, {len(data) / 1024:.0f} KB")


# --------------------------------------------------------------------------- download boxes


def fill_download_slots(site_dir: Path, config, facts: list[PdfFacts] | None) -> None:
    """Render a download box where each built page has a ``<!-- gp:pdf-slot pub lang -->``."""
    site_languages = languages.of(config)
    environment = theme.prepare(config.theme.get_env(), config, "")
    template = environment.get_template("partials/pdf-download.html")
    by_key: dict[tuple, dict] = {}
    for fact in facts or []:
        by_key.setdefault((fact.language, fact.publication), {})[fact.edition] = fact
    for page in site_dir.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        if "gp:pdf-slot" not in text:
            continue
        reader = (re.search(r'<html lang="([^"]+)"', text) or [None, site_languages.original.code])[1]
        ui = strings.for_language(site_languages, reader)

        def box(match: re.Match) -> str:
            publication, language = match.group(1), match.group(2)
            files = [
                {**asdict(fact),
                 "href": os.path.relpath(site_dir / fact.file, page.parent).replace(os.sep, "/"),
                 "pages_text": site_languages[reader].localise_digits(fact.pages)}
                for _edition, fact in sorted(by_key.get((language, publication), {}).items(),
                                             key=lambda item: item[0] != "phone")]
            box_html = template.render(files=files, ui=ui, reader=reader, language=language,
                                       language_name=ui[f"language_name_{language}"])
            # filled after the page step: the box gets that step's typography here (step 7)
            return typography.apply(box_html, reader, site_languages[reader].digits)

        page.write_text(SLOT.sub(box, text), encoding="utf-8")


# --------------------------------------------------------------------------- the step


def books_of(config, site_dir: Path, settings: dict, only: list | None = None) -> list[Book]:
    """Every book of the built languages (or of ``only``), each edition, made of the pages built in
    ``site_dir``."""
    books = []
    for language in only or languages.built(config):
        root = site_dir / language.root
        for publication, sources in publications(config).items():
            chapters = [Chapter(s, root / (s[:-3] + ".html"), n) for n, s in enumerate(sources, start=1)]
            missing = [str(c.html_path) for c in chapters if not c.html_path.exists()]
            if missing:
                raise PluginError(f"PDF of {language.code}/{publication}: built pages missing: {missing}")
            for chapter in chapters:
                match = ARTICLE.search(chapter.html_path.read_text(encoding="utf-8"))
                if match is None:
                    raise PluginError(f"{chapter.html_path}: no <article class='md-content__inner'> to print")
                chapter.article = match.group(1)
            facts = book_facts(config, language, publication, sources)
            for edition in settings["editions"]:
                books.append(Book(publication, language.code, edition, chapters, facts))
    return books


def pdfs_wanted(settings: dict, preview: bool) -> bool:
    """PDFs are made in a build, and in a preview (`mkdocs serve`) only with PDF=on."""
    return settings["enabled"] and (not preview or os.environ.get("PDF", "").lower() in ("on", "1", "true"))


def start(config, run: PdfRun | None, preview: bool) -> PdfRun | None:
    """Pipeline step 8, first half: the books of the language just built go to the workers.

    ``run`` is this build's, made by the outer build (the first language), which knows the site's
    folder; static-i18n's inner builds write into a language's subfolder."""
    if run is None:
        if languages.is_inner_build(config):
            return None
        settings = settings_of(config)
        if not pdfs_wanted(settings, preview):
            return None
        run = PdfRun(Path(config.site_dir), settings)
    run.start(config, languages.current(config))
    return run


def build_and_offer(config, site_dir: Path, preview: bool, run: PdfRun | None = None) -> None:
    """Pipeline step 8: every PDF rendered (or skipped in a preview), and the boxes filled."""
    settings = settings_of(config)
    if not pdfs_wanted(settings, preview):
        fill_download_slots(site_dir, config, None)
        log.info("PDFs skipped (preview); `make site` builds them")
        return
    facts = (run or PdfRun(site_dir, settings)).collect(config)
    # What mirrors and tests can read; without timings, so that the site stays reproducible.
    stable = [{k: v for k, v in asdict(f).items() if k not in ("seconds", "cached")} for f in facts]
    (site_dir / DOWNLOADS / "pdfs.json").write_text(json.dumps(stable, ensure_ascii=False, indent=1), encoding="utf-8")
    # Timings for `make bench`, outside the site.
    (CACHE_DIR / "last-build.json").write_text(json.dumps([asdict(f) for f in facts], indent=1))
    fill_download_slots(site_dir, config, facts)
