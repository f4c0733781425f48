"""The friendly layer: a translator's Markdown that the sanitiser would refuse is named with file
and line, before anything is built (hooks/safety.py). The boundary itself is tested in
test_sanitise.py."""

from __future__ import annotations

import pytest

from hooks.safety import markdown_problems

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
    ("![pixel](https://tracker.example/pixel.gif)", "outside the site", 0),
    ('<img src="//cdn.example/x.png" alt="x">', "outside the site", 0),
    ('<link rel="stylesheet" href="https://cdn.example/x.css">', "<link>", 0),
    ('A paragraph.\n{: onclick="x()" }', "onclick", 1),
    ("/// html | script\nalert(1)\n///", "<script>", 0),
    ("[ref]: javascript:alert(1)", "javascript:", 0),
    ('<a href=" JaVaScRiPt:alert(1)">x</a>', "not allowed", 0),
    ('<form action="https://x.example"><input name="q"></form>', "<form>", 0),
    # the security review's bypasses of the old line-by-line check (M4, C1, C3, H1)
    ("<script\n>alert(1)</script>", "<script>", 0),
    ('<img src=a.png\nsrcset="a.png 1x, https://t.example/p6.png 2x">', "srcset", 0),
    ('<a\nrel="attachment" href="fi&#9;le:///proc/self/environ">x</a>', "rel", 0),
    ("<!--><script\n>window.x=1</script>-->", "comments", 0),
    ("<![CDATA[><script\n>window.x=2</script>]]>", "CDATA", 0),
    ('<noscript\n><p title="</noscript><script>x</script>"></p></noscript>', "<noscript>", 0),
    ("```x``` is inline code\n\n<script>alert(2)</script>", "<script>", 2),
    ('/// html | a\n    attrs: {rel: attachment, href: "fi\tle:///proc/self/environ"}\nx\n///', "rel", 0),
    ('<div id="__config">{}</div>', "__config", 0),
    ('<div data-md-component="palette">x</div>', "data-md-component", 0),
    ('A paragraph.\n{: #__config }', "__config", 1),
    ('<a href="java&Tab;script:alert(1)">x</a>', "not allowed", 0),
    ('<img src="\\\\t.example\\p1.png">', "outside the site", 0),
    ("![p](https:t.example/p5.png)", "outside the site", 0),
    ('<a href="#x" class="gp-quick-exit">Exit</a>', "gp-quick-exit", 0),
    # an impossible date in the options was a ValueError: a traceback that named no file
    ("/// html | div\n    attrs: {data-when: 2026-13-40}\nx\n///", "not valid YAML", 0),
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


def test_the_sites_own_markers_are_not_content_comments():
    assert markdown_problems("---\ntitle: t\n---\n\n<!-- gp:corrections -->\n", "docs/en/x.md") == []
