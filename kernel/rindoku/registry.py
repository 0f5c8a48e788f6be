"""The plugin manager and the registry of everything the chapters contribute.

:func:`load_registry` builds a fresh :class:`pluggy.PluginManager` (nothing
happens at import time), loads every plugin of the entry point group
``rindoku`` (the built-in chapters are declared there exactly as a third-party
chapter is), calls each hook once per plugin and merges the results.

A broken plugin never takes the others down.  A plugin that fails to import,
implements a hook that does not exist, returns the wrong type from a hook, or
contributes a name another plugin already has is recorded in
:attr:`Registry.problems` with the plugin's name and what is wrong; everything
else it contributes that is sound is still registered.
"""

from __future__ import annotations

import difflib
import functools
import importlib.metadata
import inspect
import signal
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import pluggy

from rindoku import hookspecs
from rindoku.chapter import Chapter
from rindoku.examples import Example
from rindoku.exercises import Exercise, SolutionMarkerError
from rindoku.kinds import KINDS, Kind

__all__ = [
    "Contribution",
    "PluginError",
    "PluginInfo",
    "PluginProblem",
    "Registry",
    "UnknownNameError",
    "build_plugin_manager",
    "find_cycle",
    "installed_entry_points",
    "load_registry",
    "module_entry_points",
]

ENTRY_POINT_GROUP = "rindoku"

_BY_NAME = {kind.name: kind for kind in KINDS}

T = TypeVar("T")


class PluginError(Exception):
    """One or more plugins are broken; the message names each and what is wrong."""


def closest_names(name: str, known: list[str]) -> list[str]:
    """The registered names closest to ``name``, best first.

    For an id (``backprop.spiarl``) the part after the slug is compared among
    the ids of the same chapter, so a shared prefix does not make every id
    look close.
    """
    slug, dot, rest = name.partition(".")
    if dot:
        same_chapter = {k.partition(".")[2]: k for k in known if k.startswith(slug + ".")}
        close = difflib.get_close_matches(rest, list(same_chapter), n=3, cutoff=0.6)
        if close:
            return [same_chapter[c] for c in close]
    return difflib.get_close_matches(name, known, n=3, cutoff=0.75)


class UnknownNameError(LookupError):
    """No registered item has this name; the message suggests the closest ones."""

    def __init__(self, kind: str, name: str, known: Iterable[str]) -> None:
        self.kind, self.name = kind, name
        self.suggestions = closest_names(name, list(known))
        hint = f"; did you mean {' or '.join(self.suggestions)}?" if self.suggestions else ""
        super().__init__(f"no {kind} named {name!r}{hint} (see 'rindoku list')")

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class PluginInfo:
    """An installed plugin: its name and where it comes from."""

    name: str
    module: str
    location: str
    distribution: str = ""
    version: str = ""


@dataclass(frozen=True)
class PluginProblem:
    """Something wrong with one plugin, said so that its author can fix it."""

    plugin: str
    message: str

    def __str__(self) -> str:
        return f"plugin {self.plugin!r}: {self.message}"


@dataclass(frozen=True)
class Contribution(Generic[T]):
    """A registered item and the plugin that contributed it."""

    name: str
    value: T
    plugin: str


def installed_entry_points() -> list[importlib.metadata.EntryPoint]:
    """The installed plugins: entry points of the group ``rindoku``, by name."""
    found = importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)
    return sorted(found, key=lambda ep: ep.name)


def module_entry_points(modules: Iterable[str]) -> list[importlib.metadata.EntryPoint]:
    """Entry points for plugin modules named directly (not installed)."""
    return [
        importlib.metadata.EntryPoint(name=m, value=m, group=ENTRY_POINT_GROUP) for m in modules
    ]


