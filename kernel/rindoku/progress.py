"""A progress display for anything that takes more than a few seconds.

In a terminal it is a bar on stderr, redrawn in place, with the speed and the
time left.  Anywhere else (the book build, a log file, a pipe) it prints a few
plain lines on stdout instead, without timings, so the output stays readable
when captured and the same run prints the same lines.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from typing import TextIO, TypeVar

__all__ = ["Progress", "progress"]

T = TypeVar("T")


class Progress:
    """Counts steps and reports them, as a bar or as plain log lines.

    ``postfix`` (set with :meth:`set_postfix`) is shown after the counts,
    e.g. ``loss 0.42``.  ``unit`` names a step in the speed (``it/s``).
    """

    def __init__(
        self,
        total: int,
        desc: str = "",
        unit: str = "it",
        stream: TextIO | None = None,
        log_every: float = 0.25,
    ) -> None:
        self.total, self.desc, self.unit = total, desc, unit
        self.count = 0
        self.postfix = ""
        self._terminal = sys.stderr.isatty() if stream is None else stream.isatty()
        self._stream = stream or (sys.stderr if self._terminal else sys.stdout)
        self._log_every = max(1, int(total * log_every)) if total else 1
        self._start = time.perf_counter()
        self._last_draw = 0.0

    def set_postfix(self, text: str) -> None:
        """Show ``text`` after the counts (for example the current loss)."""
        self.postfix = text

    def update(self, steps: int = 1) -> None:
        """Advance by ``steps`` and report if it is time to."""
        self.count += steps
        if self._terminal:
            now = time.perf_counter()
            if now - self._last_draw > 0.1 or self.count >= self.total:
                self._last_draw = now
                self._stream.write("\r" + self._line(bar=True))
                self._stream.flush()
        elif self.count % self._log_every == 0 or self.count == self.total:
            self._stream.write(self._line(bar=False) + "\n")

    def close(self) -> None:
        """Finish the bar's line (in a terminal)."""
        if self._terminal:
            self._stream.write("\r" + self._line(bar=True) + "\n")
            self._stream.flush()

    def _line(self, bar: bool) -> str:
        elapsed = time.perf_counter() - self._start
        rate = self.count / elapsed if elapsed > 0 else 0.0
        head = f"{self.desc}: " if self.desc else ""
        counts = f"{self.count}/{self.total}"
        speed = f"{rate:,.1f} {self.unit}/s"
        tail = f", {self.postfix}" if self.postfix else ""
        if not bar:  # a log line: no timing, so that the same run prints the same
            return f"{head}{counts}{tail}"
        width = 24
        filled = int(width * self.count / self.total) if self.total else width
        left = (self.total - self.count) / rate if rate > 0 else 0.0
        return (
            f"{head}[{'#' * filled}{'.' * (width - filled)}] {counts} "
            f"{elapsed:.0f}s<{left:.0f}s {speed}{tail}"
        )


def progress(
    iterable: Iterable[T], total: int | None = None, desc: str = "", unit: str = "it"
) -> Iterator[T]:
    """Iterate over ``iterable`` while showing a :class:`Progress`.

    ``total`` defaults to ``len(iterable)``.
    """
    if total is None:
        total = len(iterable)  # type: ignore[arg-type]
    bar = Progress(total, desc, unit)
    try:
        for item in iterable:
            yield item
            bar.update()
    finally:
        bar.close()
