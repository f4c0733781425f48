"""A hostile translator, proven harmless in a real browser and in the PDFs (issue 14).

Every reproduction of the security review and variants of our own are written into a Dari, a
French and an English page of a copy of the project. Two outcomes are acceptable:

* the friendly layer (hooks/safety.py) refuses the page, naming the file and line;
* with that layer switched off (to test the boundary itself, as if it had missed something), the
  site builds and, in Debian Chromium, no script runs, no request leaves the site, the page does
  not navigate away, the theme's configuration is intact, nothing is stored, and the PDFs embed
  no file and carry no secret of the build's environment.
"""

from __future__ import annotations

import re
import shutil

import pytest
from pypdf import PdfReader

from tests.conftest import ROOT, run_mkdocs

pytestmark = pytest.mark.slow

SECRET = "GP-BUILD-SECRET-4d1c"
HOSTILE = """

## Hostile

<!--><script
>window.__pwned=(window.__pwned||[]).concat("comment")</script>-->

<![CDATA[><script
>window.__pwned=(window.__pwned||[]).concat("cdata")</script>]]>

<!--><meta
http-equiv="refresh" content="2;url=https://t.example/log?page=redirect">-->

<noscript
><p title="</noscript><script>window.__pwned=(window.__pwned||[]).concat('noscript')</script>"></p></noscript>

<a
rel="attachment" href="fi&#9;le:///proc/self/environ">note</a>

<div id="__config" dir="ltr">{"base":"../","features":["search.highlight"],"search":"x.js","translations":{}}</div>

<div data-md-component="palette"><input
 class="md-option" data-md-color-scheme="slate" type="radio" name="__palette" id="__palette_0" checked></div>

<a href="java&Tab;script:window.__pwned=1">a</a> <a href="\x01javascript:window.__pwned=1">b</a>

<img src="\\\\t.example\\p1.png"> <img src="/&#9;/t.example/p3.png"> <img src="https:t.example/p5.png">

<img src=a.png
srcset="a.png 1x, https://t.example/p6.png 2x">

<svg><style><img src=x onerror="window.__pwned=1"></style></svg>

<math><mtext><table><mglyph><style><img src=x onerror="window.__pwned=1">

<a href="https://t.example/" ping="https://t.example/ping">ping</a> <video
poster="https://t.example/v.png"></video>

<details open ontoggle="window.__pwned=1">x</details> <p style="background:url(https://t.example/s.png)">s</p>

<a id="gp-quick-exit" class="gp-quick-exit" href="https://t.example/fake-exit">Exit</a>

[js](javascript:window.__pwned=1) ![p](https://t.example/md.png) <javascript:window.__pwned=1>

A paragraph with attributes.
{: onclick="window.__pwned=1" style="background:url(https://t.example/a.png)" }

A part mark closed early <!--/gp:part--><!--gp:part--> and one in code <code><!--gp:part--></code>.

/// html | a
    attrs: {rel: attachment, href: "fi\\tle:///proc/self/environ", onclick: "window.__pwned=1"}
attachment
///
"""
TITLE_SPOOF = r" \0gp-part:en:1:1:0\0"
PAGES = {"en": "safe-exit-guide/documents.md", "fa": "safe-exit-guide/documents.md", "fr": "safe-exit-guide/documents.md"}


@pytest.fixture(scope="module")
def hostile_project(tmp_path_factory):
    project = tmp_path_factory.mktemp("hostile") / "project"
    project.mkdir()
    for name in ("mkdocs.yml", "docs", "overrides", "hooks", "publishing", "data", "print"):
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, project / name)
    for language, page in PAGES.items():
        path = project / "docs" / language / page
        text = path.read_text(encoding="utf-8")
        # a title (printed in the <head> and the header) that spoofs a typography part's place:
        # YAML writes NUL as \0, the front matter check lets it through, and autoescape keeps it
        text = re.sub(r"^title: (.*)$", lambda m: f'title: "{m.group(1)}{TITLE_SPOOF}"', text, count=1, flags=re.M)
        path.write_text(text + HOSTILE, encoding="utf-8")
    return project


