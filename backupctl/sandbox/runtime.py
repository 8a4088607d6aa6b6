"""State the services share: data, keys, faults in force, counters, SNS topics and what
was published to them, and the stop signal."""

from __future__ import annotations

import dataclasses
import random
import threading
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import SplitResult

from backupctl.sandbox.config import Faults, SandboxConfig
from backupctl.sandbox.counters import Counters
from backupctl.sandbox.dataset import Dataset
from backupctl.sandbox.identity import Identity, Keys
from backupctl.sandbox.publications import PublicationLog
from backupctl.sandbox.topics import resolve_topics, topic_arns
from backupctl.sandbox.wire import Hangup, Response, ServiceError
from backupctl.sandbox.wrong_types import WrongTypes

_ACCOUNT_FAULTS = (
    "deny_assume_role",
    "deny_backup",
    "deny_list_regions",
    "looping_token_accounts",
    "cycling_token_accounts",
    "hang_accounts",
    "repeating_pages_accounts",
    "wrong_types_accounts",
    "not_a_job_accounts",
)


@dataclass
class Call:
    """One request, as the services see it."""

    service: str
    operation: str
    region: str
    method: str
    url: SplitResult
    headers: dict[str, str]  # lower-cased names
    body: bytes
    identity: Identity
    request_id: str


class Service(Protocol):
    """One AWS service the sandbox speaks."""

    name: str

    def operation(self, method: str, path: str, headers: dict[str, str], body: bytes) -> str:
        """The operation a request asks for (for counting), before it is authenticated."""
        ...

    def check_region(self, region: str, account_id: str) -> None:
        """Raise the service's error when ``region`` cannot be called by ``account_id``."""
        ...

    def handle(self, call: Call) -> Response:
        """Answer a request; ServiceError for the service's errors."""
        ...

    def encode_error(self, error: ServiceError, request_id: str) -> Response:
        """An error in the service's protocol."""
        ...

    def identity_error(self, expired: bool) -> ServiceError:
        """The error for an unknown key, or an expired session token."""
        ...

    def throttled(self) -> ServiceError:
        """The service's throttling error."""
        ...

    def unavailable(self) -> ServiceError:
        """The service's 5xx error."""
        ...


class Runtime:
    """Everything a request may need, shared by the handler threads."""

    def __init__(self, config: SandboxConfig, dataset: Dataset) -> None:
        self.config = config
        self.dataset = dataset
        self.keys = Keys(config.seed, dataset.organization)
        self.counters = Counters()
        self.wrong_types = WrongTypes(dataset)
        self.topics = topic_arns(
            (acct.id for acct in dataset.active_accounts), dataset.regions, config.sns_topics
        )
        self.publications = PublicationLog()
        self.stopping = threading.Event()
        self._released = threading.Event()  # set when the hangs in progress may end
        self._lock = threading.Lock()
        self._faults = Faults()
        self._rng = random.Random()
        self.delegated_admin = (
            dataset.organization.resolve(config.delegated_admin) if config.delegated_admin else None
        )
        self._opted_in = {
            (dataset.organization.resolve(account), region) for account, region in config.opted_in
        }
        self.set_faults(config.faults)

    @property
    def faults(self) -> Faults:
        """The faults in force (account sets hold account ids)."""
        return self._faults

    def set_faults(self, faults: Faults) -> None:
        """Put ``faults`` in force from the next request on; account names become ids and
        topic names become ARNs."""
        resolve = self.dataset.organization.resolve
        changes: dict[str, Any] = {
            name: frozenset(resolve(ref) for ref in getattr(faults, name))
            for name in _ACCOUNT_FAULTS
        }
        changes["sns_fail_topics"] = resolve_topics(faults.sns_fail_topics, self.topics)
        resolved = dataclasses.replace(faults, **changes)
        with self._lock:
            self._faults = resolved
            self._rng = random.Random(faults.seed)
        self._release()

    def stop(self) -> None:
        """The server is stopping: every request that hangs drops its connection."""
        self.stopping.set()
        self._release()

    def _release(self) -> None:
        with self._lock:
            released, self._released = self._released, threading.Event()
        released.set()

    def roll(self, rate: float) -> bool:
        """True with probability ``rate``, from the fault generator."""
        if rate <= 0.0:
            return False
        with self._lock:
            return self._rng.random() < rate

    def fault(self, kind: str, count: int = 1) -> None:
        """Count a fault that is being injected (``count`` times at once)."""
        self.counters.fault(kind, count)

    def hang(self) -> None:
        """Block until the server stops (then drop the connection) or faults are put in
        force again (then go on: the request is answered as they say)."""
        self.fault("hang")
        with self._lock:
            released = self._released
        if not self.stopping.is_set():  # stop() sets it before it releases
            released.wait()
        if self.stopping.is_set():
            raise Hangup

    def sleep(self, seconds: float) -> None:
        """Wait ``seconds``, or drop the connection if the server stops meanwhile."""
        if self.stopping.wait(seconds):
            raise Hangup

    def opt_in_region(self, region: str) -> bool:
        """Whether ``region`` is one an account must enable (it holds no data)."""
        return region in self.config.disabled_regions and region not in self.dataset.regions

    def region_enabled(self, account_id: str, region: str) -> bool:
        """Whether ``account_id`` may call ``region``: not an opt-in region, or one it enabled."""
        return not self.opt_in_region(region) or (account_id, region) in self._opted_in

    def monitors_organization(self, account_id: str) -> bool:
        """Whether the account may read the organization: management or delegated admin."""
        return account_id in (self.dataset.management_account_id, self.delegated_admin)
