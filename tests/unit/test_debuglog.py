"""The --debug log: redacted, and for a while diverted (``jobs watch`` prints it above its view)."""

from __future__ import annotations

import io
import logging

from backupctl.local.debuglog import debug_log_to, enable_debug_log


def test_the_log_is_diverted_while_the_block_runs_and_redacted_either_way() -> None:
    stream = io.StringIO()
    undo = enable_debug_log(stream)
    log = logging.getLogger("botocore.test")
    diverted: list[str] = []
    try:
        log.debug("before SessionToken=abc123")
        with debug_log_to(diverted.append):
            log.debug("during \x1b[31m SecretAccessKey: 'xyz'")
        log.debug("after")
    finally:
        undo()
    log.debug("off")
    lines = stream.getvalue().splitlines()
    assert [line.split(" ", 4)[-1] for line in lines] == ["before SessionToken=<redacted>", "after"]
    assert len(diverted) == 1
    assert diverted[0].endswith("during \x1b[31m SecretAccessKey: '<redacted>'")


def test_without_debug_nothing_is_diverted() -> None:
    diverted: list[str] = []
    with debug_log_to(diverted.append):
        logging.getLogger("botocore.test").debug("not logged")
    assert diverted == []
