"""Worked examples: registered functions that print and draw.

An example is an ordinary function that takes a seeded random generator,
prints what it wants the reader to see and draws with matplotlib.  The book
runs it in a worker process and embeds its output and figures
(:mod:`rindoku.execution`); ``rindoku run ID`` runs it in the terminal.
"""

from __future__ import annotations

import ast
import contextlib
import importlib.util
import inspect
import json
import os
import re
import symtable
import sys
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np

__all__ = [
    "Example",
    "ExampleCode",
    "ExampleFunction",
    "example_code",
    "example_script",
    "figure_description",
    "imported_modules",
    "publish",
    "published_values",
    "run_example",
]

ExampleFunction = Callable[[np.random.Generator], None]


@dataclass(frozen=True)
class Example:
    """A worked example of a chapter.

    ``id`` is ``<chapter slug>.<name>`` (``backprop.spiral``).  ``size`` is
    ``"quick"`` for examples the book runs while it builds, ``"long"`` for
    those a member runs with ``rindoku run``.  ``function(rng)`` receives
    ``np.random.default_rng(seed)``, so every run prints the same thing, and
    runs in the folder its output belongs in: it saves files under relative
    names.
    ``timeout`` bounds one run, in seconds.
    """

    id: str
    title: str
    function: ExampleFunction
    size: Literal["quick", "long"] = "quick"
    seed: int = 0
    timeout: float = 300.0

    @property
    def target(self) -> str:
        """``module:qualname`` of the function, for a worker process to import."""
        return f"{self.function.__module__}:{self.function.__qualname__}"

    @property
    def source(self) -> str:
        """The function's source code, as the book shows it."""
        return inspect.getsource(self.function)


def run_example(function: ExampleFunction, seed: int, outdir: Path) -> list[Path]:
    """Run an example function here, in this process, and save its figures.

    The function gets ``np.random.default_rng(seed)`` and runs with ``outdir``
    as its working folder, so a file it saves under a relative name
    (``vectors.save("cbow-ptb.npz")``) lands there and nowhere else.  Every
    matplotlib figure still open when it returns is saved to ``outdir`` as
    ``figure-1.png``, ``figure-2.png`` …; the paths are returned.  Each PNG
    carries what the figure shows, made from its titles and axis labels, as its
    ``Description`` (:func:`figure_description`): the book's alt text.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from rindoku.i18n import save_figure

    outdir = Path(outdir).resolve()
    outdir.mkdir(parents=True, exist_ok=True)
    (outdir / VALUES_FILE).unlink(missing_ok=True)  # an earlier run's values are not this run's
    plt.close("all")
    with contextlib.chdir(outdir):
        function(np.random.default_rng(seed))
    paths = []
    for number in plt.get_fignums():
        path = outdir / f"figure-{number}.png"
        figure = plt.figure(number)
        # and figure-1.ja.png …, where the figure's words have translations (rindoku.i18n)
        save_figure(figure, path, _describe_figure, dpi=110, bbox_inches="tight")
        paths.append(path)
    plt.close("all")
    return paths


# -- published values ---------------------------------------------------------------

VALUES_FILE = "values.json"
"""Where :func:`publish` writes, in the example's working folder."""

_VALUE_NAME = re.compile(r"[a-z0-9_]+")


