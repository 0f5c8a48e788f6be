"""The ``rindoku`` command: list, run, record, exercise, data, plugins, book, new-chapter,
slides, schedule.

Every failure a user can cause (a misspelt id, a missing file, a file that
would be overwritten) ends with one line on stderr and exit status 2; a check
that does not pass ends with status 1.

The command speaks the user's language (:mod:`rindoku.language`): Japanese
with ``--lang ja`` or a Japanese locale (``LANG=ja_JP.UTF-8``), else English.
Each command is given the :data:`~rindoku.language.Words` of that language
and says everything through them (``_ = words.gettext``).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import functools
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
from typing import Any, NoReturn, TextIO

from rindoku import __version__
from rindoku.chapter import Chapter, Dataset
from rindoku.data import (
    CACHE,
    ENV_VAR,
    MISSING,
    PROVIDED,
    DataError,
    FileState,
    cache_dir,
    download,
    locate,
    state_of,
)
from rindoku.examples import Example, imported_modules, published_values, run_example
from rindoku.execution import AttemptFileError, ExampleCache, ExampleResult, check_file
from rindoku.exercises import Exercise
from rindoku.kinds import KINDS as _KINDS
from rindoku.language import (
    ENGLISH,
    LANGUAGES,
    N_,
    Words,
    chapter_catalog,
    language_of_environment,
    page_messages,
    text_width,
    translate_markdown,
    words_for,
    wrap,
)
from rindoku.records import example_record, machine_summary, runs_only_when_named, write_record
from rindoku.registry import Registry, UnknownNameError, closest_names, load_registry
from rindoku.scaffold import ScaffoldError, check_slug, new_chapter
from rindoku.schedule import Meeting, Plan, PlanError, next_meeting, read_plan
from rindoku.sections import SectionError, page_sections
from rindoku.slides import (
    FONT,
    DeckBuildError,
    MarkError,
    build_decks,
    chromium,
    make_deck,
    write_pdf,
)

KINDS = tuple(kind.name for kind in _KINDS if kind.listed)
"""What ``rindoku list`` can list (:data:`rindoku.kinds.KINDS`)."""

KIND_HEADINGS = {
    "chapters": N_("chapters"), "layers": N_("layers"), "optimizers": N_("optimizers"),
    "models": N_("models"), "datasets": N_("datasets"), "gradient_cases": N_("gradient cases"),
    "examples": N_("examples"), "exercises": N_("exercises"),
}
"""Each kind as ``rindoku list`` heads it."""

KIND_NAMES = {
    "chapter": N_("chapter"), "layer": N_("layer"), "optimizer": N_("optimizer"),
    "model": N_("model"), "data set": N_("data set"), "gradient case": N_("gradient case"),
    "example": N_("example"), "exercise": N_("exercise"),
}
"""Each kind's name in a message ("no example named …"), by its :attr:`Kind.singular`."""


class UsageError(Exception):
    """A mistake on the command line: shown as one line, exit status 2."""


def _error_line(message: str, words: Words) -> str:
    """``rindoku: error: MESSAGE``, in the user's language."""
    return words.gettext("rindoku: error: {message}").format(message=message)


# -- the parser, in the user's language ----------------------------------------------


class _Formatter(argparse.HelpFormatter):
    """argparse's help in the user's language, wrapped for Japanese as for English."""

    def __init__(self, prog: str, words: Words = ENGLISH, **kwargs: Any) -> None:
        super().__init__(prog, **kwargs)
        self.words = words

    def add_usage(self, usage: str | None, actions: Any, groups: Any,
                  prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups,
                          self.words.gettext("usage: ") if prefix is None else prefix)

    def _split_lines(self, text: str, width: int) -> list[str]:
        return wrap(text, width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return "\n".join(indent + line for line in wrap(text, width - len(indent)))


ARGPARSE_MESSAGES = (
    (r"the following arguments are required: (?P<names>.+)",
     N_("the following arguments are required: {names}")),
    (r"unrecognized arguments: (?P<arguments>.+)", N_("unrecognized arguments: {arguments}")),
    (r"invalid choice: (?P<value>.+) \(choose from (?P<choices>.+)\)",
     N_("invalid choice: {value} (choose from {choices})")),
    (r"invalid (?P<type>\S+) value: (?P<value>.+)", N_("invalid {type} value: {value}")),
    (r"expected one argument", N_("expected one argument")),
    (r"expected at most one argument", N_("expected at most one argument")),
    (r"expected at least one argument", N_("expected at least one argument")),
    (r"expected (?P<count>\d+) arguments?", N_("expected {count} arguments")),
    (r"ambiguous option: (?P<option>\S+) could match (?P<matches>.+)",
     N_("ambiguous option: {option} could match {matches}")),
    (r"ignored explicit argument (?P<value>.+)", N_("ignored explicit argument {value}")),
)
"""argparse's messages about a command line (Python's English), and ours for them."""


def _argparse_message(message: str, words: Words) -> str:
    """argparse's message about a command line, in the user's language.

    A value that one of our checks refused (``--seed -1``) is said the way the
    check says it, with the option's name where it writes ``{option}``.
    """
    argument = re.fullmatch(r"argument (\S+): (.*)", message, re.DOTALL)
    if argument:
        name, problem = argument.groups()
        if "{option}" in problem:
            return problem.replace("{option}", name)
        return words.gettext("argument {argument}: {problem}").format(
            argument=name, problem=_argparse_message(problem, words))
    for pattern, template in ARGPARSE_MESSAGES:
        match = re.fullmatch(pattern, message, re.DOTALL)
        if match:
            return words.gettext(template).format(**match.groupdict())
    return message


class _Parser(argparse.ArgumentParser):
    """argparse in the user's language, and a mistake is one line (no usage block): what
    is wrong and where to look.  Every command takes ``--lang``."""

    def __init__(self, *args: Any, words: Words = ENGLISH, **kwargs: Any) -> None:
        kwargs.update(add_help=False, formatter_class=functools.partial(_Formatter, words=words))
        super().__init__(*args, **kwargs)
        self.words = words
        _ = words.gettext
        self._positionals.title = _("positional arguments")
        self._optionals.title = _("options")
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                          help=_("show this help message and exit"))
        self.add_argument("--lang", choices=LANGUAGES, default=argparse.SUPPRESS,
                          help=_("the language to speak: en or ja (default: the locale's, "
                                 "from LANG)"))

    def error(self, message: str) -> NoReturn:
        line = self.words.gettext("{problem} (see '{prog} --help')").format(
            problem=_argparse_message(message, self.words), prog=self.prog)
        self.exit(2, _error_line(line, self.words) + "\n")


def _seed(words: Words, text: str) -> int:
    """``--seed``: NumPy's generators take a whole number from 0 up (any size)."""
    try:
        seed = int(text)
    except ValueError:
        seed = -1
    if seed < 0:
        raise argparse.ArgumentTypeError(words.gettext(
            "{option} must be a whole number from 0 up, got {value}").format(
                option="{option}", value=text))
    return seed


def _seconds(words: Words, text: str) -> float:
    """``--timeout`` of every command: a time limit that can run out, so finite and above 0."""
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not (math.isfinite(seconds) and seconds > 0):
        raise argparse.ArgumentTypeError(words.gettext(
            "{option} must be a finite number of seconds above 0, got {value}").format(
                option="{option}", value=text))
    return seconds


