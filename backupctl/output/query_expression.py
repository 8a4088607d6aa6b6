"""``--query``: a JMESPath expression over the JSON form of the output, as in the AWS CLI.

The expression is checked whole when it is read (its syntax, and each function's name and
number of arguments), so a mistake is exit 2 before any call. ``QueriedWriter`` gives it
the whole output (the array of records, or the one record of ``job describe``) and writes
what it returns as JSON or text; NDJSON applies it to each record as it arrives.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import count
from typing import Any, Generic, TextIO, TypeVar

import jmespath
from jmespath.exceptions import (
    IncompleteExpressionError,
    JMESPathError,
    JMESPathTypeError,
    LexerError,
)
from jmespath.functions import TYPES_MAP, Functions

from backupctl.domain.errors import UsageError
from backupctl.domain.job import JsonValue
from backupctl.output.family import Family
from backupctl.output.fields import selected

R = TypeVar("R")

_FUNCTIONS: dict[str, Any] = Functions().FUNCTION_TABLE
_KINDS = {
    "number": "a number",
    "string": "a string",
    "boolean": "a boolean",
    "array": "an array",
    "object": "an object",
    "null": "null",
    "expref": "an expression (&...)",
    "array-number": "an array of numbers",
    "array-string": "an array of strings",
}


class QueryExpression:
    """A checked JMESPath expression."""

    def __init__(self, text: str) -> None:
        self.text = text
        try:
            self._parsed = jmespath.compile(text)
        except IncompleteExpressionError:
            raise self._error("it ends too early") from None
        except LexerError as exc:
            raise self._error(f"{exc.message} at column {exc.lexer_position}") from None
        except JMESPathError as exc:
            where = getattr(exc, "lex_position", None)
            raise self._error(
                f"{exc.msg}" + ("" if where is None else f" at column {where}")
            ) from None
        wrong_call = _wrong_call(self._parsed.parsed)
        if wrong_call is not None:
            raise self._error(wrong_call)

    def search(self, value: JsonValue) -> JsonValue:
        """The expression's value for ``value``; UsageError when the data does not fit it
        (a function given a value of the wrong type)."""
        try:
            result: JsonValue = self._parsed.search(value)
        except JMESPathTypeError as exc:
            raise UsageError(f"--query {self.text!r}: {_type_mismatch(exc)}") from None
        except JMESPathError as exc:
            why = " ".join(str(exc).split())
            raise UsageError(f"--query {self.text!r}: {why[:200]}") from None
        return result

    def _error(self, why: str) -> UsageError:
        return UsageError(f"--query: {self.text!r} is not a JMESPath expression: {why}")


def _wrong_call(node: dict[str, Any]) -> str | None:
    """What is wrong with the first call of a function that does not exist, or that gets
    more or fewer arguments than it takes; None when every call is right."""
    if node.get("type") == "function_expression":
        name, given = node["value"], len(node["children"])
        spec = _FUNCTIONS.get(name)
        if spec is None:
            return f"no function {name}()"
        signature = spec["signature"]
        variadic = bool(signature) and signature[-1].get("variadic", False)
        if given < len(signature) or (given > len(signature) and not variadic):
            plural = "" if len(signature) == 1 else "s"
            needs = f"at least {len(signature)}" if variadic else str(len(signature))
            return f"{name}() takes {needs} argument{plural}, not {given}"
    children = (child for child in node.get("children", ()) if isinstance(child, dict))
    return next((wrong for child in children if (wrong := _wrong_call(child))), None)


def _type_mismatch(exc: JMESPathTypeError) -> str:
    """What a function wanted and what it got, by type only: jmespath's own message holds
    the value itself, which may be every job of the organization."""
    wanted = " or ".join(_KINDS.get(kind, kind) for kind in exc.expected_types)
    # A Python type name (not a JMESPath one) is an element's, from an array-* check.
    given = _KINDS.get(TYPES_MAP.get(exc.actual_type, exc.actual_type), "a value")
    if exc.actual_type in TYPES_MAP:
        given = f"an array holding {given}"
    return f"{exc.function_name}() takes {wanted}, not {given}"


def queried_json(value: JsonValue, query: QueryExpression | None) -> str:
    """``value`` as indented JSON, or what ``query`` makes of it."""
    from backupctl.output.json import dumps

    return dumps(value if query is None else query.search(value), pretty=True) + "\n"


class QueriedWriter(Generic[R]):
    """Keeps the records (as JSON values, in the family's order) and, at ``close``, writes
    what the expression makes of them, in ``render``'s form. The expression sees them all
    at once, so they are held in memory."""

    def __init__(
        self,
        stream: TextIO,
        family: Family[R],
        fields: Sequence[str] | None,
        query: QueryExpression,
        render: Callable[[JsonValue], str],
    ) -> None:
        self._stream = stream
        self._family = family
        self._fields = fields
        self._query = query
        self._render = render
        self._records: list[tuple[Any, dict[str, JsonValue]]] = []
        self._arrival = count()

    def write(self, records: Sequence[R]) -> None:
        """Keep the page's records."""
        order = self._family.order
        for item in records:
            key = order(item) if order else next(self._arrival)
            self._records.append((key, selected(self._family.record(item), self._fields)))

    def close(self) -> None:
        """Write the expression's value for every record (for the one record of a single
        family; nothing when there is none)."""
        self._records.sort(key=lambda pair: pair[0])
        values: list[JsonValue] = [record for _, record in self._records]
        if self._family.single:
            if not values:
                return
            whole: JsonValue = values[0]
        else:
            whole = values
        self._stream.write(self._render(self._query.search(whole)))
        self._stream.flush()
