"""PDF editions: one print-quality PDF per publication and language, offered on the site.

One job. After every language is built, each publication's chapters are taken from the *built*
HTML of that language (so the web and print editions cannot drift apart), assembled into one book
(``print/book.html``: cover, colophon, table of contents, chapters, footnotes at the foot of the
page) and rendered by WeasyPrint with PDF/UA tagging into ``site/downloads/``. Then the download
boxes that pages left as placeholders are filled in with the real file size, page count, edition
date and SHA-256 (``overrides/partials/pdf-download.html``).

* Incremental: a PDF is keyed by a hash of everything that goes into it (the assembled book, the
  print stylesheet, the fonts, WeasyPrint's version); an unchanged book is copied from
  ``.cache/pdf`` instead of being rendered again.
* Reproducible: document dates come from ``SOURCE_DATE_EPOCH`` (the Makefile sets it from the last
  commit) and the PDF identifier from the content hash, so equal sources give equal bytes.
* ``mkdocs serve`` skips PDFs (set ``PDF=on`` to preview them); the boxes then say so.
* Configuration: ``extra.pdf`` in mkdocs.yml (page size, enabled, publications).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

import jinja2
import yaml
from bs4 import BeautifulSoup
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority, get_plugin_logger

sys.path.insert(0, str(Path(__file__).resolve().parent))
from language import direction_of, format_date, language_root, persian_digits, strings_for  # noqa: E402
from pdf_render import render_pdf  # noqa: E402  (a plain module, so worker processes can import it)

log = get_plugin_logger("pdf")

ROOT = Path(__file__).resolve().parent.parent
PRINT_DIR = ROOT / "print"
# PDF_CACHE_DIR lets a second build render everything again (the reproducibility test does).
CACHE_DIR = Path(os.environ.get("PDF_CACHE_DIR") or ROOT / ".cache" / "pdf")
DOWNLOADS = "downloads"
PLACEHOLDER = re.compile(
    r'<div class="gp-pdf-slot" data-publication="([a-z0-9-]+)" data-language="([a-z]{2})"></div>'
)
PAGE_SIZES = {"a4": "A4", "letter": "letter"}

_state: dict = {"serve": False, "settings": {}}


# --------------------------------------------------------------------------- data


@dataclass
class Chapter:
    source: str  # path of the page in the language folder, e.g. "policy-primer/otp-policy.md"
    html_path: Path
    number: int

    @property
    def anchor(self) -> str:
        return f"c{self.number}"


@dataclass
class Book:
    publication: str
    language: str
    chapters: list[Chapter]
    title: str = ""
    subtitle: str = ""
    edition: str = ""  # ISO date: the newest `last_reviewed` of the publication's pages
    translation: dict = field(default_factory=dict)
    html: str = ""

    @property
    def key(self) -> str:
        return f"{self.language}/{self.publication}"

    @property
    def filename(self) -> str:
        return f"{self.publication}.{self.language}.pdf"


@dataclass
class PdfFacts:
    publication: str
    language: str
    title: str
    file: str  # path from the site root
    size: int
    pages: int
    sha256: str
    edition: str
    seconds: float
    cached: bool


# --------------------------------------------------------------------------- config


def pdf_settings(config) -> dict:
    settings = dict(config.extra.get("pdf") or {})
    enabled = str(os.environ.get("PDF", settings.get("enabled", True))).lower()
    settings["enabled"] = enabled not in ("0", "false", "off", "no")
    size = str(settings.get("page_size", "a4")).lower()
    if size not in PAGE_SIZES:
        raise PluginError(f"mkdocs.yml: extra.pdf.page_size must be one of {sorted(PAGE_SIZES)}, not {size!r}")
    settings["page_size"] = PAGE_SIZES[size]
    return settings


def publications(config) -> dict[str, list[str]]:
    """Publication id -> chapter sources in reading order, from the nav in mkdocs.yml."""
    wanted = (config.extra.get("pdf") or {}).get("publications") or []
    found: dict[str, list[str]] = {}
    for item in config.nav or []:
        for title, children in (item.items() if isinstance(item, dict) else []):
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


def source_date() -> _dt.datetime:
    """The date written into PDFs: SOURCE_DATE_EPOCH, else the last commit, else now."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        try:
            epoch = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=ROOT,
                                   capture_output=True, text=True, check=True).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            epoch = ""
    seconds = int(epoch) if epoch.isdigit() else int(time.time())
    return _dt.datetime.fromtimestamp(seconds, tz=_dt.timezone.utc)


