"""Hardened pages: a Content-Security-Policy in every page, and header files for mirrors.

One job: the browser refuses anything the site did not ship itself.

* Every HTML page gets a ``<meta http-equiv="Content-Security-Policy">`` right after its charset:
  the policy in ``extra.security.csp`` (mkdocs.yml), with the SHA-256 of each inline script and
  style of that very page (Material's small inline scripts differ with the page's depth), so no
  ``'unsafe-inline'`` and no ``'unsafe-eval'`` are needed.
* After the build, ``site/_headers`` (Netlify, Cloudflare Pages and similar hosts) and
  ``site/_nginx-headers.conf`` (``include`` it in an nginx server block, see README) carry the
  same policy — with the hashes of every page — plus HSTS, ``X-Content-Type-Options``,
  ``Referrer-Policy``, ``Permissions-Policy`` and frame protection, which a meta tag cannot set.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

from mkdocs.plugins import event_priority

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", re.S)
INLINE_STYLE = re.compile(r"<style[^>]*>(.*?)</style>", re.S)
CHARSET = re.compile(r"<meta charset=\"utf-8\">", re.I)
EXECUTABLE_TYPES = ("", "text/javascript", "application/javascript", "module")

_hashes: dict[str, set[str]] = {"script": set(), "style": set()}


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def inline_hashes(html: str) -> tuple[list[str], list[str]]:
    scripts = []
    for attributes, body in INLINE_SCRIPT.findall(html):
        kind = re.search(r"\btype=\"([^\"]*)\"", attributes)
        if (kind.group(1) if kind else "") in EXECUTABLE_TYPES:
            scripts.append(_sha256(body))
    styles = [_sha256(body) for body in INLINE_STYLE.findall(html)]
    return sorted(set(scripts)), sorted(set(styles))


def policy(settings: dict, scripts, styles) -> str:
    directives = {name: list(values) for name, values in (settings.get("csp") or {}).items()}
    directives.setdefault("script-src", ["'self'"]).extend(scripts)
    directives.setdefault("style-src", ["'self'"]).extend(styles)
    return "; ".join(f"{name} {' '.join(values)}".strip() for name, values in directives.items())


def on_config(config):
    i18n = config.plugins.get("i18n")
    if i18n is None or not getattr(i18n, "building", False):
        for values in _hashes.values():
            values.clear()


def _protect(html: str, config) -> str:
    settings = config.extra.get("security") or {}
    scripts, styles = inline_hashes(html)
    _hashes["script"].update(scripts)
    _hashes["style"].update(styles)
    # meta CSP cannot carry frame-ancestors, report-uri or sandbox; the header files do
    meta_policy = policy({"csp": {k: v for k, v in (settings.get("csp") or {}).items()
                                  if k not in ("frame-ancestors", "report-uri", "sandbox")}},
                         scripts, styles)
    tag = f'<meta http-equiv="Content-Security-Policy" content="{meta_policy}">'
    referrer = '<meta name="referrer" content="no-referrer">'
    return CHARSET.sub(lambda m: m.group(0) + tag + referrer, html, count=1)


@event_priority(-100)  # after every hook that changes the page
def on_post_page(output, page, config):
    return _protect(output, config)


@event_priority(-100)
def on_post_template(output, template_name, config):
    return _protect(output, config) if template_name.endswith(".html") else output


def header_lines(config) -> list[tuple[str, str]]:
    settings = config.extra.get("security") or {}
    headers = [("Content-Security-Policy",
                policy(settings, sorted(_hashes["script"]), sorted(_hashes["style"])))]
    headers += [(name, str(value)) for name, value in (settings.get("headers") or {}).items()]
    return headers


@event_priority(-300)  # after static-i18n has built every language
def on_post_build(config):
    i18n = config.plugins.get("i18n")
    if i18n is not None and getattr(i18n, "building", False):
        return
    site = Path(config.site_dir)
    headers = header_lines(config)
    (site / "_headers").write_text(
        "# Security headers for static hosts that read _headers (Netlify, Cloudflare Pages …).\n"
        "/*\n" + "".join(f"  {name}: {value}\n" for name, value in headers),
        encoding="utf-8",
    )
    (site / "_nginx-headers.conf").write_text(
        "# Security headers for nginx: `include /path/to/site/_nginx-headers.conf;` in the server\n"
        "# block that serves this site (see README, \"Mirrors\").\n"
        + "".join(f'add_header {name} "{value}" always;\n' for name, value in headers),
        encoding="utf-8",
    )
