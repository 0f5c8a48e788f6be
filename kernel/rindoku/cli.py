"""The ``rindoku`` command: list, run, record, exercise, data, plugins, book, new-chapter.

Every failure a user can cause (a misspelt id, a missing file, a file that
would be overwritten) ends with one line on stderr and exit status 2; a check
that does not pass ends with status 1.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn, TextIO

from rindoku import __version__
from rindoku.chapter import Dataset
from rindoku.data import (
    CACHE,
    ENV_VAR,
    MISSING,
    PROVIDED,
    DataError,
    FileState,
    cache_dir,
    download,
    env_problem,
    locate,
    remedy,
    state_of,
)
from rindoku.examples import Example, imported_modules, published_values, run_example
from rindoku.execution import AttemptFileError, ExampleCache, ExampleResult, check_file
from rindoku.kinds import KINDS as _KINDS
from rindoku.records import example_record, machine_summary, write_record
from rindoku.registry import Registry, UnknownNameError, closest_names, load_registry
from rindoku.scaffold import ScaffoldError, check_slug, new_chapter

KINDS = tuple(kind.name for kind in _KINDS if kind.listed)
"""What ``rindoku list`` can list (:data:`rindoku.kinds.KINDS`)."""


class UsageError(Exception):
    """A mistake on the command line: shown as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a mistake is one line (no usage block): what is wrong and where to look."""

    def error(self, message: str) -> NoReturn:
        # "argument --timeout: must be …" reads better as "--timeout must be …"
        message = re.sub(r"^argument (--[\w-]+): (?=must )", r"\1 ", message)
        self.exit(2, f"rindoku: error: {message} (see '{self.prog} --help')\n")


def _seed(text: str) -> int:
    """``--seed``: NumPy's generators take a whole number from 0 up (any size)."""
    try:
        seed = int(text)
    except ValueError:
        seed = -1
    if seed < 0:
        raise argparse.ArgumentTypeError(f"must be a whole number from 0 up, got {text}")
    return seed


def _seconds(text: str) -> float:
    """``--timeout`` of every command: a time limit that can run out, so finite and above 0."""
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not (math.isfinite(seconds) and seconds > 0):
        raise argparse.ArgumentTypeError(
            f"must be a finite number of seconds above 0, got {text}")
    return seconds


def _file_in_the_way(folder: Path) -> Path | None:
    """The file standing where ``folder`` or one of its parents should be, if any."""
    for place in [folder, *folder.parents]:
        if place.exists():
            return None if place.is_dir() else place
    return None


def _make_folder(folder: Path, advice: str) -> None:
    """Make ``folder`` if need be; one line (ending in ``advice``) if it cannot be written in."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot make the folder {folder}: {exc.strerror}; {advice}") from exc
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UsageError(f"cannot write in {folder}: {advice}")


def _checkout(root: str | None, for_new_chapter: bool = False) -> Path:
    """The checkout that ``--root`` names, or else the one containing the current folder."""
    if root is None:
        return find_checkout(Path.cwd(), for_new_chapter)
    path = Path(root)
    if not ((path / "docs" / "conf.py").is_file() and (path / "pyproject.toml").is_file()):
        raise UsageError(f"--root {root} is not a rindoku checkout (a folder with docs/conf.py "
                         "and pyproject.toml): give one, or leave --root out inside one")
    return path


SUGGESTED = 4
"""How many ids a bare name's suggestion shows at most."""


def _unknown_name(exc: UnknownNameError, registry: Registry) -> str:
    """The message for a name that is not registered.

    A bare name (``spiral``) is also looked for as the part of an id after its
    chapter's slug (``backprop.spiral``, ``optimizers.spiral``): the ids it
    finds, or failing that the closest, are suggested.
    """
    kind = next((k.name for k in _KINDS if k.singular == exc.kind), None)
    if "." in exc.name or kind is None:
        return str(exc)
    ids_by_rest: dict[str, list[str]] = {}
    for name in sorted(registry.kind(kind)):
        _, dot, rest = name.partition(".")
        if dot:
            ids_by_rest.setdefault(rest, []).append(name)
    rests = [exc.name] if exc.name in ids_by_rest else closest_names(exc.name, list(ids_by_rest))
    ids = [name for rest in rests for name in ids_by_rest[rest]]
    if not ids:
        return str(exc)
    shown = ids[:SUGGESTED]
    more = f" (or one of {len(ids) - len(shown)} more)" if len(ids) > len(shown) else ""
    choices = shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} or {shown[-1]}"
    return f"no {exc.kind} named {exc.name!r}; did you mean {choices}{more}? (see 'rindoku list')"


