"""Worked examples: registered functions that print and draw.

An example is an ordinary function that takes a seeded random generator,
prints what it wants the reader to see and draws with matplotlib.  The book
runs it in a worker process and embeds its output and figures
(:mod:`rindoku.execution`); ``rindoku run ID`` runs it in the terminal.
"""

from __future__ import annotations

import ast
import contextlib
import inspect
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

__all__ = ["Example", "ExampleFunction", "example_script", "imported_modules", "run_example"]

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
    ``figure-1.png``, ``figure-2.png`` …; the paths are returned.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    outdir = Path(outdir).resolve()
    outdir.mkdir(parents=True, exist_ok=True)
    plt.close("all")
    with contextlib.chdir(outdir):
        function(np.random.default_rng(seed))
    paths = []
    for number in plt.get_fignums():
        path = outdir / f"figure-{number}.png"
        plt.figure(number).savefig(path, dpi=110, bbox_inches="tight")
        paths.append(path)
    plt.close("all")
    return paths


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


def example_script(example: Example) -> str:
    """A stand-alone ``.py`` script of the example, for readers to download.

    It holds the imports of the example's module, the function, and a
    ``__main__`` block that runs it with the example's seed and shows its figures.
    """
    module = inspect.getmodule(example.function)
    module_source = inspect.getsource(module) if module else ""
    imports = [
        ast.get_source_segment(module_source, node) or ""
        for node in ast.parse(module_source).body
        if isinstance(node, ast.Import)
        or (isinstance(node, ast.ImportFrom) and node.module != "__future__")
    ]
    name = example.function.__name__
    return "\n".join(
        [
            f'"""{example.title} ({example.id})."""',
            "",
            *imports,
            *([] if "import matplotlib.pyplot as plt" in imports
              else ["import matplotlib.pyplot as plt"]),
            "",
            "",
            example.source.rstrip(),
            "",
            "",
            'if __name__ == "__main__":',
            f"    {name}(np.random.default_rng({example.seed}))",
            "    plt.show()",
            "",
        ]
    )
