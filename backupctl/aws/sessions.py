"""Sessions and clients: one client per (service, region), each call signed as its account.

boto3/botocore sessions are not thread-safe, so every session and client is made
under one lock; the clients themselves are thread-safe and are shared by the
fan-out's workers.

In assume-role mode every member account is reached through one client per region,
not one per (account, region): a botocore client costs 3-5 ms of CPU to build (200 of
them were the largest single cost of a 100-account run) and each would open its own
connections to the same regional endpoint. The shared client signs each request with
the credentials of the account its caller named: ``AccountClient`` binds the
account's own refreshing ``RoleCredentials`` to the calling thread for the length of
one call (botocore signs, and re-signs every retry, in the calling thread), and
``_ThreadCredentials`` hands botocore's signer whatever is bound. A request with no
account bound is refused rather than signed as someone else.
"""

from __future__ import annotations

import copy
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from botocore.configprovider import ConfiguredEndpointProvider, ConstantProvider
from botocore.credentials import (
    CredentialProvider,
    CredentialResolver,
    Credentials,
    ReadOnlyCredentials,
)
from botocore.exceptions import NoRegionError, ProfileNotFound
from botocore.hooks import HierarchicalEmitter
from botocore.loaders import Loader
from botocore.session import Session

from backupctl.aws.errors import translate
from backupctl.aws.fastparse import FastParserFactory
from backupctl.aws.roles import RoleAssumer
from backupctl.aws.settings import AwsSettings
from backupctl.domain.errors import BackupctlError, CredentialsError, UsageError
from backupctl.domain.secrets import SECRETS


class _FixedProvider(CredentialProvider):
    """Hands a session the credentials backupctl chose (an assumed role's, the sandbox's)."""

    METHOD = "backupctl"
    CANONICAL_NAME = "backupctl"

    def __init__(self, credentials: Credentials) -> None:
        super().__init__()
        self._credentials = credentials

    def load(self) -> Credentials:
        return self._credentials


class _ThreadCredentials(Credentials):
    """The credentials bound to the calling thread by ``AccountClient``: what the shared
    member-account clients sign with."""

    def __init__(self) -> None:
        super().__init__("", "", method="backupctl-account")
        self._bound = threading.local()

    @contextmanager
    def bound(self, credentials: Credentials) -> Iterator[None]:
        """Sign this thread's requests with ``credentials`` until the block ends."""
        previous = getattr(self._bound, "credentials", None)
        self._bound.credentials = credentials
        try:
            yield
        finally:
            self._bound.credentials = previous

    def get_frozen_credentials(self) -> ReadOnlyCredentials:
        credentials: Credentials | None = getattr(self._bound, "credentials", None)
        if credentials is None:
            # A bug, not a user error: never sign a member account's request as anyone else.
            raise CredentialsError("a member-account request was made with no account bound")
        return credentials.get_frozen_credentials()


class AccountClient:
    """A shared regional client whose every API call is signed with one account's credentials.

    Its API operations (``list_backup_jobs`` and the like) are the client's, called with
    the account bound; anything else (``meta``, ``exceptions``) is the client's own. A
    paginator or waiter would call outside the binding and is refused by the signer.
    """

    def __init__(self, client: Any, credentials: Credentials, signer: _ThreadCredentials) -> None:
        self._client = client
        self._credentials = credentials
        self._signer = signer
        self._operations = frozenset(client.meta.method_to_api_mapping)

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._client, name)
        if name not in self._operations:
            return attribute

        def call(**params: Any) -> Any:
            with self._signer.bound(self._credentials):
                return attribute(**params)

        return call


def _learn_credentials(session: Session) -> None:
    """Know the caller's secret key and token as secrets, once botocore has resolved them."""
    credentials = session.get_credentials()
    if credentials is not None:
        frozen = credentials.get_frozen_credentials()
        SECRETS.add(frozen.secret_key)
        SECRETS.add(frozen.token)


