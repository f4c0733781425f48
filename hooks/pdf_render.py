"""WeasyPrint rendering of one assembled book, run in worker processes by hooks/pdf.py.

A module of its own (not a MkDocs hook) so that worker processes can import it by name.
"""

from pathlib import Path

PRINT_DIR = Path(__file__).resolve().parent.parent / "print"


def render_pdf(html: str, target: str, identifier: str) -> tuple[int, float]:
    """Render one book to ``target``; returns its page count and the seconds it took."""
    import time

    import weasyprint

    started = time.monotonic()
    document = weasyprint.HTML(string=html, base_url=str(PRINT_DIR) + "/").render()
    document.write_pdf(
        target,
        pdf_variant="pdf/ua-1",
        pdf_identifier=identifier.encode(),
        uncompressed_pdf=False,
    )
    return len(document.pages), time.monotonic() - started
