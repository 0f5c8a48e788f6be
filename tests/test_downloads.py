"""Every download of the book runs: an example's script and notebook, a chapter's notebook.

A quick example's script runs in an empty folder and prints what the page
shows (what the book's worker prints), its notebook executes and prints the
same; a long example's script defines every name it uses.  Times differ from
run to run, so numbers that are times (``3.1 s``, ``45.7 ms``, ``7 times
faster``) are masked before outputs are compared.

By default the first quick example of each chapter runs (a second or two
each); ``--slow`` runs them all, and the PTB ones need the data
(``RINDOKU_DATA``).
"""

from __future__ import annotations

import builtins
import os
import re
import subprocess
import symtable
import sys
from collections.abc import Callable
from pathlib import Path

import nbformat
import numpy as np
import pytest
from conftest import BOOK_CACHE, build_book, demo_book, demo_plugin, missing_data_reason

from rindoku.examples import Example, example_code, example_script
from rindoku.execution import ExampleCache, ExampleResult, run_example_in_worker
from rindoku.notebooks import (
    INSTALL,
    chapter_examples,
    chapter_notebook,
    example_notebook,
    page_example_ids,
)
from rindoku.registry import load_registry

REGISTRY = load_registry()
CHAPTERS = REGISTRY.chapter_list()
EXAMPLES = {example.id: example for c in CHAPTERS for example in chapter_examples(c, REGISTRY)}
QUICK = [i for i, example in EXAMPLES.items() if example.size == "quick"]
FIRST_QUICK = {next(i for i in QUICK if i.partition(".")[0] == c.slug)
               for c in CHAPTERS if any(i.partition(".")[0] == c.slug for i in QUICK)}
"""The default run's examples: the first quick one of each chapter, its toy one."""


def quick_params(default: set[str]) -> list:
    """The quick examples, those not in ``default`` marked slow."""
    return [pytest.param(i, marks=() if i in default else pytest.mark.slow) for i in QUICK]


# -- comparing outputs -------------------------------------------------------------

_NUMBER = r"(?<![\w.])\d[\d,]*(?:\.\d+)?(?:e[-+]?\d+)?"
_TIME = re.compile(_NUMBER + r"(?:\s*(?:ms|s)\b|×|\s+times\b)")
_BESIDE_TIME = re.compile(_NUMBER + r"(?=\s+<time>)")  # a speed in the column before a time


def masked(output: str) -> str:
    """``output`` with its times masked as ``<time>`` and runs of spaces made one."""
    lines = []
    for line in output.strip().splitlines():
        line = _TIME.sub("<time>", line)
        while (beside := _BESIDE_TIME.sub("<time>", line)) != line:
            line = beside
        lines.append(" ".join(line.split()))
    return "\n".join(lines)


def test_masking_hides_times_and_keeps_results():
    """Times, and a speed beside a time, are masked; counts and scores are kept."""
    assert masked("textbook     1,758      528.7 s") == "textbook <time> <time>"
    assert masked("CBOW   2.8s    0.65%   0.089") == "CBOW <time> 0.65% 0.089"
    assert masked("about 7 times faster; difference 5.6e-17") == (
        "about <time> faster; difference 5.6e-17")
    assert masked("(20 epochs in 15.4 s), 40.3 ms    8.3 ms      4.8×") == (
        "(20 epochs in <time>), <time> <time> <time>")
    assert masked("loss 1.7029, 10 steps, 962,242 cells") == "loss 1.7029, 10 steps, 962,242 cells"


@pytest.fixture(scope="session")
def page_output(tmp_path_factory: pytest.TempPathFactory,
                request: pytest.FixtureRequest) -> Callable[[str], ExampleResult]:
    """A function: what the page shows for an example (its run in the book's worker).

    With ``--slow`` it is the result in the checkout's example cache, which
    the book's pages embed (the example is run into it first if it is not
    there, once for all the test processes); otherwise each example runs once
    per session in the worker.  One that needs missing data skips the test.
    """
    results: dict[str, ExampleResult] = {}
    cache = ExampleCache(BOOK_CACHE) if request.config.getoption("--slow") else None

    def output(example_id: str) -> ExampleResult:
        if example_id not in results:
            example = EXAMPLES[example_id]
            results[example_id] = (cache.run(example) if cache is not None else
                                   run_example_in_worker(example,
                                                         tmp_path_factory.mktemp(example_id)))
        result = results[example_id]
        if result.error and "DataError" in result.error:
            pytest.skip(missing_data_reason("PTB"))
        assert result.ok, result.error
        return result

    return output


