"""``--query`` and ``-o text`` in real shell pipelines: the installed script, its stdout
piped into grep, awk, cut, sort and wc, against the session's sandbox over HTTP; each
answer is checked against the plain JSON of the same run (issue 14)."""

from __future__ import annotations

import json
import shlex
import subprocess
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from backupctl.domain.job import FIELDS
from backupctl.sandbox import Sandbox
from tests.cli.test_streams import BACKUPCTL, clean_env

# A fixed start, so that every run of the module reads the same window.
SINCE = (datetime.now(UTC) - timedelta(days=29)).strftime("%Y-%m-%dT%H:%M:%SZ")
EVERY_JOB = f"--account all --region us-east-1,eu-west-1 --since {SINCE}"
FAILED = "[?state==`FAILED`]"


def shell(sandbox: Sandbox, pipeline: str) -> str:
    """``pipeline`` in bash (``backupctl`` is the installed script), with ``pipefail``."""
    done = subprocess.run(
        ["bash", "-o", "pipefail", "-c", pipeline.replace("backupctl", shlex.quote(BACKUPCTL))],
        capture_output=True,
        text=True,
        env=clean_env(**sandbox.env()),
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    return done.stdout


@pytest.fixture(scope="module")
def every_job(sandbox: Sandbox) -> list[dict[str, Any]]:
    jobs: list[dict[str, Any]] = json.loads(
        shell(sandbox, f"backupctl jobs list {EVERY_JOB} -o json")
    )
    assert any(job["state"] == "FAILED" for job in jobs)
    return jobs


def test_json_query_of_failed_job_ids(sandbox: Sandbox, every_job: list[dict[str, Any]]) -> None:
    out = shell(
        sandbox,
        f"backupctl jobs list {EVERY_JOB} -o json --query '{FAILED}.job_id'"
        " | tr -d ' \",[]' | grep -v '^$'",
    )
    assert out.splitlines() == [job["job_id"] for job in every_job if job["state"] == "FAILED"]


def test_text_fields_through_awk(sandbox: Sandbox, every_job: list[dict[str, Any]]) -> None:
    out = shell(
        sandbox,
        f"backupctl jobs list {EVERY_JOB} -o text --fields job_id,state,account_id"
        " | awk -F'\\t' '$2 == \"FAILED\" { print $3 }' | sort | uniq -c | awk '{print $2, $1}'",
    )
    counts: dict[str, int] = {}
    for job in every_job:
        if job["state"] == "FAILED":
            counts[job["account_id"]] = counts.get(job["account_id"], 0) + 1
    assert out == "".join(f"{account} {n}\n" for account, n in sorted(counts.items()))


def test_text_query_through_cut(sandbox: Sandbox, every_job: list[dict[str, Any]]) -> None:
    out = shell(
        sandbox,
        f"backupctl jobs list {EVERY_JOB} -o text --query '{FAILED}.[job_id, region]'"
        " | cut -f2 | sort | uniq -c | awk '{print $2, $1}'",
    )
    regions = [job["region"] for job in every_job if job["state"] == "FAILED"]
    assert out == "".join(f"{r} {regions.count(r)}\n" for r in sorted(set(regions)))


def test_every_text_line_has_every_field(sandbox: Sandbox, every_job: list[dict[str, Any]]) -> None:
    """Messages hold tabs, line breaks and escapes (the sandbox's hostile strings): none
    splits a field or a line."""
    out = shell(
        sandbox,
        f"backupctl jobs list {EVERY_JOB} -o text --header | awk -F'\\t' '{{print NF}}'"
        " | sort | uniq -c | awk '{print $2, $1}'",
    )
    assert out == f"{len(FIELDS)} {len(every_job) + 1}\n"
    header = shell(sandbox, f"backupctl jobs list {EVERY_JOB} -o text --header | head -1")
    assert header == "\t".join(FIELDS) + "\n"


def test_ndjson_query_applies_to_each_record(
    sandbox: Sandbox, every_job: list[dict[str, Any]]
) -> None:
    out = shell(
        sandbox,
        f"backupctl jobs list {EVERY_JOB} -o ndjson --query "
        "'state == `FAILED` && {id: job_id, at: created_at} || null' | sort",
    )
    failed = [job for job in every_job if job["state"] == "FAILED"]
    expected = sorted(
        json.dumps({"id": j["job_id"], "at": j["created_at"]}, separators=(",", ":"))
        for j in failed
    )
    assert out.splitlines() == expected


def test_report_json_query(sandbox: Sandbox, every_job: list[dict[str, Any]]) -> None:
    out = shell(
        sandbox,
        f"backupctl report failures {EVERY_JOB} --no-issues -o json"
        " --query 'problems[?kind==`backup`].job_id' | tr -d ' \",[]' | grep -v '^$' | sort"
        " || test $? -eq 1",
    )
    problems = {"FAILED", "ABORTED", "EXPIRED", "PARTIAL"}
    expected = sorted(
        j["job_id"] for j in every_job if j["kind"] == "backup" and j["state"] in problems
    )
    assert out.splitlines() == expected


def test_accounts_as_text(sandbox: Sandbox) -> None:
    out = shell(sandbox, "backupctl accounts list --account all -o text | cut -f1,3 | sort")
    expected = sorted(f"{a.id}\t{a.status}" for a in sandbox.dataset.organization.accounts)
    assert out.splitlines() == expected