def build_plugin_manager(
    entry_points: Iterable[importlib.metadata.EntryPoint] | None = None,
    plugins: Iterable[tuple[str, object]] = (),
) -> tuple[pluggy.PluginManager, list[PluginInfo], list[PluginProblem]]:
    """Make a plugin manager and load the plugins into it, one at a time.

    ``entry_points`` defaults to the installed entry points of the group
    ``rindoku``; ``plugins`` adds ``(name, module or object)`` pairs directly
    (used by tests).  Returns the manager, the plugins that loaded and the
    problems of those that did not.
    """
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    if entry_points is None:
        entry_points = installed_entry_points()

    candidates: list[tuple[str, Callable[[], object], str, str]] = []
    for ep in entry_points:
        dist = getattr(ep, "dist", None)
        candidates.append(
            (ep.name, ep.load, dist.name if dist else "", dist.version if dist else "")
        )
    for name, obj in plugins:
        candidates.append((name, functools.partial(_same, obj), "", ""))

    infos: list[PluginInfo] = []
    problems: list[PluginProblem] = []
    for name, load, dist_name, version in candidates:
        with PluginCode() as guard:
            plugin = load()
        if guard.failure is not None:  # a broken plugin must not take the others down
            problems.append(PluginProblem(name, f"failed to import: {guard.failure}"))
            continue
        problem = _register(pm, name, plugin)
        if problem:
            problems.append(PluginProblem(name, problem))
            continue
        module = inspect.getmodule(plugin) or plugin
        infos.append(
            PluginInfo(
                name=name,
                module=getattr(module, "__name__", repr(plugin)),
                location=getattr(module, "__file__", None) or "(not a file)",
                distribution=dist_name,
                version=version,
            )
        )
    return pm, infos, problems


class PluginCode:
    """Runs a plugin's code (its import, a hook) so that nothing it raises escapes.

    Any exception, ``SystemExit`` and ``KeyboardInterrupt`` included, is kept
    in :attr:`failure` as one line ("SystemExit: 0") instead of ending the
    program: a plugin that calls ``sys.exit()`` at import is a broken plugin,
    named like any other.  A Ctrl-C the user presses meanwhile still stops the
    program: while the code runs, this process's own SIGINT handler tells the
    two apart.
    """

    def __init__(self) -> None:
        self.failure: str | None = None
        self._pressed = False
        self._installed = False
        self._previous: Any = None

    def __enter__(self) -> PluginCode:
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.getsignal(signal.SIGINT)
            signal.signal(signal.SIGINT, self._interrupt)
            self._installed = True
        return self

    def _interrupt(self, signum: int, frame: object) -> None:
        self._pressed = True
        raise KeyboardInterrupt

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: object) -> bool:
        if self._installed:
            previous = signal.SIG_DFL if self._previous is None else self._previous
            signal.signal(signal.SIGINT, previous)
        if exc is None or (isinstance(exc, KeyboardInterrupt) and self._pressed):
            return False
        self.failure = f"{type(exc).__name__}: {exc}"
        return True


_UNSUPPORTED_MARKS = ("tryfirst", "trylast", "hookwrapper", "wrapper")


def _same(obj: object) -> object:
    """``obj`` itself: the loader of a plugin object given directly."""
    return obj


def _register(pm: pluggy.PluginManager, name: str, plugin: object) -> str | None:
    """Register one plugin; return what is wrong with it, or None.

    pluggy's ordering and wrapping marks (``tryfirst``, ``trylast``,
    ``hookwrapper``, ``wrapper``) are refused: every hook returns what one
    chapter contributes and the registry merges the results in load order,
    so there is nothing to order or wrap.
    """
    for attr in dir(plugin):
        if not attr.startswith("rindoku_"):
            continue
        opts: dict[str, Any] = dict(pm.parse_hookimpl_opts(plugin, attr) or {})
        marks = [m for m in _UNSUPPORTED_MARKS if opts.get(m)]
        if marks:
            return (f"hook {attr} is marked {', '.join(marks)}, which rindoku does not "
                    "support: every plugin's hooks are called once, in load order; "
                    "remove the mark")
    try:
        pm.register(plugin, name=name)
    except (pluggy.PluginValidationError, ValueError) as exc:
        return str(exc)
    try:
        pm.check_pending()  # a hook implementation without a specification: a typo
    except pluggy.PluginValidationError as exc:
        pm.unregister(plugin)
        known = [n for n in dir(hookspecs) if n.startswith("rindoku_")]
        misspelt = [
            n for n in dir(plugin)
            if n.startswith("rindoku_") and n not in known and callable(getattr(plugin, n))
        ]
        if misspelt:
            close = difflib.get_close_matches(misspelt[0], known, n=1)
            hint = f"; did you mean {close[0]}?" if close else ""
            return f"implements unknown hook {misspelt[0]!r}{hint}"
        return str(exc)
    return None