# --------------------------------------------------------------------------- assembling a book


def read_front_matter(path: Path) -> dict:
    if not path.exists():
        return {}
    text = path.read_text(encoding="utf-8")
    match = re.match(r"^---\s*\n(.*?)\n---\s*\n", text, re.S)
    return (yaml.safe_load(match.group(1)) or {}) if match else {}


_DROP = (
    ".headerlink, .gp-pdf-slot, .gp-downloads, .gp-page-meta, .gp-translation-notice, .md-source-file, "
    ".md-content__button, .gp-no-print, script, style, .footnote-backref"
)


def _chapter_fragment(chapter: Chapter, by_file: dict[str, Chapter], site_url: str, page_url: str) -> tuple[str, list[dict]]:
    """The article of one built page, made unique inside the book; returns (html, toc entries)."""
    soup = BeautifulSoup(chapter.html_path.read_text(encoding="utf-8"), "html.parser")
    article = soup.select_one("article.md-content__inner")
    if article is None:
        raise PluginError(f"{chapter.html_path}: no <article class='md-content__inner'> to print")
    for element in article.select(_DROP):
        element.decompose()

    prefix = chapter.anchor + "-"
    for element in article.select("[id]"):
        element["id"] = prefix + element["id"]

    # Footnotes: the note's text moves to where it is called; WeasyPrint floats it to the foot of
    # the page (`float: footnote` in print/pdf.css).
    notes = {}
    block = article.select_one("div.footnote")
    if block is not None:
        for item in block.select("li[id]"):
            note_id = item["id"][len(prefix):]
            paragraphs = [p.decode_contents().strip() for p in item.find_all("p")] or [item.decode_contents()]
            notes[note_id] = " ".join(paragraphs)
        block.decompose()
    for call in article.select("sup[id]"):
        link = call.find("a", href=True)
        target = link["href"].lstrip("#") if link else ""
        if target in notes:
            note = soup.new_tag("span", attrs={"class": "footnote"})
            note.append(BeautifulSoup(notes.pop(target), "html.parser"))
            call.replace_with(note)
        elif link is not None:  # a second call to the same note: print its number only
            call.replace_with(BeautifulSoup(f'<sup class="footnote-repeat">{link.get_text()}</sup>', "html.parser"))

    # Links: to a chapter of this book -> in-document anchors; to other pages of the site -> the
    # published address when site_url is set, otherwise plain text; external links stay.
    here = PurePosixPath(page_url).parent
    for link in article.find_all("a", href=True):
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

    heading = article.find("h1")
    if heading is not None:
        heading["id"] = chapter.anchor
    toc = [{"id": chapter.anchor, "title": heading.get_text(" ", strip=True) if heading else "", "level": 1}]
    for h2 in article.find_all("h2"):
        toc.append({"id": h2.get("id", ""), "title": h2.get_text(" ", strip=True), "level": 2})
    return article.decode_contents(), toc


def _normalise(path: PurePosixPath) -> str:
    parts: list[str] = []
    for part in path.parts:
        if part == "..":
            if parts:
                parts.pop()
        elif part not in (".", ""):
            parts.append(part)
    return "/".join(parts)


def assemble(book: Book, config, environment: jinja2.Environment, settings: dict) -> None:
    root = language_root(config, book.language)
    by_file = {}
    for chapter in book.chapters:
        by_file[root + chapter.source[:-3] + ".html"] = chapter
    fragments, toc = [], []
    for chapter in book.chapters:
        page_url = root + chapter.source[:-3] + ".html"
        html, entries = _chapter_fragment(chapter, by_file, config.site_url or "", page_url)
        fragments.append({"anchor": chapter.anchor, "html": html, "source": chapter.source})
        toc += entries

    landing = read_front_matter(ROOT / "docs" / book.language / book.chapters[0].source)
    english = read_front_matter(ROOT / "docs" / "en" / book.chapters[0].source)
    reviewed = [
        str(read_front_matter(ROOT / "docs" / book.language / c.source).get("last_reviewed")
            or read_front_matter(ROOT / "docs" / "en" / c.source).get("last_reviewed") or "")
        for c in book.chapters
    ]
    book.title = landing.get("title") or english.get("title") or book.publication
    book.subtitle = landing.get("description") or english.get("description") or ""
    book.edition = max(r for r in reviewed if r) if any(reviewed) else source_date().date().isoformat()
    book.translation = landing.get("translation") or {}
    stamp = source_date().strftime("%Y-%m-%dT%H:%M:%SZ")
    ui = strings_for(book.language)
    book.html = environment.get_template("book.html").render(
        book=book,
        chapters=fragments,
        toc=toc,
        ui=ui,
        language=book.language,
        direction=direction_of(book.language),
        language_name=ui[f"language_name_{book.language}"],
        publisher=_state["settings"].get(book.language, {}).get("publisher", config.extra.get("publisher", "")),
        site_name=_state["settings"].get(book.language, {}).get("site_name", config.site_name),
        site_url=config.site_url or "",
        edition_date=format_date(book.edition, book.language),
        page_size=settings["page_size"],
        created=stamp,
        is_translation=book.language != "en",
        is_fallback=not (ROOT / "docs" / book.language / book.chapters[0].source).exists(),
    )


