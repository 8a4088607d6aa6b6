"""Describe answers that say 200 and are not a job: what sits between a client and AWS
sends them (a captive portal, a load balancer's page, a proxy that cut the body short).

``html``: a load balancer's HTML page (``Content-Type: text/html``); ``truncated``: the
job's own Describe body cut in the middle, still labelled JSON; ``empty``: ``{}``.
Only the answer for a job that is there is replaced: a job that is not there is still not
found (404), so a client that looks for a job in several places learns where it is not,
and meets the bad answer where the job is.
"""

from __future__ import annotations

from backupctl.sandbox.config import NotAJobMode
from backupctl.sandbox.dataset import describe_body
from backupctl.sandbox.jobs import Job
from backupctl.sandbox.wire import Response

HTML = "text/html"
_PAGE = b"""<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Network login required</title></head>
<body>
<h1>Your session has expired</h1>
<p>Sign in to the corporate network to continue. Requests to external services are
held until you accept the acceptable use policy.</p>
<form method="post" action="/login"><input type="submit" value="Sign in"></form>
<hr><address>awselb/2.0</address>
</body>
</html>
"""


def not_a_job(mode: NotAJobMode, job: Job) -> Response:
    """The 200 that stands in for ``job``'s Describe output."""
    if mode == "html":
        return Response(200, _PAGE, HTML)
    if mode == "truncated":
        body = describe_body(job)
        return Response(200, body[: len(body) // 2])
    return Response(200, b"{}")