def _date(words: Words, text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(words.gettext(
            "{option} must be a date like 2026-05-14, got {value}").format(
                option="{option}", value=text)) from None


def _asked_language(argv: Sequence[str]) -> str | None:
    """The language ``--lang`` asks for on this command line, if it names one."""
    for number, arg in enumerate(argv):
        if arg == "--":
            break
        value = argv[number + 1] if arg == "--lang" and number + 1 < len(argv) else (
            arg.removeprefix("--lang=") if arg.startswith("--lang=") else None)
        if value in LANGUAGES:
            return value
    return None


# -- shared helpers --------------------------------------------------------------------


def _file_in_the_way(folder: Path) -> Path | None:
    """The file standing where ``folder`` or one of its parents should be, if any."""
    for place in [folder, *folder.parents]:
        if place.exists():
            return None if place.is_dir() else place
    return None


def _make_folder(folder: Path, advice: str, words: Words = ENGLISH) -> None:
    """Make ``folder`` if need be; one line (ending in ``advice``) if it cannot be written in."""
    _ = words.gettext
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(_("cannot make the folder {folder}: {problem}; {advice}").format(
            folder=folder, problem=exc.strerror, advice=advice)) from exc
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UsageError(_("cannot write in {folder}: {advice}").format(folder=folder,
                                                                      advice=advice))


def _not_a_folder(option: str, value: object, blocking: Path, words: Words) -> UsageError:
    """``--out X must be a folder, but F is a file: choose another --out``."""
    return UsageError(words.gettext(
        "{option} {value} must be a folder, but {file} is a file: choose another {option}"
    ).format(option=option, value=value, file=blocking))


def _checkout(root: str | None, for_new_chapter: bool = False,
              words: Words = ENGLISH) -> Path:
    """The checkout that ``--root`` names, or else the one containing the current folder."""
    if root is None:
        return find_checkout(Path.cwd(), for_new_chapter, words)
    path = Path(root)
    if not ((path / "docs" / "conf.py").is_file() and (path / "pyproject.toml").is_file()):
        raise UsageError(words.gettext(
            "--root {root} is not a rindoku checkout (a folder with docs/conf.py and "
            "pyproject.toml): give one, or leave --root out inside one").format(root=root))
    return path


def _pad(text: str, width: int) -> str:
    """``text`` followed by spaces up to ``width`` columns (a Japanese character is two)."""
    return text + " " * max(width - text_width(text), 0)


def _either(items: Sequence[str], words: Words) -> str:
    """``a``, ``a or b``, ``a, b or c``."""
    if len(items) == 1:
        return items[0]
    return words.gettext("{items} or {last}").format(
        items=words.gettext(", ").join(items[:-1]), last=items[-1])


SUGGESTED = 4
"""How many ids a bare name's suggestion shows at most."""


def _unknown_name(exc: UnknownNameError, registry: Registry | None,
                  words: Words = ENGLISH) -> str:
    """The message for a name that is not registered, with the closest names.

    A bare name (``spiral``) is also looked for as the part of an id after its
    chapter's slug (``backprop.spiral``, ``optimizers.spiral``): the ids it
    finds, or failing that the closest, are suggested.
    """
    _ = words.gettext
    kind = next((k.name for k in _KINDS if k.singular == exc.kind), None)
    ids = list(exc.suggestions)
    more = 0
    if "." not in exc.name and kind is not None and registry is not None:
        ids_by_rest: dict[str, list[str]] = {}
        for name in sorted(registry.kind(kind)):
            _slug, dot, rest = name.partition(".")
            if dot:
                ids_by_rest.setdefault(rest, []).append(name)
        rests = ([exc.name] if exc.name in ids_by_rest
                 else closest_names(exc.name, list(ids_by_rest)))
        bare = [name for rest in rests for name in ids_by_rest[rest]]
        if bare:
            ids, more = bare[:SUGGESTED], max(len(bare) - SUGGESTED, 0)
    what = _(KIND_NAMES[exc.kind]) if exc.kind in KIND_NAMES else exc.kind
    if not ids:
        return _("no {kind} named {name} (see 'rindoku list')").format(
            kind=what, name=repr(exc.name))
    choices = _either(ids, words)
    if more:
        choices = _("{choices} (or one of {count} more)").format(choices=choices, count=more)
    return _("no {kind} named {name}; did you mean {choices}? (see 'rindoku list')").format(
        kind=what, name=repr(exc.name), choices=choices)


def _print_problems(registry: Registry, words: Words) -> None:
    if registry.problems:
        count = len(registry.problems)
        print(words.gettext("rindoku: warning: {count} plugin problem(s); run 'rindoku "
                            "plugins' for details").format(count=count), file=sys.stderr)


# -- list, plugins ---------------------------------------------------------------------


def cmd_list(registry: Registry, args: argparse.Namespace, words: Words = ENGLISH) -> int:
    _ = words.gettext
    if args.kind == "sections":
        return list_sections(registry, args.chapter, words)
    if args.chapter:
        listed = f"rindoku list {args.kind or ''} {args.chapter}".replace("  ", " ")
        raise UsageError(_("only 'rindoku list sections' takes a chapter, not '{command}'"
                           ).format(command=listed))
    kinds = [args.kind] if args.kind else KINDS
    for kind in kinds:
        items = registry.kind(kind)
        print(f"{_(KIND_HEADINGS[kind])} ({len(items)})")
        if kind == "chapters":
            for c in registry.chapter_list():
                requires = "  " + _("(requires {chapters})").format(
                    chapters=", ".join(c.requires)) if c.requires else ""
                print(f"  {c.number:>2}. {c.slug:<14} {c.title} — {c.title_ja}{requires}")
        for name, item in sorted(items.items()) if kind != "chapters" else []:
            title = getattr(item.value, "title", "")
            extra = f"  [{item.value.size}]" if kind == "examples" else ""
            print(f"  {name:<40} {title}{extra}" if title else f"  {name:<30} ({item.plugin})")
        print()
    _print_problems(registry, words)
    return 0


def list_sections(registry: Registry, slug: str | None, words: Words = ENGLISH) -> int:
    """Each chapter's sections: the book sections each covers, its title, its anchor."""
    chapters = [registry.chapter(slug)] if slug else registry.chapter_list()
    for chapter in chapters:
        try:
            sections = page_sections(chapter)
        except SectionError as exc:
            if slug:
                raise UsageError(str(exc)) from None
            print(f"{chapter.slug}: {exc}\n", file=sys.stderr)
            continue
        print(f"{chapter.slug} — {chapter.title} ({chapter.source})")
        labels = [s.numbers if s.labelled else words.gettext("(as above)") for s in sections]
        width = max(text_width(label) + 2 * (s.level - 2)
                    for label, s in zip(labels, sections, strict=True))
        titles = max(len(s.title) for s in sections)
        for label, section in zip(labels, sections, strict=True):
            indent = "  " * (section.level - 1)
            print(f"{indent}{_pad(label, width - 2 * (section.level - 2))}  "
                  f"{section.title:<{titles}}  chapters/{chapter.slug}.html#{section.anchor}")
        print()
    return 0


def cmd_plugins(registry: Registry, args: argparse.Namespace, words: Words = ENGLISH) -> int:
    _ = words.gettext
    print(f"rindoku {__version__}, Python {sys.version.split()[0]}")
    print(_("plugins ({count})").format(count=len(registry.plugins)))
    for info in registry.plugins:
        dist = (f"{info.distribution} {info.version}" if info.distribution
                else _("(added directly)"))
        print(f"  {info.name:<14} {_pad(dist, 22)} {info.module}  {info.location}")
    chapters = registry.chapter_list()
    if chapters:
        print("\n" + _("chapters ({count}), in book order").format(count=len(chapters)))
        for c in chapters:
            requires = ", ".join(c.requires) or "-"
            print("  " + _("{slug} requires {chapters} ({plugin})").format(
                slug=f"{c.slug:<14}", chapters=f"{requires:<40}",
                plugin=registry.chapters[c.slug].plugin))
    if registry.problems:
        print("\n" + _("problems ({count})").format(count=len(registry.problems)))
        for problem in registry.problems:
            print(f"  {problem}")
        return 1
    return 0


# -- run, record -----------------------------------------------------------------------


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


def cmd_run(registry: Registry, args: argparse.Namespace, words: Words = ENGLISH) -> int:
    _ = words.gettext
    example = registry.example(args.id)
    seed = example.seed if args.seed is None else args.seed
    outdir = Path(args.out) / example.id
    blocking = _file_in_the_way(outdir)
    if blocking:
        raise _not_a_folder("--out", args.out, blocking, words)
    _make_folder(outdir, _("choose another --out"), words)
    print(_("running {id}: {title} (seed {seed})").format(id=example.id, title=example.title,
                                                          seed=seed), flush=True)
    start = time.perf_counter()
    tee = _Tee(sys.stdout)
    try:
        with contextlib.redirect_stdout(tee):
            figures = run_example(example.function, seed, outdir)
    except DataError as exc:  # a data file is missing or damaged: what to do, not a traceback
        print(_("rindoku: example {id} needs a data file.").format(id=repr(example.id)) +
              f"\n{exc}", file=sys.stderr)
        return 1
    except Exception:
        traceback.print_exc()
        print(_("rindoku: example {id} raised (traceback above)").format(id=repr(example.id)),
              file=sys.stderr)
        return 1
    seconds = time.perf_counter() - start
    values, raw = published_values(outdir)
    print("\n" + _("finished in {seconds} s").format(seconds=f"{seconds:.1f}"))
    for path in figures:
        print(_("figure: {path}").format(path=path))
    for name, text in values.items():
        print(_("published: {name} = {value}").format(name=name, value=text))
    if example.size == "long" and seed == example.seed:
        _store_for_book(example, ExampleResult(example.id, tee.copy.getvalue(), figures, seconds,
                                               values=values, raw=raw), words)
    return 0


def _store_for_book(example: Example, result: ExampleResult, words: Words = ENGLISH) -> None:
    """Keep a long example's result where the book of this checkout finds it."""
    try:
        root = find_checkout(Path.cwd())
    except UsageError:
        return
    result.modules = imported_modules()
    cache = ExampleCache(root / "docs" / "_build" / "rindoku-cache")
    cache.store(example, result)
    print(words.gettext("the book will show this result (kept in {folder})").format(
        folder=cache.root / example.id))


def cmd_record(registry: Registry, args: argparse.Namespace, words: Words = ENGLISH) -> int:
    _ = words.gettext
    if args.all == bool(args.ids):
        raise UsageError(_("give --all or example ids, not both") if args.all else
                         _("name the examples to record (e.g. 'rindoku record cbow.ptb'), or "
                           "pass --all for every long example"))
    examples = [registry.example(i) for i in args.ids] if args.ids else _long_examples(registry)
    root = _checkout(args.root, words=words)
    return record_examples(examples, root, timeout=args.timeout, words=words)


def _long_examples(registry: Registry) -> list[Example]:
    return [item.value for _, item in sorted(registry.kind("examples").items())
            if item.value.size == "long" and not runs_only_when_named(item.value)]


def record_examples(examples: Sequence[Example], root: Path, timeout: float | None = None,
                    words: Words = ENGLISH) -> int:
    """Run each example in a worker, showing what it prints, and write its record to
    ``ROOT/docs/records/<id>/``; its result goes to the book's cache too.

    Status 1 if any did not run to its end (its older record, if any, is kept).
    """
    _ = words.gettext
    records = root / "docs" / "records"
    cache = ExampleCache(root / "docs" / "_build" / "rindoku-cache")
    failed = []
    for number, example in enumerate(examples, start=1):
        print(_("[{number}/{total}] recording {id}: {title} (seed {seed})").format(
            number=number, total=len(examples), id=example.id, title=example.title,
            seed=example.seed), flush=True)
        machine = machine_summary()  # the load before the run, not the run's own
        result = cache.run(example, fresh=True, echo=True, timeout=timeout)
        if result.data_error is not None:
            print(_("rindoku: {id} needs data: {problem}").format(
                id=example.id, problem=result.data_error), file=sys.stderr)
            failed.append(example.id)
            continue
        if not result.ok:
            print(f"{result.error}\n" + _("rindoku: {id} did not run to its end: nothing "
                                          "recorded").format(id=example.id), file=sys.stderr)
            failed.append(example.id)
            continue
        data = example_record(example, result, f"rindoku record {example.id}", machine)
        folder = write_record(records, data, result.figures)
        size = sum(f.stat().st_size for f in folder.iterdir())
        figures = words.ngettext("{count} figure", "{count} figures", len(result.figures))
        values = words.ngettext("{count} published value", "{count} published values",
                                len(result.values))
        print(_("finished in {seconds} s; wrote {folder} ({figures}, {values}, {size})").format(
            seconds=f"{result.seconds:.1f}", folder=folder,
            figures=figures.format(count=len(result.figures)),
            values=values.format(count=len(result.values)), size=_size(size)), flush=True)
    if failed:
        print(_("rindoku: not recorded: {ids}").format(ids=", ".join(failed)), file=sys.stderr)
        return 1
    return 0


# -- exercise ----------------------------------------------------------------------------

PROMPT_WIDTH = 86
"""Columns of the prompt written above the starter code (its lines start with ``# ``)."""


def _page_messages(registry: Registry, exercise: Exercise, language: str) -> dict[str, str]:
    """The translations of the exercise's chapter page into ``language`` ({} for English)."""
    if language == "en":
        return {}
    chapter: Chapter = registry.chapter(exercise.id.partition(".")[0])
    return page_messages(chapter_catalog(chapter.page, chapter.slug, language))


def starter_file(exercise: Exercise, path: Path, messages: dict[str, str],
                 words: Words = ENGLISH) -> str:
    """The file ``rindoku exercise start`` writes: the exercise's title and prompt as
    comments (in the language of ``messages``, the page's translations), then the starter
    code.  The check reads the comments above the code as part of the unchanged starter."""
    _ = words.gettext
    title = messages.get(exercise.title, exercise.title)
    lines = [_("Exercise {id}: {title}").format(id=exercise.id, title=title), ""]
    for paragraph in translate_markdown(exercise.prompt, messages).split("\n\n"):
        if paragraph.lstrip().startswith("$$"):  # a formula: its lines as they are
            lines += paragraph.splitlines()
        else:
            lines += wrap(paragraph, PROMPT_WIDTH)
        lines.append("")
    lines.append(_("check it: rindoku exercise check {id} {file}").format(
        id=exercise.id, file=path))
    lines.append(_("stuck? rindoku exercise hint {id}").format(id=exercise.id))
    header = "".join(f"# {line}".rstrip() + "\n" for line in lines)
    return f"{header}\n{exercise.starter}"


def cmd_exercise_start(registry: Registry, args: argparse.Namespace,
                       words: Words = ENGLISH) -> int:
    _ = words.gettext
    exercise = registry.exercise(args.id)
    path = Path(args.file or exercise.filename)
    if path.is_dir():
        raise UsageError(_("{path} is a folder: --file names the file to write, "
                           "e.g. --file {example}").format(path=path,
                                                           example=path / exercise.filename))
    if path.exists() and not args.force:
        raise UsageError(_(
            "{path} already exists; check it with 'rindoku exercise check {id} {path}', or "
            "pass --force to start over (your file will be replaced)").format(
                path=path, id=exercise.id))
    blocking = _file_in_the_way(path.parent)
    if blocking:
        raise UsageError(_("cannot write {path}: {file} is a file, not a folder; "
                           "choose another --file").format(path=path, file=blocking))
    _make_folder(path.parent, _("choose another --file"), words)
    messages = _page_messages(registry, exercise, getattr(args, "language", "en"))
    _write_text(path, starter_file(exercise, path, messages, words), words)
    print(_("wrote {path}: {title}").format(path=path,
                                            title=messages.get(exercise.title, exercise.title)))
    print(_("fill in the parts marked TODO, then: rindoku exercise check {id} {path}").format(
        id=exercise.id, path=path))
    return 0


def _write_text(path: Path, text: str, words: Words = ENGLISH) -> None:
    """Write ``text`` to ``path`` whole or not at all (through a file beside it)."""
    with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, suffix=".tmp",
                                     encoding="utf-8") as tmp:
        tmp.write(text)
    try:
        os.replace(tmp.name, path)
    except OSError as exc:
        os.unlink(tmp.name)
        raise UsageError(words.gettext("cannot write {path}: {problem}").format(
            path=path, problem=exc.strerror)) from exc


