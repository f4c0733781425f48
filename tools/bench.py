"""Benchmark: build speed, page weight and PDF size, measured against plain MkDocs in the same
run; reported, never asserted (`make bench`).

    python tools/bench.py [--runs 3] [--skip-weight]

Everything is built in a scratch copy of the working tree (docs, data, templates, code), so the
benchmark never edits a file of yours; `publishing` is imported from that copy.

* The baseline ("plain"): the same mkdocs.yml without our hooks, theme overrides, extra CSS and
  scripts: plain MkDocs + Material + static-i18n over the same content and Markdown extensions.
* Build speed, medians over --runs, runs interleaved so that both sides see the same machine. This
  machine's speed drifts within minutes (the same no-change build took 3.6 s, then 5.3 s, six
  builds later), so each quick build of ours is timed right next to the plain build it is
  compared with, never minutes apart:
  - plain, full (three languages) and one language (BUILD_ONLY_LOCALE=fa), each timed before and
    after every build of ours it is compared with;
  - ours, clean with all 24 PDFs and clean with the 12 print PDFs (PDF_EDITIONS=print), every
    cache emptied (PDFs, page steps, compiled templates);
  - ours, rebuild with no change (PDF cache hits, two a run), and after editing one English chapter;
  - ours, the translators' one-language preview (BUILD_ONLY_LOCALE=fa PDF=off): the first after a
    full build (its pages sit one folder higher than in the full site and have no language
    switcher, so the small parts of each page are typeset again; two a run, the page steps' cache
    put back as the full build left it) and the next ones (what each further preview costs, two a
    run);
  - `mkdocs serve` of one language, ours and plain, both running, saves alternating between them:
    seconds from saving a Dari page to the page showing the change (what a translator waits for).
  Ratios: no-change / plain full (target 1.3), both previews / plain one language (target 1.2),
  24 PDFs / 12 PDFs (target 1.5), and the clean build's seconds (target 60 s).
* Page weight, per language, in Debian Chromium against the built site: the first visit to a
  chapter (every request until the network is idle) and the next chapter in the same tab, raw
  and gzip-compressed, with the share of fonts, CSS, JS and the search index (fetched on first
  search); the largest page. The same for the baseline.
* Each PDF's pages, size and render time; each language's search index size.

Writes build/reports/bench.json and prints a summary in Markdown.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

from localserver import free_ports, serve

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "build" / "reports"
CHROMIUM = "/usr/bin/chromium"
CHAPTER, NEXT = "afghanistan-report/chronology.html", "afghanistan-report/right-to-education.html"
EDITED_PAGE = Path("docs/en/safe-exit-guide/checklist.md")
TARGETS = {"no_change_vs_plain": 1.3, "preview_vs_plain": 1.2, "pdf24_vs_pdf12": 1.5, "clean_full_s": 60}


def languages() -> list[str]:
    sys.path.insert(0, str(ROOT))
    from publishing import languages as registry

    return registry.from_mkdocs_yml(ROOT / "mkdocs.yml").codes


def copy_project(target: Path) -> Path:
    """The working tree as git sees it (tracked and new files, nothing ignored) in ``target``."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=ROOT, capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def plain_project(project: Path, target: Path) -> Path:
    """The baseline: our mkdocs.yml minus hooks, overrides, extra CSS and scripts, over a copy of
    the docs (a page that names one of our templates gets Material's default one)."""
    from ruamel.yaml import YAML

    shutil.copytree(project / "docs", target / "docs")
    for page in (target / "docs").rglob("*.md"):
        text = page.read_text(encoding="utf-8")
        page.write_text(re.sub(r"^template: .*\n", "", text, count=1, flags=re.M), encoding="utf-8")
    yaml = YAML()
    config = yaml.load((project / "mkdocs.yml").read_text(encoding="utf-8"))
    for key in ("hooks", "extra_css", "extra_javascript"):
        config.pop(key, None)
    config["theme"].pop("custom_dir", None)
    config.get("extra", {}).pop("polyfills", None)
    config["strict"] = False
    with (target / "mkdocs.yml").open("w", encoding="utf-8") as out:
        yaml.dump(config, out)
    return target


