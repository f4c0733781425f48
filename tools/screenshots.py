"""Screenshots of the built site for a human to look at (right-to-left defects are only seen).

    python tools/screenshots.py [PAGE …]   (default: a few page types in every language)

Serves site/ on loopback and writes build/screenshots/<lang>-<page>-<width>.png at 1280 px
(desktop) and 390 px (phone) with Debian's Chromium.
"""

from __future__ import annotations

import sys
from pathlib import Path

from localserver import serve

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
SITE = Path(__import__("os").environ.get("GP_SITE_DIR", ROOT / "site"))
OUT = ROOT / "build" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
DEFAULT_PAGES = ["index.html", "afghanistan-report/chronology.html", "404.html"]
WIDTHS = {"desktop": 1280, "phone": 390}


def main(pages: list[str]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    server, base = serve(SITE)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for name, width in WIDTHS.items():
            context = browser.new_context(viewport={"width": width, "height": 900})
            page = context.new_page()
            for lang in ("en", "fa", "fr"):
                for path in pages:
                    url = base + ("" if lang == "en" else f"{lang}/") + path
                    page.goto(url)
                    page.wait_for_load_state("networkidle")
                    target = OUT / f"{lang}-{path.replace('/', '_').removesuffix('.html')}-{name}.png"
                    page.screenshot(path=str(target), full_page="--full" in sys.argv)
                    print(target.relative_to(ROOT))
            context.close()
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    main(args or DEFAULT_PAGES)
