"""Translation status: provenance, staleness, honest fallbacks, parity and glossary checks.

One job: tell translators and readers the truth about every translation.

* Provenance: a translated page records the English version it translates and whether a native
  speaker reviewed it, in its front matter::

      translation:
        source: 3f2a9c1d0b7e   # first 12 hex digits of the SHA-256 of the English file
        reviewed: false

* Status of every page and language: up to date (reviewed, English unchanged), unreviewed,
  outdated (the English changed since) or missing (the reader gets the English page, marked as
  English). The build gives templates the status of the page being rendered (notices) and of
  the whole site (the translation status page); ``make translations`` prints it.
* Parity: a translation that lost headings, footnotes, links, images or admonitions of its English
  original is reported with file and line. Glossary: a translation that uses a variant the
  glossary (data/glossary.yml) says to avoid is reported with file and line; so are Arabic
  letters (ي ك ى) in Dari.

Command line (used by ``make translations``)::

    python -m hooks.translations status [--strict] [--language fa]
    python -m hooks.translations stamp docs/fa/policy-primer/index.md …   # record the English version
"""

from __future__ import annotations

import argparse
import hashlib
import io
import re
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml
from mkdocs.plugins import get_plugin_logger

log = get_plugin_logger("translations")

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
GLOSSARY_FILE = ROOT / "data" / "glossary.yml"
SOURCE_LANGUAGE = "en"
TRANSLATIONS = ("fa", "fr")
STATES = ("up-to-date", "unreviewed", "outdated", "missing")
FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)---[ \t]*\n", re.S)


# --------------------------------------------------------------------------- status


