"""The browser tests: the built book in headless Chromium (``nox -s browser``).

They run only with ``--browser`` (``pytest tests/browser --browser``): the
default test run neither collects nor imports them.  They need Chromium
(``/usr/bin/chromium``, Debian's package, or ``RINDOKU_CHROMIUM``) and
playwright; without them the tests skip with the reason, unless
``RINDOKU_BROWSER_REQUIRED=1`` (CI), which turns the skip into a failure.

The book is ``docs/_build/html`` (built first if it is missing, both
editions, as ``nox -s book`` builds them) or the folder ``RINDOKU_BOOK_HTML``
names: the editions are ``en/`` and ``ja/`` inside.  Screenshots go to
``RINDOKU_SCREENSHOTS`` or ``docs/_build/screenshots``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--browser", action="store_true",
                     help="run the browser tests in tests/browser (nox -s browser)")


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """Leave tests/browser alone unless --browser is given."""
    if collection_path.suffix == ".py" and not config.getoption("--browser", default=False):
        return True
    return None


def unavailable(reason: str) -> None:
    """Skip with ``reason``, or fail when the browser is required (CI)."""
    if os.environ.get("RINDOKU_BROWSER_REQUIRED") == "1":
        pytest.fail(f"{reason} (RINDOKU_BROWSER_REQUIRED=1)", pytrace=False)
    pytest.skip(reason)


EDITIONS = ("en", "ja")
"""The book's editions, each in its folder: ``html/en``, ``html/ja``."""


@pytest.fixture(scope="session")
def book_editions() -> Path:
    """The built book's folder, which holds the editions: RINDOKU_BOOK_HTML, or
    docs/_build/html (built if an edition is missing)."""
    configured = os.environ.get("RINDOKU_BOOK_HTML")
    html = Path(configured) if configured else ROOT / "docs" / "_build" / "html"
    for language in EDITIONS:
        if (html / language / "index.html").is_file():
            continue
        if configured:
            pytest.fail(f"RINDOKU_BOOK_HTML={configured} holds no {language}/index.html",
                        pytrace=False)
        done = subprocess.run(
            [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-b", "html",
             "-D", f"language={language}", str(ROOT / "docs"), str(html / language),
             "-d", str(ROOT / "docs" / "_build" / "doctrees" / language)],
            capture_output=True, text=True, timeout=1800,
        )
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return html.resolve()


@pytest.fixture(scope="session")
def book_html(book_editions: Path) -> Path:
    """The English edition's folder."""
    return book_editions / "en"


@pytest.fixture(scope="session")
def book_html_ja(book_editions: Path) -> Path:
    """The Japanese edition's folder."""
    return book_editions / "ja"


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """The folder screenshots are written to."""
    folder = Path(os.environ.get("RINDOKU_SCREENSHOTS")
                  or ROOT / "docs" / "_build" / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Chromium, driven by playwright."""
    executable = os.environ.get("RINDOKU_CHROMIUM", "/usr/bin/chromium")
    if not Path(executable).is_file():
        unavailable(f"no Chromium at {executable} (apt-get install chromium fonts-noto-cjk)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("playwright is not installed (pip install playwright)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
