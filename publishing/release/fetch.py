"""HTTP for checking a mirror by its address, with limits a hostile mirror cannot get around.

One job: fetch a file from one origin and stream it into a hash.

* Only the mirror's own origin (scheme, host, port): a redirect to another origin raises
  CrossOrigin; same-origin redirects are followed, at most ``max_redirects`` in a row.
* Time: every socket read waits at most until the request's deadline (``timeout`` seconds after
  the request started) or the overall deadline, whichever is first: a server that sends one byte
  a second cannot stretch a request. Either deadline raises FetchProblem.
* Size: bodies (after gzip decoding) count against the Budget of archives.py, per file and in
  total; a Content-Length over the limit stops before the body is read.
* A neutral, browser-like request (User-Agent, Accept, Accept-Language, gzip), so that a mirror
  that serves scripts something other than browsers has one signal fewer. It cannot prove what
  every browser receives: a mirror can still treat clients differently.
"""

from __future__ import annotations

import http.client
import io
import socket
import ssl
import time
import urllib.parse
import zlib
from dataclasses import dataclass
from typing import Callable

from .archives import BLOCK, Budget, LimitExceeded

USER_AGENT = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
HEADERS = {
    "User-Agent": USER_AGENT,
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "en-US,en;q=0.5",
    "Accept-Encoding": "gzip",
}
REDIRECTS = (301, 302, 303, 307, 308)


class FetchProblem(Exception):
    """The network or the server did not let the check finish (timeout, refused, bad reply)."""


class CrossOrigin(Exception):
    def __init__(self, source: str, target: str):
        super().__init__(f"{source} redirects to another site: {target}")
        self.source, self.target = source, target


def origin(url: str) -> tuple[str, str, int]:
    parts = urllib.parse.urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return parts.scheme.lower(), (parts.hostname or "").lower(), port


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    url: str
    size: int = 0


class _Clock:
    def __init__(self, deadline: float):
        self.deadline = deadline

    def remaining(self) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise FetchProblem("timed out")
        return left


class _DeadlineRaw(io.RawIOBase):
    def __init__(self, sock, clock: _Clock):
        self.sock, self.clock = sock, clock

    def readable(self):
        return True

    def readinto(self, buffer):
        self.sock.settimeout(self.clock.remaining())
        try:
            return self.sock.recv_into(buffer)
        except (socket.timeout, TimeoutError):
            raise FetchProblem("timed out") from None


class _DeadlineSocket:
    """The connection's socket, whose reads never wait past the current request's deadline."""

    def __init__(self, sock, owner: "_Connection"):
        self._sock, self._owner = sock, owner

    def __getattr__(self, name):
        return getattr(self._sock, name)

    def makefile(self, mode="rb", *args, **kwargs):
        return io.BufferedReader(_DeadlineRaw(self._sock, self._owner.clock), BLOCK)


class _Connection:
    clock: _Clock

    def connect(self):
        self.timeout = self.clock.remaining()
        super().connect()
        self.sock = _DeadlineSocket(self.sock, self)


class _HTTP(_Connection, http.client.HTTPConnection):
    pass


class _HTTPS(_Connection, http.client.HTTPSConnection):
    pass


