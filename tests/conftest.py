"""Fixtures every test package shares: the sandbox, over real HTTP on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from backupctl.sandbox import Sandbox, SandboxConfig

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
