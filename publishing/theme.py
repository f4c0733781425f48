"""The theme's Jinja environment, made safe to print contributed text.

MkDocs makes its Jinja environment with autoescape off, so anything a template printed from
front matter, data/*.yml or the navigation was raw HTML: one hostile title ran script on every
page of its language. :func:`prepare` turns autoescape on for every template (Material's and
ours); the few values that are HTML by design are :class:`markupsafe.Markup` where they are made
(a page's content after the sanitiser, the download boxes rendered by templates) or marked
``| safe`` in the template that prints them. It also installs the loader that marks the
templates' own inline scripts for the CSP (publishing/csp.py) and the filters our templates use.
"""

from __future__ import annotations

import jinja2

from publishing import csp, languages, strings
from publishing.data_files import ROOT

# Compiled templates, kept between builds: compiling Material's and our 56 templates again for
# each language took a quarter of a one-language preview build. Jinja checks each entry against
# the template's source, so an edited template is compiled again.
BYTECODE_CACHE = ROOT / ".cache" / "jinja"


def prepare(env, config, token: str):
    """Autoescape, CSP marking, compiled-template cache and our filters on a theme environment
    (MkDocs' on_env)."""
    env.autoescape = True
    csp.install(env, token)
    BYTECODE_CACHE.mkdir(parents=True, exist_ok=True)
    env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(BYTECODE_CACHE))
    site_languages = languages.of(config)
    settings = config.extra.get("locales") or {}

    def localdate(value, code: str) -> str:
        return strings.format_date(value, site_languages[code], site_languages, settings)

    def digits(value, code: str) -> str:
        return site_languages[code].localise_digits(str(value))

    def size(value, code: str) -> str:
        return strings.human_size(int(value), site_languages[code], settings)

    env.filters["localdate"] = localdate
    env.filters["digits"] = digits
    env.filters["size"] = size
    return env
