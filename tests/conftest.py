"""Fixtures every test package shares: the sandbox, over real HTTP on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from backupctl.sandbox import Sandbox, SandboxConfig
from tests.receiver import Receiver

SandboxFactory = Callable[..., Sandbox]


@pytest.fixture(scope="session")
def sandbox() -> Iterator[Sandbox]:
    """The default organization, shared by the whole session: never set faults on it."""
    with Sandbox(SandboxConfig()) as server:
        yield server


@pytest.fixture
def sandbox_factory() -> Iterator[SandboxFactory]:
    """``sandbox_factory(members=2, faults=Faults(...))``: a started Sandbox of that
    SandboxConfig, stopped at teardown."""
    started: list[Sandbox] = []

    def start(config: SandboxConfig | None = None, **fields: Any) -> Sandbox:
        server = Sandbox(config or SandboxConfig(**fields))
        started.append(server.start())
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A real HTTP receiver on 127.0.0.1 that records what arrives (``tests/receiver.py``)."""
    with Receiver() as server:
        yield server


_LEAKY = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_BACKUP",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_RETRY_MODE",
    "AWS_MAX_ATTEMPTS",
    "BACKUPCTL_OUTPUT",
    "BACKUPCTL_SANDBOX",
    # Notifications go through the environment's proxy, as botocore's calls do.
    *("HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy"),
)


@pytest.fixture(autouse=True)
def _no_local_aws_config(monkeypatch: pytest.MonkeyPatch) -> None:
    """The developer's own AWS settings must not leak into a test."""
    for name in _LEAKY:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/backupctl-tests/config")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/backupctl-tests/credentials")
    monkeypatch.setenv("XDG_CONFIG_HOME", "/nonexistent/backupctl-tests/config-home")
