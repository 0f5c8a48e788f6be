"""A benchmark's record: what it printed and the figures it measured, for the book to cite.

Each ``bench_*.py`` script runs inside a :class:`BenchRecord`, which copies
everything the script prints and collects the figures it publishes with
:meth:`BenchRecord.publish` (a name, a number and how to write it).  When the
script finishes without an error, the record is written to
``docs/records/bench.<name>/record.json`` in the form of the book's example
records (kind ``"benchmark"``, no figures), and a chapter cites a figure as
``{rindoku-value}`bench.cbow:fast_epoch_seconds```.

The record states the machine: its cores, CPU model and operating system, the
threads of each BLAS library, ``OPENBLAS_NUM_THREADS``, and the 1-minute load
average before and after the run, since timings on a busy machine say less.
It is written to a temporary file beside its place and renamed into place, so
an interrupted run never leaves half a record.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.metadata
import io
import json
import math
import numbers
import os
import platform
import re
import shlex
import sys
import time
from pathlib import Path
from types import TracebackType
from typing import Any, TextIO

__all__ = ["RECORDS", "BenchRecord", "add_record_options", "machine_summary"]

RECORDS = Path(__file__).resolve().parents[1] / "docs" / "records"
"""Where the book reads its records: ``docs/records`` of this checkout."""

FORMAT = 1
"""The version of the ``record.json`` schema."""

_NAME = re.compile(r"[a-z0-9_]+")
_ID = re.compile(r"[a-z0-9_]+(\.[a-z0-9_]+)*")


def add_record_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--no-record`` and ``--records DIR`` to a benchmark's command line."""
    group = parser.add_argument_group("record")
    group.add_argument("--no-record", action="store_true",
                       help="print the figures only; write no record")
    group.add_argument("--records", type=Path, default=RECORDS, metavar="DIR",
                       help="write the record to DIR/bench.<name>/ (default: docs/records)")


class _Tee(io.TextIOBase):
    """Writes to the real standard output and keeps a copy."""

    def __init__(self, stream: TextIO) -> None:
        self.stream, self.copy = stream, io.StringIO()

    def write(self, text: str) -> int:
        self.copy.write(text)
        return self.stream.write(text)

    def flush(self) -> None:
        self.stream.flush()


class BenchRecord:
    """The record of one benchmark run, id ``bench.<name>``; use it as a context manager.

    ``command`` is the command line that reproduces the run.  Inside the
    ``with`` block, standard output is copied; on leaving it without an
    exception, the record is written to ``records/bench.<name>/record.json``
    (unless ``write`` is false).  A run that raises writes nothing, so the
    last good record stays.
    """

    def __init__(self, name: str, command: str, *, records: Path = RECORDS,
                 write: bool = True, seed: int = 0) -> None:
        if not _ID.fullmatch(name):
            raise ValueError(f"benchmark name {name!r}: use lower-case letters, digits, _ "
                             "and dots (e.g. 'cbow' or 'cbow.quality')")
        self.id = f"bench.{name}"
        self.command, self.records, self.write, self.seed = command, Path(records), write, seed
        self.values: dict[str, str] = {}
        self.raw: dict[str, Any] = {}
        self._tee: _Tee | None = None

    @classmethod
    def from_args(cls, name: str, args: argparse.Namespace,
                  argv: list[str] | None = None) -> BenchRecord:
        """The record of this run of the script, given its parsed ``args``.

        The command is ``python benchmarks/<script> <arguments>``, the
        arguments as given, less the record options.
        """
        argv = sys.argv[1:] if argv is None else argv
        kept, skip = [], False
        for arg in argv:
            if skip:
                skip = False
            elif arg == "--records":
                skip = True
            elif arg != "--no-record" and not arg.startswith("--records="):
                kept.append(arg)
        script = f"benchmarks/{Path(sys.argv[0]).name}"
        return cls(name, shlex.join(["python", script, *kept]), records=args.records,
                   write=not args.no_record)

    @property
    def path(self) -> Path:
        """The record's file, ``records/bench.<name>/record.json``."""
        return self.records / self.id / "record.json"

    def publish(self, name: str, value: float | int | str, fmt: str = "{}") -> str:
        """Keep the figure ``name``: its ``value`` and its text ``fmt.format(value)``.

        Returns the text.  Publishing a name again replaces it.
        """
        if not _NAME.fullmatch(name):
            raise ValueError(f"value name {name!r}: use lower-case letters, digits and _")
        if isinstance(value, bool) or not isinstance(value, numbers.Real | str):
            raise TypeError(f"value {name!r} is a {type(value).__name__}, "
                            "not a number or a text")
        if isinstance(value, numbers.Integral):
            value = int(value)
        elif isinstance(value, numbers.Real):
            value = float(value)
        text = fmt.format(value)
        self.values[name] = text
        self.raw[name] = value if not isinstance(value, float) or math.isfinite(value) else None
        return text

    def __enter__(self) -> BenchRecord:
        self._load_before = _load()
        self._started = time.perf_counter()
        self._tee = _Tee(sys.stdout)
        sys.stdout = self._tee
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        assert self._tee is not None
        sys.stdout.flush()
        sys.stdout = self._tee.stream
        if kind is not None or not self.write:
            return
        seconds = time.perf_counter() - self._started
        record = {
            "format": FORMAT,
            "rindoku": _version("rindoku"),
            "id": self.id,
            "kind": "benchmark",
            "key": "",
            "recorded": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "command": self.command,
            "seed": self.seed,
            "seconds": round(seconds, 1),
            "versions": versions(),
            "machine": machine_summary(self._load_before, _load()),
            "stdout": self._tee.copy.getvalue(),
            "figures": [],
            "values": self.values,
            "raw": self.raw,
        }
        _write_atomically(self.path, json.dumps(record, indent=1, ensure_ascii=False) + "\n")
        print(f"\nrecord: {_shown(self.path)} ({len(self.values)} values)")