def cmd_exercise_check(registry: Registry, args: argparse.Namespace,
                       words: Words = ENGLISH) -> int:
    exercise = registry.exercise(args.id)
    try:
        verdict = check_file(exercise, Path(args.file), timeout=args.timeout, words=words)
    except (FileNotFoundError, AttemptFileError) as exc:  # missing, a folder, unreadable
        raise UsageError(str(exc)) from exc
    print(f"{exercise.id}: {verdict.text(words)}")
    return 0 if verdict.passed else 1


def cmd_exercise_hint(registry: Registry, args: argparse.Namespace,
                      words: Words = ENGLISH) -> int:
    _ = words.gettext
    exercise = registry.exercise(args.id)
    if not exercise.hints:
        print(_("{id} has no hints; 'rindoku exercise solution {id}' shows the solution"
                ).format(id=exercise.id))
        return 0
    messages = _page_messages(registry, exercise, getattr(args, "language", "en"))
    total = len(exercise.hints)
    numbers = range(1, total + 1) if args.all else [args.number]
    for number in numbers:
        if not 1 <= number <= total:
            raise UsageError(_("{id} has hints 1 to {total}, not {number}").format(
                id=exercise.id, total=total, number=number))
        hint = translate_markdown(exercise.hints[number - 1], messages)
        print(_("hint {number} of {total}: {hint}").format(number=number, total=total,
                                                            hint=hint))
    if not args.all and args.number < total:
        print(_("(next: rindoku exercise hint {id} {number})").format(id=exercise.id,
                                                                     number=args.number + 1))
    return 0


