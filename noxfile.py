"""Development sessions: ``nox -s tests``, ``nox -s book``, ``nox -s lint``, ``nox -s bench``,
``nox -s translations``.

``nox -s tests`` runs the fast tests (a few minutes); ``nox -s tests -- --slow``
adds the slow ones (the real book, scaffolding in a fresh environment, PTB
trainings), as CI does.  ``nox -s browser`` checks the built book in headless
Chromium.
"""

import os
from pathlib import Path

import nox

nox.options.sessions = ["lint", "tests", "book"]
nox.options.reuse_existing_virtualenvs = True
# uv makes a session's environment in seconds where pip takes most of a minute;
# without uv (pip install nox rather than "nox[uv]"), virtualenv and pip do it.
nox.options.default_venv_backend = "uv|virtualenv"

# Compiled bytecode, and the machine code numba compiles for the fast paths, go under
# .nox, so that a session leaves the checkout as it was. Bytecode is written there even
# where PYTHONDONTWRITEBYTECODE is set: the tests and the book start hundreds of Python
# processes, and each would otherwise compile NumPy, Sphinx and matplotlib again.
CACHES = {"PYTHONPYCACHEPREFIX": str(Path(".nox", "pycache").resolve()),
          "PYTHONDONTWRITEBYTECODE": "",
          "NUMBA_CACHE_DIR": str(Path(".nox", "numba-cache").resolve())}

# The book's editions, as rindoku_editions in docs/conf.py: English first.
EDITIONS = ("en", "ja")

# One thread for the matrix products of NumPy's BLAS (OpenBLAS, or MKL through OpenMP).
ONE_BLAS_THREAD = {name: "1" for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
                                          "MKL_NUM_THREADS")}


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite (extra arguments go to pytest; --slow runs everything).

    The tests run on one process per CPU core, four at most (pytest-xdist); the
    tests that share a built book run on the same one (tests/conftest.py).
    ``-n 0`` runs them all in one process.  Each process, and every process it
    starts (a script, a notebook's kernel, a book build), does its matrix
    products on one thread: the processes already keep every core busy, and
    a BLAS that started a thread per core in each of them would have its
    threads wait on each other (OpenBLAS's spin as they wait), which made
    examples run several times slower than on their own.
    """
    session.install("-e", ".[test]")
    workers = str(min(4, os.cpu_count() or 1))
    session.run("pytest", "-p", "no:cacheprovider", "-n", workers, "--dist", "loadgroup",
                *session.posargs, env={**CACHES, **ONE_BLAS_THREAD})


@nox.session
def book(session: nox.Session) -> None:
    """Build the course book, each edition in its language: docs/_build/html/en and
    docs/_build/html/ja (warnings are errors).

    docs/_build/html/index.html opens the edition of the reader's browser
    language.  The editions share the example cache, so the Japanese one runs
    nothing again; its build ends with the pages not yet fully translated.
    ``rindoku book`` does the building (extra arguments go to each sphinx-build).
    Its examples do their matrix products on one thread, as the tests' scripts
    do: a float32 sum can round differently when more threads share it, and a
    script should print to the last digit what its page shows.
    """
    session.install("-e", ".")
    html = Path("docs", "_build", "html")
    session.run("rindoku", "book", "--", *session.posargs,
                env={**CACHES, **ONE_BLAS_THREAD})
    session.log(f"each edition's meeting decks are in its slides/ folder "
                f"({html / EDITIONS[0] / 'slides'})")


@nox.session
def translations(session: nox.Session) -> None:
    """Update the Japanese edition's catalogs from the English pages.

    Extracts every page's messages (``sphinx-build -b gettext`` into
    docs/_build/gettext, with the book's example cache) and merges them into
    docs/locales/ja/LC_MESSAGES/<page>.po with ``sphinx-intl``: a new message
    comes in untranslated, a changed one keeps its old translation marked fuzzy.
    The words of the book's extension (kernel/rindoku/sphinxext, and the decks',
    kernel/rindoku/slides) go the same way into its own catalog, rindoku.po, and the
    command line's (kernel/rindoku/cli.py, execution.py) into rindoku-cli.po beside the
    kernel.  The templates' few words are
    Sphinx's own, which Sphinx translates.  Then translate what the build's
    summary lists and run ``nox -s book``.
    """
    session.install("-e", ".[translations]")
    env = CACHES
    pot = Path("docs", "_build", "gettext")
    session.run("sphinx-build", "-q", "-b", "gettext", "docs", str(pot), *session.posargs,
                env=env)
    (pot / "sphinx.pot").unlink(missing_ok=True)
    session.run("sphinx-intl", "update", "-p", str(pot), "-l", "ja", "-d", "docs/locales",
                "-w", "0", env=env)
    extension = Path("kernel", "rindoku", "sphinxext")
    extension_pot = Path("docs", "_build", "gettext-extension", "rindoku.pot")
    extension_pot.parent.mkdir(parents=True, exist_ok=True)
    decks = Path("kernel", "rindoku", "slides")  # the decks' extension says the same words
    session.run("pybabel", "-q", "extract", "-k", "_", "--no-location", "--omit-header",
                "-o", str(extension_pot), str(extension), str(decks), env=env)
    session.run("pybabel", "-q", "update", "-i", str(extension_pot), "-D", "rindoku",
                "-d", str(extension / "locales"), "-l", "ja", "--no-wrap",
                env=env)
    kernel = Path("kernel", "rindoku")
    cli_pot = Path("docs", "_build", "gettext-cli", "rindoku-cli.pot")
    cli_pot.parent.mkdir(parents=True, exist_ok=True)
    session.run("pybabel", "-q", "extract", "-k", "_", "--no-location", "--omit-header",
                "-o", str(cli_pot), str(kernel / "cli.py"), str(kernel / "execution.py"), env=env)
    session.run("pybabel", "-q", "update", "-i", str(cli_pot), "-D", "rindoku-cli",
                "-d", str(kernel / "locales"), "-l", "ja", "--no-wrap", env=env)
    session.log("catalogs updated under docs/locales/ja/LC_MESSAGES: translate the empty and "
                "fuzzy messages, then run 'nox -s book'")


@nox.session
def browser(session: nox.Session) -> None:
    """Open the built book in headless Chromium and check it as a reader would.

    Uses docs/_build/html (run ``nox -s book`` first, or it is built here) and
    Debian's Chromium (``apt-get install chromium fonts-noto-cjk``); screenshots
    are written to docs/_build/screenshots.
    """
    session.install("-e", ".[browser]")
    session.run("pytest", "-p", "no:cacheprovider", "tests/browser", "--browser",
                *session.posargs, env=CACHES)


@nox.session
def bench(session: nox.Session) -> None:
    """Run every benchmark in benchmarks/, print its figures and write its record
    (docs/records/bench.*), with gensim's word2vec timed beside rindoku's."""
    session.install("-e", ".[bench]")
    for script in sorted(Path("benchmarks").glob("bench_*.py")):
        session.run("python", str(script), *session.posargs,
                    env=CACHES)


@nox.session
def lint(session: nox.Session) -> None:
    """Check style with ruff and types with mypy."""
    session.install("-e", ".[lint]")
    session.run("ruff", "check", "--no-cache", "kernel", "plugins", "tests", "benchmarks",
                "noxfile.py", "docs/conf.py")
    session.run("mypy", "--cache-dir", str(Path(".nox", "mypy-cache")))
