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

* What changed: for a page marked outdated, ``diff`` shows the English paragraphs that changed
  since the version the translation was stamped against (found in the repository's history by
  that version's hash), so a translator updates three paragraphs instead of re-reading thirty.
* Review dates: ``reviews`` lists pages whose ``review_by`` date has passed or comes within a
  month (time-sensitive advice must be checked again).

The languages are those of mkdocs.yml (publishing/languages.py): the original is the i18n
plugin's default language, every other language is a translation. hooks/translations.py gives
the build what it needs; this module is also the command line (``make translations``)::

    python -m publishing.translations status [--strict] [--language fa]
    python -m publishing.translations stamp docs/fa/policy-primer/index.md …   # record the English version
    python -m publishing.translations diff docs/fa/policy-primer/index.md      # English changes since then
    python -m publishing.translations reviews [--within 30]                    # advice due for review
"""

from __future__ import annotations

import argparse
import datetime as _dt
import difflib
import hashlib
import io
import re
import subprocess
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path


from publishing import languages as site_languages
from publishing.data_files import DataError, display_path, load_yaml, markup_problems
from publishing.data_files import front_matter as read_front_matter

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
GLOSSARY_FILE = ROOT / "data" / "glossary.yml"
STATES = ("up-to-date", "unreviewed", "outdated", "missing")
FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)---[ \t]*\n", re.S)


# --------------------------------------------------------------------------- status


def original_language() -> str:
    """The language of the originals (the i18n plugin's default language in mkdocs.yml)."""
    return site_languages.from_mkdocs_yml().original.code


def translation_languages() -> list[str]:
    return [language.code for language in site_languages.from_mkdocs_yml().translations]


def source_hash(path: Path) -> str:
    """The version of an English page: first 12 hex digits of the SHA-256 of its file."""
    return _version(path.read_bytes())


def _version(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:12]


def front_matter(text: str) -> dict:
    return read_front_matter(text)


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


def english_pages(docs: Path = DOCS, original: str | None = None) -> list[str]:
    """Every page of the original language, relative to its folder."""
    folder = docs / (original or original_language())
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.md"))


def english_version(docs: Path, page: str, original: str | None = None) -> tuple[str, str]:
    """(title, version) of an original page: what every language's status of it starts from."""
    data = (docs / (original or original_language()) / page).read_bytes()
    return str(front_matter(data.decode("utf-8")).get("title", page)), _version(data)


def page_status(docs: Path, language: str, page: str, original: str | None = None,
                english: tuple[str, str] | None = None) -> PageStatus:
    """The status of ``page`` in ``language``; ``english``: its :func:`english_version`, when
    the caller has it already (the status of every language starts from the same original)."""
    english_title, now = english or english_version(docs, page, original)
    translated = docs / language / page
    if not translated.exists():
        return PageStatus(page, language, "missing", english_title, english_now=now)
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


def build_report(docs: Path = DOCS, languages=None, original: str | None = None) -> Report:
    original = original or original_language()
    report = Report()
    english = {page: english_version(docs, page, original) for page in english_pages(docs, original)}
    for language in languages or translation_languages():
        report.pages[language] = [page_status(docs, language, page, original, version)
                                  for page, version in english.items()]
    return report


def stamp(path: Path, docs: Path = DOCS, original: str | None = None) -> str:
    """Record in a translated page that it translates the current English version.

    When the recorded version changes, ``reviewed`` goes back to false: whatever a reviewer
    checked was the old text, not this one. The rest of the front matter is kept as written
    (ruamel.yaml round trip)."""
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    relative = path.resolve().relative_to(docs.resolve())
    page = Path(*relative.parts[1:]).as_posix()  # the same path under docs/en
    now = source_hash(docs / (original or original_language()) / page)
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


def parity_problems(docs: Path, language: str, page: str, original: str | None = None) -> list[str]:
    original = original or original_language()
    translated = docs / language / page
    if not translated.exists():
        return []
    english = structure((docs / original / page).read_text(encoding="utf-8"))
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
                f"{len(english[name])} (the first missing one is at docs/{original}/{page}:{english_line})"
            )
    return problems


# --------------------------------------------------------------------------- glossary


def load_glossary(path: Path = GLOSSARY_FILE) -> list[dict]:
    """The glossary (data/glossary.yml), checked; read again only when the file changes."""
    return _read_glossary(path, path.stat().st_mtime_ns)


@lru_cache(maxsize=2)
def _read_glossary(path: Path, mtime: int) -> list[dict]:
    source = display_path(path)
    data, lines = load_yaml(path.read_text(encoding="utf-8"), source)
    data = data or []
    problems = markup_problems(data, (), lines, source)
    if not isinstance(data, list):
        problems.append(f"{source}:1: the glossary is a list of entries (- en: …)")
    if problems:
        raise DataError(problems)
    return data


def _variant_pattern(variant: str, right_to_left: bool) -> re.Pattern:
    if right_to_left:  # a Persian word is bounded by anything but an Arabic-script letter
        return re.compile(r"(?<![\u0600-\u06FF])" + re.escape(variant) + r"(?![\u0600-\u06FF])")
    return re.compile(r"(?<!\w)" + re.escape(variant) + r"(?!\w)", re.IGNORECASE)


QUOTATION = re.compile(r"«[^»]*»")


def glossary_problems(docs: Path, language: str, page: str, glossary: list[dict] | None = None,
                      original: str | None = None, settings: dict | None = None) -> list[str]:
    """A translation's uses of variants the glossary says to avoid, and letters its language
    must not use (``extra.locales.<code>.avoid_letters`` in mkdocs.yml: Arabic ي ك ى in Dari)."""
    path = docs / language / page
    if not path.exists():
        return []
    original = original or original_language()
    settings = settings if settings is not None else _locale_settings()
    glossary = glossary if glossary is not None else load_glossary()
    right_to_left = site_languages.Language(language, "").direction == "rtl"
    checks = []
    for entry in glossary:
        local = entry.get(language) or {}
        for variant in local.get("avoid") or []:
            checks.append((_variant_pattern(variant, right_to_left), variant, local["term"], entry[original],
                           bool(local.get("allowed_in_quotations"))))
    letters = (settings.get(language) or {}).get("avoid_letters") or ""
    letter_pattern = re.compile(f"[{re.escape(letters)}]") if letters else None
    problems = []
    text = path.read_text(encoding="utf-8")
    for number, line in _body_lines(text):
        for pattern, variant, term, english, quotations_ok in checks:
            if pattern.search(QUOTATION.sub("", line) if quotations_ok else line):
                problems.append(f"docs/{language}/{page}:{number}: «{variant}» — the glossary term for "
                                f"'{english}' is «{term}»")
        for match in letter_pattern.finditer(line) if letter_pattern else ():
            problems.append(f"docs/{language}/{page}:{number}: letter «{match.group()}» "
                            f"(U+{ord(match.group()):04X}) is not used in this language (extra.locales)")
    return problems


def _locale_settings() -> dict:
    config = _mkdocs_config()
    return config.extra.get("locales") or {}


@lru_cache(maxsize=1)
def _mkdocs_config():
    from mkdocs.config import load_config

    return load_config(str(ROOT / "mkdocs.yml"))


# --------------------------------------------------------------------------- what changed


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout


def stamped_version(original_file: Path, stamped: str) -> tuple[str, str] | None:
    """(commit, text) of the original file as it was when its hash began with ``stamped``."""
    relative = original_file.resolve().relative_to(ROOT).as_posix()
    for commit in _git("log", "--format=%H", "--", relative).split():
        try:
            text = _git("show", f"{commit}:{relative}")
        except subprocess.CalledProcessError:
            continue
        if hashlib.sha256(text.encode("utf-8")).hexdigest().startswith(stamped):
            return commit, text
    return None


def paragraphs(text: str) -> list[str]:
    match = FRONT_MATTER.match(text)
    body = text[match.end():] if match else text
    return [block.strip() for block in re.split(r"\n\s*\n", body) if block.strip()]


def paragraph_diff(old: str, new: str) -> list[str]:
    """The changed paragraphs, as a unified diff of paragraphs (each shown whole)."""
    out = []
    matcher = difflib.SequenceMatcher(a=(a := paragraphs(old)), b=(b := paragraphs(new)), autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        where = f"@@ English paragraph {j1 + 1}" + (f"–{j2}" if j2 - j1 > 1 else "") + " @@"
        out.append(where)
        out += ["- " + p.replace("\n", "\n  ") for p in a[i1:i2]]
        out += ["+ " + p.replace("\n", "\n  ") for p in b[j1:j2]]
    return out


def diff(path: Path, docs: Path = DOCS) -> str:
    """What changed in the original since the version ``path`` (a translation) was stamped against."""
    original = original_language()
    relative = path.resolve().relative_to(docs.resolve())
    page = Path(*relative.parts[1:]).as_posix()
    source = docs / original / page
    stamped = str((front_matter(path.read_text(encoding="utf-8")).get("translation") or {}).get("source") or "")
    if not stamped:
        return f"{path}: no translation.source recorded: compare with {source} whole, then stamp it"
    now = source.read_text(encoding="utf-8")
    if source_hash(source) == stamped:
        return f"{path}: up to date with {source} (version {stamped})"
    found = stamped_version(source, stamped)
    if found is None:
        return (f"{path}: translates version {stamped} of {source}, which is not in the repository's "
                "history (was it never committed?): compare with the English page whole")
    commit, old = found
    lines = paragraph_diff(old, now)
    head = (f"{source}: changes since version {stamped} (commit {commit[:10]}), which {path} translates.\n"
            "'-' was translated, '+' is the English now. Update these paragraphs, then run\n"
            f"  python -m publishing.translations stamp {path}\n")
    return head + "\n".join(lines)


# --------------------------------------------------------------------------- review dates


def reviews_due(docs: Path = DOCS, within_days: int = 30, today: _dt.date | None = None) -> list[tuple[str, _dt.date]]:
    """Pages whose review_by date has passed or comes within ``within_days``, soonest first."""
    today = today or _dt.date.today()
    due = []
    for path in sorted(docs.rglob("*.md")):
        review_by = front_matter(path.read_text(encoding="utf-8")).get("review_by")
        if isinstance(review_by, _dt.date) and review_by <= today + _dt.timedelta(days=within_days):
            due.append((path.relative_to(docs.parent).as_posix(), review_by))
    return sorted(due, key=lambda item: item[1])


# --------------------------------------------------------------------------- command line


def print_status(report: Report, languages, docs: Path) -> int:
    original = original_language()
    names = {language.code: language.name for language in site_languages.from_mkdocs_yml()}
    problems = 0
    glossary = load_glossary()
    settings = _locale_settings()
    pages = english_pages(docs, original)
    print(f"Translation status against {len(pages)} pages in {names.get(original, original)}\n")
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
                          f"English is now {status.english_now}; see: python -m publishing.translations "
                          f"diff docs/{language}/{status.page})")
            print(f"  {status.state.upper():<11} {status.page}{detail}")
        checks = []
        for page in pages:
            checks += parity_problems(docs, language, page, original)
            checks += glossary_problems(docs, language, page, glossary, original, settings)
        for line in checks:
            print(f"  CHECK       {line}")
        problems += len(checks) + sum(totals[s] for s in ("outdated", "missing", "unreviewed"))
        print()
    due = reviews_due(docs)
    if due:
        print("Review dates (advice to check again; extend review_by once checked):")
        for page, date in due:
            print(f"  {'OVERDUE' if date < _dt.date.today() else 'DUE'}     {page}: review_by {date}")
    return problems


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m publishing.translations", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    status = sub.add_parser("status", help="print every page's translation status")
    status.add_argument("--strict", action="store_true",
                        help="exit 1 unless every page is translated, reviewed, up to date and passes the checks")
    status.add_argument("--language", action="append")
    status.add_argument("--docs", type=Path, default=DOCS)
    stamp_cmd = sub.add_parser("stamp", help="record that translations translate the current English version")
    stamp_cmd.add_argument("files", nargs="+", type=Path)
    stamp_cmd.add_argument("--docs", type=Path, default=DOCS)
    diff_cmd = sub.add_parser("diff", help="the English paragraphs that changed since a translation was stamped")
    diff_cmd.add_argument("files", nargs="+", type=Path)
    reviews = sub.add_parser("reviews", help="pages whose review_by date has passed or is near")
    reviews.add_argument("--within", type=int, default=30, help="days ahead (default 30)")
    reviews.add_argument("--strict", action="store_true", help="exit 1 if a review date has passed")
    args = parser.parse_args(argv)

    if args.command == "stamp":
        for path in args.files:
            print(f"{path}: translates English version {stamp(path, args.docs)}")
        return 0
    if args.command == "diff":
        for path in args.files:
            print(diff(path))
        return 0
    if args.command == "reviews":
        due = reviews_due(within_days=args.within)
        for page, date in due:
            print(f"{'OVERDUE' if date < _dt.date.today() else 'DUE':<8} {page}: review_by {date}")
        if not due:
            print(f"No page is due for review within {args.within} days.")
        return 1 if args.strict and any(date < _dt.date.today() for _, date in due) else 0
    translations = translation_languages()
    unknown = [code for code in args.language or [] if code not in translations]
    if unknown:
        parser.error(f"--language {unknown[0]}: not a translation language of mkdocs.yml ({', '.join(translations)})")
    languages = args.language or translations
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
    except DataError as error:
        print(error, file=sys.stderr)
        sys.exit(2)
