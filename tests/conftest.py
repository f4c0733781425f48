"""Shared fixtures: one built site per test session, a loopback server, a browser.

Unit tests (tests/unit) need none of these. Site, browser and PDF tests share a single
`mkdocs build` of the real sources (``built_site``); set GP_SITE_DIR to reuse a site that
`make site` already built.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

sys.path.insert(0, str(ROOT))

from publishing import languages as _languages  # noqa: E402  (after the path is set)
from tools.localserver import free_ports  # noqa: E402

# The languages of mkdocs.yml (the i18n plugin's configuration): tests never list them.
SITE_LANGUAGES = _languages.from_mkdocs_yml()
LANGUAGES = tuple(SITE_LANGUAGES.codes)
ORIGINAL = SITE_LANGUAGES.original.code
TRANSLATIONS = tuple(language.code for language in SITE_LANGUAGES.translations)


def run_mkdocs(*args: str, cwd: Path = ROOT, env: dict | None = None) -> subprocess.CompletedProcess:
    """`mkdocs …` with the project's interpreter; returns the completed process (never raises)."""
    full_env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", *args], cwd=cwd, env=full_env,
        capture_output=True, text=True,
    )


def english_pages() -> list[str]:
    """Source paths of every page of the original language, relative to its folder."""
    from publishing.translations import english_pages as pages

    return pages(DOCS, ORIGINAL)


def built_path(site: Path, language: str, source: str) -> Path:
    """Where the page built from docs/<language>/<source> lands in the site."""
    return site / SITE_LANGUAGES[language].root / (source[:-3] + ".html")


@pytest.fixture(scope="session")
def release_key(tmp_path_factory) -> dict:
    """A throwaway signing key for this test session (never the publisher's): a minisign secret
    key file (unencrypted, so that no password is needed), its public key and fingerprint."""
    from publishing.release import signing

    path = tmp_path_factory.mktemp("keys") / "release.key"
    public = signing.generate(path, password=None)
    return {"file": path, "public": signing.public_key_text(public), "fingerprint": signing.fingerprint(public)}


def session_build_env(release_key: dict) -> dict:
    """The settings of the session's build: a throwaway release key, release 7 dated
    2026-12-20 (the release tests check both), and a publisher's neutral site for the quick exit
    (the browser tests answer it locally)."""
    return {"RELEASE_PUBLIC_KEY": release_key["public"], "RELEASE_NUMBER": "7", "SOURCE_DATE_EPOCH": "1797724800",
            "QUICK_EXIT_URL": "https://neutral.example/"}


