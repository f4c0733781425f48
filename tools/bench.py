"""Benchmark: page weight, build speed and PDF size — measured, not asserted (`make bench`).

    python tools/bench.py [--runs 3] [--skip-builds]

* Page weight, per language, in Debian Chromium against the built site: the first visit to a
  chapter (every request until the network is idle) and the next chapter in the same tab, raw
  and gzip-compressed (as a server with gzip sends it), with the share of fonts, CSS, JS and the
  search index (fetched only when search is opened: measured separately); the largest page.
* The same numbers for an unmodified Material + static-i18n build of the same content (the
  baseline), built in the same run.
* Build speed, median of --runs: a clean full build (site and every PDF, empty PDF cache), a
  rebuild with no change (PDF cache hits) and a rebuild after editing one page.
* Each PDF's render time, pages and size; each language's search index size.

Writes build/reports/bench.json and prints a summary in Markdown.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

from localserver import serve

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "build" / "reports"
CHROMIUM = "/usr/bin/chromium"
CHAPTER, NEXT = "afghanistan-report/chronology.html", "afghanistan-report/right-to-education.html"
LANGUAGES = ["en", "fa", "fr"]


def mkdocs_build(site: Path, config: Path = ROOT / "mkdocs.yml", env: dict | None = None, strict: bool = True) -> float:
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "--strict" if strict else "--no-strict",
                    "--config-file", str(config),
                    "--site-dir", str(site)], check=True, cwd=ROOT,
                   env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})})
    return time.monotonic() - started


def kind_of(path: str) -> str:
    if "search_index" in path:
        return "search index"
    if path.endswith((".woff2", ".woff", ".ttf")):
        return "fonts"
    if path.endswith(".css"):
        return "css"
    if path.endswith(".js"):
        return "js"
    if path.endswith(".html"):
        return "html"
    return "other"


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6, mtime=0))


def weigh(site: Path, label: str, directory_urls: bool = False) -> dict:
    from playwright.sync_api import sync_playwright

    server, base = serve(site)
    out = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"])
        for language in LANGUAGES:
            prefix = "" if language == "en" else f"{language}/"
            context = browser.new_context()
            page = context.new_page()
            seen: list[str] = []
            page.on("request", lambda r: seen.append(r.url))

            def local(urls):
                files, foreign = [], []
                for url in urls:
                    parts = urlsplit(url)
                    if not url.startswith(base):
                        foreign.append(url)
                        continue
                    path = site / unquote(parts.path.lstrip("/"))
                    if path.is_dir():
                        path = path / "index.html"
                    if path.is_file():
                        files.append(path)
                return files, foreign

            chapter, following = (CHAPTER, NEXT) if not directory_urls else \
                (CHAPTER.replace(".html", "/"), NEXT.replace(".html", "/"))
            page.goto(base + prefix + chapter)
            page.wait_for_load_state("networkidle")
            first_urls = list(dict.fromkeys(seen))
            seen.clear()
            page.goto(base + prefix + following)
            page.wait_for_load_state("networkidle")
            next_urls = [u for u in dict.fromkeys(seen) if u not in first_urls]  # the rest is cached
            seen.clear()
            box = page.locator("input[data-md-component='search-query']")
            if box.count():
                box.first.click()
                page.wait_for_load_state("networkidle")
            index_urls = [u for u in dict.fromkeys(seen) if "search_index" in u and u not in first_urls]
            context.close()

            def summary(urls):
                files, foreign = local(urls)
                shares: dict[str, dict[str, int]] = {}
                for path in files:
                    data = path.read_bytes()
                    entry = shares.setdefault(kind_of(path.as_posix()), {"raw": 0, "gzip": 0})
                    entry["raw"] += len(data)
                    entry["gzip"] += gz(data)
                total = {"raw": sum(v["raw"] for v in shares.values()), "gzip": sum(v["gzip"] for v in shares.values())}
                return {"requests": len(urls), "total": total, "by_kind": shares, "third_party_requests": foreign}

            out[language] = {"first_visit": summary(first_urls), "next_page": summary(next_urls),
                             "search_index_on_first_search": summary(index_urls)}
        browser.close()
    server.shutdown()
    pages = sorted(site.rglob("*.html"), key=lambda p: gz(p.read_bytes()), reverse=True)
    out["largest_page"] = {"path": pages[0].relative_to(site).as_posix(), "raw": pages[0].stat().st_size,
                           "gzip": gz(pages[0].read_bytes())}
    out["site_bytes"] = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    print(f"weighed {label}", file=sys.stderr)
    return out


def baseline_config(target: Path) -> Path:
    """Unmodified Material + static-i18n over the same docs and nav: defaults everywhere. (Our
    pages that name one of our templates get Material's default one.)"""
    import re

    import yaml

    docs = target / "docs"
    shutil.copytree(ROOT / "docs", docs)
    for page in docs.rglob("*.md"):
        text = page.read_text(encoding="utf-8")
        page.write_text(re.sub(r"^template: (?!404).*\n", "", text, count=1, flags=re.M), encoding="utf-8")

    ours = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    config = {
        "site_name": ours["site_name"],
        "docs_dir": str(docs),
        "theme": {"name": "material", "language": "en"},
        "markdown_extensions": ["abbr", "admonition", "attr_list", "def_list", "footnotes", "md_in_html", "tables",
                                "toc", "pymdownx.blocks.html", "pymdownx.details", "pymdownx.superfences",
                                "pymdownx.tasklist"],
        "plugins": ["search", {"i18n": {"docs_structure": "folder", "languages": [
            {"locale": "en", "name": "English", "default": True},
            {"locale": "fa", "name": "دری"},
            {"locale": "fr", "name": "Français"}]}}],
        "nav": ours["nav"],
        "not_in_nav": "404.md",
    }
    path = target / "mkdocs-baseline.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


def builds(runs: int) -> dict:
    scratch = Path(tempfile.mkdtemp(prefix="bench-"))
    cache = scratch / "cache"
    page = ROOT / "docs" / "en" / "safe-exit-guide" / "checklist.md"
    original = page.read_text(encoding="utf-8")
    clean, unchanged, edited = [], [], []
    try:
        for run in range(runs):
            shutil.rmtree(cache, ignore_errors=True)
            clean.append(mkdocs_build(scratch / "site", env={"PDF_CACHE_DIR": str(cache)}))
            unchanged.append(mkdocs_build(scratch / "site", env={"PDF_CACHE_DIR": str(cache)}))
            page.write_text(original + f"\n<!-- bench edit {run} -->\n", encoding="utf-8")
            edited.append(mkdocs_build(scratch / "site", env={"PDF_CACHE_DIR": str(cache)}))
            page.write_text(original, encoding="utf-8")
        shutil.rmtree(cache, ignore_errors=True)
        mkdocs_build(scratch / "site", env={"PDF_CACHE_DIR": str(cache)})
        pdfs = json.loads((cache / "last-build.json").read_text())
    finally:
        page.write_text(original, encoding="utf-8")
        shutil.rmtree(scratch, ignore_errors=True)
    return {
        "runs": runs,
        "clean_full_build_s": round(statistics.median(clean), 1),
        "rebuild_no_change_s": round(statistics.median(unchanged), 1),
        "rebuild_one_page_edited_s": round(statistics.median(edited), 1),
        "all_runs": {"clean": [round(t, 1) for t in clean], "no_change": [round(t, 1) for t in unchanged],
                     "one_page": [round(t, 1) for t in edited]},
        "pdfs": [{k: p[k] for k in ("language", "publication", "pages", "size", "seconds")} for p in pdfs],
    }


def kb(n: int) -> str:
    return f"{n / 1024:.1f} KB"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-builds", action="store_true", help="only page weight (uses site/)")
    args = parser.parse_args()
    report = {}
    if not args.skip_builds:
        report["build"] = builds(args.runs)
    site = ROOT / "site"
    if not (site / "index.html").exists():
        mkdocs_build(site)
    report["ours"] = weigh(site, "this site")
    with tempfile.TemporaryDirectory(prefix="baseline-") as scratch:
        config = baseline_config(Path(scratch))
        report["baseline_build_s"] = round(mkdocs_build(Path(scratch) / "site", config=config, strict=False), 1)
        report["baseline"] = weigh(Path(scratch) / "site", "baseline", directory_urls=True)
    report["search_index"] = {}
    for language in LANGUAGES:
        index = site / ("" if language == "en" else language) / "search" / "search_index.json"
        data = index.read_bytes()
        report["search_index"][language] = {"raw": len(data), "gzip": gz(data)}
    REPORTS.mkdir(parents=True, exist_ok=True)
    (REPORTS / "bench.json").write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")

    print("## Page weight (chapter page, gzip)\n")
    print("| language | site | first visit | next page | fonts | CSS | JS | search index (on first search) | third-party requests |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name in ("ours", "baseline"):
        for language in LANGUAGES:
            first = report[name][language]["first_visit"]
            kinds = first["by_kind"]
            print(f"| {language} | {name} | {kb(first['total']['gzip'])} ({kb(first['total']['raw'])} raw) "
                  f"| {kb(report[name][language]['next_page']['total']['gzip'])} "
                  f"| {kb(kinds.get('fonts', {}).get('gzip', 0))} | {kb(kinds.get('css', {}).get('gzip', 0))} "
                  f"| {kb(kinds.get('js', {}).get('gzip', 0))} "
                  f"| {kb(kinds.get('search index', {}).get('gzip', 0) + report[name][language]['search_index_on_first_search']['total']['gzip'])} "
                  f"| {len(first['third_party_requests'])} |")
    for name in ("ours", "baseline"):
        largest = report[name]["largest_page"]
        print(f"\nLargest page ({name}): {largest['path']}, {kb(largest['gzip'])} gzip, {kb(largest['raw'])} raw; "
              f"whole site {report[name]['site_bytes'] / 1024 / 1024:.1f} MB")
    print("\n## Search index per language\n")
    for language, size in report["search_index"].items():
        print(f"- {language}: {kb(size['raw'])} raw, {kb(size['gzip'])} gzip")
    if "build" in report:
        b = report["build"]
        print(f"\n## Build (median of {b['runs']})\n")
        print(f"- clean full build (site + 12 PDFs): {b['clean_full_build_s']} s")
        print(f"- rebuild, no change (PDF cache hits): {b['rebuild_no_change_s']} s")
        print(f"- rebuild after editing one page: {b['rebuild_one_page_edited_s']} s")
        print(f"- baseline (unmodified Material, no PDFs): {report['baseline_build_s']} s")
        print("\n| PDF | pages | size | render time |\n|---|---|---|---|")
        for pdf in b["pdfs"]:
            print(f"| {pdf['language']}/{pdf['publication']} | {pdf['pages']} | {kb(pdf['size'])} | {pdf['seconds']} s |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
