"""Running examples and checking exercise attempts in worker processes.

Both run in a separate Python process (:mod:`rindoku._worker`) with a time
limit, so that an example that hangs or an attempt with an endless loop gets a
clear message instead of freezing the book build or the terminal.

Example results are cached on disk (:class:`ExampleCache`) under a key made of
the example's source, the source of every ``rindoku`` module the run imported,
the versions of Python, NumPy and matplotlib, and the seed.  Editing a layer
therefore re-runs exactly the examples that import it.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from rindoku.examples import Example
from rindoku.exercises import Exercise

__all__ = [
    "ExampleCache",
    "ExampleResult",
    "Verdict",
    "check_file",
    "example_key",
    "file_digests",
    "library_versions",
    "run_check",
    "run_example_in_worker",
]


# -- worker processes ---------------------------------------------------------


def _run_worker(
    args: list[str], timeout: float, cwd: Path | None = None, echo: bool = False
) -> subprocess.CompletedProcess[str] | None:
    """Run ``python -m rindoku._worker ARGS`` in ``cwd``; None if it ran past ``timeout``.

    The worker gets its own process group so that a timeout also ends anything
    it started.  With ``echo`` its stdout is this process's (the worker echoes
    what the example prints), and the result's ``stdout`` is empty.
    """
    # The worker may run in another folder: what this process can import, it can too.
    paths = [os.path.abspath(p) for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    pythonpath = os.pathsep.join([*paths, os.getcwd()])
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONIOENCODING="utf-8", PYTHONPATH=pythonpath)
    process = subprocess.Popen(
        [sys.executable, "-m", "rindoku._worker", *args],
        stdin=subprocess.DEVNULL,
        stdout=None if echo else subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=cwd,
        start_new_session=True,
    )
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        return None
    return subprocess.CompletedProcess(process.args, process.returncode, stdout or "", stderr)


# -- examples -------------------------------------------------------------------


@dataclass
class ExampleResult:
    """What one run of an example produced.

    ``values`` are the figures it published (:func:`rindoku.examples.publish`),
    formatted, by name; ``raw`` the same values as published.  When it stopped
    because a data set is not here, ``data_error`` is the first line of the
    :class:`rindoku.data.DataError` (what is missing, what to do) and
    ``datasets`` names the data sets, when the message does; ``error`` holds
    the traceback as for any other failure.
    """

    id: str
    stdout: str = ""
    figures: list[Path] = field(default_factory=list)
    seconds: float = 0.0
    error: str | None = None
    modules: dict[str, str] = field(default_factory=dict)
    cached: bool = False
    values: dict[str, str] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)
    data_error: str | None = None
    datasets: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the example ran to its end."""
        return self.error is None


def run_example_in_worker(example: Example, outdir: Path, *, echo: bool = False,
                          timeout: float | None = None) -> ExampleResult:
    """Run ``example`` in a worker process whose working folder is ``outdir``.

    The example's figures, and any file it saves, are written there.  With
    ``echo`` what it prints is shown here as it comes, as well as kept.
    ``timeout`` replaces the example's own time limit.
    """
    outdir = Path(outdir).resolve()
    outdir.mkdir(parents=True, exist_ok=True)
    limit = example.timeout if timeout is None else timeout
    start = time.perf_counter()
    args = ["example", example.target, str(example.seed), str(outdir), *(["echo"] if echo else [])]
    done = _run_worker(args, limit, cwd=outdir, echo=echo)
    seconds = time.perf_counter() - start
    if done is None:
        return ExampleResult(
            example.id,
            seconds=seconds,
            error=f"example {example.id!r} ran past its time limit of {limit:g} s",
        )
    result_file = outdir / "result.json"
    if not result_file.exists():
        return ExampleResult(
            example.id,
            seconds=seconds,
            error=f"example {example.id!r}: the worker process ended with exit code "
            f"{done.returncode}\n{done.stderr.strip()}",
        )
    data = json.loads(result_file.read_text(encoding="utf-8"))
    return _result_from(example.id, data, outdir, error=data["error"])


