"""``--query`` over real output: what a user sees when the data does not fit the expression."""

from __future__ import annotations

import pytest

from tests.cli.conftest import Invoke


@pytest.mark.parametrize(
    ("expression", "why"),
    [
        ("abs(@)", "abs() takes a number, not an array"),
        ("sort(@)", "sort() takes an array of strings or an array of numbers, not an array holding an object"),  # noqa: E501
        ("length(`true`)", "length() takes a string or an array or an object, not a boolean"),
    ],
)  # fmt: skip
def test_data_of_the_wrong_type_is_named_by_type_and_never_echoed(
    cli: Invoke, expression: str, why: str
) -> None:
    result = cli("jobs", "list", "--account", "all", "-o", "json", "--query", expression)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"backupctl: error: --query {expression!r}: {why}\n"
