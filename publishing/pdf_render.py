"""WeasyPrint rendering of one assembled book, run in worker processes by publishing/pdf.py.

The book's HTML comes from contributed content, so the PDF engine is confined: it may read the
print assets (templates, stylesheets, fonts) and the built site, nothing else. No ``file:``
outside them (a translator's ``<a rel="attachment" href="file:///proc/self/environ">`` once
embedded the build's environment, signing key included, in a published PDF), no network, no
other scheme. The sanitiser already removes ``rel`` from content; this is the second wall.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import io
import os
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

PRINT_DIR = Path(__file__).resolve().parent.parent / "print"


def confined_fetcher(allowed: list[str]):
    """A WeasyPrint URL fetcher that serves files under ``allowed`` folders only."""
    from weasyprint.urls import URLFetcher

    roots = [os.path.realpath(folder) for folder in allowed]

    class ConfinedFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
                raise ValueError(f"the PDF engine reads only files of the site and print/, not {url[:80]!r}")
            path = os.path.realpath(unquote(parts.path))
            if not any(path == root or path.startswith(root + os.sep) for root in roots):
                raise ValueError(f"the PDF engine reads only files of the site and print/, not {path!r}")
            if path.endswith(".woff2"):
                from weasyprint.urls import URLFetcherResponse

                return URLFetcherResponse(Path(path).as_uri(), _decompressed_font(path, os.stat(path).st_mtime_ns))
            return super().fetch(Path(path).as_uri(), headers)

    return ConfinedFetcher(allowed_protocols={"file"}, allow_redirects=False)


@functools.lru_cache(maxsize=32)
def _decompressed_font(path: str, mtime_ns: int) -> bytes:
    """A WOFF2 font as the plain OpenType font WeasyPrint would decompress it to.

    WeasyPrint decompresses every WOFF2 face again for every book (0.16 s a face, 1.6 s a book with
    the ten faces of print/pdf.css); a worker process renders many books and does it once here.
    The bytes are the same either way, so the PDFs do not change."""
    from fontTools.ttLib import woff2

    out = io.BytesIO()
    with open(path, "rb") as compressed:
        woff2.decompress(compressed, out)
    return out.getvalue()


def _remember_page_references() -> None:
    """Make pydyf's ``PDF.page_references`` cost once per page count instead of once per use.

    pydyf 0.13 builds the tuple of every page's reference each time it is read, and WeasyPrint's
    PDF/UA tagging reads it once per tagged element: 16,670 times × 248 pages for the Dari report's
    phone edition, 2.5 s of its 17 s. The tuple only changes when a page is added, so it is kept
    until the page count changes. tests/unit/test_pdf_render.py checks it against pydyf's own."""
    import pydyf

    original = pydyf.PDF.page_references
    if getattr(original.fget, "remembers", False):
        return

    def page_references(pdf):
        count = len(pdf.pages["Kids"])
        remembered = pdf.__dict__.get("_page_references")
        if remembered is None or remembered[0] != count:
            remembered = pdf.__dict__["_page_references"] = (count, original.fget(pdf))
        return remembered[1]

    page_references.remembers = True
    pydyf.PDF.page_references = property(page_references)


def _remember_first_lines() -> None:
    """Make WeasyPrint fit a text into a line once per document, not once per attempt.

    WeasyPrint lays out the same text, in the same style and width, again and again: each time a
    footnote joins a page it lays out the page's whole footnote area again, and a page is laid
    out again when it overflows or its counters change. In the Dari report's print edition
    82 % of the 33,576 calls of ``split_first_line`` repeat an earlier one (60 % in the phone
    editions). The function is pure for a given document: its result depends on the text, the
    style object, the width, the justification spacing and two flags, and on the document's
    hyphenation dictionaries, which do not change. So its results are kept for the document being
    laid out (on its layout context, gone with it), each with its style, which keeps that style
    alive so that its ``id`` cannot be taken by another. The PDFs do not change:
    tests/unit/test_pdf_render.py renders a book both ways and compares the bytes."""
    from weasyprint.layout import inline

    original = inline.split_first_line
    if getattr(original, "remembers", False):
        return

    def split_first_line(text, style, context, max_width, justification_spacing,
                         is_line_start=True, minimum=False):
        remembered = context.__dict__.setdefault("_gp_first_lines", {})
        key = (text, id(style), max_width, justification_spacing, is_line_start, minimum)
        found = remembered.get(key)
        if found is None:
            found = remembered[key] = (style, original(text, style, context, max_width, justification_spacing,
                                                      is_line_start, minimum))
        return found[1]

    split_first_line.remembers = True
    split_first_line.original = original
    inline.split_first_line = split_first_line


@contextlib.contextmanager
def _collector_paused():
    """Python's cycle collector paused while a book is laid out, and run once when it is done.

    WeasyPrint builds a tree of some hundred thousand boxes and styles for a book, all alive until
    the PDF is written, and the collector walks the whole tree each time enough new objects have
    been made: 15 % of the Dari report's phone edition (1.5 s of 10.3 s, 9 full collections,
    measured with gc.callbacks), to free cycles of small objects (285,000) that can as well wait
    for the end of the book. One collection then frees them with the book (0.1–0.2 s); a worker's
    peak memory grows by 2 % (259 MB instead of 254 MB over four books)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
        gc.collect()


def render_pdf(html: str, target: str, identifier: str, allowed: list[str]) -> tuple[int, float]:
    """Render one book to ``target``; returns its page count and the seconds it took."""
    _remember_page_references()
    _remember_first_lines()
    started = time.monotonic()
    with _collector_paused():
        pages = _render(html, target, identifier, allowed)
    return pages, time.monotonic() - started


def _render(html: str, target: str, identifier: str, allowed: list[str]) -> int:
    import weasyprint

    document = weasyprint.HTML(string=html, base_url=str(PRINT_DIR) + "/",
                               url_fetcher=confined_fetcher([str(PRINT_DIR), *allowed])).render()
    document.write_pdf(
        target,
        pdf_variant="pdf/ua-1",
        pdf_identifier=identifier.encode(),
        uncompressed_pdf=False,
    )
    return len(document.pages)
