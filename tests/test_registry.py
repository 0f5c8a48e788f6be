"""The plugin manager and the registry: discovery, merging and broken plugins."""

from __future__ import annotations

import importlib.metadata
import os
import time
from pathlib import Path

import pytest

from rindoku import Chapter, Example, hookimpl
from rindoku.registry import PluginError, UnknownNameError, load_registry


def _chapter(slug: str, number: int = 90) -> Chapter:
    return Chapter(slug=slug, number=number, title=slug.title(), title_ja="テスト",
                   page=Path(f"{slug}.md"))


class Dense:
    """A layer class for registry tests."""

    params: list = []
    grads: list = []


def _noop(rng) -> None:
    """An example that does nothing."""


class Alpha:
    @hookimpl
    def rindoku_chapter(self):
        return _chapter("alpha", 91)

    @hookimpl
    def rindoku_layers(self):
        return [Dense]

    @hookimpl
    def rindoku_examples(self):
        return [Example("alpha.first", "First", _noop)]


class Beta:
    @hookimpl
    def rindoku_chapter(self):
        return _chapter("beta", 90)

    @hookimpl
    def rindoku_layers(self):
        return [Dense]  # the same name as Alpha's


def test_builtin_chapter_is_discovered_through_the_entry_point():
    """The backprop chapter is found through the 'rindoku' entry point group."""
    names = [ep.name for ep in importlib.metadata.entry_points(group="rindoku")]
    assert "backprop" in names
    registry = load_registry()
    assert registry.problems == []
    assert "backprop" in registry.chapters
    info = next(p for p in registry.plugins if p.name == "backprop")
    assert info.distribution == "rindoku"
    assert info.module == "rindoku_backprop.plugin"
    assert info.location.endswith("plugin.py")


def test_throwaway_plugins_merge_in_chapter_order():
    """Chapters are ordered by number; each item remembers its plugin."""
    registry = load_registry(entry_points=[], plugins=[("alpha", Alpha()), ("beta", Beta())])
    assert [c.slug for c in registry.chapter_list()] == ["beta", "alpha"]
    assert registry.examples["alpha.first"].plugin == "alpha"
    assert registry.example("alpha.first").title == "First"


def test_a_name_contributed_twice_names_both_plugins():
    """Two plugins contributing 'Dense' is a problem naming both; the first is kept."""
    registry = load_registry(entry_points=[], plugins=[("alpha", Alpha()), ("beta", Beta())])
    assert registry.layers["Dense"].plugin == "alpha"
    [problem] = registry.problems
    assert problem.plugin == "beta"
    assert "'Dense' is contributed by both 'alpha' and 'beta'" in str(problem)
    with pytest.raises(PluginError, match="contributed by both 'alpha' and 'beta'"):
        registry.raise_for_problems()


def test_a_plugin_that_fails_to_import_is_reported_and_the_others_load():
    """An import error is a problem named after the plugin; other chapters still work."""
    broken = importlib.metadata.EntryPoint(
        name="broken", value="rindoku_no_such_chapter.plugin", group="rindoku"
    )
    registry = load_registry(entry_points=[broken], plugins=[("alpha", Alpha())])
    [problem] = registry.problems
    assert problem.plugin == "broken"
    assert "failed to import" in problem.message
    assert "rindoku_no_such_chapter" in problem.message
    assert "alpha" in registry.chapters


def test_a_misspelt_hook_is_rejected_with_a_suggestion():
    """A hook implementation without a specification is named, with the closest hook."""

    class Typo:
        @hookimpl
        def rindoku_chapter(self):
            return _chapter("typo")

        @hookimpl
        def rindoku_layer(self):
            return []

    registry = load_registry(entry_points=[], plugins=[("typo", Typo()), ("alpha", Alpha())])
    [problem] = registry.problems
    assert problem.plugin == "typo"
    assert "unknown hook 'rindoku_layer'" in problem.message
    assert "rindoku_layers" in problem.message
    assert "typo" not in registry.chapters
    assert "alpha" in registry.chapters


