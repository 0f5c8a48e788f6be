"""Test-session setup shared by every test module.

Slow tests (the real book, end-to-end scaffolding, full PTB trainings) are
marked ``slow`` and run with ``pytest --slow`` (``nox -s tests -- --slow``,
as CI does); the default run skips them.  Data sets are found the way the
library finds them: ``RINDOKU_DATA`` or the download cache.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
BOOK_CACHE = ROOT / "docs" / "_build" / "rindoku-cache"
"""The example cache of the checkout's book, which the tests' real book shares."""


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--slow", action="store_true",
                     help="also run the slow tests (the real book, scaffolding, PTB trainings)")


SHARED_BUILDS = {
    "real_book": "real-book",  # real_book_ja builds on it
    "editions": "i18n-editions",
    "env": "scaffold-env",
    "pages": "sphinxext-pages",
}
"""Fixtures that build something once for the tests that use them, and their group.

``nox -s tests`` runs the tests on several processes (pytest-xdist, ``--dist
loadgroup``); the tests of one group run on the same process, which builds
the fixture once instead of once per process."""


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist's, which reads the groups
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Group the tests that share a build (:data:`SHARED_BUILDS`); skip the tests marked
    slow unless --slow is given (or -m selects them)."""
    for item in items:
        groups = [SHARED_BUILDS[name] for name in item.fixturenames if name in SHARED_BUILDS]
        if groups:
            item.add_marker(pytest.mark.xdist_group(groups[0]))
    if config.getoption("--slow") or "slow" in (config.getoption("-m") or ""):
        return
    skip = pytest.mark.skip(reason="slow: run with --slow (nox -s tests -- --slow)")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def english_command_line(monkeypatch: pytest.MonkeyPatch) -> None:
    """The ``rindoku`` command speaks English in the tests, whatever the locale they run
    in (LANGUAGE comes first); tests/test_cli_ja.py asks for Japanese."""
    monkeypatch.setenv("LANGUAGE", "en")


def missing_data_reason(name: str) -> str:
    """The one-line remedy a test that needs data set ``name`` (``PTB``) skips with."""
    from rindoku.data import remedy

    return f"needs the {name} data set: {remedy(name.lower())}"


@pytest.fixture(scope="session")
def shared_data_dir() -> Path:
    """The folder the data files are read from (RINDOKU_DATA or the cache); skip without PTB."""
    from rindoku.data import DataError, fetch
    from rindoku_text.ptb import PTB_TRAIN

    try:
        path = fetch(PTB_TRAIN, download=False)
    except DataError:
        pytest.skip(missing_data_reason("PTB"))
    return path.parents[1]


@pytest.fixture
def shared_data(shared_data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """RINDOKU_DATA set to the data folder for this test; returns the folder."""
    monkeypatch.setenv("RINDOKU_DATA", str(shared_data_dir))
    return shared_data_dir


def build_book(source: Path, out: Path, *extra: str, env: dict[str, str] | None = None
               ) -> subprocess.CompletedProcess[str]:
    """``sphinx-build -b html SOURCE OUT/html`` in a subprocess, doctrees in OUT/doctrees."""
    command = [sys.executable, "-m", "sphinx", "-b", "html", *extra,
               str(source), str(out / "html"), "-d", str(out / "doctrees")]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=1200)