# --------------------------------------------------------------------------- rendering


def _inputs_digest(settings: dict) -> str:
    """Hash of everything besides the book HTML that changes the PDF bytes."""
    import weasyprint

    digest = hashlib.sha256(f"weasyprint {weasyprint.__version__}|{settings['page_size']}".encode())
    for path in sorted(PRINT_DIR.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(PRINT_DIR).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _check_weasyprint() -> None:
    try:
        import weasyprint  # noqa: F401
    except OSError as error:  # Pango or its friends are missing
        raise PluginError(
            f"WeasyPrint cannot start: {error}\n"
            "Install its system libraries: apt-get install libpango-1.0-0 libpangoft2-1.0-0 "
            "libharfbuzz-subset0 (or run `make site`, which does it)."
        ) from error
    except ImportError as error:
        raise PluginError(
            f"WeasyPrint is not installed ({error}). Run `make site`, which installs the locked "
            "Python dependencies into .venv."
        ) from error


def build_pdfs(books: list[Book], site_dir: Path, settings: dict) -> list[PdfFacts]:
    _check_weasyprint()
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    out_dir = site_dir / DOWNLOADS
    out_dir.mkdir(parents=True, exist_ok=True)
    base = _inputs_digest(settings)
    total = len(books)
    facts: dict[str, PdfFacts] = {}
    pending = {}
    done = 0

    def finish(book: Book, cached: bool, seconds: float, pages: int, cache_pdf: Path) -> None:
        nonlocal done
        done += 1
        target = out_dir / book.filename
        shutil.copyfile(cache_pdf, target)
        data = target.read_bytes()
        facts[book.key] = PdfFacts(
            publication=book.publication, language=book.language, title=book.title,
            file=f"{DOWNLOADS}/{book.filename}", size=len(data), pages=pages,
            sha256=hashlib.sha256(data).hexdigest(), edition=book.edition,
            seconds=round(seconds, 2), cached=cached,
        )
        how = "cached" if cached else f"{seconds:.1f} s"
        log.info(f"PDF {done}/{total} {book.key} … {how}, {pages} pages, {len(data) / 1024:.0f} KB")

    workers = max(1, min(len(books), os.cpu_count() or 1))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for book in books:
            key = hashlib.sha256((base + book.html).encode()).hexdigest()
            cache_pdf, cache_meta = CACHE_DIR / f"{key}.pdf", CACHE_DIR / f"{key}.json"
            if cache_pdf.exists() and cache_meta.exists():
                finish(book, True, 0.0, json.loads(cache_meta.read_text())["pages"], cache_pdf)
                continue
            # unique per process: two builds may share the cache at the same time
            partial = CACHE_DIR / f"{key}.{os.getpid()}.partial.pdf"
            future = pool.submit(render_pdf, book.html, str(partial), key[:32])
            pending[future] = (book, key, partial, cache_pdf, cache_meta)
        for future in as_completed(pending):
            book, key, partial, cache_pdf, cache_meta = pending[future]
            try:
                pages, seconds = future.result()
            except Exception as error:  # name the publication and language, then stop the build
                raise PluginError(f"PDF of {book.key} failed to render: {type(error).__name__}: {error}") from error
            partial.replace(cache_pdf)
            cache_meta.write_text(json.dumps({"pages": pages}))
            finish(book, False, seconds, pages, cache_pdf)
    return [facts[b.key] for b in books]


# --------------------------------------------------------------------------- download boxes


def human_size(size: int, language: str) -> str:
    from babel.numbers import format_decimal

    value, unit = (size / 1024 / 1024, "MB") if size >= 1024 * 1024 else (size / 1024, "KB")
    text = format_decimal(round(value, 1), locale={"fa": "fa_AF"}.get(language, language))
    if language == "fa":
        return persian_digits(text).replace(".", "٫") + {"MB": " مگابایت", "KB": " کیلوبایت"}[unit]
    if language == "fr":
        return text + {"MB": "\u00a0Mo", "KB": "\u00a0Ko"}[unit]
    return f"{text} {unit}"


def fill_download_slots(site_dir: Path, config, facts: list[PdfFacts] | None) -> None:
    """Replace every download placeholder in the built pages with the rendered download box."""
    environment = config.theme.get_env()
    template = environment.get_template("partials/pdf-download.html")
    by_key = {f"{f.language}/{f.publication}": f for f in facts or []}
    for page in site_dir.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        if "gp-pdf-slot" not in text:
            continue
        reader = (re.search(r'<html lang="([a-z]{2})"', text) or [None, "en"])[1]
        ui = strings_for(reader)

        def box(match: re.Match) -> str:
            publication, language = match.group(1), match.group(2)
            pdf = by_key.get(f"{language}/{publication}")
            view = None
            if pdf is not None:
                view = {
                    **asdict(pdf),
                    "href": os.path.relpath(site_dir / pdf.file, page.parent).replace(os.sep, "/"),
                    "size_text": human_size(pdf.size, reader),
                    "pages_text": persian_digits(str(pdf.pages)) if reader == "fa" else str(pdf.pages),
                    "edition_text": format_date(pdf.edition, reader),
                    "language_name": ui[f"language_name_{language}"],
                    "language": language,
                }
            return template.render(pdf=view, ui=ui, reader=reader)

        page.write_text(PLACEHOLDER.sub(box, text), encoding="utf-8")


# --------------------------------------------------------------------------- MkDocs events


def on_startup(command, dirty):
    _state["serve"] = command == "serve"


def on_env(env, config, files):
    """Remember each language's own settings (static-i18n changes them build by build)."""
    i18n = config.plugins.get("i18n")
    language = i18n.current_language if i18n is not None else "en"
    _state["settings"][language] = {
        "site_name": config.site_name,
        "publisher": config.extra.get("publisher", ""),
    }
    return env


def on_page_context(context, page, config, nav):
    """Tell templates which publication a landing page belongs to (it gets a download box)."""
    parts = PurePosixPath(page.file.src_uri).parts
    if len(parts) >= 2 and parts[-1] == "index.md":
        folder = parts[-2]
        if folder in ((config.extra.get("pdf") or {}).get("publications") or []):
            context["pdf_publication"] = folder
    context["pdf_publications"] = (config.extra.get("pdf") or {}).get("publications") or []
    return context


@event_priority(-200)  # after static-i18n has built every language
def on_post_build(config):
    i18n = config.plugins.get("i18n")
    if i18n is not None and getattr(i18n, "building", False):
        return  # an inner, per-language build: wait for the outer one
    settings = pdf_settings(config)
    site_dir = Path(config.site_dir)
    wanted = settings["enabled"] and (not _state["serve"] or os.environ.get("PDF", "").lower() in ("on", "1", "true"))
    if not wanted:
        fill_download_slots(site_dir, config, None)
        log.info("PDFs skipped (preview); `make site` builds them")
        return

    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(PRINT_DIR)), autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    languages = list(i18n.build_languages) if i18n else ["en"]
    books = []
    for language in languages:
        root = site_dir / language_root(config, language)
        for publication, sources in publications(config).items():
            chapters = [Chapter(s, root / (s[:-3] + ".html"), n) for n, s in enumerate(sources, start=1)]
            missing = [str(c.html_path) for c in chapters if not c.html_path.exists()]
            if missing:
                raise PluginError(f"PDF of {language}/{publication}: built pages missing: {missing}")
            book = Book(publication, language, chapters)
            assemble(book, config, environment, settings)
            books.append(book)
    facts = build_pdfs(books, site_dir, settings)
    # What mirrors and tests can read; without timings, so that the site stays reproducible.
    stable = [{k: v for k, v in asdict(f).items() if k not in ("seconds", "cached")} for f in facts]
    (site_dir / DOWNLOADS / "pdfs.json").write_text(
        json.dumps(stable, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    # Timings for `make bench`, outside the site.
    (CACHE_DIR / "last-build.json").write_text(json.dumps([asdict(f) for f in facts], indent=1))
    fill_download_slots(site_dir, config, facts)