class Client:
    def __init__(self, budget: Budget, timeout: float = 20.0, total_timeout: float = 600.0,
                 ca_file: str | None = None, max_redirects: int = 5):
        self.budget, self.timeout, self.max_redirects = budget, timeout, max_redirects
        self.deadline = time.monotonic() + total_timeout
        self.total_timeout = total_timeout
        self.context = ssl.create_default_context(cafile=ca_file)
        self._connections: dict[tuple[str, str, int], http.client.HTTPConnection] = {}
        self.requests = 0

    def close(self) -> None:
        for connection in self._connections.values():
            connection.close()
        self._connections.clear()

    def _connection(self, url: str) -> http.client.HTTPConnection:
        key = origin(url)
        if key not in self._connections:
            scheme, host, port = key
            if scheme == "https":
                self._connections[key] = _HTTPS(host, port, context=self.context)
            else:
                self._connections[key] = _HTTP(host, port)
        return self._connections[key]

    def _drop(self, url: str) -> None:
        connection = self._connections.pop(origin(url), None)
        if connection is not None:
            connection.close()

    def get(self, url: str, sink: Callable[[bytes], None] | None = None, limit: int | None = None) -> Response:
        """GET ``url``; a 200 body streams into ``sink``. Other statuses are returned unread."""
        started = time.monotonic()
        if started >= self.deadline:
            raise FetchProblem(f"the whole check took longer than {self.total_timeout:g} s (--total-timeout)")
        clock = _Clock(min(started + self.timeout, self.deadline))
        for _ in range(self.max_redirects + 1):
            response = self._request(url, clock)
            if response.status in REDIRECTS:
                location = response.getheader("Location", "")
                self._drop(url)
                target = urllib.parse.urljoin(url, location.strip())
                if not location or origin(target) != origin(url) or urllib.parse.urlsplit(target).scheme not in ("http", "https"):
                    raise CrossOrigin(url, target or "(no address)")
                url = target
                continue
            if response.status != 200:
                self._drop(url)
                return Response(response.status, response.headers, url)
            size = self._body(url, response, sink or (lambda block: None), limit)
            if response.will_close:
                self._drop(url)
            return Response(200, response.headers, url, size)
        self._drop(url)
        raise FetchProblem(f"more than {self.max_redirects} redirects for {url}")

    def _timed_out(self, url: str) -> FetchProblem:
        if time.monotonic() >= self.deadline:
            return FetchProblem(f"{url}: timed out: the whole check took longer than {self.total_timeout:g} s (--total-timeout)")
        return FetchProblem(f"{url}: timed out after {self.timeout:g} s (--timeout)")

    def _request(self, url: str, clock: _Clock) -> http.client.HTTPResponse:
        parts = urllib.parse.urlsplit(url)
        path = parts.path or "/"
        for attempt in (1, 2):  # a kept-alive connection the server closed: one fresh try
            connection = self._connection(url)
            connection.clock = clock
            try:
                self.requests += 1
                connection.request("GET", path, headers=HEADERS)
                return connection.getresponse()
            except FetchProblem:
                self._drop(url)
                raise self._timed_out(url) from None
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as error:
                self._drop(url)
                if attempt == 2:
                    raise FetchProblem(f"{url}: the server closed the connection ({error})") from None
            except ssl.SSLError as error:
                self._drop(url)
                raise FetchProblem(f"{url}: TLS failed ({error.reason or error})") from None
            except (OSError, http.client.HTTPException, ValueError) as error:
                self._drop(url)
                raise FetchProblem(f"{url}: {getattr(error, 'strerror', None) or error or type(error).__name__}") from None
        raise AssertionError("unreachable")

    def _body(self, url: str, response: http.client.HTTPResponse, sink, limit) -> int:
        name = urllib.parse.unquote(urllib.parse.urlsplit(url).path)
        length = response.getheader("Content-Length")
        encoding = (response.getheader("Content-Encoding") or "identity").strip().lower()
        if encoding not in ("identity", "gzip"):
            self._drop(url)
            raise FetchProblem(f"{url}: the server sent an encoding that was not asked for ({encoding[:20]})")
        cap = self.budget.max_file if limit is None else min(limit, self.budget.max_file)
        if encoding == "identity" and length and length.isdigit() and int(length) > cap:
            self._drop(url)
            raise LimitExceeded(f"{name} is {length} bytes, more than the limit of {cap} bytes per file")
        decoder = zlib.decompressobj(16 + zlib.MAX_WBITS) if encoding == "gzip" else None
        total = 0

        def take(block: bytes) -> None:
            nonlocal total
            total += len(block)
            self.budget.used += len(block)
            if total > cap:
                raise LimitExceeded(f"{name} is larger than the limit of {cap} bytes per file"
                                    + (" (--max-file-size)" if cap == self.budget.max_file else ""))
            if self.budget.used > self.budget.max_total:
                raise LimitExceeded(f"more than {self.budget.max_total} bytes read in total (--max-total-size)")
            sink(block)

        try:
            while True:
                try:
                    block = response.read(BLOCK)
                except FetchProblem:
                    raise self._timed_out(url) from None
                except (OSError, http.client.HTTPException, ValueError) as error:
                    raise FetchProblem(f"{url}: the body could not be read ({error or type(error).__name__})") from None
                if not block:
                    break
                if decoder is None:
                    take(block)
                    continue
                data = block
                while data:
                    try:
                        out = decoder.decompress(data, BLOCK)
                    except zlib.error as error:
                        raise FetchProblem(f"{url}: damaged gzip data ({error})") from None
                    take(out)
                    data = decoder.unconsumed_tail
            if decoder is not None:
                take(decoder.flush())
        except BaseException:
            self._drop(url)
            raise
        return total
