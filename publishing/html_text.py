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
from dataclasses import dataclass, field

TOKEN = re.compile(
    r"(?P<raw><(?P<rawtag>script|style)\b[^>]*>.*?</(?P=rawtag)\s*>)"
    r"|(?P<comment><!--.*?-->|<![^>]*>|<\?[^>]*>)"
    r"|(?P<tag></?[a-zA-Z][^>\"']*(?:(?:\"[^\"]*\"|'[^']*')[^>\"']*)*>)",
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


@dataclass
class Element:
    name: str
    attributes: dict[str, str]


@dataclass
class Context:
    """Where a text token stands: the open elements around it, outermost first."""

    stack: list[Element] = field(default_factory=list)

    def inside(self, names: set[str]) -> bool:
        return any(element.name in names for element in self.stack)

    def nearest(self, attribute: str, default: str = "") -> str:
        for element in reversed(self.stack):
            if attribute in element.attributes:
                return element.attributes[attribute]
        return default

    def classes(self) -> set[str]:
        return {name for element in self.stack for name in element.attributes.get("class", "").split()}


def transform(html: str, text: Callable[[str, Context], str] | None = None,
              tag: Callable[[str, Context], str] | None = None, root: Element | None = None) -> str:
    """``html`` with every text token replaced by ``text(token, context)`` and every start tag by
    ``tag(token, context)`` (the context of a start tag includes its own element). Raw-text
    elements and comments pass through unchanged."""
    out: list[str] = []
    context = Context([root] if root else [])
    position = 0
    for match in TOKEN.finditer(html):
        if match.start() > position:
            chunk = html[position:match.start()]
            out.append(text(chunk, context) if text else chunk)
        token = match.group(0)
        if match.group("tag"):
            name = TAG_NAME.match(token).group(1).lower()
            if token.startswith("</"):
                for index in range(len(context.stack) - 1, -1, -1):
                    if context.stack[index].name == name:
                        del context.stack[index:]
                        break
                out.append(token)
            else:
                element = Element(name, attributes(token))
                if name not in VOID and not token.endswith("/>"):
                    context.stack.append(element)
                    out.append(tag(token, context) if tag else token)
                else:
                    context.stack.append(element)
                    out.append(tag(token, context) if tag else token)
                    context.stack.pop()
        else:
            out.append(token)
        position = match.end()
    if position < len(html):
        chunk = html[position:]
        out.append(text(chunk, context) if text else chunk)
    return "".join(out)


def set_attribute(tag: str, name: str, value: str) -> str:
    """A start tag with ``name="value"`` set (value escaped), replacing an existing one."""
    escaped = value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
    pattern = re.compile(rf"""\s{re.escape(name)}(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?(?=[\s/>])""", re.I)
    if pattern.search(tag):
        return pattern.sub(lambda m: f' {name}="{escaped}"', tag, count=1)
    end = -2 if tag.endswith("/>") else -1
    return f'{tag[:end]} {name}="{escaped}"{tag[end:]}'
