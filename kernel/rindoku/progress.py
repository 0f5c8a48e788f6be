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


class _PrintAroundBar:
    """Stands in for ``sys.stdout`` while a bar is shown, so that a ``print``
    clears the bar first and the bar is drawn again below the printed line."""

    def __init__(self, stdout: TextIO, bar: Progress) -> None:
        self._stdout, self._bar = stdout, bar

    def write(self, text: str) -> int:
        self._bar.clear()
        written = self._stdout.write(text)
        self._stdout.flush()
        if text.endswith("\n"):
            self._bar.draw()
        return written

    def __getattr__(self, name: str) -> object:
        return getattr(self._stdout, name)


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
        self._next_log = self._log_every
        self._start = time.perf_counter()
        self._last_draw = 0.0
        self._drawn = False  # is the bar on the terminal's current line?
        self._stdout: TextIO | None = None
        if self._terminal and sys.stdout.isatty():
            self._stdout, sys.stdout = sys.stdout, _PrintAroundBar(sys.stdout, self)  # type: ignore[assignment]

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
                self.draw()
        elif self.count >= self._next_log or self.count == self.total:
            self._stream.write(self._line(bar=False) + "\n")
            while self._next_log <= self.count:
                self._next_log += self._log_every

    def draw(self) -> None:
        """Draw the bar over the current terminal line."""
        self._stream.write("\r\x1b[K" + self._line(bar=True))
        self._stream.flush()
        self._drawn = True

    def clear(self) -> None:
        """Erase the bar from the current terminal line, if it is there."""
        if self._drawn:
            self._stream.write("\r\x1b[K")
            self._stream.flush()
            self._drawn = False

    def close(self) -> None:
        """Leave the final bar on its own line, and give ``sys.stdout`` back."""
        if self._stdout is not None:
            sys.stdout, self._stdout = self._stdout, None
        if self._terminal:
            self.draw()
            self._stream.write("\n")
            self._stream.flush()
            self._drawn = False

    def _line(self, bar: bool) -> str:
        elapsed = time.perf_counter() - self._start
        rate = self.count / elapsed if elapsed > 0 else 0.0
        head = f"{self.desc}: " if self.desc else ""
        counts = f"{self.count:,}/{self.total:,}"
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
