"""Search per language, forgiving of how people type, on http and from disk.

One job: each language has its own small search index, built for how its readers type.

* static-i18n leaves one index of every language at ``search/search_index.json``, fetched by
  every page. After the build this hook splits it: ``search/`` keeps the English entries and
  ``fa/search/``, ``fr/search/`` get their own (``.json`` for http, ``.js`` for file://, as
  Material's offline plugin does). Pages point Material at their language's folder through
  ``__config.base`` (overrides/main.html), so a Dari reader downloads and searches Dari only.
* Each index names the lunr "language" ``gp``: Material's worker then loads
  ``assets/javascripts/lunr/min/lunr.gp.min.js``, our pipeline (normalise, stop words; each word
  kept in its exact form) and ranking (the word as typed above its plural or singular above
  longer words that start with it) — the same normalisation the page applies to the query.
* The separator does not split on the Persian half-space: «زن‌ها» stays one token, normalised
  to «زنها», so «زن‌ها», «زن ها» and «زنها» all find it first, and «زن» after it.
* The titles and snippets shown in the results get the typography of the pages they come from
  (French spaces before « ; : ! ? » », numbers that do not split): Material indexes a page before
  pipeline step 7 typesets it.
* Configuration: ``extra.search`` in mkdocs.yml (separator, field boosts). The index holds the
  pages' text only once: ranking costs no bytes.
"""

from __future__ import annotations

import json
from pathlib import Path

from mkdocs.plugins import event_priority

from publishing import languages as site_languages
from publishing import step_cache, typography


def split_index(combined: dict, languages: list[str], default: str) -> dict[str, list[dict]]:
    """Entries of the combined index per language, with locations relative to that language."""
    per_language: dict[str, list[dict]] = {language: [] for language in languages}
    others = [language for language in languages if language != default]
    for entry in combined.get("docs", []):
        location = entry["location"]
        language = next((l for l in others if location.startswith(f"{l}/")), default)
        if language != default:
            location = location[len(language) + 1:]
        per_language[language].append({**entry, "location": location})
    return per_language


# A heading word counts a few times a word of the text, not a thousand times (Material's default):
# otherwise any heading that merely starts like the query outranks the page that has the word.
FIELDS = {"title": {"boost": 5.0}, "text": {"boost": 1.0}}


# Between the texts of the index when they are typeset in one pass (one call per entry cost more
# than the typesetting itself: 0.4 s a build for about 2,700 entries).
_BETWEEN = "<hr data-gp-index-entry>"


def typeset(docs: list[dict], language: site_languages.Language) -> list[dict]:
    """The entries with the typography their pages have (the index holds each text as HTML)."""
    texts = [text for entry in docs for text in (entry.get("title", ""), entry.get("text", ""))]
    joined = _BETWEEN.join(texts)
    parts = step_cache.text_step("search-typography", joined, (language.code, language.digits),
                                 lambda: typography.apply(joined, language.code, language.digits)).split(_BETWEEN)
    if len(parts) != len(texts):  # a text that held the separator itself: one at a time
        parts = [typography.apply(text, language.code, language.digits) if text else text for text in texts]
    return [{**entry, "title": parts[2 * i], "text": parts[2 * i + 1]} for i, entry in enumerate(docs)]


def index_config(settings: dict) -> dict:
    return {
        "lang": ["gp"],
        "separator": settings.get("separator", r"[\s\-]+"),
        # no "stemmer": the index keeps exact forms, lunr.gp.min.js looks stems up at query time
        "pipeline": ["trimmer", "stopWordFilter"],
        "fields": settings.get("fields", FIELDS),
    }


def write_index(folder: Path, config: dict, docs: list[dict]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    data = json.dumps({"config": config, "docs": docs}, ensure_ascii=False, separators=(",", ":"))
    (folder / "search_index.json").write_text(data, encoding="utf-8")
    # file:// cannot fetch JSON; Material loads this script instead (see the offline plugin)
    (folder / "search_index.js").write_text(f"var __index = {data}", encoding="utf-8")


@event_priority(-200)  # after static-i18n merged the languages and the offline plugin ran
def on_post_build(config):
    i18n = config.plugins.get("i18n")
    if i18n is not None and getattr(i18n, "building", False):
        return
    site = Path(config.site_dir)
    combined_path = site / "search" / "search_index.json"
    if not combined_path.exists():
        return
    combined = json.loads(combined_path.read_text(encoding="utf-8"))
    languages = list(i18n.build_languages) if i18n is not None else ["en"]
    default = i18n.default_language if i18n is not None else "en"
    settings = index_config(config.extra.get("search") or {})
    registry = site_languages.of(config)
    for language, docs in split_index(combined, languages, default).items():
        folder = site / "search" if language == default else site / language / "search"
        write_index(folder, settings, typeset(docs, registry[language]))
