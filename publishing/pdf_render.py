"""WeasyPrint rendering of one assembled book, run in worker processes by publishing/pdf.py.

The book's HTML comes from contributed content, so the PDF engine is confined: it may read the
print assets (templates, stylesheets, fonts) and the built site, nothing else. No ``file:``
outside them (a translator's ``<a rel="attachment" href="file:///proc/self/environ">`` once
embedded the build's environment, signing key included, in a published PDF), no network, no
other scheme. The sanitiser already removes ``rel`` from content; this is the second wall.
"""

from __future__ import annotations

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
            return super().fetch(Path(path).as_uri(), headers)

    return ConfinedFetcher(allowed_protocols={"file"}, allow_redirects=False)


def render_pdf(html: str, target: str, identifier: str, allowed: list[str]) -> tuple[int, float]:
    """Render one book to ``target``; returns its page count and the seconds it took."""
    import weasyprint

    started = time.monotonic()
    document = weasyprint.HTML(string=html, base_url=str(PRINT_DIR) + "/",
                               url_fetcher=confined_fetcher([str(PRINT_DIR), *allowed])).render()
    document.write_pdf(
        target,
        pdf_variant="pdf/ua-1",
        pdf_identifier=identifier.encode(),
        uncompressed_pdf=False,
    )
    return len(document.pages), time.monotonic() - started