@pytest.fixture(scope="session")
def built_site(tmp_path_factory, release_key) -> Path:
    prebuilt = os.environ.get("GP_SITE_DIR")
    if prebuilt:
        return Path(prebuilt).resolve()
    site = tmp_path_factory.mktemp("site") / "site"
    result = run_mkdocs("build", "--strict", "--site-dir", str(site), env=session_build_env(release_key))
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
    for name in ("mkdocs.yml", "docs", "overrides", "hooks", "publishing", "data", "print"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        elif source.exists():
            shutil.copy2(source, target / name)
    return target


HEADER_LINE = re.compile(r'add_header [A-Za-z0-9-]+ "[^"\\$\x00-\x1f\x7f]*" always;')


def _headers_snippet(site: Path, target: Path) -> None:
    """Copy the build's nginx header file out of the web root, as the recipes tell operators to,
    refusing any line that is not a plain `add_header Name "value" always;`."""
    source = site / "_nginx-headers.conf"
    text = source.read_text(encoding="utf-8") if source.exists() else ""
    bad = [line for line in text.splitlines() if line.strip() and not line.startswith("#") and not HEADER_LINE.fullmatch(line)]
    if bad:
        pytest.fail(f"{source} holds a line that is not a plain add_header: {bad[0][:200]!r}")
    target.parent.mkdir(parents=True, exist_ok=True)
    # Test servers only: LinkChecker waits 0.1–0.6 s between two requests to a server, out of
    # politeness, unless the server answers with this header (70 s instead of 10 for our crawl).
    target.write_text(text + 'add_header LinkChecker "loopback test server" always;\n', encoding="utf-8")


def _self_signed_certificate(work: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 made with openssl in the test's folder (valid for 2 days)."""
    cert, key = work / "cert.pem", work / "key.pem"
    result = subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"], capture_output=True, text=True)
    if result.returncode != 0:
        pytest.fail(f"openssl could not make a test certificate: {result.stderr[-1000:]}")
    return cert, key


class Nginx:
    """nginx (Debian package) serving a directory on loopback with the recipes of deploy/, as
    shipped except for addresses, paths and a self-signed certificate:

    * ``.root``: https://127.0.0.1:<port>/ (deploy/nginx-site.conf, the TLS server block);
    * ``.http_root``: http://127.0.0.1:<port>/ (the same file's HTTP block: only a redirect);
    * ``.mirror``: https://127.0.0.1:<port>/mirror/ (deploy/nginx-mirror-subpath.conf inside a
      TLS server);
    * ``.onion``: http://127.0.0.1:<port>/ (deploy/nginx-onion.conf);
    * ``.ca_file``: the certificate to trust (``ssl_context()`` for urllib; browsers:
      ``ignore_https_errors=True``).

    The headers file is copied out of the web root into a snippets folder, as the recipes say."""

    def __init__(self, directory: Path, work: Path):
        import time
        import urllib.request

        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        if not Path(nginx).exists():
            pytest.fail("nginx is required for these tests: apt-get install nginx-light")
        if not shutil.which("openssl"):
            pytest.fail("openssl is required for these tests: apt-get install openssl")
        directory = Path(directory).resolve()
        # four different ports: two server blocks on one port, and /mirror/ answered from the site's
        https_port, http_port, mirror_port, onion_port = free_ports(4)
        cert, key = _self_signed_certificate(work)
        snippet = work / "snippets" / "gender-persecution-headers.conf"
        _headers_snippet(directory, snippet)

        def recipe(name: str, replacements: dict[str, str]) -> str:
            text = (ROOT / "deploy" / name).read_text(encoding="utf-8")
            replacements = {"/srv/gender-persecution/site": str(directory),
                            "/etc/nginx/snippets/gender-persecution-headers.conf": str(snippet),
                            "/etc/letsencrypt/live/example.org/fullchain.pem": str(cert),
                            "/etc/letsencrypt/live/example.org/privkey.pem": str(key), **replacements}
            for old, new in replacements.items():
                if old not in text and not old.startswith("/etc/letsencrypt"):
                    pytest.fail(f"deploy/{name} no longer holds {old!r}: update the Nginx test class")
                text = text.replace(old, new)
            return text

        site = recipe("nginx-site.conf", {"listen 80;": f"listen 127.0.0.1:{http_port};", "listen [::]:80;": "",
                                          "listen 443 ssl;": f"listen 127.0.0.1:{https_port} ssl;",
                                          "listen [::]:443 ssl;": ""})
        mirror = (f"server {{\n listen 127.0.0.1:{mirror_port} ssl;\n ssl_certificate {cert};\n"
                  f" ssl_certificate_key {key};\n root {work};\n access_log off;\n"
                  + recipe("nginx-mirror-subpath.conf", {}) + "\n}\n")
        onion = recipe("nginx-onion.conf", {"listen 127.0.0.1:8080;": f"listen 127.0.0.1:{onion_port};"})
        temp = "".join(f"{kind}_temp_path {work}/{kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        (work / "nginx.conf").write_text(
            ("user root;\n" if os.geteuid() == 0 else "")
            + f"worker_processes 1;\npid {work}/nginx.pid;\nerror_log {work}/error.log;\ndaemon off;\n"
            "events {}\nhttp {\n include /etc/nginx/mime.types;\n default_type application/octet-stream;\n"
            + temp + site + mirror + onion + "}\n",
            encoding="utf-8",
        )
        self.process = subprocess.Popen([nginx, "-c", str(work / "nginx.conf"), "-p", str(work)],
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.ca_file = str(cert)
        self.root = f"https://127.0.0.1:{https_port}/"
        self.http_root = f"http://127.0.0.1:{http_port}/"
        self.mirror = f"https://127.0.0.1:{mirror_port}/mirror/"
        self.onion = f"http://127.0.0.1:{onion_port}/"
        for _ in range(200):
            try:
                urllib.request.urlopen(self.root + "index.html", timeout=1, context=self.ssl_context())
                return
            except Exception:
                if self.process.poll() is not None:
                    pytest.fail("nginx did not start:\n" + self.process.stdout.read().decode()
                                + (work / "error.log").read_text(errors="replace"))
                time.sleep(0.05)
        self.stop()
        pytest.fail("nginx did not answer")

    def ssl_context(self):
        """An SSL context that trusts this server's certificate (for urllib)."""
        import ssl

        return ssl.create_default_context(cafile=self.ca_file)

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
