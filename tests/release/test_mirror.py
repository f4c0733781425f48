"""verify URL against small local HTTP servers: same origin only, timeouts, size limits, a
browser-like request, the mirror's security headers reported, and each file fetched once."""

from __future__ import annotations

import gzip
import http.server
import mimetypes
import threading
import time
import urllib.parse
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.release.helpers import cli_process


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # no 40 ms stall per keep-alive response
    site: Path
    behave = None  # behave(handler, name) -> True when it answered itself
    seen: Counter
    agents: list

    def log_message(self, *args):
        pass

    def do_GET(self):
        path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
        name = path[len("/mirror/"):] if path.startswith("/mirror/") else None
        self.seen[path] += 1
        self.agents.append(self.headers.get("User-Agent", ""))
        if self.behave and self.behave(self, name):
            return
        file = (self.site / (name or "index.html")) if name is not None else None
        if name == "":
            file = self.site / "index.html"
        if file is None or not file.is_file():
            return self.send(404, b"not found")
        kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        self.send(200, file.read_bytes(), {"Content-Security-Policy": "default-src 'none'", "Content-Type": kind,
                                           "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"})

    def send(self, status: int, body: bytes, headers: dict | None = None):
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextmanager
def serve(site: Path, behave=None):
    handler = type("H", (Handler,), {"site": site, "behave": staticmethod(behave) if behave else None,
                                     "seen": Counter(), "agents": []})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/mirror/", handler
    finally:
        server.shutdown()
        server.server_close()


def check(url, key, *extra, timeout=60):
    return cli_process("verify", url, "--public-key", key["public"], *extra, timeout=timeout)


def line(result, label, name):
    return any(l.split()[:2] == [label, name] for l in result.out.splitlines())


def test_a_good_mirror_each_file_fetched_once_with_a_browser_like_request(site, key):
    with serve(site) as (url, handler):
        result = check(url, key)
    assert result.code == 0, result.text
    assert "signed on 2026-12-20, release 7" in result.out
    repeated = {path: n for path, n in handler.seen.items() if n > 1}
    assert not repeated, f"downloaded more than once: {repeated}"
    assert all(agent.startswith("Mozilla/5.0") and "python" not in agent.lower() for agent in handler.agents)
    assert "ok       Content-Security-Policy on every page" in result.out
    assert "ok       Content-Type matches each file's kind" in result.out
    assert "plain HTTP" in result.out  # reported, not fatal


def test_a_redirect_to_another_origin_is_refused(site, key):
    with serve(site) as (other, elsewhere):
        def redirect(handler, name):
            handler.send(302, b"", {"Location": other + (name or "")})
            return True

        with serve(site, redirect) as (url, _):
            result = check(url, key)
    assert result.code == 2 and "another site" in result.err, result.text
    assert not elsewhere.seen, "the redirect was followed"


def test_a_listed_file_redirected_to_another_origin_is_a_finding(site, key):
    with serve(site) as (other, elsewhere):
        def redirect(handler, name):
            if name == "assets/quick-exit.js":
                handler.send(301, b"", {"Location": other + name})  # even to identical bytes
                return True
            return False

        with serve(site, redirect) as (url, _):
            result = check(url, key)
    assert result.code == 1 and line(result, "REDIRECT", "assets/quick-exit.js"), result.text
    assert not elsewhere.seen


def test_same_origin_redirects_are_followed_a_limited_number_of_times(site, key):
    def moved(handler, name):
        if name == "fr/about.html":
            handler.send(302, b"", {"Location": "/mirror/fr/about-moved.html"})
            return True
        if name == "fr/about-moved.html":
            handler.send(200, (handler.site / "fr/about.html").read_bytes())
            return True
        if name == "fa/index.html":
            handler.send(302, b"", {"Location": "/mirror/fa/index.html"})  # a loop
            return True
        return False

    with serve(site, moved) as (url, _):
        result = check(url, key)
    assert result.code == 3 and "redirects" in result.err, result.text


def test_same_origin_redirect_to_the_same_bytes_is_fine(site, key):
    def moved(handler, name):
        if name == "fr/about.html":
            handler.send(307, b"", {"Location": "/mirror/fr/about-moved.html"})
            return True
        if name == "fr/about-moved.html":
            handler.send(200, (handler.site / "fr/about.html").read_bytes())
            return True
        return False

    with serve(site, moved) as (url, _):
        assert check(url, key).code == 0


def test_a_slow_server_times_out_quickly(site, key):
    def slow(handler, name):
        time.sleep(10)
        return False

    started = time.monotonic()
    with serve(site, slow) as (url, _):
        result = check(url, key, "--timeout", "0.5")
    assert result.code == 3 and "timed out" in result.err, result.text
    assert time.monotonic() - started < 8


