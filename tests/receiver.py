"""A real HTTP receiver on 127.0.0.1 for the notification tests: it records every request
that arrives and answers as it is told, per path: ok, 500 a number of times then ok,
always 500 (or another status), hang (never answer: the client's timeout must end it),
or close the connection without an answer."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal

Mode = Literal["ok", "fail", "hang", "close"]
HANG_LIMIT = 60.0  # seconds a hanging answer waits at most, should a test forget to stop


@dataclass(frozen=True)
class Received:
    """One request, as it arrived, and the status it was answered (None: no answer)."""

    method: str
    path: str  # with its query; the absolute URL when the receiver is used as a proxy
    headers: dict[str, str]
    body: bytes
    status: int | None

    def json(self) -> Any:
        """The body, parsed as JSON."""
        return json.loads(self.body)


@dataclass
class _Plan:
    mode: Mode = "ok"
    times: int | None = None  # "fail": this many failures, then ok; None: every time
    status: int = 500
    retry_after: str | None = None  # "fail": the Retry-After header sent


@dataclass
class Receiver:
    """Answers as ``answer`` says, per path (the longest prefix given wins)."""

    received: list[Received] = field(default_factory=list)
    _plans: dict[str, _Plan] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stop: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def url(self, path: str) -> str:
        """The URL of ``path`` on this receiver."""
        return self.base + path

    def answer(
        self,
        mode: Mode,
        *,
        path: str = "/",
        times: int | None = None,
        status: int = 500,
        retry_after: str | None = None,
    ) -> None:
        """From now on, answer requests under ``path`` so."""
        with self._lock:
            self._plans[path] = _Plan(mode, times, status, retry_after)

    def delivered(self, path: str | None = None) -> list[Received]:
        """The requests answered 2xx (under ``path``)."""
        return [r for r in self.arrived(path) if r.status is not None and r.status < 300]

    def arrived(self, path: str | None = None) -> list[Received]:
        """Every request that arrived (under ``path``)."""
        with self._lock:
            found = list(self.received)
        return [r for r in found if path is None or r.path.startswith(path)]

    def _decide(self, path: str) -> _Plan:
        with self._lock:
            prefix = max((p for p in self._plans if path.startswith(p)), key=len, default=None)
            plan = self._plans.get(prefix, _Plan()) if prefix is not None else _Plan()
            if plan.mode == "fail" and plan.times is not None:
                if plan.times == 0:
                    return _Plan()
                plan.times -= 1
            return _Plan(plan.mode, plan.times, plan.status, plan.retry_after)

    def _record(self, received: Received) -> None:
        with self._lock:
            self.received.append(received)

    def __enter__(self) -> Receiver:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()  # hanging answers end
        self._server.shutdown()
        self._server.server_close()


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self._serve()

        def do_POST(self) -> None:
            self._serve()

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            plan = receiver._decide(self.path)
            status = {"ok": 200, "fail": plan.status}.get(plan.mode)
            headers = {k.lower(): v for k, v in self.headers.items()}
            receiver._record(Received(self.command, self.path, headers, body, status))
            if plan.mode == "hang":
                receiver._stop.wait(HANG_LIMIT)
                return
            if status is None:  # "close": no answer at all
                self.close_connection = True
                return
            # A failure echoes the request, as some gateways do: its path must not leak.
            echo = f"failed on purpose: {self.command} {self.path}\nsecond line".encode()
            answer = b"ok" if status < 300 else echo
            self.send_response(status)
            if plan.retry_after is not None:
                self.send_header("Retry-After", plan.retry_after)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the tests read ``received``."""

    return Handler