def _print_problems(registry: Registry) -> None:
    if registry.problems:
        count = len(registry.problems)
        print(f"rindoku: warning: {count} plugin problem(s); run 'rindoku plugins' for details",
              file=sys.stderr)


def cmd_list(registry: Registry, args: argparse.Namespace) -> int:
    kinds = [args.kind] if args.kind else KINDS
    for kind in kinds:
        items = registry.kind(kind)
        print(f"{kind} ({len(items)})")
        if kind == "chapters":
            for c in registry.chapter_list():
                requires = f"  (requires {', '.join(c.requires)})" if c.requires else ""
                print(f"  {c.number:>2}. {c.slug:<14} {c.title} — {c.title_ja}{requires}")
        for name, item in sorted(items.items()) if kind != "chapters" else []:
            title = getattr(item.value, "title", "")
            extra = f"  [{item.value.size}]" if kind == "examples" else ""
            print(f"  {name:<40} {title}{extra}" if title else f"  {name:<30} ({item.plugin})")
        print()
    _print_problems(registry)
    return 0


def cmd_plugins(registry: Registry, args: argparse.Namespace) -> int:
    print(f"rindoku {__version__}, Python {sys.version.split()[0]}")
    print(f"plugins ({len(registry.plugins)})")
    for info in registry.plugins:
        dist = f"{info.distribution} {info.version}" if info.distribution else "(added directly)"
        print(f"  {info.name:<14} {dist:<22} {info.module}  {info.location}")
    chapters = registry.chapter_list()
    if chapters:
        print(f"\nchapters ({len(chapters)}), in book order")
        for c in chapters:
            requires = ", ".join(c.requires) or "-"
            print(f"  {c.slug:<14} requires {requires:<40} ({registry.chapters[c.slug].plugin})")
    if registry.problems:
        print(f"\nproblems ({len(registry.problems)})")
        for problem in registry.problems:
            print(f"  {problem}")
        return 1
    return 0


class _Tee(io.TextIOBase):
    """Writes to the terminal and keeps a copy (for the book's cache)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream, self.copy = stream, io.StringIO()

    def write(self, text: str) -> int:
        self.copy.write(text)
        return self.stream.write(text)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return self.stream.isatty()


def cmd_run(registry: Registry, args: argparse.Namespace) -> int:
    example = registry.example(args.id)
    seed = example.seed if args.seed is None else args.seed
    outdir = Path(args.out) / example.id
    blocking = _file_in_the_way(outdir)
    if blocking:
        raise UsageError(f"--out {args.out} must be a folder, but {blocking} is a file: "
                         "choose another --out")
    _make_folder(outdir, "choose another --out")
    print(f"running {example.id}: {example.title} (seed {seed})", flush=True)
    start = time.perf_counter()
    tee = _Tee(sys.stdout)
    try:
        with contextlib.redirect_stdout(tee):
            figures = run_example(example.function, seed, outdir)
    except DataError as exc:  # a data file is missing or damaged: what to do, not a traceback
        print(f"rindoku: example {example.id!r} needs a data file.\n{exc}", file=sys.stderr)
        return 1
    except Exception:
        traceback.print_exc()
        print(f"rindoku: example {example.id!r} raised (traceback above)", file=sys.stderr)
        return 1
    seconds = time.perf_counter() - start
    values, raw = published_values(outdir)
    print(f"\nfinished in {seconds:.1f} s")
    for path in figures:
        print(f"figure: {path}")
    for name, text in values.items():
        print(f"published: {name} = {text}")
    if example.size == "long" and seed == example.seed:
        _store_for_book(example, ExampleResult(example.id, tee.copy.getvalue(), figures, seconds,
                                               values=values, raw=raw))
    return 0


def _store_for_book(example: Example, result: ExampleResult) -> None:
    """Keep a long example's result where the book of this checkout finds it."""
    try:
        root = find_checkout(Path.cwd())
    except UsageError:
        return
    result.modules = imported_modules()
    cache = ExampleCache(root / "docs" / "_build" / "rindoku-cache")
    cache.store(example, result)
    print(f"the book will show this result (kept in {cache.root / example.id})")


