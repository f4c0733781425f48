"""Shared fixtures: one built site per test session, a loopback server, a browser.

Unit tests (tests/unit) need none of these. Site, browser and PDF tests share a single
`mkdocs build` of the real sources (``built_site``); set GP_SITE_DIR to reuse a site that
`make site` already built.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
LANGUAGES = ("en", "fa", "fr")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

sys.path.insert(0, str(ROOT))


def run_mkdocs(*args: str, cwd: Path = ROOT, env: dict | None = None) -> subprocess.CompletedProcess:
    """`mkdocs …` with the project's interpreter; returns the completed process (never raises)."""
    full_env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", *args], cwd=cwd, env=full_env,
        capture_output=True, text=True,
    )


def english_pages() -> list[str]:
    """Source paths of every English page, relative to docs/en (e.g. 'policy-primer/index.md')."""
    return sorted(p.relative_to(DOCS / "en").as_posix() for p in (DOCS / "en").rglob("*.md"))


def built_path(site: Path, language: str, source: str) -> Path:
    """Where the page built from docs/<language>/<source> lands in the site."""
    html = source[:-3] + ".html"
    return site / html if language == "en" else site / language / html


@pytest.fixture(scope="session")
def release_key(tmp_path_factory) -> dict:
    """A throwaway signing key for this test session (never the publisher's): a minisign secret
    key file (unencrypted, so that no password is needed), its public key and fingerprint."""
    from publishing.release import signing

    path = tmp_path_factory.mktemp("keys") / "release.key"
    public = signing.generate(path, password=None)
    return {"file": path, "public": signing.public_key_text(public), "fingerprint": signing.fingerprint(public)}


@pytest.fixture(scope="session")
def built_site(tmp_path_factory, release_key) -> Path:
    prebuilt = os.environ.get("GP_SITE_DIR")
    if prebuilt:
        return Path(prebuilt).resolve()
    site = tmp_path_factory.mktemp("site") / "site"
    result = run_mkdocs("build", "--strict", "--site-dir", str(site),
                        env={"RELEASE_PUBLIC_KEY": release_key["public"]})
    if result.returncode != 0:
        pytest.fail(f"mkdocs build failed:\n{result.stderr[-4000:]}")
    return site


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class _SubPathHandler(_QuietHandler):
    """Serves the site under PREFIX only, like a mirror under a sub-path; 404 elsewhere."""

    prefix = "/mirror/"

    def translate_path(self, path):
        if not path.startswith(self.prefix):
            return str(Path(self.directory) / "__outside_the_mirror__")
        return super().translate_path("/" + path[len(self.prefix):])


@pytest.fixture(scope="session")
def http_site(built_site):
    """The built site served at http://127.0.0.1:<port>/mirror/ (a sub-path, as on a mirror)."""
    handler = functools.partial(_SubPathHandler, directory=str(built_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/mirror/"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is required for browser tests: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def docs_copy(tmp_path) -> Path:
    """A throwaway copy of the project sources, to break on purpose."""
    target = tmp_path / "project"
    target.mkdir()
    for name in ("mkdocs.yml", "docs", "overrides", "hooks", "data", "print"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        elif source.exists():
            shutil.copy2(source, target / name)
    return target


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Nginx:
    """nginx (Debian package) serving a directory on loopback with the recipes of deploy/: at
    the root of one server (``.root``) and under /mirror/ of another (``.mirror``)."""

    def __init__(self, directory: Path, work: Path):
        import time
        import urllib.request

        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        if not Path(nginx).exists():
            pytest.fail("nginx is required for these tests: apt-get install nginx-light")
        root_port, mirror_port = _free_port(), _free_port()

        def recipe(name: str) -> str:
            text = (ROOT / "deploy" / name).read_text(encoding="utf-8")
            return text.replace("/srv/gender-persecution/site", str(directory))

        server = recipe("nginx-site.conf").replace("listen 80;", f"listen 127.0.0.1:{root_port};")
        server = server.replace("listen [::]:80;", "")
        mirror = f"server {{\n listen 127.0.0.1:{mirror_port};\n root {work};\n{recipe('nginx-mirror-subpath.conf')}\n}}\n"
        temp = "".join(f"{kind}_temp_path {work}/{kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        (work / "nginx.conf").write_text(
            ("user root;\n" if os.geteuid() == 0 else "")
            + f"worker_processes 1;\npid {work}/nginx.pid;\nerror_log {work}/error.log;\ndaemon off;\n"
            "events {}\nhttp {\n include /etc/nginx/mime.types;\n default_type application/octet-stream;\n"
            + temp + server + mirror + "}\n",
            encoding="utf-8",
        )
        self.process = subprocess.Popen([nginx, "-c", str(work / "nginx.conf"), "-p", str(work)],
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.root = f"http://127.0.0.1:{root_port}/"
        self.mirror = f"http://127.0.0.1:{mirror_port}/mirror/"
        for _ in range(200):
            try:
                urllib.request.urlopen(self.root + "index.html", timeout=1)
                return
            except Exception:
                if self.process.poll() is not None:
                    pytest.fail("nginx did not start:\n" + self.process.stdout.read().decode()
                                + (work / "error.log").read_text(errors="replace"))
                time.sleep(0.05)
        pytest.fail("nginx did not answer")

    def __getitem__(self, key: str) -> str:
        return getattr(self, key)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture(scope="session")
def nginx_site(built_site, tmp_path_factory):
    server = Nginx(built_site, tmp_path_factory.mktemp("nginx"))
    yield server
    server.stop()
