"""What the writers of every format need to know: the formats (``OutputFormat``, defined in
``domain.formats``), a record family, the writer Protocol. The seam's dispatch
(``format.make_writer``) and the writers import this."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from backupctl.domain.formats import OutputFormat
from backupctl.domain.job import JsonValue

if TYPE_CHECKING:
    from rich.console import Console

__all__ = ["Family", "OutputFormat", "PersonForm", "RecordWriter"]

R = TypeVar("R")
R_contra = TypeVar("R_contra", contravariant=True)


class RecordWriter(Protocol[R_contra]):
    """Receives records page by page, from one thread, and finishes the output at ``close``."""

    def write(self, records: Sequence[R_contra]) -> None:
        """Take one page of records, as it arrives."""

    def close(self) -> None:
        """End of the run: sorted formats write here."""


# The person form of a family: (console, chosen fields or None, "now" for relative times).
PersonForm = Callable[["Console", Sequence[str] | None, datetime | None], RecordWriter[R]]


@dataclass(frozen=True)
class Family(Generic[R]):
    """A kind of record the writers print, and what they need to know about it.

    ``fields`` are every field a record has, in contract order (what ``--fields`` may
    choose from); empty when each record names its own (a described job's extras).
    ``record`` gives a record's JSON values by field; ``row``, when set, gives the values
    of ``fields`` in order (the fast path of a large family). ``order`` is the key
    records are printed by (None: as they arrive); ``flat`` says no value is a list or
    an object; ``single`` that the output is one record, printed bare, not in an array;
    ``spaced_lists`` that a list of names is one CSV cell of space-separated names
    (otherwise a nested value is JSON in its cell). ``headers`` are the person form's
    column headers, by field, where they are not the field's name (``--fields`` takes
    either).
    """

    name: str
    fields: tuple[str, ...]
    record: Callable[[R], dict[str, JsonValue]]
    person: PersonForm[R]
    row: Callable[[R], list[JsonValue]] | None = None
    order: Callable[[R], Any] | None = None
    flat: bool = True
    single: bool = False
    spaced_lists: bool = False
    headers: Mapping[str, str] = field(default_factory=dict)
