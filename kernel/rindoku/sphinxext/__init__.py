"""The Sphinx extension that turns the chapter plugins into the course book.

Add ``"rindoku.sphinxext"`` to ``extensions`` in ``conf.py``.  It adds each
registered chapter's page to the build as ``chapters/<slug>`` (read where it
lies, :mod:`rindoku.sphinxext.pages`), provides
the directives of :mod:`rindoku.sphinxext.directives` and the
``{rindoku-value}`` role (:mod:`rindoku.sphinxext.values`), re-reads a page
when an example it runs is out of date, and prints a summary of the examples
at the end of the build.  An example that raises fails the build.

Where the build does not run an example (a long one), or cannot (its data set
is not here), the page shows the example's record from ``docs/records``
(:mod:`rindoku.records`), if it has one.  A missing data set is not a failure:
the build's last lines say which are missing and how to get them.  The end of
the build lists the records whose example's code has changed since (stale).

The HTML book works offline: the extension brings its own MathJax (3.2.2,
``static/mathjax``, Apache-2.0) and uses it unless ``mathjax_path`` is set, and
a small script of its own (long listings fold, see ``static/rindoku.js``).  The
glossary's links land where each term is introduced
(:mod:`rindoku.sphinxext.terms`).  ``rindoku_repository_url`` gives the
sphinx-book-theme its repository button.

The book is translated with gettext catalogs, what the plugins put on a page
included (:mod:`rindoku.sphinxext.translations`), and built once per language,
the editions side by side with a switch between them
(``rindoku_editions``, :mod:`rindoku.sphinxext.editions`).
"""

from __future__ import annotations

import posixpath
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment
from sphinx.errors import ConfigError
from sphinx.ext import mathjax
from sphinx.util import logging

from rindoku import __version__
from rindoku.execution import file_digests, library_versions
from rindoku.sphinxext import (
    booksections,
    directives,
    editions,
    nodes,
    schedule,
    terms,
    translations,
    values,
)
from rindoku.sphinxext.pages import use_chapter_pages
from rindoku.sphinxext.state import (
    book_chapters,
    book_state,
    record_problems,
    registry_of,
    shown_path,
)

logger = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"

MATHJAX = "mathjax/tex-svg-full.js"
"""The bundled MathJax, relative to the build's ``_static`` folder: TeX input and
SVG output in one file, with every TeX extension and no web fonts to fetch."""

ENV_VERSION = 5
"""The version of what the extension keeps in Sphinx's environment: a change
of it makes Sphinx read every document again rather than load an old state."""


