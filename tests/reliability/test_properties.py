"""Property-based tests: time parsing, and the normalizer against the service model's shapes.

(CSV round-trips and JSON exactness are properties in tests/output/test_csv.py and
tests/output/test_json.py.)
"""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import botocore
from hypothesis import given, settings
from hypothesis import strategies as st

from backupctl.aws.normalize import normalize
from backupctl.domain.errors import UsageError
from backupctl.domain.job import FIELDS, Kind, as_record
from backupctl.domain.query import parse_when

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
UNITS = {
    "m": timedelta(minutes=1),
    "h": timedelta(hours=1),
    "d": timedelta(days=1),
    "w": timedelta(weeks=1),
}


@given(st.integers(min_value=0, max_value=10_000), st.sampled_from(sorted(UNITS)))
def test_relative_times_count_back_from_now(amount: int, unit: str) -> None:
    assert parse_when(f"{amount}{unit}", NOW) == NOW - amount * UNITS[unit]


@given(st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2200, 1, 1)))
def test_iso_times_round_trip(moment: datetime) -> None:
    moment = moment.replace(microsecond=0)
    assert parse_when(moment.isoformat(), NOW) == moment.replace(tzinfo=UTC)
    offset = moment.replace(tzinfo=UTC).astimezone(datetime.now(UTC).astimezone().tzinfo)
    assert parse_when(offset.isoformat(), NOW) == moment.replace(tzinfo=UTC)


@given(st.text(max_size=30))
def test_any_text_is_a_time_or_one_usage_error(text: str) -> None:
    try:
        parsed = parse_when(text, NOW)
    except UsageError as error:
        assert "\n" not in str(error).replace(repr(text), "")
    else:
        assert parsed.tzinfo is not None


def _model() -> dict[str, Any]:
    root = Path(botocore.__file__).parent / "data" / "backup"
    version = sorted(p.name for p in root.iterdir())[-1]
    with gzip.open(root / version / "service-2.json.gz") as fh:
        model: dict[str, Any] = json.load(fh)
    return model


MODEL = _model()
SHAPES = MODEL["shapes"]
LIST_MEMBERS = {
    Kind.BACKUP: "BackupJob",
    Kind.COPY: "CopyJob",
    Kind.RESTORE: "RestoreJobsListMember",
}


def _value(shape_name: str, depth: int = 0) -> st.SearchStrategy[Any]:
    """Values of a shape as the fast parser leaves them (timestamps as epoch numbers)."""
    shape = SHAPES[shape_name]
    kind = shape["type"]
    if kind == "string":
        return st.sampled_from(shape["enum"]) if "enum" in shape else st.text(max_size=40)
    if kind in ("long", "integer"):
        return st.integers(min_value=0, max_value=2**53)
    if kind == "boolean":
        return st.booleans()
    if kind == "timestamp":
        return st.floats(min_value=0, max_value=4e9, allow_nan=False).map(lambda f: round(f, 3))
    if kind in ("double", "float"):
        return st.floats(allow_nan=False, allow_infinity=False)
    if kind == "map" and depth < 2:
        return st.dictionaries(
            st.text(max_size=10), _value(shape["value"]["shape"], depth + 1), max_size=3
        )
    if kind == "list" and depth < 2:
        return st.lists(_value(shape["member"]["shape"], depth + 1), max_size=3)
    if kind == "structure" and depth < 2:
        return _structure(shape_name, depth + 1)
    return st.none()


def _structure(shape_name: str, depth: int = 0) -> st.SearchStrategy[dict[str, Any]]:
    members = SHAPES[shape_name]["members"]
    return st.fixed_dictionaries(
        {}, optional={name: _value(m["shape"], depth) for name, m in members.items()}
    )


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(sorted(LIST_MEMBERS)), st.data())
def test_normalize_takes_any_job_the_model_allows(kind: Kind, data: st.DataObject) -> None:
    raw = data.draw(_structure(LIST_MEMBERS[kind]))
    job = normalize(kind, raw, "111122223333", "eu-west-1")
    record = as_record(job)
    assert tuple(record) == FIELDS
    assert record["kind"] == kind.value and record["region"] == "eu-west-1"
    assert record["account_id"] == (raw.get("AccountId") or "111122223333")
    state = raw.get("Status" if kind is Kind.RESTORE else "State")
    assert record["state"] == state
    for name in ("created_at", "completed_at"):
        value = record[name]
        assert value is None or (
            isinstance(value, str) and value.endswith("Z") and len(value) == 24
        )
    json.dumps(record)  # always serializable
