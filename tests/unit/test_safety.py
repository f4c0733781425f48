"""A translator's or contributor's Markdown cannot run code, load trackers or leak the page read."""

from __future__ import annotations

import pytest

from hooks.safety import html_problems, mark_external_links, markdown_problems

UNSAFE = [
    ("<script>alert(1)</script>", "<script>", 0),
    ('Text <iframe src="https://example.org"></iframe>', "<iframe>", 0),
    ('<object data="x.swf"></object>', "<object>", 0),
    ('<style>body{background:url(https://tracker.example/x.png)}</style>', "<style>", 0),
    ('<p onclick="steal()">hi</p>', "onclick", 0),
    ('<img src="x.png" onerror="steal()">', "onerror", 0),
    ('<span style="background:url(https://t.example/p.gif)">x</span>', "'style'", 0),
    ("[click](javascript:alert(1))", "javascript:", 0),
    ("[file](data:text/html;base64,PHNjcmlwdD4=)", "data:", 0),
    ("![pixel](https://tracker.example/pixel.gif)", "another host", 0),
    ('<img src="//cdn.example/x.png" alt="x">', "another host", 0),
    ('<link rel="stylesheet" href="https://cdn.example/x.css">', "<link>", 0),
    ('A paragraph.\n{: onclick="x()" }', "onclick", 1),
    ("/// html | script\nalert(1)\n///", "<script>", 0),
    ("[ref]: javascript:alert(1)", "javascript:", 0),
    ('<a href=" JaVaScRiPt:alert(1)">x</a>', "javascript:", 0),
    ('<form action="https://x.example"><input name="q"></form>', "<form>", 0),
]


@pytest.mark.parametrize("markdown,reason,line", UNSAFE)
def test_unsafe_content_is_named_with_file_and_line(markdown, reason, line):
    problems = markdown_problems("---\ntitle: t\n---\n\n" + markdown, "docs/fa/x.md")
    assert problems, f"not caught: {markdown}"
    # front matter and a blank line take lines 1-4; `line` is the offending line within the snippet
    assert problems[0].startswith(f"docs/fa/x.md:{5 + line}:"), problems
    assert any(reason in p for p in problems), problems


SAFE = """---
title: Safe
---

# Heading

A [link](other.md#anchor), a [citation](https://www.icc-cpi.int/news/x) and <https://reliefweb.int/report>.
Dari with an identifier: سند <bdi>A/HRC/53/21</bdi> را ببینید.

!!! warning "Careful"
    Text.

| a | b |
|---|---|
| 1 | 2 |

- [ ] a checkbox

/// html | div.timeline
15 August 2021
:   Event.[^1]
///

Code is fine: `<script>` and

```html
<script>not run</script>
```

<div class="grid cards" markdown>
Text
</div>

[^1]: A note.
"""


def test_ordinary_markdown_and_allowed_html_pass():
    assert markdown_problems(SAFE, "docs/en/x.md") == []


def test_rendered_html_is_checked_again():
    assert html_problems('<p>ok</p><script src="x.js"></script>', "x") != []
    assert html_problems('<p><a href="https://x.org">x</a></p>', "x") == []


def test_external_links_do_not_send_the_page_read():
    html = mark_external_links('<a href="https://www.icc-cpi.int/x">c</a> <a href="other.html">o</a>')
    assert 'rel="noopener noreferrer"' in html
    assert '<a href="other.html">' in html
