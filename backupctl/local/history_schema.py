"""The history store's schema (documented in the README): jobs, day counts, sync marks.

``jobs`` has the job record's fields in the record's order, keyed by (kind, job id): job
ids are unique per kind. Times are integers, microseconds since 1970-01-01 UTC: exact
(the record's own precision), compact, and compared as numbers. ``day_counts`` is kept
by triggers in the very transaction that changes ``jobs``, so it always equals counting
the jobs by UTC day of creation, whoever writes (a sync, or a person pruning with the
sqlite3 shell). ``syncs`` holds a mark per listing a sync finished, ``accounts`` the
names Organizations gave the accounts synced.

``PRAGMA application_id`` says the file is a backupctl history store and
``PRAGMA user_version`` which schema it has; ``local.history_store`` refuses any other.
"""

from __future__ import annotations

from backupctl.domain.history import FINAL_STATES

APPLICATION_ID = 0x42435448  # "BCTH": a backupctl history store
SCHEMA_VERSION = 1
DAY_MICROSECONDS = 86_400_000_000

# A job that can still change; the partial index below holds exactly these.
OPEN = "(state IS NULL OR state NOT IN ({}))".format(
    ", ".join(f"'{state}'" for state in sorted(FINAL_STATES))
)

# "Completed with issues", as domain.job.completed_with_issues says it, for the triggers.
_ISSUES = (
    "({row}.state = 'COMPLETED' AND {row}.message_category IS NOT NULL"
    " AND upper({row}.message_category) <> 'SUCCESS')"
)
_KEY_COLUMNS = (
    "{row}.created_at / " + str(DAY_MICROSECONDS),
    "{row}.kind",
    "coalesce({row}.account_id, '')",
    "{row}.region",
    "coalesce({row}.resource_type, '')",
    "coalesce({row}.state, '')",
    _ISSUES,
)
_KEY_NAMES = "day, kind, account_id, region, resource_type, state, with_issues"


def _key(row: str) -> str:
    return ", ".join(column.format(row=row) for column in _KEY_COLUMNS)


_COUNT_UP = f"""
    INSERT INTO day_counts ({_KEY_NAMES}, jobs) VALUES ({_key("new")}, 1)
    ON CONFLICT DO UPDATE SET jobs = jobs + 1;"""
_COUNT_DOWN = f"""
    UPDATE day_counts SET jobs = jobs - 1 WHERE ({_KEY_NAMES}) = ({_key("old")});
    DELETE FROM day_counts WHERE ({_KEY_NAMES}) = ({_key("old")}) AND jobs = 0;"""

SCHEMA = f"""
CREATE TABLE jobs (
    kind TEXT NOT NULL,
    job_id TEXT NOT NULL,
    account_id TEXT,
    region TEXT NOT NULL,
    state TEXT,
    status_message TEXT,
    message_category TEXT,
    resource_type TEXT,
    resource_arn TEXT,
    resource_name TEXT,
    vault_name TEXT,
    vault_arn TEXT,
    destination_vault_arn TEXT,
    recovery_point_arn TEXT,
    destination_recovery_point_arn TEXT,
    created_resource_arn TEXT,
    created_at INTEGER,
    completed_at INTEGER,
    percent_done REAL,
    backup_size_bytes INTEGER,
    bytes_transferred INTEGER,
    iam_role_arn TEXT,
    backup_plan_id TEXT,
    backup_plan_arn TEXT,
    backup_rule_id TEXT,
    parent_job_id TEXT,
    is_parent INTEGER,
    PRIMARY KEY (kind, job_id)
);
CREATE INDEX jobs_by_created ON jobs (created_at);
CREATE INDEX jobs_by_state ON jobs (state, created_at);
CREATE INDEX jobs_by_account ON jobs (account_id, region, created_at);
CREATE INDEX jobs_by_resource_arn ON jobs (resource_arn, created_at);
CREATE INDEX jobs_by_resource_type ON jobs (resource_type, created_at);
CREATE INDEX jobs_by_vault ON jobs (vault_name, created_at);
CREATE INDEX jobs_open ON jobs (region, kind, created_at) WHERE {OPEN};

CREATE TABLE day_counts (
    day INTEGER NOT NULL,
    kind TEXT NOT NULL,
    account_id TEXT NOT NULL,
    region TEXT NOT NULL,
    resource_type TEXT NOT NULL,
    state TEXT NOT NULL,
    with_issues INTEGER NOT NULL,
    jobs INTEGER NOT NULL,
    PRIMARY KEY ({_KEY_NAMES})
) WITHOUT ROWID;

CREATE TRIGGER day_counts_insert AFTER INSERT ON jobs WHEN new.created_at IS NOT NULL
BEGIN {_COUNT_UP}
END;
CREATE TRIGGER day_counts_delete AFTER DELETE ON jobs WHEN old.created_at IS NOT NULL
BEGIN {_COUNT_DOWN}
END;
CREATE TRIGGER day_counts_update_old
AFTER UPDATE OF created_at, kind, account_id, region, resource_type, state, message_category
ON jobs WHEN old.created_at IS NOT NULL AND ({_key("old")}) IS NOT ({_key("new")})
BEGIN {_COUNT_DOWN}
END;
CREATE TRIGGER day_counts_update_new
AFTER UPDATE OF created_at, kind, account_id, region, resource_type, state, message_category
ON jobs WHEN new.created_at IS NOT NULL AND ({_key("old")}) IS NOT ({_key("new")})
BEGIN {_COUNT_UP}
END;

CREATE TABLE syncs (
    account_id TEXT NOT NULL,
    region TEXT NOT NULL,
    kind TEXT NOT NULL,
    high_water INTEGER,
    covered_from INTEGER NOT NULL,
    synced_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, region, kind)
);

CREATE TABLE accounts (
    account_id TEXT PRIMARY KEY,
    name TEXT NOT NULL
);
"""
