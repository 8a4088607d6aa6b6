"""HTTP deliveries: a POST (a Slack message, a report's JSON) or a GET (a heartbeat), one
attempt per call (``app.delivery`` retries), through urllib3, which botocore brings.

A proxy is used as curl and botocore use one: ``HTTPS_PROXY``/``HTTP_PROXY`` (any case),
unless ``NO_PROXY`` names the host. Redirects are not followed: a POST that a receiver
sends elsewhere was not delivered. Nothing here quotes a URL: every failure is told in
words of its own (an exception of urllib3's names the host and sometimes the path).
"""

from __future__ import annotations

import base64
import threading
import urllib.request
from urllib.parse import urlsplit, urlunsplit

import urllib3
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    NewConnectionError,
    ProtocolError,
    ProxyError,
    ReadTimeoutError,
    SSLError,
)

from backupctl.domain.errors import DeliveryError
from backupctl.domain.notify_targets import CONNECT_TIMEOUT
from backupctl.version import __version__

_ANSWER_SHOWN = 200  # characters of a refusal's body quoted (Slack says why: "invalid_token")
# Worth another attempt: the receiver timed out, is throttling or had a server error.
_RETRYABLE = frozenset({408, 425, 429, 500, 502, 503, 504})


class HttpSender:
    """Sends requests with ``timeout`` seconds per attempt, from any thread."""

    def __init__(self, timeout: float) -> None:
        self._seconds = timeout
        self._timeout = urllib3.Timeout(connect=min(CONNECT_TIMEOUT, timeout), read=timeout)
        self._lock = threading.Lock()
        self._managers: dict[str, urllib3.PoolManager] = {}

    def post_json(self, url: str, body: bytes) -> None:
        """POST ``body`` as ``application/json``; DeliveryError unless the answer is 2xx."""
        self._send("POST", url, body, {"Content-Type": "application/json"})

    def get(self, url: str) -> None:
        """GET ``url``; DeliveryError unless the answer is 2xx."""
        self._send("GET", url, None, {})

    def _send(self, method: str, url: str, body: bytes | None, headers: dict[str, str]) -> None:
        parts = urlsplit(url)
        headers = {"User-Agent": f"backupctl/{__version__}", **headers}
        if parts.username is not None:  # https://user:password@host/: basic authentication
            userinfo = f"{parts.username}:{parts.password or ''}"
            headers["Authorization"] = "Basic " + base64.b64encode(userinfo.encode()).decode()
            url = urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))
        try:
            answer = self._manager(parts.scheme, parts.hostname or "").request(
                method, url, body=body, headers=headers, redirect=False, retries=False,
                timeout=self._timeout, preload_content=True,
            )  # fmt: skip
        except HTTPError as error:
            raise _failure(error, self._seconds) from None
        if not 200 <= answer.status < 300:
            raise _refusal(answer)

    def close(self) -> None:
        """Close every pooled connection."""
        with self._lock:
            for manager in self._managers.values():
                manager.clear()

    def _manager(self, scheme: str, host: str) -> urllib3.PoolManager:
        """The pool for ``host``: through the environment's proxy, or direct."""
        proxy = urllib.request.getproxies().get(scheme)
        if proxy is None or urllib.request.proxy_bypass(host):
            proxy = ""
        with self._lock:
            manager = self._managers.get(proxy)
            if manager is None:
                manager = _proxied(proxy) if proxy else urllib3.PoolManager()
                self._managers[proxy] = manager
            return manager


def _proxied(proxy: str) -> urllib3.ProxyManager:
    """A proxy's pool; ``http://user:password@proxy:3128`` authenticates to it."""
    parsed = urllib3.util.parse_url(proxy)
    auth = urllib3.util.make_headers(proxy_basic_auth=parsed.auth) if parsed.auth else None
    return urllib3.ProxyManager(proxy, proxy_headers=auth)


def _failure(error: HTTPError, read_timeout: float) -> DeliveryError:
    """A request that got no answer, in words of its own: every one may pass on retry."""
    cause = error.__cause__ or error.__context__
    if isinstance(error, ProxyError):
        reason = "the proxy (HTTPS_PROXY/HTTP_PROXY) could not be used"
    elif isinstance(error, NewConnectionError):  # before ConnectTimeoutError, its base
        strerror = getattr(cause, "strerror", None)
        reason = f"could not connect: {strerror}" if strerror else "could not connect"
    elif isinstance(error, ConnectTimeoutError):
        reason = "could not connect in time"
    elif isinstance(error, ReadTimeoutError):
        reason = f"no answer within {read_timeout:g} s"
    elif isinstance(error, SSLError):
        reason = f"TLS failed: {getattr(cause, 'reason', None) or type(cause).__name__}"
    elif isinstance(error, ProtocolError):
        reason = "the connection was closed before an answer"
    else:
        reason = f"the request failed ({type(error).__name__})"
    return DeliveryError(reason, retryable=True)


def _refusal(answer: urllib3.BaseHTTPResponse) -> DeliveryError:
    """A non-2xx answer: its status, reason and the start of its body."""
    said = answer.data[:_ANSWER_SHOWN].decode("utf-8", "replace").split("\n", 1)[0].strip()
    reason = f"HTTP {answer.status}" + (f" {answer.reason}" if answer.reason else "")
    reason += f": {said}" if said else ""
    return DeliveryError(
        reason,
        retryable=answer.status in _RETRYABLE,
        retry_after=_seconds(answer.headers.get("Retry-After")),
    )


def _seconds(value: str | None) -> float | None:
    """A Retry-After of delta-seconds (the form throttling receivers use), else None."""
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None
