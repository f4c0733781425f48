"""Dari search queries typed as people type them, each with the page it must find.

    python tools/search_queries.py --site site --seed 1 --count 240 > queries.yml

Reads the built Dari pages as the search sees them (the entries of ``fa/search/search_index.json``:
each page's content, headings and sections, as Material extracted it from the built HTML) and picks
words whose spelling, once normalised as search normalises it, occurs on exactly one page (a few
on two or three pages: then every one of them is expected). Each word is then typed the way a
reader in Afghanistan types it on a phone:

* an Arabic keyboard: ي for ی, ك for ک (all of them, in half of the queries);
* the half-space (ZWNJ) of plurals and compounds dropped («زنها») or typed as a space («زن ها»);
* the ezafe hamza («زنجیرهٔ») left out;
* sometimes a second word: the word next to it on the page, whatever it is (it may be common).

Deterministic for a given site and ``--seed``. The test set is committed in
``tests/data/search_queries_fa_generated.yml``; measure another seed once, at the end, as the
set nobody tuned on. Stop words and normalisation come from lunr.gp.min.js (read, not copied).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
PIPELINE = ROOT / "overrides/assets/javascripts/lunr/min/lunr.gp.min.js"
ZWNJ = "\u200c"
# a word: Arabic-script letters and marks, with half-spaces inside
ARABIC_WORD = re.compile(r"^[\u0621-\u063A\u0641-\u064A\u064B-\u065F\u0670-\u06D3\u06D5\u06FA-\u06FC"
                         r"\u06C0\u06CC\u06A9\u06AF\u067E\u0686\u0698\u0640\u200c]+$")
SEPARATOR = re.compile(r"[\s\-]+")  # extra.search.separator: how the index splits words
EDGES = re.compile(r"^[\W_]+|[\W_]+$")


def stop_words() -> set[str]:
    """The stop words of lunr.gp.min.js (the string literals that are split into STOP)."""
    source = PIPELINE.read_text(encoding="utf-8")
    block = source[source.index("var STOP"):source.index(".split(\" \")")]
    return set(" ".join(re.findall(r'"([^"]*)"', block)).split())


def normalise(text: str) -> str:
    """Python twin of gpSearch.normalise for Arabic-script words (the key a word is indexed by)."""
    text = unicodedata.normalize("NFD", text)
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    text = re.sub(r"[\u0640\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]", "", text)
    text = text.translate(str.maketrans({"\u064a": "\u06cc", "\u0649": "\u06cc", "\u0643": "\u06a9",
                                         "\u0629": "\u0647"}))
    return unicodedata.normalize("NFC", text.lower())


def page_words(html: str) -> list[str]:
    """Words of an index entry in reading order, split as Material's worker splits them (at tags,
    then at the separator). Only Arabic-script words are kept; anything else becomes a gap, so
    that a "next word" is really next to it on the page."""
    words = []
    for chunk in SEPARATOR.split(BeautifulSoup(html, "html.parser").get_text(" ")):
        chunk = EDGES.sub("", chunk.strip(ZWNJ)).strip(ZWNJ)
        words.append(chunk if chunk and ARABIC_WORD.match(chunk) else "")
    return words


def read_site(site: Path) -> dict[str, list[str]]:
    """Each Dari page's words as the search sees them: the entries of fa/search/search_index.json
    (Material extracts them from the built page's content; what a template adds, such as the
    glossary table, is not in the index and cannot be found, so it is not asked for)."""
    index = json.loads((site / "fa/search/search_index.json").read_text(encoding="utf-8"))
    pages: dict[str, list[str]] = defaultdict(list)
    for doc in index["docs"]:
        page = doc["location"].split("#")[0] or "index.html"
        pages[page] += [""] + page_words(doc["title"]) + [""] + page_words(doc["text"])
    return dict(sorted(pages.items()))


def typed(word: str, rng: random.Random, arabic_keyboard: bool) -> tuple[str, list[str]]:
    """The word as a reader types it, and the shapes applied."""
    shapes = []
    if ZWNJ in word:
        how = rng.choice(["joined", "space", "joined", "space", "kept"])
        word = word.replace(ZWNJ, {"joined": "", "space": " ", "kept": ZWNJ}[how])
        shapes.append(f"zwnj-{how}")
    if "\u0654" in word or "\u06c0" in word:  # ezafe: ـهٔ / ۀ
        if rng.random() < 0.7:
            word = word.replace("\u0654", "").replace("\u06c0", "\u0647")
            shapes.append("no-ezafe")
    if arabic_keyboard and re.search("[\u06cc\u06a9]", word):
        word = word.replace("\u06cc", "\u064a").replace("\u06a9", "\u0643")
        shapes.append("arabic-keyboard")
    return word, shapes


def generate(site: Path, seed: int, count: int, min_length: int = 4) -> list[dict]:
    rng = random.Random(seed)
    stop = stop_words()
    pages = read_site(site)
    where: dict[str, set[str]] = defaultdict(set)
    for page, words in pages.items():
        for word in words:
            if word:
                where[normalise(word)].add(page)
    # candidates: (page, position) of each distinct normalised form, first occurrence per page
    candidates: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for page, words in pages.items():
        seen = set()
        for position, word in enumerate(words):
            key = normalise(word) if word else ""
            if (not key or key in seen or key in stop or len(key.replace(ZWNJ, "")) < min_length
                    or len(where[key]) > 3):
                continue
            seen.add(key)
            candidates[key].append((page, position))
    unique = sorted(k for k in candidates if len(where[k]) == 1)
    few = sorted(k for k in candidates if len(where[k]) > 1)
    # half of the queries from words with a half-space (plurals, compounds): the hard shapes
    with_zwnj = [k for k in unique if any(ZWNJ in pages[p][i] for p, i in candidates[k])]
    zwnj_set = set(with_zwnj)
    plain = [k for k in unique if k not in zwnj_set]
    picks = (rng.sample(with_zwnj, min(len(with_zwnj), count * 4 // 10))
             + rng.sample(plain, min(len(plain), count * 4 // 10)))
    picks += rng.sample(few, min(len(few), count - len(picks)))
    rng.shuffle(picks)
    queries = []
    for key in picks:
        page, position = rng.choice(candidates[key])
        words = pages[page]
        arabic_keyboard = rng.random() < 0.5
        query, shapes = typed(words[position], rng, arabic_keyboard)
        if rng.random() < 0.3:  # a second word: the neighbour on the page, if it is a word
            after = rng.random() < 0.5
            neighbour = position + (1 if after else -1)
            if 0 <= neighbour < len(words) and words[neighbour]:
                other, more = typed(words[neighbour], rng, arabic_keyboard)
                query = f"{query} {other}" if after else f"{other} {query}"
                shapes += ["two-words"] + [s for s in more if s not in shapes]
        queries.append({"query": query, "expect": sorted(where[key]), "word": words[position],
                        "shapes": shapes or ["as-written"]})
    return queries


def dump(queries: list[dict], seed: int) -> str:
    lines = [f"# Generated by tools/search_queries.py --seed {seed} from the built Dari pages: words",
             "# found on one page (or two or three), typed as people type them (shapes). Do not edit;",
             "# regenerate. `word` is the form on the page.",
             "fa:"]
    for q in queries:
        lines.append("  - " + json.dumps({"query": q["query"], "expect": q["expect"], "word": q["word"],
                                          "shapes": q["shapes"]}, ensure_ascii=False))
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=ROOT / "site", help="the built site")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--count", type=int, default=240)
    parser.add_argument("--output", type=Path, help="write here instead of standard output")
    args = parser.parse_args(argv)
    text = dump(generate(args.site, args.seed, args.count), args.seed)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
