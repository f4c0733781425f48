"""tools/search_queries.py: the generated Dari queries are reproducible, typed as people type,
and expect exactly the pages that have the word."""

from __future__ import annotations

import json
import random

from tools.search_queries import ZWNJ, generate, normalise, stop_words, typed

PAGES = {
    "a.html": f"<p>پوهنتون{ZWNJ}ها و مکتب{ZWNJ}ها بسته شدند. کاپی{ZWNJ}های تذکره را نگه دارید.</p>",
    "b.html": "<p>مکتب برای دختران بسته است. فراداده عکس را پاک کنید.</p>",
    "c.html": f"<p>ترجمان{ZWNJ}ها در مصاحبه کمک می‌کنند. مکتب و رضایت آگاهانه.</p>",
}


def fake_site(tmp_path):
    docs = [{"location": page, "title": "Page", "text": text} for page, text in PAGES.items()]
    (tmp_path / "fa/search").mkdir(parents=True)
    (tmp_path / "fa/search/search_index.json").write_text(json.dumps({"config": {}, "docs": docs}), encoding="utf-8")
    return tmp_path


def test_same_seed_same_queries_other_seed_other_queries(tmp_path):
    site = fake_site(tmp_path)
    assert generate(site, 1, 6) == generate(site, 1, 6)
    assert any(generate(site, seed, 6) != generate(site, 1, 6) for seed in range(2, 6))


def test_every_query_expects_exactly_the_pages_with_its_word(tmp_path):
    site = fake_site(tmp_path)
    for case in generate(site, 3, 10):
        key = normalise(case["word"])
        having = sorted(page for page, text in PAGES.items()
                        if key in {normalise(w.strip(".")) for w in text[3:-4].split()})
        assert case["expect"] == having, case
        assert len(case["expect"]) <= 3 and normalise(case["word"]) not in stop_words()


def test_typed_as_people_type():
    rng = random.Random(0)
    shapes = {}
    for _ in range(50):
        query, applied = typed(f"کاپی{ZWNJ}های", rng, arabic_keyboard=True)
        shapes[tuple(applied)] = query
    assert shapes[("zwnj-joined", "arabic-keyboard")] == "كاپيهاي"
    assert shapes[("zwnj-space", "arabic-keyboard")] == "كاپي هاي"
    assert typed("زنجیرهٔ", random.Random(1), arabic_keyboard=False)[0] in ("زنجیره", "زنجیرهٔ")


def test_stop_words_are_read_from_the_pipeline():
    words = stop_words()
    assert {"و", "در", "ها", "the", "les"} <= words and "مکتب" not in words
