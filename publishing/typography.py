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
  digits; no break in a day and month or month and year («۷ دسمبر ۲۰۲۲», «۱۶ قوس ۱۴۰۵») or after
  «مادهٔ» before its number.
* English: no break after p., pp., para., art., No., vol., §, "Article", "Rule" before a number,
  in a day and month or month and year ("6 October 2025"), or in "1.4 million".
* Every language: a footnote call is glued to the word before it (U+2060 WORD JOINER), so that a
  note number never starts a line alone.
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

from publishing.html_text import transform

NNBSP, NBSP, WORD_JOINER = "\u202f", "\u00a0", "\u2060"
SKIP = {"code", "pre", "kbd", "samp", "script", "style", "bdi", "svg", "math"}

# --------------------------------------------------------------------------- French

MONTHS = "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
_PUNCTUATION_RULES = [
    (re.compile(r"[ \u00a0]+([;!?])"), NNBSP + r"\1"),
    (re.compile(r"[ \u202f]+:(?=[\s\u00a0\u202f]|$|&nbsp;)"), NBSP + ":"),
    (re.compile(r"«[ \u00a0\u202f]*"), "«" + NNBSP),
    (re.compile(r"[ \u00a0\u202f]*»"), NNBSP + "»"),
]
_NUMBER_RULES = [
    # 35 000, 1 000 000: digits grouped by threes
    (re.compile(r"(?<=\d)[ \u00a0](?=\d{3}(?!\d))"), NNBSP),
    (re.compile(r"(?<=\d)[ \u00a0]?%"), NNBSP + "%"),
    (re.compile(r"(?<![\w.])(n°|nº|no|p\.|pp\.|art\.|arts\.|vol\.|§|chap\.|aff\.) (?=\d)"), r"\1" + NBSP),
    (re.compile(rf"(?<=\d)(er|re)? (?=(?:{MONTHS})\b)"), lambda m: (m.group(1) or "") + NBSP),
    (re.compile(rf"\b({MONTHS}) (?=\d{{4}}\b)"), r"\1" + NBSP),
    (re.compile(r"(?<=\d) (?=(?:million|milliard)s?\b)"), NBSP),
]
# Each group of rules needs one of these characters; most text has none and is left at once.
_PUNCTUATION = re.compile(r"[;:!?«»]")
_DIGIT = re.compile(r"[0-9]")


def french(text: str) -> str:
    """French spacing on plain text (no markup is added)."""
    if _PUNCTUATION.search(text):
        for pattern, replacement in _PUNCTUATION_RULES:
            text = pattern.sub(replacement, text)
    if _DIGIT.search(text):
        for pattern, replacement in _NUMBER_RULES:
            text = pattern.sub(replacement, text)
    return text


ORDINAL = re.compile(r"(?<![\w.,/\-\u2011])(\d{1,4})(er|re|ers|res|e|es)(?=[\s\u00a0\u202f,;.:)]|$)")


def french_markup(text: str) -> str:
    """French spacing and superscript ordinals on a text token of HTML."""
    text = french(text)
    return ORDINAL.sub(r"\1<sup>\2</sup>", text) if _DIGIT.search(text) else text


# --------------------------------------------------------------------------- English

EN_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_ENGLISH_RULES = [
    (re.compile(r"(?<![\w.])(p\.|pp\.|para\.|paras\.|art\.|arts\.|Art\.|No\.|no\.|vol\.|Vol\.|§|ch\.|"
                r"Article|Articles|article|articles|Rule|Rules|rule|rules|paragraph|paragraphs) (?=\d)"),
     r"\1" + NBSP),
    (re.compile(rf"(?<=\d) (?=(?:{EN_MONTHS})\b)"), NBSP),
    (re.compile(rf"\b({EN_MONTHS}) (?=\d)"), r"\1" + NBSP),
    (re.compile(r"(?<=\d) (?=(?:million|billion)\b)"), NBSP),
]


def english(text: str) -> str:
    """No line break inside a reference, a date or an amount."""
    if not _DIGIT.search(text):
        return text
    for pattern, replacement in _ENGLISH_RULES:
        text = pattern.sub(replacement, text)
    return text


# --------------------------------------------------------------------------- Dari

# the months of the Gregorian calendar as Afghans write them, and of the Afghan solar calendar
FA_MONTHS = ("جنوری|فبروری|مارچ|اپریل|می|جون|جولای|اگست|سپتمبر|اکتوبر|نومبر|دسمبر|"
             "حمل|ثور|جوزا|سرطان|اسد|سنبله|میزان|عقرب|قوس|جدی|دلو|حوت")
