"""Which record fields a writer shows, in which order: ``--fields`` parsing and selection."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from backupctl.domain.job import FIELDS, JsonValue

# The job table's headers, for the fields whose header is not the field's own name; a
# person copies them from the table into ``--fields``, so they are accepted there too.
JOB_HEADERS: Mapping[str, str] = {
    "created_at": "created",
    "account_id": "account",
    "job_id": "job id",
    "resource_name": "resource",
    "status_message": "message",
}


def _key(name: str) -> str:
    """A name as ``--fields`` compares it: any case, a space or hyphen as an underscore."""
    return name.strip().lower().replace(" ", "_").replace("-", "_")


def validate_fields(
    text: str, known: Sequence[str] = FIELDS, headers: Mapping[str, str] = JOB_HEADERS
) -> tuple[str, ...]:
    """Parse ``--fields a,b,c`` into field names; ``ValueError`` (one line) if any is bad.

    A name is a field's or its table header's (``headers``: field to header), in any case.
    """
    valid = ", ".join(known)
    names = {_key(field): field for field in known}
    names.update({_key(header): field for field, header in headers.items() if field in known})
    parts = [part.strip() for part in text.split(",")]
    if parts == [""]:
        raise ValueError(f"--fields needs at least one field; valid fields: {valid}")
    chosen: list[str] = []
    for part in parts:
        # repr() keeps a hostile name on one line and shows its control characters.
        if not part:
            raise ValueError(f"empty field name in --fields {text!r}; valid fields: {valid}")
        field = names.get(_key(part))
        if field is None:
            raise ValueError(f"unknown field {part!r} in --fields; valid fields: {valid}")
        if field in chosen:
            raise ValueError(f"field {field!r} appears twice in --fields; valid fields: {valid}")
        chosen.append(field)
    return tuple(chosen)


def selected(record: dict[str, JsonValue], fields: Sequence[str] | None) -> dict[str, JsonValue]:
    """``record`` restricted to ``fields``, in their order; every field when None."""
    if fields is None:
        return record
    return {name: record[name] for name in fields}
