"""A progress display for anything that takes more than a few seconds.

:func:`progress_bar` returns a :class:`tqdm.tqdm`, shown where it is useful:

- in a terminal, tqdm's bar on stderr, redrawn in place, with the speed and
  the time left;
- in Jupyter, tqdm's notebook widget (``tqdm.auto``);
- anywhere else (the book build, a log file, a pipe), a few plain lines on
  stdout, one every tenth of the way, without timings, so that captured output
  reads well and the same run prints the same lines.
"""

from __future__ import annotations

import sys
from typing import Any

from tqdm import tqdm
from tqdm.auto import tqdm as auto_tqdm
from tqdm.notebook import tqdm_notebook

__all__ = ["progress_bar"]


class _PlainLines(tqdm):
    """A tqdm that prints a new line when it is time to report, instead of
    redrawing one line with carriage returns."""

    monitor_interval = 0  # no monitor thread: it would report at times, not at counts
    _shown = 0  # the count on the last line printed; nothing is printed for 0

    def display(self, msg: str | None = None, pos: int | None = None) -> bool:
        if msg is None and self.n != self._shown:  # msg="" is tqdm clearing: nothing to clear
            self._shown = self.n
            self.fp.write(f"{self}\n")
            self.fp.flush()
        return False

    def clear(self, nolock: bool = False) -> None:
        """Nothing to clear (``write`` calls it): printed lines stay as they are."""

    def close(self) -> None:
        if not self.disable:
            self.display()  # the final count, unless it was the last line printed
        super().close()


def progress_bar(
    total: int, desc: str = "", unit: str = "it", *, lines: int = 10, **options: Any
) -> tqdm:
    """A progress bar counting up to ``total`` ``unit`` (``"it"``, ``"words"``, ``"B"``).

    Use it as a tqdm: ``update(n)``, ``set_postfix_str(text, refresh=False)``
    and ``close()`` (or ``with``).  Outside a terminal and Jupyter it prints at
    most ``lines`` plain lines such as ``train: 120/1,200, epoch 1, loss 1.0986``.
    ``options`` go to tqdm's bar in a terminal or Jupyter (the plain lines
    ignore them), e.g. ``unit_scale=True`` for bytes.
    """
    if issubclass(auto_tqdm, tqdm_notebook) or sys.stderr.isatty():
        return auto_tqdm(total=total, desc=desc, unit=unit, **options)
    head = "{desc}: " if desc else ""
    return _PlainLines(
        total=total, desc=desc, unit=unit, file=sys.stdout, leave=False,
        miniters=max(1, -(-total // lines)), mininterval=0,  # at most `lines` lines
        bar_format=head + "{n:,}/{total:,}{postfix}",
    )
