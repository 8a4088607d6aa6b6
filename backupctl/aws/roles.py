"""Assume a role in each target account, once per account, with credentials that refresh.

A listing may outlive the role's credentials; botocore's ``RefreshableCredentials``
renews them before they expire, under its own lock, so concurrent workers of one
account trigger one AssumeRole, not one each.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from botocore.credentials import RefreshableCredentials

from backupctl.aws.errors import translate
from backupctl.aws.settings import SESSION_NAME
from backupctl.errors import BackupctlError
from backupctl.targets import role_arn_template

ROLE_DURATION_SECONDS = 3600


class _RoleCredentials(RefreshableCredentials):
    """Refresh windows scaled to the credentials' lifetime.

    botocore renews 15 minutes before expiry, which suits the one-hour default but
    would renew on every call for credentials that live only minutes.
    """

    def __init__(self, metadata: dict[str, Any], refresh: Callable[[], dict[str, Any]]) -> None:
        super().__init__(
            metadata["access_key"],
            metadata["secret_key"],
            metadata["token"],
            _parse_expiry(metadata["expiry_time"]),
            refresh,
            "assume-role",
        )
        lifetime = (_parse_expiry(metadata["expiry_time"]) - datetime.now(UTC)).total_seconds()
        self._advisory_refresh_timeout = min(15 * 60, max(lifetime / 4, 0.5))
        self._mandatory_refresh_timeout = min(10 * 60, max(lifetime / 8, 0.25))


def _parse_expiry(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


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
        self._external_id = external_id
        self._sts_client = sts_client
        self._session_name = session_name
        self._lock = threading.Lock()
        self._account_locks: dict[str, threading.Lock] = {}
        self._credentials: dict[str, _RoleCredentials] = {}
        self.assumed = 0

    def role_arn(self, account_id: str) -> str:
        """The role ARN for one account."""
        return self.template.replace("{account}", account_id)

    def credentials(self, account_id: str) -> _RoleCredentials:
        """The account's credentials; the role is assumed on first use, once per account."""
        with self._lock:
            lock = self._account_locks.setdefault(account_id, threading.Lock())
        with lock:
            cached = self._credentials.get(account_id)
            if cached is None:
                fetch = self._fetcher(account_id)
                cached = _RoleCredentials(fetch(), fetch)
                self._credentials[account_id] = cached
            return cached

    def _fetcher(self, account_id: str) -> Callable[[], dict[str, Any]]:
        arn = self.role_arn(account_id)

        def fetch() -> dict[str, Any]:
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
            return {
                "access_key": creds["AccessKeyId"],
                "secret_key": creds["SecretAccessKey"],
                "token": creds["SessionToken"],
                "expiry_time": creds["Expiration"].astimezone(UTC).isoformat(),
            }

        return fetch