def build_environment(project: Path, env: dict | None = None) -> dict:
    """The environment of a timed build: the user's, as `make site` and `make serve` see it.

    Except PYTHONDONTWRITEBYTECODE, which some sandboxes and containers set: Python keeps each
    module compiled in __pycache__ after its first import, and pip compiled MkDocs' and Material's
    modules when it installed them. With that variable set, only our hooks were compiled again from
    source in every build (importing them took 45 ms instead of 26 ms), a cost no user's machine
    pays after its first build."""
    base = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    return {**base, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(project),
            "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH", "1797724800"), **(env or {})}


def mkdocs_build(project: Path, site: Path, env: dict | None = None) -> float:
    """Seconds for one `mkdocs build` of ``project`` (a new process, as `make site` runs it)."""
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "--site-dir", str(site)], check=True,
                   cwd=project, stdout=subprocess.DEVNULL, env=build_environment(project, env))
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


def weigh(site: Path, label: str, codes: list[str]) -> dict:
    from playwright.sync_api import sync_playwright

    server, base = serve(site)
    out = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"])
        for language in codes:
            prefix = "" if language == codes[0] else f"{language}/"
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

            chapter, following = CHAPTER, NEXT
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


def serve_save_to_page(projects: list[Path], runs: int) -> list[list[float]]:
    """Seconds from saving a Dari page to seeing the change in `mkdocs serve` (BUILD_ONLY_LOCALE=fa):
    what a translator waits for. Polls the page the way a browser reloads it. One server per
    project, all running; the saves alternate between them, so that each sees the same machine."""
    import signal
    import urllib.request

    servers, pages = [], []
    for project, port in zip(projects, free_ports(len(projects))):
        servers.append(subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"], cwd=project,
            env=build_environment(project, {"BUILD_ONLY_LOCALE": "fa"}), stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True))
        pages.append(f"http://127.0.0.1:{port}/about.html")

    def page(url: str) -> str:
        try:
            return urllib.request.urlopen(url, timeout=2).read().decode()
        except OSError:
            return ""

    paths = [project / "docs" / "fa" / "about.md" for project in projects]
    originals = [path.read_text(encoding="utf-8") for path in paths]
    seconds: list[list[float]] = [[] for _ in projects]
    try:
        deadline = time.monotonic() + 120
        for url in pages:
            while "<html" not in page(url) and time.monotonic() < deadline:
                time.sleep(0.1)
        time.sleep(2)
        for run in range(runs):
            marker = "نشانی‌آزمایشی" + "۰۱۲۳۴۵۶۷۸۹"[run % 10] + "ب"  # no Latin: typography would isolate it
            for path, original, url, times in zip(paths, originals, pages, seconds):
                path.write_text(original + f"\n\n{marker}\n", encoding="utf-8")
                started = time.monotonic()
                while marker not in page(url) and time.monotonic() - started < 60:
                    time.sleep(0.05)
                times.append(time.monotonic() - started)
                time.sleep(1.5)
    finally:
        for path, original in zip(paths, originals):
            path.write_text(original, encoding="utf-8")
        for server in servers:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait()
    return seconds


def median(values: list[float]) -> float:
    return round(statistics.median(values), 2)


