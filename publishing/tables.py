"""Tables that a phone can show: each cell knows its column's heading.

A four-column table on a 390 px screen breaks words at every letter (French review, defect 19).
Tables of three or more columns get the attribute ``data-gp-stack`` (not a class: Material styles
only tables without one) and every body cell gets
``data-label`` (the text of its column's heading), so that on a narrow screen, and in the phone
PDF, each row is shown as a small card: heading, value; heading, value (site.css, print/phone.css).
Wider screens and the print PDF show the table as it is. Runs after the sanitiser (which removes
``data-*`` and ``gp-`` names from what writers write): these are the site's own.
"""

from __future__ import annotations

import html as html_lib

from publishing.html_text import TAG_NAME, pieces, set_attribute

STACK_FROM_COLUMNS = 3


def label_cells(html: str) -> str:
    if "<table" not in html:
        return html
    out: list[str] = []
    headings: list[str] = []
    table_at = None  # index in `out` of the <table> tag being read
    section = ""  # "thead" or "tbody"
    heading_text: list[str] | None = None
    column = 0
    for kind, token in pieces(html):
        if kind != "tag":
            if kind == "text" and heading_text is not None:
                heading_text.append(token)
            out.append(token)
            continue
        name = TAG_NAME.match(token).group(1).lower()
        closing = token.startswith("</")
        if name == "table" and not closing:
            table_at, headings, section = len(out), [], ""
        elif name == "table" and closing and table_at is not None:
            if len(headings) >= STACK_FROM_COLUMNS:
                out[table_at] = set_attribute(out[table_at], "data-gp-stack", "")
            table_at = None
        elif name in ("thead", "tbody") and not closing:
            section = name
        elif name == "tr" and not closing:
            column = 0
        elif name == "th" and section == "thead":
            if closing and heading_text is not None:
                headings.append(" ".join(html_lib.unescape("".join(heading_text)).split()))
                heading_text = None
            elif not closing:
                heading_text = []
        elif name in ("td", "th") and not closing and section == "tbody" and table_at is not None:
            if column < len(headings) and headings[column]:
                token = set_attribute(token, "data-label", headings[column])
            column += 1
        out.append(token)
    return "".join(out)