def setup(app: Sphinx) -> dict[str, Any]:
    # configuration
    app.add_config_value("rindoku_cache_dir", "", "env", types=[str])
    app.add_config_value("rindoku_chapters_dir", "chapters", "env", types=[str])
    app.add_config_value("rindoku_plugins", [], "env", types=[list])
    app.add_config_value("rindoku_installed_plugins", True, "env", types=[bool])
    app.add_config_value("rindoku_run_long", False, "env", types=[bool, int])
    app.add_config_value("rindoku_records_dir", "records", "env", types=[str])
    app.add_config_value("rindoku_chapters", [], "env", types=[list])
    app.add_config_value("rindoku_repository_url", "", "html", types=[str])
    app.add_config_value("rindoku_editions", [], "html", types=[list])
    app.add_config_value("rindoku_schedule", "schedule.toml", "env", types=[str])

    # events, in the order they fire
    app.connect("config-inited", check_run_long)
    app.connect("config-inited", use_bundled_mathjax)
    app.connect("config-inited", use_repository_url)
    app.connect("config-inited", editions.check_editions)
    app.connect("config-inited", translations.add_extension_catalog)
    app.connect("config-inited", translations.use_compiled_catalogs)
    app.connect("config-inited", translations.add_plugin_catalogs)
    app.connect("config-inited", booksections.use_heading_slug)
    app.connect("builder-inited", add_chapter_pages)
    app.connect("builder-inited", report_plugin_problems)
    app.connect("builder-inited", report_record_problems)
    app.connect("builder-inited", report_missing_data_last)
    app.connect("env-get-outdated", outdated_example_docs)
    app.connect("env-before-read-docs", remember_docs_to_read)
    app.connect("env-purge-doc", purge_doc)
    app.connect("env-purge-doc", translations.purge_translation)
    app.connect("doctree-read", terms.anchor_terms)
    app.connect("doctree-read", translations.note_translation)
    # before Sphinx collects the page's downloads (priority 500)
    app.connect("doctree-read", directives.add_chapter_notebook_link, priority=400)
    app.connect("env-merge-info", merge_info)
    app.connect("env-merge-info", translations.merge_translation)
    app.connect("missing-reference", unlink_absent_chapter)
    app.connect("html-page-context", editions.add_edition_links)
    app.connect("build-finished", copy_static_files)
    app.connect("build-finished", summarise_examples)
    app.connect("build-finished", editions.write_edition_chooser)
    app.connect("build-finished", translations.summarise_translation)
    app.connect("build-finished", schedule.build_meeting_decks)

    # nodes and directives
    app.add_node(
        nodes.details,
        html=(nodes.visit_details_html, nodes.depart_details_html),
        latex=(nodes.visit_plain, nodes.depart_plain),
        text=(nodes.visit_plain, nodes.depart_plain),
    )
    app.add_node(
        nodes.summary,
        html=(nodes.visit_summary_html, nodes.depart_summary_html),
        latex=(nodes.visit_plain, nodes.depart_plain),
        text=(nodes.visit_plain, nodes.depart_plain),
    )
    app.add_node(
        nodes.figure_link,
        html=(nodes.visit_figure_link_html, nodes.depart_figure_link_html),
        latex=(nodes.visit_plain, nodes.depart_plain),
        text=(nodes.visit_plain, nodes.depart_plain),
    )
    app.add_node(
        booksections.book_sections,
        html=(booksections.visit_book_sections_html, None),
        latex=(booksections.visit_book_sections_text, None),
        text=(booksections.visit_book_sections_text, None),
    )
    app.add_directive("rindoku-source", directives.SourceDirective)
    app.add_directive("rindoku-example", directives.ExampleDirective)
    app.add_directive("rindoku-exercise", directives.ExerciseDirective)
    app.add_directive("rindoku-chapters", directives.ChaptersDirective)
    app.add_directive("rindoku-glossary", directives.GlossaryDirective)
    app.add_directive("rindoku-hooks", directives.HooksDirective)
    app.add_directive("rindoku-schedule", schedule.ScheduleDirective)
    app.add_role("rindoku-value", values.ValueRole())
    app.add_transform(translations.KeepSphinxLabels)
    app.add_transform(translations.UnwrapPageText)
    app.add_role("book", booksections.BookRole())
    app.add_css_file("rindoku.css")
    app.add_js_file("rindoku.js", defer="defer")

    return {
        "version": __version__,
        "env_version": ENV_VERSION,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }


def check_run_long(app: Sphinx, config: Config) -> None:
    """``rindoku_run_long`` is 0 or 1 (``-D rindoku_run_long=1``), True or False in conf.py.

    Anything else (``-D rindoku_run_long=yes``) stops the build before any
    example runs.
    """
    value = config.rindoku_run_long
    if isinstance(value, bool) or (isinstance(value, int) and value in (0, 1)):
        config.rindoku_run_long = bool(value)
        return
    raise ConfigError(f"rindoku_run_long must be 0 or 1 (or True/False in conf.py), "
                      f"got {value!r}")


def use_bundled_mathjax(app: Sphinx, config: Config) -> None:
    """Render math with the bundled MathJax unless the project chose its own.

    Sphinx's default loads MathJax from a CDN: a reader without a network
    would see raw TeX.
    """
    if config.mathjax_path == mathjax.MATHJAX_URL:
        config.mathjax_path = MATHJAX


def use_repository_url(app: Sphinx, config: Config) -> None:
    """Link the book to its repository (``rindoku_repository_url``), with the theme's
    repository button (GitHub, GitLab, Bitbucket) or an icon link in the sidebar.

    Options the project gave the theme itself are left as they are.
    """
    url = config.rindoku_repository_url
    if not url or config.html_theme != "sphinx_book_theme":
        return
    options = dict(config.html_theme_options)
    host = urlsplit(url).netloc.lower()
    if any(name in host for name in ("github", "gitlab", "bitbucket")):
        options.setdefault("repository_url", url)
        options.setdefault("use_repository_button", True)
    else:
        options.setdefault("icon_links", [
            {"name": "Repository", "url": url, "icon": "fa-solid fa-code-branch"}])
    config.html_theme_options = options


