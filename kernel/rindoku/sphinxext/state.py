"""Where the extension keeps its per-build state: on the Sphinx application.

The registry and the recorded results are loaded once per build (and once per
parallel reader, which inherits them); nothing is kept at module level.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from rindoku.chapter import Chapter
from rindoku.records import Record, RecordError, load_records
from rindoku.registry import (
    Registry,
    installed_entry_points,
    load_registry,
    module_entry_points,
)


def registry_of(app: Sphinx) -> Registry:
    """The registry of this build's plugins, loaded on first use.

    Besides the installed plugins, ``rindoku_plugins`` in ``conf.py`` may name
    plugin modules to load directly (a chapter being tried out before it is
    installed).  With ``rindoku_installed_plugins = False`` only those are
    loaded: a book of one's own chapters alone.
    """
    registry = getattr(app, "_rindoku_registry", None)
    if registry is None:
        extra = module_entry_points(app.config.rindoku_plugins)
        installed = installed_entry_points() if app.config.rindoku_installed_plugins else []
        registry = load_registry(entry_points=[*installed, *extra])
        app._rindoku_registry = registry  # type: ignore[attr-defined]
    return registry


def book_chapters(app: Sphinx) -> list[Chapter]:
    """The chapters of this book, in book order.

    Every registered chapter, or, when ``rindoku_chapters`` names some (a
    quicker book while writing one chapter), those and the chapters they
    require.
    """
    registry = registry_of(app)
    chapters = registry.chapter_list()
    wanted = list(app.config.rindoku_chapters)
    if not wanted:
        return chapters
    keep = set(wanted)
    for slug in wanted:
        if slug in registry.chapters:
            keep.update(registry.required_chapters(slug))
    return [c for c in chapters if c.slug in keep]


def cache_dir(app: Sphinx) -> Path:
    """Where example results are cached: ``rindoku_cache_dir``, or beside the output
    (``_build/rindoku-cache`` for ``_build/html``), which for an edition of a book
    in several languages (``_build/html/ja``) is beside the editions' folder."""
    configured = app.config.rindoku_cache_dir
    if configured:
        return (Path(app.confdir) / configured).resolve()
    outdir = Path(app.outdir)
    language = app.config.language or "en"
    if outdir.name == language and language in app.config.rindoku_editions:
        outdir = outdir.parent
    return outdir.parent / "rindoku-cache"


def records_dir(app: Sphinx) -> Path:
    """Where the recorded results are: ``rindoku_records_dir``, relative to ``conf.py``."""
    return (Path(app.confdir) / app.config.rindoku_records_dir).resolve()


def records_of(app: Sphinx) -> dict[str, Record]:
    """The usable records of this book by id, read on first use (:mod:`rindoku.records`)."""
    records = getattr(app, "_rindoku_records", None)
    if records is None:
        records, problems = load_records(records_dir(app))
        app._rindoku_records = records  # type: ignore[attr-defined]
        app._rindoku_record_problems = problems  # type: ignore[attr-defined]
    return records  # type: ignore[no-any-return]


def record_problems(app: Sphinx) -> list[RecordError]:
    """The records that cannot be used (damaged, or from another version)."""
    records_of(app)
    return app._rindoku_record_problems  # type: ignore[attr-defined,no-any-return]


def record_file(app: Sphinx, example_id: str) -> Path:
    """Where the record of ``example_id`` is, or would be."""
    return records_dir(app) / example_id / "record.json"


def shown_path(app: Sphinx, path: Path) -> str:
    """``path`` as the reader of a message knows it: from the folder above ``conf.py``
    (``docs/records/cbow.ptb/record.json``), else as it is."""
    base = Path(app.confdir).resolve().parent
    try:
        return Path(path).resolve().relative_to(base).as_posix()
    except ValueError:
        return str(path)


@dataclass
class BookState:
    """What the extension remembers between builds, in Sphinx's pickled environment.

    ``examples`` maps a docname to a record of each example run on it (to
    tell when it is out of date); ``values`` to each value its prose cites
    (:mod:`rindoku.sphinxext.values`); ``chapter_docs`` are the documents that
    list the chapters; ``chapters`` the chapter slugs of the last build;
    ``to_read`` the documents read in this build.
    """

    examples: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    values: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    chapter_docs: set[str] = field(default_factory=set)
    chapters: list[str] = field(default_factory=list)
    to_read: set[str] = field(default_factory=set)


def book_state(env: BuildEnvironment) -> BookState:
    """The extension's state in ``env``, made on first use."""
    state = getattr(env, "rindoku_state", None)
    if state is None:
        state = BookState()
        env.rindoku_state = state  # type: ignore[attr-defined]
    return state  # type: ignore[no-any-return]