def cmd_exercise_solution(registry: Registry, args: argparse.Namespace,
                          words: Words = ENGLISH) -> int:
    print(registry.exercise(args.id).solution, end="")
    return 0


# -- data ----------------------------------------------------------------------------------

LIST_HASH_LIMIT = 64 << 20
"""``rindoku data`` hashes the files up to this size (bytes); ``rindoku data verify`` all."""

CHECKSUMS = {"ok": N_("ok"), "WRONG": N_("WRONG"), "missing": N_("missing"),
             "not checked": N_("not checked")}
"""Each state of a file's checksum (:class:`rindoku.data.FileState`) as a member reads it."""

PLACES = {PROVIDED: PROVIDED, CACHE: N_("cache"), MISSING: N_("missing")}
"""Where a data file was found, as a member reads it."""


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


def _remedy(names: str, words: Words) -> str:
    """How to provide missing data sets (:func:`rindoku.data.remedy`, in the user's words)."""
    return words.gettext("run 'rindoku data fetch {names}' (with internet) or set "
                         "{variable}=DIR").format(names=names, variable=ENV_VAR)


def _env_problem(words: Words) -> str:
    """What is wrong with ``$RINDOKU_DATA`` (:func:`rindoku.data.env_problem`), or ``""``."""
    value = os.environ.get(ENV_VAR)
    if not value:
        return ""
    if not Path(value).exists():
        return words.gettext("{variable} is set to {value}, which does not exist").format(
            variable=ENV_VAR, value=value)
    if not Path(value).is_dir():
        return words.gettext("{variable} is set to {value}, which is not a folder").format(
            variable=ENV_VAR, value=value)
    return ""


def _with_env(line: str, words: Words) -> str:
    """``line``, and what is wrong with RINDOKU_DATA if anything is."""
    problem = _env_problem(words)
    return f"{line}; {problem}" if problem else line


def _warn_about_env(words: Words) -> None:
    problem = _env_problem(words)
    if problem:
        print(words.gettext("rindoku: warning: {problem}: only the cache is used").format(
            problem=problem), file=sys.stderr)


def _wrong(state: FileState, words: Words) -> str:
    if state.actual:
        return words.gettext("sha256 {actual}, expected {expected}").format(
            actual=state.actual, expected=state.file.sha256)
    return words.gettext("{size} bytes, expected {expected}").format(
        size=state.size, expected=state.file.size)


def _where_and_checksum(states: list[FileState], words: Words) -> tuple[str, str]:
    """The ``where`` and ``checksum`` columns of ``rindoku data`` for one data set; the
    checksum as :class:`rindoku.data.FileState` says it ("-" for no files)."""
    _ = words.gettext
    if not states:
        return _("no files"), "-"
    places = [_(PLACES[where]) for where in (PROVIDED, CACHE)
              if any(s.where == where for s in states)]
    missing = sum(s.where == MISSING for s in states)
    if missing:
        places.append(_("{missing} of {total} missing").format(missing=missing,
                                                               total=len(states))
                      if places else _(PLACES[MISSING]))
    checks = {s.checksum for s in states}
    checksum = next(c for c in ("WRONG", "missing", "not checked", "ok") if c in checks)
    return _(", ").join(places), checksum