def test_the_friendly_layer_refuses_it_naming_file_and_line(hostile_project):
    result = run_mkdocs("build", "--strict", "--site-dir", str(hostile_project / "refused"),
                        cwd=hostile_project, env={"PDF": "off", "BUILD_ONLY_LOCALE": "fa"})
    assert result.returncode != 0
    lines = re.findall(r"docs/fa/safe-exit-guide/documents\.md:(\d+):", result.stderr)
    assert len(set(lines)) >= 15, result.stderr[-3000:]


@pytest.fixture(scope="module")
def hostile_site(hostile_project):
    """The same pages built with the friendly layer switched off: only the boundary stands."""
    config = hostile_project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    text = re.sub(r"^  - hooks/safety\.py.*\n", "", text, flags=re.M)
    # PDFs of the one publication that carries the hostile page, in every language
    text = re.sub(r"(    publications:\n)(      - [a-z-]+\n)+", r"\1      - safe-exit-guide\n", text)
    config.write_text(text, encoding="utf-8")
    site = hostile_project / "site"
    result = run_mkdocs("build", "--strict", "--site-dir", str(site), cwd=hostile_project,
                        env={"PDF_CACHE_DIR": str(hostile_project / "pdf-cache"), SECRET: SECRET,
                             "RELEASE_SIGNING_KEY": SECRET})
    assert result.returncode == 0, result.stderr[-3000:]
    return site


@pytest.mark.parametrize("language", list(PAGES))
def test_nothing_hostile_runs_loads_navigates_or_clobbers_in_chromium(browser, hostile_site, language):
    context = browser.new_context()
    outside, dialogs = [], []
    context.route(re.compile(r"^(?!file:).*"), lambda route: (outside.append(route.request.url), route.abort()))
    page = context.new_page()
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    root = "" if language == "en" else f"{language}/"
    url = (hostile_site / root / PAGES[language].replace(".md", ".html")).as_uri()
    page.goto(url)
    page.wait_for_timeout(2600)  # the injected refresh fired after 2 s
    assert page.url == url, "the page navigated away"
    assert page.evaluate("window.__pwned") is None
    assert not dialogs and not outside, (dialogs, outside)
    config = page.evaluate("(() => { const c = document.querySelector('#__config'); return c && c.tagName })()")
    assert config == "SCRIPT", "content replaced Material's configuration"
    assert page.evaluate("document.querySelectorAll('[data-md-component=palette]').length") == 0
    exits = page.evaluate("[...document.querySelectorAll('#gp-quick-exit, .gp-quick-exit')].map(a => a.href)")
    assert len(exits) == 1 and "t.example" not in exits[0], "content dressed up as the exit button"
    article = page.inner_html("article")
    for marker in ("onerror", "onclick", "ontoggle", "srcset", "ping=", "javascript:", "t.example/p", "rel=\"attachment\""):
        assert marker not in article, marker
    assert page.evaluate("Object.keys(localStorage).length + Object.keys(sessionStorage).length") == 0
    # the spoofed place in the title changed nothing around it: the Dari page's Latin text is
    # still isolated, and the title reads as written (the browser shows NUL as U+FFFD)
    assert "gp-part:en:1:1:0" in page.title() and "gp:part" not in page.content()
    if language == "fa":
        assert page.locator("article bdi").count() > 0, "the Dari article lost its isolates"
    context.close()


@pytest.mark.parametrize("language", list(PAGES))
def test_the_pdfs_embed_nothing_and_carry_no_secret(hostile_site, language):
    path = hostile_site / "downloads" / f"safe-exit-guide.{language}.pdf"
    data = path.read_bytes()
    assert SECRET.encode() not in data
    reader = PdfReader(path)
    assert "/EmbeddedFiles" not in reader.trailer["/Root"].get("/Names", {})
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            assert annotation.get_object().get("/Subtype") != "/FileAttachment"
