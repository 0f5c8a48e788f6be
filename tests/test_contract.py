"""Meta-tests over everything the installed chapters register."""

from __future__ import annotations

import importlib.util
import inspect
import re
from pathlib import Path

import numpy as np
import pytest

from rindoku import hookspecs
from rindoku.kinds import KINDS, kind_of_hook
from rindoku.protocols import Layer
from rindoku.registry import load_registry
from rindoku.sphinxext.directives import import_object
from rindoku.testing import attempt_from

REGISTRY = load_registry()
CASES = sorted(REGISTRY.gradient_cases)


def test_the_installed_plugins_have_no_problems():
    """Every built-in chapter loads and registers cleanly."""
    REGISTRY.raise_for_problems()


@pytest.mark.parametrize("case_name", CASES)
def test_every_gradient_case_passes(case_name):
    """Each registered layer's backward matches its numerical gradient to 1e-6."""
    report = REGISTRY.gradient_cases[case_name].value.run(np.random.default_rng(0))
    assert report.max_error < 1e-6, report.worst.describe()


@pytest.mark.parametrize("kind", ["layers", "models"])
def test_every_layer_and_model_is_gradient_checked(kind):
    """No layer or model is registered without a gradient-check case."""
    covered = {case.value.layer for case in REGISTRY.gradient_cases.values()}
    missing = sorted(set(getattr(REGISTRY, kind)) - covered)
    assert not missing, f"{kind} without a gradient case: {missing}"


@pytest.mark.parametrize(
    ("kind", "name"),
    [("layers", n) for n in sorted(REGISTRY.layers)]
    + [("models", n) for n in sorted(REGISTRY.models)],
)
def test_every_layer_and_model_follows_the_protocol(kind, name):
    """The registered class itself, built by its gradient case, has params, grads,
    forward, backward (a model with shared weights lists a shared array once per use)."""
    case = next(c.value for c in REGISTRY.gradient_cases.values() if c.value.layer == name)
    layer, _ = case.build(np.random.default_rng(0))
    assert type(layer) is REGISTRY.kind(kind)[name].value, (
        f"the gradient case of {name} builds a {type(layer).__name__}, not {name}")
    assert isinstance(layer, Layer)
    assert len(layer.params) == len(layer.grads)
    for param, grad in zip(layer.params, layer.grads, strict=True):
        assert param.shape == grad.shape


@pytest.mark.parametrize(
    "hook", [n for n, f in inspect.getmembers(hookspecs, inspect.isfunction)
             if n.startswith("rindoku_")]
)
def test_every_hook_is_documented(hook):
    """Each hook specification says when it is called and what it returns."""
    doc = inspect.getdoc(getattr(hookspecs, hook))
    assert doc and "return" in doc.lower()


@pytest.mark.parametrize("name", sorted(REGISTRY.optimizers))
def test_every_optimizer_updates_in_place_and_returns_nothing(name):
    """Built with its defaults, an optimizer changes the very arrays it is given."""
    rng = np.random.default_rng(0)
    optimizer = REGISTRY.optimizers[name].value()
    params = [rng.standard_normal((3, 2)), rng.standard_normal(4)]
    grads = [rng.standard_normal((3, 2)), rng.standard_normal(4)]
    before = [p.copy() for p in params]
    kept = list(params)
    for _ in range(3):
        assert optimizer.update(params, grads) is None
    assert all(a is b for a, b in zip(params, kept, strict=True))
    assert all(not np.array_equal(a, b) for a, b in zip(params, before, strict=True))


GUIDE = Path(__file__).resolve().parents[1] / "docs" / "guides" / "plugins.md"
HOOKS = [n for n, f in inspect.getmembers(hookspecs, inspect.isfunction)
         if n.startswith("rindoku_")]


