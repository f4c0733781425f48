"""Results of the pure text steps, kept between builds and found by their inputs.

A rebuild with no change, a translator's one-language preview and every save in `mkdocs serve`
run the same steps on the same pages again: the typography of each built page (step 7), the
content stage (steps 2–5), the safety check of each Markdown file and the typography of the
search index. Each is a pure function of its text and a few parameters, so its result is stored
under the SHA-256 of everything it depends on:

* the text and the parameters;
* the code and the settings that shape any step: every ``.py`` of ``publishing/`` and ``hooks/``,
  ``mkdocs.yml``, ``data/`` and ``requirements.txt`` (the pinned versions of nh3, Markdown …).

Change one byte of any of them and every key changes: a stale result cannot be found. Only
results are stored, never errors: a page that stops the build is checked again every time.
The folder is ``.cache/steps`` (``STEP_CACHE_DIR`` elsewhere; ``STEP_CACHE=off`` turns it off);
it is pruned to a size budget, oldest use first, once builds have stored enough to matter.
tests/quality/test_reproducible.py builds the site again with an empty cache and finds it
byte-identical.
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGET_BYTES = 256 * 1024 * 1024  # about ten full builds of pages


def folder() -> Path | None:
    if os.environ.get("STEP_CACHE", "").lower() in ("0", "off", "false", "no"):
        return None
    return Path(os.environ.get("STEP_CACHE_DIR") or ROOT / ".cache" / "steps")


@functools.lru_cache(maxsize=1)
def _inputs_digest() -> str:
    """Everything besides a step's own arguments that could change its result."""
    digest = hashlib.sha256()
    paths = [*sorted((ROOT / "publishing").rglob("*.py")), *sorted((ROOT / "hooks").glob("*.py")),
             ROOT / "mkdocs.yml", ROOT / "requirements.txt",
             *sorted(p for p in (ROOT / "data").rglob("*") if p.is_file())]
    for path in paths:
        if path.is_file():
            digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def key(step: str, text: str, *parameters: str) -> str:
    digest = hashlib.sha256(_inputs_digest().encode())
    for part in (step, *parameters, text):
        data = part.encode("utf-8", "surrogatepass")
        digest.update(len(data).to_bytes(8, "big") + data)  # lengths first: no two inputs run together
    return digest.hexdigest()


stats = {"hits": 0, "misses": 0}
# A build prunes the cache only once the results stored since it was last pruned (by any build:
# the count is kept in the folder) reach this: a preview or a save in `mkdocs serve` stores a few
# hundred KB, and listing the thousand files of the cache cost it 8–11 ms. The cache is pruned to
# the budget minus this, so that it never holds more than the budget.
PRUNE_AFTER_BYTES = BUDGET_BYTES // 16
LEDGER = "stored-since-pruned"
_stored = [0]  # bytes of results this process stored and has not counted in the ledger yet


def text_step(step: str, text: str, parameters: tuple[str, ...], compute: Callable[[], str]) -> str:
    """``compute()``, or the result it gave before for the same step, text and parameters."""
    where = folder()
    if where is None:
        return compute()
    path = where / step / key(step, text, *parameters)
    try:
        result = path.read_text(encoding="utf-8")
        os.utime(path)  # its last use, for pruning
        stats["hits"] += 1
        return result
    except (FileNotFoundError, UnicodeDecodeError):
        pass
    result = compute()
    stats["misses"] += 1
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")  # two builds may share the folder
    data = result.encode("utf-8")
    partial.write_bytes(data)
    partial.replace(path)
    _stored[0] += len(data)
    return result


def prune_after_build() -> int:
    """The build's pruning of this cache: nothing when this build stored nothing (a rebuild or a
    preview with no change) or, with what other builds stored since, less than
    :data:`PRUNE_AFTER_BYTES`; else :func:`prune` to the budget minus that. Returns how many
    files it deleted. (Two builds that share the folder may both count at once: a prune comes
    one build later then, no harm.)"""
    where = folder()
    if where is None or not _stored[0]:
        return 0
    ledger = where / LEDGER
    try:
        before = int(ledger.read_text(encoding="ascii"))
    except (FileNotFoundError, ValueError):
        before = 0
    stored, _stored[0] = before + _stored[0], 0
    removed = 0
    if stored >= PRUNE_AFTER_BYTES:
        removed, stored = prune(BUDGET_BYTES - PRUNE_AFTER_BYTES, where), 0
    ledger.write_text(str(stored), encoding="ascii")
    return removed


def prune(budget: int, where: Path) -> int:
    """Delete the least recently used files of ``where`` until it fits ``budget`` bytes; returns
    how many. Also used for the PDF cache (publishing/pdf.py)."""
    if not where.is_dir():
        return 0
    entries = list(_files(str(where)))
    total = sum(size for _, size, _ in entries)
    removed = 0
    for _, size, path in sorted(entries):
        if total <= budget:
            break
        path.unlink(missing_ok=True)
        total -= size
        removed += 1
    return removed


def _files(folder: str):
    """(last use, size, path) of every file under ``folder`` (os.scandir: twice as fast as
    Path.rglob and a stat of each path, for the thousand files of the cache)."""
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:  # another build pruned it
        return
    for entry in entries:
        try:
            if entry.is_dir(follow_symlinks=False):
                yield from _files(entry.path)
            elif entry.is_file(follow_symlinks=False):
                status = entry.stat(follow_symlinks=False)
                yield status.st_mtime_ns, status.st_size, Path(entry.path)
        except FileNotFoundError:
            continue
