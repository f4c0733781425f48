"""Typography of each language, applied to the rendered text of its pages (web and PDF alike).

One job: the typographic conventions a careful typesetter applies, so that translators can type
ordinary text.

* French: the non-breaking spaces French requires — a narrow one before « ; ! ? », inside
  « guillemets » and a normal one before « : » — so that the sign never starts a new line.
* Dari: a run of Latin text inside a right-to-left sentence (a document symbol such as
  A/HRC/53/21, an article number 7(1)(h), an English name in brackets) is isolated in ``<bdi>``,
  so that the bidirectional algorithm cannot reorder its parts or its brackets; footnote numbers
  are shown in Persian digits.

Only text outside code, existing isolates and elements marked ``dir="ltr"`` is touched. Pages
shown in English in place of a missing translation are left as English.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, NavigableString

SKIP = {"code", "pre", "kbd", "samp", "script", "style", "bdi", "math", "svg"}

# --------------------------------------------------------------------------- French

NNBSP, NBSP = "\u202f", "\u00a0"
_FRENCH_RULES = [
    (re.compile(r"[ \u00a0]+([;!?])"), NNBSP + r"\1"),
    (re.compile(r"[ \u202f]+:(?=\s|$)"), NBSP + ":"),
    (re.compile(r"«[ \u00a0]*"), "«" + NNBSP),
    (re.compile(r"[ \u00a0]*»"), NNBSP + "»"),
]


def french(text: str) -> str:
    for pattern, replacement in _FRENCH_RULES:
        text = pattern.sub(replacement, text)
    return text


# --------------------------------------------------------------------------- Dari

PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
# A Latin run: starts with a Latin letter or digit (or an opening bracket before one), may hold
# spaces and the punctuation of identifiers, and ends with a letter, digit or closing bracket.
_LATIN_RUN = re.compile(
    r"\(?[A-Za-z0-9][A-Za-z0-9À-ÿ\u2019'’.,:;/()\[\]&+\-–—_ ]*[A-Za-z0-9À-ÿ)\]]|\(?[A-Za-z]"
)
_HAS_LETTER = re.compile(r"[A-Za-z]")


def _balanced(run: str) -> str:
    """Drop an unmatched bracket at either end: it belongs to the Persian sentence around it."""
    if run.startswith("(") and run.count("(") > run.count(")"):
        run = run[1:]
    if run.endswith(")") and run.count(")") > run.count("("):
        run = run[:-1]
    return run


def _isolate_latin(node: NavigableString, soup: BeautifulSoup) -> None:
    text = str(node)
    pieces, last = [], 0
    for match in _LATIN_RUN.finditer(text):
        run = match.group(0)
        if not _HAS_LETTER.search(run):
            continue  # bare numbers stay in the flow (Persian text uses Persian digits)
        core = _balanced(run)
        start = match.start() + run.index(core)
        end = start + len(core)
        pieces.append(text[last:start])
        bdi = soup.new_tag("bdi")
        bdi.string = core
        pieces.append(bdi)
        last = end
    if not pieces:
        return
    pieces.append(text[last:])
    for piece in pieces:
        node.insert_before(piece if not isinstance(piece, str) else NavigableString(piece))
    node.extract()


def _skipped(node) -> bool:
    for parent in node.parents:
        if parent.name in SKIP or parent.get("dir") == "ltr":
            return True
    return False


def dari(html: str) -> str:
    soup = BeautifulSoup(html, "html.parser")
    for node in list(soup.find_all(string=True)):
        if node.__class__ is NavigableString and not _skipped(node):
            _isolate_latin(node, soup)
    for ref in soup.select("a.footnote-ref, sup[id^='fnref'] a"):
        if ref.string:
            ref.string.replace_with(ref.string.translate(PERSIAN_DIGITS))
    return str(soup)


def french_html(html: str) -> str:
    soup = BeautifulSoup(html, "html.parser")
    for node in list(soup.find_all(string=True)):
        if node.__class__ is NavigableString and not _skipped(node):
            fixed = french(str(node))
            if fixed != str(node):
                node.replace_with(fixed)
    return str(soup)


# --------------------------------------------------------------------------- MkDocs events


def on_page_content(html, page, config, files):
    i18n = config.plugins.get("i18n")
    language = i18n.current_language if i18n is not None else "en"
    if not page.file.src_uri.startswith(f"{language}/"):
        return html  # English text shown in place of a missing translation
    if language == "fa":
        return dari(html)
    if language == "fr":
        return french_html(html)
    return html
