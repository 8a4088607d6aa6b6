"""The minimal client the fan-out benchmark compares backupctl with: the same calls, nothing else.

Standard library only, run as its own process: ``http.client`` keep-alive connections (one
per worker thread), a thread pool of ``--concurrency`` workers, real SigV4 signing with
``hmac``/``hashlib`` (a real client must sign, and it costs CPU), no SDK, no retries, no
checks beyond the HTTP status.

- ``--mode assume-role``: STS GetCallerIdentity; Organizations ListAccounts, page after page
  from the management account, each page's ACTIVE accounts handed to the pool as it
  arrives; one STS AssumeRole per account (the caller's own account uses its own keys);
  then, with that account's credentials, for every region and kind (backup, copy,
  restore) the chain of List pages (``maxResults=1000``, ``nextToken``).
- ``--mode org-view``: STS GetCallerIdentity, then one ``accountId=*`` chain per region and
  kind from the management account.

Each page is decoded with ``json.loads``; each job becomes the 27 keys of backupctl's record
(``backupctl.domain.job.FIELDS``, the API members mapped as ``normalize`` documents, times
as RFC 3339 strings) and one ``json.dumps`` line on stdout (NDJSON, in arrival order).

Run:  eval "$(backupctl sandbox --warm &)"  # or any endpoint and keys in the environment
      python benchmarks/minimal_client.py --mode assume-role --region us-east-1,eu-west-1
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import http.client
import json
import os
import socket
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any, NamedTuple, TextIO
from urllib.parse import quote, urlencode, urlsplit
from xml.etree import ElementTree

KINDS = {
    "backup": ("/backup-jobs/", "BackupJobs"),
    "copy": ("/copy-jobs/", "CopyJobs"),
    "restore": ("/restore-jobs/", "RestoreJobs"),
}
PAGE = "1000"
SESSION_NAME = "backupctl"
_STS_NS = "{https://sts.amazonaws.com/doc/2011-06-15/}"
_ORG_TARGET = "AWSOrganizationsV20161128.ListAccounts"
_UNRESERVED = "-_.~"


class Credentials(NamedTuple):
    """An access key, its secret, and the session token of assumed-role credentials."""

    access_key: str
    secret: str
    token: str | None = None


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def sign(
    credentials: Credentials,
    service: str,
    region: str,
    request: tuple[str, str, str, str, bytes],
    amz_date: str,
) -> dict[str, str]:
    """SigV4 headers for ``(method, host, path, canonical query, body)``, as botocore signs."""
    method, host, path, query, body = request
    headers = {"host": host, "x-amz-date": amz_date}
    if credentials.token:
        headers["x-amz-security-token"] = credentials.token
    signed = ";".join(sorted(headers))
    canonical_headers = "".join(f"{name}:{headers[name]}\n" for name in sorted(headers))
    canonical = "\n".join(
        (
            method,
            quote(path, safe="/" + _UNRESERVED),
            query,
            canonical_headers,
            signed,
            hashlib.sha256(body).hexdigest(),
        )
    )
    scope = f"{amz_date[:8]}/{region}/{service}/aws4_request"
    to_sign = (
        f"AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{hashlib.sha256(canonical.encode()).hexdigest()}"
    )
    key = _hmac(("AWS4" + credentials.secret).encode(), amz_date[:8])
    for part in (region, service, "aws4_request"):
        key = _hmac(key, part)
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    headers["authorization"] = (
        f"AWS4-HMAC-SHA256 Credential={credentials.access_key}/{scope}, "
        f"SignedHeaders={signed}, Signature={signature}"
    )
    return headers


def canonical_query(params: dict[str, str]) -> str:
    """The query string as SigV4 wants it: names and values encoded, sorted by name."""
    encoded = sorted(
        (quote(k, safe=_UNRESERVED), quote(v, safe=_UNRESERVED)) for k, v in params.items()
    )
    return "&".join(f"{k}={v}" for k, v in encoded)


class Http:
    """Signed requests to one endpoint, on one keep-alive connection per thread."""

    def __init__(self, endpoint: str) -> None:
        url = urlsplit(endpoint)
        self.host = url.netloc
        self._hostname = url.hostname or "127.0.0.1"
        self._port = url.port or 80
        self._local = threading.local()

    def _connection(self) -> http.client.HTTPConnection:
        connection: http.client.HTTPConnection | None = getattr(self._local, "connection", None)
        if connection is None:
            connection = http.client.HTTPConnection(self._hostname, self._port, timeout=60)
            connection.connect()
            # As urllib3 (botocore's HTTP layer) does: no Nagle delay on small requests.
            assert connection.sock is not None
            connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._local.connection = connection
        return connection

    def call(
        self,
        credentials: Credentials,
        service: str,
        region: str,
        method: str,
        path: str,
        params: dict[str, str] | None = None,
        body: bytes = b"",
        headers: dict[str, str] | None = None,
    ) -> bytes:
        """The response body of one signed request; any status but 200 ends the run."""
        query = canonical_query(params) if params else ""
        amz_date = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
        signed = sign(
            credentials, service, region, (method, self.host, path, query, body), amz_date
        )
        connection = self._connection()
        target = f"{path}?{query}" if query else path
        connection.request(method, target, body=body or None, headers={**(headers or {}), **signed})
        response = connection.getresponse()
        data = response.read()
        if response.status != 200:
            raise RuntimeError(
                f"{service} {method} {target}: HTTP {response.status}: {data[:300]!r}"
            )
        return data


def _rfc3339(epoch: float | None) -> str | None:
    if epoch is None:
        return None
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="milliseconds")[:-6] + "Z"


def _vault_name(arn: str | None) -> str | None:
    if not arn or ":backup-vault:" not in arn:
        return None
    name = arn.rpartition(":backup-vault:")[2]
    return name if name and ":" not in name and "/" not in name else None


def record(kind: str, job: dict[str, Any], account: str | None, region: str) -> dict[str, Any]:
    """backupctl's record of one listed job: its 27 keys, in its order."""
    created_by = job.get("CreatedBy") or {}
    percent = job.get("PercentDone")
    if kind == "backup":
        job_id, state, resource_arn = job["BackupJobId"], job.get("State"), job.get("ResourceArn")
        vault_arn, recovery_point = job.get("BackupVaultArn"), job.get("RecoveryPointArn")
        vault_name = job.get("BackupVaultName") or _vault_name(vault_arn)
    elif kind == "copy":
        job_id, state, resource_arn = job["CopyJobId"], job.get("State"), job.get("ResourceArn")
        vault_arn, recovery_point = (
            job.get("SourceBackupVaultArn"),
            job.get("SourceRecoveryPointArn"),
        )
        vault_name = _vault_name(vault_arn)
    else:
        job_id, state = job["RestoreJobId"], job.get("Status")
        resource_arn = job.get("SourceResourceArn")
        vault_arn, recovery_point = job.get("BackupVaultArn"), job.get("RecoveryPointArn")
        vault_name = _vault_name(vault_arn)
    return {
        "kind": kind,
        "job_id": job_id,
        "account_id": job.get("AccountId") or account,
        "region": region,
        "state": state,
        "status_message": job.get("StatusMessage"),
        "message_category": job.get("MessageCategory"),
        "resource_type": job.get("ResourceType"),
        "resource_arn": resource_arn,
        "resource_name": job.get("ResourceName"),
        "vault_name": vault_name,
        "vault_arn": vault_arn,
        "destination_vault_arn": job.get("DestinationBackupVaultArn"),
        "recovery_point_arn": recovery_point,
        "destination_recovery_point_arn": job.get("DestinationRecoveryPointArn"),
        "created_resource_arn": job.get("CreatedResourceArn"),
        "created_at": _rfc3339(job.get("CreationDate")),
        "completed_at": _rfc3339(job.get("CompletionDate")),
        "percent_done": None if percent is None else float(percent),
        "backup_size_bytes": job.get("BackupSizeInBytes"),
        "bytes_transferred": job.get("BytesTransferred"),
        "iam_role_arn": job.get("IamRoleArn"),
        "backup_plan_id": created_by.get("BackupPlanId"),
        "backup_plan_arn": created_by.get("BackupPlanArn"),
        "backup_rule_id": created_by.get("BackupRuleId"),
        "parent_job_id": job.get("ParentJobId"),
        "is_parent": job.get("IsParent"),
    }


