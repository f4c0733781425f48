"""The page as a document: direction, valid markup, and search in the page's own language.

* Material writes ``dir`` on ``<body>`` only; it goes on ``<html>`` too, so that the viewport
  (scrollbar side, first paint) and assistive technologies see the direction from the root.
* Material 9.8 writes ``autocomplete="off"`` on its checkbox toggles (valid only on text inputs)
  and an empty ``tabindex=""``, and on section index pages labels a table-of-contents toggle it
  did not render; the Nu HTML Checker rejects all three.
* Material's configuration script (``<script id="__config" type="application/json">``) gets
  ``base`` pointing at the root of the page's language, so that search loads that language's
  own index (hooks/search.py). Done here, on the JSON, rather than by copying Material's config
  block into a template (that copy held the content-hashed name of Material's search worker).

Each rule fails loudly when Material no longer writes what it expects
(tests/unit/test_upgrade_tripwires.py runs them on a page of the installed Material).
"""

from __future__ import annotations

import json
import re

from markupsafe import Markup

HTML_TAG = re.compile(r"<html lang=\"([^\"]+)\"(?![^>]*\bdir=)")
TOGGLE_AUTOCOMPLETE = re.compile(r'(<input class="md-toggle"[^>]*type="checkbox"[^>]*?) autocomplete="off"')
EMPTY_TABINDEX = re.compile(r' tabindex=""')
CONFIG = re.compile(r"""(<script\b[^>]*\bid="__config"[^>]*>)(.*?)(</script>)""", re.S)


class MaterialChanged(RuntimeError):
    pass


def set_direction(html: str, direction: str) -> str:
    html, found = HTML_TAG.subn(lambda m: f'<html lang="{m.group(1)}" dir="{direction}"', html, count=1)
    tag = re.search(r"<html\b[^>]*>", html)
    if not found and tag is not None and " dir=" not in tag.group(0):
        raise MaterialChanged("no <html lang=\"…\"> to put dir on: has Material's base.html changed?")
    return html


def mend(html: str) -> str:
    html = TOGGLE_AUTOCOMPLETE.sub(r"\1", html)
    html = EMPTY_TABINDEX.sub("", html)
    if 'id="__toc"' not in html:
        html = html.replace(' for="__toc"', "")
    return html


def search_base(html: str, language_root: str) -> str:
    """Point Material's search at ``language_root`` (e.g. "fa/") of the site."""
    if not language_root:
        return html

    def replace(match: re.Match) -> str:
        config = json.loads(match.group(2))
        config["base"] = config["base"].rstrip("/") + "/" + language_root
        # the same escaping as Jinja's tojson: safe inside <script>
        return match.group(1) + str(Markup(json.dumps(config, ensure_ascii=False, separators=(",", ":")))
                                    .replace("<", "\\u003c").replace(">", "\\u003e")
                                    .replace("&", "\\u0026").replace("'", "\\u0027")) + match.group(3)

    html, found = CONFIG.subn(replace, html, count=1)
    if not found and 'data-md-component="search"' in html:
        raise MaterialChanged("no <script id=\"__config\"> to point search at the page's language: "
                              "has Material's base.html changed?")
    return html


def fix(html: str, language, page, config) -> str:
    html = set_direction(html, language.direction)
    html = mend(html)
    return search_base(html, language.root)
