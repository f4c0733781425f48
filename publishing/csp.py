"""Content-Security-Policy: hashes derived from the templates, never from the output.

The browser must run only what the site itself wrote. Content is sanitised (no script survives
it), and the CSP is the second wall. Its hashes must therefore not be taken from whatever
``<script>`` text is in the final page: an injected script would be hashed and allowed.

How it works:

1. When the theme's Jinja environment is made, :class:`MarkingLoader` adds an attribute to every
   inline ``<script>`` and ``<style>`` written in a template's *source* (Material's and ours),
   whose value is a per-build random token the templates print from a global variable
   (:func:`install`). Content never passes through a template's source, so it cannot carry the
   token; and the sources stay the same from build to build, so Jinja may cache them compiled.
2. Last of all (after every step that changes pages, PDF download boxes included; see
   publishing/pipeline.py), :func:`protect` parses each built page with an HTML5 parser
   (lexbor, via selectolax: the elements a browser would see), requires every inline script and
   style to carry the token (an unknown one stops the build, naming the page), hashes them,
   removes the token and puts the policy in a ``<meta http-equiv>`` right after the charset.
3. ``site/_headers`` and ``site/_nginx-headers.conf`` carry the same policy with the hashes of
   every page, plus the headers a meta tag cannot set (``extra.security`` in mkdocs.yml).

Content tables may align columns: the sanitiser keeps only ``style="text-align:left|center|right"``,
three fixed values whose hashes are allowed with ``'unsafe-hashes'`` (computed from that rule,
not from pages).
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from pathlib import Path

import jinja2
from selectolax.lexbor import LexborHTMLParser

TOKEN_ATTRIBUTE = "data-gp-trusted"
EXECUTABLE_TYPES = ("", "text/javascript", "application/javascript", "module")
ALIGNMENT_STYLES = ("text-align:left", "text-align:center", "text-align:right")
_TEMPLATE_INLINE = re.compile(r"<(script|style)(?=[\s>])(?![^>]*\ssrc=)", re.I)
# meta CSP cannot carry these; the header files do
META_UNSUPPORTED = ("frame-ancestors", "report-uri", "report-to", "sandbox")


class UnknownInlineCode(RuntimeError):
    pass


TOKEN_VARIABLE = "_gp_csp_token"


class MarkingLoader(jinja2.BaseLoader):
    """A template loader that marks the inline scripts and styles written in template sources."""

    MARK = f'{TOKEN_ATTRIBUTE}="{{{{ {TOKEN_VARIABLE} }}}}"'

    def __init__(self, inner: jinja2.BaseLoader):
        self.inner = inner

    def get_source(self, environment, template):
        source, filename, uptodate = self.inner.get_source(environment, template)
        if template.endswith((".html", ".xml")):
            source = _TEMPLATE_INLINE.sub(lambda m: f"<{m.group(1)} {self.MARK}", source)
        return source, filename, uptodate

    def list_templates(self):
        return self.inner.list_templates()


def install(env: jinja2.Environment, token: str) -> None:
    """Mark the inline code of ``env``'s templates with this build's ``token``."""
    if not isinstance(env.loader, MarkingLoader):
        env.loader = MarkingLoader(env.loader)
    env.globals[TOKEN_VARIABLE] = token


def new_token() -> str:
    return secrets.token_hex(12)


def sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def policy(directives: dict[str, list[str]], scripts=(), styles=(), exclude=()) -> str:
    merged = {name: list(values) for name, values in directives.items() if name not in exclude}
    merged.setdefault("script-src", ["'self'"]).extend(sorted(set(scripts)))
    style = merged.setdefault("style-src", ["'self'"])
    style.extend(sorted(set(styles)))
    style.extend(["'unsafe-hashes'"] + [sha256(value) for value in ALIGNMENT_STYLES])
    return "; ".join(f"{name} {' '.join(values)}".strip() for name, values in merged.items())


def inline_code(html: str, token: str, where: str) -> tuple[set[str], set[str]]:
    """Hashes of the page's inline scripts and styles, all of which must carry ``token``."""
    scripts, styles = set(), set()
    tree = LexborHTMLParser(html)
    for node in tree.css("script, style"):
        attributes = node.attributes
        if node.tag == "script" and ("src" in attributes
                                     or (attributes.get("type") or "").strip().lower() not in EXECUTABLE_TYPES):
            continue
        body = node.text(deep=True)
        if attributes.get(TOKEN_ATTRIBUTE) != token:
            raise UnknownInlineCode(
                f"{where}: an inline <{node.tag}> that no template wrote ({body[:60]!r}…). "
                "Only the theme's and overrides/' own scripts may run; the build stops.")
        (scripts if node.tag == "script" else styles).add(sha256(body))
    return scripts, styles


def protect(html: str, directives: dict, token: str, where: str) -> tuple[str, set[str], set[str]]:
    """The page with its CSP meta tag and without the template marks; and its hashes."""
    scripts, styles = inline_code(html, token, where)
    html = html.replace(f' {TOKEN_ATTRIBUTE}="{token}"', "")
    meta = policy(directives, scripts, styles, exclude=META_UNSUPPORTED)
    tag = f'<meta http-equiv="Content-Security-Policy" content="{meta}">'
    html, found = re.subn(r"<meta charset=\"?utf-8\"?\s*/?>", lambda m: m.group(0) + tag, html, count=1, flags=re.I)
    if not found:
        raise UnknownInlineCode(f"{where}: no <meta charset=\"utf-8\"> to put the Content-Security-Policy after")
    return html, scripts, styles


# --------------------------------------------------------------------------- header files

_SAFE_HEADER = re.compile(r"^[A-Za-z0-9-]+$")
_SAFE_VALUE = re.compile(r"^[\x20-\x7e]*$")


def header_lines(settings: dict, scripts, styles) -> list[tuple[str, str]]:
    lines = [("Content-Security-Policy", policy(settings.get("csp") or {}, scripts, styles))]
    lines += [(str(name), str(value)) for name, value in (settings.get("headers") or {}).items()]
    for name, value in lines:
        # nginx interpolates $variables and ends a quoted value at "; keep header files inert
        if not _SAFE_HEADER.match(name) or not _SAFE_VALUE.match(value) or any(c in value for c in '"\\$'):
            raise ValueError(f"mkdocs.yml extra.security: header {name!r} has characters a header file "
                             "cannot carry safely (\" \\ $ or non-ASCII)")
    return lines


def write_header_files(site: Path, lines: list[tuple[str, str]]) -> None:
    (site / "_headers").write_text(
        "# Security headers for static hosts that read _headers (Netlify, Cloudflare Pages …).\n"
        "/*\n" + "".join(f"  {name}: {value}\n" for name, value in lines), encoding="utf-8")
    (site / "_nginx-headers.conf").write_text(
        "# Security headers for nginx. Copy this file outside the web root after checking the\n"
        "# release, and include it from there (see deploy/ and README, \"Mirrors\").\n"
        + "".join(f'add_header {name} "{value}" always;\n' for name, value in lines), encoding="utf-8")
