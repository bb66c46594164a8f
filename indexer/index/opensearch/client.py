"""A small JSON-over-HTTP client for OpenSearch, on :mod:`http.client` alone.

The backend needs a handful of calls (index admin, ``_bulk`` NDJSON, ``_search``, ``_aliases``),
all plain JSON over HTTP: a client library would add a dependency and a second idea of retries
and errors for no gain. Credentials come only from the environment
(``GAZETTE_OPENSEARCH_USER``/``GAZETTE_OPENSEARCH_PASSWORD``), never from a config file.
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import threading
import time
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from indexer.errors import StoreError

ENV_USER = "GAZETTE_OPENSEARCH_USER"
ENV_PASSWORD = "GAZETTE_OPENSEARCH_PASSWORD"
# 429 (queue full) and 503 (shard not ready) are worth another try after a pause; the rest is final.
RETRY_STATUSES = frozenset({429, 503})
RETRY_DELAYS = (0.2, 0.5, 1.0, 2.0, 4.0, 8.0)


class OpenSearchError(StoreError):
    """OpenSearch answered with an error, refused a document, or could not be reached."""

    def __init__(self, message: str, status: int = 0) -> None:
        self.status = status
        super().__init__(message)


def _reason(status: int, body: Any) -> str:
    """One line from an error body: OpenSearch's ``error.reason`` when it gives one.

    >>> _reason(404, {"error": {"type": "index_not_found_exception", "reason": "no such index"}})
    'HTTP 404: index_not_found_exception: no such index'
    """
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        return f"HTTP {status}: {error.get('type', '')}: {error.get('reason', '')}"
    return f"HTTP {status}: {str(error or body)[:200]}"


@dataclass(frozen=True)
class Endpoint:
    """One member's address: ``http(s)://host:port/prefix``."""

    https: bool
    host: str
    port: int
    prefix: str

    @classmethod
    def parse(cls, url: str) -> Endpoint:
        """The endpoint of one URL.

        >>> Endpoint.parse("http://127.0.0.1:9201/os/")
        Endpoint(https=False, host='127.0.0.1', port=9201, prefix='/os')
        """
        parts = urllib.parse.urlsplit(url.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise OpenSearchError(f"backend.url: not an http(s) URL: {url!r}")
        https = parts.scheme == "https"
        return cls(
            https, parts.hostname, parts.port or (443 if https else 80), parts.path.rstrip("/")
        )


class Client:
    """The cluster behind ``url``: one endpoint, or several separated by commas, tried in turn
    when one cannot be reached (a member down must not take the search with it).

    Each thread keeps its connections open between requests (HTTP keep-alive: a page makes one
    or more calls, and a new TCP connection each time costs a round trip); a connection the
    server has closed meanwhile is replaced once, transparently. A forked child never uses its
    parent's sockets.
    """

    def __init__(self, url: str, timeout: float = 60.0) -> None:
        self.url = url.rstrip("/")
        self.endpoints = [Endpoint.parse(part) for part in url.split(",") if part.strip()]
        if not self.endpoints:
            raise OpenSearchError(f"backend.url: not an http(s) URL: {url!r}")
        self._first = 0  # the endpoint that answered last: asked first next time
        self.timeout = timeout
        self.headers = {"Content-Type": "application/json"}
        user, password = os.environ.get(ENV_USER), os.environ.get(ENV_PASSWORD)
        if user:
            token = base64.b64encode(f"{user}:{password or ''}".encode()).decode()
            self.headers["Authorization"] = f"Basic {token}"
        self._local = threading.local()

    def _connections(self) -> dict[int, http.client.HTTPConnection]:
        """This thread's open connections, by endpoint (none inherited through a fork)."""
        local = self._local
        if getattr(local, "pid", None) != os.getpid():
            local.pid, local.connections = os.getpid(), {}
        found: dict[int, http.client.HTTPConnection] = local.connections
        return found

    def _connection(self, index: int) -> tuple[http.client.HTTPConnection, bool]:
        """A connection to endpoint ``index``, and whether it has served a request before."""
        connections = self._connections()
        conn = connections.get(index)
        if conn is not None:
            return conn, True
        end = self.endpoints[index]
        cls = http.client.HTTPSConnection if end.https else http.client.HTTPConnection
        conn = connections[index] = cls(end.host, end.port, timeout=self.timeout)
        return conn, False

    def _drop(self, index: int) -> None:
        conn = self._connections().pop(index, None)
        if conn is not None:
            conn.close()

    def close(self) -> None:
        """Close this thread's connections (they are also closed when the client is freed)."""
        for index in list(self._connections()):
            self._drop(index)

    def send(
        self, method: str, path: str, body: bytes | None = None, ndjson: bool = False
    ) -> tuple[int, Any]:
        """One request; ``(status, parsed JSON body)``. No endpoint reachable →
        :class:`OpenSearchError`.

        A request is sent to the next endpoint only when the connection failed before an answer
        came: one that reached a member and timed out is not sent twice.
        """
        headers = dict(self.headers)
        if ndjson:
            headers["Content-Type"] = "application/x-ndjson"
        count = len(self.endpoints)
        failure: Exception | None = None
        for step in range(count):
            index = (self._first + step) % count
            answer = self._exchange(index, method, body, path, headers)
            if isinstance(answer, Exception):
                failure = answer
                continue
            self._first = index
            status, raw = answer
            try:
                data = json.loads(raw) if raw else None
            except ValueError:
                data = raw.decode("utf-8", "replace")
            return status, data
        raise OpenSearchError(f"{self.url}: cannot reach OpenSearch: {failure}")

    def _exchange(
        self, index: int, method: str, body: bytes | None, path: str, headers: dict[str, str]
    ) -> tuple[int, bytes] | Exception:
        """The status and body endpoint ``index`` answered, or the error that says it cannot be
        reached (the caller tries the next one); any other failure raises."""
        end = self.endpoints[index]
        for _ in range(2):
            conn, reused = self._connection(index)
            try:
                conn.request(method, end.prefix + path, body=body, headers=headers)
                response = conn.getresponse()
                raw = response.read()
            except (OSError, http.client.HTTPException) as exc:
                self._drop(index)
                if reused and isinstance(exc, (ConnectionResetError, BrokenPipeError)):
                    continue  # a kept-alive connection closed by the server: once more, anew
                if isinstance(exc, (ConnectionRefusedError, ConnectionResetError)):
                    return exc
                raise OpenSearchError(f"{self.url}: cannot reach OpenSearch: {exc}") from None
            if response.will_close:
                self._drop(index)
            return response.status, raw
        return ConnectionResetError("the connection was closed twice")

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        ok: Iterable[int] = (),
        retry: bool = True,
    ) -> Any:
        """A JSON request, retried on 429/503 with back-off; other errors raise, except the
        statuses in ``ok`` (e.g. 404 when asking whether something exists)."""
        payload = None if body is None else json.dumps(body, ensure_ascii=False).encode()
        return self._checked(method, path, payload, False, set(ok), retry)

    def bulk(self, lines: list[dict[str, Any]], refresh: bool = False) -> Any:
        """A ``_bulk`` request of action/document lines (retried whole on 429/503)."""
        payload = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
        path = "/_bulk?refresh=true" if refresh else "/_bulk"
        return self._checked("POST", path, payload.encode(), True, set(), True)

    def _checked(
        self, method: str, path: str, payload: bytes | None, ndjson: bool, ok: set[int], retry: bool
    ) -> Any:
        delays = iter(RETRY_DELAYS if retry else ())
        while True:
            status, data = self.send(method, path, payload, ndjson)
            if status < 300 or status in ok:
                return data
            delay = next(delays, None) if status in RETRY_STATUSES else None
            if delay is None:
                raise OpenSearchError(f"{method} {path}: {_reason(status, data)}", status)
            time.sleep(delay)

    def healthy(self, timeout: str = "1s") -> str | None:
        """The cluster's health colour, or None when it does not answer."""
        try:
            status, data = self.send("GET", f"/_cluster/health?timeout={timeout}")
        except OpenSearchError:
            return None
        if (status >= 300 and status != 408) or not isinstance(data, dict):
            return None
        colour = data.get("status")
        return colour if isinstance(colour, str) else None
