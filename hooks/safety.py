"""The friendly layer of content safety: the Markdown source is checked, with file and line.

One job: tell a writer or translator, before anything is built, what in their file would be
removed or refused and what to write instead. It is not the boundary: the sanitiser
(publishing/sanitise.py) is, and it keeps whatever slips past this check harmless. This check
reads the whole file, not line by line, so a tag split over two lines is seen; it ignores code
(fenced blocks as CommonMark opens them, and inline code), and it applies the same rules as the
sanitiser (the same allow-list, the same URL parsing), so the two agree.

The build stops on: raw HTML outside the allow-list, comments and CDATA (except the site's own
markers such as ``<!-- gp:corrections -->``), event attributes, ``style``, ``rel``, ``data-*``
and theme ids/classes (``__…``, ``md-…``, ``gp-…``) in raw HTML, ``{ attribute lists }`` and
``/// html`` blocks; links that are not relative, ``#…``, ``http:`` or ``https:``; images and
other loaded files from outside the site.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import yaml
from mkdocs.exceptions import PluginError

from publishing import step_cache
from publishing.data_files import parse_yaml
from publishing.sanitise import ALLOWED_TAGS, GLOBAL_ATTRIBUTES, TAG_ATTRIBUTES, THEME_NAMES, inside_site, link_target

SITE_MARKERS = re.compile(r"<!--\s*gp:[a-z-]+\s*-->")
FENCE_OPEN = re.compile(r"^ {0,3}(`{3,}(?=[^`]*$)|~{3,})")
INLINE_CODE = re.compile(r"(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.S)
TAG = re.compile(r"<\s*(/?)\s*([a-zA-Z][\w:-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>", re.S)
ODD_MARKUP = re.compile(r"<!--|<!\[CDATA\[|<\?|<![a-zA-Z]")
ATTRIBUTE = re.compile(r"([^\s\"'>/=]+)(?:\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s\"'>]+))?")
MD_LINK = re.compile(r"(!?)\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]*)>?")
MD_REFERENCE = re.compile(r"^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.M)
AUTOLINK = re.compile(r"<([a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>]*)>")
ATTR_LIST = re.compile(r"\{:?\s*([^}\n]*)\}")
HTML_BLOCK = re.compile(r"^ {0,3}///\s*html\s*\|\s*([^\n]+)\n((?:[ \t]+\S[^\n]*\n)*)", re.M)
LOADED = {"src", "srcset", "poster", "data", "action", "formaction", "background", "xlink:href", "cite"}


def without_code(text: str) -> str:
    """The text with code blanked out (same length, same line breaks), so offsets keep lines."""
    lines = text.splitlines(keepends=True)
    out, fence = [], None
    for line in lines:
        if fence is None:
            opener = FENCE_OPEN.match(line)
            if opener:
                fence = opener.group(1)
                out.append("\n" if line.endswith("\n") else "")
                continue
            out.append(line)
        else:
            if re.match(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}\s*$", line):
                fence = None
            out.append("\n" if line.endswith("\n") else "")
    blanked = "".join(out)
    return INLINE_CODE.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), blanked)


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def attribute_problems(tag: str, attributes: dict[str, str]) -> list[str]:
    found = []
    allowed = GLOBAL_ATTRIBUTES | TAG_ATTRIBUTES.get(tag, set()) | {"markdown"}
    for name, value in attributes.items():
        lower = name.lower()
        if lower.startswith("on"):
            found.append(f"event attribute '{name}' runs code; content cannot run code")
        elif lower == "style":
            found.append("'style' is not allowed (it can load images from other sites); use a "
                         "class styled in overrides/assets/stylesheets/site.css")
        elif lower in ("id", "class") and any(THEME_NAMES.match(v) for v in value.split()):
            found.append(f"{lower} '{value}' belongs to the theme or the site (names starting with "
                         "__, md- or gp-); choose another name")
        elif lower == "href" and link_target(value) is None:
            found.append(f"link '{value[:60]}' is not allowed: write a relative address, #…, "
                         "or a full http(s):// address")
        elif lower in LOADED and (lower != "src" or inside_site(value) is None):
            found.append(f"'{name}={value[:60]}' would load something from outside the site (a "
                         "tracker for readers); put the file in docs/ and link it relatively")
        elif lower not in allowed:
            found.append(f"attribute '{name}' is not allowed on <{tag}>")
    return found


def _parse_attributes(text: str) -> dict[str, str]:
    """Attribute values as a browser reads them (entities decoded: java&Tab;script: is javascript:)."""
    return {name: html.unescape(value.strip("\"'")) if value else "" for name, value in ATTRIBUTE.findall(text)}


def markdown_problems(text: str, source: str) -> list[str]:
    """Every construct in a page's Markdown that the sanitiser would remove or refuse,
    as 'file:line: reason; what to write instead'."""
    problems: list[tuple[int, str]] = []
    plain = without_code(text)
    plain = SITE_MARKERS.sub(lambda m: " " * len(m.group(0)), plain)
    for match in AUTOLINK.finditer(plain):  # <https://…> is a Markdown link, not an HTML tag
        if link_target(match.group(1)) is None:
            problems.append((_line(plain, match.start()), f"link '{match.group(1)[:60]}' is not allowed"))
    plain = AUTOLINK.sub(lambda m: " " * len(m.group(0)), plain)
    for match in ODD_MARKUP.finditer(plain):
        problems.append((_line(plain, match.start()), "comments, CDATA and <!…> are not allowed in content "
                                                      "(browsers and checkers read them differently); delete it"))
    for match in TAG.finditer(plain):
        closing, name, attributes = match.groups()
        if closing:
            continue
        line = _line(plain, match.start())
        if name.lower() not in ALLOWED_TAGS:
            problems.append((line, f"<{name}> is not allowed in content (it can run code, load something "
                                   "or change the page); write Markdown instead"))
        for problem in attribute_problems(name.lower(), _parse_attributes(attributes)):
            problems.append((line, problem))
    for match in MD_LINK.finditer(plain):
        bang, url = match.groups()
        ok = inside_site(url) if bang else link_target(url)
        if url and ok is None:
            what = "image from outside the site (a tracker for readers); put it in docs/" if bang else \
                "link: write a relative address, #…, or a full http(s):// address"
            problems.append((_line(plain, match.start()), f"'{url[:60]}': not allowed as an {what}"))
    for match in MD_REFERENCE.finditer(plain):
        if link_target(match.group(1)) is None:
            problems.append((_line(plain, match.start()), f"link '{match.group(1)[:60]}' is not allowed"))
    for match in ATTR_LIST.finditer(plain):
        if "=" in match.group(1) or "#" in match.group(1) or "." in match.group(1):
            parts = match.group(1)
            attributes = _parse_attributes(re.sub(r"(^|\s)[#.][\w-]+", " ", parts))
            ids = re.findall(r"(?:^|\s)#([\w-]+)", parts)
            classes = re.findall(r"(?:^|\s)\.([\w-]+)", parts)
            if ids:
                attributes["id"] = " ".join(ids)
            if classes:
                attributes["class"] = " ".join(classes)
            for problem in attribute_problems("*", attributes):
                problems.append((_line(plain, match.start()), problem))
    for match in HTML_BLOCK.finditer(plain):
        line = _line(plain, match.start())
        spec = match.group(1).strip()
        name = (re.match(r"[a-zA-Z][\w-]*", spec) or [""])[0].lower()
        if name not in ALLOWED_TAGS:
            problems.append((line, f"/// html | {name}: <{name}> is not allowed in content"))
        options = {}
        try:
            options = parse_yaml(re.sub(r"^[ \t]+", "", match.group(2), flags=re.M)) or {}
        except yaml.YAMLError:
            problems.append((line, "/// html options are not valid YAML"))
        attributes = options.get("attrs") if isinstance(options, dict) else None
        if isinstance(attributes, dict):
            for problem in attribute_problems(name, {str(k): str(v) for k, v in attributes.items()}):
                problems.append((line, problem))
        for token in re.findall(r"([.#])([\w-]+)", spec[len(name):]):
            if THEME_NAMES.match(token[1]):
                problems.append((line, f"'{token[1]}' belongs to the theme or the site; choose another name"))
    return [f"{source}:{line}: {message}" for line, message in sorted(set(problems))]


def on_page_markdown(markdown, page, config, files):
    source = f"{Path(config.docs_dir).name}/{page.file.src_uri}"
    text = Path(page.file.abs_src_path).read_text(encoding="utf-8")
    # the same file, unchanged, checked by the same code finds the same problems: kept between builds
    problems = json.loads(step_cache.text_step("safety", text, (source,),
                                               lambda: json.dumps(markdown_problems(text, source))))
    if problems:
        raise PluginError(
            "Content that the site would refuse or remove stopped the build (readers must never "
            "run code or load trackers):\n  " + "\n  ".join(problems))
    return markdown
