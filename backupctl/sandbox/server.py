"""The HTTP server: reads the SigV4 credential scope, identifies the caller, injects
faults, and hands the request to the service.

Admin endpoints, for a benchmark or test that runs the sandbox in another process:
``GET /_sandbox/counters``, ``POST /_sandbox/reset`` (zero the counters),
``POST /_sandbox/warm`` (generate every job now), ``POST /_sandbox/advance?seconds=N``
(move the organization forward; answers with the ground truth of what changed) and
``GET /_sandbox/published`` (every message SNS accepted).
"""

from __future__ import annotations

import contextlib
import re
import socket
import threading
import uuid
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from backupctl.sandbox.account import AccountService
from backupctl.sandbox.backup import BackupService
from backupctl.sandbox.echo import ReceivedRequest, echoed
from backupctl.sandbox.identity import IdentityError
from backupctl.sandbox.organizations import OrganizationsService
from backupctl.sandbox.runtime import Call, Runtime, Service
from backupctl.sandbox.sns import SnsService
from backupctl.sandbox.sts import StsService
from backupctl.sandbox.wire import REST_JSON, Hangup, Response, ServiceError, dumps

_SCOPE = re.compile(r"Credential=([^/,\s]+)/\d{8}/([^/]+)/([^/]+)/aws4_request")
_KEY_ACCOUNT = re.compile(r"^A[KS]IA(\d{12})")


class SandboxServer(ThreadingHTTPServer):
    """A threading HTTP server that knows its open connections, to close them on stop."""

    daemon_threads = True
    allow_reuse_address = True
    # socketserver's default backlog of 5 drops connection bursts from a wide fan-out,
    # and a dropped SYN costs the client a one-second retransmit.
    request_queue_size = 1024

    def __init__(self, address: tuple[str, int], runtime: Runtime) -> None:
        super().__init__(address, _Handler)
        self.runtime = runtime
        self.services: dict[str, Service] = {
            service.name: service
            for service in (
                BackupService(runtime),
                StsService(runtime),
                OrganizationsService(runtime),
                SnsService(runtime),
                AccountService(runtime),
            )
        }
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()

    def track(self, connection: socket.socket, open_: bool) -> None:
        """Remember an open connection, or forget a closed one."""
        with self._connections_lock:
            if open_:
                self._connections.add(connection)
            else:
                self._connections.discard(connection)

    def close_connections(self) -> None:
        """Wake every handler blocked on a keep-alive connection, so its thread ends."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):  # already closed by the client
                connection.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, so botocore reuses its connections
    server: SandboxServer

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in one write; no Nagle delay either way.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.track(self.connection, True)
        if self.server.runtime.stopping.is_set():  # accepted while stopping: serve nothing
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)

    def finish(self) -> None:
        self.server.track(self.connection, False)
        with contextlib.suppress(OSError):  # the client went away
            super().finish()

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the counters say what happened."""

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_PUT(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        runtime = self.server.runtime
        if self.path.startswith("/_sandbox/"):
            self._send(self._admin())
            return
        runtime.counters.enter()
        try:
            response = self._dispatch(body)
        except Hangup:
            self.close_connection = True
            return
        finally:
            runtime.counters.leave()
        self._send(response)

    def _admin(self) -> Response:
        counters = self.server.runtime.counters
        if self.command == "GET" and self.path == "/_sandbox/counters":
            return Response(200, dumps(counters.snapshot()))
        if self.command == "POST" and self.path == "/_sandbox/reset":
            counters.reset()
            return Response(200, dumps(counters.snapshot()))
        if self.command == "POST" and self.path == "/_sandbox/warm":
            self.server.runtime.dataset.warm()
            return Response(200, dumps({"warm": True}))
        if self.command == "GET" and self.path == "/_sandbox/published":
            published = self.server.runtime.publications.read()
            return Response(200, dumps([publication.as_json() for publication in published]))
        url = urlsplit(self.path)
        if self.command == "POST" and url.path == "/_sandbox/advance":
            try:
                seconds = float(dict(parse_qsl(url.query)).get("seconds", ""))
                advance = self.server.runtime.dataset.advance(seconds)
            except ValueError as error:
                return Response(400, dumps({"message": f"cannot advance: {error}"}))
            return Response(200, dumps(advance.as_json()))
        return Response(404, dumps({"message": f"no admin endpoint {self.command} {self.path}"}))

    def _dispatch(self, body: bytes) -> Response:
        runtime = self.server.runtime
        headers = {name.lower(): value for name, value in self.headers.items()}
        scope = _SCOPE.search(headers.get("authorization", ""))
        if scope is None:
            return Response(
                403,
                dumps({"message": "Missing Authentication Token"}),
                REST_JSON,
                {"x-amzn-ErrorType": "MissingAuthenticationTokenException"},
            )
        access_key, region, service_name = scope.groups()
        service = self.server.services.get(service_name)
        if service is None:
            return Response(400, dumps({"message": f"The sandbox does not serve {service_name}."}))
        url = urlsplit(self.path)
        operation = service.operation(self.command, url.path, headers, body)
        key_account = _KEY_ACCOUNT.match(access_key)
        account = key_account.group(1) if key_account else "unknown"
        runtime.counters.request(service.name, operation, account, region)
        request_id = str(uuid.uuid4())
        faults = runtime.faults
        if faults.latency > 0:
            runtime.fault("latency")
            runtime.sleep(faults.latency)
        try:
            try:
                identity = runtime.keys.resolve(access_key, headers.get("x-amz-security-token"))
            except IdentityError as error:
                if error.expired:
                    runtime.fault("expired_token")
                raise service.identity_error(error.expired) from None
            service.check_region(region, identity.account_id)
            if runtime.roll(faults.throttle_rate):
                runtime.fault("throttle")
                raise service.throttled()
            if runtime.roll(faults.error_rate):
                runtime.fault("error")
                raise service.unavailable()
            call = Call(
                service=service.name,
                operation=operation,
                region=region,
                method=self.command,
                url=url,
                headers=headers,
                body=body,
                identity=identity,
                request_id=request_id,
            )
            response = service.handle(call)
        except ServiceError as error:
            echo = runtime.faults.echo_request_in_errors
            if echo is not None:
                runtime.fault("echoed_request")
                received = ReceivedRequest(self.requestline, tuple(self.headers.items()), body)
                error = echoed(error, received, echo)
            response = service.encode_error(error, request_id)
        response.headers.setdefault("x-amzn-RequestId", request_id)
        return response

    def _send(self, response: Response) -> None:
        status = HTTPStatus(response.status)
        head = [
            f"HTTP/1.1 {status.value} {status.phrase}",
            f"Content-Type: {response.content_type}",
            f"Content-Length: {len(response.body)}",
            f"Date: {self.date_time_string()}",
            *(f"{name}: {value}" for name, value in response.headers.items()),
        ]
        if self.close_connection:
            head.append("Connection: close")
        try:
            self.wfile.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + response.body)
        except OSError:
            self.close_connection = True  # the client hung up; nothing to tell it
