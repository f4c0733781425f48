"""Fixtures of the release tests: the session's throwaway key and a tiny signed site."""

from __future__ import annotations

import pytest

from tests.release.helpers import make_site


@pytest.fixture
def key(release_key) -> dict:
    return release_key


@pytest.fixture
def site(tmp_path, key):
    """A tiny signed copy of the site: a few pages, build-info.json, SHA256SUMS + signature."""
    return make_site(tmp_path / "site", key)
