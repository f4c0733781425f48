"""Valid HTML: mend the few invalid constructs in Material's templates (Nu HTML Checker).

One job. Material 9.8 writes ``autocomplete="off"`` on its checkbox toggles (valid only on text
inputs) and an empty ``tabindex=""`` on navigation labels; on section index pages it labels a
table-of-contents toggle (``for="__toc"``) that it did not render. Neither is in a template block we can
override, so the rendered page is corrected: the toggles are not form fields anyone fills in,
and an empty tabindex means the same as none.
"""

from __future__ import annotations

import re

from mkdocs.plugins import event_priority

TOGGLE_AUTOCOMPLETE = re.compile(r'(<input class="md-toggle"[^>]*type="checkbox"[^>]*?) autocomplete="off"')
EMPTY_TABINDEX = re.compile(r' tabindex=""')


def mend(html: str) -> str:
    html = TOGGLE_AUTOCOMPLETE.sub(r"\1", html)
    html = EMPTY_TABINDEX.sub("", html)
    if 'id="__toc"' not in html:
        html = html.replace(' for="__toc"', "")
    return html


@event_priority(-50)
def on_post_page(output, page, config):
    return mend(output)
