"""How backupctl reaches AWS: profile, endpoint, credentials, retries and timeouts."""

from __future__ import annotations

from dataclasses import dataclass

from botocore.config import Config

# backupctl owns its retry policy: AWS_RETRY_MODE / AWS_MAX_ATTEMPTS and a change of
# botocore's default must not change how hard a cron run tries. "standard" mode retries
# throttling, 5xx and connection errors with jittered exponential backoff.
RETRY_MODE = "standard"  # spelled out in client_config(), where botocore-stubs checks it
MAX_ATTEMPTS = 8
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 20.0
SESSION_NAME = "backupctl"


@dataclass(frozen=True, slots=True)
class AwsSettings:
    """Where the calls go. ``endpoint_url`` and the keys are set only for the built-in sandbox;
    otherwise botocore's own chain (profile, environment, AWS_ENDPOINT_URL*) decides."""

    profile: str | None = None
    profile_origin: str = "--profile"  # where ``profile`` was named, for messages
    region: str | None = None
    endpoint_url: str | None = None
    access_key_id: str | None = None
    secret_access_key: str | None = None
    concurrency: int = 10
    connect_timeout: float = CONNECT_TIMEOUT
    read_timeout: float = READ_TIMEOUT
    max_attempts: int = MAX_ATTEMPTS
    timeout: float = 120.0  # the fan-out's limit for one call, retries included

    def client_config(self) -> Config:
        """One botocore Config for every client: explicit retries, timeouts and pool size."""
        return Config(
            retries={"mode": "standard", "total_max_attempts": self.max_attempts},
            # One attempt never outlasts the whole call's limit.
            connect_timeout=min(self.connect_timeout, self.timeout),
            read_timeout=min(self.read_timeout, self.timeout),
            max_pool_connections=max(10, self.concurrency),
            user_agent_extra="backupctl",
        )