def publish(name: str, value: float | int | str, fmt: str = "{}") -> None:
    """Publish a figure of the run, for the book's prose to cite.

    ``publish("analogy", report.accuracy, "{:.1%}")`` makes the page's
    ``{rindoku-value}`cbow.ptb:analogy``` read ``6.9%``: the sentence that
    states the figure cannot drift from the run.  ``fmt`` formats ``value``
    for the page; the value itself is kept too.  ``name`` is lower-case
    letters, digits and underscores; publishing a name again replaces it.

    The value goes to ``values.json`` in the working folder, which is the
    example's output folder when the book or ``rindoku run`` runs it.
    """
    if not isinstance(name, str) or not _VALUE_NAME.fullmatch(name):
        raise ValueError(f"publish: name {name!r} must be lower-case letters, digits and "
                         "underscores, e.g. 'analogy' or 'epoch_seconds'")
    if hasattr(value, "item") and not isinstance(value, str):  # a NumPy scalar
        value = value.item()
    if not isinstance(value, int | float | str):
        raise TypeError(f"publish: value of {name!r} must be a number or a string, "
                        f"got {type(value).__name__}")
    text = fmt.format(value)
    path = Path(VALUES_FILE)
    entries = [e for e in _read_values_file(path) if e.get("name") != name]
    entries.append({"name": name, "value": value, "text": text})
    temporary = path.with_name(f".{VALUES_FILE}.{os.getpid()}.tmp")
    temporary.write_text(json.dumps(entries, indent=1, ensure_ascii=False), encoding="utf-8")
    os.replace(temporary, path)


def _read_values_file(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        return []
    entries = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(entries, list):
        raise ValueError(f"{path}: expected a list of published values")
    return [e for e in entries if isinstance(e, dict)]


def published_values(folder: Path) -> tuple[dict[str, str], dict[str, float | int | str]]:
    """What a run in ``folder`` published: ``(texts, raw values)``, each by name.

    ``texts`` are the formatted values the page shows, ``raw`` the values as
    published; both empty when nothing was published.
    """
    texts: dict[str, str] = {}
    raw: dict[str, float | int | str] = {}
    for entry in _read_values_file(Path(folder) / VALUES_FILE):
        name = str(entry.get("name", ""))
        texts[name] = str(entry.get("text", ""))
        raw[name] = entry.get("value", "")
    return texts, raw


def _describe_figure(figure: Any) -> str:
    """What a matplotlib figure shows, in words: its title and each plot's title and axes.

    ``"held-out accuracy per epoch (x: epoch, y: accuracy)"``; empty when the
    figure has no title and no labels.
    """
    suptitle = figure.get_suptitle().strip()
    plots = []
    for axes in figure.axes:
        if axes.get_label() == "<colorbar>":
            continue
        title = " ".join(t for t in (axes.get_title("left"), axes.get_title(),
                                     axes.get_title("right")) if t.strip())
        labels = ", ".join(f"{axis}: {text}" for axis, text in
                           (("x", axes.get_xlabel()), ("y", axes.get_ylabel())) if text.strip())
        plot = f"{title} ({labels})" if title and labels else title or (labels and f"({labels})")
        if plot and plot not in plots:
            plots.append(plot)
    if len(plots) > 4:
        plots[3:] = [f"and {len(plots) - 3} more plots"]
    text = ": ".join(p for p in (suptitle, "; ".join(plots)) if p)
    return text.replace("$", "").replace("\\", "")  # mathtext ($x_1$) read as text


def figure_description(path: Path) -> str:
    """The description :func:`run_example` saved in a figure's PNG ("" if none)."""
    from PIL import Image

    with Image.open(path) as image:
        return str(getattr(image, "text", {}).get("Description", ""))


def imported_modules() -> dict[str, str]:
    """Every loaded module of rindoku, a chapter or the text library, with its file.

    What an example imported is what its result depends on: the cache key of
    a result is made from these files (:func:`rindoku.execution.example_key`),
    whether the example ran in the book's worker or in ``rindoku run``.
    """
    found = {}
    for name, module in list(sys.modules.items()):
        top = name.partition(".")[0]
        if top == "rindoku" or top.startswith("rindoku_"):
            file = getattr(module, "__file__", None)
            if file and name != "rindoku._worker":
                found[name] = file
    return found


# -- the downloadable script ------------------------------------------------------


@dataclass(frozen=True)
class ExampleCode:
    """An example's function and everything it uses from its module: its script's parts.

    ``imports`` are the module's import statements that the code uses, each
    trimmed to the names it uses; ``definitions`` the module-level constants,
    helpers and classes the function uses, directly or through each other, in
    module order, with the comments above them; ``names`` the names those
    definitions bind.  ``future`` is the module's ``from __future__`` line, if
    any.  Names from rindoku and the chapter packages stay imports: they are
    installed where the script runs.
    """

    imports: str
    definitions: str
    function: str
    names: tuple[str, ...] = ()
    future: str = ""

    @property
    def prelude(self) -> str:
        """The imports and the definitions: what comes before the function."""
        return "\n\n\n".join(part for part in (self.imports, self.definitions) if part)

    @property
    def text(self) -> str:
        """The prelude and the function: code that defines the example on its own."""
        return "\n\n\n".join(part for part in (self.prelude, self.function.rstrip()) if part)


@dataclass
class _Statement:
    """A top-level statement of a module: its lines (comments above included), the
    names it binds, the module-level names it reads."""

    node: ast.stmt
    first: int
    last: int
    text: str
    binds: set[str]
    uses: set[str]


def _names_used(source: str) -> set[str]:
    """The module-level names that the top-level code ``source`` reads.

    Those read at the top level itself, and the global names read inside the
    functions, classes and comprehensions it defines (found with
    :mod:`symtable`: a local variable of the same name as a module-level one
    does not count).  Annotations count, as if they were evaluated.
    """
    table = symtable.symtable(source, "<example>", "exec")
    used = {symbol.get_name() for symbol in table.get_symbols() if symbol.is_referenced()}
    todo = list(table.get_children())
    while todo:
        scope = todo.pop()
        used |= {symbol.get_name() for symbol in scope.get_symbols()
                 if symbol.is_global() and symbol.is_referenced()}
        todo.extend(scope.get_children())
    return used


def _is_string(node: ast.stmt) -> bool:
    return (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str))


