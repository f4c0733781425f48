"""Two clean builds of the same commit give byte-identical sites, PDFs included."""

from __future__ import annotations

import hashlib
import os

import pytest

from tests.conftest import run_mkdocs, session_build_env

pytestmark = pytest.mark.slow


def digests(site):
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(site.rglob("*")) if p.is_file()}


def test_second_clean_build_is_byte_identical(built_site, release_key, tmp_path):
    if os.environ.get("GP_SITE_DIR"):
        pytest.skip("compares against the session's own clean build")
    again = tmp_path / "site"
    # a fresh PDF cache, so that every PDF is rendered again rather than copied
    result = run_mkdocs("build", "--strict", "--site-dir", str(again),
                        env={**session_build_env(release_key), "PDF_CACHE_DIR": str(tmp_path / "cache")})
    assert result.returncode == 0, result.stderr[-3000:]
    first, second = digests(built_site), digests(again)
    assert first.keys() == second.keys()
    differing = [name for name in first if first[name] != second[name]]
    assert not differing, differing[:20]
    assert any(name.endswith(".pdf") for name in first)