def build_edition(source: Path, out: Path, language: str, *extra: str,
                  env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The ``language`` edition of the book at ``source``: ``sphinx-build -D language=…``
    into ``OUT/html/<language>`` (the editions side by side, as ``nox -s book`` lays
    them out), doctrees in ``OUT/doctrees/<language>``."""
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-D", f"language={language}",
               *extra, str(source), str(out / "html" / language),
               "-d", str(out / "doctrees" / language)]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=1200)


def demo_plugin(function: str, example: str) -> str:
    """The source of a one-chapter plugin ('demo') whose one example runs ``function``.

    ``function`` is the example function's source; ``example`` the ``Example(...)``
    that registers it.
    """
    return (
        "from pathlib import Path\n\nfrom rindoku import Chapter, Example, hookimpl\n\n\n"
        f"{function.strip()}\n\n\n"
        "@hookimpl\ndef rindoku_chapter():\n"
        '    return Chapter(slug="demo", number=9, title="Demo", title_ja="デモ",\n'
        '                   page=Path(__file__).with_name("demo.md"))\n\n\n'
        f"@hookimpl\ndef rindoku_examples():\n    return [{example}]\n"
    )


def demo_book(tmp_path: Path, module: str, plugin: str, example_id: str
              ) -> tuple[Path, dict[str, str]]:
    """A book of one chapter, the plugin ``module`` (source ``plugin``) showing one example.

    The plugin's page is ``demo.md`` beside it.  Returns the docs folder and
    the environment that lets Sphinx import the plugin.
    """
    plugin_dir = tmp_path / "plugin"
    plugin_dir.mkdir()
    (plugin_dir / f"{module}.py").write_text(plugin)
    (plugin_dir / "demo.md").write_text(f"# Demo\n\n```{{rindoku-example}} {example_id}\n```\n")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "conf.py").write_text(
        'extensions = ["myst_parser", "rindoku.sphinxext"]\n'
        f'rindoku_plugins = ["{module}"]\n'
        "rindoku_installed_plugins = False\n"
    )
    (docs / "index.md").write_text("# Test\n\n```{rindoku-chapters}\n```\n")
    return docs, {**os.environ, "PYTHONPATH": str(plugin_dir)}


def checkout_files() -> set[str]:
    """What ``git status --porcelain --ignored`` lists in the checkout, bytecode aside.

    Empty when the checkout is not a git repository.
    """
    done = subprocess.run(["git", "status", "--porcelain", "--ignored"], cwd=ROOT,
                          capture_output=True, text=True)
    if done.returncode != 0:
        return set()
    return {line for line in done.stdout.splitlines()
            if "__pycache__" not in line and not line.startswith("!! docs/_build/")}


@pytest.fixture(scope="session")
def real_book(tmp_path_factory: pytest.TempPathFactory
              ) -> tuple[Path, subprocess.CompletedProcess[str], set[str]]:
    """The real book's English edition, built once per test session into a temporary
    folder (-W).

    Returns the output folder (the edition is ``html/en/`` inside, as ``nox -s
    book`` lays it out), the finished build, and what the build added to the
    checkout's ``git status --ignored`` outside docs/_build (nothing, we hope).
    """
    out = tmp_path_factory.mktemp("book")
    before = checkout_files()
    # The examples' results are shared with the checkout's own book build
    # (docs/_build/rindoku-cache): a result is keyed by everything it depends on.
    done = build_edition(ROOT / "docs", out, "en", "-W", "--keep-going",
                         "-D", f"rindoku_cache_dir={BOOK_CACHE}")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return out, done, checkout_files() - before


@pytest.fixture
def one_step_with_fixed_negatives():
    """A function: one Trainer step of a textbook and a fast word2vec model, same negatives.

    ``step(textbook, fast, negatives, contexts, target)`` trains the textbook
    model with Adam and the fast one with SparseAdam on one mini-batch, both
    forwards given ``negatives`` (Trainer.step would draw new ones), and
    asserts that the two end with the same weights.
    """
    from rindoku.trainer import Trainer, unique_params
    from rindoku_optimizers.optimizers import Adam
    from rindoku_text.sparse import SparseAdam

    class Fixed:
        """Passes the same negatives to forward, as Trainer.step would not."""

        def __init__(self, model, negatives):
            self.model, self.negatives = model, negatives
            self.params, self.grads = model.params, model.grads

        def forward(self, x, t):
            return self.model.forward(x, t, self.negatives)

        def backward(self):
            self.model.backward()

    def step(textbook, fast, negatives, contexts, target):
        rng = np.random.default_rng(0)
        Trainer(Fixed(textbook, negatives), Adam(lr=0.01), rng=rng, progress=False).step(
            contexts, target)
        Trainer(Fixed(fast, negatives), SparseAdam(lr=0.01), rng=rng, progress=False).step(
            contexts, target)
        params, _ = unique_params(textbook.params, textbook.grads)
        for a, b in zip(params, fast.params, strict=True):
            np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)

    return step