def add_chapter_pages(app: Sphinx) -> None:
    """Give the build one document per registered chapter: ``chapters/<slug>``.

    The document's file is the chapter's own page (:mod:`rindoku.sphinxext.pages`);
    nothing is written into the source folder.
    """
    registry = registry_of(app)
    folder = app.config.rindoku_chapters_dir
    pages: dict[str, Path] = {}
    unknown = [s for s in app.config.rindoku_chapters if s not in registry.chapters]
    if unknown:
        logger.error("rindoku_chapters names %s, which no installed plugin contributes",
                     ", ".join(map(repr, unknown)))
    for chapter in book_chapters(app):
        page = Path(chapter.page)
        if not page.is_file():
            plugin = registry.chapters[chapter.slug].plugin
            logger.error("chapter %r (plugin %r): its page %s does not exist",
                         chapter.slug, plugin, page)
            continue
        pages[f"{folder}/{chapter.slug}"] = page
    use_chapter_pages(app.project, pages)


def report_plugin_problems(app: Sphinx) -> None:
    """Each broken plugin is a warning (an error with ``-W``) that names it.

    Every contribution is checked, on every build: a plugin installed or
    broken since the last build is reported even when no page changed.
    """
    for problem in registry_of(app).problems:
        logger.warning("%s", problem, type="rindoku", subtype="plugin")


def report_record_problems(app: Sphinx) -> None:
    """Each record that cannot be used is a warning (an error with ``-W``) that names
    its file; the book treats it as absent."""
    for problem in record_problems(app):
        logger.warning("record %s is damaged (%s): treated as absent",
                       shown_path(app, problem.path), problem.reason,
                       type="rindoku", subtype="record")


def report_missing_data_last(app: Sphinx) -> None:
    """Say what data was missing after everything else the build prints.

    Sphinx's closing lines ("build succeeded", where the pages are) come after
    the ``build-finished`` event, so the report follows the builder's cleanup,
    the very last thing a build does.
    """
    builder = app.builder
    cleanup = builder.cleanup

    def cleanup_then_report() -> None:
        cleanup()
        report_missing_data(app)

    builder.cleanup = cleanup_then_report  # type: ignore[method-assign]


def outdated_example_docs(app: Sphinx, env: BuildEnvironment, added: set[str],
                          changed: set[str], removed: set[str]) -> list[str]:
    """Documents to re-read: an example failed or a file it depends on changed, or
    the chapters changed.

    This runs on every build, so it compares file digests rather than importing
    the examples.
    """
    state = book_state(env)
    versions = library_versions()
    outdated = [
        docname
        for docname, records in state.examples.items()
        if any(
            not record["ok"]
            or record.get("data") is not None  # the data may be here now
            or record["versions"] != versions
            or file_digests(record["files"]) != record["files"]
            for record in records
        )
    ]
    outdated.extend(
        docname
        for docname, entries in state.values.items()
        if any(entry["error"] or entry["data"] is not None
               or file_digests(entry["files"]) != entry["files"] for entry in entries)
    )
    slugs = [c.slug for c in book_chapters(app)]
    if slugs != state.chapters:
        state.chapters = slugs
        outdated.extend(state.chapter_docs)
    return [d for d in outdated if d in env.found_docs]