def _learn_token(request: Any, **_: Any) -> None:
    """Know the session token of every request sent (credentials renewed mid-run included):
    an endpoint's error may echo the request."""
    token = request.headers.get("X-Amz-Security-Token")
    SECRETS.add(token.decode() if isinstance(token, bytes) else token)


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
        self._handlers.register("before-send", _learn_token)
        try:
            self._base = self._caller_session()
            # A profile that does not exist is named now, once, in words of its own.
            self._base.get_scoped_config()
        except ProfileNotFound as exc:
            raise UsageError(self._unknown_profile(exc.kwargs.get("profile"))) from None
        except Exception as exc:
            raise translate(exc) from exc
        self._signer = _ThreadCredentials()
        self._members: Session | None = None
        self._clients: dict[tuple[str, str, bool], Any] = {}
        self._account_clients: dict[tuple[str, str, str], AccountClient] = {}
        self.roles = RoleAssumer(role, external_id, self._sts_client) if role is not None else None

    def _session(self, handlers: HierarchicalEmitter, *, builtin: bool = True) -> Session:
        session = Session(
            profile=self.settings.profile,
            event_hooks=handlers,
            include_builtin_handlers=builtin,
        )
        session.register_component("response_parser_factory", FastParserFactory())
        if self.settings.access_key_id:
            # Fixed keys (the sandbox): a profile the shell names (AWS_PROFILE) has nothing
            # to add, and one that does not exist must not stop the run.
            store = session.get_component("config_store")
            store.set_config_provider("profile", ConstantProvider(None))
        return session

    def _unknown_profile(self, name: str | None) -> str:
        """The one line for a profile that is in no AWS config file: which, named where, and
        the files profiles are read from."""
        origin = self.settings.profile_origin
        if self.settings.profile is None:
            origin = "AWS_PROFILE" if os.environ.get("AWS_PROFILE") else "AWS_DEFAULT_PROFILE"
        files = []
        for variable, setting in (
            ("AWS_CONFIG_FILE", "config_file"),
            ("AWS_SHARED_CREDENTIALS_FILE", "credentials_file"),
        ):
            path = self._base.get_config_variable(setting)
            files.append(f"{path} ({variable})" if os.environ.get(variable) else str(path))
        return (
            f"{origin}: no profile {name!r} in {' or '.join(files)}, where the AWS CLI and SDKs "
            "read profiles ('aws configure list-profiles' lists them)"
        )

    def _caller_session(self) -> Session:
        session = self._session(self._handlers)
        if self.settings.access_key_id and self.settings.secret_access_key:
            credentials = Credentials(self.settings.access_key_id, self.settings.secret_access_key)
            resolver = session.get_component("credential_provider")
            resolver.insert_before("env", _FixedProvider(credentials))
        return session

    def _members_session(self) -> Session:
        # Called under self._lock: nothing registers on self._handlers while it is copied.
        if self._members is None:
            session = self._session(copy.copy(self._handlers), builtin=False)
            session.register_component("data_loader", self._base.get_component("data_loader"))
            # Only the bound account's credentials may sign: the default chain
            # (environment, profile, SSO, container, instance metadata) is not built.
            session.register_component(
                "credential_provider", CredentialResolver([_FixedProvider(self._signer)])
            )
            self._members = session
        return self._members

    @property
    def default_region(self) -> str | None:
        """The region of the calls that name none: the one ``--region`` (or the sandbox's),
        else the environment's or the profile's."""
        if self.settings.region:
            return self.settings.region
        configured = self.configured_region()
        return configured[0] if configured else None

    def configured_region(self) -> tuple[str, str] | None:
        """The region the environment or the profile sets, and which of them sets it.

        AWS_REGION comes first, as the AWS CLI and the other SDKs read it; botocore itself
        reads only AWS_DEFAULT_REGION and the profile's ``region``.
        """
        for variable in ("AWS_REGION", "AWS_DEFAULT_REGION"):
            if os.environ.get(variable):
                return os.environ[variable], variable
        region = self._base.get_config_variable("region")
        if not region:
            return None
        return str(region), f"the region of profile {self._base.profile or 'default'!r}"

    def serves_any_region(self, service: str) -> bool:
        """Whether ``service`` is reached at an endpoint of the user's own, which may serve
        region names botocore does not know: AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL or
        the profile's ``endpoint_url``, looked up as ``create_client`` looks them up. The
        built-in sandbox does not count: its regions are real ones."""
        if self.settings.endpoint_url is not None:
            return False
        if self._base.get_config_variable("ignore_configured_endpoint_urls"):
            return False
        configured = ConfiguredEndpointProvider(
            full_config=self._base.full_config,
            scoped_config=self._base.get_scoped_config(),
            client_name=service,
        )
        return configured.provide() is not None

    @property
    def data_loader(self) -> Loader:
        """botocore's loader of service models and endpoint data, shared with the clients
        (each file is read once)."""
        loader: Loader = self._base.get_component("data_loader")
        return loader

    def client(self, service: str, region: str | None = None, account_id: str | None = None) -> Any:
        """A client for ``service`` in ``region``, as ``account_id`` (via the role) or as caller."""
        region = region or self.default_region
        if region is None:
            raise translate(NoRegionError())
        if account_id is None or self.roles is None:
            return self._shared(service, region, members=False)
        key = (account_id, service, region)
        with self._lock:
            cached = self._account_clients.get(key)
        if cached is not None:
            return cached
        # Assumed outside the lock: other accounts' calls must not wait on this one.
        credentials = self.roles.credentials(account_id)
        client = AccountClient(
            self._shared(service, region, members=True), credentials, self._signer
        )
        with self._lock:
            return self._account_clients.setdefault(key, client)

    def _shared(self, service: str, region: str, *, members: bool) -> Any:
        key = (service, region, members)
        with self._lock:
            client = self._clients.get(key)
            if client is None:
                session = self._members_session() if members else self._base
                client = self._create(session, service, region)
                self._clients[key] = client
                if not members:
                    _learn_credentials(session)
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
