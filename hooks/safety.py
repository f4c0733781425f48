"""Content cannot run code, load anything or leak what a reader reads.

One job: what a writer or translator puts in Markdown is text, never code or a tracker.

* The build stops, naming the file and line, on raw HTML that could execute or load something:
  ``<script>``, ``<iframe>``, ``<object>``, ``<style>``, forms, any ``on…=`` attribute, ``style``
  attributes, ``javascript:``/``data:``/``vbscript:`` addresses, and images, media or styles from
  another host — in raw HTML, in Markdown links and images, in ``{ attribute lists }`` and in
  ``/// html`` blocks. Only an allow-list of harmless elements and attributes passes.
* The rendered page is checked again (defence in depth, e.g. against an extension's output).
* Links to other sites stay plain links, marked ``rel="noopener noreferrer"``; every page also
  carries ``<meta name="referrer" content="no-referrer">`` (see overrides/main.html), so following
  a citation does not tell the other site which page was being read.
"""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup
from mkdocs.exceptions import PluginError

ALLOWED_TAGS = {
    "a", "abbr", "b", "bdi", "bdo", "blockquote", "br", "caption", "cite", "code", "col",
    "colgroup", "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p",
    "pre", "q", "s", "samp", "section", "small", "span", "strong", "sub", "summary", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul", "wbr", "aside",
}
ALLOWED_ATTRIBUTES = {
    "class", "id", "dir", "lang", "title", "href", "src", "alt", "width", "height", "markdown",
    "datetime", "colspan", "rowspan", "scope", "open", "cite", "start", "reversed", "type",
    "hreflang", "translate", "role", "headers", "abbr", "span", "loading",
}
URL_ATTRIBUTES = {"href", "src", "cite", "srcset", "poster", "data", "action", "formaction", "xlink:href", "background"}
BAD_SCHEME = re.compile(r"^\s*(javascript|data|vbscript|file):", re.I)
REMOTE = re.compile(r"^\s*([a-z][a-z0-9+.-]*:)?//", re.I)

TAG = re.compile(r"<\s*(/?)\s*([a-zA-Z][\w:-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>")
ATTRIBUTE = re.compile(r"([^\s\"'>/=]+)(?:\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s\"'>]+))?")
MD_LINK = re.compile(r"(!?)\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]*)>?")
MD_REFERENCE = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(\s|$)")
ATTR_LIST = re.compile(r"\{:?\s*([^}]*)\}")
HTML_BLOCK = re.compile(r"^\s*///\s*html\s*\|\s*(.+)$")
INLINE_CODE = re.compile(r"(`+)(?:(?!\1).)+?\1")
AUTOLINK = re.compile(r"<([a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>]*)>")


def _strip_code(lines: list[str]) -> list[tuple[int, str]]:
    """(line number, text) of a Markdown source without fenced blocks and inline code."""
    result, fence = [], None
    for number, line in enumerate(lines, start=1):
        stripped = line.lstrip()
        if fence is None and stripped.startswith(("```", "~~~")):
            fence = stripped[:3]
            continue
        if fence is not None:
            if stripped.startswith(fence):
                fence = None
            continue
        result.append((number, INLINE_CODE.sub("", line)))
    return result


def _check_attributes(attributes: dict[str, str], where: str) -> list[str]:
    problems = []
    for name, value in attributes.items():
        lower = name.lower()
        if lower.startswith("on"):
            problems.append(f"{where}: event-handler attribute '{name}' can run code")
        elif lower == "style":
            problems.append(f"{where}: 'style' attribute (inline styles can load remote images; "
                            "use a class and overrides/assets/stylesheets/site.css)")
        elif lower not in ALLOWED_ATTRIBUTES and not lower.startswith(("data-", "aria-")):
            problems.append(f"{where}: attribute '{name}' is not allowed in content")
        if lower in URL_ATTRIBUTES and value:
            problems += _check_url(value, where, loads=lower != "href" and lower != "cite")
    return problems


def _check_url(url: str, where: str, loads: bool) -> list[str]:
    if BAD_SCHEME.match(url):
        return [f"{where}: '{url[:40]}' — javascript:, data:, vbscript: and file: addresses are not allowed"]
    if loads and REMOTE.match(url):
        return [f"{where}: '{url[:60]}' would be loaded from another host (a tracker for readers); "
                "put the file in docs/ and link it relatively"]
    return []


