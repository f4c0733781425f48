"""Walking the text of a built page without parsing it into a tree again.

The pages the steps see are well-formed by construction: content is the sanitiser's own
serialisation (text and attribute values escaped, ``<`` and ``>`` only as tag delimiters) and the
rest comes from our templates with autoescape on. On such HTML a tokenizer that splits tags
(quoted attribute values kept whole), raw-text elements (script, style), comments and text is
exact, and about a hundred times faster than building a tree (BeautifulSoup) and serialising
it again. The steps that change text (typography, link marking) use :func:`transform`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

# The "<" is outside the alternatives so that the regex engine can jump from one "<" to the next.
TOKEN = re.compile(
    r"<(?:(?P<raw>(?P<rawtag>script|style)\b[^>]*>.*?</(?P=rawtag)\s*>)"
    r"|(?P<comment>!--.*?-->|![^>]*>|\?[^>]*>)"
    r"|(?P<tag>/?(?P<name>[a-zA-Z][a-zA-Z0-9-]*)[^>\"']*(?:(?:\"[^\"]*\"|'[^']*')[^>\"']*)*>))",
    re.S | re.I,
)
TAG_NAME = re.compile(r"</?\s*([a-zA-Z][a-zA-Z0-9-]*)")
ATTRIBUTE = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def attributes(tag: str) -> dict[str, str]:
    """The attributes of one start tag (values as written, entities not decoded)."""
    body = TAG_NAME.sub("", tag, count=1).rstrip("/>")
    found = {}
    for name, double, single, bare in ATTRIBUTE.findall(body):
        found[name.lower()] = double or single or bare
    return found


def transform(html: str, text: Callable[[str, Any], str] | None = None,
              tag: Callable[[str, Any], str] | None = None,
              inherit: Callable[[Any, str, str], Any] | None = None, state: Any = None) -> str:
    """``html`` with every text token replaced by ``text(token, state)`` and every start tag by
    ``tag(token, state)``. ``state`` describes where a token stands: each element's is
    ``inherit(parent_state, name, start_tag)`` (its language, whether it is code …), worked out
    once when the element opens. Raw-text elements and comments pass through unchanged."""
    out: list[str] = []
    append = out.append
    stack: list[tuple[str, Any]] = []
    current = state
    position = 0
    for match in TOKEN.finditer(html):
        start = match.start()
        if start > position:
            chunk = html[position:start]
            append(text(chunk, current) if text else chunk)
        position = match.end()
        name = match.group("name")
        if name is None:  # raw text element or comment: as written
            append(match.group(0))
            continue
        token = match.group(0)
        name = name.lower()
        if token[1] == "/":
            for index in range(len(stack) - 1, -1, -1):
                if stack[index][0] == name:
                    del stack[index:]
                    current = stack[-1][1] if stack else state
                    break
            append(token)
            continue
        own = inherit(current, name, token) if inherit else current
        append(tag(token, own) if tag else token)
        if name not in VOID and not token.endswith("/>"):
            stack.append((name, own))
            current = own
    if position < len(html):
        chunk = html[position:]
        append(text(chunk, current) if text else chunk)
    return "".join(out)


def set_attribute(tag: str, name: str, value: str) -> str:
    """A start tag with ``name="value"`` set (value escaped), replacing an existing one."""
    escaped = value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
    pattern = re.compile(rf"""\s{re.escape(name)}(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?(?=[\s/>])""", re.I)
    if pattern.search(tag):
        return pattern.sub(lambda m: f' {name}="{escaped}"', tag, count=1)
    end = -2 if tag.endswith("/>") else -1
    return f'{tag[:end]} {name}="{escaped}"{tag[end:]}'
