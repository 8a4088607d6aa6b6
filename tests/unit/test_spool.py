"""The spool: newest-first order survives spilling to disk and folding the runs."""

from __future__ import annotations

import random
from datetime import timedelta

from backupctl.domain.job import newest_first
from backupctl.local.spool import SortedSpool
from tests.output.factory import NOW, make_job


def test_spilled_runs_merge_in_order() -> None:
    jobs = [
        make_job(
            job_id=f"{i:04d}", created_at=None if i % 7 == 0 else NOW - timedelta(minutes=i % 50)
        )
        for i in range(500)
    ]
    random.Random(4).shuffle(jobs)
    spool: SortedSpool[str] = SortedSpool(run_bytes=16 * 4, max_runs=4)  # many runs, folded
    for job in jobs:
        spool.add(newest_first(job), job.job_id, len(job.job_id))
    assert list(spool.drain()) == [job.job_id for job in sorted(jobs, key=newest_first)]
    assert list(spool.drain()) == []


def test_sort_key_is_newest_first_then_undated() -> None:
    newest = make_job(created_at=NOW + timedelta(microseconds=1))
    older = make_job(created_at=NOW)
    undated = make_job(created_at=None)
    assert sorted([undated, older, newest], key=newest_first) == [newest, older, undated]
