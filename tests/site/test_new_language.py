"""A new language needs configuration and words, not code (issue 17): add a fourth, right-to-left
language (Pashto, `ps`) to a copy of the project, with no pages at all."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.conftest import run_mkdocs

pytestmark = pytest.mark.slow


def add_pashto(project):
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    text = text.replace("        - locale: fr\n", "        - locale: ps\n          name: پښتو\n          build: true\n"
                                                 "        - locale: fr\n", 1)
    config.write_text(text, encoding="utf-8")


def test_the_build_names_exactly_what_to_add_then_every_page_is_an_honest_fallback(docs_copy):
    add_pashto(docs_copy)
    site = docs_copy / "site"
    first = run_mkdocs("build", "--strict", "--site-dir", str(site), cwd=docs_copy, env={"PDF": "off"})
    assert first.returncode != 0
    message = first.stderr

    assert "overrides/partials/languages/ps.html" in message and '"direction": "rtl"' in message
    # What a new team would do first: the theme's texts and the interface strings in their
    # language (here: the English words, as a placeholder a translator then replaces).
    import material

    theme_texts = (Path(material.__file__).parent / "templates/partials/languages/en.html").read_text(encoding="utf-8")
    theme_texts = theme_texts.replace('"language": "en"', '"language": "ps"').replace('"direction": "ltr"', '"direction": "rtl"')
    (docs_copy / "overrides/partials/languages/ps.html").write_text(theme_texts, encoding="utf-8")
    third = run_mkdocs("build", "--strict", "--site-dir", str(site), cwd=docs_copy, env={"PDF": "off"})
    assert third.returncode != 0
    assert re.search(r"data/strings\.yml: no 'ps' text for \d+ string\(s\): add a 'ps:' line under each of: ",
                     third.stderr), third.stderr[-2000:]
    assert "no string 'language_name_ps'" in third.stderr
    from ruamel.yaml import YAML

    strings = docs_copy / "data" / "strings.yml"
    loader = YAML()
    data = loader.load(strings.read_text(encoding="utf-8"))
    for key, value in data.items():
        if not key.startswith("_"):
            value["ps"] = value["en"]
    data["language_name_ps"] = {code: "Pashto" for code in ("en", "fa", "fr", "ps")}
    with strings.open("w", encoding="utf-8") as handle:
        loader.dump(data, handle)

    second = run_mkdocs("build", "--strict", "--site-dir", str(site), cwd=docs_copy, env={"PDF": "off"})
    assert second.returncode == 0, second.stderr[-3000:]
    pages = sorted((site / "ps").rglob("*.html"))
    assert len(pages) > 40
    for path in pages:
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        where = path.relative_to(site)
        assert soup.html["lang"] == "ps" and soup.html["dir"] == "rtl", where  # Babel knows Pashto is RTL
        content = soup.select_one("div.gp-fallback")
        if path.name in ("404.html", "tables.html"):
            continue
        assert content is not None and content["lang"] == "en" and content["dir"] == "ltr", \
            f"{where}: English text must not pretend to be Pashto"
        assert soup.select_one(".gp-translation-notice--missing") is not None, where
    status = (site / "ps" / "translation-status.html").read_text(encoding="utf-8")
    assert 'id="gp-status-ps"' in status
