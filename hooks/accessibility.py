"""Accessibility of rendered content where Markdown extensions fall short.

One job. pymdownx.tasklist renders checklist boxes as unlabeled, disabled checkboxes: a screen
reader announces "checkbox, not checked" with no name (axe: label, critical). Each box gets the
text of its list item as its accessible name.
"""

from __future__ import annotations

from bs4 import BeautifulSoup


def label_checkboxes(html: str) -> str:
    if "task-list-control" not in html:
        return html
    soup = BeautifulSoup(html, "html.parser")
    for box in soup.select("li.task-list-item input[type=checkbox]"):
        item = box.find_parent("li")
        name = " ".join(item.get_text(" ", strip=True).split())
        box["aria-label"] = name[:200]
    return str(soup)


def on_page_content(html, page, config, files):
    return label_checkboxes(html)
