"""The ``rindoku`` command: list, run, exercise, plugins, book, new-chapter.

Every failure a user can cause (a misspelt id, a missing file, a file that
would be overwritten) ends with one line on stderr and exit status 2; a check
that does not pass ends with status 1.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from rindoku import __version__
from rindoku.data import DataError
from rindoku.examples import Example, imported_modules, run_example
from rindoku.execution import ExampleCache, ExampleResult, check_file
from rindoku.kinds import KINDS as _KINDS
from rindoku.registry import Registry, UnknownNameError, load_registry
from rindoku.scaffold import ScaffoldError, check_slug, new_chapter

KINDS = tuple(kind.name for kind in _KINDS if kind.listed)
"""What ``rindoku list`` can list (:data:`rindoku.kinds.KINDS`)."""


class UsageError(Exception):
    """A mistake on the command line: shown as one line, exit status 2."""


def _print_problems(registry: Registry) -> None:
    if registry.problems:
        count = len(registry.problems)
        print(f"\nwarning: {count} plugin problem(s); run 'rindoku plugins' for details",
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
    print(f"\nfinished in {seconds:.1f} s")
    for path in figures:
        print(f"figure: {path}")
    if example.size == "long" and seed == example.seed:
        _store_for_book(example, ExampleResult(example.id, tee.copy.getvalue(), figures, seconds))
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


def cmd_exercise_start(registry: Registry, args: argparse.Namespace) -> int:
    exercise = registry.exercise(args.id)
    path = Path(args.file or exercise.filename)
    if path.exists() and not args.force:
        raise UsageError(
            f"{path} already exists; check it with 'rindoku exercise check {exercise.id} "
            f"{path}', or pass --force to start over (your file will be replaced)"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, suffix=".tmp",
                                     encoding="utf-8") as tmp:
        tmp.write(exercise.starter)
    os.replace(tmp.name, path)
    print(f"wrote {path}: {exercise.title}")
    print(f"fill in the parts marked TODO, then: rindoku exercise check {exercise.id} {path}")
    return 0


def cmd_exercise_check(registry: Registry, args: argparse.Namespace) -> int:
    exercise = registry.exercise(args.id)
    try:
        verdict = check_file(exercise, Path(args.file), timeout=args.timeout)
    except FileNotFoundError as exc:
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
    root = Path(args.root) if args.root else find_checkout(Path.cwd())
    build = root / "docs" / "_build"
    if args.clean and build.exists():
        shutil.rmtree(build)
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
    try:
        if args.package:
            written = new_chapter(args.slug, title, number=number, title_ja=args.title_ja,
                                  package=Path(args.package))
        else:
            root = Path(args.root) if args.root else find_checkout(Path.cwd(), for_new_chapter=True)
            written = new_chapter(args.slug, title, number=number, title_ja=args.title_ja,
                                  root=root)
    except ScaffoldError as exc:
        raise UsageError(str(exc)) from exc
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
    parser = argparse.ArgumentParser(
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
    p.add_argument("--seed", type=int, help="seed of the random generator")
    p.set_defaults(func=cmd_run)

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
    p.add_argument("--timeout", type=float, help="seconds before giving up")
    p.set_defaults(func=cmd_exercise_check)
    p = esub.add_parser("hint", help="show a hint")
    p.add_argument("id")
    p.add_argument("number", nargs="?", type=int, default=1, help="which hint (default 1)")
    p.add_argument("--all", action="store_true", help="show every hint")
    p.set_defaults(func=cmd_exercise_hint)
    p = esub.add_parser("solution", help="print the reference solution")
    p.add_argument("id")
    p.set_defaults(func=cmd_exercise_solution)

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
    p.set_defaults(func=cmd_book)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(load_registry(), args)
    except (UsageError, UnknownNameError) as exc:
        print(f"rindoku: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\nrindoku: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
