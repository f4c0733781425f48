"""Unit tests call the steps in this process: each test gets an empty step cache of its own, so
that a step always runs (publishing/step_cache.py; its own tests are test_step_cache.py)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def own_step_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("STEP_CACHE_DIR", str(tmp_path / "step-cache"))
    monkeypatch.delenv("STEP_CACHE", raising=False)
    from publishing import step_cache

    monkeypatch.setattr(step_cache, "_stored", [0])  # what this process stored counts for its cache only
