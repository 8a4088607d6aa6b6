"""The allocator is tuned at start-up where glibc is the allocator, and left alone elsewhere."""

from __future__ import annotations

import ctypes
import subprocess
import sys

import pytest

from backupctl.cli.allocator import tune_allocator


def _glibc() -> bool:
    try:
        ctypes.CDLL(None).gnu_get_libc_version  # noqa: B018
    except (OSError, AttributeError):
        return False
    return sys.platform.startswith("linux")


@pytest.mark.skipif(not _glibc(), reason="glibc only")
def test_glibc_takes_the_fixed_threshold_and_the_arena_limit() -> None:
    # In a process of its own: the test runner's allocator is left as it was.
    code = "from backupctl.cli.allocator import tune_allocator; print(tune_allocator())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"


def test_elsewhere_nothing_is_changed() -> None:
    assert tune_allocator(platform="darwin") is False
