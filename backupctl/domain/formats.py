"""The output formats a request can ask for (``-o/--output``, the config file's
``output``): named here, below the config file that checks them and the writers that
print them."""

from __future__ import annotations

from enum import StrEnum


class OutputFormat(StrEnum):
    """The values of ``-o/--output``."""

    TABLE = "table"
    JSON = "json"
    NDJSON = "ndjson"
    CSV = "csv"
    TEXT = "text"
