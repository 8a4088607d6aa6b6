"""Who is calling: access keys of the organization's accounts and AssumeRole sessions.

Base keys are ``AKIA`` + the 12-digit account id + 4 characters fixed by the seed; keys
issued by AssumeRole are ``ASIA`` + account + 4 characters, valid only with their session
token and until their expiry. Signatures are not checked.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass

from backupctl.sandbox.ids import lower_token, upper_token
from backupctl.sandbox.organization import Organization

_KEY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


@dataclass(frozen=True)
class Identity:
    """The principal behind an access key."""

    account_id: str
    arn: str
    user_id: str
    access_key: str
    role_name: str | None = None  # set for AssumeRole sessions

    @property
    def assumed(self) -> bool:
        """Whether these are temporary credentials from AssumeRole."""
        return self.role_name is not None


@dataclass(frozen=True)
class Session:
    """Credentials issued by AssumeRole."""

    identity: Identity
    secret: str
    token: str
    expires_at: float  # epoch seconds; after it the token is refused


class IdentityError(Exception):
    """The key is unknown (``expired`` False) or its session is over (``expired`` True)."""

    def __init__(self, expired: bool) -> None:
        super().__init__("expired" if expired else "unrecognized")
        self.expired = expired


class Keys:
    """Base keys for every account, and the sessions AssumeRole has issued."""

    def __init__(self, seed: int, organization: Organization) -> None:
        self._seed = seed
        self._organization = organization
        self._lock = threading.Lock()
        self._sessions: dict[str, Session] = {}
        self._issued = 0

    def base(self, account_id: str) -> tuple[str, str]:
        """(access key id, secret) of an account's base keys."""
        key = f"AKIA{account_id}{upper_token(4, self._seed, 'base', account_id)}"
        return key, f"sandbox{lower_token(33, self._seed, 'secret', account_id)}"

    def _base_identity(self, account_id: str, access_key: str) -> Identity:
        user = f"AIDA{upper_token(17, self._seed, 'user', account_id)}"
        arn = f"arn:aws:iam::{account_id}:user/sandbox-admin"
        return Identity(account_id, arn, user, access_key)

    def issue(self, account_id: str, role_name: str, session_name: str, lifetime: float) -> Session:
        """New temporary credentials for ``role_name`` in ``account_id``."""
        role_id = f"AROA{upper_token(17, self._seed, 'role', account_id, role_name)}"
        with self._lock:
            self._issued += 1
            number, suffix = self._issued, ""
            for _ in range(4):
                number, digit = divmod(number, len(_KEY_ALPHABET))
                suffix += _KEY_ALPHABET[digit]
            access_key = f"ASIA{account_id}{suffix}"
            identity = Identity(
                account_id=account_id,
                arn=f"arn:aws:sts::{account_id}:assumed-role/{role_name}/{session_name}",
                user_id=f"{role_id}:{session_name}",
                access_key=access_key,
                role_name=role_name,
            )
            session = Session(
                identity=identity,
                secret=secrets.token_urlsafe(30),
                token="FwoGZXIvYXdzE" + secrets.token_urlsafe(180),
                expires_at=time.time() + lifetime,
            )
            self._sessions[access_key] = session
        return session

    def issued(self) -> tuple[Session, ...]:
        """Every session AssumeRole has issued, oldest first."""
        with self._lock:
            return tuple(self._sessions.values())

    def resolve(self, access_key: str, token: str | None) -> Identity:
        """The identity behind a key; IdentityError when unknown or expired."""
        if access_key.startswith("AKIA") and len(access_key) == 20:
            account = self._organization.account(access_key[4:16])
            if account is not None and account.active and self.base(account.id)[0] == access_key:
                return self._base_identity(account.id, access_key)
            raise IdentityError(expired=False)
        session = self._sessions.get(access_key)
        if session is None or session.token != token:
            raise IdentityError(expired=False)
        if time.time() >= session.expires_at:
            raise IdentityError(expired=True)
        return session.identity
