"""The worker process behind :mod:`rindoku.execution` (not a public interface).

``python -m rindoku._worker example MODULE:FUNCTION SEED OUTDIR [echo]``
    runs an example, writes ``OUTDIR/result.json`` and the figures; with
    ``echo`` what it prints also goes to this process's stdout as it comes.
``python -m rindoku._worker attempt RECEIVE_FD SEND_FD PARENT_PID``
    runs a member's exercise attempt and answers a check's requests about it
    (:mod:`rindoku.attempt`); the verdict is decided by the process that asks.

A worker ends when the process that started it ends, however that ends.

Only the standard library is imported before the target, so the modules the
target pulls in are exactly those recorded as the example's dependencies.
The data files the example reads are recorded too: :func:`rindoku.data.fetch`
raises an audit event for each, which this process listens for.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import os
import re
import sys
import threading
import time
import traceback
from pathlib import Path
from typing import Any


def _load(target: str) -> object:
    module_name, _, qualname = target.partition(":")
    obj: object = importlib.import_module(module_name)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return obj


class _Echo(io.StringIO):
    """Keeps what the example prints and passes it on to the real stdout."""

    def write(self, text: str) -> int:
        sys.__stdout__.write(text)  # type: ignore[union-attr]
        sys.__stdout__.flush()  # type: ignore[union-attr]
        return super().write(text)


def _data_error(exc: BaseException) -> BaseException | None:
    """The :class:`rindoku.data.DataError` behind ``exc`` (itself, its cause or context)."""
    from rindoku.data import DataError

    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, DataError):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def datasets_named(message: str) -> list[str]:
    """The data sets a :class:`rindoku.data.DataError`'s message tells to fetch.

    Its remedy reads "run 'rindoku data fetch ptb' …" (:func:`rindoku.data.remedy`).
    """
    names: list[str] = []
    for found in re.findall(r"rindoku data fetch ([a-z0-9][a-z0-9 -]*)'", message):
        names.extend(n for n in found.split() if n not in names)
    return names


FETCH_EVENT = "rindoku.data.fetch"
""":data:`rindoku.data.FETCH_EVENT`, named here so that rindoku.data is not imported first."""


def listen_for_reads() -> list[str]:
    """The list that the names of the data files fetched from now on are added to."""
    read: list[str] = []

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if event == FETCH_EVENT and args[0] not in read:
            read.append(args[0])

    sys.addaudithook(hook)
    return read


def run_example(target: str, seed: int, outdir: Path, echo: bool = False) -> None:
    from rindoku.examples import imported_modules, published_values
    from rindoku.examples import run_example as run_here

    read = listen_for_reads()
    stdout = _Echo() if echo else io.StringIO()
    start = time.perf_counter()
    error = data_error = None
    datasets: list[str] = []
    figures: list[Path] = []
    try:
        with contextlib.redirect_stdout(stdout):
            figures = run_here(_load(target), seed, outdir)  # type: ignore[arg-type]
    except BaseException as exc:
        error = traceback.format_exc()
        missing = _data_error(exc)
        if missing is not None:  # a data set is not here: not the example's fault
            text = str(missing)
            data_error = text.split("\n", 1)[0]
            datasets = datasets_named(text)
    seconds = time.perf_counter() - start
    modules = imported_modules()
    values, raw = published_values(outdir)
    result = {
        "stdout": stdout.getvalue(),
        "figures": [path.name for path in figures],
        "seconds": seconds,
        "error": error,
        "data_error": data_error,
        "datasets": datasets,
        "read": read,
        "modules": modules,
        "values": values,
        "raw": raw,
    }
    (outdir / "result.json").write_text(json.dumps(result), encoding="utf-8")


def die_with_parent(parent: int) -> None:
    """End this process as soon as ``parent`` (the rindoku process that started it) ends.

    On Linux the kernel sends SIGKILL when the parent dies (``PR_SET_PDEATHSIG``);
    everywhere a watcher thread checks once a second that the parent is still
    the one that started us.  Either way no worker outlives its owner.
    """
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # it died before the line above
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="rindoku-parent-watch").start()


def main(argv: list[str]) -> None:
    mode, *args = argv
    if mode == "example":
        target, seed, out, *flags = args
        die_with_parent(int(os.environ.get("RINDOKU_PARENT", os.getppid())))
        run_example(target, int(seed), Path(out), echo="echo" in flags)
    elif mode == "attempt":
        from rindoku.attempt import serve

        receive_fd, send_fd, parent = (int(a) for a in args)
        die_with_parent(parent)
        serve(receive_fd, send_fd)
    else:
        raise SystemExit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