def test_a_hook_returning_the_wrong_type_is_reported():
    """A hook must return what its specification says; a wrong type names the hook."""

    class Wrong:
        @hookimpl
        def rindoku_chapter(self):
            return {"slug": "wrong"}

        @hookimpl
        def rindoku_layers(self):
            return Dense  # not a list

    registry = load_registry(entry_points=[], plugins=[("wrong", Wrong())])
    messages = sorted(p.message for p in registry.problems)
    assert any("rindoku_chapter must return Chapter objects, got dict" in m for m in messages)
    assert any("rindoku_layers must return a list, got type" in m for m in messages)


def test_a_hook_that_raises_is_reported():
    """An exception inside a hook is a problem, not a crash."""

    class Raises:
        @hookimpl
        def rindoku_chapter(self):
            raise RuntimeError("boom")

    registry = load_registry(entry_points=[], plugins=[("raises", Raises())])
    assert "rindoku_chapter raised RuntimeError: boom" in registry.problems[0].message


def test_example_ids_must_start_with_the_chapter_slug():
    """An example of chapter 'alpha' must be called 'alpha.<name>'."""

    class Misnamed(Alpha):
        @hookimpl
        def rindoku_examples(self):
            return [Example("other.first", "First", _noop)]

    registry = load_registry(entry_points=[], plugins=[("alpha", Misnamed())])
    assert "must look like 'alpha.<name>'" in registry.problems[0].message
    assert registry.examples == {}


def test_unknown_names_suggest_the_closest_ids():
    """A typo gets the closest registered ids."""
    registry = load_registry()
    with pytest.raises(UnknownNameError, match=r"no example named 'backprop.spiarl'; "
                                               r"did you mean backprop.spiral"):
        registry.example("backprop.spiarl")


def test_an_invalid_slug_is_refused():
    """Chapter slugs are lower-case letters and digits."""
    with pytest.raises(ValueError, match="slug 'RNN-LM' is not valid"):
        _chapter("RNN-LM")


def _requiring(slug: str, number: int, requires: tuple[str, ...]) -> object:
    class Plugin:
        @hookimpl
        def rindoku_chapter(self):
            return Chapter(slug=slug, number=number, title=slug, title_ja="テスト",
                           page=Path(f"{slug}.md"), requires=requires)
    return Plugin()


def test_a_chapter_comes_after_the_chapters_it_requires():
    """Numbers order the book, but never before a requirement."""
    registry = load_registry(entry_points=[], plugins=[
        ("first", _requiring("first", 1, ("third",))),
        ("second", _requiring("second", 2, ())),
        ("third", _requiring("third", 3, ())),
    ])
    assert [c.slug for c in registry.chapter_list()] == ["third", "first", "second"]
    assert registry.required_chapters("first") == ["third"]
    assert registry.problems == []


def test_a_missing_requirement_is_a_problem_of_the_requiring_plugin():
    registry = load_registry(entry_points=[], plugins=[("lone", _requiring("lone", 1, ("cbw",)))])
    assert [str(p) for p in registry.problems] == [
        "plugin 'lone': chapter 'lone' requires 'cbw', which is not installed: install that "
        "chapter or remove it from requires"]


def test_chapters_that_require_each_other_are_a_problem():
    registry = load_registry(entry_points=[], plugins=[
        ("ping", _requiring("ping", 1, ("pong",))), ("pong", _requiring("pong", 2, ("ping",)))])
    messages = [str(p) for p in registry.problems]
    assert "plugin 'ping': chapter 'ping' requires itself through ping -> pong -> ping" in (
        messages[0])
    assert len(registry.chapter_list()) == 2


def test_requires_must_be_a_tuple_of_slugs():
    with pytest.raises(TypeError, match=r"requires must be a tuple of slugs, e\.g\. \('cbow',\)"):
        Chapter(slug="x", number=1, title="X", title_ja="X", page=Path("x.md"), requires="cbow")