def script_env() -> dict[str, str]:
    """The environment a reader runs a script in: no display, and the data where it is."""
    return {**os.environ, "MPLBACKEND": "Agg", "PYTHONIOENCODING": "utf-8"}


# -- scripts -------------------------------------------------------------------------


def unbound_names(source: str, builtin: tuple[str, ...] = ()) -> set[str]:
    """The names ``source`` reads that nothing binds: not the module, a builtin (or a
    name in ``builtin``), a function's locals or parameters, nor an enclosing function's."""
    table = symtable.symtable(source, "<script>", "exec")
    bound = {s.get_name() for s in table.get_symbols() if s.is_assigned() or s.is_imported()}
    scopes, todo = [], list(table.get_children())
    while todo:
        scope = todo.pop()
        scopes.append(scope)
        todo.extend(scope.get_children())
        bound |= {s.get_name() for s in scope.get_symbols()
                  if s.is_declared_global() and s.is_assigned()}
    known = bound | set(dir(builtins)) | {"__name__", "__file__", "__doc__", *builtin}
    unbound = {s.get_name() for s in table.get_symbols() if s.is_referenced()} - known
    for scope in scopes:
        unbound |= {s.get_name() for s in scope.get_symbols()
                    if s.is_global() and s.is_referenced()} - known
    return unbound


def test_the_static_check_finds_a_missing_name():
    """Negative control: a helper left out, a constant read in a comprehension, are found."""
    source = ("import numpy as np\n\ndef f(rng):\n    x = [WINDOW for _ in range(2)]\n"
              "    def g():\n        return x, np, _speed(rng)\n    return g()\n")
    assert unbound_names(source) == {"WINDOW", "_speed"}
    assert unbound_names("def f(a, *b, **c):\n    return a, b, c, len\n") == set()


@pytest.mark.parametrize("example_id", list(EXAMPLES))
def test_every_script_compiles_and_defines_every_name_it_uses(example_id):
    """A long example's script is not run here, but it compiles and misses no name."""
    source = example_script(EXAMPLES[example_id])
    compile(source, f"{example_id}.py", "exec")
    assert unbound_names(source) == set(), f"{example_id}'s script uses names it lacks"


SCRIPT_BUDGET = 12.0
"""Seconds: a quick example whose book run took longer has its script compiled and
name-checked (above), not run a second time — the scripts of the shorter ones, made the
same way, show that running one prints the page's output."""


@pytest.mark.parametrize("example_id", quick_params(FIRST_QUICK))
def test_a_quick_script_prints_what_the_page_shows(example_id, tmp_path, page_output):
    """``python script.py`` in an empty folder prints the page's output."""
    page = page_output(example_id)
    if example_id not in FIRST_QUICK and page.seconds > SCRIPT_BUDGET:
        pytest.skip(f"its book run took {page.seconds:.0f} s (> {SCRIPT_BUDGET:g} s): "
                    "the script is compiled and name-checked, not run again")
    (tmp_path / "script.py").write_text(example_script(EXAMPLES[example_id]), encoding="utf-8")
    done = subprocess.run([sys.executable, "script.py"], cwd=tmp_path, env=script_env(),
                          capture_output=True, text=True, encoding="utf-8",
                          timeout=EXAMPLES[example_id].timeout)
    assert done.returncode == 0, done.stderr[-3000:]
    assert masked(done.stdout) == masked(page.stdout)


DEMO_MODULE = '''\
"""A chapter's examples, as a chapter writes them: constants and helpers beside them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .shared import BASE

# how many draws each example makes
DRAWS = 4
"""Enough to see a sum."""

UNUSED = {"left": "out"}


@dataclass(frozen=True)
class Settings:
    scale: float = BASE * 2


def _total(rng: np.random.Generator, settings: Settings) -> float:
    return float(rng.random(DRAWS).sum()) * settings.scale


def other(rng: np.random.Generator) -> None:
    print(UNUSED)


def demo(rng: np.random.Generator) -> None:
    """Print a total the helper computes."""
    other = [n for n in range(DRAWS)]  # a local, not the function of that name
    print(f"{len(other)} draws, total {_total(rng, Settings()):.6f}")
'''


