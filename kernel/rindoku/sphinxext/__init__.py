"""The Sphinx extension that turns the chapter plugins into the course book.

Add ``"rindoku.sphinxext"`` to ``extensions`` in ``conf.py``.  It copies each
registered chapter's page into ``chapters/`` of the Sphinx project, provides
the directives of :mod:`rindoku.sphinxext.directives`, re-reads a page when an
example it runs is out of date, and prints a summary of the examples at the end
of the build.  An example that raises fails the build.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinx.util.fileutil import copy_asset_file

from rindoku import __version__
from rindoku.execution import file_digests, library_versions
from rindoku.sphinxext import directives, nodes
from rindoku.sphinxext.state import registry_of

logger = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"


def setup(app: Sphinx) -> dict[str, Any]:
    # configuration
    app.add_config_value("rindoku_cache_dir", "", "env", types=[str])
    app.add_config_value("rindoku_chapters_dir", "chapters", "env", types=[str])
    app.add_config_value("rindoku_plugins", [], "env", types=[list])
    app.add_config_value("rindoku_installed_plugins", True, "env", types=[bool])
    app.add_config_value("rindoku_run_long", False, "env", types=[bool, int])

    # events, in the order they fire
    app.connect("builder-inited", copy_chapter_pages)
    app.connect("builder-inited", report_plugin_problems)
    app.connect("env-get-outdated", outdated_example_docs)
    app.connect("env-before-read-docs", remember_docs_to_read)
    app.connect("env-purge-doc", purge_doc)
    app.connect("env-merge-info", merge_info)
    app.connect("build-finished", copy_static_files)
    app.connect("build-finished", summarise_examples)

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
    app.add_directive("rindoku-source", directives.SourceDirective)
    app.add_directive("rindoku-example", directives.ExampleDirective)
    app.add_directive("rindoku-exercise", directives.ExerciseDirective)
    app.add_directive("rindoku-chapters", directives.ChaptersDirective)
    app.add_directive("rindoku-glossary", directives.GlossaryDirective)
    app.add_css_file("rindoku.css")

    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}


def _ensure_env(env: BuildEnvironment) -> None:
    if not hasattr(env, "rindoku_examples"):
        env.rindoku_examples = {}  # docname -> [record of each example run on it]
        env.rindoku_chapter_docs = set()  # docnames listing the chapters
        env.rindoku_chapters = []  # the chapter slugs of the last build
        env.rindoku_to_read = set()


def copy_chapter_pages(app: Sphinx) -> None:
    """Copy each chapter's page into the project; only changed pages are rewritten.

    A page whose chapter is no longer registered is removed.
    """
    registry = registry_of(app)
    target = Path(app.srcdir) / app.config.rindoku_chapters_dir
    target.mkdir(parents=True, exist_ok=True)
    wanted = set()
    for chapter in registry.chapter_list():
        page = Path(chapter.page)
        plugin = registry.chapters[chapter.slug].plugin
        if not page.is_file():
            logger.error("chapter %r (plugin %r): its page %s does not exist",
                         chapter.slug, plugin, page)
            continue
        copy = target / f"{chapter.slug}.md"
        wanted.add(copy.name)
        text = page.read_text(encoding="utf-8")
        if not copy.exists() or copy.read_text(encoding="utf-8") != text:
            copy.write_text(text, encoding="utf-8")
    for stale in target.glob("*.md"):
        if stale.name not in wanted:
            stale.unlink()


def report_plugin_problems(app: Sphinx) -> None:
    """Each broken plugin is a warning (an error with ``-W``) that names it.

    Every contribution is checked, on every build: a plugin installed or
    broken since the last build is reported even when no page changed.
    """
    for problem in registry_of(app).problems:
        logger.warning("%s", problem, type="rindoku", subtype="plugin")


def outdated_example_docs(app: Sphinx, env: BuildEnvironment, added: set[str],
                          changed: set[str], removed: set[str]) -> list[str]:
    """Documents to re-read: an example failed or a file it depends on changed, or
    the chapters changed.

    This runs on every build, so it compares file digests rather than importing
    the examples.
    """
    _ensure_env(env)
    versions = library_versions()
    outdated = [
        docname
        for docname, records in env.rindoku_examples.items()
        if any(
            not record["ok"]
            or record["versions"] != versions
            or file_digests(record["files"]) != record["files"]
            for record in records
        )
    ]
    slugs = [c.slug for c in registry_of(app).chapter_list()]
    if slugs != env.rindoku_chapters:
        env.rindoku_chapters = slugs
        outdated.extend(env.rindoku_chapter_docs)
    return [d for d in outdated if d in env.found_docs]


def remember_docs_to_read(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    _ensure_env(env)
    env.rindoku_to_read = set(docnames)


def purge_doc(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    _ensure_env(env)
    env.rindoku_examples.pop(docname, None)
    env.rindoku_chapter_docs.discard(docname)


def merge_info(app: Sphinx, env: BuildEnvironment, docnames: set[str],
               other: BuildEnvironment) -> None:
    """Bring back what parallel readers recorded."""
    _ensure_env(env)
    for docname in docnames:
        if docname in other.rindoku_examples:
            env.rindoku_examples[docname] = other.rindoku_examples[docname]
        if docname in other.rindoku_chapter_docs:
            env.rindoku_chapter_docs.add(docname)


def copy_static_files(app: Sphinx, exception: Exception | None) -> None:
    if exception is None and app.builder.format == "html":
        copy_asset_file(str(STATIC / "rindoku.css"), str(Path(app.outdir) / "_static"))


def summarise_examples(app: Sphinx, exception: Exception | None) -> None:
    """Print each example run in this build with its time; fail the build if one raised."""
    env = app.env
    _ensure_env(env)
    rows = [
        (record, docname)
        for docname, records in sorted(env.rindoku_examples.items())
        if docname in env.rindoku_to_read
        for record in records
    ]
    if not rows:
        logger.info("rindoku: no example needed running")
        return
    logger.info("rindoku: examples of this build")
    for record, docname in rows:
        logger.info("  %-32s %-14s %6.1f s  (%s)", record["id"], record["status"],
                    record["seconds"], docname)
    failed = [record["id"] for record, _ in rows if not record["ok"]]
    if failed:
        logger.error("rindoku: %d example(s) raised: %s", len(failed), ", ".join(failed))
        app.statuscode = 1
