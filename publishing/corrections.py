"""Corrections logs and edition dates of the publications.

A careful publisher corrects in the open: ``data/corrections/<publication>.yml`` lists, newest
first, each change a reader of an earlier edition needs to know (date, optionally the chapter,
one line per language; a language without its line shows the original's, marked as such). The log is shown on the publication's *Corrections* page (where the
marker ``<!-- gp:corrections -->`` stands) and therefore in its PDF, and the date of its newest
entry is the publication's **edition date** (site, download boxes, PDF cover). A publication
without a log falls back on the newest ``last_reviewed`` of its pages.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from publishing.data_files import ROOT, DataError, display_path, load_yaml, markup_problems

FOLDER = ROOT / "data" / "corrections"
MARKER = "<!-- gp:corrections -->"


@dataclass(frozen=True)
class Correction:
    date: _dt.date
    chapter: str
    text: dict  # language -> one line


def log(publication: str, codes: tuple[str, ...], folder: Path = FOLDER) -> list[Correction]:
    """The publication's corrections, newest first (validated; DataError names file and line)."""
    path = folder / f"{publication}.yml"
    if not path.exists():
        return []
    return _load(path, path.stat().st_mtime_ns, codes)


@lru_cache(maxsize=16)
def _load(path: Path, mtime: int, codes: tuple[str, ...]) -> list[Correction]:
    source = display_path(path)
    data, lines = load_yaml(path.read_text(encoding="utf-8"), source)
    data = data or []
    problems = []
    if not isinstance(data, list):
        raise DataError([f"{source}:1: a corrections log is a list of entries (- date: …)"])
    entries = []
    for index, entry in enumerate(data):
        def where(index=index) -> str:  # the line is looked up only for a problem
            return f"{source}:{lines.get((index,), 1)}"

        if not isinstance(entry, dict):
            problems.append(f"{where()}: each entry has date, en, fa, fr (and optionally chapter)")
            continue
        date = entry.get("date")
        if not isinstance(date, _dt.date):
            problems.append(f"{where()}: date must be written YYYY-MM-DD")
        # the original language's line is required; a translation missing one shows the original
        if not isinstance(entry.get(codes[0]), str) or not entry[codes[0]].strip():
            problems.append(f"{where()}: no '{codes[0]}' text: add one line saying what changed and why")
        chapter = str(entry.get("chapter") or "")
        if chapter and not (ROOT / "docs" / codes[0] / path.stem / chapter).exists():
            problems.append(f"{where()}: chapter {chapter!r} is not a file of {path.stem}")
        problems += markup_problems(entry, (index,), lines, source)
        if isinstance(date, _dt.date):
            entries.append(Correction(date, chapter, {code: str(entry[code]) for code in codes
                                                      if isinstance(entry.get(code), str) and entry[code].strip()}))
    if problems:
        raise DataError(problems)
    dates = [entry.date for entry in entries]
    if dates != sorted(dates, reverse=True):
        raise DataError([f"{source}: entries must be newest first"])
    return entries


def edition_date(publication: str, codes: tuple[str, ...], reviewed_dates: list) -> _dt.date | None:
    """The date of the newest correction; else the newest review date of the pages."""
    entries = log(publication, codes)
    if entries:
        return entries[0].date
    dates = [d for d in reviewed_dates if isinstance(d, _dt.date)]
    return max(dates) if dates else None