def _missing_files(name: str, missing: list[str], total: int, words: Words) -> str:
    if len(missing) == total:
        return words.ngettext("{name} is missing ({count} file)",
                              "{name} is missing ({count} files)", total).format(
            name=name, count=total)
    return words.gettext("{name}: {missing} of {total} files missing ({files})").format(
        name=name, missing=len(missing), total=total, files=", ".join(missing))


def _dataset_problem(name: str, states: list[FileState], words: Words) -> str | None:
    """One line on what is missing or wrong in a data set and what to do, or None."""
    _ = words.gettext
    missing = [s.file.name for s in states if s.checksum == "missing"]
    wrong = [s for s in states if s.checksum == "WRONG"]
    parts = []
    if missing:
        parts.append(f"{_missing_files(name, missing, len(states), words)}: "
                     f"{_remedy(name, words)}")
    if wrong:
        if any(s.where == PROVIDED for s in wrong):
            template = _("{count} file(s) with the wrong checksum ({files}): run 'rindoku data "
                         "fetch {name}' to download them again, after deleting or replacing "
                         "the one(s) in {variable}")
        else:
            template = _("{count} file(s) with the wrong checksum ({files}): run 'rindoku data "
                         "fetch {name}' to download them again")
        part = template.format(count=len(wrong), files=", ".join(s.file.name for s in wrong),
                               name=name, variable=ENV_VAR)
        parts.append(part if parts else f"{name}: {part}")
    return _with_env("; ".join(parts), words) if parts else None


def cmd_data(registry: Registry, args: argparse.Namespace, words: Words = ENGLISH) -> int:
    _ = words.gettext
    _warn_about_env(words)
    datasets = _datasets(registry)
    chapter_of = {item.plugin: slug for slug, item in registry.chapters.items()}
    plugin_of = {name: item.plugin for name, item in registry.kind("datasets").items()}
    print(_("data sets ({count}), looked for in {variable} ({value}), then in the cache "
            "({cache})").format(count=len(datasets), variable=ENV_VAR,
                                value=os.environ.get(ENV_VAR) or _("not set"),
                                cache=cache_dir()) + "\n")
    rows = [(_("name"), _("chapter"), _("files"), _("size"), _("where"), _("checksum"))]
    states_of, to_fetch, to_verify = {}, [], []
    for name, dataset in datasets.items():
        states = states_of[name] = [state_of(f, hash_limit=LIST_HASH_LIMIT)
                                    for f in dataset.files]
        where, checksum = _where_and_checksum(states, words)
        size = ("?" if any(s.size == 0 for s in states) else _size(sum(s.size for s in states))
                ) if states else "-"
        plugin = plugin_of[name]
        rows.append((name, chapter_of.get(plugin, plugin), str(len(states)) if states else "-",
                     size, where, _(CHECKSUMS[checksum]) if checksum in CHECKSUMS else checksum))
        if checksum in ("missing", "WRONG"):
            to_fetch.append(name)
        if checksum in ("WRONG", "not checked"):
            to_verify.append(name)
    widths = [max(text_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  " + "  ".join(_pad(cell, w) for cell, w in zip(row, widths, strict=True)
                               ).rstrip())
    if args.verbose:
        for name, dataset in datasets.items():
            print(f"\n{name}: {dataset.description}")
            print(_("  source:  {source}").format(source=dataset.source or "-"))
            print(_("  licence: {licence}").format(licence=dataset.licence or "-"))
            for s in states_of[name]:
                print(f"  {_pad(_(CHECKSUMS[s.checksum]), 11)} "
                      f"{_size(s.size) if s.size else '?':>8}  {s.path}")
    if to_fetch:
        print("\n" + _("to get what is missing or wrong: {remedy}").format(
            remedy=_remedy(" ".join(to_fetch), words)))
    if to_verify:
        print("\n" + _("to check every file: rindoku data verify {names}").format(
            names=" ".join(to_verify)))
    _print_problems(registry, words)
    return 0


def _check_cache(words: Words) -> None:
    """One line if the download cache cannot be made or written in."""
    _ = words.gettext
    cache = cache_dir()
    advice = _("set XDG_CACHE_HOME to a folder you can write in")
    blocking = _file_in_the_way(cache)
    if blocking:
        raise UsageError(_("the download cache {cache} cannot be made: {file} is a file; "
                           "{advice}").format(cache=cache, file=blocking, advice=advice))
    _make_folder(cache, advice, words)


def cmd_data_fetch(registry: Registry, args: argparse.Namespace, words: Words = ENGLISH) -> int:
    _ = words.gettext
    if args.all == bool(args.names):
        raise UsageError(_("give --all or names, not both") if args.all else
                         _("name the data sets to fetch (e.g. 'rindoku data fetch ptb'), "
                           "or pass --all; 'rindoku data' lists them"))
    datasets = _datasets(registry, args.names)
    _warn_about_env(words)
    failed = False
    for name, dataset in datasets.items():
        if not dataset.files:
            if args.names:
                print(_("{name}: nothing to fetch ({source})").format(
                    name=name, source=dataset.source or _("no files")))
            continue
        print(f"{name}: {dataset.source or dataset.description}")
        print(_("  licence: {licence}").format(licence=dataset.licence or _("not given")),
              flush=True)
        for file in dataset.files:
            state = state_of(file)
            if state.checksum == "ok":
                print(_("  {file}: already here, checksum ok ({path})").format(
                    file=file.name, path=state.path))
                continue
            if state.where == PROVIDED:  # the user's folder: not ours to replace
                print(_error_line(_("{path} has the wrong checksum ({wrong}): replace it, or "
                                    "delete it to download it into the cache").format(
                    path=state.path, wrong=_wrong(state, words)), words), file=sys.stderr)
                failed = True
                continue
            _check_cache(words)
            try:
                path = download(file, timeout=args.timeout)
            except DataError as exc:
                print(_error_line(exc.summary, words), file=sys.stderr)
                failed = True
                continue
            if state.where == CACHE:
                line = _("  {file}: downloaded to {path} (it replaces a damaged copy)")
            else:
                line = _("  {file}: downloaded to {path}")
            print(line.format(file=file.name, path=path), flush=True)
    return 1 if failed else 0


def cmd_data_verify(registry: Registry, args: argparse.Namespace, words: Words = ENGLISH) -> int:
    _ = words.gettext
    failed = False
    for name, dataset in _datasets(registry, args.names).items():
        if not dataset.files:
            if args.names:
                print(_("{name}: no files to verify ({source})").format(
                    name=name, source=dataset.source or _("none")))
            continue
        states = [state_of(file) for file in dataset.files]
        for s in states:
            detail = f"  ({_wrong(s, words)})" if s.checksum == "WRONG" else ""
            print(f"{_pad(_(CHECKSUMS[s.checksum]), 8)} {name}  {s.path}{detail}", flush=True)
        problem = _dataset_problem(name, states, words)
        if problem:
            print(f"rindoku: {problem}", file=sys.stderr)
            failed = True
    return 1 if failed else 0