class Registry:
    """Everything the loaded plugins contribute, by kind and name.

    Each kind (``registry.layers``, ``registry.examples`` …) is a dict from name
    to :class:`Contribution`.  A kind is collected from the plugins the first
    time it is asked for, so listing the chapters does not import every
    chapter's examples (and matplotlib with them).
    """

    def __init__(
        self,
        pm: pluggy.PluginManager,
        plugins: list[PluginInfo],
        problems: list[PluginProblem],
    ) -> None:
        self._pm = pm
        self.plugins = plugins
        self.load_problems = list(problems)
        self._problems: list[PluginProblem] = []
        self._kinds: dict[str, dict[str, Contribution[Any]]] = {}

    # -- the kinds ----------------------------------------------------------------

    def __getattr__(self, name: str) -> dict[str, Contribution[Any]]:
        """``registry.layers``, ``registry.examples`` …: one attribute per row of KINDS."""
        if name.startswith("_") or name not in _BY_NAME:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        return self.kind(name)

    def kind(self, name: str) -> dict[str, Contribution[Any]]:
        """The items of one kind (``"layers"``), from name to :class:`Contribution`."""
        return self._kind(name)

    @property
    def problems(self) -> list[PluginProblem]:
        """Every problem: of loading the plugins and of what each hook returned."""
        for kind in KINDS:
            self._kind(kind.name)
        return self.load_problems + self._problems

    # -- look-ups -----------------------------------------------------------------

    def chapter_list(self) -> list[Chapter]:
        """The chapters in book order: by number, each after the chapters it requires.

        A requirement that is missing or circular is a problem of the
        requiring plugin (:attr:`problems`); such a chapter still comes in its
        number's place.
        """
        by_number = sorted((c.value for c in self.chapters.values()),
                           key=lambda c: (c.number, c.slug))
        placed: dict[str, Chapter] = {}

        def place(chapter: Chapter, path: tuple[str, ...]) -> None:
            if chapter.slug in placed or chapter.slug in path:
                return
            for slug in chapter.requires:
                if slug in self.chapters:
                    place(self.chapters[slug].value, (*path, chapter.slug))
            placed[chapter.slug] = chapter

        for chapter in by_number:
            place(chapter, ())
        return list(placed.values())

    def example(self, example_id: str) -> Example:
        """The example with this id; :class:`UnknownNameError` with suggestions if none."""
        return self._get("examples", example_id)

    def exercise(self, exercise_id: str) -> Exercise:
        """The exercise with this id; :class:`UnknownNameError` with suggestions if none."""
        return self._get("exercises", exercise_id)

    def chapter(self, slug: str) -> Chapter:
        """The chapter with this slug; :class:`UnknownNameError` with suggestions if none."""
        return self._get("chapters", slug)

    def required_chapters(self, slug: str) -> list[str]:
        """Every chapter ``slug`` builds on, directly or through another, in book order."""
        found: set[str] = set()
        todo = list(self.chapter(slug).requires)
        while todo:
            name = todo.pop()
            if name not in found and name in self.chapters:
                found.add(name)
                todo.extend(self.chapters[name].value.requires)
        return [c.slug for c in self.chapter_list() if c.slug in found]

    def plugin_file(self, plugin: str) -> str | None:
        """The file of the plugin module called ``plugin``, if it is one."""
        return next((p.location for p in self.plugins if p.name == plugin), None)

    def raise_for_problems(self) -> None:
        """Raise :class:`PluginError` listing every problem, if there is any."""
        problems = self.problems
        if problems:
            lines = "\n".join(f"  - {p}" for p in problems)
            raise PluginError(f"{len(problems)} plugin problem(s):\n{lines}")

    def _get(self, kind: str, name: str) -> Any:
        items = self._kind(kind)
        if name not in items:
            raise UnknownNameError(_BY_NAME[kind].singular, name, items)
        return items[name].value

    # -- collecting ---------------------------------------------------------------

    def _kind(self, kind: str) -> dict[str, Contribution[Any]]:
        if kind not in self._kinds:
            if kind in ("examples", "exercises"):
                self._kind("chapters")  # their ids are checked against the slugs
            self._kinds[kind] = {}
            hook = _BY_NAME[kind].hook
            for impl in getattr(self._pm.hook, hook).get_hookimpls():  # in load order
                result = None
                with PluginCode() as guard:
                    result = impl.function()
                if guard.failure is not None:
                    self._problems.append(PluginProblem(
                        impl.plugin_name, f"{hook} raised {guard.failure}"))
                    continue
                if result is not None:
                    self._add(_BY_NAME[kind], impl.plugin_name, result)
            if kind == "chapters":
                self._check_requirements()
        return self._kinds[kind]

    def _add(self, kind_: Kind, plugin: str, result: Any) -> None:
        """Merge what ``plugin`` returned from the kind's hook, recording any problem."""
        kind, hook, item_type, key, many = (
            kind_.name, kind_.hook, kind_.item_type, kind_.key, kind_.many)
        if many and not isinstance(result, list | tuple):
            self._problems.append(
                PluginProblem(plugin, f"{hook} must return a list, got {type(result).__name__}")
            )
            return
        registered = self._kinds[kind]
        for item in result if many else [result]:
            expected = item_type
            problem: str | None
            if not isinstance(item, expected):
                problem = (f"{hook} must return {expected.__name__} objects, "
                           f"got {type(item).__name__} ({item!r:.60})")
            else:
                problem = self._validate(kind, plugin, item)
            if problem is None and key(item) in registered:
                first = registered[key(item)].plugin
                problem = (f"{kind_.singular} {key(item)!r} is contributed by both {first!r} and "
                           f"{plugin!r}; the one from {first!r} is kept: rename the other")
            if problem:
                self._problems.append(PluginProblem(plugin, problem))
            else:
                registered[key(item)] = Contribution(key(item), item, plugin)

    def _check_requirements(self) -> None:
        """A chapter that requires a chapter that is not installed, or a cycle, is a problem."""
        chapters = self._kinds["chapters"]
        for slug, item in chapters.items():
            missing = [r for r in item.value.requires if r not in chapters]
            if missing:
                self._problems.append(PluginProblem(
                    item.plugin,
                    f"chapter {slug!r} requires {', '.join(map(repr, missing))}, which "
                    "is not installed: install that chapter or remove it from requires"))
            path = find_cycle(slug, {s: c.value.requires for s, c in chapters.items()})
            if path:
                self._problems.append(PluginProblem(
                    item.plugin,
                    f"chapter {slug!r} requires itself through {' -> '.join(path)}: "
                    "a chapter can only build on chapters before it"))

    def _validate(self, kind: str, plugin: str, item: Any) -> str | None:
        if kind not in ("examples", "exercises"):
            return None
        slugs = [c.name for c in self.chapters.values() if c.plugin == plugin]
        if not slugs:
            return f"contributes {kind} but no chapter (implement rindoku_chapter)"
        slug, _, rest = item.id.partition(".")
        if slug not in slugs or not rest:
            return f"{_BY_NAME[kind].singular} id {item.id!r} must look like '{slugs[0]}.<name>'"
        if kind == "exercises":
            try:
                item.starter  # noqa: B018  (parses the solution markers)
            except (OSError, SolutionMarkerError) as exc:
                return f"exercise {item.id!r}: {exc}"
        return None


def find_cycle(start: str, edges: Mapping[str, Iterable[str]]) -> list[str]:
    """A path along ``edges`` from ``start`` back to itself (``[a, b, a]``), or [] if none.

    ``edges`` maps a node to the nodes it points to: chapters to the chapters
    they require, or packages to the packages they import.
    """
    stack: list[tuple[str, list[str]]] = [(start, [start])]
    seen: set[str] = set()
    while stack:
        slug, path = stack.pop()
        for nxt in edges.get(slug, ()):
            if nxt == start:
                return [*path, start]
            if nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, [*path, nxt]))
    return []


def load_registry(
    entry_points: Iterable[importlib.metadata.EntryPoint] | None = None,
    plugins: Iterable[tuple[str, object]] = (),
) -> Registry:
    """Load the plugins (see :func:`build_plugin_manager`) into a :class:`Registry`."""
    pm, infos, problems = build_plugin_manager(entry_points, plugins)
    return Registry(pm, infos, problems)
