"""The worker process behind :mod:`rindoku.execution` (not a public interface).

``python -m rindoku._worker example MODULE:FUNCTION SEED OUTDIR``
    runs an example, writes ``OUTDIR/result.json`` and the figures.
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


def run_example(target: str, seed: int, outdir: Path) -> None:
    from rindoku.examples import imported_modules
    from rindoku.examples import run_example as run_here

    stdout = io.StringIO()
    start = time.perf_counter()
    error = None
    figures: list[Path] = []
    try:
        with contextlib.redirect_stdout(stdout):
            figures = run_here(_load(target), seed, outdir)  # type: ignore[arg-type]
    except BaseException:
        error = traceback.format_exc()
    result = {
        "stdout": stdout.getvalue(),
        "figures": [path.name for path in figures],
        "seconds": time.perf_counter() - start,
        "error": error,
        "modules": imported_modules(),
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
    mode, target, arg, out = argv
    if mode == "example":
        run_example(target, int(arg), Path(out))
    elif mode == "check":
        check_attempt(target, Path(arg), Path(out))
    else:
        raise SystemExit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
