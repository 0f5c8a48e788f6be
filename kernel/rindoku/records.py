"""Recorded results: a long run's output, figures and published values, kept in the repository.

``rindoku record ID`` runs an example and writes ``docs/records/<ID>/``: a
``record.json`` (what it printed, its published values, when, how, on what
machine, with which versions, its cache key) and its figures as
``figure-N.png``.  The book shows a record where it does not run the example
itself (a long example, or one whose data set is not here), with a line that
says when and how it was recorded, and says so when the code has changed since
(the record is *stale*).  Benchmarks write records of the same form, with the
id ``bench.<name>`` and no figures.

A record is written to a temporary folder beside its place and renamed into
place, so an interrupted run never leaves half a record.  A record that
cannot be read, or that another format or another major version of rindoku
wrote, is a :class:`RecordError` that names its file: the book reports it
and treats the record as absent.
"""

from __future__ import annotations

import contextlib
import datetime
import importlib.util
import json
import os
import platform
import re
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from rindoku import __version__
from rindoku.examples import Example, figure_description
from rindoku.execution import ExampleResult, example_key, library_versions
from rindoku.i18n import figure_translations, translated_name

__all__ = [
    "FORMAT",
    "RECORD_FILE",
    "Record",
    "RecordError",
    "example_record",
    "is_stale",
    "load_records",
    "machine_summary",
    "read_record",
    "runs_only_when_named",
    "write_record",
]

FORMAT = 1
"""The version of the ``record.json`` schema this rindoku reads and writes."""

RECORD_FILE = "record.json"

NAMED_ONLY_SECONDS = 6 * 3600.0
"""A long example allowed more time than this takes hours (the book's own 40 epochs
of BetterRnnlm): it runs only when named, never with ``--all`` or ``book --long``."""

_FIELDS: dict[str, type | tuple[type, ...]] = {
    "format": int, "rindoku": str, "id": str, "kind": str, "key": str, "recorded": str,
    "command": str, "seed": int, "seconds": (int, float), "versions": str, "machine": str,
    "stdout": str, "figures": list, "values": dict, "raw": dict,
}


