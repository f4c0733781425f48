"""Links to other sites send nothing about the page being read.

A reader who follows a citation should not tell the other site which page of ours they were on:
every page carries ``<meta name="referrer" content="no-referrer">`` (overrides/main.html), and
each link to another host also gets ``rel="noopener noreferrer"`` here, which older browsers
honour and which keeps the other page from reaching back into ours. The sanitiser has already
written external addresses out in full (``https://…``), so "external" is simply "http(s):".
"""

from __future__ import annotations

import re

from publishing.html_text import attributes, set_attribute

REL = "noopener noreferrer"
# the sanitiser's serialisation: a start tag's attribute values never contain ">"
LINK = re.compile(r"<a\s[^>]*>")


def mark_external(html: str) -> str:
    if "http" not in html:
        return html

    def mark(match: re.Match) -> str:
        token = match.group(0)
        if attributes(token).get("href", "").startswith(("http://", "https://")):
            return set_attribute(token, "rel", REL)
        return token

    return LINK.sub(mark, html)
