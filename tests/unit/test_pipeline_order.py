"""The page pipeline runs its steps in the order publishing/pipeline.py states, and nothing else
changes a page's HTML (code review, items 1.1 and 1.2)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from mkdocs.config import load_config

from publishing import pipeline
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def events():
    config = load_config(str(ROOT / "mkdocs.yml"))
    return {name: [getattr(m, "__module__", "") for m in handlers] for name, handlers in config.plugins.events.items()}


def test_only_the_pipeline_changes_content(events):
    assert events["page_content"] == ["hooks/pipeline.py"]


def test_the_pipeline_is_last_to_touch_a_page(events):
    # static-i18n's post_page only forwards the page to another plugin and returns it unchanged
    assert events["post_page"][-1] == "hooks/pipeline.py"
    assert [m for m in events["post_page"] if m.startswith("hooks/")] == ["hooks/pipeline.py"]


def test_the_site_stage_runs_after_every_other_post_build(events):
    post_build = events["post_build"]
    assert post_build[-1] == "hooks/pipeline.py"
    assert post_build.index("mkdocs_static_i18n.plugin") < post_build.index("hooks/pipeline.py")


def test_each_language_hands_its_books_over_before_the_next_language_is_built(events):
    """Step 8 starts early: a language's books render while static-i18n builds the next language
    from its own post_build; after it, they would wait for every language."""
    post_build = events["post_build"]
    assert post_build.index("hooks/pdf.py") < post_build.index("mkdocs_static_i18n.plugin")
    assert events["build_error"].count("hooks/pdf.py") == 1, "a failed build must stop the books"


def test_the_site_stage_makes_pdfs_then_the_csp_then_the_build_info(monkeypatch, tmp_path):
    from publishing import pdf

    calls = []
    monkeypatch.setattr(pdf, "build_and_offer", lambda *a, **k: calls.append("pdfs"))
    monkeypatch.setattr(pipeline, "protect_all", lambda *a, **k: calls.append("csp"))
    monkeypatch.setattr(pipeline, "write_build_info", lambda *a, **k: calls.append("build info"))
    monkeypatch.setattr(pipeline.state, "serve", False)
    pipeline.site(SimpleNamespace(site_dir=str(tmp_path)))
    assert calls == list(pipeline.SITE_STEPS) == ["pdfs", "csp", "build info"]


def test_content_is_sanitised_before_links_are_marked():
    """If the link step ran first, the sanitiser would strip the rel it added; if the sanitiser
    did not run first, the attachment would survive."""
    out = pipeline.content('<a rel="attachment" href="https://www.icc-cpi.int/x">ICC</a>')
    assert 'rel="noopener noreferrer"' in out and "attachment" not in out


def test_checklist_names_are_given_after_the_sanitiser():
    out = pipeline.content('<ul><li class="task-list-item"><label class="task-list-control">'
                           '<input type="checkbox" disabled><span class="task-list-indicator"></span>'
                           '</label> Copy the documents</li></ul>')
    assert 'aria-label="Copy the documents"' in out
