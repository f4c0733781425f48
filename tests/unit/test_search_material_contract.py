"""Tripwires: what our search code assumes about Material, checked against the installed package
in milliseconds, so that re-pinning Material (requirements.in allows 9.8.*) fails here with a
clear message instead of silently breaking search for Dari readers.

Our side of each contract: publishing/document.py (Material's config script), lunr.gp.min.js (the
query message it rewrites in the page, the lunr globals it extends in the worker),
hooks/search.py (the index files Material loads), hooks/output.py (the lunr files it keeps).
"""

from __future__ import annotations

import re
from pathlib import Path

import material
import pytest

from tests.conftest import ROOT

TEMPLATES = Path(material.__file__).parent / "templates"
JS = TEMPLATES / "assets/javascripts"
UPGRADE = ("Material changed; read its search worker and bundle (and their source maps) and "
           "update {ours} before re-pinning.")


def worker_name_in(template: Path) -> str:
    match = re.search(r'"search":\s*"(assets/javascripts/workers/search\.[0-9a-f]+\.min\.js)"',
                      template.read_text(encoding="utf-8"))
    assert match, f"no search worker named in {template}"
    return match.group(1)


def installed_worker() -> str:
    return (TEMPLATES / worker_name_in(TEMPLATES / "base.html")).read_text(encoding="utf-8")


def bundle() -> str:
    bundles = list(JS.glob("bundle.*.min.js"))
    assert len(bundles) == 1, f"expected one Material bundle, found {bundles}"
    return bundles[0].read_text(encoding="utf-8")


def require(pattern: str, text: str, what: str, ours: str) -> None:
    assert re.search(pattern, text), f"{what}: pattern {pattern!r} not found. " + UPGRADE.format(ours=ours)


def test_our_templates_do_not_copy_the_workers_hashed_name():
    """Search is pointed at the page's language by editing Material's own config (publishing/
    document.py), so the content-hashed worker name is never copied into our templates."""
    names = [p for p in (ROOT / "overrides").rglob("*.html")
             if re.search(r"workers/search\.[0-9a-f]+\.min\.js", p.read_text(encoding="utf-8"))]
    assert not names, f"templates copy Material's hashed worker name: {names}"
    assert (TEMPLATES / worker_name_in(TEMPLATES / "base.html")).is_file()


def test_the_page_sends_queries_as_type_2_messages_to_a_global_worker():
    js = bundle()
    # lunr.gp.min.js wraps window.Worker and rewrites { type: 2, data: "<query>" }
    require(r"new Worker\(", js, "the bundle no longer creates its worker with the global Worker",
            "the Worker wrapper in lunr.gp.min.js")
    require(r"\{type:2,data:\w+\}", js, "the bundle no longer sends queries as {type:2,data}",
            "the Worker wrapper in lunr.gp.min.js")


def test_the_worker_answers_type_2_with_a_search_of_the_query_string():
    worker = installed_worker()
    require(r"case 2:(?:let|var|const) \w+=\w+\.data;", worker,
            "the worker no longer reads a query from {type:2,data}", "the Worker wrapper in lunr.gp.min.js")
    require(r"case 0:return .{0,60}\.data\.config\)", worker,
            "the worker's setup message (type 0, data.config) changed", "hooks/search.py and lunr.gp.min.js")


def test_the_worker_loads_our_language_file_with_lunr_as_a_global():
    worker = installed_worker()
    require(r"self\.lunr=", worker, "the worker no longer exposes lunr as a global", "lunr.gp.min.js")
    require(r"/min/lunr\.\$\{\w+\}\.min\.js", worker,
            "the worker no longer loads lunr.<lang>.min.js for the index's language", "lunr.gp.min.js and hooks/output.py")
    require(r"importScripts\(`\$\{\w+\}/min/lunr\.stemmer\.support\.min\.js`", worker,
            "the worker no longer imports lunr.stemmer.support.min.js first", "hooks/output.py (KEEP_LUNR)")
    assert (JS / "lunr/min/lunr.stemmer.support.min.js").is_file()


def test_lunr_searches_through_index_query_with_the_clauses_we_expand():
    worker = installed_worker()
    # lunr.gp.min.js wraps lunr.Index.prototype.query to rank exact forms above stems and prefixes
    require(r"Index\.prototype\.search=function\((\w+)\)\{return this\.query\(", worker,
            "lunr's Index.search no longer goes through Index.query", "rankedQuery in lunr.gp.min.js")
    require(r"Index\.prototype\.query=function\(", worker, "lunr has no Index.prototype.query", "rankedQuery in lunr.gp.min.js")
    require(r"\.index\.search\(", worker, "Material no longer searches with lunr's Index.search", "rankedQuery in lunr.gp.min.js")
    require(r"presence=\{OPTIONAL:1,REQUIRED:2,PROHIBITED:3\}", worker,
            "lunr's clause presence values changed", "expand in lunr.gp.min.js")
    require(r"usePipeline\?\w+=this\.pipeline\.runString\(\w+\.term", worker,
            "lunr's clause fields (usePipeline, term) changed", "expand in lunr.gp.min.js")
    require(r"TokenSet\.fromClause\(", worker, "lunr no longer expands a clause's wildcards itself", "expand in lunr.gp.min.js")


def test_material_loads_the_index_files_our_hook_writes():
    js = bundle()
    # hooks/search.py writes <language>/search/search_index.json (http) and .js (file://)
    require(r"search/search_index\.json", js, "the bundle no longer fetches search/search_index.json", "hooks/search.py")
    require(r"search/search_index\.js\b", js, "the bundle no longer loads search/search_index.js from disk", "hooks/search.py")
    require(r"__index", js, "the bundle no longer reads the global __index from search_index.js", "write_index in hooks/search.py")
    # lunr.gp.min.js delays that XMLHttpRequest until the search box is opened
    require(r"new XMLHttpRequest", js, "the bundle no longer fetches with XMLHttpRequest",
            "the index deferral in lunr.gp.min.js")


@pytest.mark.parametrize("feature", ["search.highlight", "search.share"])
def test_features_that_write_the_query_into_the_address_stay_off(feature):
    # privacy: the query must not end up in the URL (the address bar, history, a shared link)
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    features = re.search(r"\n  features:\n((?:    .*\n)+)", config).group(1)
    assert not re.search(rf"^\s*- {re.escape(feature)}\s*$", features, re.M), f"{feature} is on in mkdocs.yml"
