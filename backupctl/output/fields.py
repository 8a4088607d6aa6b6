"""Which record fields a writer shows, in which order: ``--fields`` parsing and selection."""

from __future__ import annotations

from collections.abc import Sequence

from backupctl.domain.job import FIELDS, JsonValue


def validate_fields(text: str, known: Sequence[str] = FIELDS) -> tuple[str, ...]:
    """Parse ``--fields a,b,c`` into field names; ``ValueError`` (one line) if any is bad."""
    valid = ", ".join(known)
    names = [part.strip() for part in text.split(",")]
    if names == [""]:
        raise ValueError(f"--fields needs at least one field; valid fields: {valid}")
    seen: set[str] = set()
    for name in names:
        # repr() keeps a hostile name on one line and shows its control characters.
        if not name:
            raise ValueError(f"empty field name in --fields {text!r}; valid fields: {valid}")
        if name not in known:
            raise ValueError(f"unknown field {name!r} in --fields; valid fields: {valid}")
        if name in seen:
            raise ValueError(f"field {name!r} appears twice in --fields; valid fields: {valid}")
        seen.add(name)
    return tuple(names)


def selected(record: dict[str, JsonValue], fields: Sequence[str] | None) -> dict[str, JsonValue]:
    """``record`` restricted to ``fields``, in their order; every field when None."""
    if fields is None:
        return record
    return {name: record[name] for name in fields}
