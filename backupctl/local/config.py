"""The config file: defaults for the options, and named account lists.

``$XDG_CONFIG_HOME/backupctl/config.toml`` (``~/.config/backupctl/`` when the variable is
unset or not absolute), or ``--config PATH``. Read with the standard library's tomllib.
Precedence: the command line, then the environment, then this file, then built-in
defaults. Any mistake is one UsageError naming the file, the line and the key.

    role = "OrganizationAccountAccessRole"   # or an ARN template with {account}
    external_id = "..."
    regions = ["us-east-1", "eu-west-1"]
    accounts = ["@prod"]                     # ids, "all", or @list names
    concurrency = 16
    output = "table"                         # table, json, ndjson, csv
    color = "auto"                           # auto, always, never
    history_db = "~/backups/history.sqlite"  # the history store (default: $XDG_DATA_HOME/...)

    [lists]                                  # --account @prod
    prod = ["111111111111", "222222222222"]

    [names]                                  # shown by completion
    "111111111111" = "prod-payments"

    [notify]                                 # where reports go: see notify_config.py
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from backupctl.domain.errors import UsageError
from backupctl.domain.formats import OutputFormat
from backupctl.domain.notify_targets import NotifySettings
from backupctl.domain.targets import is_account_id, is_region_name
from backupctl.engine.fanout import MAX_CONCURRENCY
from backupctl.local.notify_config import parse_notify

_SCALARS: Mapping[str, type] = {
    "role": str,
    "external_id": str,
    "concurrency": int,
    "output": str,
    "color": str,
    "profile": str,
    "history_db": str,
}
_LISTS = ("regions", "accounts")
_TABLES = ("lists", "names", "notify")
COLOURS = ("auto", "always", "never")
# The settings whose value is one of a few words (any case), and those words.
_CHOICES: Mapping[str, tuple[str, ...]] = {
    "color": COLOURS,
    "output": tuple(f.value for f in OutputFormat),
}
_LIST_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


@dataclass(frozen=True, slots=True)
class Config:
    """What the config file says; empty when there is none."""

    path: Path | None = None
    role: str | None = None
    external_id: str | None = None
    profile: str | None = None
    regions: tuple[str, ...] = ()
    accounts: tuple[str, ...] = ()
    concurrency: int | None = None
    output: str | None = None
    color: str | None = None
    history_db: str | None = None
    lists: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    names: Mapping[str, str] = field(default_factory=dict)
    notify: NotifySettings = field(default_factory=NotifySettings)

    def expand_accounts(self, values: Sequence[str]) -> tuple[str, ...]:
        """``@name`` replaced by the list of that name; other values as they are."""
        out: list[str] = []
        for value in values:
            if value.startswith("@"):
                name = value[1:]
                if name not in self.lists:
                    known = ", ".join(f"@{n}" for n in sorted(self.lists)) or "none"
                    where = f" in {self.path}" if self.path else ""
                    raise UsageError(f"--account: no list {value!r}{where} (lists: {known})")
                out.extend(self.lists[name])
            else:
                out.append(value)
        return tuple(out)


def default_path(environ: Mapping[str, str] | None = None) -> Path:
    """``$XDG_CONFIG_HOME/backupctl/config.toml``, or ``~/.config/backupctl/config.toml``."""
    environ = os.environ if environ is None else environ
    base = environ.get("XDG_CONFIG_HOME", "")
    if not Path(base).is_absolute():
        base = str(Path(environ.get("HOME") or Path.home()) / ".config")
    return Path(base) / "backupctl" / "config.toml"


def load(path: Path | None, *, explicit: bool = False) -> Config:
    """Read ``path``; a missing default file is no error, a missing ``--config`` file is."""
    path = path or default_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        if explicit:
            raise UsageError(f"--config: {path}: no such file") from None
        return Config()
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read the config file: {exc}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: not valid TOML: {exc}") from None
    return _parse(path, text, data)


def _line_of(text: str, key: str) -> int:
    pattern = re.compile(rf"^[ \t]*(\[\s*{re.escape(key)}\s*\]|\"?{re.escape(key)}\"?\s*=)", re.M)
    match = pattern.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def _parse(path: Path, text: str, data: dict[str, Any]) -> Config:
    def bad(key: str, why: str) -> UsageError:
        return UsageError(f"{path}, line {_line_of(text, key)}: {key!r} {why}")

    values: dict[str, Any] = {}
    for key, value in data.items():
        if key in _SCALARS:
            kind = _SCALARS[key]
            if not isinstance(value, kind) or isinstance(value, bool):
                raise bad(key, f"must be a {kind.__name__}")
            if key in _CHOICES:
                value = str(value).strip().lower()
                if value not in _CHOICES[key]:
                    raise bad(key, f"is {data[key]!r}; valid: {', '.join(_CHOICES[key])}")
            values[key] = value
        elif key in _LISTS:
            if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
                raise bad(key, "must be a list of strings")
            wrong = next((v for v in value if not _LIST_CHECKS[key][0](v)), None)
            if wrong is not None:
                raise bad(key, f"holds {wrong!r}, which is not {_LIST_CHECKS[key][1]}")
            values[key] = tuple(value)
        elif key == "lists":
            values["lists"] = _lists(value, bad)
        elif key == "names":
            if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
                raise bad(key, "must be a table of account id = name")
            values["names"] = dict(value)
        elif key == "notify":
            values["notify"] = parse_notify(value, bad)
        else:
            valid = ", ".join([*_SCALARS, *_LISTS, *_TABLES])
            raise bad(key, f"is not a setting (settings: {valid})")
    lists = values.get("lists", {})
    unknown = next(
        (a for a in values.get("accounts", ()) if a[:1] == "@" and a[1:] not in lists), None
    )
    if unknown is not None:
        raise bad("accounts", f"holds {unknown!r}, and [lists] has no list {unknown[1:]!r}")
    if values.get("concurrency") is not None and not 1 <= values["concurrency"] <= MAX_CONCURRENCY:
        raise bad("concurrency", f"must be between 1 and {MAX_CONCURRENCY}")
    return Config(path=path, **values)


# What each list setting may hold, and how a mistake is said.
_LIST_CHECKS: Mapping[str, tuple[Callable[[str], bool], str]] = {
    "regions": (lambda v: v.lower() == "all" or is_region_name(v), "a region name or 'all'"),
    "accounts": (
        lambda v: v.lower() == "all" or v.startswith("@") or is_account_id(v),
        "a 12-digit account id, 'all' or an @list",
    ),
}


def _lists(value: Any, bad: Any) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, dict):
        raise bad("lists", "must be a table of name = [account ids]")
    lists: dict[str, tuple[str, ...]] = {}
    for name, members in value.items():
        if not _LIST_NAME.match(name):
            raise bad(name, "is not a list name (letters, digits, . _ -)")
        if not isinstance(members, list) or not all(isinstance(m, str) for m in members):
            raise bad(name, "must be a list of account ids")
        wrong = next((m for m in members if not is_account_id(m)), None)
        if wrong is not None:
            raise bad(name, f"holds {wrong!r}, which is not a 12-digit account id")
        lists[name] = tuple(members)
    return lists