def cmd_record(registry: Registry, args: argparse.Namespace) -> int:
    if args.all == bool(args.ids):
        raise UsageError("give --all or example ids, not both" if args.all else
                         "name the examples to record (e.g. 'rindoku record cbow.ptb'), or "
                         "pass --all for every long example")
    examples = [registry.example(i) for i in args.ids] if args.ids else _long_examples(registry)
    root = _checkout(args.root)
    return record_examples(examples, root, timeout=args.timeout)


def _long_examples(registry: Registry) -> list[Example]:
    return [item.value for _, item in sorted(registry.kind("examples").items())
            if item.value.size == "long"]


def record_examples(examples: Sequence[Example], root: Path, timeout: float | None = None
                    ) -> int:
    """Run each example in a worker, showing what it prints, and write its record to
    ``ROOT/docs/records/<id>/``; its result goes to the book's cache too.

    Status 1 if any did not run to its end (its older record, if any, is kept).
    """
    records = root / "docs" / "records"
    cache = ExampleCache(root / "docs" / "_build" / "rindoku-cache")
    failed = []
    for number, example in enumerate(examples, start=1):
        print(f"[{number}/{len(examples)}] recording {example.id}: {example.title} "
              f"(seed {example.seed})", flush=True)
        machine = machine_summary()  # the load before the run, not the run's own
        result = cache.run(example, fresh=True, echo=True, timeout=timeout)
        if result.data_error is not None:
            print(f"rindoku: {example.id} needs data: {result.data_error}", file=sys.stderr)
            failed.append(example.id)
            continue
        if not result.ok:
            print(f"{result.error}\nrindoku: {example.id} did not run to its end: "
                  "nothing recorded", file=sys.stderr)
            failed.append(example.id)
            continue
        data = example_record(example, result, f"rindoku record {example.id}", machine)
        folder = write_record(records, data, result.figures)
        size = sum(f.stat().st_size for f in folder.iterdir())
        count = len(result.values)
        print(f"finished in {result.seconds:.1f} s; wrote {folder} ({len(result.figures)} "
              f"figure{'s' if len(result.figures) != 1 else ''}, {count} published "
              f"value{'s' if count != 1 else ''}, {_size(size)})", flush=True)
    if failed:
        print(f"rindoku: not recorded: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


def cmd_exercise_start(registry: Registry, args: argparse.Namespace) -> int:
    exercise = registry.exercise(args.id)
    path = Path(args.file or exercise.filename)
    if path.is_dir():
        raise UsageError(f"{path} is a folder: --file names the file to write, "
                         f"e.g. --file {path / exercise.filename}")
    if path.exists() and not args.force:
        raise UsageError(
            f"{path} already exists; check it with 'rindoku exercise check {exercise.id} "
            f"{path}', or pass --force to start over (your file will be replaced)"
        )
    blocking = _file_in_the_way(path.parent)
    if blocking:
        raise UsageError(f"cannot write {path}: {blocking} is a file, not a folder; "
                         "choose another --file")
    _make_folder(path.parent, "choose another --file")
    _write_text(path, exercise.starter)
    print(f"wrote {path}: {exercise.title}")
    print(f"fill in the parts marked TODO, then: rindoku exercise check {exercise.id} {path}")
    return 0


def _write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` whole or not at all (through a file beside it)."""
    with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, suffix=".tmp",
                                     encoding="utf-8") as tmp:
        tmp.write(text)
    try:
        os.replace(tmp.name, path)
    except OSError as exc:
        os.unlink(tmp.name)
        raise UsageError(f"cannot write {path}: {exc.strerror}") from exc


def cmd_exercise_check(registry: Registry, args: argparse.Namespace) -> int:
    exercise = registry.exercise(args.id)
    try:
        verdict = check_file(exercise, Path(args.file), timeout=args.timeout)
    except (FileNotFoundError, AttemptFileError) as exc:  # missing, a folder, unreadable
        raise UsageError(str(exc)) from exc
    print(f"{exercise.id}: {verdict}")
    return 0 if verdict.passed else 1


def cmd_exercise_hint(registry: Registry, args: argparse.Namespace) -> int:
    exercise = registry.exercise(args.id)
    if not exercise.hints:
        print(f"{exercise.id} has no hints; 'rindoku exercise solution {exercise.id}' shows "
              "the solution")
        return 0
    total = len(exercise.hints)
    numbers = range(1, total + 1) if args.all else [args.number]
    for number in numbers:
        if not 1 <= number <= total:
            raise UsageError(f"{exercise.id} has hints 1 to {total}, not {number}")
        print(f"hint {number} of {total}: {exercise.hints[number - 1]}")
    if not args.all and args.number < total:
        print(f"(next: rindoku exercise hint {exercise.id} {args.number + 1})")
    return 0


def cmd_exercise_solution(registry: Registry, args: argparse.Namespace) -> int:
    print(registry.exercise(args.id).solution, end="")
    return 0


LIST_HASH_LIMIT = 64 << 20
"""``rindoku data`` hashes the files up to this size (bytes); ``rindoku data verify`` all."""


def _datasets(registry: Registry, names: Sequence[str] = ()) -> dict[str, Dataset]:
    """The named data sets, or all of them; a misspelt name: one line with the closest."""
    items = registry.kind("datasets")
    for name in names:
        if name not in items:
            raise UnknownNameError("data set", name, items)
    return {name: items[name].value for name in (names or sorted(items))}


def _size(n: float) -> str:
    for unit in ("B", "kB", "MB"):
        if n < 1000:
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} GB"


def _with_env(line: str) -> str:
    """``line``, and what is wrong with RINDOKU_DATA if anything is."""
    problem = env_problem()
    return f"{line}; {problem}" if problem else line


def _warn_about_env() -> None:
    if env_problem():
        print(f"rindoku: warning: {env_problem()}: only the cache is used", file=sys.stderr)


def _wrong(state: FileState) -> str:
    if state.actual:
        return f"sha256 {state.actual}, expected {state.file.sha256}"
    return f"{state.size} bytes, expected {state.file.size}"


def _where_and_checksum(states: list[FileState]) -> tuple[str, str]:
    """The ``where`` and ``checksum`` columns of ``rindoku data`` for one data set."""
    if not states:
        return "no files", "-"
    places = [where for where in (PROVIDED, CACHE) if any(s.where == where for s in states)]
    missing = sum(s.where == MISSING for s in states)
    if missing:
        places.append(f"{missing} of {len(states)} missing" if places else MISSING)
    checks = {s.checksum for s in states}
    checksum = next(c for c in ("WRONG", "missing", "not checked", "ok") if c in checks)
    return ", ".join(places), checksum


def _missing_files(name: str, missing: list[str], total: int) -> str:
    if len(missing) == total:
        return f"{name} is missing ({total} file{'s' if total > 1 else ''})"
    return f"{name}: {len(missing)} of {total} files missing ({', '.join(missing)})"


def _dataset_problem(name: str, states: list[FileState]) -> str | None:
    """One line on what is missing or wrong in a data set and what to do, or None."""
    missing = [s.file.name for s in states if s.checksum == "missing"]
    wrong = [s for s in states if s.checksum == "WRONG"]
    parts = []
    if missing:
        parts.append(f"{_missing_files(name, missing, len(states))}: {remedy(name)}")
    if wrong:
        part = (f"{len(wrong)} file(s) with the wrong checksum "
                f"({', '.join(s.file.name for s in wrong)}): run 'rindoku data fetch {name}' to "
                "download them again")
        if any(s.where == PROVIDED for s in wrong):
            part += f", after deleting or replacing the one(s) in {ENV_VAR}"
        parts.append(part if parts else f"{name}: {part}")
    return _with_env("; ".join(parts)) if parts else None


def cmd_data(registry: Registry, args: argparse.Namespace) -> int:
    _warn_about_env()
    datasets = _datasets(registry)
    chapter_of = {item.plugin: slug for slug, item in registry.chapters.items()}
    plugin_of = {name: item.plugin for name, item in registry.kind("datasets").items()}
    print(f"data sets ({len(datasets)}), looked for in {ENV_VAR} "
          f"({os.environ.get(ENV_VAR) or 'not set'}), then in the cache ({cache_dir()})\n")
    rows = [("name", "chapter", "files", "size", "where", "checksum")]
    states_of, to_fetch, to_verify = {}, [], []
    for name, dataset in datasets.items():
        states = states_of[name] = [state_of(f, hash_limit=LIST_HASH_LIMIT)
                                    for f in dataset.files]
        where, checksum = _where_and_checksum(states)
        size = ("?" if any(s.size == 0 for s in states) else _size(sum(s.size for s in states))
                ) if states else "-"
        plugin = plugin_of[name]
        rows.append((name, chapter_of.get(plugin, plugin), str(len(states)) if states else "-",
                     size, where, checksum))
        if checksum in ("missing", "WRONG"):
            to_fetch.append(name)
        if checksum in ("WRONG", "not checked"):
            to_verify.append(name)
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  " + "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    if args.verbose:
        for name, dataset in datasets.items():
            print(f"\n{name}: {dataset.description}")
            print(f"  source:  {dataset.source or '-'}")
            print(f"  licence: {dataset.licence or '-'}")
            for s in states_of[name]:
                print(f"  {s.checksum:<11} {_size(s.size) if s.size else '?':>8}  {s.path}")
    if to_fetch:
        print(f"\nto get what is missing or wrong: {remedy(' '.join(to_fetch))}")
    if to_verify:
        print(f"\nto check every file: rindoku data verify {' '.join(to_verify)}")
    _print_problems(registry)
    return 0


def _check_cache() -> None:
    """One line if the download cache cannot be made or written in."""
    cache = cache_dir()
    advice = "set XDG_CACHE_HOME to a folder you can write in"
    blocking = _file_in_the_way(cache)
    if blocking:
        raise UsageError(f"the download cache {cache} cannot be made: {blocking} is a file; "
                         f"{advice}")
    _make_folder(cache, advice)


def cmd_data_fetch(registry: Registry, args: argparse.Namespace) -> int:
    if args.all == bool(args.names):
        raise UsageError("give --all or names, not both" if args.all else
                         "name the data sets to fetch (e.g. 'rindoku data fetch ptb'), "
                         "or pass --all; 'rindoku data' lists them")
    datasets = _datasets(registry, args.names)
    _warn_about_env()
    failed = False
    for name, dataset in datasets.items():
        if not dataset.files:
            if args.names:
                print(f"{name}: nothing to fetch ({dataset.source or 'no files'})")
            continue
        print(f"{name}: {dataset.source or dataset.description}")
        print(f"  licence: {dataset.licence or 'not given'}", flush=True)
        for file in dataset.files:
            state = state_of(file)
            if state.checksum == "ok":
                print(f"  {file.name}: already here, checksum ok ({state.path})")
                continue
            if state.where == PROVIDED:  # the user's folder: not ours to replace
                print(f"rindoku: error: {state.path} has the wrong checksum ({_wrong(state)}): "
                      f"replace it, or delete it to download it into the cache", file=sys.stderr)
                failed = True
                continue
            _check_cache()
            try:
                path = download(file, timeout=args.timeout)
            except DataError as exc:
                print(f"rindoku: error: {exc.summary}", file=sys.stderr)
                failed = True
                continue
            again = " (it replaces a damaged copy)" if state.where == CACHE else ""
            print(f"  {file.name}: downloaded to {path}{again}", flush=True)
    return 1 if failed else 0


def cmd_data_verify(registry: Registry, args: argparse.Namespace) -> int:
    failed = False
    for name, dataset in _datasets(registry, args.names).items():
        if not dataset.files:
            if args.names:
                print(f"{name}: no files to verify ({dataset.source or 'none'})")
            continue
        states = [state_of(file) for file in dataset.files]
        for s in states:
            detail = f"  ({_wrong(s)})" if s.checksum == "WRONG" else ""
            print(f"{s.checksum:<8} {name}  {s.path}{detail}", flush=True)
        problem = _dataset_problem(name, states)
        if problem:
            print(f"rindoku: {problem}", file=sys.stderr)
            failed = True
    return 1 if failed else 0


def cmd_data_path(registry: Registry, args: argparse.Namespace) -> int:
    dataset = _datasets(registry, [args.name])[args.name]
    if not dataset.files:
        print(f"rindoku: {args.name} has no files: {dataset.source or 'its loader makes it'}",
              file=sys.stderr)
        return 0
    located = [locate(file) for file in dataset.files]
    missing = [f.name for f, (_, where) in zip(dataset.files, located, strict=True)
               if where == MISSING]
    if missing:
        print("rindoku: " + _with_env(f"{_missing_files(args.name, missing, len(located))}: "
                                      f"{remedy(args.name)}"), file=sys.stderr)
        return 1
    for path, _ in located:
        print(path)
    return 0


def find_checkout(start: Path, for_new_chapter: bool = False) -> Path:
    """The rindoku checkout containing ``start``: the folder with docs/conf.py."""
    for folder in [start, *start.parents]:
        if (folder / "docs" / "conf.py").is_file() and (folder / "pyproject.toml").is_file():
            return folder
    if for_new_chapter:
        raise UsageError(
            "not inside a rindoku checkout (a folder with docs/conf.py and pyproject.toml): "
            "run this in one, or make a separate package with --package DIR"
        )
    raise UsageError(
        "the book is built from a rindoku checkout: run 'rindoku book' inside one "
        "(a folder with docs/conf.py), or pass --root"
    )


def cmd_book(registry: Registry, args: argparse.Namespace) -> int:
    root = _checkout(args.root)
    build = root / "docs" / "_build"
    if args.record and not args.long:
        raise UsageError("--record records the long examples: use it with --long")
    if args.clean and build.exists():
        shutil.rmtree(build)
    if args.record:
        status = record_examples(_long_examples(registry), root)
        if status != 0:
            return status
    command = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-b", "html",
               str(root / "docs"), str(build / "html")]
    if args.long:
        command += ["-D", "rindoku_run_long=1"]
    if args.chapters:
        slugs = [s.strip() for s in args.chapters.split(",") if s.strip()]
        for slug in slugs:
            registry.chapter(slug)  # a misspelt slug: one line with the closest
        command += ["-D", f"rindoku_chapters={','.join(slugs)}"]
    print(" ".join(command), flush=True)
    status = subprocess.call(command)
    if status == 0:
        print(f"\nthe book is at {build / 'html' / 'index.html'}")
    return status


def cmd_new_chapter(registry: Registry, args: argparse.Namespace) -> int:
    try:
        check_slug(args.slug)
    except ScaffoldError as exc:
        raise UsageError(str(exc)) from exc
    if args.slug in registry.chapters:
        plugin = registry.chapters[args.slug].plugin
        raise UsageError(f"a chapter {args.slug!r} is already installed (plugin {plugin!r}): "
                         "choose another name")
    number = max((c.number for c in registry.chapter_list()), default=0) + 1
    title = args.title or args.slug.capitalize()
    if args.package and Path(args.package).exists() and not Path(args.package).is_dir():
        raise UsageError(f"--package {args.package} is a file: give a new folder for the package")
    try:
        if args.package:
            written = new_chapter(args.slug, title, number=number, title_ja=args.title_ja,
                                  package=Path(args.package))
        else:
            root = _checkout(args.root, for_new_chapter=True)
            written = new_chapter(args.slug, title, number=number, title_ja=args.title_ja,
                                  root=root)
    except ScaffoldError as exc:
        raise UsageError(str(exc)) from exc
    except OSError as exc:
        raise UsageError(f"cannot write {exc.filename or 'the chapter'}: "
                         f"{exc.strerror or exc}") from exc
    for path in written:
        print(f"wrote {path}")
    if args.package:
        print(f"\nnext: pip install {args.package}   (then 'rindoku list' shows {args.slug!r})")
        return 0
    if args.no_install:
        print(f"\nnext: pip install -e {root}   (registers the new entry point)")
        return 0
    print(f"\nregistering the chapter: pip install -e {root}", flush=True)
    status = subprocess.call([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                              "-e", str(root)])
    if status != 0:
        raise UsageError(f"pip could not install {root}; run 'pip install -e {root}' yourself")
    print(f"done: 'rindoku list' shows chapter {args.slug!r}; write chapters/{args.slug}.md")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="rindoku", description="Run the course book's examples and exercises."
    )
    parser.add_argument("--version", action="version", version=f"rindoku {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("list", help="list chapters, layers, optimizers, examples, exercises")
    p.add_argument("kind", nargs="?", choices=KINDS, help="list only this kind")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("plugins", help="installed chapter plugins and any problems")
    p.set_defaults(func=cmd_plugins)

    p = sub.add_parser("run", help="run an example in the terminal")
    p.add_argument("id", help="example id, e.g. backprop.spiral")
    p.add_argument("--out", default="rindoku-output", help="folder for figures")
    p.add_argument("--seed", type=_seed, help="seed of the random generator (0 or more)")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("record", help="run examples and keep their results in docs/records, "
                                      "where the book shows them")
    p.add_argument("ids", nargs="*", metavar="ID", help="example ids, e.g. cbow.ptb")
    p.add_argument("--all", action="store_true", help="every long example")
    p.add_argument("--root", help="the rindoku checkout (default: found from here)")
    p.add_argument("--timeout", type=_seconds, metavar="SECONDS",
                   help="time limit of each run (default: the example's own)")
    p.set_defaults(func=cmd_record)

    exercise = sub.add_parser("exercise", help="start, check, get hints for an exercise")
    esub = exercise.add_subparsers(dest="action", required=True, metavar="ACTION")
    p = esub.add_parser("start", help="write the starter file")
    p.add_argument("id")
    p.add_argument("--file", help="where to write it (default: ID with underscores + .py)")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p.set_defaults(func=cmd_exercise_start)
    p = esub.add_parser("check", help="check an attempt")
    p.add_argument("id")
    p.add_argument("file")
    p.add_argument("--timeout", type=_seconds, metavar="SECONDS",
                   help="seconds before giving up")
    p.set_defaults(func=cmd_exercise_check)
    p = esub.add_parser("hint", help="show a hint")
    p.add_argument("id")
    p.add_argument("number", nargs="?", type=int, default=1, help="which hint (default 1)")
    p.add_argument("--all", action="store_true", help="show every hint")
    p.set_defaults(func=cmd_exercise_hint)
    p = esub.add_parser("solution", help="print the reference solution")
    p.add_argument("id")
    p.set_defaults(func=cmd_exercise_solution)

    data = sub.add_parser("data", help="the data sets the chapters declare: where they are, "
                                       "fetch, verify, path")
    data.add_argument("-v", "--verbose", action="store_true",
                      help="also each data set's description, source, licence and files")
    data.set_defaults(func=cmd_data)
    dsub = data.add_subparsers(dest="action", metavar="ACTION")
    p = dsub.add_parser("fetch", help="download data sets into the cache, checking their SHA-256")
    p.add_argument("names", nargs="*", metavar="NAME", help="data sets, e.g. ptb")
    p.add_argument("--all", action="store_true", help="every data set that has files")
    p.add_argument("--timeout", type=_seconds, default=30.0, metavar="SECONDS",
                   help="seconds to wait for a server")
    p.set_defaults(func=cmd_data_fetch)
    p = dsub.add_parser("verify", help="check the SHA-256 of every file (exit 1 if any is wrong "
                                       "or missing)")
    p.add_argument("names", nargs="*", metavar="NAME", help="data sets (default: all)")
    p.set_defaults(func=cmd_data_verify)
    p = dsub.add_parser("path", help="print the paths of a data set's files")
    p.add_argument("name", metavar="NAME")
    p.set_defaults(func=cmd_data_path)

    p = sub.add_parser("new-chapter", help="scaffold a new chapter plugin")
    p.add_argument("slug", help="the chapter's name: lower-case letters and digits (rnnlm)")
    p.add_argument("--title", help="the chapter's title")
    p.add_argument("--title-ja", default="", help="the chapter's Japanese title")
    p.add_argument("--package", metavar="DIR", help="make a separate pip package in DIR")
    p.add_argument("--root", help="the rindoku checkout (default: found from here)")
    p.add_argument("--no-install", action="store_true",
                   help="do not run 'pip install -e' to register the chapter")
    p.set_defaults(func=cmd_new_chapter)

    p = sub.add_parser("book", help="build the course book (docs/_build/html)")
    p.add_argument("--clean", action="store_true", help="rebuild from scratch")
    p.add_argument("--root", help="the rindoku checkout (default: found from here)")
    p.add_argument("--long", action="store_true",
                   help="run the long examples too (minutes), so that the book shows them all")
    p.add_argument("--chapters", metavar="SLUG,...",
                   help="a quicker book: only these chapters and those they require")
    p.add_argument("--record", action="store_true",
                   help="with --long: record the long examples first (rindoku record --all)")
    p.set_defaults(func=cmd_book)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    registry = None
    try:
        registry = load_registry()
        return args.func(registry, args)
    except UnknownNameError as exc:
        message = str(exc) if registry is None else _unknown_name(exc, registry)
        print(f"rindoku: error: {message}", file=sys.stderr)
        return 2
    except UsageError as exc:
        print(f"rindoku: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\nrindoku: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
