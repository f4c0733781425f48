"""Tripwires: what our code assumes about Material for MkDocs and mkdocs-static-i18n, checked in
milliseconds against the installed packages. Re-pinning either (requirements.in allows
`mkdocs-material==9.8.*`, `mkdocs-static-i18n==1.3.*`) fails here, naming what to re-check,
instead of silently breaking a page. (Search's own contracts: test_search_material_contract.py.)
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import material
import mkdocs_static_i18n.plugin
import pytest

from publishing import document
from tests.conftest import ROOT

TEMPLATES = Path(material.__file__).parent / "templates"

# Partials we copied from Material 9.8.2 and changed (each says what it changes in its header).
# When Material's own copy changes, our copy must be redone from the new one.
COPIED = {
    "partials/header.html": "8cf3fb15bcf969ff",     # + the quick-exit button in the header
    "partials/search.html": "bfd556535abcddb9",     # + an accessible name for the search dialog
    "partials/languages/fa.html": "4b0fe4a28fce2280",  # Afghan Dari wording
}


@pytest.mark.parametrize("partial,digest", COPIED.items())
def test_copied_partials_still_match_the_material_they_were_copied_from(partial, digest):
    theirs = hashlib.sha256((TEMPLATES / partial).read_bytes()).hexdigest()[:16]
    assert theirs == digest, (
        f"Material's {partial} changed since overrides/{partial} was copied from it: copy the new "
        f"one, re-apply our change (see the header of overrides/{partial}), then update the digest here")
    assert (ROOT / "overrides" / partial).is_file()


def test_material_writes_the_html_tag_that_gets_its_direction():
    base = (TEMPLATES / "base.html").read_text(encoding="utf-8")
    assert '<html lang="{{ lang.t(\'language\') }}"' in base, "publishing/document.py: set_direction"
    assert document.set_direction('<html lang="fa" class="no-js">', "rtl").startswith('<html lang="fa" dir="rtl"')


def test_material_still_opens_and_closes_the_head_and_the_scripts_with_the_blocks_we_mark():
    """overrides/main.html marks the <head> from site_meta to extrahead, and the end of the page
    from config to scripts, as parts for typography. Anything Material put outside those blocks
    would land in the frame, which must be the same in the site and a one-language preview."""
    base = (TEMPLATES / "base.html").read_text(encoding="utf-8")
    head = base[base.index("<head>") + len("<head>"):base.index("</head>")].strip()
    assert head.startswith("{% block site_meta %}") and head.endswith("{% block extrahead %}{% endblock %}"), \
        "overrides/main.html: the <head>'s part must open with its first block and close with its last"
    end = base[base.index("{% block config %}"):base.index("</body>")].strip()
    assert end.endswith("{% endblock %}") and end.count("{% block ") == 2 and "{% block scripts %}" in end, \
        "overrides/main.html: the part at the end must run from the config block to the scripts block"


def test_material_writes_the_config_script_that_search_reads():
    base = (TEMPLATES / "base.html").read_text(encoding="utf-8")
    assert '<script id="__config" type="application/json">' in base and '"base": base_url' in base, \
        "publishing/document.py: search_base edits Material's config script"


def test_the_markup_we_mend_is_still_written_by_material():
    """If Material fixed these itself, the mends in publishing/document.py are dead code."""
    sources = "".join(p.read_text(encoding="utf-8") for p in TEMPLATES.rglob("*.html"))
    assert 'class="md-toggle"' in sources and 'autocomplete="off"' in sources
    assert 'tabindex=""' in sources or "tabindex=\"{{" in sources


def test_material_search_plugin_still_rewrites_page_content():
    """hooks/pipeline.py marks page.content as trusted again after Material's search plugin
    edits it; if the plugin stops doing so, the re-marking can go."""
    import material.plugins.search.plugin as search

    assert "page.content = re.sub(" in Path(search.__file__).read_text(encoding="utf-8")


def test_static_i18n_still_tells_its_inner_builds_apart():
    """publishing/languages.is_inner_build reads static-i18n's `building` flag."""
    source = Path(mkdocs_static_i18n.plugin.__file__).read_text(encoding="utf-8")
    assert "self.building = True" in source and "if self.building:" in source