def builds(runs: int, scratch: Path) -> dict:
    """Every timing of the docstring, interleaved run by run."""
    project = copy_project(scratch / "project")
    plain = plain_project(project, scratch / "plain")
    edited = project / EDITED_PAGE
    original = edited.read_text(encoding="utf-8")
    caches = project / ".cache"
    times: dict[str, list[float]] = {name: [] for name in (
        "plain_full", "plain_one_language", "clean_24_pdfs", "clean_12_pdfs", "no_change", "one_page_edited",
        "preview_one_language", "preview_again")}
    pdfs: list[dict] = []
    one_language = {"BUILD_ONLY_LOCALE": "fa"}
    preview = {**one_language, "PDF": "off"}
    for run in range(runs):
        print(f"run {run + 1}/{runs}", file=sys.stderr)
        shutil.rmtree(caches, ignore_errors=True)
        times["clean_12_pdfs"].append(mkdocs_build(project, scratch / "site-12", {"PDF_EDITIONS": "print"}))
        shutil.rmtree(caches, ignore_errors=True)
        times["clean_24_pdfs"].append(mkdocs_build(project, scratch / "site"))
        pdfs = json.loads((caches / "pdf" / "last-build.json").read_text())
        # the quick builds, each of ours between two plain ones: two samples of each a run
        for _sample in range(2):
            times["plain_full"].append(mkdocs_build(plain, scratch / "plain-site"))
            times["no_change"].append(mkdocs_build(project, scratch / "site"))
        times["plain_full"].append(mkdocs_build(plain, scratch / "plain-site"))
        # two samples of the first preview after a full build: the page steps' cache is put back as
        # the full build left it before the second (and written to disk before anything is timed)
        left = scratch / "steps-after-full-build"
        shutil.rmtree(left, ignore_errors=True)
        shutil.copytree(caches / "steps", left)
        for sample in range(2):
            if sample:
                shutil.rmtree(caches / "steps")
                shutil.copytree(left, caches / "steps")
            os.sync()
            times["plain_one_language"].append(mkdocs_build(plain, scratch / "plain-fa", one_language))
            times["preview_one_language"].append(mkdocs_build(project, scratch / "preview", preview))
        for _sample in range(2):
            times["plain_one_language"].append(mkdocs_build(plain, scratch / "plain-fa", one_language))
            times["preview_again"].append(mkdocs_build(project, scratch / "preview", preview))
        times["plain_one_language"].append(mkdocs_build(plain, scratch / "plain-fa", one_language))
        edited.write_text(original + f"\nA sentence added by the benchmark, run {run + 1}.\n", encoding="utf-8")
        times["one_page_edited"].append(mkdocs_build(project, scratch / "site"))
        edited.write_text(original, encoding="utf-8")
        mkdocs_build(project, scratch / "site")  # back to the unedited site for the page weight
    times["serve_save_to_page"], times["plain_serve_save_to_page"] = serve_save_to_page([project, plain],
                                                                                        max(2 * runs, 6))
    medians = {name: median(values) for name, values in times.items()}
    return {
        "runs": runs,
        "seconds": medians,
        "all_runs": {name: [round(t, 2) for t in values] for name, values in times.items()},
        "ratios": {
            "no_change_vs_plain": round(medians["no_change"] / medians["plain_full"], 2),
            "preview_vs_plain": round(medians["preview_one_language"] / medians["plain_one_language"], 2),
            "preview_again_vs_plain": round(medians["preview_again"] / medians["plain_one_language"], 2),
            "pdf24_vs_pdf12": round(medians["clean_24_pdfs"] / medians["clean_12_pdfs"], 2),
            "serve_vs_plain": round(medians["serve_save_to_page"] / medians["plain_serve_save_to_page"], 2),
        },
        "pdfs": [{k: p[k] for k in ("language", "publication", "edition", "pages", "size", "seconds")} for p in pdfs],
        "site": str(scratch / "site"),
        "plain_site": str(scratch / "plain-site"),
    }


def kb(n: int) -> str:
    return f"{n / 1024:.1f} KB"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-weight", action="store_true", help="only the build timings")
    args = parser.parse_args()
    codes = languages()
    report: dict = {"machine": {"cpus": os.cpu_count()}}
    with tempfile.TemporaryDirectory(prefix="bench-") as folder:
        scratch = Path(folder)
        report["build"] = build = builds(args.runs, scratch)
        site, plain_site = Path(build.pop("site")), Path(build.pop("plain_site"))
        if not args.skip_weight:
            report["ours"] = weigh(site, "this site", codes)
            report["baseline"] = weigh(plain_site, "baseline", codes)
        report["search_index"] = {}
        for language in codes:
            index = site / ("" if language == codes[0] else language) / "search" / "search_index.json"
            data = index.read_bytes()
            report["search_index"][language] = {"raw": len(data), "gzip": gz(data)}
    REPORTS.mkdir(parents=True, exist_ok=True)
    (REPORTS / "bench.json").write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
    print_summary(report, codes)
    return 0