class Client:
    """The calls of one run, and the NDJSON they produce."""

    def __init__(self, http: Http, caller: Credentials, region: str, out: TextIO) -> None:
        self._http = http
        self.caller = caller
        self._region = region
        self._out = out
        self._write = threading.Lock()

    def _sts(self, credentials: Credentials, form: dict[str, str]) -> ElementTree.Element:
        body = urlencode({**form, "Version": "2011-06-15"}).encode()
        content = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
        data = self._http.call(
            credentials, "sts", self._region, "POST", "/", body=body, headers=content
        )
        return ElementTree.fromstring(data)

    def caller_account(self) -> str:
        """STS GetCallerIdentity."""
        found = self._sts(self.caller, {"Action": "GetCallerIdentity"}).find(f".//{_STS_NS}Account")
        assert found is not None and found.text
        return found.text

    def assume(self, account: str, role: str) -> Credentials:
        """STS AssumeRole into ``role`` in ``account``, as the caller."""
        form = {
            "Action": "AssumeRole",
            "RoleArn": f"arn:aws:iam::{account}:role/{role}",
            "RoleSessionName": SESSION_NAME,
            "DurationSeconds": "3600",
        }
        found = self._sts(self.caller, form).find(f".//{_STS_NS}Credentials")
        assert found is not None
        parts = (
            found.findtext(f"{_STS_NS}{name}")
            for name in ("AccessKeyId", "SecretAccessKey", "SessionToken")
        )
        access_key, secret, token = parts
        assert access_key and secret and token
        return Credentials(access_key, secret, token)

    def account_pages(self) -> Iterator[list[str]]:
        """Organizations ListAccounts, a page at a time: each page's ACTIVE account ids."""
        params: dict[str, str] = {}
        headers = {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": _ORG_TARGET}
        while True:
            body = json.dumps(params).encode()
            data = self._http.call(
                self.caller, "organizations", "us-east-1", "POST", "/", body=body, headers=headers
            )
            page = json.loads(data)
            yield [account["Id"] for account in page["Accounts"] if account["Status"] == "ACTIVE"]
            if not page.get("NextToken"):
                return
            params["NextToken"] = page["NextToken"]

    def chain(
        self,
        credentials: Credentials,
        scope: str | None,
        account: str | None,
        region: str,
        kind: str,
    ) -> int:
        """One listing, page after page; each page's records written as it arrives."""
        path, member = KINDS[kind]
        params = {"maxResults": PAGE}
        if scope is not None:
            params["accountId"] = scope
        jobs = 0
        while True:
            page = json.loads(self._http.call(credentials, "backup", region, "GET", path, params))
            lines = [
                json.dumps(record(kind, job, account, region)) for job in page.get(member) or ()
            ]
            if lines:
                with self._write:
                    self._out.write("\n".join(lines) + "\n")
                jobs += len(lines)
            token = page.get("NextToken")
            if not token:
                return jobs
            params["nextToken"] = token


def run_assume_role(client: Client, regions: list[str], role: str, concurrency: int) -> int:
    """Every ACTIVE account's listings, each account read with its own role's credentials."""
    caller = client.caller_account()
    pending: list[Future[list[Future[int]]]] = []
    with ThreadPoolExecutor(concurrency) as pool:

        def read_account(account: str) -> list[Future[int]]:
            credentials = client.caller if account == caller else client.assume(account, role)
            return [
                pool.submit(client.chain, credentials, None, account, region, kind)
                for region in regions
                for kind in KINDS
            ]

        for accounts in client.account_pages():
            pending += [pool.submit(read_account, account) for account in accounts]
        return sum(chain.result() for account in pending for chain in account.result())


def run_org_view(client: Client, regions: list[str], concurrency: int) -> int:
    """One ``accountId=*`` listing per region and kind, as the management account."""
    client.caller_account()
    with ThreadPoolExecutor(concurrency) as pool:
        chains = [
            pool.submit(client.chain, client.caller, "*", None, region, kind)
            for region in regions
            for kind in KINDS
        ]
        return sum(chain.result() for chain in chains)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--mode", choices=("assume-role", "org-view"), required=True)
    parser.add_argument("--region", required=True, help="comma-separated regions")
    parser.add_argument("--role", default="OrganizationAccountAccessRole")
    parser.add_argument("--concurrency", type=int, default=32)
    options = parser.parse_args(argv)
    env = os.environ
    caller = Credentials(
        env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"], env.get("AWS_SESSION_TOKEN")
    )
    regions = options.region.split(",")
    client = Client(
        Http(env["AWS_ENDPOINT_URL"]), caller, env.get("AWS_REGION", regions[0]), sys.stdout
    )
    if options.mode == "assume-role":
        jobs = run_assume_role(client, regions, options.role, options.concurrency)
    else:
        jobs = run_org_view(client, regions, options.concurrency)
    sys.stdout.flush()
    print(f"{jobs} jobs", file=sys.stderr)


if __name__ == "__main__":
    main()
