"""Typography of each language, on every text of the built page (web and PDF alike).

What a careful typesetter does, so that translators can type ordinary text. The step runs on
the whole page, not only the article: navigation, titles, footer, notices, download boxes, meta
descriptions and tooltips are text readers see too. Each text is treated in the language of its
nearest ``lang`` (an English fallback inside a French page stays English), code and raw text
are left alone.

* French: the non-breaking spaces French requires: a narrow one (U+202F) before ; ! ? and inside
  « », a normal one (U+00A0) before : (only where a space was typed, so English titles quoted in
  French text keep their own punctuation); numbers grouped by a narrow no-break space
  ("35 000", never split across lines); no break before % or after n°, p., art., vol., §, in a
  day and month or month and year, or in "1,4 million"; ordinals set as superscripts (1er, 6e).
* Dari: a run of Latin text inside right-to-left text (a document symbol such as A/HRC/53/21, an
  article number 7(1)(h), an English name in brackets) is isolated in ``<bdi>`` so that the
  bidirectional algorithm cannot reorder its parts or brackets; footnote numbers in Persian
  digits.
* Every language: a footnote call is glued to the word before it (U+2060 WORD JOINER), so that a
  note number never starts a line alone.
"""

from __future__ import annotations

import re

from publishing.html_text import Context, transform

NNBSP, NBSP, WORD_JOINER = "\u202f", "\u00a0", "\u2060"
SKIP = {"code", "pre", "kbd", "samp", "script", "style", "bdi", "svg", "math"}
# attributes whose value is text a reader sees or hears
TEXT_ATTRIBUTES = ("title", "aria-label", "alt", "placeholder")

# --------------------------------------------------------------------------- French

MONTHS = "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
_FRENCH_RULES = [
    (re.compile(r"[ \u00a0]+([;!?])"), NNBSP + r"\1"),
    (re.compile(r"[ \u202f]+:(?=[\s\u00a0\u202f]|$|&nbsp;)"), NBSP + ":"),
    (re.compile(r"«[ \u00a0]*"), "«" + NNBSP),
    (re.compile(r"[ \u00a0]*»"), NNBSP + "»"),
    # 35 000, 1 000 000: digits grouped by threes
    (re.compile(r"(?<=\d)[ \u00a0](?=\d{3}(?!\d))"), NNBSP),
    (re.compile(r"(?<=\d)[ \u00a0]?%"), NNBSP + "%"),
    (re.compile(r"(?<![\w.])(n°|nº|no|p\.|pp\.|art\.|arts\.|vol\.|§|chap\.|aff\.) (?=\d)"), r"\1" + NBSP),
    (re.compile(rf"(?<=\d)(er|re)? (?=(?:{MONTHS})\b)"), lambda m: (m.group(1) or "") + NBSP),
    (re.compile(rf"\b({MONTHS}) (?=\d{{4}}\b)"), r"\1" + NBSP),
    (re.compile(r"(?<=\d) (?=(?:million|milliard)s?\b)"), NBSP),
]
ORDINAL = re.compile(r"(?<![\w.,/\-\u2011])(\d{1,4})(er|re|ers|res|e|es)(?=[\s\u00a0\u202f,;.:)]|$)")


def french(text: str) -> str:
    """French spacing on plain text (no markup is added)."""
    for pattern, replacement in _FRENCH_RULES:
        text = pattern.sub(replacement, text)
    return text


def french_markup(text: str) -> str:
    """French spacing and superscript ordinals on a text token of HTML."""
    return ORDINAL.sub(r"\1<sup>\2</sup>", french(text))


# --------------------------------------------------------------------------- Dari

# A Latin run: starts with a Latin letter or digit (or an opening bracket before one), may hold
# spaces and the punctuation of identifiers, and ends with a letter, digit or closing bracket.
_LATIN_RUN = re.compile(
    r"\(?[A-Za-z0-9][A-Za-z0-9À-ÿ\u2019'’.,:;/()\[\]&+\-–—_ ]*[A-Za-z0-9À-ÿ)\]]|\(?[A-Za-z]"
)
_HAS_LETTER = re.compile(r"[A-Za-z]")
_ENTITY = re.compile(r"&[a-zA-Z]+;|&#\d+;|&#x[0-9a-fA-F]+;")


def _balanced(run: str) -> str:
    """Drop an unmatched bracket at either end: it belongs to the Persian sentence around it."""
    if run.startswith("(") and run.count("(") > run.count(")"):
        run = run[1:]
    if run.endswith(")") and run.count(")") > run.count("("):
        run = run[:-1]
    return run


def isolate_latin(text: str) -> str:
    """A Dari text token with every Latin run wrapped in <bdi> (entities left intact)."""
    if not _HAS_LETTER.search(_ENTITY.sub("", text)):
        return text
    pieces, last = [], 0
    for match in _LATIN_RUN.finditer(text):
        run = match.group(0)
        if not _HAS_LETTER.search(run) or _ENTITY.fullmatch(run.strip()):
            continue
        # never cut an entity (&amp; …) in two
        start, end = match.start(), match.end()
        if any(e.start() < start < e.end() or e.start() < end < e.end() for e in _ENTITY.finditer(text)):
            continue
        core = _balanced(run)
        start = match.start() + run.index(core)
        end = start + len(core)
        pieces.append(text[last:start])
        pieces.append(f"<bdi>{core}</bdi>")
        last = end
    if not pieces:
        return text
    pieces.append(text[last:])
    return "".join(pieces)


# --------------------------------------------------------------------------- the step


def _language_of(context: Context, page_language: str) -> str:
    return context.nearest("lang", page_language).split("-")[0].lower()


def apply(html: str, page_language: str, digits: str = "0123456789") -> str:
    """Typography on a whole built page whose <html lang> is ``page_language``.

    ``digits``: the page language's digits (footnote numbers are shown in them)."""
    localise = str.maketrans("0123456789", digits)

    def text(token: str, context: Context) -> str:
        if not token.strip() or context.inside(SKIP):
            return token
        language = _language_of(context, page_language)
        in_title = context.inside({"title", "option", "textarea"})
        if language == "fr":
            return french(token) if in_title else french_markup(token)
        if language == "fa" and not in_title:
            if "footnote-ref" in context.classes():
                return token.translate(localise)
            return isolate_latin(token)
        return token

    def tag(token: str, context: Context) -> str:
        language = _language_of(context, page_language)
        if language == "fr" and any(f'{name}="' in token for name in TEXT_ATTRIBUTES + ("content",)):
            token = re.sub(r'(\s(?:title|aria-label|alt|placeholder|content)=")([^"]*)(")',
                           lambda m: m.group(1) + french(m.group(2)) + m.group(3), token)
        if token.startswith("<sup") and 'id="fnref' in token:
            return WORD_JOINER + token
        return token

    return transform(html, text=text, tag=tag)
