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
from jmespath.exceptions import IncompleteExpressionError, JMESPathError, LexerError
from jmespath.functions import Functions

from backupctl.domain.errors import UsageError
from backupctl.domain.job import JsonValue
from backupctl.output.family import Family
from backupctl.output.fields import selected

R = TypeVar("R")

_FUNCTIONS: dict[str, Any] = Functions().FUNCTION_TABLE


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
        except JMESPathError as exc:
            raise UsageError(f"--query {self.text!r}: {' '.join(str(exc).split())}") from None
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