def test_a_script_brings_the_constants_and_helpers_its_example_uses(tmp_path, monkeypatch,
                                                                    capsys):
    """The failure mode of old: a module-level constant and helper were left out (NameError).

    The script takes them, and the dataclass and the import they use in turn, and
    nothing else; it runs in an empty folder and prints what the function prints.
    """
    package = tmp_path / "site" / "rindoku_demo_helpers"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "shared.py").write_text("BASE = 1.5\n")
    (package / "examples.py").write_text(DEMO_MODULE)
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    from rindoku_demo_helpers import examples

    try:
        example = Example("demo.total", "A total", examples.demo, seed=3)
        code = example_code(example)
        script = example_script(example)
    finally:
        for name in [m for m in sys.modules if m.startswith("rindoku_demo_helpers")]:
            del sys.modules[name]
    assert code.names == ("DRAWS", "Settings", "_total")
    assert "from rindoku_demo_helpers.shared import BASE" in script  # made absolute
    assert "UNUSED" not in script and "def other" not in script
    assert "# how many draws each example makes\nDRAWS = 4\n\"\"\"Enough" in script
    assert "rindoku_demo_helpers.examples" not in script

    examples.demo(np.random.default_rng(3))
    expected = capsys.readouterr().out
    run = tmp_path / "fresh"
    run.mkdir()
    (run / "demo_total.py").write_text(script)
    env = {**script_env(), "PYTHONPATH": str(tmp_path / "site")}  # the package, installed
    done = subprocess.run([sys.executable, "demo_total.py"], cwd=run, env=env,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout == expected


# -- notebooks ------------------------------------------------------------------------


KERNEL_BUILTINS = ("get_ipython",)
"""What IPython's kernel defines besides Python's builtins (a magic calls it)."""


def notebook_code(notebook: nbformat.NotebookNode) -> str:
    """The notebook's code cells as the kernel runs them (IPython's magics made Python)."""
    transformer = pytest.importorskip("IPython.core.inputtransformer2").TransformerManager()
    cells = [transformer.transform_cell(c.source) for c in notebook.cells
             if c.cell_type == "code"]
    return "\n".join(cell.replace("from __future__ import annotations\n", "") for cell in cells)


@pytest.mark.parametrize("example_id", list(EXAMPLES))
def test_every_example_notebook_is_valid_and_complete(example_id):
    """nbformat validates it; it installs rindoku first; its code defines what it uses."""
    example = EXAMPLES[example_id]
    notebook = example_notebook(example)
    nbformat.validate(notebook)
    assert notebook.cells[0].source == INSTALL
    assert notebook.cells[1].source.startswith(f"# {example.title}")
    assert unbound_names(notebook_code(notebook), KERNEL_BUILTINS) == set()
    assert example_notebook(example) == notebook  # the same file on every build


@pytest.mark.parametrize("slug", [c.slug for c in CHAPTERS])
def test_every_chapter_notebook_has_the_page_examples_in_order(slug):
    """The chapter's examples under their titles, in page order; long ones say so."""
    chapter = REGISTRY.chapter(slug)
    notebook = chapter_notebook(chapter, REGISTRY)
    nbformat.validate(notebook)
    headings = [c.source for c in notebook.cells
                if c.cell_type == "markdown" and c.source.startswith("## ")]
    order = page_example_ids(chapter.page)
    assert [h.splitlines()[2].strip("`") for h in headings] == order
    for heading, example_id in zip(headings, order, strict=True):
        example = EXAMPLES[example_id]
        assert heading.startswith(f"## {example.title}")
        assert ("takes a while" in heading) == (example.size == "long")
    assert unbound_names(notebook_code(notebook), KERNEL_BUILTINS) == set()


def executed_stdout(notebook: nbformat.NotebookNode, folder: Path, timeout: float) -> str:
    """Run ``notebook`` top to bottom in a fresh kernel in ``folder``; return its stdout."""
    client = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    client.NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                          resources={"metadata": {"path": str(folder)}}).execute()
    return "".join(output.text for cell in notebook.cells if cell.cell_type == "code"
                   for output in cell.outputs
                   if output.output_type == "stream" and output.name == "stdout")