def _result_from(example_id: str, data: dict[str, Any], folder: Path, *,
                 error: str | None = None, cached: bool = False) -> ExampleResult:
    """An :class:`ExampleResult` from a ``result.json``'s data (an older one has no values)."""
    return ExampleResult(
        example_id,
        stdout=data["stdout"],
        figures=[folder / name for name in data["figures"]],
        seconds=data["seconds"],
        error=error,
        modules=data["modules"],
        cached=cached,
        values=dict(data.get("values") or {}),
        raw=dict(data.get("raw") or {}),
        data_error=data.get("data_error"),
        datasets=list(data.get("datasets") or []),
    )


def library_versions() -> str:
    """The versions an example's output depends on: Python, NumPy, matplotlib."""
    python = ".".join(map(str, sys.version_info[:2]))
    numpy, matplotlib = (importlib.metadata.version(n) for n in ("numpy", "matplotlib"))
    return f"python {python}, numpy {numpy}, matplotlib {matplotlib}"


def file_digests(paths: Iterable[str]) -> dict[str, str]:
    """The SHA-256 of each file (``"missing"`` for one that is gone)."""
    return {
        path: hashlib.sha256(Path(path).read_bytes()).hexdigest()
        if Path(path).is_file() else "missing"
        for path in paths
    }


def example_key(example: Example, modules: dict[str, str], versions: str | None = None) -> str:
    """The cache key of ``example`` given the ``rindoku`` modules a run imported.

    It covers the example's id, source and seed, the library versions and the
    current source of each module (a module whose file is gone never matches).
    ``versions`` replaces this process's :func:`library_versions`: the key a
    recorded run would have now if only the code counts.
    """
    digest = hashlib.sha256()
    versions = library_versions() if versions is None else versions
    for part in (example.id, str(example.seed), example.source, versions):
        digest.update(part.encode() + b"\0")
    for name in sorted(modules):
        path = Path(modules[name])
        content = path.read_bytes() if path.is_file() else f"missing {time.time()}".encode()
        digest.update(name.encode() + b"\0" + hashlib.sha256(content).digest())
    return digest.hexdigest()[:20]


class ExampleCache:
    """Example results on disk: ``ROOT/<example id>/<key>/``.

    ``ROOT/<example id>/modules.json`` remembers the modules the last run
    imported, from which the current key is computed.  A result is written to
    a temporary folder and renamed into place, so an interrupted run never
    leaves a half-written entry.
    """

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def current_key(self, example: Example) -> str | None:
        """The key a cached result of ``example`` would have now, if it was ever run."""
        record = self.root / example.id / "modules.json"
        if not record.exists():
            return None
        return example_key(example, json.loads(record.read_text(encoding="utf-8")))

    def lookup(self, example: Example) -> ExampleResult | None:
        """The cached result of ``example`` if nothing it depends on has changed."""
        key = self.current_key(example)
        if key is None:
            return None
        folder = self.root / example.id / key
        result_file = folder / "result.json"
        if not result_file.exists():
            return None
        data = json.loads(result_file.read_text(encoding="utf-8"))
        return _result_from(example.id, data, folder, cached=True)

    def result_file(self, example: Example, result: ExampleResult) -> Path:
        """The ``result.json`` of a cached result (a file to depend on)."""
        return self.root / example.id / example_key(example, result.modules) / "result.json"

    def run(self, example: Example, *, fresh: bool = False, echo: bool = False,
            timeout: float | None = None) -> ExampleResult:
        """Return the cached result, or run the example in a worker and cache it.

        ``fresh`` runs it even when a result is cached; ``echo`` and ``timeout``
        are :func:`run_example_in_worker`'s.  A run that fails, or that stopped
        for want of data, is not cached.
        """
        cached = None if fresh else self.lookup(example)
        if cached is not None:
            return cached
        scratch = self._scratch(example)
        result = run_example_in_worker(example, scratch, echo=echo, timeout=timeout)
        if not result.ok:
            shutil.rmtree(scratch, ignore_errors=True)
            return result
        return self._keep(example, scratch, result)

    def store(self, example: Example, result: ExampleResult) -> ExampleResult:
        """Cache a result produced elsewhere (``rindoku run`` of a long example)."""
        scratch = self._scratch(example)
        names = []
        for number, figure in enumerate(result.figures, start=1):
            names.append(f"figure-{number}.png")
            shutil.copyfile(figure, scratch / names[-1])
        data = {"stdout": result.stdout, "figures": names, "seconds": result.seconds,
                "error": None, "modules": result.modules, "values": result.values,
                "raw": result.raw}
        (scratch / "result.json").write_text(json.dumps(data), encoding="utf-8")
        result = ExampleResult(example.id, result.stdout, [scratch / n for n in names],
                               result.seconds, None, result.modules, values=dict(result.values),
                               raw=dict(result.raw))
        return self._keep(example, scratch, result)

    def _scratch(self, example: Example) -> Path:
        home = self.root / example.id
        home.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix="run-", dir=home))

    def _keep(self, example: Example, scratch: Path, result: ExampleResult) -> ExampleResult:
        """Rename a complete result into place, replacing the older one."""
        home = scratch.parent
        final = home / example_key(example, result.modules)
        for old in home.iterdir():  # keep only the newest result
            if old.is_dir() and old != scratch:
                shutil.rmtree(old, ignore_errors=True)
        scratch.rename(final)
        (home / "modules.json").write_text(json.dumps(result.modules, indent=1), encoding="utf-8")
        result.figures = [final / f.name for f in result.figures]
        return result


