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
import importlib.metadata
import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import pluggy

from rindoku import hookspecs
from rindoku.chapter import Chapter, Dataset
from rindoku.examples import Example
from rindoku.exercises import Exercise, SolutionMarkerError
from rindoku.gradient import GradientCase

__all__ = [
    "Contribution",
    "PluginError",
    "PluginInfo",
    "PluginProblem",
    "Registry",
    "UnknownNameError",
    "build_plugin_manager",
    "installed_entry_points",
    "load_registry",
    "module_entry_points",
]

ENTRY_POINT_GROUP = "rindoku"

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
        candidates.append((name, lambda obj=obj: obj, "", ""))

    infos: list[PluginInfo] = []
    problems: list[PluginProblem] = []
    for name, load, dist_name, version in candidates:
        try:
            plugin = load()
        except Exception as exc:  # a broken plugin must not take the others down
            problems.append(PluginProblem(name, f"failed to import: {type(exc).__name__}: {exc}"))
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


def _register(pm: pluggy.PluginManager, name: str, plugin: object) -> str | None:
    """Register one plugin; return what is wrong with it, or None."""
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


# What each hook must return: (registry attribute, item type, key, many items?)
_HOOKS: dict[str, tuple[str, type | None, Callable[[Any], str], bool]] = {
    "rindoku_chapter": ("chapters", Chapter, lambda c: c.slug, False),
    "rindoku_layers": ("layers", None, lambda cls: cls.__name__, True),
    "rindoku_optimizers": ("optimizers", None, lambda cls: cls.__name__, True),
    "rindoku_models": ("models", None, lambda cls: cls.__name__, True),
    "rindoku_datasets": ("datasets", Dataset, lambda d: d.name, True),
    "rindoku_gradient_cases": ("gradient_cases", GradientCase, lambda g: g.name, True),
    "rindoku_examples": ("examples", Example, lambda e: e.id, True),
    "rindoku_exercises": ("exercises", Exercise, lambda e: e.id, True),
}

_KIND = {
    "chapters": "chapter",
    "layers": "layer",
    "optimizers": "optimizer",
    "models": "model",
    "datasets": "data set",
    "gradient_cases": "gradient case",
    "examples": "example",
    "exercises": "exercise",
}


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

    @property
    def chapters(self) -> dict[str, Contribution[Chapter]]:
        return self._kind("chapters")

    @property
    def layers(self) -> dict[str, Contribution[type]]:
        return self._kind("layers")

    @property
    def optimizers(self) -> dict[str, Contribution[type]]:
        return self._kind("optimizers")

    @property
    def models(self) -> dict[str, Contribution[type]]:
        return self._kind("models")

    @property
    def datasets(self) -> dict[str, Contribution[Dataset]]:
        return self._kind("datasets")

    @property
    def gradient_cases(self) -> dict[str, Contribution[GradientCase]]:
        return self._kind("gradient_cases")

    @property
    def examples(self) -> dict[str, Contribution[Example]]:
        return self._kind("examples")

    @property
    def exercises(self) -> dict[str, Contribution[Exercise]]:
        return self._kind("exercises")

    @property
    def problems(self) -> list[PluginProblem]:
        """Every problem: of loading the plugins and of what each hook returned."""
        for kind in _KIND:
            self._kind(kind)
        return self.load_problems + self._problems

    # -- look-ups -----------------------------------------------------------------

    def chapter_list(self) -> list[Chapter]:
        """The chapters in book order (by number, then slug)."""
        return sorted((c.value for c in self.chapters.values()), key=lambda c: (c.number, c.slug))

    def example(self, example_id: str) -> Example:
        """The example with this id; :class:`UnknownNameError` with suggestions if none."""
        return self._get("examples", example_id)

    def exercise(self, exercise_id: str) -> Exercise:
        """The exercise with this id; :class:`UnknownNameError` with suggestions if none."""
        return self._get("exercises", exercise_id)

    def chapter(self, slug: str) -> Chapter:
        """The chapter with this slug; :class:`UnknownNameError` with suggestions if none."""
        return self._get("chapters", slug)

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
            raise UnknownNameError(_KIND[kind], name, items)
        return items[name].value

    # -- collecting ---------------------------------------------------------------

    def _kind(self, kind: str) -> dict[str, Contribution[Any]]:
        if kind not in self._kinds:
            if kind in ("examples", "exercises"):
                self._kind("chapters")  # their ids are checked against the slugs
            self._kinds[kind] = {}
            hook = next(h for h, spec in _HOOKS.items() if spec[0] == kind)
            for impl in getattr(self._pm.hook, hook).get_hookimpls():  # in load order
                try:
                    result = impl.function()
                except Exception as exc:
                    self._problems.append(PluginProblem(
                        impl.plugin_name, f"{hook} raised {type(exc).__name__}: {exc}"
                    ))
                    continue
                if result is not None:
                    self._add(hook, impl.plugin_name, result)
        return self._kinds[kind]

    def _add(self, hook: str, plugin: str, result: Any) -> None:
        """Merge what ``plugin`` returned from ``hook``, recording any problem."""
        kind, item_type, key, many = _HOOKS[hook]
        if many and not isinstance(result, list | tuple):
            self._problems.append(
                PluginProblem(plugin, f"{hook} must return a list, got {type(result).__name__}")
            )
            return
        registered = self._kinds[kind]
        for item in result if many else [result]:
            expected = item_type or type
            if not isinstance(item, expected):
                problem = (f"{hook} must return {expected.__name__} objects, "
                           f"got {type(item).__name__} ({item!r:.60})")
            else:
                problem = self._validate(kind, plugin, item)
            if problem is None and key(item) in registered:
                first = registered[key(item)].plugin
                problem = (f"{_KIND[kind]} {key(item)!r} is contributed by both {first!r} and "
                           f"{plugin!r}; the one from {first!r} is kept: rename the other")
            if problem:
                self._problems.append(PluginProblem(plugin, problem))
            else:
                registered[key(item)] = Contribution(key(item), item, plugin)

    def _validate(self, kind: str, plugin: str, item: Any) -> str | None:
        if kind not in ("examples", "exercises"):
            return None
        slugs = [c.name for c in self.chapters.values() if c.plugin == plugin]
        if not slugs:
            return f"contributes {kind} but no chapter (implement rindoku_chapter)"
        slug, _, rest = item.id.partition(".")
        if slug not in slugs or not rest:
            return f"{_KIND[kind]} id {item.id!r} must look like '{slugs[0]}.<name>'"
        if kind == "exercises":
            try:
                item.starter  # noqa: B018  (parses the solution markers)
            except (OSError, SolutionMarkerError) as exc:
                return f"exercise {item.id!r}: {exc}"
        return None


def load_registry(
    entry_points: Iterable[importlib.metadata.EntryPoint] | None = None,
    plugins: Iterable[tuple[str, object]] = (),
) -> Registry:
    """Load the plugins (see :func:`build_plugin_manager`) into a :class:`Registry`."""
    pm, infos, problems = build_plugin_manager(entry_points, plugins)
    return Registry(pm, infos, problems)