def test_every_hook_is_one_kind_and_in_the_plugin_guide():
    """Each hook is one row of the table of kinds, which the guide's reference is made from."""
    assert sorted(k.hook for k in KINDS) == sorted(HOOKS)
    assert "```{rindoku-hooks}\n```" in GUIDE.read_text()


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_is_implemented_by_a_built_in_chapter(hook):
    """A hook that no chapter implements is a hook that nothing exercises."""
    implementations = getattr(REGISTRY._pm.hook, hook).get_hookimpls()
    assert implementations, f"no built-in chapter implements {hook}"
    assert REGISTRY.kind(kind_of_hook(hook).name), f"{hook} contributes nothing"


EXERCISES = sorted(REGISTRY.exercises)


@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_every_reference_solution_passes_its_check(exercise_id):
    """The check accepts the reference solution."""
    exercise = REGISTRY.exercises[exercise_id].value
    exercise.check(attempt_from(exercise.solution))


@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_every_starter_is_not_yet_solved(exercise_id):
    """The starter code raises NotImplementedError with its TODO text."""
    exercise = REGISTRY.exercises[exercise_id].value
    with pytest.raises(NotImplementedError, match=r"\S"):
        exercise.check(attempt_from(exercise.starter))


# -- the chapter pages ------------------------------------------------------------------

PAGES = {slug: Path(item.value.page).read_text(encoding="utf-8")
         for slug, item in REGISTRY.chapters.items()}
DIRECTIVE = re.compile(r"^```\{(rindoku-[a-z]+)\}\s*(\S*)", re.M)


def _contributed(slug: str, kind: str) -> list[str]:
    plugin = REGISTRY.chapters[slug].plugin
    return sorted(name for name, item in REGISTRY.kind(kind).items() if item.plugin == plugin)


@pytest.mark.parametrize("slug", sorted(PAGES))
def test_a_chapter_page_shows_every_example_exercise_and_class_it_registers(slug):
    """Whatever a chapter registers, its page shows: examples run, exercises, real source."""
    shown = DIRECTIVE.findall(PAGES[slug])
    examples = {target for name, target in shown if name == "rindoku-example"}
    exercises = {target for name, target in shown if name == "rindoku-exercise"}
    sources = {target.rpartition(".")[2] for name, target in shown if name == "rindoku-source"}
    assert set(_contributed(slug, "examples")) <= examples
    assert set(_contributed(slug, "exercises")) <= exercises
    for kind in ("layers", "models", "optimizers"):
        missing = set(_contributed(slug, kind)) - sources
        assert not missing, f"{slug}: no {{rindoku-source}} for the {kind} {sorted(missing)}"


@pytest.mark.parametrize("slug", sorted(PAGES))
def test_every_directive_on_a_chapter_page_names_something_that_exists(slug):
    for name, target in DIRECTIVE.findall(PAGES[slug]):
        if name == "rindoku-example":
            REGISTRY.example(target)
        elif name == "rindoku-exercise":
            REGISTRY.exercise(target)
        elif name == "rindoku-source":
            import_object(target)


@pytest.mark.parametrize("slug", sorted(PAGES))
def test_a_chapter_page_gives_its_japanese_terms(slug):
    """The key terms of the chapter (the glossary's entries) appear on its page in Japanese."""
    chapter = REGISTRY.chapters[slug].value
    missing = [ja for ja in chapter.terms.values() if ja not in PAGES[slug]]
    assert not missing, f"{slug}: the page never says {missing}"


@pytest.mark.parametrize("slug", sorted(s for s in PAGES if importlib.util.find_spec(
    f"rindoku_{s}.fast") is not None))
def test_a_page_shows_the_books_code_before_the_fast_path(slug):
    """A chapter with a fast path presents the book's form first, then fast.py."""
    page = PAGES[slug]
    sources = [(m.start(), m.group(2)) for m in DIRECTIVE.finditer(page)
               if m.group(1) == "rindoku-source"]
    fast = [at for at, target in sources if ".fast." in target]
    textbook = [at for at, target in sources if ".fast." not in target]
    assert fast, f"{slug} has a fast.py that its page never shows"
    assert textbook and textbook[0] < fast[0]
