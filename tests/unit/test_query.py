"""Options to API parameters: every filter goes to the service's own By* parameter."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from backupctl.domain.errors import UsageError
from backupctl.domain.job import Kind
from backupctl.domain.query import Query, parse_kinds, parse_resource_type, parse_states, parse_when

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("90m", NOW - timedelta(minutes=90)),
        ("24h", NOW - timedelta(hours=24)),
        ("7d", NOW - timedelta(days=7)),
        ("2w", NOW - timedelta(weeks=2)),
        ("2026-11-01", datetime(2026, 11, 1, tzinfo=UTC)),
        ("2026-11-01T06:30:00Z", datetime(2026, 11, 1, 6, 30, tzinfo=UTC)),
        ("2026-11-01T06:30:00+02:00", datetime(2026, 11, 1, 4, 30, tzinfo=UTC)),
        ("now", NOW),
        (" NOW ", NOW),
    ],
)
def test_parse_when(text: str, expected: datetime) -> None:
    assert parse_when(text, NOW) == expected


@pytest.mark.parametrize("text", ["yesterday", "7x", "2026-13-01", "", "-5d"])
def test_parse_when_rejects_with_one_line(text: str) -> None:
    with pytest.raises(UsageError) as info:
        parse_when(text, NOW)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1000-01-01", datetime(1000, 1, 1, tzinfo=UTC)),
        ("20000d", NOW - timedelta(days=20000)),
        ("9999-12-31T23:59:59Z", datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)),
    ],
)
def test_parse_when_accepts_the_edges_of_its_range(text: str, expected: datetime) -> None:
    assert parse_when(text, NOW) == expected


@pytest.mark.parametrize(
    "text", ["99999999999999d", "1000000d", "99999999999999h", "400000d", "0999-12-31"]
)
def test_parse_when_names_a_time_out_of_range(text: str) -> None:
    with pytest.raises(UsageError, match=r"^--until: .* is out of range; times from 1000-01-01"):
        parse_when(text, NOW, option="--until")


def test_states_are_validated_against_the_union() -> None:
    assert parse_states(["failed", "Expired,partial"]) == ("FAILED", "EXPIRED", "PARTIAL")
    with pytest.raises(UsageError, match="unknown state 'BROKEN'"):
        parse_states(["BROKEN"])


def test_a_kind_without_the_state_is_not_queried() -> None:
    listings = Query(states=("EXPIRED",)).listings()
    assert [(x.kind, x.params) for x in listings] == [(Kind.BACKUP, {"ByState": "EXPIRED"})]


def test_restore_state_goes_to_by_status() -> None:
    listings = Query(kinds=(Kind.RESTORE,), states=("FAILED", "ABORTED")).listings()
    assert [x.params for x in listings] == [{"ByStatus": "FAILED"}, {"ByStatus": "ABORTED"}]


def test_filters_go_to_by_parameters() -> None:
    since, until = NOW - timedelta(days=1), NOW
    query = Query(
        since=since,
        until=until,
        resource_type="EC2",
        resource_arn="arn:aws:ec2:us-east-1:111122223333:instance/i-1",
        vault="prod-vault",
    )
    by_kind = {x.kind: x for x in query.listings()}
    common = {"ByCreatedAfter": since, "ByCreatedBefore": until, "ByResourceType": "EC2"}
    arn = {"ByResourceArn": "arn:aws:ec2:us-east-1:111122223333:instance/i-1"}
    assert by_kind[Kind.BACKUP].params == {**common, **arn, "ByBackupVaultName": "prod-vault"}
    assert by_kind[Kind.BACKUP].client_filters == ()
    assert by_kind[Kind.COPY].params == {**common, **arn}
    assert by_kind[Kind.COPY].client_filters == (("vault_name", "prod-vault"),)
    assert by_kind[Kind.RESTORE].params == common
    assert by_kind[Kind.RESTORE].client_filters == (
        ("vault_name", "prod-vault"),
        ("resource_arn", "arn:aws:ec2:us-east-1:111122223333:instance/i-1"),
    )


def test_kinds_and_resource_types() -> None:
    assert parse_kinds([]) == (Kind.BACKUP, Kind.COPY, Kind.RESTORE)
    assert parse_kinds(["COPY", "copy,restore"]) == (Kind.COPY, Kind.RESTORE)
    assert parse_resource_type("dynamodb") == "DynamoDB"
    with pytest.raises(UsageError):
        parse_kinds(["snapshot"])


@pytest.mark.parametrize(
    "kwargs",
    [
        {"since": NOW, "until": NOW - timedelta(days=1)},
        {"limit": 0},
        {"resource_arn": "not-an-arn"},
    ],
)
def test_bad_queries(kwargs: dict[str, object]) -> None:
    with pytest.raises(UsageError):
        Query(**kwargs)  # type: ignore[arg-type]
