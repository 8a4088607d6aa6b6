"""Assume a role in each target account, once per account, with credentials that renew.

A listing may outlive the role's credentials. ``RoleCredentials`` renews them a
while before they expire, and again at once when the service says a token has
expired early (revoked, clocks apart): under one lock per account, and only if no
other worker renewed them first, so one expiry costs one AssumeRole.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC
from typing import Any

from botocore.credentials import Credentials, ReadOnlyCredentials

from backupctl.aws.errors import translate
from backupctl.aws.settings import SESSION_NAME
from backupctl.domain.errors import BackupctlError
from backupctl.domain.secrets import SECRETS
from backupctl.domain.targets import role_arn_template

ROLE_DURATION_SECONDS = 3600
# (access key id, secret access key, session token, when to renew as epoch seconds)
Fetch = Callable[[], tuple[str, str, str, float]]


class RoleCredentials(Credentials):
    """An assumed role's credentials; botocore's signer asks ``get_frozen_credentials``."""

    def __init__(self, fetch: Fetch) -> None:
        self._fetch = fetch
        self._lock = threading.Lock()
        access_key, secret_key, token, self._renew_at = fetch()
        self.generation = 1
        super().__init__(access_key, secret_key, token, method="assume-role")

    def get_frozen_credentials(self) -> ReadOnlyCredentials:
        with self._lock:
            if time.time() >= self._renew_at:
                self._renew_locked()
            return ReadOnlyCredentials(self.access_key, self.secret_key, self.token)

    def renew(self, seen_generation: int) -> None:
        """Renew now, unless another worker already renewed since ``seen_generation``."""
        with self._lock:
            if self.generation == seen_generation:
                self._renew_locked()

    def _renew_locked(self) -> None:
        self.access_key, self.secret_key, self.token, self._renew_at = self._fetch()
        self.generation += 1


class RoleAssumer:
    """Assumes ``role`` in each account on first use and caches the refreshing credentials."""

    def __init__(
        self,
        role: str,
        external_id: str | None,
        sts_client: Callable[[], Any],
        session_name: str = SESSION_NAME,
    ) -> None:
        self.template = role_arn_template(role)
        SECRETS.add(external_id)  # sent in every AssumeRole form: an echo of one quotes it
        self._external_id = external_id
        self._sts_client = sts_client
        self._session_name = session_name
        self._lock = threading.Lock()
        self._account_locks: dict[str, threading.Lock] = {}
        self._credentials: dict[str, RoleCredentials] = {}
        self.assumed = 0

    def role_arn(self, account_id: str) -> str:
        """The role ARN for one account."""
        return self.template.replace("{account}", account_id)

    def credentials(self, account_id: str) -> RoleCredentials:
        """The account's credentials; the role is assumed on first use, once per account."""
        with self._lock:
            lock = self._account_locks.setdefault(account_id, threading.Lock())
        with lock:
            cached = self._credentials.get(account_id)
            if cached is None:
                cached = RoleCredentials(self._fetcher(account_id))
                self._credentials[account_id] = cached
            return cached

    def generation(self, account_id: str) -> int:
        """How many times the account's credentials were fetched (0: not yet)."""
        cached = self._credentials.get(account_id)
        return cached.generation if cached else 0

    def renew(self, account_id: str, seen_generation: int) -> None:
        """Renew the account's credentials after the service said they expired."""
        cached = self._credentials.get(account_id)
        if cached is not None:
            cached.renew(seen_generation)

    def _fetcher(self, account_id: str) -> Fetch:
        arn = self.role_arn(account_id)

        def fetch() -> tuple[str, str, str, float]:
            params: dict[str, Any] = {
                "RoleArn": arn,
                "RoleSessionName": self._session_name,
                "DurationSeconds": ROLE_DURATION_SECONDS,
            }
            if self._external_id is not None:
                params["ExternalId"] = self._external_id
            try:
                response = self._sts_client().assume_role(**params)
            except BackupctlError:
                raise
            except Exception as exc:
                raise translate(exc, doing=f"assuming {arn}") from exc
            with self._lock:
                self.assumed += 1
            creds = response["Credentials"]
            SECRETS.add(creds["SecretAccessKey"])
            SECRETS.add(creds["SessionToken"])
            expires = creds["Expiration"].astimezone(UTC).timestamp()
            lifetime = max(0.0, expires - time.time())
            # Renew a quarter of the lifetime early, at most 15 minutes (botocore's own window).
            renew_at = expires - min(15 * 60.0, lifetime / 4)
            return creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"], renew_at

        return fetch
