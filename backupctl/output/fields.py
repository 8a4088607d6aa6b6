"""Which record fields a renderer shows, in which order: ``--fields`` parsing and selection."""

from __future__ import annotations

from collections.abc import Sequence

from backupctl.domain.job import FIELDS, Job, JsonValue, as_record

_VALID = ", ".join(FIELDS)


def validate_fields(text: str) -> tuple[str, ...]:
    """Parse ``--fields a,b,c`` into field names; ``ValueError`` (one line) if any is bad."""
    names = [part.strip() for part in text.split(",")]
    if names == [""]:
        raise ValueError(f"--fields needs at least one field; valid fields: {_VALID}")
    seen: set[str] = set()
    for name in names:
        # repr() keeps a hostile name on one line and shows its control characters.
        if not name:
            raise ValueError(f"empty field name in --fields {text!r}; valid fields: {_VALID}")
        if name not in FIELDS:
            raise ValueError(f"unknown field {name!r} in --fields; valid fields: {_VALID}")
        if name in seen:
            raise ValueError(f"field {name!r} appears twice in --fields; valid fields: {_VALID}")
        seen.add(name)
    return tuple(names)


def record_values(job: Job, fields: Sequence[str]) -> dict[str, JsonValue]:
    """The job's contract record (``as_record``), restricted to ``fields``, in their order."""
    record = as_record(job)
    return record if fields == FIELDS else {name: record[name] for name in fields}
