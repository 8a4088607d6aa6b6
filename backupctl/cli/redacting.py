"""The process's stdout and stderr, with every secret it knows removed from what is written.

Installed once, around the whole run (``cli.app.run``), on the Environment's streams and on
``sys.stdout``/``sys.stderr``: the writers, Rich's consoles, the ``--debug`` log, Python's
own tracebacks and warnings and a thread's uncaught exception all write through it, so no
path can print a secret the process knows (``domain.secrets``), in any encoding.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TextIO

from backupctl.domain.secrets import SECRETS, Secrets

if TYPE_CHECKING:
    from backupctl.cli.environment import Environment


class RedactingStream(io.TextIOBase, TextIO):
    """A text stream that writes to ``inner`` what it is given, secrets redacted.

    Each ``write`` is redacted whole (backupctl writes whole lines, a page of them at a
    time); everything else (``isatty``, ``fileno``, ``encoding``: what Rich and the
    terminal checks ask) is the inner stream's.
    """

    def __init__(self, inner: TextIO, secrets: Secrets = SECRETS) -> None:
        super().__init__()
        self.inner = inner
        self._redact = secrets.redact

    def write(self, text: str) -> int:
        self.inner.write(self._redact(text))
        return len(text)  # what was handed in: the caller counts its own characters

    def writelines(self, lines: Iterable[str]) -> None:  # type: ignore[override]
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        self.inner.flush()

    def isatty(self) -> bool:
        return self.inner.isatty()

    def fileno(self) -> int:
        return self.inner.fileno()

    def writable(self) -> bool:
        return True

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self.inner.encoding

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        return self.inner.errors

    def close(self) -> None:
        """Closes nothing: the inner stream is the process's, or the caller's."""


def redacting(stream: TextIO) -> TextIO:
    """``stream``, redacting (itself if it already is)."""
    return stream if isinstance(stream, RedactingStream) else RedactingStream(stream)


@contextmanager
def redacted_streams(env: Environment) -> Iterator[None]:
    """For the block: the Environment's streams and the process's, each redacting."""
    saved = sys.stdout, sys.stderr, env.stdout, env.stderr
    # One wrapper per stream: in a console script the Environment's streams are sys's.
    wrapped = {id(stream): redacting(stream) for stream in saved}
    sys.stdout, sys.stderr, env.stdout, env.stderr = (wrapped[id(s)] for s in saved)
    try:
        yield
    finally:
        sys.stdout, sys.stderr, env.stdout, env.stderr = saved