# -- exercises ------------------------------------------------------------------

Status = Literal["passed", "not attempted", "wrong", "raised", "syntax error", "timed out"]


@dataclass(frozen=True)
class Verdict:
    """The outcome of checking one file against an exercise."""

    status: Status
    message: str
    output: str = ""

    @property
    def passed(self) -> bool:
        """True when the check passed."""
        return self.status == "passed"

    def __str__(self) -> str:
        text = f"{self.status}: {self.message}"
        if self.output:
            text += "\n\nyour file printed:\n" + self.output.rstrip()
        return text


def run_check(exercise: Exercise, path: Path, timeout: float | None = None) -> Verdict:
    """Run the exercise's check on the file ``path`` in a worker process.

    Never raises for anything the file does: a syntax error, an exception, an
    endless loop or a process exit all become a :class:`Verdict`.
    """
    timeout = exercise.timeout if timeout is None else timeout
    with tempfile.TemporaryDirectory(prefix="rindoku-check-") as scratch:
        verdict_file = Path(scratch) / "verdict.json"
        args = ["check", exercise.target, str(Path(path).resolve()), str(verdict_file)]
        done = _run_worker(args, timeout)
        if done is None:
            return Verdict(
                "timed out",
                f"the check did not finish within {timeout:g} s: "
                "look for a loop that never ends (a while loop whose condition never changes)",
            )
        if not verdict_file.exists():
            return Verdict(
                "raised",
                f"the process ended before the check finished (exit code {done.returncode}); "
                "does your file call sys.exit() or os._exit()?",
            )
        data = json.loads(verdict_file.read_text(encoding="utf-8"))
    return Verdict(data["status"], data["message"], data.get("output", ""))


def _normalise(code: str) -> str:
    return "\n".join(line.rstrip() for line in code.strip().splitlines())


def check_file(exercise: Exercise, path: Path, timeout: float | None = None) -> Verdict:
    """Check a member's attempt: like :func:`run_check`, but an unchanged
    starter file is reported as 'not attempted'."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"no file {str(path)!r}; write one with 'rindoku exercise start {exercise.id}'"
        )
    if _normalise(path.read_text(encoding="utf-8")) == _normalise(exercise.starter):
        return Verdict(
            "not attempted",
            f"{path.name} is still the starter code: fill in the parts marked TODO "
            f"(stuck? 'rindoku exercise hint {exercise.id}')",
        )
    return run_check(exercise, path, timeout)
