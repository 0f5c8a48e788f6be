"""Building decks with sphinx-revealjs, and printing one to PDF with headless Chromium.

:func:`build_decks` builds several decks in one Sphinx run, so that they share
one copy of reveal.js and MathJax: ``OUT/<name>.html`` each, with ``OUT/_static``
and ``OUT/_images`` beside them; the folder works offline, copied anywhere.
The examples' results come from the book's cache (``cache``) and the long
examples' records (``records``): a cached example is not run again.

The decks of one build speak one language.  A Japanese deck is built with
Sphinx's ``language = "ja"``, and its pages' catalogs (the chapters' ``.po``,
merged into one catalog per deck, :func:`rindoku.slides.deck.deck_messages`)
translate its paragraphs, lists and notes as they translate the book's pages.

``python -m rindoku.slides PLAN OUT --cache DIR --records DIR [--language ja]``
builds the decks of every meeting of a plan (:mod:`rindoku.schedule`): the book
build runs it, in the edition's language, when it has a Schedule page.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from rindoku.slides.deck import Deck, deck_markdown, deck_messages

__all__ = ["DeckBuildError", "build_decks", "chromium", "write_pdf"]

THEMES = ("light", "dark")

REVEAL_CONFIG = {
    "width": 1280,
    "height": 720,
    "margin": 0.04,
    "center": False,
    "hash": True,
    "slideNumber": "c/t",
    "transition": "none",
    "showNotes": False,
    "pdfSeparateFragments": False,
}
"""reveal.js's settings: a 16:9 slide of 1280×720 (scaled to any screen), the slide's
number in the address, no transition (a projector shows the next slide at once)."""

PLUGINS = [
    {"name": "RevealNotes", "src": "revealjs/plugin/notes/notes.js"},
    {"name": "RevealHighlight", "src": "revealjs/plugin/highlight/highlight.js"},
]
"""The bundled reveal.js plugins a deck loads: the speaker view (S) and code highlighting."""


class DeckBuildError(RuntimeError):
    """Sphinx could not build a deck; the message holds its errors."""


def _overrides(root: str, cache: Path, records: Path, theme: str,
               cached_only: bool, language: str, locales: Path) -> dict[str, object]:
    return {
        "rindoku_slides_cached_only": cached_only,
        "extensions": ["myst_parser", "rindoku.slides.sphinx"],
        "myst_enable_extensions": ["dollarmath", "amsmath", "colon_fence", "deflist"],
        "myst_heading_anchors": 3,
        "suppress_warnings": ["myst.header", "toc.not_included"],
        "language": language,
        "locale_dirs": [str(locales)],
        "gettext_compact": False,
        "gettext_auto_build": False,
        "translation_progress_classes": language != "en",  # "untranslated" marks a miss
        "project": "rindoku",
        "root_doc": root,
        "html_copy_source": False,
        "html_show_sourcelink": False,
        "rindoku_cache_dir": str(cache.resolve()),
        "rindoku_records_dir": str(records.resolve()),
        "revealjs_style_theme": "white",
        "revealjs_script_conf": dict(REVEAL_CONFIG),
        "revealjs_script_plugins": [dict(p) for p in PLUGINS],
        "revealjs_css_files": ["revealjs/plugin/highlight/monokai.css", "rindoku-slides.css"],
        "revealjs_js_files": [("rindoku-slides.js", {"data-theme": theme})],
    }


def _write_catalog(messages: dict[str, str], language: str, mo: Path) -> None:
    """The translations ``messages`` as the compiled catalog ``mo`` that Sphinx reads."""
    catalog = Catalog(locale=language)
    for english, translated in messages.items():
        catalog.add(english, translated)
    mo.parent.mkdir(parents=True, exist_ok=True)
    with mo.open("wb") as file:
        write_mo(file, catalog)


def build_decks(decks: dict[str, Deck], outdir: Path, *, cache: Path, records: Path,
                theme: str = "light", quiet: bool = True, cached_only: bool = False
                ) -> dict[str, Path]:
    """Build each deck as ``outdir/<name>.html``; return the pages by name.

    A quick example that the cache does not hold runs, as in the book, unless
    ``cached_only`` (then the deck shows its record, or says how to run it).

    Raises :class:`DeckBuildError` with Sphinx's errors when the build fails or
    warns (a reference to a value that does not exist, a broken mark), and
    ValueError for decks in different languages.
    """
    if theme not in THEMES:
        raise ValueError(f"theme must be one of {', '.join(THEMES)}, got {theme!r}")
    languages = {deck.language for deck in decks.values()}
    if len(languages) > 1:
        raise ValueError(f"the decks of one build speak one language, not {sorted(languages)}: "
                         "build each language's decks apart")
    language = languages.pop() if languages else "en"
    from sphinx.application import Sphinx
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    outdir.mkdir(parents=True, exist_ok=True)
    warnings = io.StringIO()
    with tempfile.TemporaryDirectory(prefix="rindoku-deck-") as tmp:
        source = Path(tmp) / "source"
        source.mkdir()
        locales = Path(tmp) / "locales"
        for name, deck in decks.items():
            (source / f"{name}.md").write_text(deck_markdown(deck), encoding="utf-8")
            if language != "en":  # the deck's catalog: its domain is its document's name
                _write_catalog(deck_messages(deck), language,
                               locales / language / "LC_MESSAGES" / f"{name}.mo")
        with patch_docutils(None), docutils_namespace():
            app = Sphinx(str(source), None, str(outdir), str(Path(tmp) / "doctrees"), "revealjs",
                         confoverrides=_overrides(next(iter(decks)), cache, records, theme,
                                                     cached_only, language, locales),
                         status=None if quiet else sys.stdout, warning=warnings,
                         freshenv=True, keep_going=True)
            app.build()
        problems = [line for line in warnings.getvalue().splitlines()
                    if "WARNING" in line or "ERROR" in line]
        if app.statuscode or problems:
            shown = "\n".join(line.replace(str(source) + os.sep, "") for line in problems[:10])
            raise DeckBuildError(f"the deck could not be built:\n{shown}")
    for leftover in (".buildinfo", "objects.inv", "genindex.html", "search.html"):
        (outdir / leftover).unlink(missing_ok=True)
    shutil.rmtree(outdir / "_sources", ignore_errors=True)
    return {name: outdir / f"{name}.html" for name in decks}


# -- PDF --------------------------------------------------------------------------------

CHROMIUM_ENV = "RINDOKU_CHROMIUM"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def chromium() -> str | None:
    """The headless Chromium to print with: ``RINDOKU_CHROMIUM``, else one on the PATH."""
    named = os.environ.get(CHROMIUM_ENV)
    if named:
        return named if Path(named).is_file() else None
    return next((found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None)


def write_pdf(page: Path, pdf: Path, browser: str, timeout: float = 120.0) -> None:
    """Print the deck ``page`` to ``pdf``, one slide a page (reveal.js's print layout).

    Raises :class:`DeckBuildError` when Chromium fails or writes nothing.
    """
    url = page.resolve().as_uri() + "?print-pdf"
    command = [browser, "--headless", "--disable-gpu", "--no-pdf-header-footer",
               "--run-all-compositor-stages-before-draw", "--virtual-time-budget=20000",
               f"--print-to-pdf={pdf.resolve()}", url]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.insert(1, "--no-sandbox")  # Chromium refuses root without it
    pdf.unlink(missing_ok=True)
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                              check=False)
    except subprocess.TimeoutExpired as exc:
        raise DeckBuildError(f"{browser} did not finish the PDF in {timeout:.0f} s") from exc
    if not pdf.is_file() or pdf.stat().st_size == 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise DeckBuildError(f"{browser} wrote no PDF (exit status {done.returncode}): {last}")