def _parse_attributes(text: str) -> dict[str, str]:
    found = {}
    for name, value in ATTRIBUTE.findall(text):
        found[name] = value.strip("\"'") if value else ""
    return found


def _check_tag(name: str, attributes_text: str, where: str) -> list[str]:
    problems = []
    if name.lower() not in ALLOWED_TAGS:
        problems.append(f"{where}: <{name}> is not allowed in content (it can run code, load "
                        "something or change the page); write Markdown instead")
    problems += _check_attributes(_parse_attributes(attributes_text), where)
    return problems


def markdown_problems(text: str, source: str) -> list[str]:
    """Every unsafe construct in a page's Markdown, as 'file:line: reason'."""
    problems = []
    for number, line in _strip_code(text.splitlines()):
        where = f"{source}:{number}"
        for url in AUTOLINK.findall(line):  # <https://…> is a Markdown link, not an HTML tag
            problems += _check_url(url, where, loads=False)
        line = AUTOLINK.sub("", line)
        for closing, name, attributes in TAG.findall(line):
            if not closing:
                problems += _check_tag(name, attributes, where)
        for bang, url in MD_LINK.findall(line):
            problems += _check_url(url, where, loads=bool(bang))
        reference = MD_REFERENCE.match(line)
        if reference:
            problems += _check_url(reference.group(1), where, loads=False)
        for attributes in ATTR_LIST.findall(line):
            if "=" in attributes:
                problems += _check_attributes(_parse_attributes(attributes), where)
        block = HTML_BLOCK.match(line)
        if block:
            spec = block.group(1).strip()
            name = re.match(r"[a-zA-Z][\w-]*", spec)
            if name:
                problems += _check_tag(name.group(0), re.sub(r"^[\w-]+(\.[\w-]+|#[\w-]+)*", "", spec).strip("[] "), where)
    return problems


def html_problems(html: str | BeautifulSoup, source: str) -> list[str]:
    """The same rules on the rendered page content (without line numbers)."""
    problems = []
    soup = html if isinstance(html, BeautifulSoup) else BeautifulSoup(html, "html.parser")
    for element in soup.find_all(True):
        name = element.name.lower()
        if name in ("script", "iframe", "object", "embed", "style", "link", "form", "base", "meta",
                    "frame", "frameset", "applet", "svg", "math"):
            problems.append(f"{source}: the rendered page contains <{name}>")
        for attribute, value in element.attrs.items():
            value = " ".join(value) if isinstance(value, list) else str(value)
            if attribute.lower().startswith("on") or attribute.lower() == "style":
                problems.append(f"{source}: the rendered page has a '{attribute}' attribute on <{name}>")
            elif attribute.lower() in URL_ATTRIBUTES:
                problems += _check_url(value, source, loads=attribute.lower() not in ("href", "cite"))
    return problems


def mark_external_links(html: str, soup: BeautifulSoup | None = None) -> str:
    """`html` with rel="noopener noreferrer" on external links (`soup`: html already parsed)."""
    soup = soup if soup is not None else BeautifulSoup(html, "html.parser")
    changed = False
    for link in soup.find_all("a", href=True):
        if REMOTE.match(link["href"]) or link["href"].startswith(("http:", "https:")):
            rel = set(link.get("rel") or [])
            if not {"noopener", "noreferrer"} <= rel:
                link["rel"] = sorted(rel | {"noopener", "noreferrer"})
                changed = True
    return str(soup) if changed else html


# --------------------------------------------------------------------------- MkDocs events


def on_page_markdown(markdown, page, config, files):
    source = f"{Path(config.docs_dir).name}/{page.file.src_uri}"
    text = Path(page.file.abs_src_path).read_text(encoding="utf-8")
    problems = markdown_problems(text, source)
    if problems:
        raise PluginError(
            "Unsafe content stopped the build (readers must never run code or load trackers):\n  "
            + "\n  ".join(problems)
        )
    return markdown


def on_page_content(html, page, config, files):
    soup = BeautifulSoup(html, "html.parser")  # parsed once for both jobs
    problems = html_problems(soup, f"{Path(config.docs_dir).name}/{page.file.src_uri}")
    if problems:
        raise PluginError("Unsafe content stopped the build:\n  " + "\n  ".join(problems))
    return mark_external_links(html, soup)
