"""Offline editions: one ZIM file per language, for Kiwix readers.

One job: a language of the signed site as a ZIM archive (libzim), with its metadata, a 48×48
illustration and a full-text index. Titles, descriptions, publishers and languages come from
``build-info.json`` (BuildInfo), never from the pages' markup.

``zim_page`` is the one place where a page's HTML may be changed for the ZIM edition.
"""

from __future__ import annotations

import io
import mimetypes
import re
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath

from .manifest import BuildInfo, Language

# ISO 639-3, which ZIM metadata and Xapian's stemmer use (Dari: prs, not fas/per)
ZIM_LANGUAGES = {"en": "eng", "fr": "fra", "fa": "prs"}
NOT_IN_ZIM = {"_headers", "_nginx-headers.conf", "build-info.json", "SHA256SUMS", "SHA256SUMS.minisig"}
TYPES = {".woff2": "font/woff2", ".js": "application/javascript", ".json": "application/json",
         ".svg": "image/svg+xml", ".txt": "text/plain"}


def zim_language(code: str) -> str:
    try:
        return ZIM_LANGUAGES[code]
    except KeyError:
        raise ValueError(f"no ISO 639-3 code for the language {code!r}: add it to ZIM_LANGUAGES in "
                         f"{__name__.replace('.', '/')}.py") from None


CSP_META = re.compile(rb'<meta http-equiv="Content-Security-Policy" content="([^"]*)">')
EXIT_LINK = re.compile(rb'<a id="gp-quick-exit"[^>]*>')


def zim_page(html: bytes, language: str, csp_changes: dict[str, list[str]] | None = None) -> bytes:
    """The HTML of one page as it goes into the ZIM edition of ``language``.

    Every HTML page of every ZIM passes through here, and nowhere else:

    * ``<html data-gp-edition="zim">``: the quick exit (quick-exit.js) then always leaves for the
      neutral page inside the same ZIM, never for an outside site, which a Kiwix reader would
      ask about while the page stays on screen; the no-JavaScript link goes there too.
    * The Content-Security-Policy gets the ZIM edition's changes (``extra.security.zim_csp`` in
      mkdocs.yml, carried by build-info.json): Kiwix injects its own reader bar (jQuery and a
      search form) into every page it serves. Why that stays safe is said in mkdocs.yml.
    """
    html = html.replace(b"<html ", b'<html data-gp-edition="zim" ', 1)
    if csp_changes:
        def policy(match: re.Match) -> bytes:
            directives = {}
            for part in match.group(1).decode("ascii").split(";"):
                words = part.split()
                if words:
                    directives[words[0]] = words[1:]
            for name, values in csp_changes.items():
                directives[name] = list(values)
            text = "; ".join(" ".join([name, *values]) for name, values in directives.items())
            return b'<meta http-equiv="Content-Security-Policy" content="' + text.encode("ascii") + b'">'

        html = CSP_META.sub(policy, html, count=1)

    def exit_link(match: re.Match) -> bytes:
        tag = match.group(0)
        local = re.search(rb'data-gp-exit-local="([^"]*)"', tag)
        return re.sub(rb' href="[^"]*"', b' href="' + local.group(1) + b'"', tag, count=1) if local else tag

    return EXIT_LINK.sub(exit_link, html, count=1)


class _Title(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.inside = self.done = False

    def handle_starttag(self, tag, attrs):
        self.inside = tag == "title" and not self.done

    def handle_endtag(self, tag):
        if tag == "title":
            self.inside, self.done = False, True

    def handle_data(self, data):
        if self.inside:
            self.parts.append(data)


def page_title(html: bytes, fallback: str) -> str:
    """The page's <title>, for Kiwix's suggestions (display only)."""
    parser = _Title()
    parser.feed(html.decode("utf-8", "replace"))
    title = " ".join("".join(parser.parts).split())
    return title or fallback


def illustration_png(size: int = 48) -> bytes:
    """A 48×48 icon for Kiwix: the site's book on its purple square."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (size, size), (74, 44, 109))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((13, 12, 35, 37), radius=3, fill="white")
    for y in (19, 25):
        draw.line((18, y, 30, y), fill=(74, 44, 109), width=2)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def zim_paths(files: list[str], language: Language, info: BuildInfo) -> list[str]:
    """The files of one language's edition: its pages (the root language: everything outside
    the other languages' folders), the shared assets and its own PDFs; no search index (Kiwix
    has its own) and no server files."""
    others = tuple(other.prefix for other in info.languages if other.code != language.code and other.prefix)
    chosen = []
    for path in files:
        if path in NOT_IN_ZIM or path.startswith("search/") or "/search/" in path:
            continue
        if path.startswith("downloads/"):
            if path.endswith(".pdf") and path.endswith(f".{language.code}.pdf"):
                chosen.append(path)
            continue
        if path.startswith("assets/"):
            chosen.append(path)
        elif language.prefix:
            if path.startswith(language.prefix):
                chosen.append(path)
        elif not path.startswith(others):
            chosen.append(path)
    return chosen


def zim_metadata(language: Language, info: BuildInfo) -> dict[str, str]:
    code = zim_language(language.code)
    publisher = info.publisher[language.code]
    return {
        "Name": f"gender-persecution_{code}",
        "Title": language.title[:30],
        "Description": language.description[:80],
        "LongDescription": language.description,
        "Language": code,
        "Creator": publisher,
        "Publisher": publisher,
        "Date": info.date.isoformat(),
        "Tags": "human-rights;gender;afghanistan;_category:other",
        "Source": "make release",
    }


def mimetype(path: str) -> str:
    suffix = PurePosixPath(path).suffix.lower()
    return TYPES.get(suffix) or mimetypes.guess_type(path)[0] or "application/octet-stream"


def build_zim(site: Path, files: list[str], target: Path, language: Language, info: BuildInfo) -> int:
    """One language of the site as a ZIM file; returns the number of entries."""
    from libzim.writer import Creator, FileProvider, Hint, Item, StringProvider

    paths = zim_paths(files, language, info)

    class Page(Item):
        def __init__(self, path: str):
            super().__init__()
            self.path = path
            self.html = zim_page((site / path).read_bytes(), language.code, info.zim_csp) \
                if path.endswith(".html") else None

        def get_path(self):
            return self.path

        def get_title(self):
            return page_title(self.html, self.path) if self.html is not None else ""

        def get_mimetype(self):
            return "text/html" if self.html is not None else mimetype(self.path)

        def get_contentprovider(self):
            return StringProvider(self.html) if self.html is not None else FileProvider(str(site / self.path))

        def get_hints(self):
            return {Hint.FRONT_ARTICLE: self.html is not None and not self.path.endswith("404.html")}

    code = zim_language(language.code)
    with Creator(str(target)).config_verbose(False).config_indexing(True, code) as creator:
        creator.set_mainpath(language.home)
        creator.add_illustration(48, illustration_png())
        for key, value in zim_metadata(language, info).items():
            creator.add_metadata(key, value)
        for path in paths:
            creator.add_item(Page(path))
    return len(paths)