_ANY_DIGIT = re.compile(r"[0-9۰-۹]")
# Kept together by a no-break space. Not by a word joiner after a plain space: Chromium still
# breaks the line at that space («۱۷ | جوزا» on a phone). The books turn it back into a space and
# a word joiner (publishing/pdf.py), which WeasyPrint keeps together too and which PDF text
# extraction reads back in order (a no-break space between a Dari word and digits puts the
# words of a right-to-left line out of order in copy and paste).
_KEEP = NBSP
_DARI_RULES = [
    (re.compile(rf"(?<=[0-9۰-۹]) (?=(?:{FA_MONTHS})(?![\w\u200c]))"), _KEEP),
    (re.compile(rf"(?<![\w\u200c])({FA_MONTHS}) (?=[0-9۰-۹])"), r"\1" + _KEEP),
    (re.compile(r"(?<![\w\u200c])(مادهٔ|ماده|مواد|بند|فقرهٔ|فقره|صفحهٔ|صفحه|شمارهٔ) (?=[0-9۰-۹])"), r"\1" + _KEEP),
]


def dari(text: str) -> str:
    """No line break inside a date or between «مادهٔ» and its number; Latin runs isolated."""
    if _ANY_DIGIT.search(text):
        for pattern, replacement in _DARI_RULES:
            text = pattern.sub(replacement, text)
    return isolate_latin(text) if _HAS_LETTER.search(text) else text


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

FOOTNOTE_CALL = re.compile(r'(?<!\u2060)<sup id="fnref')
# a call that follows another call with nothing but a space between them (the CSS `+` combinator
# cannot tell: it skips text, so it put a comma before every second call of a paragraph)
NEXT_CALL = re.compile(r'(<a class="footnote-ref"[^>]*>[^<]*</a></sup>)[ \t\n]*(\u2060)<sup id="fnref')
LANG = re.compile(r'\slang="([^"]*)"')
TEXT_ATTRIBUTE = re.compile(r'(\s(?:title|aria-label|alt|placeholder|content)=")([^"]*)(")')


_CHANGES_WHERE = SKIP | {"title", "option", "textarea", "a"}


class Where(NamedTuple):
    """What typography needs to know about the place of a text (worked out once per element).

    A tuple: every text is looked up in the cache of :func:`_typeset` with its place, and a tuple
    is hashed and compared in C (a dataclass's ``__eq__`` is Python: 16 000 calls in a preview)."""

    language: str
    skip: bool = False  # code, an existing isolate …: left as written
    plain: bool = False  # <title> and the like: characters only, no markup
    footnote_call: bool = False


def _inherit(parent: Where, name: str, token: str) -> Where:
    if name not in _CHANGES_WHERE and "lang=" not in token:
        return parent  # most elements: the parent's place, no new object
    if name == "a" and "lang=" not in token and "footnote-ref" not in token:
        return parent  # a link (every navigation item) changes nothing unless it is a note call
    lang = LANG.search(token)
    language = lang.group(1).split("-")[0].lower() if lang else parent.language
    return Where(language,
                 parent.skip or name in SKIP,
                 parent.plain or name in ("title", "option", "textarea"),
                 parent.footnote_call or (name == "a" and "footnote-ref" in token))


def apply(html: str, page_language: str, digits: str = "0123456789") -> str:
    """Typography on a whole built page whose <html lang> is ``page_language``.

    ``digits``: the page language's digits (footnote numbers are shown in them)."""
    return _apply(html, Where(page_language), digits)


def _apply(html: str, start: Where, digits: str, parts: bool = False) -> str:
    """Typography on ``html``, whose first token stands at ``start``. With ``parts``, each hole
    left for a marked part (:data:`HOLE`) is replaced by the place it stands at (:data:`PLACE`)."""

    def text(token: str, where: Where) -> str:
        if parts and token == HOLE:
            return f"\0gp-part:{where.language}:{where.skip:d}:{where.plain:d}:{where.footnote_call:d}\0"
        return token if where.skip else _typeset(token, where, digits)

    def tag(token: str, where: Where) -> str:
        if where.language == "fr" and ('title="' in token or 'label="' in token or 'alt="' in token
                                       or 'placeholder="' in token or 'content="' in token):
            return TEXT_ATTRIBUTE.sub(lambda m: m.group(1) + french(m.group(2)) + m.group(3), token)
        if digits != "0123456789" and 'class="footnote-backref"' in token:
            # Python-Markdown writes the note's number into the tooltip in Latin digits
            local = _digits_table(digits)
            return TEXT_ATTRIBUTE.sub(lambda m: m.group(1) + m.group(2).translate(local) + m.group(3), token)
        return token

    # Glued last: the French rules see the text as written (« deux hommes : » then the call).
    return _glue_footnote_calls(transform(html, text=text, tag=tag, inherit=_inherit, state=start))


# --------------------------------------------------------------------------- a page in parts