def _write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``path``, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        scratch.write_text(text, encoding="utf-8")
        os.replace(scratch, path)
    finally:
        scratch.unlink(missing_ok=True)


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def versions() -> str:
    """Python and the versions of the libraries the benchmarks time."""
    python = ".".join(map(str, sys.version_info[:3]))
    libraries = ("numpy", "scipy", "scikit-learn", "gensim")
    return ", ".join([f"python {python}",
                      *(f"{name} {_version(name)}" for name in libraries)])


def _load() -> float | None:
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):  # no load average on Windows
        return None


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.lower().startswith(("model name", "hardware", "cpu model")):
                return " ".join(line.partition(":")[2].split())
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown CPU"


def _os_name() -> str:
    system = f"{platform.system()} {platform.release()} {platform.machine()}"
    try:
        release = platform.freedesktop_os_release().get("PRETTY_NAME", "")
    except OSError:
        release = ""
    return f"{system} ({release})" if release else system


def _thread_pools() -> str:
    """Each BLAS and OpenMP library loaded now, with its version and threads."""
    from threadpoolctl import threadpool_info

    def describe(pool: dict[str, Any]) -> str:
        name = f"{pool.get('internal_api', '?')} {pool.get('version') or ''}".strip()
        threads = pool.get("num_threads", "?")
        return f"{name} {threads} thread{'' if threads == 1 else 's'}"

    pools = sorted(describe(pool) for pool in threadpool_info()
                   if pool.get("user_api") in ("blas", "openmp"))
    return "BLAS/OpenMP " + ("; ".join(pools) if pools else "none loaded")


def machine_summary(load_before: float | None, load_after: float | None) -> str:
    """One line: cores, CPU model, OS, thread settings and the 1-minute load average.

    ``"2 cores, Intel(R) Xeon(R) Processor, Linux 6.1 x86_64 (Debian GNU/Linux 12
    (bookworm)), BLAS/OpenMP openblas 0.3.30 2 threads, OPENBLAS_NUM_THREADS=1,
    load average 0.88 before, 2.04 after"``.  The first two parts are the
    cores and the CPU model, as in the book's example records.
    """
    def load(value: float | None) -> str:
        return "?" if value is None else f"{value:.2f}"

    parts = [
        f"{os.cpu_count() or '?'} cores",
        _cpu_model().replace(",", " "),
        _os_name().replace(",", " "),
        _thread_pools().replace(",", " "),
        "OPENBLAS_NUM_THREADS=" + os.environ.get("OPENBLAS_NUM_THREADS", "(unset)"),
        f"load average {load(load_before)} before, {load(load_after)} after",
    ]
    return ", ".join(parts)