def cmd_data_path(registry: Registry, args: argparse.Namespace, words: Words = ENGLISH) -> int:
    _ = words.gettext
    dataset = _datasets(registry, [args.name])[args.name]
    if not dataset.files:
        print(_("rindoku: {name} has no files: {source}").format(
            name=args.name, source=dataset.source or _("its loader makes it")), file=sys.stderr)
        return 0
    located = [locate(file) for file in dataset.files]
    missing = [f.name for f, (_path, where) in zip(dataset.files, located, strict=True)
               if where == MISSING]
    if missing:
        line = (f"{_missing_files(args.name, missing, len(located), words)}: "
                f"{_remedy(args.name, words)}")
        print("rindoku: " + _with_env(line, words), file=sys.stderr)
        return 1
    for path, _where in located:
        print(path)
    return 0


# -- book, new-chapter ----------------------------------------------------------------------


def find_checkout(start: Path, for_new_chapter: bool = False, words: Words = ENGLISH) -> Path:
    """The rindoku checkout containing ``start``: the folder with docs/conf.py."""
    _ = words.gettext
    for folder in [start, *start.parents]:
        if (folder / "docs" / "conf.py").is_file() and (folder / "pyproject.toml").is_file():
            return folder
    if for_new_chapter:
        raise UsageError(_(
            "not inside a rindoku checkout (a folder with docs/conf.py and pyproject.toml): "
            "run this in one, or make a separate package with --package DIR"))
    raise UsageError(_(
        "the book is built from a rindoku checkout: run 'rindoku book' inside one "
        "(a folder with docs/conf.py), or pass --root"))


def book_editions(docs: Path) -> list[str]:
    """The languages the book in ``docs`` has an edition in: its conf.py's
    ``rindoku_editions``, read as Sphinx reads it.  Empty for a book in one language
    (or a conf.py that Sphinx cannot read, which the build then reports)."""
    from sphinx.config import eval_config_file
    from sphinx.errors import ConfigError
    from sphinx.util.tags import Tags

    try:
        namespace = eval_config_file(docs / "conf.py", Tags())
    except ConfigError:
        return []
    editions = namespace.get("rindoku_editions") or []
    return [str(e) for e in editions] if len(editions) > 1 else []


def remove_single_language_book(html: Path, editions: Sequence[str]) -> None:
    """Remove a book built into ``html`` in one language, from before the editions (it
    has ``html/.buildinfo``), but not the editions' folders (``html/en``, ``html/ja``)."""
    if not (html / ".buildinfo").is_file():
        return
    for old in html.iterdir():
        if old.is_dir() and old.name not in editions:
            shutil.rmtree(old)
        elif not old.is_dir():
            old.unlink()


def book_commands(docs: Path, build: Path, editions: Sequence[str], options: Sequence[str]
                  ) -> list[list[str]]:
    """The sphinx-build commands that build the book: one per edition, each into
    ``BUILD/html/<language>`` with its doctrees in ``BUILD/doctrees/<language>``
    (the example cache is shared); one into ``BUILD/html`` for a book in one language."""
    sphinx = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-b", "html"]
    if not editions:
        return [[*sphinx, str(docs), str(build / "html"), *options]]
    return [[*sphinx, "-D", f"language={language}", str(docs), str(build / "html" / language),
             "-d", str(build / "doctrees" / language), *options] for language in editions]


def cmd_book(registry: Registry, args: argparse.Namespace, words: Words = ENGLISH) -> int:
    _ = words.gettext
    root = _checkout(args.root, words=words)
    build = root / "docs" / "_build"
    if args.record and not args.long:
        raise UsageError(_("--record records the long examples: use it with --long"))
    if args.sphinx_options and not args.sphinx_options[0].startswith("-"):
        raise UsageError(_("after -- come sphinx-build options (-D name=value, -j auto), not "
                           "{value}").format(value=args.sphinx_options[0]))
    options = []
    if args.long:
        options += ["-D", "rindoku_run_long=1"]
    if args.chapters:
        slugs = [s.strip() for s in args.chapters.split(",") if s.strip()]
        for slug in slugs:
            registry.chapter(slug)  # a misspelt slug: one line with the closest
        options += ["-D", f"rindoku_chapters={','.join(slugs)}"]
    options += args.sphinx_options
    if args.clean and build.exists():
        shutil.rmtree(build)
    if args.record:
        status = record_examples(_long_examples(registry), root, words=words)
        if status != 0:
            return status
    editions = book_editions(root / "docs")
    remove_single_language_book(build / "html", editions)
    for command in book_commands(root / "docs", build, editions, options):
        print(" ".join(command), flush=True)
        status = subprocess.call(command)
        if status != 0:
            return status
    where = build / "html" / "index.html"
    if editions:
        folders = _(", ").join(str(build / "html" / language) for language in editions)
        print("\n" + _("the book is at {index} ({editions})").format(index=where,
                                                                    editions=folders))
    else:
        print("\n" + _("the book is at {index}").format(index=where))
    return 0


def cmd_new_chapter(registry: Registry, args: argparse.Namespace, words: Words = ENGLISH) -> int:
    _ = words.gettext
    try:
        check_slug(args.slug)
    except ScaffoldError as exc:
        raise UsageError(str(exc)) from exc
    if args.slug in registry.chapters:
        plugin = registry.chapters[args.slug].plugin
        raise UsageError(_("a chapter {slug} is already installed (plugin {plugin}): "
                           "choose another name").format(slug=repr(args.slug),
                                                         plugin=repr(plugin)))
    number = max((c.number for c in registry.chapter_list()), default=0) + 1
    title = args.title or args.slug.capitalize()
    if args.package and Path(args.package).exists() and not Path(args.package).is_dir():
        raise UsageError(_("--package {package} is a file: give a new folder for the package"
                           ).format(package=args.package))
    try:
        if args.package:
            written = new_chapter(args.slug, title, number=number, title_ja=args.title_ja,
                                  package=Path(args.package))
        else:
            root = _checkout(args.root, for_new_chapter=True, words=words)
            written = new_chapter(args.slug, title, number=number, title_ja=args.title_ja,
                                  root=root)
    except ScaffoldError as exc:
        raise UsageError(str(exc)) from exc
    except OSError as exc:
        raise UsageError(_("cannot write {path}: {problem}").format(
            path=exc.filename or _("the chapter"), problem=exc.strerror or exc)) from exc
    for path in written:
        print(_("wrote {path}").format(path=path))
    if args.package:
        print("\n" + _("next: pip install {package}   (then 'rindoku list' shows {slug})").format(
            package=args.package, slug=repr(args.slug)))
        return 0
    if args.no_install:
        print("\n" + _("next: pip install -e {root}   (registers the new entry point)").format(
            root=root))
        return 0
    print("\n" + _("registering the chapter: pip install -e {root}").format(root=root),
          flush=True)
    status = subprocess.call([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                              "-e", str(root)])
    if status != 0:
        raise UsageError(_("pip could not install {root}; run 'pip install -e {root}' yourself"
                           ).format(root=root))
    print(_("done: 'rindoku list' shows chapter {slug}; write chapters/{name}.md").format(
        slug=repr(args.slug), name=args.slug))
    return 0


# -- slides, schedule --------------------------------------------------------------------

PLAN = Path("docs") / "schedule.toml"
"""The meeting plan, relative to the checkout."""