class RecordError(ValueError):
    """A record that cannot be used: ``path`` is its file, ``reason`` says why."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path, self.reason = Path(path), reason
        super().__init__(f"{path}: {reason}")


@dataclass(frozen=True)
class Record:
    """A recorded run, as read from ``<folder>/record.json``.

    ``modules`` are the names of the modules the run imported (an example's
    record only): with them the record's key can be computed again from
    today's code (:func:`is_stale`).
    """

    folder: Path
    id: str
    kind: Literal["example", "benchmark"]
    key: str
    recorded: str
    command: str
    seed: int
    seconds: float
    versions: str
    machine: str
    stdout: str
    figures: list[dict[str, str]]
    values: dict[str, str]
    raw: dict[str, Any]
    rindoku: str = __version__
    modules: list[str] = field(default_factory=list)

    @property
    def file(self) -> Path:
        return self.folder / RECORD_FILE

    @property
    def figure_paths(self) -> list[Path]:
        return [self.folder / f["file"] for f in self.figures]

    @property
    def date(self) -> str:
        """The day it was recorded, ``2026-12-02``."""
        return self.recorded[:10]

    @property
    def machine_short(self) -> str:
        """The cores and the CPU model: the first two parts of :attr:`machine`."""
        return ", ".join(self.machine.split(", ")[:2])


def read_record(folder: Path) -> Record:
    """The record in ``folder``; :class:`RecordError` naming its file if it cannot be used."""
    folder = Path(folder)
    path = folder / RECORD_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RecordError(path, _short(exc)) from exc
    if not isinstance(data, dict):
        raise RecordError(path, "not a JSON object")
    if data.get("format") != FORMAT:
        raise RecordError(path, f"format {data.get('format')!r}, this rindoku reads {FORMAT}")
    major = str(data.get("rindoku", "")).split(".")[0]
    if major != __version__.split(".")[0]:
        raise RecordError(path, f"written by rindoku {data.get('rindoku')!r}, "
                          f"this is {__version__}")
    for name, kind in _FIELDS.items():
        if name not in data:
            raise RecordError(path, f"no {name!r}")
        if not isinstance(data[name], kind) or isinstance(data[name], bool):
            raise RecordError(path, f"{name!r} is {type(data[name]).__name__}")
    if data["id"] != folder.name:
        raise RecordError(path, f"the record of {data['id']!r} in the folder of {folder.name!r}")
    if data["kind"] not in ("example", "benchmark"):
        raise RecordError(path, f"kind {data['kind']!r}, not 'example' or 'benchmark'")
    for figure in data["figures"]:
        if not isinstance(figure, dict) or not isinstance(figure.get("file"), str):
            raise RecordError(path, "a figure without a file name")
        if "/" in figure["file"] or not (folder / figure["file"]).is_file():
            raise RecordError(path, f"its figure {figure['file']!r} is not in {folder}")
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in data["values"].items()):
        raise RecordError(path, "'values' must map names to texts")
    modules = data.get("modules", [])
    if not isinstance(modules, list) or not all(isinstance(m, str) for m in modules):
        raise RecordError(path, "'modules' must be a list of module names")
    return Record(
        folder=folder, id=data["id"], kind=data["kind"], key=data["key"],
        recorded=data["recorded"], command=data["command"], seed=data["seed"],
        seconds=float(data["seconds"]), versions=data["versions"], machine=data["machine"],
        stdout=data["stdout"],
        figures=[{"file": f["file"], "alt": str(f.get("alt", ""))} for f in data["figures"]],
        values=dict(data["values"]), raw=dict(data["raw"]), rindoku=data["rindoku"],
        modules=list(modules),
    )


def _short(exc: BaseException) -> str:
    if isinstance(exc, FileNotFoundError):
        return "no such file"
    return f"{type(exc).__name__}: {exc}"


def load_records(root: Path) -> tuple[dict[str, Record], list[RecordError]]:
    """Every record under ``root`` (``docs/records``) by id, and those that cannot be used.

    A folder without a ``record.json`` is not a record and is passed over.
    """
    records: dict[str, Record] = {}
    problems: list[RecordError] = []
    root = Path(root)
    if not root.is_dir():
        return records, problems
    for folder in sorted(root.iterdir()):
        if not folder.is_dir() or folder.name.startswith(".") or not (
                folder / RECORD_FILE).exists():
            continue
        try:
            records[folder.name] = read_record(folder)
        except RecordError as exc:
            problems.append(exc)
    return records, problems


def write_record(root: Path, data: dict[str, Any], figures: Iterable[Path] = ()) -> Path:
    """Write the record ``data`` and its ``figures`` to ``root/<id>/``; return the folder.

    ``data`` follows the schema (``format``, ``rindoku``, ``id``, ``kind`` …, as
    :func:`example_record` makes it); the figures are copied in as
    ``figure-1.png`` … in order, and ``data["figures"]`` names them; each one's
    translations (:mod:`rindoku.i18n`) come with it, ``figure-1.ja.png``.  The
    folder is made complete beside its place and then renamed into it,
    replacing an older record.
    """
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    final = root / str(data["id"])
    scratch = Path(tempfile.mkdtemp(prefix=f".{data['id']}-", dir=root))
    try:
        figures = list(figures)
        entries = list(data.get("figures") or [])
        named = []
        for number, source in enumerate(figures, start=1):
            name = f"figure-{number}.png"
            shutil.copyfile(source, scratch / name)
            for language, variant in figure_translations(source).items():  # figure-1.ja.png
                shutil.copyfile(variant, scratch / translated_name(name, language))
            alt = entries[number - 1].get("alt", "") if number <= len(entries) else ""
            named.append({"file": name, "alt": alt})
        data = {**data, "figures": named}
        (scratch / RECORD_FILE).write_text(
            json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        os.chmod(scratch, 0o755)
        old = None
        if final.exists():
            old = root / f".{data['id']}-old-{os.getpid()}"
            final.rename(old)
        scratch.rename(final)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    return final


def now() -> str:
    """The time now, UTC, ISO 8601 to the second: ``2026-12-02T09:14:03Z``."""
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def example_record(example: Example, result: ExampleResult, command: str,
                   machine: str) -> dict[str, Any]:
    """The record of a finished run of ``example`` (:func:`write_record` writes it).

    ``machine`` is :func:`machine_summary` as it was when the run started.
    """
    return {
        "format": FORMAT,
        "rindoku": __version__,
        "id": example.id,
        "kind": "example",
        "key": example_key(example, result.modules),
        "recorded": now(),
        "command": command,
        "seed": example.seed,
        "seconds": round(result.seconds, 1),
        "versions": library_versions(),
        "machine": machine,
        "stdout": result.stdout,
        "figures": [{"file": f"figure-{n}.png", "alt": figure_description(path)}
                    for n, path in enumerate(result.figures, start=1)],
        "values": dict(result.values),
        "raw": dict(result.raw),
        "modules": sorted(result.modules),
    }


def module_files(names: Iterable[str]) -> dict[str, str]:
    """Each module's source file as this Python finds it (``""`` if it finds none)."""
    files = {}
    for name in names:
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            spec = None
        files[name] = (spec.origin or "") if spec is not None and spec.has_location else ""
    return files


def runs_only_when_named(example: Example) -> bool:
    """True for a long example of hours, which ``rindoku record --all`` and
    ``rindoku book --long`` leave out: ``rindoku run ID`` or ``rindoku record ID`` runs it."""
    return example.size == "long" and example.timeout > NAMED_ONLY_SECONDS


def is_stale(record: Record, example: Example) -> bool:
    """True when the example's code has changed since the record was made.

    The record's key is made again from today's source of the example and of
    each module the run imported, with the library versions of the record: a
    newer NumPy alone does not make a record stale.
    """
    if record.kind != "example" or not record.key:
        return False
    files = module_files(record.modules)
    return example_key(example, files, versions=record.versions) != record.key


def machine_summary() -> str:
    """Cores, CPU model, operating system, BLAS threads and the 1-minute load average.

    ``"16 cores, AMD EPYC 9654 96-Core Processor, Linux 6.8.0 x86_64, 16 BLAS
    threads (openblas), load 0.52"``.
    """
    cores = os.cpu_count() or 0
    model = " ".join(re.sub(r"\((R|TM|tm)\)", "", _cpu_model()).replace(",", " ").split())
    system = f"{platform.system()} {platform.release()} {platform.machine()}".strip()
    parts = [f"{cores} cores", model or "unknown CPU", system, _blas_threads()]
    with contextlib.suppress(AttributeError, OSError):  # no load average on Windows
        parts.append(f"load {os.getloadavg()[0]:.2f}")
    return ", ".join(parts)


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.lower().startswith(("model name", "hardware", "cpu model")):
                return " ".join(line.partition(":")[2].split())
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _blas_threads() -> str:
    from threadpoolctl import threadpool_info

    blas = [pool for pool in threadpool_info() if pool.get("user_api") == "blas"]
    if not blas:
        return "BLAS threads unknown"
    threads = max(int(pool.get("num_threads", 0)) for pool in blas)
    names = ", ".join(sorted({str(pool.get("internal_api", "")) for pool in blas}))
    return f"{threads} BLAS thread{'s' if threads != 1 else ''} ({names})"
