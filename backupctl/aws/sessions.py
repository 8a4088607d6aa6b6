"""Sessions and clients: one botocore session per account, one client per (account, region).

boto3/botocore sessions are not thread-safe, so every session and client is made
under one lock; the clients themselves are thread-safe and are shared by the
fan-out's workers. Sessions share one data loader, so the Backup service model
is read from disk once, not once per account. An account's session starts from a
copy of the caller's session's event handlers instead of registering botocore's
builtin handlers again (most of what a new session costs, 100 accounts over).
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable
from typing import Any

from botocore.credentials import CredentialProvider, CredentialResolver, Credentials
from botocore.exceptions import NoRegionError
from botocore.hooks import HierarchicalEmitter
from botocore.session import Session

from backupctl.aws.errors import translate
from backupctl.aws.fastparse import FastParserFactory
from backupctl.aws.roles import RoleAssumer
from backupctl.aws.settings import AwsSettings
from backupctl.errors import BackupctlError


class _FixedProvider(CredentialProvider):
    """Hands a session the credentials backupctl chose (an assumed role's, the sandbox's)."""

    METHOD = "backupctl"
    CANONICAL_NAME = "backupctl"

    def __init__(self, credentials: Credentials) -> None:
        super().__init__()
        self._credentials = credentials

    def load(self) -> Credentials:
        return self._credentials


class Connector:
    """Makes and caches the clients every command uses."""

    def __init__(
        self, settings: AwsSettings, role: str | None = None, external_id: str | None = None
    ):
        self.settings = settings
        self._lock = threading.Lock()
        self._config = settings.client_config()
        # The caller's session registers botocore's builtin handlers here, once.
        self._handlers = HierarchicalEmitter()
        try:
            self._base = self._caller_session()
        except Exception as exc:
            raise translate(exc) from exc
        self._loader = self._base.get_component("data_loader")
        self._sessions: dict[str, Session] = {}
        self._clients: dict[tuple[str | None, str, str], Any] = {}
        self.roles = RoleAssumer(role, external_id, self._sts_client) if role is not None else None

    def _caller_session(self) -> Session:
        session = Session(profile=self.settings.profile, event_hooks=self._handlers)
        session.register_component("response_parser_factory", FastParserFactory())
        if self.settings.access_key_id and self.settings.secret_access_key:
            credentials = Credentials(self.settings.access_key_id, self.settings.secret_access_key)
            resolver = session.get_component("credential_provider")
            resolver.insert_before("env", _FixedProvider(credentials))
        return session

    def _account_session(self, credentials: Credentials) -> Session:
        # Called under self._lock: nothing registers on self._handlers while it is copied.
        session = Session(
            profile=self.settings.profile,
            event_hooks=copy.copy(self._handlers),
            include_builtin_handlers=False,
        )
        session.register_component("response_parser_factory", FastParserFactory())
        session.register_component("data_loader", self._loader)
        # The role's credentials are the only ones this session may use, so the default
        # chain (environment, profile, SSO, container, instance metadata) is not built.
        session.register_component(
            "credential_provider", CredentialResolver([_FixedProvider(credentials)])
        )
        return session

    @property
    def default_region(self) -> str | None:
        """The profile's or the environment's region."""
        return self.settings.region or self._base.get_config_variable("region")

    def client(self, service: str, region: str | None = None, account_id: str | None = None) -> Any:
        """A client for ``service`` in ``region``, as ``account_id`` (via the role) or as caller."""
        region = region or self.default_region
        if region is None:
            raise translate(NoRegionError())
        key = (account_id, service, region)
        with self._lock:
            client = self._clients.get(key)
            if client is not None:
                return client
        session = self._session_for(account_id)
        with self._lock:
            client = self._clients.get(key)
            if client is None:
                client = self._create(session, service, region)
                self._clients[key] = client
            return client

    def _create(self, session: Session, service: str, region: str) -> Any:
        try:
            return session.create_client(
                service,
                region_name=region,
                endpoint_url=self.settings.endpoint_url,
                config=self._config,
            )
        except BackupctlError:
            raise
        except Exception as exc:
            raise translate(exc, doing=f"creating a {service} client in {region}") from exc

    def _session_for(self, account_id: str | None) -> Session:
        if account_id is None or self.roles is None:
            return self._base
        with self._lock:
            session = self._sessions.get(account_id)
        if session is not None:
            return session
        # Assumed outside the session lock: other accounts' calls must not wait on this one.
        credentials = self.roles.credentials(account_id)
        with self._lock:
            session = self._sessions.get(account_id)
            if session is None:
                session = self._account_session(credentials)
                self._sessions[account_id] = session
            return session

    def available_regions(self, service: str) -> list[str]:
        """Regions where ``service`` is offered in the caller's partition (botocore's data)."""
        region = self.default_region or "us-east-1"
        partition = self._base.get_partition_for_region(region)
        return sorted(self._base.get_available_regions(service, partition_name=partition))

    def _sts_client(self) -> Any:
        return self.client("sts", self.default_region or "us-east-1")

    def caller_account(self) -> str:
        """The account id the caller's credentials belong to (STS GetCallerIdentity)."""
        try:
            return str(self._sts_client().get_caller_identity()["Account"])
        except BackupctlError:
            raise
        except Exception as exc:
            raise translate(
                exc, doing="finding the caller's account (sts:GetCallerIdentity)"
            ) from exc


ClientFactory = Callable[[str, str | None, str | None], Any]