# The templates mark parts of a page (overrides/main.html, partials/header.html). Each is typeset
# on its own, starting at the place where it stands, so that a cache of results
# (publishing/pipeline.py) finds the frame around them and the large ones again when another part
# differs. A one-language preview's pages have no language switcher and sit one folder higher, but
# the same navigation, articles, header and footer as the full site: the large parts (the
# sidebars, the article) and the frame are found again; the small parts that differ (the <head>,
# the language switcher, the scripts at the end) are typeset again, which costs less than a file
# of the cache. Text tokens never cross a tag, so typesetting the parts one by one gives the same
# bytes as the whole page.
PART_MARKS = ("<!--gp:part-->", "<!--/gp:part-->")
HOLE = "\0gp-part\0"  # NUL: no page can contain it (the sanitiser and HTML parsers replace it)
PLACE = re.compile(r"\0gp-part:([^:\0]*):([01]):([01]):([01])\0")
# A part shorter than this is typeset, never looked up: a <head> or the scripts at the end take
# about 0.1 ms to typeset, less than a file of the cache costs to find, or to write when missing.
SMALL_PART = 4096


def split_parts(html: str) -> tuple[str, list[str]] | None:
    """(frame, parts): ``html`` with each marked part replaced by :data:`HOLE` (between the marks)
    and the parts in order; None when the marks do not pair up. (str.find, not a regular
    expression: a lazy ``.*?`` over a 60 KB page took half a millisecond a pass.)"""
    opening, closing = PART_MARKS
    pieces = html.split(opening)
    frame, parts = [pieces[0]], []
    for piece in pieces[1:]:
        part, found, rest = piece.partition(closing)
        if not found or closing in rest:
            return None
        parts.append(part)
        frame += [opening, HOLE, closing, rest]
    return "".join(frame), parts


def apply_in_parts(html: str, page_language: str, digits: str, cache=None) -> str:
    """:func:`apply` on a page whose templates marked parts, without the marks.

    ``cache(text, parameters, compute)`` returns ``compute()`` or the result it gave before for
    the same text and parameters (the frame, then each part of at least :data:`SMALL_PART`
    characters with the place it stands at). A page without parts is typeset whole, outside it
    (the caller keeps whole pages)."""
    cache = cache or (lambda text, parameters, compute: compute())
    split = split_parts(html) if "\0gp-part" not in html else None  # NUL: never in a page
    if split is None or not split[1]:
        return _unmarked(apply(html, page_language, digits))
    frame, parts = split
    done = cache(frame, (page_language, digits, "frame"),
                 lambda: _apply(frame, Where(page_language), digits, parts=True))
    places = PLACE.findall(done)
    if len(places) != len(parts):  # a mark inside a script or comment: never in our templates
        return _unmarked(apply(html, page_language, digits))
    pieces = iter(zip(parts, places))

    def fill(match: re.Match) -> str:
        part, (language, skip, plain, footnote_call) = next(pieces)
        start = Where(language, skip == "1", plain == "1", footnote_call == "1")
        if len(part) < SMALL_PART:
            return _apply(part, start, digits)
        return cache(part, (page_language, digits, *match.groups()), lambda: _apply(part, start, digits))

    # the parts hold no mark (the page was split at each): the marks are taken out of the frame
    return PLACE.sub(fill, _unmarked(done))


def _unmarked(html: str) -> str:
    return html.replace(PART_MARKS[0], "").replace(PART_MARKS[1], "")


# The navigation, header and footer repeat on every page of a language: each of their texts is
# typeset once per build, not once per page.
@functools.lru_cache(maxsize=1 << 16)
def _typeset(token: str, where: Where, digits: str) -> str:
    if not token.strip():
        return token
    if "-" in token and _ANY_DIGIT.search(token) and "://" not in token:
        token = _IDENTIFIER_HYPHEN.sub("-" + WORD_JOINER, token)
    if where.language == "fr":
        return french(token) if where.plain else french_markup(token)
    if where.language == "fa":
        if where.plain:
            return token
        return token.translate(_digits_table(digits)) if where.footnote_call else dari(token)
    if where.language == "en":
        return english(token)
    return token


# The hyphen inside a reference or an identifier (C-608/22, DEC9-12252021, art. 7-1-h): a line
# must not end at it («DEC9-» | «12252021»). A word joiner after it, not a non-breaking hyphen:
# search still splits the words at the hyphen, and the print font has no U+2011. Not in addresses,
# which readers copy.
_IDENTIFIER_HYPHEN = re.compile(r"(?<=[A-Za-z0-9])-(?=[0-9])|(?<=[0-9])-(?=[A-Za-z])")


@functools.lru_cache(maxsize=8)
def _digits_table(digits: str) -> dict:
    """Latin digits to the page language's (one table per language, not one per text)."""
    return str.maketrans("0123456789", digits)


def _glue_footnote_calls(html: str) -> str:
    """A WORD JOINER before every footnote call, so that a call never starts a line; a call
    right after another is marked ``gp-call-next``, and the style sheets put a comma before it
    («1,3», not «13»)."""
    if '<sup id="fnref' not in html:  # most of a page's parts: two passes over it saved
        return html
    html = FOOTNOTE_CALL.sub(WORD_JOINER + '<sup id="fnref', html)
    return NEXT_CALL.sub(r'\1\2<sup class="gp-call-next" id="fnref', html)
