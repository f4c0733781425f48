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

# One capturing group: re.split() gives text, token, text, token … at C speed. A token is a whole
# raw-text element (script, style), a comment, a declaration or processing instruction, or a tag
# (quoted attribute values kept whole).
TOKEN = re.compile(
    r"(<(?:script|style)\b[^>]*>.*?</(?:script|style)\s*>|<!--.*?-->|<![^>]*>|<\?[^>]*>"
    r"|</?[a-zA-Z][^>\"']*(?:(?:\"[^\"]*\"|'[^']*')[^>\"']*)*>)",
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


def is_raw(token: str) -> bool:
    """A token that is not a tag: a whole script or style element, a comment, a declaration."""
    if token[1] in "!?":
        return True
    head = token[:7].lower()
    return (head.startswith("<script") or head.startswith("<style")) and "</" in token


def pieces(html: str):
    """``(kind, text)`` in document order; kind is "text", "tag" (start or end tag) or "raw"."""
    for index, part in enumerate(TOKEN.split(html)):
        if index % 2 == 0:
            if part:
                yield "text", part
        else:
            yield ("raw" if is_raw(part) else "tag"), part


_RAW, _CLOSE, _VOID, _OPEN = range(4)


def _kind(token: str) -> tuple[int, str]:
    """(kind, lower-case element name) of a token that is not text."""
    if token[1] in "!?":
        return _RAW, ""  # comment, declaration, processing instruction
    name = TAG_NAME.match(token).group(1).lower()
    if token[1] == "/":
        return _CLOSE, name
    if (name == "script" or name == "style") and "</" in token:
        return _RAW, name  # a whole raw-text element, as written
    return (_VOID if name in VOID or token.endswith("/>") else _OPEN), name


def transform(html: str, text: Callable[[str, Any], str] | None = None,
              tag: Callable[[str, Any], str] | None = None,
              inherit: Callable[[Any, str, str], Any] | None = None, state: Any = None) -> str:
    """``html`` with every text token replaced by ``text(token, state)`` and every start tag by
    ``tag(token, state)``. ``state`` describes where a token stands: each element's is
    ``inherit(parent_state, name, start_tag)`` (its language, whether it is code …), worked out
    once when the element opens. Raw-text elements, comments and whitespace pass through unchanged.

    The callbacks must be pure functions of their arguments (states are hashable): the same start
    tag in the same state is worked out once per call. The navigation repeats a few dozen tags
    hundreds of times on every page."""
    parts = TOKEN.split(html)  # even indices: text; odd: tokens
    stack: list[tuple[str, Any]] = []
    current = state
    kinds: dict[str, tuple[int, str]] = {}
    opened: dict[tuple[str, Any], tuple[Any, str]] = {}  # (start tag, parent state) -> (state, new tag)
    for index in range(1, len(parts), 2):
        chunk = parts[index - 1]
        if text and chunk and not chunk.isspace():
            parts[index - 1] = text(chunk, current)
        token = parts[index]
        kind_name = kinds.get(token)
        if kind_name is None:
            kind_name = kinds[token] = _kind(token)
        kind, name = kind_name
        if kind == _RAW:
            continue
        if kind == _CLOSE:
            for depth in range(len(stack) - 1, -1, -1):
                if stack[depth][0] == name:
                    del stack[depth:]
                    current = stack[-1][1] if stack else state
                    break
            continue
        done = opened.get((token, current))
        if done is None:
            own = inherit(current, name, token) if inherit else current
            done = opened[(token, current)] = (own, tag(token, own) if tag else token)
        own, parts[index] = done
        if kind == _OPEN:
            stack.append((name, own))
            current = own
    last = parts[-1]
    if text and last and not last.isspace():
        parts[-1] = text(last, current)
    return "".join(parts)


def set_attribute(tag: str, name: str, value: str) -> str:
    """A start tag with ``name="value"`` set (value escaped), replacing an existing one."""
    escaped = value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
    pattern = re.compile(rf"""\s{re.escape(name)}(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?(?=[\s/>])""", re.I)
    if pattern.search(tag):
        return pattern.sub(lambda m: f' {name}="{escaped}"', tag, count=1)
    end = -2 if tag.endswith("/>") else -1
    return f'{tag[:end]} {name}="{escaped}"{tag[end:]}'
