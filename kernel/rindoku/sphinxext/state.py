"""Where the extension keeps its per-build state: on the Sphinx application.

The registry is loaded once per build (and once per parallel reader, which
inherits it); nothing is kept at module level.
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx

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


def cache_dir(app: Sphinx) -> Path:
    """Where example results are cached: ``rindoku_cache_dir`` or beside the output."""
    configured = app.config.rindoku_cache_dir
    if configured:
        return (Path(app.confdir) / configured).resolve()
    return Path(app.outdir).parent / "rindoku-cache"
