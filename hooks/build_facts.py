"""What a build states about itself, for templates: the release and the build day.

One job. ``release`` (number, date, public key, short fingerprint: publishing/release_facts.py)
for the verify page; ``build_day`` (ISO date of the build, publishing/build_date.py) for notices
that depend on the date, such as advice past its review date.
"""

from __future__ import annotations

from mkdocs.exceptions import PluginError

from publishing import build_date, release_facts


def on_config(config):
    try:
        release_facts.release(config)  # a bad release number or key stops the build here, clearly
    except ValueError as error:
        raise PluginError(f"mkdocs.yml: {error}") from None


def _facts(context, config):
    context["release"] = release_facts.release(config)
    context["build_day"] = build_date.day().isoformat()
    return context


def on_page_context(context, page, config, nav):
    return _facts(context, config)


def on_template_context(context, template_name, config):
    return _facts(context, config)
