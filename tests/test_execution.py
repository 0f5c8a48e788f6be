"""Running examples in worker processes, and the example cache."""

from __future__ import annotations

import importlib
import textwrap

import pytest

from rindoku import Example
from rindoku.examples import example_script
from rindoku.execution import ExampleCache, run_example_in_worker

EXAMPLES = '''\
import matplotlib.pyplot as plt
import numpy as np

from rindoku_demo.helpers import double


def draws(rng: np.random.Generator) -> None:
    """Print a seeded number and draw one figure."""
    value = double(rng.integers(1000))
    print("value", value)
    plt.plot([0, 1], [0, value])


def raises(rng: np.random.Generator) -> None:
    raise ValueError("this example is broken")


def sleeps(rng: np.random.Generator) -> None:
    import time
    time.sleep(60)


def reads(rng: np.random.Generator) -> None:
    """Fetch a data file twice (it is named once) and print its first line."""
    from rindoku.data import DataFile, fetch

    table = DataFile("demo/table.txt", sha256=TABLE_SHA256, urls=())
    fetch(table, download=False)
    print(fetch(table, download=False).read_text().splitlines()[0])
'''

TABLE = "first line\nsecond line\n"


@pytest.fixture
def demo(tmp_path, monkeypatch):
    """A package 'rindoku_demo' with examples, a helper they import, and one they don't."""
    package = tmp_path / "src" / "rindoku_demo"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "examples.py").write_text(EXAMPLES)
    (package / "helpers.py").write_text("def double(x):\n    return 2 * int(x)\n")
    (package / "unrelated.py").write_text("X = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path / "src"))
    monkeypatch.setenv("PYTHONPATH", str(tmp_path / "src"))
    for name in list(importlib.sys.modules):
        if name.startswith("rindoku_demo"):
            del importlib.sys.modules[name]
    return importlib.import_module("rindoku_demo.examples"), package


def test_an_example_runs_in_a_worker_with_output_and_figure(demo, tmp_path):
    module, _ = demo
    result = run_example_in_worker(Example("demo.draws", "Draws", module.draws), tmp_path / "o")
    assert result.ok, result.error
    assert result.stdout.startswith("value ")
    assert [f.name for f in result.figures] == ["figure-1.png"]
    assert result.figures[0].read_bytes()[:4] == b"\x89PNG"
    assert "rindoku_demo.helpers" in result.modules
    assert "rindoku_demo.unrelated" not in result.modules
    assert result.read == []  # no data file


def test_a_result_names_the_data_files_the_example_read(tmp_path, monkeypatch):
    """fetch's audit event reaches the worker: the result, and its cached copy, name the file
    once however often it was fetched."""
    import hashlib

    from rindoku._worker import FETCH_EVENT as WORKER_EVENT
    from rindoku.data import FETCH_EVENT

    assert WORKER_EVENT == FETCH_EVENT
    package = tmp_path / "src" / "rindoku_demo_reads"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    digest = hashlib.sha256(TABLE.encode()).hexdigest()
    (package / "examples.py").write_text(EXAMPLES.replace("TABLE_SHA256", repr(digest))
                                         .replace("from rindoku_demo.helpers import double\n", ""))
    (tmp_path / "data" / "demo").mkdir(parents=True)
    (tmp_path / "data" / "demo" / "table.txt").write_text(TABLE)
    monkeypatch.setenv("RINDOKU_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("PYTHONPATH", str(tmp_path / "src"))
    monkeypatch.syspath_prepend(str(tmp_path / "src"))
    module = importlib.import_module("rindoku_demo_reads.examples")
    example = Example("demo.reads", "Reads", module.reads)

    cache = ExampleCache(tmp_path / "cache")
    result = cache.run(example)
    assert result.ok, result.error
    assert result.stdout == "first line\n"
    assert result.read == ["demo/table.txt"]
    assert cache.lookup(example).read == ["demo/table.txt"]


def test_the_same_seed_prints_the_same(demo, tmp_path):
    module, _ = demo
    example = Example("demo.draws", "Draws", module.draws, seed=7)
    first = run_example_in_worker(example, tmp_path / "a").stdout
    assert run_example_in_worker(example, tmp_path / "b").stdout == first


def test_a_raising_example_reports_its_traceback(demo, tmp_path):
    module, _ = demo
    result = run_example_in_worker(Example("demo.raises", "Raises", module.raises), tmp_path)
    assert not result.ok
    assert "ValueError: this example is broken" in result.error


def test_an_endless_example_is_stopped_at_its_time_limit(demo, tmp_path):
    module, _ = demo
    example = Example("demo.sleeps", "Sleeps", module.sleeps, timeout=2)
    result = run_example_in_worker(example, tmp_path)
    assert "ran past its time limit of 2 s" in result.error


def test_the_cache_reruns_only_when_an_imported_module_changes(demo, tmp_path):
    """Editing a module the example imports re-runs it; editing another does not."""
    module, package = demo
    example = Example("demo.draws", "Draws", module.draws)
    cache = ExampleCache(tmp_path / "cache")
    first = cache.run(example)
    assert first.ok and not first.cached
    assert cache.run(example).cached

    (package / "unrelated.py").write_text("X = 2\n")
    assert cache.run(example).cached

    (package / "helpers.py").write_text("def double(x):\n    return 3 * int(x)\n")
    rerun = cache.run(example)
    assert not rerun.cached
    assert rerun.stdout != first.stdout
    assert len([p for p in (tmp_path / "cache" / "demo.draws").iterdir() if p.is_dir()]) == 1


def test_a_failed_example_is_not_cached(demo, tmp_path):
    module, _ = demo
    example = Example("demo.raises", "Raises", module.raises)
    cache = ExampleCache(tmp_path / "cache")
    assert not cache.run(example).ok
    assert cache.lookup(example) is None


def test_the_download_script_runs_on_its_own(demo):
    """The script holds the module's imports, the function and a main block."""
    module, _ = demo
    script = example_script(Example("demo.draws", "Draws", module.draws, seed=3))
    assert "from rindoku_demo.helpers import double" in script
    assert "def draws(rng" in script
    assert "draws(np.random.default_rng(3))" in script
    compile(script, "script.py", "exec")
    assert textwrap.dedent(script) == script


def test_a_result_run_elsewhere_can_be_stored_for_the_book(demo, tmp_path):
    """'rindoku run' of a long example stores its output and figures where the book looks."""
    module, _ = demo
    example = Example("demo.draws", "Draws", module.draws, size="long")
    elsewhere = run_example_in_worker(example, tmp_path / "elsewhere")
    cache = ExampleCache(tmp_path / "cache")
    assert cache.lookup(example) is None
    cache.store(example, elsewhere)
    found = cache.lookup(example)
    assert found is not None and found.cached
    assert found.stdout == elsewhere.stdout
    assert found.figures[0].read_bytes() == elsewhere.figures[0].read_bytes()


def test_an_example_writes_only_into_its_output_folder(tmp_path, monkeypatch):
    """The worker runs in the output folder: a relative save lands there, not in the cwd."""
    package = tmp_path / "src" / "rindoku_demo_files"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(
        "from pathlib import Path\n\n\ndef saves(rng):\n    Path('vectors.txt').write_text('v')\n")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path / "src"))
    monkeypatch.syspath_prepend(str(tmp_path / "src"))
    from rindoku_demo_files import saves

    monkeypatch.chdir(tmp_path)
    result = run_example_in_worker(Example("demo.saves", "Saves", saves), tmp_path / "out")
    assert result.ok, result.error
    assert (tmp_path / "out" / "vectors.txt").read_text() == "v"
    assert not (tmp_path / "vectors.txt").exists()