class Eager:
    @hookimpl(tryfirst=True)
    def rindoku_layers(self):
        return [Dense]


def test_ordering_and_wrapper_marks_are_refused_by_name():
    registry = load_registry(entry_points=[], plugins=[("eager", Eager())])
    assert [str(p) for p in registry.problems] == [
        "plugin 'eager': hook rindoku_layers is marked tryfirst, which rindoku does not "
        "support: every plugin's hooks are called once, in load order; remove the mark"]
    assert registry.layers == {}


def test_every_kind_is_an_attribute_and_a_listing():
    """One row of KINDS gives the registry attribute and 'rindoku list KIND'."""
    from rindoku.cli import KINDS as LISTED
    from rindoku.kinds import KINDS

    registry = load_registry(entry_points=[], plugins=[("alpha", Alpha())])
    for kind in KINDS:
        assert getattr(registry, kind.name) == registry.kind(kind.name)
        assert (kind.name in LISTED) == kind.listed
    with pytest.raises(AttributeError):
        registry.no_such_kind  # noqa: B018


class _Loader:
    """An entry point whose ``load`` runs ``action`` (what a plugin module does at import)."""

    def __init__(self, name, action):
        self.name, self.action, self.dist = name, action, None

    def load(self):
        return self.action()


def _exit():
    raise SystemExit(0)


def _interrupt():
    raise KeyboardInterrupt


@pytest.mark.parametrize("action, shown", [(_exit, "SystemExit: 0"),
                                           (_interrupt, "KeyboardInterrupt")])
def test_a_plugin_that_exits_or_interrupts_at_import_is_named(action, shown):
    """SystemExit or KeyboardInterrupt raised by a plugin's own code is its problem, by name."""
    registry = load_registry(entry_points=[_Loader("quitter", action)],
                             plugins=[("alpha", Alpha())])
    [problem] = registry.problems
    assert problem.plugin == "quitter"
    assert f"failed to import: {shown}" in problem.message
    assert "alpha" in registry.chapters


def test_a_hook_that_exits_is_named():
    class Exits(Alpha):
        @hookimpl
        def rindoku_layers(self):
            raise SystemExit("bye")

    registry = load_registry(entry_points=[], plugins=[("exits", Exits())])
    assert registry.layers == {}
    assert "rindoku_layers raised SystemExit: bye" in registry.problems[0].message


def test_ctrl_c_during_a_plugin_import_still_stops_the_program():
    """A Ctrl-C the user presses (SIGINT) is not mistaken for a plugin's problem."""
    import signal

    def press_ctrl_c():
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(5)  # the signal arrives before this ends

    with pytest.raises(KeyboardInterrupt):
        load_registry(entry_points=[_Loader("slow", press_ctrl_c)], plugins=[])


@pytest.mark.slow
def test_rindoku_commands_with_a_plugin_calling_sys_exit(tmp_path):
    """`rindoku plugins` names it and exits 1; `rindoku list` still lists, exit 0."""
    import subprocess
    import sys

    (tmp_path / "quitting_plugin.py").write_text("import sys\nsys.exit()\n")
    info = tmp_path / "quitting_plugin-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: quitting-plugin\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[rindoku]\nquitter = quitting_plugin\n")
    env = dict(os.environ, PYTHONPATH=str(tmp_path))
    run = [sys.executable, "-m", "rindoku.cli"]
    plugins = subprocess.run([*run, "plugins"], capture_output=True, text=True, env=env)
    assert plugins.returncode == 1
    assert "quitter" in plugins.stdout + plugins.stderr
    assert "SystemExit" in plugins.stdout + plugins.stderr
    listing = subprocess.run([*run, "list", "chapters"], capture_output=True, text=True, env=env)
    assert listing.returncode == 0
    assert "backprop" in listing.stdout
    assert len(listing.stderr.strip().splitlines()) == 1
