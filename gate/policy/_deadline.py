"""A deadline for a whole exchange with a server, however it misbehaves.

An HTTP library's timeout bounds each wait for bytes, not the exchange: a server that
trickles its answer a byte at a time holds a client for as long as it likes. The call
runs on a daemon thread instead, and the caller stops waiting at the deadline; the
thread is abandoned (the gate exits soon after and the operating system closes its
socket).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class DeadlineExceeded(Exception):
    """The call had not finished when the deadline passed."""


class Deadline:
    """One deadline shared by the calls of an exchange (rules pushed, then the query)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._ends = time.monotonic() + seconds

    def remaining(self) -> float:
        return max(0.0, self._ends - time.monotonic())

    def run(self, call: Callable[[], T]) -> T:
        """``call()``'s result or exception, or DeadlineExceeded once time is up."""
        outcome: list[T] = []
        failure: list[BaseException] = []

        def work() -> None:
            try:
                outcome.append(call())
            except BaseException as exc:  # handed to the waiting thread as it is
                failure.append(exc)

        worker = threading.Thread(target=work, name="finops-gate-exchange", daemon=True)
        worker.start()
        worker.join(self.remaining())
        if worker.is_alive():
            raise DeadlineExceeded(f"no complete answer within {self.seconds:g} s")
        if failure:
            raise failure[0]
        return outcome[0]
