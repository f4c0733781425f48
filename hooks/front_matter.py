"""Front matter of every page: valid YAML with the fields that readers and tools rely on.

MkDocs silently treats front matter that is not valid YAML as page text, so a translator's
unquoted colon would publish the raw YAML. This hook stops the build instead, naming the file
and line and saying how to fix it. Required on every page: ``title``, ``description`` and
``last_reviewed`` (a date, YYYY-MM-DD), except pages that opt out with ``template: 404.html``.
"""

from __future__ import annotations

import datetime as _dt
import re
from pathlib import Path

import yaml
from mkdocs.plugins import get_plugin_logger

log = get_plugin_logger("front_matter")

FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)---[ \t]*\n", re.S)
REQUIRED = ("title", "description", "last_reviewed")
_reported: set[str] = set()


def problems_in(text: str) -> list[tuple[int, str]]:
    """(line, message) for every problem in the front matter of a page's Markdown source."""
    match = FRONT_MATTER.match(text)
    if not match:
        return [(1, "no front matter: start the page with a '---' block holding title, "
                    "description and last_reviewed")]
    try:
        data = yaml.safe_load(match.group(1))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 2  # +1 for the '---' line, +1 one-based
        reason = getattr(error, "problem", None) or str(error)
        return [(line, f"front matter is not valid YAML ({reason}); put a value that contains "
                       "': ' or starts with a quote in double quotes")]
    if not isinstance(data, dict):
        return [(2, "front matter must be a mapping of 'key: value' lines")]
    if data.get("template") == "404.html":
        return []
    found = []
    lines = match.group(1).splitlines()
    for key in REQUIRED:
        value = data.get(key)
        if value in (None, ""):
            found.append((2, f"front matter has no '{key}'"))
    reviewed = data.get("last_reviewed")
    if reviewed not in (None, "") and not isinstance(reviewed, _dt.date):
        line = next((n for n, l in enumerate(lines, start=2) if l.startswith("last_reviewed")), 2)
        found.append((line, f"last_reviewed must be a date written YYYY-MM-DD, not {reviewed!r}"))
    description = data.get("description")
    if isinstance(description, str) and len(description) > 200:
        found.append((2, f"description is {len(description)} characters; keep it under 200"))
    return found


def on_config(config):
    i18n = config.plugins.get("i18n")
    if i18n is None or not getattr(i18n, "building", False):
        _reported.clear()


def on_page_markdown(markdown, page, config, files):
    path = Path(page.file.abs_src_path)
    for line, message in problems_in(path.read_text(encoding="utf-8")):
        where = f"{Path(config.docs_dir).name}/{page.file.src_uri}:{line}"
        if where + message not in _reported:
            _reported.add(where + message)
            log.warning(f"{where}: {message}")
    return markdown