def _module_statements(source: str) -> list[_Statement]:
    """The module's top-level statements, its docstring and ``__future__`` imports aside.

    A statement's text starts at the comment lines right above it (and at its
    decorators); an assignment's text ends with the string right below it, its
    docstring.
    """
    lines = source.splitlines()
    body = ast.parse(source).body
    statements: list[_Statement] = []
    for index, node in enumerate(body):
        last = node.end_lineno or node.lineno
        if _is_string(node) and index == 0:
            continue
        if (_is_string(node) and statements and statements[-1].node is body[index - 1]
                and isinstance(body[index - 1], ast.Assign | ast.AnnAssign)):
            statements[-1].last = last
            statements[-1].text = "\n".join(lines[statements[-1].first - 1:last])
            continue
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            continue
        first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
        while first > 1 and lines[first - 2].lstrip().startswith("#"):
            first -= 1
        text = "\n".join(lines[first - 1:last])
        table = symtable.symtable(text, "<example>", "exec")
        binds = {symbol.get_name() for symbol in table.get_symbols()
                 if symbol.is_assigned() or symbol.is_imported()}
        statements.append(_Statement(node, first, last, text, binds, _names_used(text)))
    return statements


def _import_text(node: ast.Import | ast.ImportFrom, names: set[str], package: str) -> str:
    """The import statement ``node`` trimmed to the aliases that bind ``names``.

    A relative import is made absolute: the script does not live in the package.
    """
    aliases = [alias for alias in node.names
               if (alias.asname or alias.name.partition(".")[0]) in names or alias.name == "*"]
    if isinstance(node, ast.Import):
        return "\n".join(ast.unparse(ast.Import(names=[alias])) for alias in aliases)
    module = node.module or ""
    if node.level:
        module = importlib.util.resolve_name("." * node.level + module, package)
    parts = [alias.name + (f" as {alias.asname}" if alias.asname else "") for alias in aliases]
    line = f"from {module} import {', '.join(parts)}"
    if len(line) <= 100:
        return line
    return f"from {module} import (\n" + "".join(f"    {part},\n" for part in parts) + ")"


