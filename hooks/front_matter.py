"""Front matter of every page: valid YAML with the fields that readers and tools rely on.

MkDocs silently treats front matter that is not valid YAML as page text, so a translator's
unquoted colon would publish the raw YAML. This hook stops the build instead, naming the file
and line and saying how to fix it. Required on every page: ``title``, ``description`` and
``last_reviewed`` (a date, YYYY-MM-DD), except the standalone pages (``template: 404.html`` or ``neutral.html``).

* ``title`` and ``description`` are plain text: ``<`` or ``>`` (also written as a YAML escape
  such as ``\x3C``) stops the build; the theme prints them in every page of the language.
* ``review_by`` (a date) says when time-sensitive advice must be checked again: after
  ``last_reviewed`` and within a year of it. Pages under a path listed in
  ``extra.review_dates.required`` (mkdocs.yml) must have one; readers see it, and after that
  date a notice that the advice may be out of date (publishing/review_dates.py).
"""

from __future__ import annotations

import datetime as _dt
import re
from pathlib import Path

import yaml
from mkdocs.plugins import get_plugin_logger

from publishing import languages
from publishing.data_files import parse_yaml, yaml_mistake

log = get_plugin_logger("front_matter")

FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)---[ \t]*\n", re.S)
REQUIRED = ("title", "description", "last_reviewed")
# pages that are not publications' text (no review date to show): page not found, the quick
# exit's neutral page
STANDALONE_TEMPLATES = ("404.html", "neutral.html")
_reported: set[str] = set()


def problems_in(text: str, review_required: bool = False) -> list[tuple[int, str]]:
    """(line, message) for every problem in the front matter of a page's Markdown source."""
    match = FRONT_MATTER.match(text)
    if not match:
        return [(1, "no front matter: start the page with a '---' block holding title, "
                    "description and last_reviewed")]
    try:
        data = parse_yaml(match.group(1))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 2  # +1 for the '---' line, +1 one-based
        return [(line, f"front matter is {yaml_mistake(error)}")]
    if not isinstance(data, dict):
        return [(2, "front matter must be a mapping of 'key: value' lines")]
    if data.get("template") in STANDALONE_TEMPLATES:
        return []
    found = []
    lines = match.group(1).splitlines()

    def line_of(key: str) -> int:
        return next((n for n, l in enumerate(lines, start=2) if l.startswith(key + ":")), 2)

    for key in REQUIRED:
        value = data.get(key)
        if value in (None, ""):
            found.append((2, f"front matter has no '{key}'"))
    reviewed = data.get("last_reviewed")
    if reviewed not in (None, "") and not isinstance(reviewed, _dt.date):
        found.append((line_of("last_reviewed"), f"last_reviewed must be a date written YYYY-MM-DD, not {reviewed!r}"))
    description = data.get("description")
    if isinstance(description, str) and len(description) > 200:
        found.append((2, f"description is {len(description)} characters; keep it under 200"))
    for key in ("title", "description"):
        value = data.get(key)
        if isinstance(value, str) and ("<" in value or ">" in value):
            found.append((line_of(key), f"{key} contains '<' or '>': write plain text (no HTML)"))
    found += review_problems(data, line_of, review_required)
    return found


def review_problems(data: dict, line_of, required: bool) -> list[tuple[int, str]]:
    review_by, reviewed = data.get("review_by"), data.get("last_reviewed")
    if review_by in (None, ""):
        return [(2, "this page gives time-sensitive advice: add 'review_by: YYYY-MM-DD' (within a year "
                    "of last_reviewed; extra.review_dates.required in mkdocs.yml)")] if required else []
    if not isinstance(review_by, _dt.date):
        return [(line_of("review_by"), f"review_by must be a date written YYYY-MM-DD, not {review_by!r}")]
    if isinstance(reviewed, _dt.date) and not reviewed < review_by <= reviewed + _dt.timedelta(days=366):
        return [(line_of("review_by"), f"review_by ({review_by}) must fall after last_reviewed ({reviewed}) "
                                       "and within a year of it")]
    return []


def on_config(config):
    if not languages.is_inner_build(config):
        _reported.clear()


def review_required(page, config) -> bool:
    prefixes = ((config.extra.get("review_dates") or {}).get("required")) or []
    return languages.source_path(page).startswith(tuple(prefixes))


def on_page_markdown(markdown, page, config, files):
    path = Path(page.file.abs_src_path)
    for line, message in problems_in(path.read_text(encoding="utf-8"), review_required(page, config)):
        where = f"{Path(config.docs_dir).name}/{page.file.src_uri}:{line}"
        if where + message not in _reported:
            _reported.add(where + message)
            log.warning(f"{where}: {message}")
    return markdown
