"""Memory benchmark: peak RSS of backupctl over large organizations, in every output format.

The sandbox runs in its own process with records as large as AWS's (``--large-records``:
status messages thousands of characters long, names and ARNs near their limits), serving
as fast as it can (``--latency 0``) or at 40 ms a call. Scenarios (``--scenario``):

  long   10 members x 2 regions, 32,000 jobs per account and region: long listings
  wide   200 members x 2 regions, 1,500 jobs per account and region: many short ones
  M:J    M members, J jobs per account and region

both near 600,000 jobs (the sandbox suspends two members; the management account has jobs
too: 9 and 199 accounts are read). backupctl reads every account in assume-role mode
(``--account all --role OrganizationAccountAccessRole --region us-east-1,eu-west-1``) and
prints, in each format (``--formats``): ``ndjson``, ``json``, ``csv``, ``table``
(``COLUMNS=200``) and ``report`` (``report failures -o json --since 30d``), to a file. The
benchmark prints one JSON line per run: peak RSS of the backupctl process (measured by a
launcher, so it is the child's own), wall and CPU time, and the check that every job was
printed once: the distinct job ids printed (for the table, its rows), the records printed,
and the sandbox's jobs, read beforehand by ``minimal_client.py`` in the org view
(``ByAccountId=*``), whose own run is printed as format ``minimal``. For ``report``: the
jobs the report says it read, and its problems against the problems among the sandbox's
jobs of its window. One line per sandbox says how long generating its jobs took
(``--warm``) and its peak RSS. A run whose check fails makes the benchmark exit 1, after
the other runs.

Run:  .venv/bin/python benchmarks/memory.py [--scenario long,wide] [--latency 0,0.04]
                                           [--formats ndjson,json,csv,table,report]
"""

from __future__ import annotations

import argparse
import bisect
import csv
import json
import re
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import REGIONS, ROLE, SandboxProcess, backupctl, minimal_client, run, start_sandbox

SCENARIOS = {"long": (10, 32_000), "wide": (200, 1_500)}
FORMATS = ("ndjson", "json", "csv", "table", "report")
PROBLEM_STATES = frozenset({"FAILED", "ABORTED", "EXPIRED", "PARTIAL"})
TABLE_COLUMNS = "200"
# A job id in the table: GUID-shaped, a column of its own (two spaces either side).
_TABLE_ID = re.compile(r"(?<=  )[0-9A-Fa-f]{8}(?:-[0-9A-Fa-f]{4}){3}-[0-9A-Fa-f]{12}(?=  )")
_JSON_ID = re.compile(rb'^\s*"job_id": (".*"),?$')
_REPORT_HEAD = re.compile(rb'^\s*"(jobs_seen|since)": (\d+|".*"),?$')
_CAPTION = re.compile(r"^([\d,]+) jobs?\b")


@dataclass
class Truth:
    """The sandbox's jobs, as read by the minimal client: ids, creation times and problems."""

    ids: set[str] = field(default_factory=set)
    created: list[str] = field(default_factory=list)  # RFC 3339, sorted: they sort as times
    problems: dict[str, str] = field(default_factory=dict)  # job id -> creation time

    def since(self, moment: str) -> tuple[int, set[str]]:
        """The jobs created at ``moment`` or later, and the problems among them."""
        jobs = len(self.created) - bisect.bisect_left(self.created, moment)
        return jobs, {job_id for job_id, created in self.problems.items() if created >= moment}


def _problem(record: dict[str, Any]) -> bool:
    """What ``report failures`` reports: a problem state, or completed with issues."""
    state, category = record["state"], record["message_category"]
    if state in PROBLEM_STATES:
        return True
    return state == "COMPLETED" and category is not None and category.upper() != "SUCCESS"


def _truth(path: Path) -> Truth:
    truth = Truth()
    with path.open("rb") as lines:
        for line in lines:
            record = json.loads(line)
            job_id, created = record["job_id"], record["created_at"] or ""
            truth.ids.add(job_id)
            truth.created.append(created)
            if _problem(record):
                truth.problems[job_id] = created
    truth.created.sort()
    return truth


def _ndjson_ids(path: Path) -> Iterator[str]:
    with path.open("rb") as lines:
        for line in lines:
            yield json.loads(line)["job_id"]


def _json_ids(path: Path) -> Iterator[str]:
    """The ``job_id`` of every record of pretty-printed JSON, a line at a time (a string
    holds no raw line break)."""
    with path.open("rb") as lines:
        for line in lines:
            found = _JSON_ID.match(line)
            if found:
                yield json.loads(found.group(1))


def _csv_ids(path: Path) -> Iterator[str]:
    with path.open(newline="", encoding="utf-8") as text:
        rows = csv.reader(text)
        column = next(rows).index("job_id")
        for row in rows:
            yield row[column]


