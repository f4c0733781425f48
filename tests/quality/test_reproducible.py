"""Two clean builds of the same commit give byte-identical sites, PDFs included.

The second build is a new process with a new output folder. Rendering all 24 books again would
take two minutes, so it gets the first build's PDF cache, found by content: a cached book is
used only if every input of the book (its pages, template, stylesheets, fonts, settings, engine
version) hashes to the same key, so 23 cache hits prove that the books' inputs are identical.
One real book is rendered again from nothing and must come out byte-identical, which shows that
the engine itself is reproducible (tests/unit/test_pdf_render.py checks it on a small book too).

The pages' steps are not taken from a cache in the second build (an empty STEP_CACHE_DIR), while
the session's build found most of them in .cache/steps when `make site` ran before: a result kept
between builds (publishing/step_cache.py) must be exactly what the step makes.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_mkdocs, session_build_env

pytestmark = pytest.mark.slow
RENDERED_AGAIN = "safe-exit-guide.fa.phone.pdf"  # the smallest Dari phone book: right to left, phone layout


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def digests(site):
    return {p.relative_to(site).as_posix(): sha256(p) for p in sorted(site.rglob("*")) if p.is_file()}


def test_second_clean_build_is_byte_identical(built_site, release_key, tmp_path):
    if os.environ.get("GP_SITE_DIR"):
        pytest.skip("compares against the session's own clean build")
    session_cache = Path(os.environ.get("PDF_CACHE_DIR") or ROOT / ".cache" / "pdf")
    books = {sha256(pdf): pdf.name for pdf in (built_site / "downloads").glob("*.pdf")}
    cache = tmp_path / "cache"
    cache.mkdir()
    for cached in session_cache.glob("*.pdf"):
        name = books.get(sha256(cached))
        if name and name != RENDERED_AGAIN:
            shutil.copy2(cached, cache / cached.name)
            shutil.copy2(cached.with_suffix(".json"), cache / cached.with_suffix(".json").name)
    assert len(list(cache.glob("*.pdf"))) == len(books) - 1, "the session's PDF cache does not hold its books"

    again = tmp_path / "site"
    result = run_mkdocs("build", "--strict", "--site-dir", str(again),
                        env={**session_build_env(release_key), "PDF_CACHE_DIR": str(cache),
                             "STEP_CACHE_DIR": str(tmp_path / "steps")})
    assert result.returncode == 0, result.stderr[-3000:]
    rendered = [entry["file"].rsplit("/", 1)[1] for entry in json.loads((cache / "last-build.json").read_text())
                if not entry["cached"]]
    assert rendered == [RENDERED_AGAIN], f"books whose inputs changed between two builds: {rendered}"
    for step in ("content", "typography", "safety", "search-typography"):  # made here, not found
        assert any((tmp_path / "steps" / step).iterdir()), f"the second build did not run step {step!r} itself"

    first, second = digests(built_site), digests(again)
    assert first.keys() == second.keys()
    differing = [name for name in first if first[name] != second[name]]
    assert not differing, differing[:20]
    assert f"downloads/{RENDERED_AGAIN}" in first