@pytest.mark.parametrize("example_id", quick_params({QUICK[0]} if QUICK else set()))
def test_a_quick_notebook_runs_and_prints_what_the_page_shows(example_id, tmp_path,
                                                             page_output):
    """nbclient runs the example's notebook in a kernel; its output is the page's.

    As for the scripts, a quick example whose book run took longer than
    :data:`SCRIPT_BUDGET` runs its notebook only if it is its chapter's first.
    """
    example = EXAMPLES[example_id]
    page = page_output(example_id)
    if example_id not in FIRST_QUICK and page.seconds > SCRIPT_BUDGET:
        pytest.skip(f"its book run took {page.seconds:.0f} s (> {SCRIPT_BUDGET:g} s): "
                    "the notebook is validated and name-checked, not run")
    stdout = executed_stdout(example_notebook(example), tmp_path, example.timeout)
    assert masked(stdout) == masked(page.stdout)


@pytest.mark.slow
def test_the_first_chapter_notebook_runs_top_to_bottom(tmp_path, page_output):
    """The first chapter's notebook (all its examples quick) prints what its page shows."""
    chapter = CHAPTERS[0]
    examples = chapter_examples(chapter, REGISTRY)
    if any(e.size == "long" for e in examples):
        pytest.skip(f"chapter {chapter.slug!r} has a long example")
    page = "".join(page_output(e.id).stdout for e in examples)
    stdout = executed_stdout(chapter_notebook(chapter, REGISTRY), tmp_path,
                             sum(e.timeout for e in examples))
    assert masked(stdout) == masked(page)


# -- in the book ------------------------------------------------------------------------


HELPER_PLUGIN = demo_plugin(
    "STEPS = 3\n\n\ndef _count(n):\n    return list(range(n))\n\n\n"
    "def counting(rng):\n    print('counted', _count(STEPS))",
    'Example("demo.counting", "Counting", counting)',
)


def test_a_page_links_its_downloads_and_the_script_prints_its_output(tmp_path):
    """A one-chapter book: the example links its .py and .ipynb, the chapter its notebook
    under the title; the files are in _downloads, and the script prints the page's output."""
    docs, env = demo_book(tmp_path, "rindoku_demo_downloads", HELPER_PLUGIN, "demo.counting")
    done = build_book(docs, tmp_path / "out", "-W", env=env)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    html = tmp_path / "out" / "html"
    page = (html / "chapters" / "demo.html").read_text(encoding="utf-8")
    files = {name: html / path for path, name in
             re.findall(r'href="\.\./(_downloads/[0-9a-f]+/([\w.]+))"', page)}
    assert {"demo_counting.py", "demo_counting.ipynb", "demo.ipynb"} <= set(files)
    assert all(file.is_file() for file in files.values())
    # the chapter's notebook link comes right after the title
    assert re.search(r"</h1>\s*<p[^>]*rindoku-chapter-notebook", page)
    # the page defines what the listing uses, in a folded block above it
    assert re.search(r"<summary>Imports and the definitions it uses \(STEPS, _count\)", page)
    nbformat.validate(nbformat.read(files["demo_counting.ipynb"], as_version=4))

    run = tmp_path / "fresh"
    run.mkdir()
    script = run / "demo_counting.py"
    script.write_bytes(files["demo_counting.py"].read_bytes())
    done = subprocess.run([sys.executable, script.name], cwd=run, env=script_env(),
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "counted [0, 1, 2]\n"
    assert "counted [0, 1, 2]" in page


@pytest.mark.slow
def test_the_real_book_links_every_download(real_book):
    """Each chapter page links its notebook and each example's .py and .ipynb; each file
    in _downloads is what the library makes now."""
    html = real_book[0] / "html" / "en"
    for chapter in CHAPTERS:
        page = (html / "chapters" / f"{chapter.slug}.html").read_text(encoding="utf-8")
        links = {name: html / path for path, name in
                 re.findall(r'href="\.\./(_downloads/[0-9a-f]+/([\w.]+))"', page)}
        assert f"{chapter.slug}.ipynb" in links, chapter.slug
        for example in chapter_examples(chapter, REGISTRY):
            stem = re.sub(r"[^0-9a-zA-Z]+", "_", example.id)
            assert links[f"{stem}.py"].read_text(encoding="utf-8") == example_script(example)
            notebook = nbformat.read(links[f"{stem}.ipynb"], as_version=4)
            assert notebook == example_notebook(example)
