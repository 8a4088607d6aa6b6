"""Targets: the (account, region) pairs a command reads, and how each account is reached."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from backupctl.domain.errors import UsageError

ALL_ACCOUNTS = "*"
_ROLE_NAME = re.compile(r"^[\w+=,.@/-]{1,512}$")


class Access(StrEnum):
    """How an account is reached."""

    CALLER = "caller"  # the caller's own account, with the caller's credentials
    ROLE = "role"  # a role assumed in the account
    ORG_VIEW = "org-view"  # the caller's credentials with ByAccountId=<account>


@dataclass(frozen=True, slots=True)
class Account:
    """An account to read, with its name when Organizations told us."""

    account_id: str
    name: str | None = None
    status: str | None = None


@dataclass(frozen=True, slots=True)
class Target:
    """One account in one region."""

    account_id: str
    region: str
    access: Access
    account_name: str | None = None

    def __str__(self) -> str:
        who = "all accounts" if self.account_id == ALL_ACCOUNTS else self.account_id
        return f"{who} {self.region}"


def role_arn_template(role: str) -> str:
    """``NAME`` or an ARN template with ``{account}`` -> an ARN template, or UsageError."""
    role = role.strip()
    if role.startswith("arn:"):
        if "{account}" not in role:
            raise UsageError(f"--role: the ARN template {role!r} must contain {{account}}")
        return role
    if not _ROLE_NAME.match(role) or "{" in role:
        raise UsageError(f"--role: {role!r} is neither a role name nor an ARN template")
    return "arn:aws:iam::{account}:role/" + role.strip("/")
