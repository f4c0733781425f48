"""hooks/search.py: one index per language, with the configuration lunr.gp.min.js expects."""

from __future__ import annotations

import json
from types import SimpleNamespace

import hooks.search
from hooks.search import index_config, on_post_build, split_index, typeset, write_index
from publishing import languages

REGISTRY = languages.from_mkdocs_yml()

COMBINED = {"config": {"lang": ["en", "fr"]}, "docs": [
    {"location": "index.html", "title": "Home", "text": "<p>Welcome</p>"},
    {"location": "policy-primer/index.html#rome", "title": "Rome", "text": "<p>Rome Statute</p>"},
    {"location": "fa/index.html", "title": "خانه", "text": "<p>زن‌ها</p>"},
    {"location": "fa/policy-primer/index.html", "title": "رهنما", "text": "<p>اساسنامه</p>"},
    {"location": "fr/index.html", "title": "Accueil : bienvenue", "text": "<p>Bienvenue : « lire » 35 000</p>"},
    # an English page whose name starts like a language code stays English
    {"location": "fallback/index.html", "title": "Fallback", "text": "<p>x</p>"},
]}


def test_split_index_gives_each_language_its_entries_relative_to_its_root():
    split = split_index(COMBINED, ["en", "fa", "fr"], "en")
    assert [d["location"] for d in split["en"]] == ["index.html", "policy-primer/index.html#rome", "fallback/index.html"]
    assert [d["location"] for d in split["fa"]] == ["index.html", "policy-primer/index.html"]
    assert [d["location"] for d in split["fr"]] == ["index.html"]
    assert split["fa"][0]["text"] == "<p>زن‌ها</p>", "entries are copied, not changed"
    assert COMBINED["docs"][2]["location"] == "fa/index.html", "the combined index is left as it was"


def test_split_index_keeps_every_language_even_without_entries():
    assert split_index({"docs": []}, ["en", "fa"], "en") == {"en": [], "fa": []}


def test_index_config_names_our_pipeline_without_a_stemmer():
    config = index_config({})
    assert config["lang"] == ["gp"]
    # the index keeps exact forms; lunr.gp.min.js looks stems up at query time
    assert config["pipeline"] == ["trimmer", "stopWordFilter"]
    assert config["separator"] == r"[\s\-]+"
    title, text = config["fields"]["title"]["boost"], config["fields"]["text"]["boost"]
    assert 1 < title / text <= 10, "titles strong, but not strong enough to drown the word in the text"


def test_index_config_takes_separator_and_fields_from_extra_search():
    config = index_config({"separator": "[\\s]+", "fields": {"title": {"boost": 3}, "text": {"boost": 1}}})
    assert config["separator"] == "[\\s]+" and config["fields"]["title"] == {"boost": 3}


def test_write_index_writes_json_for_http_and_a_script_for_file(tmp_path):
    docs = [{"location": "index.html", "title": "خانه", "text": "<p>زن‌ها</p>"}]
    write_index(tmp_path / "fa" / "search", index_config({}), docs)
    data = (tmp_path / "fa/search/search_index.json").read_text(encoding="utf-8")
    assert json.loads(data)["docs"] == docs
    assert "زن‌ها" in data, "Persian stays readable (and smaller) in the file"
    script = (tmp_path / "fa/search/search_index.js").read_text(encoding="utf-8")
    assert script == "var __index = " + data, "Material's file:// loader reads the global __index"


def test_post_build_writes_one_index_per_language(tmp_path, monkeypatch):
    monkeypatch.setattr(hooks.search.site_languages, "of", lambda config: REGISTRY)
    (tmp_path / "search").mkdir()
    (tmp_path / "search/search_index.json").write_text(json.dumps(COMBINED), encoding="utf-8")
    i18n = SimpleNamespace(building=False, build_languages=["en", "fa", "fr"], default_language="en")
    config = SimpleNamespace(site_dir=str(tmp_path), plugins={"i18n": i18n},
                             extra={"search": {"fields": {"title": {"boost": 5}, "text": {"boost": 1}}}})
    on_post_build(config)
    for folder, count in (("search", 3), ("fa/search", 2), ("fr/search", 1)):
        index = json.loads((tmp_path / folder / "search_index.json").read_text(encoding="utf-8"))
        assert len(index["docs"]) == count and index["config"]["lang"] == ["gp"]
        assert index["config"]["fields"]["title"] == {"boost": 5}
    french = json.loads((tmp_path / "fr/search/search_index.json").read_text(encoding="utf-8"))["docs"][0]
    assert french["title"] == "Accueil\u00a0: bienvenue", "results show titles as the pages do"


def test_results_show_the_typography_of_their_pages():
    """Material indexes a page before it is typeset; a French result read «genre :» split at
    the line end, and «35 000» could break in two."""
    entry = {"location": "x.html", "title": "Pourquoi ?", "text": "<p>Bienvenue : « lire » 35 000</p>"}
    [french] = typeset([entry], REGISTRY["fr"])
    assert french == {"location": "x.html", "title": "Pourquoi\u202f?",
                      "text": "<p>Bienvenue\u00a0: «\u202flire\u202f» 35\u202f000</p>"}
    assert entry["title"] == "Pourquoi ?", "the entry itself is left as it was"
    [dari] = typeset([{"location": "x.html", "title": "خانه", "text": "<p>۱۵ اگست ۲۰۲۱</p>"}], REGISTRY["fa"])
    assert dari["text"] == "<p>۱۵\u00a0اگست\u00a0۲۰۲۱</p>", "a Dari date stays on one line"


def test_post_build_does_nothing_inside_static_i18n_inner_builds(tmp_path):
    (tmp_path / "search").mkdir()
    (tmp_path / "search/search_index.json").write_text(json.dumps(COMBINED), encoding="utf-8")
    i18n = SimpleNamespace(building=True, build_languages=["en", "fa"], default_language="en")
    on_post_build(SimpleNamespace(site_dir=str(tmp_path), plugins={"i18n": i18n}, extra={}))
    assert not (tmp_path / "fa").exists()
