"""Development sessions: ``nox -s tests``, ``nox -s book``, ``nox -s lint``, ``nox -s bench``.

``nox -s tests`` runs the fast tests (a few minutes); ``nox -s tests -- --slow``
adds the slow ones (the real book, scaffolding in a fresh environment, PTB
trainings), as CI does.  ``nox -s browser`` checks the built book in headless
Chromium.
"""

from pathlib import Path

import nox

nox.options.sessions = ["lint", "tests", "book"]
nox.options.reuse_existing_virtualenvs = True

# Compiled bytecode goes under .nox, so that a session leaves the checkout as it was.
PYCACHE = str(Path(".nox", "pycache").resolve())


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite (extra arguments go to pytest; --slow runs everything)."""
    session.install("-e", ".[test]")
    session.run("pytest", "-p", "no:cacheprovider", *session.posargs,
                env={"PYTHONPYCACHEPREFIX": PYCACHE})


@nox.session
def book(session: nox.Session) -> None:
    """Build the course book into docs/_build/html (warnings are errors)."""
    session.install("-e", ".")
    session.run(
        "sphinx-build", "-W", "--keep-going", "-b", "html", "docs", "docs/_build/html",
        *session.posargs, env={"PYTHONPYCACHEPREFIX": PYCACHE},
    )
    session.log("the book is at docs/_build/html/index.html")


@nox.session
def browser(session: nox.Session) -> None:
    """Open the built book in headless Chromium and check it as a reader would.

    Uses docs/_build/html (run ``nox -s book`` first, or it is built here) and
    Debian's Chromium (``apt-get install chromium fonts-noto-cjk``); screenshots
    are written to docs/_build/screenshots.
    """
    session.install("-e", ".[browser]")
    session.run("pytest", "-p", "no:cacheprovider", "tests/browser", "--browser",
                *session.posargs, env={"PYTHONPYCACHEPREFIX": PYCACHE})


@nox.session
def bench(session: nox.Session) -> None:
    """Run every benchmark in benchmarks/, print its figures and write its record
    (docs/records/bench.*), with gensim's word2vec timed beside rindoku's."""
    session.install("-e", ".[bench]")
    for script in sorted(Path("benchmarks").glob("bench_*.py")):
        session.run("python", str(script), *session.posargs,
                    env={"PYTHONPYCACHEPREFIX": PYCACHE})


@nox.session
def lint(session: nox.Session) -> None:
    """Check style with ruff and types with mypy."""
    session.install("-e", ".[lint]")
    session.run("ruff", "check", "--no-cache", "kernel", "plugins", "tests", "benchmarks",
                "noxfile.py", "docs/conf.py")
    session.run("mypy", "--cache-dir", str(Path(".nox", "mypy-cache")))
