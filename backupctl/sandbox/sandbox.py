"""The Sandbox: a simulated AWS Organization served over HTTP on the loopback interface."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from types import TracebackType

from backupctl.sandbox.advance import Advance
from backupctl.sandbox.config import Faults, SandboxConfig
from backupctl.sandbox.counters import Counters
from backupctl.sandbox.dataset import Dataset
from backupctl.sandbox.jobset import KINDS
from backupctl.sandbox.publications import Publication
from backupctl.sandbox.runtime import Runtime
from backupctl.sandbox.server import SandboxServer
from backupctl.sandbox.wrong_types import WrongType

_POLL_INTERVAL = 0.05  # how soon serve_forever notices a stop


class Sandbox:
    """Organizations, STS, Account (ListRegions), AWS Backup and SNS for a simulated
    organization, on 127.0.0.1.

    Use it as a context manager, or call ``start()`` and ``stop()``. Data is generated on
    first use, so starting is fast; ``warm()`` generates it all at once.
    """

    def __init__(self, config: SandboxConfig | None = None) -> None:
        self.config = config or SandboxConfig()
        now = self.config.now or datetime.now(UTC).replace(microsecond=0)
        if now.tzinfo is None:
            now = now.replace(tzinfo=UTC)
        self.dataset = Dataset(self.config, now)
        self._runtime = Runtime(self.config, self.dataset)
        self._server: SandboxServer | None = None
        self._thread: threading.Thread | None = None

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> Sandbox:
        """Bind the port and serve in a daemon thread; returns self."""
        if self._server is not None:
            return self
        server = SandboxServer((self.config.host, self.config.port), self._runtime)
        self._runtime.stopping.clear()
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": _POLL_INTERVAL},
            name="backupctl-sandbox",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving: hung and sleeping requests are dropped, connections closed."""
        server, self._server = self._server, None
        if server is None:
            return
        self._runtime.stop()
        server.shutdown()
        server.close_connections()
        server.server_close()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    @property
    def running(self) -> bool:
        """Whether the server is serving."""
        return self._server is not None

    @property
    def port(self) -> int:
        """The bound port (the configured one, or the one the system chose for port 0)."""
        if self._server is None:
            raise RuntimeError("the sandbox is not running")
        return int(self._server.server_address[1])

    @property
    def endpoint_url(self) -> str:
        """``http://127.0.0.1:PORT``: the endpoint every client should use."""
        return f"http://{self.config.host}:{self.port}"

    def credentials(self, account_id: str | None = None) -> tuple[str, str]:
        """(access key id, secret) of an account's base keys; None: the management account."""
        account = account_id or self.dataset.management_account_id
        if self.dataset.account(account) is None:
            raise ValueError(f"no account {account} in the sandbox organization")
        return self._runtime.keys.base(account)

    def issued_secrets(self) -> tuple[str, ...]:
        """The secret key and session token of every session AssumeRole has issued so far:
        what a test looks for in output that must hold no secret."""
        return tuple(
            s for session in self._runtime.keys.issued() for s in (session.secret, session.token)
        )

    def env(self) -> dict[str, str]:
        """The environment that points boto3 (and backupctl) at this sandbox."""
        key, secret = self.credentials()
        region = self.dataset.regions[0]
        return {
            "AWS_ENDPOINT_URL": self.endpoint_url,
            "AWS_ACCESS_KEY_ID": key,
            "AWS_SECRET_ACCESS_KEY": secret,
            "AWS_REGION": region,
            "AWS_DEFAULT_REGION": region,
        }

    @property
    def counters(self) -> Counters:
        """Requests, faults and concurrency seen so far."""
        return self._runtime.counters

    @property
    def faults(self) -> Faults:
        """The faults in force (account sets hold account ids)."""
        return self._runtime.faults

    def set_faults(self, faults: Faults) -> None:
        """Change the faults from the next request on; account names are resolved to ids."""
        self._runtime.set_faults(faults)

    def wrong_types(self, kind: str, account: str, region: str) -> list[WrongType]:
        """The jobs of one account's listing (id or name) that ``wrong_types_accounts``
        mistypes under the faults in force, in listing order: the truth a test checks."""
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
        account_id = self.dataset.organization.resolve(account)
        seed = self._runtime.faults.seed
        return list(self._runtime.wrong_types.of_listing(seed, kind, account_id, region).values())

    @property
    def topics(self) -> frozenset[str]:
        """The ARNs of the SNS topics Publish accepts."""
        return self._runtime.topics

    def published(self, topic_arn: str | None = None) -> tuple[Publication, ...]:
        """Every message SNS accepted, oldest first; to one topic when ``topic_arn`` is given."""
        return self._runtime.publications.read(topic_arn)

    def clear_published(self) -> None:
        """Forget the messages published so far."""
        self._runtime.publications.clear()

    def warm(self) -> None:
        """Generate every account's jobs now (a benchmark should not time generation)."""
        self.dataset.warm()

    def advance(self, seconds: float) -> Advance:
        """Move the organization ``seconds`` forward in time: active jobs end, new jobs
        appear, jobs past 30 days go, and every call serves the new state (NextTokens handed
        out before are refused as expired). Returns exactly which jobs changed."""
        return self.dataset.advance(seconds)
