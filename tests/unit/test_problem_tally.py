"""What a report keeps per resource while it counts problems: what a summary shows."""

from __future__ import annotations

from datetime import timedelta

from backupctl.domain.problems import SUMMARY_MESSAGE, ProblemTally
from tests.output.factory import NOW, full_job, make_job


def test_a_group_keeps_its_latest_job_as_a_summary_shows_it() -> None:
    tally = ProblemTally()
    older = full_job()._replace(created_at=NOW - timedelta(days=2))
    latest = full_job()._replace(status_message="x" * 5000, created_at=NOW - timedelta(hours=1))
    tally.add(older, "FAILED")
    tally.add(latest, "FAILED")
    [account] = tally.groups({})
    [group] = account.resources
    kept = group.latest
    assert group.count == 2
    assert (kept.job_id, kept.kind, kept.region, kept.created_at, kept.state) == (
        latest.job_id, latest.kind, latest.region, latest.created_at, latest.state,
    )  # fmt: skip
    assert kept.status_message == "x" * (2 * SUMMARY_MESSAGE)
    assert group.resource_name == latest.resource_name  # kept by the group, not by its job
    assert kept.iam_role_arn is None
    assert kept.vault_arn is None
    assert kept.backup_plan_arn is None


def test_a_short_message_is_kept_whole() -> None:
    tally = ProblemTally()
    tally.add(make_job(state="FAILED", status_message="Access denied"), "FAILED")
    [account] = tally.groups({})
    assert account.resources[0].latest.status_message == "Access denied"
