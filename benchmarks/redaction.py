"""Redaction benchmark: what searching a page of NDJSON for every known secret costs.

Every write to stdout is searched for every secret the process knows (two per assumed
account). This reads 1000 jobs from the sandbox (hostile strings and all) through the
Python API, writes them as one NDJSON page as ``jobs list`` does, and times that write
against ``Secrets.redact`` of the page's text, with as many secrets as 100 and 1,000
assumed accounts bring: AWS-like secret keys (40 characters) and session tokens (about
800, sharing their first 48, as AWS's do).

Run:  .venv/bin/python benchmarks/redaction.py
"""

from __future__ import annotations

import base64
import io
import os
import secrets
import timeit
from collections.abc import Callable

import backupctl
from backupctl.domain.secrets import Secrets
from backupctl.output.families import JOBS
from backupctl.output.ndjson import NdjsonWriter
from backupctl.sandbox import Sandbox, SandboxConfig

TOKEN_START = "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJH"


def registry(accounts: int) -> Secrets:
    """The secrets of a run over ``accounts`` assumed accounts, and an external id."""
    known = Secrets()
    for _ in range(accounts):
        known.add(base64.b64encode(secrets.token_bytes(30)).decode())
        known.add(TOKEN_START + base64.b64encode(secrets.token_bytes(560)).decode())
    known.add("tenant,SecretPart-9911")
    return known


def paired_ms(first: Callable[[], object], second: Callable[[], object]) -> tuple[float, float]:
    """Each call's time (ms), taken in turns, the fastest of 15 runs of 5 calls each:
    the machine is shared, and its load changes from one second to the next."""
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(15):
        for call, kept in zip((first, second), times, strict=True):
            kept.append(timeit.timeit(call, number=5) / 5 * 1000)
    return min(times[0]), min(times[1])


def main() -> None:
    with Sandbox(SandboxConfig(members=2, jobs_per_region=500)) as server:
        os.environ.update(server.env())
        jobs = list(backupctl.jobs(accounts=["all"], regions=server.dataset.regions))[:1000]
    page = io.StringIO()
    NdjsonWriter(page, JOBS).write(jobs)
    text = page.getvalue()
    print(f"a page of {len(jobs)} jobs: {len(text.encode()) / 1e6:.2f} MB")
    for accounts in (100, 1000):
        known = registry(accounts)
        write, redact = paired_ms(
            lambda: NdjsonWriter(io.StringIO(), JOBS).write(jobs),
            lambda: known.redact(text),  # noqa: B023 (called here, at once)
        )
        print(
            f"{accounts:>5} accounts: write {write:.1f} ms, redact {redact:.1f} ms "
            f"({redact / write:.0%} of the write)"
        )


if __name__ == "__main__":
    main()