def _table_ids(path: Path, counted: dict[str, int]) -> Iterator[str]:
    """One id for each row of the table (the GUID nearest the header's ``job id``)."""
    with path.open(encoding="utf-8") as text:
        header = next(text)
        at = header.index("job id")
        for line in text:
            found = _CAPTION.match(line.strip())
            if found:
                counted["caption"] = int(found.group(1).replace(",", ""))
                continue
            ids = list(_TABLE_ID.finditer(line))
            if ids:
                yield min(ids, key=lambda m: abs(m.start() - at)).group()
            elif line.strip():
                counted["other_lines"] = counted.get("other_lines", 0) + 1


def _ids(fmt: str, path: Path, counted: dict[str, int]) -> Iterator[str]:
    if fmt == "ndjson":
        return _ndjson_ids(path)
    if fmt in ("json", "report"):
        return _json_ids(path)
    if fmt == "csv":
        return _csv_ids(path)
    return _table_ids(path, counted)


def _checked(fmt: str, path: Path, truth: Truth) -> dict[str, Any]:
    """What the run printed against what the sandbox holds: every job once. The report's
    jobs are those of its window, which starts 30 days before it ran."""
    counted: dict[str, int] = {}
    printed: set[str] = set()
    records = 0
    for job_id in _ids(fmt, path, counted):
        records += 1
        printed.add(job_id)
    check: dict[str, Any] = {"records": records, "distinct_ids": len(printed)}
    expected = truth.ids
    ok = True
    if fmt == "report":
        seen, since = _report_head(path)
        jobs, expected = truth.since(since)
        check |= {"jobs_seen": seen, "sandbox_jobs_in_window": jobs}
        ok = seen == jobs
    check |= counted | {"expected": len(expected)}
    check["ok"] = ok and records == len(printed) and printed == expected
    return check


def _report_head(path: Path) -> tuple[int, str]:
    """The report's ``jobs_seen`` and the start of its window."""
    head: dict[str, Any] = {}
    with path.open("rb") as lines:
        for line in lines:
            found = _REPORT_HEAD.match(line)
            if found:
                head[found.group(1).decode()] = json.loads(found.group(2))
            if len(head) == 2:
                return int(head["jobs_seen"]), str(head["since"])
    raise SystemExit(f"no jobs_seen or since in the report: {path}")


def _argv(fmt: str) -> list[str]:
    where = ["--account", "all", "--role", ROLE, "--region", ",".join(REGIONS)]
    if fmt == "report":
        return backupctl("report", "failures", "-o", "json", "--since", "30d", *where)
    return backupctl("jobs", "list", "-o", fmt, *where)


def _emit(line: dict[str, Any]) -> None:
    print(json.dumps(line), flush=True)


def bench_sandbox(name: str, members: int, jobs: int, latency: float, formats: list[str]) -> bool:
    """Start one sandbox, read its jobs with the minimal client, then run each format;
    whether every run printed every job once."""
    sandbox: SandboxProcess = start_sandbox(members, jobs, latency, "--large-records")
    where = {"scenario": name, "latency_s": latency}
    ok = True
    try:
        ready = {"sandbox_ready_s": round(sandbox.ready_s, 1)}
        _emit(where | ready | {"sandbox_peak_rss_mib": sandbox.peak_rss_mib()})
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp, "out")
            regions = ",".join(REGIONS)
            reading = run(sandbox, minimal_client("--mode", "org-view", "--region", regions), path)
            truth = _truth(path)
            _emit(where | {"format": "minimal", "jobs": len(truth.ids)} | asdict(reading))
            for fmt in formats:
                env = {"COLUMNS": TABLE_COLUMNS} if fmt == "table" else {}
                # report failures exits 1 when it found problems.
                codes = (0, 1) if fmt == "report" else (0,)
                measured = run(sandbox, _argv(fmt), path, env, codes)
                check = _checked(fmt, path, truth)
                ok = ok and check["ok"]
                size = {"output_mib": round(path.stat().st_size / 2**20)}
                line = where | {"format": fmt, "jobs": len(truth.ids)} | asdict(measured)
                _emit(line | size | {"check": check})
        _emit(where | {"sandbox_peak_rss_mib": sandbox.peak_rss_mib()})
    finally:
        sandbox.stop()
    return ok


def _scenario(name: str) -> tuple[int, int]:
    if name in SCENARIOS:
        return SCENARIOS[name]
    members, _, jobs = name.partition(":")
    return int(members), int(jobs)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scenario", default="long,wide", help="long, wide or MEMBERS:JOBS")
    parser.add_argument("--latency", default="0,0.04", help="seconds a call; a comma list")
    parser.add_argument("--formats", default=",".join(FORMATS))
    options = parser.parse_args()
    formats = options.formats.split(",")
    unknown = set(formats) - set(FORMATS)
    if unknown:
        parser.error(f"unknown formats: {', '.join(sorted(unknown))}")
    ok = True
    for name in options.scenario.split(","):
        members, jobs = _scenario(name)
        for latency in (float(value) for value in options.latency.split(",")):
            ok = bench_sandbox(name, members, jobs, latency, formats) and ok
    if not ok:
        raise SystemExit("some run did not print every job once: see its check")


if __name__ == "__main__":
    main()