def source_hash(path: Path) -> str:
    """The version of an English page: first 12 hex digits of the SHA-256 of its file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def front_matter(text: str) -> dict:
    match = FRONT_MATTER.match(text)
    if not match:
        return {}
    try:
        data = yaml.safe_load(match.group(1))
    except yaml.YAMLError:
        return {}  # hooks/front_matter.py reports it with file and line
    return data if isinstance(data, dict) else {}


@dataclass
class PageStatus:
    page: str  # path inside the language folder, e.g. "policy-primer/index.md"
    language: str
    state: str
    title: str = ""
    reviewed: bool = False
    translated_from: str = ""
    english_now: str = ""

    @property
    def url(self) -> str:
        return self.page[:-3] + ".html"


@dataclass
class Report:
    pages: dict[str, list[PageStatus]] = field(default_factory=dict)  # language -> statuses

    def totals(self, language: str) -> dict[str, int]:
        counts = {state: 0 for state in STATES}
        for status in self.pages.get(language, []):
            counts[status.state] += 1
        return counts

    def get(self, language: str, page: str) -> PageStatus | None:
        for status in self.pages.get(language, []):
            if status.page == page:
                return status
        return None


def english_pages(docs: Path = DOCS) -> list[str]:
    return sorted(p.relative_to(docs / SOURCE_LANGUAGE).as_posix() for p in (docs / SOURCE_LANGUAGE).rglob("*.md"))


def page_status(docs: Path, language: str, page: str) -> PageStatus:
    english = docs / SOURCE_LANGUAGE / page
    translated = docs / language / page
    english_meta = front_matter(english.read_text(encoding="utf-8"))
    now = source_hash(english)
    if not translated.exists():
        return PageStatus(page, language, "missing", str(english_meta.get("title", page)), english_now=now)
    meta = front_matter(translated.read_text(encoding="utf-8"))
    provenance = meta.get("translation") or {}
    if not isinstance(provenance, dict):
        provenance = {}
    source = str(provenance.get("source") or "")
    reviewed = provenance.get("reviewed") is True
    if source != now:
        state = "outdated"
    elif not reviewed:
        state = "unreviewed"
    else:
        state = "up-to-date"
    return PageStatus(page, language, state, str(meta.get("title", page)), reviewed, source, now)


def build_report(docs: Path = DOCS, languages=TRANSLATIONS) -> Report:
    report = Report()
    for language in languages:
        report.pages[language] = [page_status(docs, language, page) for page in english_pages(docs)]
    return report


def stamp(path: Path, docs: Path = DOCS) -> str:
    """Record in a translated page that it translates the current English version.

    When the recorded version changes, ``reviewed`` goes back to false: whatever a reviewer
    checked was the old text, not this one. The rest of the front matter is kept as written
    (ruamel.yaml round trip)."""
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    relative = path.resolve().relative_to(docs.resolve())
    page = Path(*relative.parts[1:]).as_posix()  # the same path under docs/en
    now = source_hash(docs / SOURCE_LANGUAGE / page)
    text = path.read_text(encoding="utf-8")
    match = FRONT_MATTER.match(text)
    if not match:
        raise SystemExit(f"{path}: no front matter to stamp")
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096  # never fold a translator's long description
    data = yaml.load(match.group(1))
    provenance = data.get("translation")
    if not isinstance(provenance, dict):
        provenance = data["translation"] = CommentedMap()
    if str(provenance.get("source") or "") != now or "reviewed" not in provenance:
        provenance["reviewed"] = False
    # quoted: a version made only of digits (or digits and an "e") must stay a string
    provenance["source"] = DoubleQuotedScalarString(now)
    provenance.move_to_end("reviewed")
    out = io.StringIO()
    yaml.dump(data, out)
    path.write_text(f"---\n{out.getvalue()}---\n" + text[match.end():], encoding="utf-8")
    return now


# --------------------------------------------------------------------------- parity


def _body_lines(text: str) -> list[tuple[int, str]]:
    """(line number, line) of the Markdown body, fenced code excluded."""
    match = FRONT_MATTER.match(text)
    start = text[: match.end()].count("\n") if match else 0
    lines, fenced = [], False
    for number, line in enumerate(text.splitlines()[start:], start=start + 1):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            continue
        if not fenced:
            lines.append((number, line))
    return lines


PARITY_PATTERNS = {
    "headings": re.compile(r"^#{1,6}\s"),
    "footnotes": re.compile(r"\[\^[^\]]+\](?!:)"),
    "links": re.compile(r"(?<!!)\[[^\]^][^\]]*\]\([^)]+\)"),
    "images": re.compile(r"!\[[^\]]*\]\([^)]+\)"),
    "admonitions": re.compile(r"^\s*(!!!|\?\?\?\+?)\s*\w"),
}


def structure(text: str) -> dict[str, list[int]]:
    """Line numbers of each structural element (heading, footnote call, link …)."""
    found: dict[str, list[int]] = {name: [] for name in PARITY_PATTERNS}
    for number, line in _body_lines(text):
        for name, pattern in PARITY_PATTERNS.items():
            found[name] += [number] * len(pattern.findall(line))
    return found


def parity_problems(docs: Path, language: str, page: str) -> list[str]:
    translated = docs / language / page
    if not translated.exists():
        return []
    english = structure((docs / SOURCE_LANGUAGE / page).read_text(encoding="utf-8"))
    mine = structure(translated.read_text(encoding="utf-8"))
    problems = []
    for name in PARITY_PATTERNS:
        if len(mine[name]) < len(english[name]):
            # the first place where the translation falls behind the original
            index = len(mine[name])
            english_line = english[name][index]
            near = mine[name][index - 1] if index else 1
            problems.append(
                f"docs/{language}/{page}:{near}: {len(mine[name])} {name} where the English has "
                f"{len(english[name])} (the first missing one is at docs/{SOURCE_LANGUAGE}/{page}:{english_line})"
            )
    return problems


# --------------------------------------------------------------------------- glossary


def load_glossary() -> list[dict]:
    """The glossary, read again only when the file changes."""
    return _read_glossary(GLOSSARY_FILE, GLOSSARY_FILE.stat().st_mtime_ns)


@lru_cache(maxsize=2)
def _read_glossary(path: Path, mtime: int) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle) or []


def _variant_pattern(variant: str, language: str) -> re.Pattern:
    if language == "fa":  # a Persian word is bounded by anything but an Arabic-script letter
        return re.compile(r"(?<![\u0600-\u06FF])" + re.escape(variant) + r"(?![\u0600-\u06FF])")
    return re.compile(r"(?<!\w)" + re.escape(variant) + r"(?!\w)", re.IGNORECASE)


ARABIC_LETTERS = re.compile("[يكى]")


def glossary_problems(docs: Path, language: str, page: str, glossary: list[dict] | None = None) -> list[str]:
    path = docs / language / page
    if not path.exists():
        return []
    glossary = glossary if glossary is not None else load_glossary()
    checks = []
    for entry in glossary:
        local = entry.get(language) or {}
        for variant in local.get("avoid") or []:
            checks.append((_variant_pattern(variant, language), variant, local["term"], entry["en"]))
    problems = []
    text = path.read_text(encoding="utf-8")
    for number, line in _body_lines(text) + [(1, "")]:
        for pattern, variant, term, english in checks:
            if pattern.search(line):
                problems.append(f"docs/{language}/{page}:{number}: «{variant}» — the glossary term for "
                                f"'{english}' is «{term}»")
        if language == "fa":
            for match in ARABIC_LETTERS.finditer(line):
                problems.append(f"docs/{language}/{page}:{number}: Arabic letter «{match.group()}» "
                                "(U+{:04X}); use the Persian ی or ک".format(ord(match.group())))
    return problems


# --------------------------------------------------------------------------- MkDocs events

_state: dict = {"report": None, "reported": set()}


def _current_language(config) -> str:
    i18n = config.plugins.get("i18n")
    return i18n.current_language if i18n is not None else SOURCE_LANGUAGE


def on_config(config):
    i18n = config.plugins.get("i18n")
    if i18n is None or not getattr(i18n, "building", False):
        _state["report"] = build_report(Path(config.docs_dir))
        _state["reported"] = set()


_ANCHORED_LINK = re.compile(r"(\]\()([^)\s#]+\.md)#[^)\s]+(\))")


def _unanchor_cross_language_links(markdown: str, docs: Path, language: str, page_path: str,
                                   page_is_translated: bool) -> str:
    """Heading ids differ between languages. Where a page and the page it links to are not in the
    same language (an English fallback page linking to a translated page, or a translation
    linking to a page still shown in English), a link to a heading would point at an id the
    target does not have: link to the target page itself instead."""
    folder = Path(page_path).parent

    def replace(match: re.Match) -> str:
        target_is_translated = (docs / language / folder / match.group(2)).resolve().exists()
        if target_is_translated == page_is_translated:
            return match.group(0)
        return match.group(1) + match.group(2) + match.group(3)

    return _ANCHORED_LINK.sub(replace, markdown)


def on_page_markdown(markdown, page, config, files):
    language = _current_language(config)
    page_path = page.file.src_uri.split("/", 1)[-1]
    if language != SOURCE_LANGUAGE:
        markdown = _unanchor_cross_language_links(
            markdown, Path(config.docs_dir), language, page_path,
            page_is_translated=page.file.src_uri.startswith(f"{language}/"))
    if language != SOURCE_LANGUAGE and page.file.src_uri.startswith(f"{language}/"):
        docs = Path(config.docs_dir)
        for problem in parity_problems(docs, language, page_path) + glossary_problems(docs, language, page_path):
            if problem not in _state["reported"]:
                _state["reported"].add(problem)
                # informational: a translation that falls behind its original must not block
                # publishing the English; `make translations STRICT=1` fails on it
                log.info(problem)
    return markdown


def on_page_context(context, page, config, nav):
    language = _current_language(config)
    report: Report = _state["report"]
    context["translation_report"] = report
    context["translation_languages"] = TRANSLATIONS
    context["translation_states"] = STATES
    context["glossary"] = load_glossary()
    if language == SOURCE_LANGUAGE or report is None:
        return context
    page_path = page.file.src_uri.split("/", 1)[-1]
    status = report.get(language, page_path)
    if status is not None:
        context["translation_status"] = status
    return context


# --------------------------------------------------------------------------- command line


def print_status(report: Report, languages, docs: Path) -> int:
    names = {"fa": "Dari", "fr": "French"}
    problems = 0
    glossary = load_glossary()
    total_pages = len(english_pages(docs))
    print(f"Translation status against {total_pages} English pages\n")
    for language in languages:
        totals = report.totals(language)
        print(f"{language} ({names.get(language, language)}): " + ", ".join(
            f"{totals[s]} {s}" for s in STATES))
        for status in report.pages[language]:
            if status.state == "up-to-date":
                continue
            detail = ""
            if status.state == "outdated":
                detail = (f"  (translates {status.translated_from or 'an unrecorded version'}, "
                          f"English is now {status.english_now})")
            print(f"  {status.state.upper():<11} {status.page}{detail}")
        checks = []
        for page in english_pages(docs):
            checks += parity_problems(docs, language, page) + glossary_problems(docs, language, page, glossary)
        for line in checks:
            print(f"  CHECK       {line}")
        problems += len(checks) + sum(totals[s] for s in ("outdated", "missing", "unreviewed"))
        print()
    return problems


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hooks.translations", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    status = sub.add_parser("status", help="print every page's translation status")
    status.add_argument("--strict", action="store_true",
                        help="exit 1 unless every page is translated, reviewed, up to date and passes the checks")
    status.add_argument("--language", choices=TRANSLATIONS, action="append")
    status.add_argument("--docs", type=Path, default=DOCS)
    stamp_cmd = sub.add_parser("stamp", help="record that translations translate the current English version")
    stamp_cmd.add_argument("files", nargs="+", type=Path)
    stamp_cmd.add_argument("--docs", type=Path, default=DOCS)
    args = parser.parse_args(argv)

    if args.command == "stamp":
        for path in args.files:
            print(f"{path}: translates English version {stamp(path, args.docs)}")
        return 0
    languages = args.language or list(TRANSLATIONS)
    problems = print_status(build_report(args.docs, languages), languages, args.docs)
    if args.strict and problems:
        print(f"strict: {problems} page(s) or check(s) need work", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # `make translations | head`
        sys.exit(0)
