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
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from filelock import FileLock

from rindoku.attempt import (
    Attempt,
    AttemptEnded,
    AttemptRaised,
    AttemptTimedOut,
    dies_with_this_process,
    end_process_group,
    worker_environment,
)
from rindoku.examples import Example
from rindoku.exercises import Exercise
from rindoku.i18n import figure_translations, translated_name
from rindoku.language import ENGLISH, N_, Words

__all__ = [
    "ExampleCache",
    "ExampleResult",
    "AttemptFileError",
    "STATUSES",
    "Verdict",
    "check_file",
    "read_attempt",
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

    The worker gets its own process group, which is killed when the time is up
    and whenever this call ends early (Ctrl-C, an error): nothing it started
    keeps running.  The worker also ends itself when this process ends, however
    that ends (:func:`rindoku._worker.die_with_parent`).  With ``echo`` its
    stdout is this process's (the worker echoes what the example prints), and
    the result's ``stdout`` is empty.
    """
    env = dict(worker_environment(), RINDOKU_PARENT=str(os.getpid()))
    process = subprocess.Popen(
        [sys.executable, "-m", "rindoku._worker", *args],
        stdin=subprocess.DEVNULL,
        stdout=None if echo else subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=cwd,
        start_new_session=True,
        preexec_fn=dies_with_this_process(),  # noqa: PLW1509
    )
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        end_process_group(process)
        process.communicate()
        return None
    finally:
        end_process_group(process)  # anything it left behind, or an interrupted wait
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
    the traceback as for any other failure.  ``read`` names the data files
    the run fetched (:func:`rindoku.data.fetch`), ``[]`` for none; None when
    that is not known (a result an older rindoku cached).
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
    read: list[str] | None = None

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
        read=None if data.get("read") is None else list(data["read"]),
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
    a scratch folder and renamed into place, so an interrupted run never leaves
    a half-written entry.

    Several processes may share one cache (two book builds, a build and a
    ``rindoku run``): running and storing an example happen under a file lock
    of its own (``ROOT/<example id>/.lock``), so a result is computed once and
    read by all; a scratch folder carries its owner's process id and is
    removed only by its owner, or after its owner has ended.
    """

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def current_key(self, example: Example) -> str | None:
        """The key a cached result of ``example`` would have now, if it was ever run."""
        record = self.root / example.id / "modules.json"
        try:
            modules = json.loads(record.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return None
        return example_key(example, modules)

    def lookup(self, example: Example) -> ExampleResult | None:
        """The cached result of ``example`` if nothing it depends on has changed."""
        key = self.current_key(example)
        if key is None:
            return None
        folder = self.root / example.id / key
        try:
            data = json.loads((folder / "result.json").read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):  # not there, or replaced as we looked
            return None
        return _result_from(example.id, data, folder, cached=True)

    def result_file(self, example: Example, result: ExampleResult) -> Path:
        """The ``result.json`` of a cached result (a file to depend on)."""
        return self.root / example.id / example_key(example, result.modules) / "result.json"

    def run(self, example: Example, *, fresh: bool = False, echo: bool = False,
            timeout: float | None = None) -> ExampleResult:
        """Return the cached result, or run the example in a worker and cache it.

        ``fresh`` runs it even when a result is cached; ``echo`` and ``timeout``
        are :func:`run_example_in_worker`'s.  A run that fails, or that stopped
        for want of data, is not cached.  While another process runs the same
        example into this cache, this one waits for its result.
        """
        cached = None if fresh else self.lookup(example)
        if cached is not None:
            return cached
        limit = example.timeout if timeout is None else timeout
        with self._lock(example, limit):
            cached = None if fresh else self.lookup(example)  # made while we waited?
            if cached is not None:
                return cached
            scratch = self._scratch(example)
            try:
                result = run_example_in_worker(example, scratch, echo=echo, timeout=timeout)
                if not result.ok:
                    shutil.rmtree(scratch, ignore_errors=True)
                    return result
                return self._keep(example, scratch, result)
            except BaseException:
                shutil.rmtree(scratch, ignore_errors=True)
                raise

    def store(self, example: Example, result: ExampleResult) -> ExampleResult:
        """Cache a result produced elsewhere (``rindoku run`` of a long example)."""
        with self._lock(example, 60.0):
            scratch = self._scratch(example)
            names = []
            for number, figure in enumerate(result.figures, start=1):
                names.append(f"figure-{number}.png")
                shutil.copyfile(figure, scratch / names[-1])
                for language, variant in figure_translations(figure).items():  # figure-1.ja.png
                    shutil.copyfile(variant, scratch / translated_name(names[-1], language))
            data = {"stdout": result.stdout, "figures": names, "seconds": result.seconds,
                    "error": None, "modules": result.modules, "values": result.values,
                    "raw": result.raw, "read": result.read}
            (scratch / "result.json").write_text(json.dumps(data), encoding="utf-8")
            result = ExampleResult(example.id, result.stdout, [scratch / n for n in names],
                                   result.seconds, None, result.modules,
                                   values=dict(result.values), raw=dict(result.raw),
                                   read=result.read)
            return self._keep(example, scratch, result)

    def _lock(self, example: Example, wait: float) -> FileLock:
        """The lock of ``example``'s entries; waiting longer than one run is an error."""
        home = self.root / example.id
        home.mkdir(parents=True, exist_ok=True)
        return FileLock(home / ".lock", timeout=wait + 60.0)

    def _scratch(self, example: Example) -> Path:
        """A new scratch folder ``run-<pid>-…``, after removing those of ended processes."""
        home = self.root / example.id
        home.mkdir(parents=True, exist_ok=True)
        for old in home.glob("run-*"):
            owner = _owner(old.name)
            if owner is None or not _alive(owner):
                shutil.rmtree(old, ignore_errors=True)
        return Path(tempfile.mkdtemp(prefix=f"run-{os.getpid()}-", dir=home))

    def _keep(self, example: Example, scratch: Path, result: ExampleResult) -> ExampleResult:
        """Rename a complete result into place, replacing the older one (under the lock)."""
        home = scratch.parent
        final = home / example_key(example, result.modules)
        for old in home.iterdir():  # keep only the newest result; scratch folders stay
            if old.is_dir() and not old.name.startswith("run-"):
                shutil.rmtree(old, ignore_errors=True)
        scratch.rename(final)
        write_text_atomically(home / "modules.json", json.dumps(result.modules, indent=1))
        result.figures = [final / f.name for f in result.figures]
        return result


def _owner(name: str) -> int | None:
    """The process id in a scratch folder's name ``run-<pid>-…`` (None for another name)."""
    parts = name.split("-")
    return int(parts[1]) if len(parts) >= 3 and parts[1].isdigit() else None


def _alive(pid: int) -> bool:
    """True while process ``pid`` exists."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def write_text_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that a reader sees the old file or the new one, whole."""
    with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, suffix=".tmp",
                                     prefix=f".{path.name}-", encoding="utf-8") as tmp:
        tmp.write(text)
    os.replace(tmp.name, path)


# -- exercises ------------------------------------------------------------------

Status = Literal["passed", "not attempted", "wrong", "raised", "syntax error", "timed out"]

STATUSES: dict[str, str] = {
    "passed": N_("passed"),
    "not attempted": N_("not attempted"),
    "wrong": N_("wrong"),
    "raised": N_("raised"),
    "syntax error": N_("syntax error"),
    "timed out": N_("timed out"),
}
"""Each status as a member reads it, to be translated (the status itself stays English)."""


@dataclass(frozen=True)
class Verdict:
    """The outcome of checking one file against an exercise.

    ``message`` is in the language of the words the check was given (a
    chapter's own message about a wrong result is in English);
    ``output`` is what the attempt printed (its first and last lines when it
    printed many); ``encoding`` the one its file was read in.
    """

    status: Status
    message: str
    output: str = ""
    encoding: str = "utf-8"

    @property
    def passed(self) -> bool:
        """True when the check passed."""
        return self.status == "passed"

    def text(self, words: Words = ENGLISH) -> str:
        """The verdict as a member reads it, in the language of ``words``."""
        _ = words.gettext
        text = _("{status}: {message}").format(status=_(STATUSES[self.status]),
                                               message=self.message)
        if self.output:
            text += "\n\n" + _("your file printed:") + "\n" + self.output.rstrip()
        if self.encoding != "utf-8":
            text += "\n\n" + _("(your file is not UTF-8: it was read as {encoding})").format(
                encoding=_(self.encoding))
        return text

    def __str__(self) -> str:
        return self.text()


class AttemptFileError(ValueError):
    """An attempt file that cannot be read: the message names it and what to do."""


ENCODINGS = (("utf-8-sig", N_("UTF-8 with a byte-order mark")), ("utf-8", "utf-8"),
             ("cp932", N_("Shift_JIS (CP932)")))
"""The encodings an attempt file is tried in, in order, with the names a member reads."""


def read_attempt(path: Path, words: Words = ENGLISH) -> tuple[str, str]:
    """The text of a member's file and the encoding it was read in.

    UTF-8 first (with or without a byte-order mark); then Shift_JIS in its
    Windows form, CP932, which an editor on a Japanese Windows may still use.
    Anything else is an :class:`AttemptFileError` naming the file, in the
    language of ``words``.
    """
    _ = words.gettext
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise AttemptFileError(_("cannot read {path}: {problem}").format(
            path=path, problem=exc.strerror or exc)) from None
    for codec, name in ENCODINGS:
        if codec == "utf-8-sig" and not data.startswith(b"\xef\xbb\xbf"):
            continue
        try:
            return data.decode(codec), name
        except UnicodeDecodeError:
            continue
    raise AttemptFileError(_(
        "{path} is neither UTF-8 nor Shift_JIS text: save it as UTF-8 (in most editors: "
        "'Save with encoding' → UTF-8)").format(path=path))


def _syntax_error(path: Path, source: str, words: Words) -> str | None:
    """The syntax error of ``source`` with a caret under it, or None (compiling runs nothing).

    Python's own words for the error (``invalid syntax``) stay as Python says them.
    """
    _ = words.gettext
    try:
        compile(source, str(path), "exec")
    except SyntaxError as exc:
        text = (exc.text or "").rstrip()
        pointer = f"\n    {text}\n    {' ' * max((exc.offset or 1) - 1, 0)}^" if text else ""
        return _("{file}, line {line}: {error}").format(
            file=path.name, line=exc.lineno, error=exc.msg) + pointer
    except ValueError as exc:  # e.g. a NUL byte in the source
        return f"{path.name}: {exc}"
    return None


def run_check(exercise: Exercise, path: Path, timeout: float | None = None,
              words: Words = ENGLISH) -> Verdict:
    """Check the file ``path`` against ``exercise``.

    The file runs in a worker process of its own (:class:`rindoku.attempt.Attempt`);
    the check runs here, calling the member's code through proxies, and this
    process alone decides the verdict.  Never raises for anything the file
    does: a syntax error, an exception, an endless loop or a process exit all
    become a :class:`Verdict`, whose message is in the language of ``words``.
    """
    timeout = exercise.timeout if timeout is None else timeout
    path = Path(path).resolve()
    source, encoding = read_attempt(path, words)
    problem = _syntax_error(path, source, words)
    if problem is not None:
        return Verdict("syntax error", problem, encoding=encoding)
    with Attempt(path, source, timeout) as attempt:
        status, message = _judge(exercise, attempt, timeout, words)
        attempt.close()
        output = attempt.output()
    return Verdict(status, message, output, encoding)


def _judge(exercise: Exercise, attempt: Attempt, timeout: float, words: Words
           ) -> tuple[Status, str]:
    """Run the exercise's check against the attempt; the verdict's status and message."""
    from rindoku.exercises import CheckFailed

    _ = words.gettext
    try:
        exercise.check(attempt.load())  # type: ignore[arg-type]
    except CheckFailed as exc:
        return "wrong", str(exc)
    except AttemptRaised as exc:
        if exc.todo:
            return "raised", _("a part marked TODO is still to be written:") + \
                f"\n{exc.traceback}"
        return "raised", _("your code raised an exception:") + f"\n{exc.traceback}"
    except AttemptTimedOut:
        return ("timed out", _("the check did not finish within {seconds} s: look for a loop "
                               "that never ends (a while loop whose condition never changes)"
                               ).format(seconds=f"{timeout:g}"))
    except AttemptEnded as exc:
        if exc.returncode is None:
            ended = _("the process ended before the check finished")
        else:
            ended = _("the process ended before the check finished (exit code {code})").format(
                code=exc.returncode)
        return ("raised", _("{ended}; does your file call sys.exit() or os._exit()?").format(
            ended=ended))
    except Exception as exc:  # the check could not use what the member's code gave back
        return "raised", _("the check could not use what your code returned: {error}").format(
            error=f"{type(exc).__name__}: {exc}")
    return "passed", _("every check passed")


def _normalise(code: str) -> str:
    """The code's lines without trailing spaces, and without the comments above it
    (where ``rindoku exercise start`` writes the exercise's prompt)."""
    lines = [line.rstrip() for line in code.strip().splitlines()]
    while lines and (not lines[0] or lines[0].startswith("#")):
        lines.pop(0)
    return "\n".join(lines)


def check_file(exercise: Exercise, path: Path, timeout: float | None = None,
               words: Words = ENGLISH) -> Verdict:
    """Check a member's attempt: like :func:`run_check`, but an unchanged
    starter file is reported as 'not attempted'.

    A file that is missing raises :class:`FileNotFoundError`, one that cannot
    be read or decoded :class:`AttemptFileError`; both say what to do, in the
    language of ``words``.
    """
    _ = words.gettext
    path = Path(path)
    if path.is_dir():
        raise AttemptFileError(_("{path} is a folder; give the attempt's .py file").format(
            path=path))
    if not path.is_file():
        raise FileNotFoundError(
            _("no file {path}; write one with 'rindoku exercise start {id}'").format(
                path=repr(str(path)), id=exercise.id))
    source, encoding = read_attempt(path, words)
    if _normalise(source) == _normalise(exercise.starter):
        return Verdict(
            "not attempted",
            _("{file} is still the starter code: fill in the parts marked TODO "
              "(stuck? 'rindoku exercise hint {id}')").format(file=path.name, id=exercise.id),
            encoding=encoding,
        )
    return run_check(exercise, path, timeout, words)
