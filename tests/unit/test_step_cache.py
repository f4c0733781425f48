"""Results kept between builds (publishing/step_cache.py) are exactly what the step makes, are
found only for the same inputs, and never outlive a change of the code or settings."""

from __future__ import annotations

import os
import time

import pytest

from publishing import pipeline, step_cache, typography


def counting(result: str):
    calls = []

    def compute():
        calls.append(1)
        return result

    return compute, calls


def test_a_result_is_computed_once_then_found():
    compute, calls = counting("made")
    assert step_cache.text_step("s", "text", ("fa",), compute) == "made"
    assert step_cache.text_step("s", "text", ("fa",), compute) == "made"
    assert len(calls) == 1


@pytest.mark.parametrize("other", [("s", "text2", ("fa",)), ("s", "text", ("fr",)), ("t", "text", ("fa",)),
                                   ("s", "tex", ("tfa",))])
def test_another_text_step_or_parameter_is_not_found(other):
    step_cache.text_step("s", "text", ("fa",), lambda: "first")
    compute, calls = counting("second")
    assert step_cache.text_step(other[0], other[1], other[2], compute) == "second"
    assert calls == [1]


def test_a_change_of_code_or_settings_changes_every_key(tmp_path, monkeypatch):
    root = tmp_path / "project"
    for name in ("publishing/typography.py", "hooks/pipeline.py", "mkdocs.yml", "data/strings.yml",
                 "requirements.txt"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("one\n")
    monkeypatch.setattr(step_cache, "ROOT", root)
    keys = set()
    for name in ("publishing/typography.py", "hooks/pipeline.py", "mkdocs.yml", "data/strings.yml",
                 "requirements.txt"):
        step_cache._inputs_digest.cache_clear()
        before = step_cache.key("s", "text")
        (root / name).write_text("two\n")
        step_cache._inputs_digest.cache_clear()
        keys |= {before, step_cache.key("s", "text")}
    step_cache._inputs_digest.cache_clear()
    assert len(keys) == 6, "a changed file left the keys as they were"


def test_a_failing_step_stores_nothing(tmp_path):
    def broken():
        raise ValueError("bad page")

    with pytest.raises(ValueError):
        step_cache.text_step("s", "text", (), broken)
    compute, calls = counting("made")
    assert step_cache.text_step("s", "text", (), compute) == "made" and calls == [1]


def test_off_means_always_computed(monkeypatch):
    monkeypatch.setenv("STEP_CACHE", "off")
    compute, calls = counting("made")
    step_cache.text_step("s", "text", (), compute)
    step_cache.text_step("s", "text", (), compute)
    assert len(calls) == 2


PAGE = ('<!doctype html><html lang="fr"><head><title>Guide : sortir</title>'
        '<script data-gp-trusted="{token}">var a = "x : y";</script></head>'
        '<body><p>Les femmes ont le droit d’étudier : « oui » !</p></body></html>')


def test_a_page_found_again_carries_the_token_of_its_own_build():
    first = pipeline.typeset_page(PAGE.format(token="aaaa1111"), "fr", "0123456789", "aaaa1111")
    assert first == typography.apply(PAGE.format(token="aaaa1111"), "fr")
    second = pipeline.typeset_page(PAGE.format(token="bbbb2222"), "fr", "0123456789", "bbbb2222")
    assert second == typography.apply(PAGE.format(token="bbbb2222"), "fr")
    assert "aaaa1111" not in second
    assert len(list((step_cache.folder() / "typography").iterdir())) == 1, "the second build did not find the first"


def test_content_cannot_name_the_stand_in_to_get_the_token():
    page = PAGE.format(token="cccc3333").replace("d’étudier", "d’étudier " + pipeline.TOKEN_STAND_IN)
    assert "cccc3333" not in pipeline.typeset_page(page, "fr", "0123456789", "cccc3333").split("</script>")[1]


# A page as overrides/main.html marks it: the sidebars and the article are large parts, the same in
# the site and a one-language preview; the <head> (links one folder up) and the language switcher
# are small parts, which differ.
NAVIGATION = "".join(f'<li><a href="x{n}.html">مادهٔ {n} (A/HRC/53/{n})</a></li>' for n in range(80))
ARTICLE = "<p>On 7 October 2025, under Article 7, the Office said: « non ».</p>" * 80
MARKED = ('<!doctype html><html lang="fa" dir="rtl"><head><!--gp:part--><title>رهنما 2026</title>'
          '<link rel="stylesheet" href="{up}assets/site.css"><!--/gp:part--></head><body>'
          '<header><a href="./">رهنمای 2026</a><!--gp:part-->{switcher}<!--/gp:part--></header>'
          '<!--gp:part--><nav><ul>' + NAVIGATION + '</ul></nav><!--/gp:part-->'
          '<div lang="en"><article class="md-content__inner md-typeset"><!--gp:part-->' + ARTICLE +
          '<p>See<sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a></sup>'
          '<sup id="fnref:2"><a class="footnote-ref" href="#fn:2">2</a></sup></p><code>p. 7</code>'
          '<!--/gp:part--></article></div><footer>۲۰۲۶</footer></body></html>')
SITE_PAGE = MARKED.format(up="../../", switcher='<a href="../../fr/" lang="fr">Français : oui</a>')
PREVIEW_PAGE = MARKED.format(up="../", switcher="")


def unmarked(page: str) -> str:
    return page.replace("<!--gp:part-->", "").replace("<!--/gp:part-->", "")


def test_the_parts_are_large_and_small_as_the_real_pages_are():
    assert len(NAVIGATION) >= typography.SMALL_PART and len(ARTICLE) >= typography.SMALL_PART


@pytest.mark.parametrize("page", [SITE_PAGE, PREVIEW_PAGE])
def test_a_page_typeset_in_parts_is_the_page_typeset_whole_without_the_marks(page):
    whole = typography.apply(unmarked(page), "fa", "۰۱۲۳۴۵۶۷۸۹")
    assert pipeline.typeset_page(page, "fa", "۰۱۲۳۴۵۶۷۸۹", "tttt") == whole
    assert "A/HRC/53/21)</bdi>" in whole and "7\u00a0October" in whole  # Dari rules outside, English inside
    assert "\u2060<sup" in whole and "gp-call-next" in whole  # the footnote calls glued, in a part
    assert "gp:part" not in whole and "gp-part" not in whole


def test_a_preview_finds_the_frame_and_the_large_parts_a_full_build_typeset():
    """Its pages differ from the site's only in the small parts, which are typeset again."""
    pipeline.typeset_page(SITE_PAGE, "fa", "۰۱۲۳۴۵۶۷۸۹", "t1")
    hits, misses = step_cache.stats["hits"], step_cache.stats["misses"]
    pipeline.typeset_page(PREVIEW_PAGE, "fa", "۰۱۲۳۴۵۶۷۸۹", "t2")
    # the frame, the navigation and the article found; the page as a whole not (and kept for next time)
    assert (step_cache.stats["hits"] - hits, step_cache.stats["misses"] - misses) == (3, 1)


@pytest.mark.parametrize("page", [
    SITE_PAGE.replace("<!--/gp:part--></article>", "</article>"),  # a part never closed
    MARKED.format(up="", switcher="<script>var s = '<!--gp:part-->';</script>"),  # a mark in a script
])
def test_marks_that_do_not_pair_up_give_the_page_typeset_whole(page):
    whole = unmarked(typography.apply(page, "fa", "۰۱۲۳۴۵۶۷۸۹"))
    assert pipeline.typeset_page(page, "fa", "۰۱۲۳۴۵۶۷۸۹", "tttt") == whole


@pytest.mark.parametrize("spoof", [
    "\0gp-part:en:1:1:0\0",  # a place, as the frame's typography writes it
    "\0gp-part\0",  # a hole
    pipeline.TOKEN_STAND_IN,
    "&lt;!--/gp:part--&gt;&lt;!--gp:part--&gt;",  # marks, as autoescape prints them
])
def test_front_matter_printed_in_the_head_cannot_move_a_part(spoof):
    """A translator's title reaches the <head> (a part of its own) and the header (the frame)
    through autoescape, which keeps NUL: a spoofed hole or place there must not make typography
    treat a text elsewhere as code, or as another language's."""
    page = (SITE_PAGE.replace("<title>رهنما 2026</title>", f"<title>رهنما {spoof} 2026</title>")
            .replace('<a href="./">رهنمای 2026</a>', f'<a href="./">{spoof}</a>'))  # the header: the frame
    whole = unmarked(typography.apply(unmarked(page), "fa", "۰۱۲۳۴۵۶۷۸۹"))
    assert pipeline.typeset_page(page, "fa", "۰۱۲۳۴۵۶۷۸۹", "tttt") == whole
    assert "A/HRC/53/21)</bdi>" in whole and "7\u00a0October" in whole


def test_content_cannot_add_or_move_a_part_mark():
    """A translator who closes the article's part early (or opens one inside code) would have
    typography treat text outside its place: the content stage drops every comment."""
    hostile = '<p>a</p><!--/gp:part--><p>7 October</p><!--gp:part--><code><!--gp:part-->p. 7</code>'
    assert "gp:part" not in pipeline.content(hostile)


def test_pruning_deletes_the_least_recently_used_first():
    for name in ("old", "middle", "new"):
        step_cache.text_step("s", name, (), lambda: "x" * 1000)
    assert len(list((step_cache.folder() / "s").iterdir())) == 3
    now = time.time()
    by_text = {}
    for age, text in ((300, "old"), (200, "middle"), (100, "new")):
        path = step_cache.folder() / "s" / step_cache.key("s", text)
        os.utime(path, (now - age, now - age))
        by_text[text] = path
    step_cache.text_step("s", "old", (), lambda: "never")  # a use makes it the newest
    assert step_cache.prune(2000, step_cache.folder()) == 1
    assert by_text["old"].exists() and by_text["new"].exists() and not by_text["middle"].exists()


def test_the_pdf_cache_keeps_the_books_used_last(tmp_path):
    """Each changed book left its old PDF in .cache/pdf for ever (180 MB after a month of work)."""
    now = time.time()
    for age, name in ((300, "old"), (200, "middle"), (100, "new")):
        for suffix in (".pdf", ".json"):
            path = tmp_path / f"{name}{suffix}"
            path.write_bytes(b"x" * (900 if suffix == ".pdf" else 100))
            os.utime(path, (now - age, now - age))
    assert step_cache.prune(budget=2000, where=tmp_path) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["middle.json", "middle.pdf", "new.json", "new.pdf"]


def test_a_build_lists_the_cache_to_prune_it_only_once_builds_stored_enough(monkeypatch):
    """A rebuild or preview with no change stores nothing, and a save in `mkdocs serve` a few
    hundred KB: listing and stat-ing every file of the cache to prune it would cost each of them
    time for nothing. What builds stored is counted in the folder, across builds."""
    monkeypatch.setattr(step_cache, "PRUNE_AFTER_BYTES", 1500)
    monkeypatch.setattr(step_cache, "BUDGET_BYTES", 3600)
    listed = []
    real_files = step_cache._files
    monkeypatch.setattr(step_cache, "_files", lambda folder: listed.append(folder) or real_files(folder))
    (step_cache.folder() / "s").mkdir(parents=True)
    (step_cache.folder() / "s" / "put-there-long-ago").write_bytes(b"x" * 900)
    os.utime(step_cache.folder() / "s" / "put-there-long-ago", (1, 1))
    step_cache.text_step("s", "a page", (), lambda: "x" * 1000)
    assert step_cache.prune_after_build() == 0 and not listed  # 1000 bytes stored: under 1500
    step_cache.text_step("s", "a page", (), lambda: "never")  # a hit stores nothing
    assert step_cache.prune_after_build() == 0 and not listed
    step_cache._stored[0] = 0  # a new build, which stores another 1000 bytes: 2000 since the last prune
    step_cache.text_step("s", "another page", (), lambda: "y" * 1000)
    assert step_cache.prune_after_build() == 1 and listed  # pruned to 3600 - 1500 bytes: the oldest went
    assert not (step_cache.folder() / "s" / "put-there-long-ago").exists()
    assert (step_cache.folder() / step_cache.LEDGER).read_text() == "0"