def _slides_checkout(root: str | None, words: Words) -> Path:
    try:
        return _checkout(root, words=words)
    except UsageError:
        if root is not None:
            raise
        raise UsageError(words.gettext(
            "decks are made from a rindoku checkout's pages and its book's results: run this "
            "inside one, or pass --root")) from None


def _deck_name(slugs: list[str], spec: str | None) -> str:
    """``cbow-3.4-3.6``: the chapters and the range, as a folder name."""
    tail = re.sub(r"[^A-Za-z0-9.]+|\.\.+", "-", spec).strip("-") if spec else "all"
    return f"{'+'.join(slugs)}-{tail}"


def _meeting_for(plan: Plan | None, slugs: list[str], spec: str | None) -> Meeting | None:
    """The planned meeting with these chapters and this range, if there is one."""
    if plan is None or spec is None:
        return None
    return next((m for m in plan.meetings
                 if list(m.chapters) == slugs and m.sections.strip() == spec.strip()), None)


def cmd_slides(registry: Registry, args: argparse.Namespace, words: Words = ENGLISH) -> int:
    _ = words.gettext
    root = _slides_checkout(args.root, words)
    slugs = list(dict.fromkeys(args.chapters))
    plan = None
    if (root / PLAN).is_file():
        try:
            plan = read_plan(root / PLAN, registry)
        except PlanError:
            plan = None  # 'rindoku schedule' reports it; a deck does not need the plan
    meeting = _meeting_for(plan, slugs, args.sections)
    date = args.date or (meeting.date if meeting else dt.date.today())
    presenter = args.presenter if args.presenter is not None else (
        meeting.presenter if meeting else "")
    try:
        # the deck speaks the command's language: Japanese with --lang ja or a Japanese locale
        deck = make_deck(registry, slugs, args.sections, date=date, presenter=presenter,
                         notes=meeting.notes if meeting else "",
                         language=getattr(args, "language", "en"))
    except (SectionError, MarkError) as exc:
        raise UsageError(str(exc)) from None
    browser = chromium() if args.pdf else None
    if args.pdf and browser is None:
        raise UsageError(_("--pdf prints the deck with a headless Chromium, and none was found: "
                           "install it (Debian: apt-get install chromium) or set "
                           "RINDOKU_CHROMIUM=/path/to/chrome"))
    name = _deck_name(slugs, args.sections)
    outdir = Path(args.out) if args.out else root / "docs" / "_build" / "slides" / name
    blocking = _file_in_the_way(outdir)
    if blocking:
        raise _not_a_folder("--out", outdir, blocking, words)
    _make_folder(outdir, _("choose another --out"), words)
    slides = len(deck.slides()) + 1
    print(words.ngettext("{title}: {span}, {count} slide", "{title}: {span}, {count} slides",
                         slides).format(title=deck.title, span=deck.span, count=slides),
          flush=True)
    try:
        page = build_decks({"index": deck}, outdir,
                           cache=root / "docs" / "_build" / "rindoku-cache",
                           records=root / "docs" / "records", theme=args.theme)["index"]
        if browser is not None:
            pdf = outdir / f"{name}.pdf"
            write_pdf(page, pdf, browser)
    except DeckBuildError as exc:
        print(_error_line(str(exc), words), file=sys.stderr)
        return 1
    print(_("the deck is at {page}   (S: speaker view, D: dark or light; Japanese text needs "
            "{font})").format(page=page, font=FONT))
    if browser is not None:
        print(_("the PDF is at {pdf}").format(pdf=pdf))
    return 0


WEEKDAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))
"""The days of the week, Monday first, as a date shows them."""


def _weekday(date: dt.date, words: Words = ENGLISH) -> str:
    """``Thu 2026-05-14``, in the user's language."""
    return words.gettext("{weekday} {date}").format(
        weekday=words.gettext(WEEKDAYS[date.weekday()]), date=date.isoformat())


def cmd_schedule(registry: Registry, args: argparse.Namespace, words: Words = ENGLISH) -> int:
    _ = words.gettext
    path = Path(args.plan) if args.plan else _slides_checkout(args.root, words) / PLAN
    try:
        plan = read_plan(path, registry)
    except PlanError as exc:
        raise UsageError(str(exc)) from None
    today = args.today or dt.date.today()
    if args.all:
        print(plan.title or _("meetings"))
        upcoming = next_meeting(plan, today)
        for each in plan.meetings:
            mark = "→" if each is upcoming else " "
            print(f" {mark} {_weekday(each.date, words)}  {_pad(each.presenter, 16)} "
                  f"{', '.join(each.chapters):<20} {each.span}")
        return 0
    meeting = next_meeting(plan, today)
    if meeting is None:
        last = plan.meetings[-1]
        print(_("no meeting after {today}: the last was on {date} ({span}, {presenter}); add "
                "the next one to {plan}").format(today=today, date=last.date, span=last.span,
                                                 presenter=last.presenter, plan=path))
        return 0
    days = (meeting.date - today).days
    when = _("today") if days == 0 else _("tomorrow") if days == 1 else words.ngettext(
        "in {days} day", "in {days} days", days).format(days=days)
    print(_("next meeting: {date} ({when}), presenter {presenter}").format(
        date=_weekday(meeting.date, words), when=when, presenter=meeting.presenter))
    print(f"  {meeting.span}")
    if meeting.notes:
        print(f"  {meeting.notes}")
    print(_("read before it:"))
    for slug, sections in meeting.covered:
        chapter = registry.chapter(slug)
        print(f"  {chapter.title} (chapters/{slug}.html)")
        for section in sections:
            if section.level == 2:
                print(f"    {section.numbers:<24} {section.title:<44} #{section.anchor}")
    print(_("the deck: rindoku slides {chapters} --sections {sections}   (in the built book: "
            "slides/{name}.html)").format(chapters=" ".join(meeting.chapters),
                                          sections=meeting.sections, name=meeting.name))
    return 0


# -- the command line --------------------------------------------------------------------