def _join(statements: list[tuple[_Statement, str]], lines: list[str]) -> str:
    """The texts of ``statements`` (in module order), apart by as many blank lines as
    the longest run of them between the two in the module (two at most)."""
    out: list[str] = []
    previous: _Statement | None = None
    for statement, text in statements:
        if previous is not None:
            run = longest = 0
            for line in lines[previous.last:statement.first - 1]:
                run = 0 if line.strip() else run + 1
                longest = max(longest, run)
            out.append("\n" * min(2, longest))
        out.append(text + "\n")
        previous = statement
    return "".join(out).rstrip("\n")


def example_code(example: Example) -> ExampleCode:
    """The example's function with what it uses from its module (:class:`ExampleCode`).

    The names the function reads are looked up among its module's top-level
    statements; each statement that binds one is taken, and the names it reads
    are looked up in turn, until nothing new is needed.  Imports are taken
    alias by alias.  ``np`` and ``plt`` are imported in any case: the script
    calls the function with a NumPy generator and shows the figures.
    """
    function = textwrap.dedent(example.source)
    module = inspect.getmodule(example.function)
    try:
        module_source = inspect.getsource(module) if module else ""
    except (OSError, TypeError):
        module_source = ""
    statements = _module_statements(module_source) if module_source else []
    name = example.function.__name__
    own = next((s for s in statements
                if isinstance(s.node, ast.FunctionDef | ast.AsyncFunctionDef)
                and s.node.name == name and "." not in example.function.__qualname__), None)
    wanted = _names_used(function) | {"np", "plt"}
    taken: list[_Statement] = []
    imported: set[str] = set()
    todo = list(wanted)
    while todo:
        needed = todo.pop()
        for statement in statements:
            if statement is own or needed not in statement.binds:
                continue
            if isinstance(statement.node, ast.Import | ast.ImportFrom):
                imported.add(needed)
            elif statement not in taken:
                taken.append(statement)
                todo.extend(statement.uses - wanted)
                wanted |= statement.uses
    package = getattr(module, "__package__", None) or ""
    imports = [(s, _import_text(s.node, imported, package)) for s in statements
               if isinstance(s.node, ast.Import | ast.ImportFrom)
               and (s.binds & imported or any(a.name == "*" for a in s.node.names))]
    lines = module_source.splitlines()
    import_text = _join(imports, lines)
    for alias, line, before in (("np", "import numpy as np", ""),
                                ("plt", "import matplotlib.pyplot as plt", "import numpy")):
        if alias not in imported:
            at = import_text.find(before) if before else -1
            import_text = (line + "\n" + import_text if at < 0
                           else import_text[:at] + line + "\n" + import_text[at:]).strip()
    definitions = sorted(taken, key=lambda s: s.first)
    future = next((ast.get_source_segment(module_source, node) or ""
                   for node in ast.parse(module_source).body
                   if isinstance(node, ast.ImportFrom) and node.module == "__future__"), "")
    return ExampleCode(
        imports=import_text,
        definitions=_join([(s, s.text) for s in definitions], lines),
        function=function,
        names=tuple(n for s in definitions for n in sorted(s.binds)),
        future=future,
    )


def example_script(example: Example) -> str:
    """A stand-alone ``.py`` script of the example, for readers to download.

    It holds what the example uses from its module (:func:`example_code`):
    the imports, constants and helpers, then the function, and a
    ``__main__`` block that runs it with the example's seed and shows its
    figures.  Run in an empty folder, it prints what the book shows.
    """
    code = example_code(example)
    head = [f'"""{example.title} ({example.id})."""', ""]
    if code.future:
        head += [code.future, ""]
    return "\n".join(
        [
            *head,
            code.text,
            "",
            "",
            'if __name__ == "__main__":',
            f"    {example.function.__name__}(np.random.default_rng({example.seed}))",
            "    plt.show()",
            "",
        ]
    )
