"""Helpers for a chapter's own test suite.

A chapter package checks itself with one test::

    from rindoku.testing import check_chapter

    def test_chapter():
        check_chapter("rnnlm")

To test what an exercise's check says about a wrong answer, make the wrong
answer from the reference solution with :func:`with_mistake`::

    attempt = with_mistake(exercise, "dx = dout * self.out", "dx = dout")
    with pytest.raises(CheckFailed, match="dx is wrong"):
        exercise.check(attempt)
"""

from __future__ import annotations

import tempfile
import types
from pathlib import Path

import numpy as np

from rindoku.execution import run_check
from rindoku.exercises import Exercise
from rindoku.registry import Registry, load_registry

__all__ = ["attempt_from", "check_chapter", "with_mistake"]


def attempt_from(source: str) -> types.ModuleType:
    """A module made from ``source``, as the checker makes one from a member's file."""
    module = types.ModuleType("attempt")
    exec(compile(source, "attempt.py", "exec"), module.__dict__)
    return module


def with_mistake(exercise: Exercise, old: str, new: str) -> types.ModuleType:
    """The exercise's reference solution with ``old`` replaced by ``new``, as a module.

    ``old`` must occur in the solution: a test whose mistake no longer applies
    fails instead of testing the right answer.
    """
    if old not in exercise.solution:
        raise AssertionError(f"{exercise.id}: the solution has no {old!r} to replace")
    return attempt_from(exercise.solution.replace(old, new))


def check_chapter(slug: str, registry: Registry | None = None) -> None:
    """Assert that the installed chapter ``slug`` is sound.

    Its plugin loads with no problem, every gradient case it contributes
    passes, and for every exercise the reference solution passes its check and
    the starter code does not.  The AssertionError lists everything wrong.
    """
    registry = registry or load_registry()
    if slug not in registry.chapters:
        known = ", ".join(sorted(registry.chapters)) or "none"
        raise AssertionError(f"no chapter {slug!r} is installed (installed: {known}); "
                             "is its package installed with its 'rindoku' entry point?")
    plugin = registry.chapters[slug].plugin
    failures = [str(p) for p in registry.problems if p.plugin == plugin]
    for name, case in registry.gradient_cases.items():
        if case.plugin == plugin:
            report = case.value.run(np.random.default_rng(0), raise_on_failure=False)
            if not report.passed:
                failures.append(f"gradient case {name}: {report.worst.describe()}")
    for exercise_id, item in registry.exercises.items():
        if item.plugin != plugin:
            continue
        exercise = item.value
        verdict = run_check(exercise, exercise.solution_file)
        if not verdict.passed:
            failures.append(f"exercise {exercise_id}: the reference solution fails: {verdict}")
        with tempfile.TemporaryDirectory() as scratch:
            starter = Path(scratch) / exercise.filename
            starter.write_text(exercise.starter, encoding="utf-8")
            if run_check(exercise, starter).passed:
                failures.append(f"exercise {exercise_id}: the starter code already passes")
    if failures:
        raise AssertionError(f"chapter {slug!r}:\n" + "\n".join(f"  - {f}" for f in failures))