def build_parser(words: Words = ENGLISH) -> argparse.ArgumentParser:
    """The ``rindoku`` command's parser, its help and its mistakes in the language of ``words``."""
    _ = words.gettext
    parser = _Parser(prog="rindoku", description=_(
        "Run the course book's examples and exercises."), words=words)
    parser.add_argument("--version", action="version", version=f"rindoku {__version__}",
                        help=_("show rindoku's version and exit"))
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    seconds = functools.partial(_seconds, words)
    date = functools.partial(_date, words)

    def command(commands: Any, name: str, help: str, **kwargs: Any) -> _Parser:
        made: _Parser = commands.add_parser(name, help=help, description=help, words=words,
                                            **kwargs)
        return made

    checkout = _("the rindoku checkout (default: found from here)")

    p = command(sub, "list", _("list chapters, layers, optimizers, examples, exercises; "
                               "a chapter's book sections"))
    p.add_argument("kind", nargs="?", choices=[*KINDS, "sections"],
                   help=_("list only this kind"))
    p.add_argument("chapter", nargs="?", help=_("with sections: only this chapter's"))
    p.set_defaults(func=cmd_list)

    p = command(sub, "plugins", _("installed chapter plugins and any problems"))
    p.set_defaults(func=cmd_plugins)

    p = command(sub, "run", _("run an example in the terminal"))
    p.add_argument("id", help=_("example id, e.g. backprop.spiral"))
    p.add_argument("--out", default="rindoku-output", help=_("folder for figures"))
    p.add_argument("--seed", type=functools.partial(_seed, words),
                   help=_("seed of the random generator (0 or more)"))
    p.set_defaults(func=cmd_run)

    p = command(sub, "record", _("run examples and keep their results in docs/records, "
                                 "where the book shows them"))
    p.add_argument("ids", nargs="*", metavar="ID", help=_("example ids, e.g. cbow.ptb"))
    p.add_argument("--all", action="store_true",
                   help=_("every long example, except those that take hours"))
    p.add_argument("--root", help=checkout)
    p.add_argument("--timeout", type=seconds, metavar="SECONDS",
                   help=_("time limit of each run (default: the example's own)"))
    p.set_defaults(func=cmd_record)

    exercise = command(sub, "exercise", _("start, check, get hints for an exercise"))
    esub = exercise.add_subparsers(dest="action", required=True, metavar="ACTION")
    p = command(esub, "start", _("write the starter file, the prompt on top"))
    p.add_argument("id", help=_("exercise id, e.g. backprop.sigmoid-backward"))
    p.add_argument("--file", help=_("where to write it (default: ID with underscores + .py)"))
    p.add_argument("--force", action="store_true", help=_("overwrite an existing file"))
    p.set_defaults(func=cmd_exercise_start)
    p = command(esub, "check", _("check an attempt"))
    p.add_argument("id", help=_("exercise id"))
    p.add_argument("file", help=_("your attempt (a .py file)"))
    p.add_argument("--timeout", type=seconds, metavar="SECONDS",
                   help=_("seconds before giving up"))
    p.set_defaults(func=cmd_exercise_check)
    p = command(esub, "hint", _("show a hint"))
    p.add_argument("id", help=_("exercise id"))
    p.add_argument("number", nargs="?", type=int, default=1,
                   help=_("which hint (default 1)"))
    p.add_argument("--all", action="store_true", help=_("show every hint"))
    p.set_defaults(func=cmd_exercise_hint)
    p = command(esub, "solution", _("print the reference solution"))
    p.add_argument("id", help=_("exercise id"))
    p.set_defaults(func=cmd_exercise_solution)

    data = command(sub, "data", _("the data sets the chapters declare: where they are, "
                                  "fetch, verify, path"))
    data.add_argument("-v", "--verbose", action="store_true",
                      help=_("also each data set's description, source, licence and files"))
    data.set_defaults(func=cmd_data)
    dsub = data.add_subparsers(dest="action", metavar="ACTION")
    p = command(dsub, "fetch", _("download data sets into the cache, checking their SHA-256"))
    p.add_argument("names", nargs="*", metavar="NAME", help=_("data sets, e.g. ptb"))
    p.add_argument("--all", action="store_true", help=_("every data set that has files"))
    p.add_argument("--timeout", type=seconds, default=30.0, metavar="SECONDS",
                   help=_("seconds to wait for a server"))
    p.set_defaults(func=cmd_data_fetch)
    p = command(dsub, "verify", _("check the SHA-256 of every file (exit 1 if any is wrong "
                                  "or missing)"))
    p.add_argument("names", nargs="*", metavar="NAME", help=_("data sets (default: all)"))
    p.set_defaults(func=cmd_data_verify)
    p = command(dsub, "path", _("print the paths of a data set's files"))
    p.add_argument("name", metavar="NAME", help=_("a data set, e.g. ptb"))
    p.set_defaults(func=cmd_data_path)

    p = command(sub, "new-chapter", _("scaffold a new chapter plugin"))
    p.add_argument("slug", help=_("the chapter's name: lower-case letters and digits (rnnlm)"))
    p.add_argument("--title", help=_("the chapter's title"))
    p.add_argument("--title-ja", default="", help=_("the chapter's Japanese title"))
    p.add_argument("--package", metavar="DIR", help=_("make a separate pip package in DIR"))
    p.add_argument("--root", help=checkout)
    p.add_argument("--no-install", action="store_true",
                   help=_("do not run 'pip install -e' to register the chapter"))
    p.set_defaults(func=cmd_new_chapter)

    p = command(sub, "book", _("build the course book, an edition per language "
                               "(docs/_build/html/en, docs/_build/html/ja)"))
    p.add_argument("--clean", action="store_true", help=_("rebuild from scratch"))
    p.add_argument("--root", help=checkout)
    p.add_argument("--long", action="store_true",
                   help=_("run the long examples too (minutes), so that the book shows them all"))
    p.add_argument("--chapters", metavar="SLUG,...",
                   help=_("a quicker book: only these chapters and those they require"))
    p.add_argument("--record", action="store_true",
                   help=_("with --long: record the long examples first (rindoku record --all)"))
    p.add_argument("sphinx_options", nargs="*", metavar="-- SPHINX_OPTION",
                   help=_("more options for each sphinx-build, after -- "
                          "(-- -D rindoku_run_long=1)"))
    p.set_defaults(func=cmd_book)

    p = command(sub, "slides", _("make a slide deck of some of a chapter's sections "
                                 "(docs/_build/slides)"))
    p.add_argument("chapters", nargs="+", metavar="CHAPTER",
                   help=_("the chapter (several for a meeting that spans them)"))
    p.add_argument("--sections", metavar="RANGE",
                   help=_("book sections (3.4-3.6, or 2:3.4-3.6 to name the book) or page "
                          "anchors (the-cbow-model..negative-sampling); default: all"))
    p.add_argument("--date", type=date,
                   help=_("the meeting's date (default: the plan's, or today)"))
    p.add_argument("--presenter", help=_("who presents (default: the plan's)"))
    p.add_argument("--theme", choices=("light", "dark"), default="light",
                   help=_("the palette it opens in (D switches)"))
    p.add_argument("--out", metavar="DIR", help=_("where to write the deck"))
    p.add_argument("--pdf", action="store_true",
                   help=_("also print it to a PDF (needs a headless Chromium)"))
    p.add_argument("--root", help=checkout)
    p.set_defaults(func=cmd_slides)

    p = command(sub, "schedule", _("the next meeting of the plan (docs/schedule.toml) "
                                   "and what to read before it"))
    p.add_argument("--all", action="store_true", help=_("every meeting of the plan"))
    p.add_argument("--plan", metavar="FILE", help=_("another plan file"))
    p.add_argument("--today", type=date, help=argparse.SUPPRESS)
    p.add_argument("--root", help=checkout)
    p.set_defaults(func=cmd_schedule)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    language = _asked_language(argv) or language_of_environment()
    args = build_parser(words_for(language)).parse_args(argv)
    args.language = getattr(args, "lang", language)  # also an abbreviated --la ja
    words = words_for(args.language)
    registry = None
    try:
        registry = load_registry()
        status: int = args.func(registry, args, words)
        return status
    except UnknownNameError as exc:
        print(_error_line(_unknown_name(exc, registry, words), words), file=sys.stderr)
        return 2
    except UsageError as exc:
        print(_error_line(str(exc), words), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\n" + words.gettext("rindoku: interrupted"), file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
