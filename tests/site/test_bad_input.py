"""Bad input gets a clear error naming file and line, and nothing is lost; translations that
fall behind are shown honestly. Each test builds a throwaway copy of the project."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.conftest import ROOT, run_mkdocs

pytestmark = pytest.mark.slow

FAST = {"PDF": "off"}


def soup(path):
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_translation_states_are_shown_to_readers(docs_copy):
    docs = docs_copy / "docs"
    # 1. the English original changes: its translations become outdated
    english = docs / "en" / "safe-exit-guide" / "documents.md"
    english.write_text(english.read_text(encoding="utf-8") + "\nA new paragraph.\n", encoding="utf-8")
    # 2. a Dari translation is deleted: readers get the English page, marked as English
    (docs / "fa" / "safe-exit-guide" / "checklist.md").unlink()
    # 3. a French translation is reviewed and current: no notice at all
    reviewed = docs / "fr" / "safe-exit-guide" / "checklist.md"
    reviewed.write_text(reviewed.read_text(encoding="utf-8").replace("reviewed: false", "reviewed: true"), encoding="utf-8")
    # 4. a French translation loses a heading: the build says where
    broken = docs / "fr" / "safe-exit-guide" / "money-and-communication.md"
    text = broken.read_text(encoding="utf-8")
    broken.write_text(text.replace("\n## ", "\n", 1), encoding="utf-8")

    site = docs_copy / "site"
    result = run_mkdocs("build", "--strict", "--site-dir", str(site), cwd=docs_copy, env=FAST)
    assert result.returncode == 0, result.stderr[-3000:]

    for language in ("fa", "fr"):
        page = soup(site / language / "safe-exit-guide" / "documents.html")
        notice = page.select_one(".gp-translation-notice--outdated")
        assert notice is not None, f"{language}: no outdated notice"
        link = notice.select_one("a[hreflang=en]")
        assert link and (site / language / "safe-exit-guide" / link["href"]).resolve() == (site / "safe-exit-guide" / "documents.html").resolve()

    fallback = soup(site / "fa" / "safe-exit-guide" / "checklist.html")
    assert fallback.html["lang"] == "fa" and fallback.html["dir"] == "rtl"  # the site around it
    content = fallback.select_one("div.gp-fallback")
    assert content["lang"] == "en" and content["dir"] == "ltr", "fallback text must not pretend to be Dari"
    notice = fallback.select_one(".gp-translation-notice--missing")
    assert notice is not None and notice["lang"] == "fa"
    assert notice.select_one("a")["href"].endswith("translation-status.html")

    assert soup(site / "fr" / "safe-exit-guide" / "checklist.html").select_one(".gp-translation-notice") is None

    status = soup(site / "fa" / "translation-status.html").get_text(" ")
    assert "ترجمه نشده" in status and "نیازمند به‌روزرسانی" in status

    report = subprocess.run([sys.executable, "-m", "publishing.translations", "status", "--docs", str(docs)],
                            cwd=docs_copy, capture_output=True, text=True)
    assert re.search(r"docs/fr/safe-exit-guide/money-and-communication\.md:\d+: .* headings where the English has",
                     report.stdout), report.stdout[-3000:]
    assert "diff docs/fa/safe-exit-guide/documents.md" in report.stdout  # how to see what changed


def test_broken_link_fails_with_the_file_named(docs_copy):
    page = docs_copy / "docs" / "en" / "about.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nSee [the annex](annex.md).\n", encoding="utf-8")
    result = run_mkdocs("build", "--strict", "--site-dir", str(docs_copy / "site"), cwd=docs_copy,
                        env={**FAST, "BUILD_ONLY_LOCALE": "en"})
    assert result.returncode != 0
    assert "about.md" in result.stderr and "annex.md" in result.stderr


def test_unsafe_html_in_a_translation_fails_with_file_and_line(docs_copy):
    page = docs_copy / "docs" / "fa" / "about.md"
    lines = page.read_text(encoding="utf-8").splitlines()
    lines.insert(12, '<img src="https://tracker.example/p.gif" alt="">')
    page.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_mkdocs("build", "--strict", "--site-dir", str(docs_copy / "site"), cwd=docs_copy,
                        env={**FAST, "BUILD_ONLY_LOCALE": "fa"})
    assert result.returncode != 0
    assert "docs/fa/about.md:13:" in result.stderr and "outside the site" in result.stderr


@pytest.mark.parametrize("language, key, value, expected", [
    ("fr", "description", "Qui publie ce site : un réglage", "front matter is not valid YAML ("),
    # PyYAML raised ValueError for it while the translation status read every page: the build
    # stopped with a traceback that named no file
    ("fa", "last_reviewed", "2026-13-40", "front matter is not valid YAML ('2026-13-40' is not a date that exists"),
])
def test_bad_front_matter_fails_with_file_and_line(docs_copy, language, key, value, expected):
    page = docs_copy / "docs" / language / "about.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(re.sub(rf"^{key}: .*$", f"{key}: {value}", text, count=1, flags=re.M), encoding="utf-8")
    result = run_mkdocs("build", "--strict", "--site-dir", str(docs_copy / "site"), cwd=docs_copy,
                        env={**FAST, "BUILD_ONLY_LOCALE": language})
    assert result.returncode != 0
    line = text[:text.index(f"\n{key}:")].count("\n") + 2
    assert f"docs/{language}/about.md:{line}: {expected}" in result.stderr, result.stderr[-2000:]
    assert "Traceback" not in result.stderr


def test_a_failed_build_leaves_the_previous_site_untouched(docs_copy):
    site = docs_copy / "site"
    site.mkdir()
    (site / "index.html").write_text("previous build", encoding="utf-8")
    page = docs_copy / "docs" / "en" / "about.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n<script>alert(1)</script>\n", encoding="utf-8")
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "build.py"), "--site-dir", str(site),
                             "--config-file", str(docs_copy / "mkdocs.yml")],
                            capture_output=True, text=True, env={**__import__("os").environ, **FAST, "BUILD_ONLY_LOCALE": "en"})
    assert result.returncode != 0
    assert (site / "index.html").read_text(encoding="utf-8") == "previous build"
    assert sorted(p.name for p in docs_copy.iterdir() if p.name.startswith(".site")) == []


def test_a_build_that_fails_while_books_render_stops_them_and_leaves_nothing_behind(docs_copy, tmp_path):
    """The English books start rendering as soon as English is built (hooks/pdf.py). When the
    French build then fails, the books in hand are stopped, no process is left behind and no
    half-written PDF stays in the cache."""
    page = docs_copy / "docs" / "fr" / "about.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n<script>alert(1)</script>\n", encoding="utf-8")
    cache = tmp_path / "pdf-cache"
    result = run_mkdocs("build", "--strict", "--site-dir", str(docs_copy / "site"), cwd=docs_copy,
                        env={"PDF_CACHE_DIR": str(cache), "PDF": "on"})
    assert result.returncode != 0
    assert "docs/fr/about.md" in result.stderr
    assert "PDFs stopped because the build failed" in result.stderr, result.stderr[-2000:]
    assert sorted(p.name for p in cache.glob("*.partial.pdf")) == []
    left = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if str(docs_copy).encode() in cmdline.read_bytes():
                left.append(cmdline.parent.name)
        except OSError:
            continue
    assert left == [], "processes of the failed build are still running"


@pytest.mark.parametrize("file,edit,where", [
    ("data/strings.yml", lambda t: t.replace("  fa: خروج سریع", '  fa: "خروج سریع<script>window.__xss6=1</script>"', 1),
     "data/strings.yml:"),
    ("data/glossary.yml", lambda t: t.replace("    term: persécution liée au genre",
                                              '    term: "<script>window.__xss7=1</script>GLOSS"', 1),
     "data/glossary.yml:"),
    # YAML escapes: no "<" in the file, one in the title (security review C2)
    ("docs/fa/staying-safe.md", lambda t: re.sub(r"^title: .*$", lambda m: 'title: "\\x3C/title\\x3E\\x3Cscript\\x3Ex\\x3C/script\\x3E"',
                                                 t, count=1, flags=re.M),
     "docs/fa/staying-safe.md:2:"),
])
def test_html_in_titles_strings_and_glossary_stops_the_build_with_file_and_line(docs_copy, file, edit, where):
    """Security review C2: these reached every page of a language unescaped."""
    path = docs_copy / file
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    result = run_mkdocs("build", "--strict", "--site-dir", str(docs_copy / "site"), cwd=docs_copy,
                        env={**FAST, "BUILD_ONLY_LOCALE": "fa" if "fa" in file else "fr"})
    assert result.returncode != 0
    assert where in result.stderr and "'<' or '>'" in result.stderr, result.stderr[-2000:]
