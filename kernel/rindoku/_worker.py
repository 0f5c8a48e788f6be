"""The worker process behind :mod:`rindoku.execution` (not a public interface).

``python -m rindoku._worker example MODULE:FUNCTION SEED OUTDIR [echo]``
    runs an example, writes ``OUTDIR/result.json`` and the figures; with
    ``echo`` what it prints also goes to this process's stdout as it comes.
``python -m rindoku._worker check MODULE:FUNCTION FILE VERDICT_JSON``
    runs an exercise check on FILE and writes the verdict.

Only the standard library is imported before the target, so the modules the
target pulls in are exactly those recorded as the example's dependencies.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import re
import sys
import time
import traceback
import types
from pathlib import Path


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


def run_example(target: str, seed: int, outdir: Path, echo: bool = False) -> None:
    from rindoku.examples import imported_modules, published_values
    from rindoku.examples import run_example as run_here

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
        "modules": modules,
        "values": values,
        "raw": raw,
    }
    (outdir / "result.json").write_text(json.dumps(result), encoding="utf-8")


def _their_traceback(exc: BaseException, path: str) -> str:
    """The traceback trimmed to the frames in the member's file."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == path]
    lines = traceback.format_list(frames) if frames else []
    return "".join(lines) + "".join(traceback.format_exception_only(type(exc), exc))


def check_attempt(target: str, file: Path, verdict_file: Path) -> None:
    from rindoku.exercises import CheckFailed

    check = _load(target)
    path = str(file)
    output = io.StringIO()

    def verdict(status: str, message: str) -> None:
        data = {"status": status, "message": message, "output": output.getvalue()}
        verdict_file.write_text(json.dumps(data), encoding="utf-8")

    source = file.read_text(encoding="utf-8")
    try:
        code = compile(source, path, "exec")
    except SyntaxError as exc:
        text = (exc.text or "").rstrip()
        pointer = f"\n    {text}\n    {' ' * max((exc.offset or 1) - 1, 0)}^" if text else ""
        verdict("syntax error", f"{file.name}, line {exc.lineno}: {exc.msg}{pointer}")
        return
    module = types.ModuleType("attempt")
    module.__file__ = path
    try:
        with contextlib.redirect_stdout(output):
            exec(code, module.__dict__)
            check(module)  # type: ignore[operator]
    except CheckFailed as exc:
        verdict("wrong", str(exc))
    except NotImplementedError as exc:
        where = _their_traceback(exc, path)
        verdict("raised", f"a part marked TODO is still to be written:\n{where}")
    except BaseException as exc:
        verdict("raised", f"your code raised an exception:\n{_their_traceback(exc, path)}")
    else:
        verdict("passed", "every check passed")


def main(argv: list[str]) -> None:
    mode, target, arg, out, *flags = argv
    if mode == "example":
        run_example(target, int(arg), Path(out), echo="echo" in flags)
    elif mode == "check":
        check_attempt(target, Path(arg), Path(out))
    else:
        raise SystemExit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