def test_a_server_that_drips_one_byte_at_a_time_cannot_stretch_a_request(site, key):
    def drip(handler, name):
        if name != "index.html":
            return False
        handler.send_response(200)
        handler.send_header("Content-Length", "100000")
        handler.end_headers()
        for _ in range(200):
            handler.wfile.write(b"x")
            handler.wfile.flush()
            time.sleep(0.05)
        return True

    started = time.monotonic()
    with serve(site, drip) as (url, _):
        result = check(url, key, "--timeout", "1")
    assert result.code == 3 and "timed out" in result.err, result.text
    assert time.monotonic() - started < 6


def test_the_whole_check_has_a_deadline(site, key):
    def slowish(handler, name):
        time.sleep(0.4)
        return False

    with serve(site, slowish) as (url, _):
        result = check(url, key, "--timeout", "5", "--total-timeout", "1")
    assert result.code == 3 and "--total-timeout" in result.err, result.text


@pytest.mark.parametrize("target", ["SHA256SUMS", "assets/site.css"])
def test_an_endless_body_hits_the_size_limit(site, key, target):
    def endless(handler, name):
        if name != target:
            return False
        handler.send_response(200)
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        chunk = b"0" * 65536
        try:
            while True:
                handler.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        except (BrokenPipeError, ConnectionResetError):
            pass
        return True

    with serve(site, endless) as (url, _):
        result = check(url, key, "--max-file-size", "2M", timeout=60)
    assert result.code == 3 and "limit" in result.err, result.text


def test_a_gzip_bomb_from_the_mirror_hits_the_size_limit(site, key):
    bomb = gzip.compress(b"\0" * (64 << 20))

    def zipped(handler, name):
        if name == "assets/site.css":
            handler.send(200, bomb, {"Content-Encoding": "gzip"})
            return True
        return False

    with serve(site, zipped) as (url, _):
        result = check(url, key, "--max-file-size", "4M")
    assert result.code == 3 and "limit" in result.err, result.text


def test_gzip_from_the_mirror_is_decoded(site, key):
    def zipped(handler, name):
        path = handler.site / (name or "index.html")
        if name and path.is_file() and "gzip" in handler.headers.get("Accept-Encoding", ""):
            handler.send(200, gzip.compress(path.read_bytes()), {"Content-Encoding": "gzip"})
            return True
        return False

    with serve(site, zipped) as (url, _):
        assert check(url, key).code == 0


def test_security_headers_are_reported_not_fatal(site, key):
    def leaky(handler, name):
        path = handler.site / (name or "index.html")
        if not path.is_file():
            return False
        handler.send(200, path.read_bytes(), {"Set-Cookie": "track=1; Max-Age=31536000",
                                              "Refresh": "5; url=http://127.0.0.3:9/phish"})
        return True

    with serve(site, leaky) as (url, _):
        result = check(url, key)
    assert result.code == 0, result.text  # the files are authentic; the headers are reported
    assert "WARNING  the mirror sets cookies (Set-Cookie)" in result.out
    assert "WARNING  a Refresh header sends readers elsewhere" in result.out
    assert "MISSING  no Content-Security-Policy header" in result.out
    assert "MISSING  no X-Content-Type-Options: nosniff" in result.out
    assert "WARNING  a Content-Type that does not match the file" in result.out


def test_a_mirror_that_cloaks_for_browsers_is_caught(site, key):
    """The review's cloak served the tampered page to everything but Python's User-Agent."""
    def cloak(handler, name):
        if name == "fa/index.html" and "python" not in handler.headers.get("User-Agent", "").lower():
            handler.send(200, "<p>FAKE CONTACT +00 000</p>".encode())
            return True
        return False

    with serve(site, cloak) as (url, _):
        result = check(url, key)
    assert result.code == 1 and line(result, "ALTERED", "fa/index.html"), result.text


def test_tampered_mirror_added_script_missing_page(site, key):
    index = (site / "index.html").read_bytes().replace(b"</script>", b'</script><script src="tracker.js"></script>')
    (site / "index.html").write_bytes(index)
    (site / "tracker.js").write_text("steal()")
    (site / "fr" / "about.html").unlink()
    with serve(site) as (url, _):
        result = check(url, key)
    assert result.code == 1
    assert line(result, "ALTERED", "index.html") and line(result, "MISSING", "fr/about.html")
    assert line(result, "EXTRA", "tracker.js"), result.text


def test_the_mirror_address_itself_is_checked(site, key):
    def front(handler, name):
        if name == "":
            handler.send(200, b"<p>a different front page</p>")
            return True
        return False

    with serve(site, front) as (url, _):
        result = check(url, key)
    assert result.code == 1 and "(the mirror's address)" in result.out, result.text


def test_an_unreachable_mirror_is_could_not_check(key):
    result = check("http://127.0.0.1:9/mirror/", key, "--timeout", "2")
    assert result.code == 3 and "Traceback" not in result.err, result.text
