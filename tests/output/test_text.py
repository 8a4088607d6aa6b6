"""``-o text`` and ``--query`` in the output seam: fields, values, and what a query gives."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import pytest
from rich.console import Console

from backupctl.domain.errors import UsageError
from backupctl.domain.job import JobDetail, JsonValue
from backupctl.output import Family, OutputFormat, RecordWriter, make_writer
from backupctl.output.families import ACCOUNTS, JOB_DETAIL, JOBS
from backupctl.output.query_expression import QueryExpression
from backupctl.output.text import result_text, text_value

from .factory import NOW, full_job, make_job


def _text(records: Sequence[Any], family: Family[Any] = JOBS, **options: Any) -> str:
    stream = io.StringIO()
    writer: RecordWriter[Any] = make_writer(
        OutputFormat.TEXT, family, stream=stream, console=Console(), **options
    )
    writer.write(records)
    writer.close()
    return stream.getvalue()


@pytest.mark.parametrize(
    ("value", "field"),
    [
        (None, ""),
        (True, "true"),
        (12.5, "12.5"),
        ("a\tb\nc\rd", "a\\tb↵c\\rd"),
        ("\x1b[31mred\u202e", "\\x1b[31mred<U+202E>"),
        ({"k": ["a\tb", 1]}, '{"k":["a\\tb",1]}'),
    ],
)
def test_a_value_is_one_visible_field(value: JsonValue, field: str) -> None:
    assert text_value(value) == field


def test_jobs_in_field_order_newest_first_with_a_header() -> None:
    older = make_job(job_id="OLD", created_at=NOW - timedelta(days=3))
    newer = make_job(job_id="NEW", state="FAILED", status_message="disk\tfull")
    out = _text([older, newer], fields=("job_id", "state", "status_message"), header=True)
    assert out == "job_id\tstate\tstatus_message\nNEW\tFAILED\tdisk\\tfull\nOLD\tCOMPLETED\t\n"


def test_accounts_regions_are_space_separated() -> None:
    from backupctl.domain.targets import AccountEntry

    entry = AccountEntry("111111111111", "prod", "ACTIVE", "role", None, ("us-east-1", "eu-west-1"))
    assert _text([entry], ACCOUNTS, fields=None) == (
        "111111111111\tprod\tACTIVE\trole\t\tus-east-1 eu-west-1\n"
    )


@pytest.mark.parametrize(
    ("result", "text"),
    [
        (None, ""),
        ("x", "x\n"),
        (["a", "b"], "a\nb\n"),
        ([["a", 1], ["b", None]], "a\t1\nb\t\n"),
        ([{"id": "a", "n": 1}], "id\tn\na\t1\n"),
        ({"id": "a", "n": [1, 2]}, "id\tn\na\t[1,2]\n"),
    ],
)
def test_a_query_result_as_text(result: JsonValue, text: str) -> None:
    assert result_text(result, header=True) == text


def test_query_sees_the_array_in_json_and_each_record_in_ndjson() -> None:
    jobs = [make_job(job_id="A", state="FAILED"), make_job(job_id="B")]
    query = QueryExpression("[?state=='FAILED'].job_id")
    for fmt, expected in ((OutputFormat.JSON, '[\n  "A"\n]\n'), (OutputFormat.NDJSON, "")):
        stream = io.StringIO()
        writer = make_writer(fmt, JOBS, stream=stream, console=Console(), fields=None, query=query)
        writer.write(jobs)
        writer.close()
        assert stream.getvalue() == expected  # a record is no array: NDJSON's lines are null
    per_record = QueryExpression("job_id")
    stream = io.StringIO()
    writer = make_writer(
        OutputFormat.NDJSON, JOBS, stream=stream, console=Console(), fields=None, query=per_record
    )
    writer.write(jobs)
    assert stream.getvalue() == '"A"\n"B"\n'


def test_query_of_a_single_record_sees_the_object() -> None:
    described = JobDetail(full_job(), {"created_by": {"BackupPlanVersion": "v1"}})
    query = QueryExpression("{s: state, v: created_by.BackupPlanVersion}")
    assert _text([described], JOB_DETAIL, fields=None, query=query) == "FAILED\tv1\n"


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("[?", "it ends too early"),
        ("a b", "Unexpected token: b at column 2"),
        ("'x", "at column 0"),
        ("nope(@)", "no function nope()"),
        ("length(@, @)", "length() takes 1 argument, not 2"),
        ("not_null()", "not_null() takes at least 1 argument, not 0"),
        ("[].max_by(@)", "max_by() takes 2 arguments, not 1"),
    ],
)
def test_a_bad_expression_is_refused_when_read(text: str, why: str) -> None:
    with pytest.raises(UsageError) as refused:
        QueryExpression(text)
    assert str(refused.value).startswith(f"--query: {text!r} is not a JMESPath expression: ")
    assert why in str(refused.value)
    assert "\n" not in str(refused.value)


def test_data_of_the_wrong_type_is_one_line() -> None:
    with pytest.raises(UsageError) as refused:
        QueryExpression("abs(kind)").search({"kind": "backup"})
    assert "\n" not in str(refused.value)
    assert str(refused.value).startswith("--query 'abs(kind)': ")
