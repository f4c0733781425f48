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
import pickle
import select
import signal
import sys
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


# --------------------------------------------------------------------------- in the build's workers


class BookFailed(Exception):
    """A book's process reported an error, or ended without a result."""


_gate = None  # this worker's share of the processor: see prepare_worker
_stop = None  # set when the build failed: see prepare_worker


def prepare_worker(gate, stop) -> None:
    """Initialiser of the build's worker processes (publishing/pdf.py).

    * ``gate``: a book is rendered only while the worker holds one of its places. The build hands
      books to the workers while it still builds the other languages on one core; with one place
      fewer than there are workers, the workers and the build do not fight over the processor. The
      build gives back the last place when it has nothing left to do but wait.
    * ``stop``: an event the build sets when it failed: the book being rendered is abandoned at
      once, and no other is started.
    * The print fonts are decompressed once, here, for every book this worker's processes render
      (see :func:`render_pdf_in_own_process`)."""
    global _gate, _stop
    _gate, _stop = gate, stop
    for font in sorted(PRINT_DIR.rglob("*.woff2")):
        _decompressed_font(str(font), font.stat().st_mtime_ns)
    _remember_page_references()
    _remember_first_lines()


def render_pdf_in_own_process(html: str, target: str, identifier: str, allowed: list[str]) -> tuple[int, float]:
    """:func:`render_pdf` in a process forked from this worker for this book alone.

    The book's process starts with everything the worker has loaded (WeasyPrint, the fonts) and
    ends with the book: the operating system takes back its memory at once, so Python never
    walks the book's hundreds of thousands of boxes and styles to free them (0.2–0.6 s a book for
    the collection alone), and no worker grows or fragments its memory over the books it renders.
    Measured on the four Dari phone books, rendered one after the other: 26–30 s in one worker,
    20–22 s in a process each. The PDF bytes are the same either way."""
    if not hasattr(os, "fork"):  # not on Linux or macOS: render here
        return render_pdf(html, target, identifier, allowed)
    with _gate or contextlib.nullcontext():
        if _stop is not None and _stop.is_set():
            raise BookFailed("not rendered: the build stopped")
        read, write = os.pipe()
        child = os.fork()
        if child == 0:  # the book's process: render, report, end without cleaning up
            os.close(read)
            gc.disable()
            try:
                started = time.monotonic()
                outcome = ("done", _render(html, target, identifier, allowed), time.monotonic() - started)
            except BaseException as error:  # reported to the worker, which raises it in the build
                outcome = ("failed", f"{type(error).__name__}: {error}")
            with os.fdopen(write, "wb") as report:
                pickle.dump(outcome, report)
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(0)
        os.close(write)
        received = _report_of(child, read)
        _, status = os.waitpid(child, 0)
    if _stop is not None and _stop.is_set():
        raise BookFailed("abandoned: the build stopped")
    if not received:
        raise BookFailed(f"the process rendering the book ended without a result ({_ended(status)})")
    outcome = pickle.loads(received)  # written by our own child process above
    if outcome[0] == "failed":
        raise BookFailed(outcome[1])
    return outcome[1], outcome[2]


def _report_of(child: int, read: int) -> bytes:
    """What the book's process wrote before it ended; it is killed if the build stops meanwhile."""
    chunks = []
    with os.fdopen(read, "rb", buffering=0) as report:
        while True:
            ready, _, _ = select.select([report], [], [], 0.25)
            if not ready:
                if _stop is not None and _stop.is_set():
                    os.kill(child, signal.SIGKILL)
                    return b""
                continue
            chunk = report.read(1 << 16)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)


def _ended(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"killed by signal {os.WTERMSIG(status)}"
    return f"exit code {os.waitstatus_to_exitcode(status)}"


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
