"""boto3 clients pointed at a sandbox, and a raw HTTP call for what botocore will not send."""

from __future__ import annotations

import http.client
import json
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import boto3
from botocore.config import Config

from backupctl.sandbox import Sandbox

from .wiremodel import Recorder

SandboxFactory = Callable[..., Sandbox]  # the sandbox_factory fixture


def client(
    sandbox: Sandbox,
    service: str,
    account: str | None = None,
    region: str | None = None,
    credentials: dict[str, str] | None = None,
    recorder: Recorder | None = None,
    validate: bool = True,
    read_timeout: float = 10.0,
) -> Any:
    """A client of ``service`` as ``account``'s base keys (or ``credentials``), no retries."""
    if credentials is None:
        key, secret = sandbox.credentials(account)
        credentials = {"AccessKeyId": key, "SecretAccessKey": secret}
    made = boto3.client(
        service,  # type: ignore[call-overload]
        endpoint_url=sandbox.endpoint_url,
        region_name=region or sandbox.dataset.regions[0],
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials.get("SessionToken"),
        config=Config(
            retries={"total_max_attempts": 1, "mode": "standard"},
            parameter_validation=validate,
            read_timeout=read_timeout,
            connect_timeout=5,
        ),
    )
    return recorder.attach(made) if recorder else made


def assume(sandbox: Sandbox, account: str, **params: Any) -> dict[str, str]:
    """Temporary credentials for the sandbox's role in ``account``, from the management account."""
    sts = client(sandbox, "sts")
    role = params.pop("RoleArn", f"arn:aws:iam::{account}:role/{sandbox.config.role_name}")
    response = sts.assume_role(RoleArn=role, RoleSessionName="tests", **params)
    return dict(response["Credentials"])


def pages(backup: Any, operation: str, member: str, **params: Any) -> Iterator[dict[str, Any]]:
    """Every item of a paginated Backup List call, following NextToken by hand."""
    while True:
        response = getattr(backup, operation)(**params)
        yield from response[member]
        if "NextToken" not in response:
            return
        params["NextToken"] = response["NextToken"]


def raw(
    sandbox: Sandbox,
    method: str,
    path: str,
    service: str = "backup",
    region: str | None = None,
    access_key: str | None = None,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], bytes]:
    """One request with a hand-made credential scope (signatures are not checked)."""
    key = access_key or sandbox.credentials()[0]
    scope = f"{key}/20261127/{region or sandbox.dataset.regions[0]}/{service}/aws4_request"
    sent = {
        "Authorization": f"AWS4-HMAC-SHA256 Credential={scope}, SignedHeaders=host, Signature=0",
        **(headers or {}),
    }
    url = urlsplit(sandbox.endpoint_url)
    connection = http.client.HTTPConnection(url.hostname or "", url.port, timeout=10)
    try:
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def raw_json(sandbox: Sandbox, path: str, **kwargs: Any) -> tuple[int, Any]:
    """A raw Backup GET, its JSON body decoded."""
    status, _, body = raw(sandbox, "GET", path, **kwargs)
    return status, json.loads(body)
