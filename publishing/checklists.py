"""Checklist boxes with a name a screen reader can announce.

pymdownx.tasklist renders each box as an unlabelled, disabled checkbox: a screen reader says
"checkbox, not checked" and nothing else (axe: label, critical). Each box gets the text of its
own list item (not of the lists nested in it) as its accessible name.
"""

from __future__ import annotations

import html as html_lib

from publishing.html_text import TAG_NAME, attributes, pieces, set_attribute


def label(html: str) -> str:
    if "task-list-item" not in html:
        return html
    out: list[str] = []
    open_items: list[dict] = []  # one per open <li>: is it a task item, its text, its box

    def add_text(chunk: str) -> None:
        if open_items and open_items[-1]["task"]:
            open_items[-1]["text"].append(chunk)

    for kind, token in pieces(html):
        out.append(token)
        if kind == "text":
            add_text(token)
        if kind != "tag":
            continue
        name = TAG_NAME.match(token).group(1).lower()
        if name == "li" and not token.startswith("</"):
            open_items.append({"task": "task-list-item" in attributes(token).get("class", ""),
                               "text": [], "box": None})
        elif name == "li" and open_items:
            item = open_items.pop()
            if item["task"] and item["box"] is not None:
                words = " ".join(html_lib.unescape(" ".join(item["text"])).split())
                out[item["box"]] = set_attribute(out[item["box"]], "aria-label", words[:200])
        elif name == "input" and open_items and open_items[-1]["task"] and open_items[-1]["box"] is None:
            open_items[-1]["box"] = len(out) - 1
        elif name in ("ul", "ol") and not token.startswith("</") and open_items:
            open_items.append({"task": False, "text": [], "box": None, "list": True})
        elif name in ("ul", "ol") and open_items and open_items[-1].get("list"):
            open_items.pop()
    return "".join(out)
