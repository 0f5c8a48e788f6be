"""Development sessions: ``nox -s tests``, ``nox -s book``, ``nox -s lint``."""

import nox

nox.options.sessions = ["lint", "tests", "book"]
nox.options.reuse_existing_virtualenvs = True


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite (extra arguments go to pytest)."""
    session.install("-e", ".[test]")
    session.run("pytest", *session.posargs)


@nox.session
def book(session: nox.Session) -> None:
    """Build the course book into docs/_build/html (warnings are errors)."""
    session.install("-e", ".")
    session.run(
        "sphinx-build", "-W", "--keep-going", "-b", "html", "docs", "docs/_build/html",
        *session.posargs,
    )
    session.log("the book is at docs/_build/html/index.html")


@nox.session
def lint(session: nox.Session) -> None:
    """Check style with ruff."""
    session.install("ruff")
    session.run("ruff", "check", "kernel", "plugins", "tests", "noxfile.py", "docs/conf.py")