def print_summary(report: dict, codes: list[str]) -> None:
    build, seconds, ratios = report["build"], report["build"]["seconds"], report["build"]["ratios"]
    print(f"## Build speed (medians of {build['runs']} runs, quick builds sampled two to four times a run, "
          f"{report['machine']['cpus']} CPUs)\n")
    print("| build | ours | plain MkDocs | ratio | target |\n|---|---|---|---|---|")
    print(f"| rebuild, no change (PDF cache hits) | {seconds['no_change']} s | {seconds['plain_full']} s "
          f"| {ratios['no_change_vs_plain']}× | ≤ {TARGETS['no_change_vs_plain']}× |")
    print(f"| one-language preview (fa, PDF=off), first after a full build | {seconds['preview_one_language']} s "
          f"| {seconds['plain_one_language']} s | {ratios['preview_vs_plain']}× | ≤ {TARGETS['preview_vs_plain']}× |")
    print(f"| one-language preview (fa, PDF=off), the next one | {seconds['preview_again']} s "
          f"| {seconds['plain_one_language']} s | {ratios['preview_again_vs_plain']}× "
          f"| ≤ {TARGETS['preview_vs_plain']}× |")
    print(f"| `mkdocs serve` (fa): from saving a page to seeing it | {seconds['serve_save_to_page']} s "
          f"| {seconds['plain_serve_save_to_page']} s | {ratios['serve_vs_plain']}× | about 2 s |")
    print(f"| clean, 24 PDFs vs clean, 12 print PDFs | {seconds['clean_24_pdfs']} s | {seconds['clean_12_pdfs']} s "
          f"| {ratios['pdf24_vs_pdf12']}× | ≤ {TARGETS['pdf24_vs_pdf12']}× |")
    print(f"| clean, 24 PDFs | {seconds['clean_24_pdfs']} s | | | ≤ {TARGETS['clean_full_s']} s |")
    print(f"| rebuild after editing one English chapter | {seconds['one_page_edited']} s | | | |")
    if "ours" in report:
        print("\n## Page weight (chapter page, gzip)\n")
        print("| language | site | first visit | next page | fonts | CSS | JS | search index (on first search) "
              "| third-party requests |")
        print("|---|---|---|---|---|---|---|---|---|")
        for name in ("ours", "baseline"):
            for language in codes:
                first = report[name][language]["first_visit"]
                kinds = first["by_kind"]
                index = (kinds.get("search index", {}).get("gzip", 0)
                         + report[name][language]["search_index_on_first_search"]["total"]["gzip"])
                print(f"| {language} | {name} | {kb(first['total']['gzip'])} ({kb(first['total']['raw'])} raw) "
                      f"| {kb(report[name][language]['next_page']['total']['gzip'])} "
                      f"| {kb(kinds.get('fonts', {}).get('gzip', 0))} | {kb(kinds.get('css', {}).get('gzip', 0))} "
                      f"| {kb(kinds.get('js', {}).get('gzip', 0))} | {kb(index)} "
                      f"| {len(first['third_party_requests'])} |")
        for name in ("ours", "baseline"):
            largest = report[name]["largest_page"]
            print(f"\nLargest page ({name}): {largest['path']}, {kb(largest['gzip'])} gzip, {kb(largest['raw'])} raw; "
                  f"whole site {report[name]['site_bytes'] / 1024 / 1024:.1f} MB")
    print("\n## Search index per language\n")
    for language, size in report["search_index"].items():
        print(f"- {language}: {kb(size['raw'])} raw, {kb(size['gzip'])} gzip")
    print("\n## PDFs (clean build)\n\n| PDF | pages | size | render time |\n|---|---|---|---|")
    for pdf in build["pdfs"]:
        print(f"| {pdf['language']}/{pdf['publication']}/{pdf['edition']} | {pdf['pages']} | {kb(pdf['size'])} "
              f"| {pdf['seconds']} s |")


if __name__ == "__main__":
    sys.exit(main())
