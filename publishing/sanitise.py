"""The trust boundary: every page's content HTML goes through an HTML5 sanitiser, and the page
carries the sanitiser's own serialisation.

Translations and data come from volunteers, and any of them may be hostile. Checking HTML with
one parser and shipping the original string is not a boundary: browsers parse differently
(``<!-->``, ``<![CDATA[``, a tag split over lines …). So the content that Markdown produced is
parsed by **nh3** (the Python bindings of Rust's *ammonia*, whose parser is html5ever, a
spec-compliant HTML5 parser, maintained and fast) against an allow-list, and what ships is the
tree that was checked, serialised by the same library. Why nh3 and not justhtml or html5lib:
it is a maintained allow-list sanitiser (not only a parser), it applies URL-scheme and CSS
property filters itself, and it costs about a millisecond per page.

What the allow-list keeps is what the Markdown extensions of mkdocs.yml produce (headings,
lists, tables, admonitions, footnotes, checklists, details, ``<bdi>``) and nothing else:

* no comments, CDATA, processing instructions, scripts, styles, forms, frames, SVG or MathML
  (the last ones with their content);
* no event attributes, no ``rel``, ``target``, ``ping``, ``srcset``, ``data-*``;
* ``style`` only on table cells, and only ``text-align`` (Markdown's column alignment);
* no ``id`` or ``class`` that the theme or the site owns (``__config``, ``md-…``, ``gp-…``):
  content cannot clobber Material's configuration or dress up as the quick-exit button;
* a link (``<a href>``) may go to a relative address, ``#…``, or an ``http:``/``https:``
  address elsewhere (written out in full, as a browser reads it: ``https:\\host`` becomes
  ``https://host/``); every other address (``src``) may only point inside the site. Addresses
  are resolved by ada (a WHATWG URL parser, what browsers implement), so tabs inside a scheme,
  backslashes and control characters mean here what they mean in a browser.

The friendly layer is hooks/safety.py: it reads the Markdown source and tells a translator,
with file and line, what to write instead. This module is the one that makes it safe.
"""

from __future__ import annotations

import re
from functools import lru_cache

import ada_url
import nh3

ALLOWED_TAGS = {
    "a", "abbr", "aside", "b", "bdi", "bdo", "blockquote", "br", "caption", "code", "col",
    "colgroup", "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "input", "ins", "kbd", "label", "li",
    "mark", "ol", "p", "pre", "q", "s", "samp", "section", "small", "span", "strong", "sub",
    "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul",
    "wbr",
}
# Removed together with everything inside them.
REMOVED_WITH_CONTENT = {
    "script", "style", "template", "noscript", "iframe", "frame", "frameset", "object", "embed",
    "svg", "math", "textarea", "select", "option", "title", "xmp", "noembed", "noframes",
    "plaintext", "applet", "audio", "video", "canvas", "form", "button", "head", "meta", "link",
    "base",
}
GLOBAL_ATTRIBUTES = {"class", "id", "dir", "lang", "title", "translate", "role", "aria-label",
                     "aria-labelledby", "aria-describedby", "aria-hidden"}
TAG_ATTRIBUTES = {
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height", "loading"},
    "td": {"colspan", "rowspan", "style", "headers"},
    "th": {"colspan", "rowspan", "style", "scope", "headers", "abbr"},
    "col": {"span"}, "colgroup": {"span"},
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
    "details": {"open"},
    "time": {"datetime"},
    "input": {"type", "checked", "disabled"},
}
THEME_NAMES = re.compile(r"^(__|md-|gp-)", re.I)
SAFE_ROLES = {"note", "doc-noteref", "doc-backlink", "doc-endnotes", "presentation", "none", "list",
              "listitem", "region"}
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.\-]*:")


def _plain_relative(value: str) -> bool:
    """A relative address written plainly: no scheme, no backslash, whitespace or control
    character, not scheme-relative (``//host``). Browsers read the others in ways that depend on
    the page's own address (``https:host/x`` is relative on an https mirror and another host on
    file://), so they are not "inside the site" anywhere."""
    return not (SCHEME.match(value) or re.search(r"[\\\x00-\x20\x7f]", value) or value.startswith("//"))


def link_target(value: str) -> str | None:
    """What an ``<a href>`` in content may keep: a plain relative address or fragment as
    written, an ``http(s)`` address elsewhere written out in full as a browser reads it
    (``https:\\host/x`` -> ``https://host/x``), or nothing."""
    if _plain_relative(value):
        return value
    try:
        url = ada_url.URL(value)  # absolute, parsed as a browser parses it
    except ValueError:
        try:  # //host or \\host: scheme-relative; on any page it leaves the site
            url = ada_url.URL(value, base="https://site.invalid/")
        except ValueError:
            return None
        if url.host == "site.invalid":
            return None
    if url.protocol in ("http:", "https:") and url.host:
        return url.href
    return None


def inside_site(value: str) -> str | None:
    """What a ``src`` may keep: a plain relative address (inside the site), nothing else."""
    return value if _plain_relative(value) else None


def _filter(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "href":
        return link_target(value)
    if attribute == "src":
        return inside_site(value)
    if attribute == "id":
        return None if THEME_NAMES.match(value) else value
    if attribute == "class":
        kept = [name for name in value.split() if not THEME_NAMES.match(name)]
        return " ".join(kept) or None
    if attribute == "role":
        return value if value in SAFE_ROLES else None
    if tag == "input" and attribute == "type":
        return value if value == "checkbox" else None
    if attribute in ("aria-labelledby", "aria-describedby"):
        return None if any(THEME_NAMES.match(v) for v in value.split()) else value
    return value


@lru_cache(maxsize=1)
def _cleaner() -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=ALLOWED_TAGS,
        clean_content_tags=REMOVED_WITH_CONTENT,
        attributes={"*": GLOBAL_ATTRIBUTES, **TAG_ATTRIBUTES},
        attribute_filter=_filter,
        strip_comments=True,
        link_rel=None,  # external links get rel="noopener noreferrer" in the links step
        url_schemes={"http", "https"},
        filter_style_properties={"text-align"},
    )


def sanitise(html: str) -> str:
    """The content as the allow-list keeps it, serialised by the sanitiser (what ships)."""
    return _cleaner().clean(html)
