"""Meta-tests over everything the installed chapters register."""

from __future__ import annotations

import inspect
from pathlib import Path

import numpy as np
import pytest

from rindoku import hookspecs
from rindoku.protocols import Layer
from rindoku.registry import load_registry
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


@pytest.mark.parametrize("name", sorted(REGISTRY.layers))
def test_every_layer_follows_the_protocol(name):
    """A registered layer built by its gradient case has params, grads, forward, backward."""
    case = next(c.value for c in REGISTRY.gradient_cases.values() if c.value.layer == name)
    layer, _ = case.build(np.random.default_rng(0))
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


@pytest.mark.parametrize(
    "hook", [n for n, f in inspect.getmembers(hookspecs, inspect.isfunction)
             if n.startswith("rindoku_")]
)
def test_every_hook_is_in_the_plugin_guide(hook):
    """'Writing a chapter plugin' documents every hook (from its specification)."""
    assert f"autofunction:: rindoku.hookspecs.{hook}\n" in GUIDE.read_text()


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