def remember_docs_to_read(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    state = book_state(env)
    state.to_read = set(docnames)


def purge_doc(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    state = book_state(env)
    state.examples.pop(docname, None)
    state.values.pop(docname, None)
    state.chapter_docs.discard(docname)


def merge_info(app: Sphinx, env: BuildEnvironment, docnames: set[str],
               other: BuildEnvironment) -> None:
    """Bring back what parallel readers recorded."""
    state, theirs = book_state(env), book_state(other)
    for docname in docnames:
        if docname in theirs.examples:
            state.examples[docname] = theirs.examples[docname]
        if docname in theirs.values:
            state.values[docname] = theirs.values[docname]
        if docname in theirs.chapter_docs:
            state.chapter_docs.add(docname)


def unlink_absent_chapter(app: Sphinx, env: BuildEnvironment, node: Any,
                          contnode: Any) -> Any:
    """A link to a chapter left out of this book (``rindoku_chapters``) becomes plain text.

    A page may point ahead to a chapter it does not require ("the optimizers
    chapter compares them"); a book of some chapters keeps the words, not the link.
    """
    if node.get("reftype") != "doc" or not app.config.rindoku_chapters:
        return None
    target = node["reftarget"]
    docname = (target.lstrip("/") if target.startswith("/")
               else posixpath.normpath(posixpath.join(posixpath.dirname(node["refdoc"]), target)))
    folder, _, slug = docname.rpartition("/")
    absent = {c.slug for c in registry_of(app).chapter_list()} - {
        c.slug for c in book_chapters(app)}
    if folder == app.config.rindoku_chapters_dir and slug in absent:
        return contnode
    return None


def copy_static_files(app: Sphinx, exception: Exception | None) -> None:
    """The extension's style sheet and script, and MathJax when the book uses the bundled one."""
    if exception is None and app.builder.format == "html":
        static = Path(app.outdir) / "_static"
        static.mkdir(parents=True, exist_ok=True)
        for name in ("rindoku.css", "rindoku.js"):
            shutil.copyfile(STATIC / name, static / name)
        if app.config.mathjax_path == MATHJAX:
            shutil.copytree(STATIC / "mathjax", static / "mathjax", dirs_exist_ok=True)


def summarise_examples(app: Sphinx, exception: Exception | None) -> None:
    """Print each example run in this build with its time and the stale records; fail
    the build if an example raised or a value the prose cites does not exist."""
    env = app.env
    state = book_state(env)
    rows = [
        (record, docname)
        for docname, records in sorted(state.examples.items())
        if docname in state.to_read
        for record in records
    ]
    if not rows:
        logger.info("rindoku: no example needed running")
    else:
        logger.info("rindoku: examples of this build")
        for record, docname in rows:
            logger.info("  %-32s %-14s %6.1f s  (%s)", record["id"], record["status"],
                        record["seconds"], docname)
    stale = sorted({record["id"] for records in state.examples.values()
                    for record in records if record.get("stale")})
    if stale:
        logger.info("rindoku: %d stale record(s), the code has changed since they were "
                    "recorded: %s; update them with 'rindoku record %s'",
                    len(stale), ", ".join(stale), " ".join(stale))
    failed = [record["id"] for record, _ in rows if not record["ok"]]
    if failed:
        logger.error("rindoku: %d example(s) raised: %s", len(failed), ", ".join(failed))
        app.statuscode = 1
    wrong = {docname: sum(entry["error"] for entry in entries)
             for docname, entries in sorted(state.values.items())}
    if any(wrong.values()):
        logger.error("rindoku: %d value reference(s) name nothing published (%s); the errors "
                     "above say what exists", sum(wrong.values()),
                     ", ".join(f"{count} on {docname}" for docname, count in wrong.items()
                               if count))
        app.statuscode = 1


def report_missing_data(app: Sphinx) -> None:
    """One short block: the data sets that were missing, how to get them, and how many
    examples show a recorded result instead."""
    state = book_state(app.env)
    missing = [record for records in state.examples.values() for record in records
               if record.get("data") is not None]
    cited = [entry for entries in state.values.values() for entry in entries
             if entry.get("data") is not None]
    if not missing and not cited:
        return
    names = sorted({name for item in [*missing, *cited] for name in item["data"]})
    recorded = sum(1 for record in missing if record.get("recorded"))
    noted = len(missing) - recorded
    what = (f"{', '.join(names)} — get them with 'rindoku data fetch {' '.join(names)}'"
            if names else "a data file (the pages' notes say which) — get it")
    shown = [f"{recorded} example{'s show' if recorded != 1 else ' shows'} recorded results "
             "instead"]
    if noted:
        shown.append(f"{noted} show{'s' if noted == 1 else ''} a note")
    if cited:
        shown.append(f"{len(cited)} value{'s' if len(cited) != 1 else ''} in the text "
                     f"{'are' if len(cited) != 1 else 'is'} missing")
    logger.info("")
    logger.info("rindoku: missing data: %s (with internet) or set RINDOKU_DATA=DIR; %s.",
                what, ", ".join(shown))
