"""Exercises: starter code derived from the solution, and the attempt checker's verdicts."""

from __future__ import annotations

import importlib
import textwrap
from pathlib import Path

import pytest

from rindoku.execution import check_file, run_check
from rindoku.exercises import Exercise, SolutionMarkerError, split_solution
from rindoku.registry import load_registry

SOLUTION = '''\
def square(x):
    """Return x squared."""
    # BEGIN SOLUTION: return x times itself
    return x * x
    # END SOLUTION
'''

CHECK = '''\
from rindoku import CheckFailed


def check(module):
    if not hasattr(module, "square"):
        raise CheckFailed("your file defines no function square")
    for x in (0, 2, -3):
        got = module.square(x)
        if got != x * x:
            raise CheckFailed(f"square({x}) returned {got!r}, expected {x * x}")
'''


@pytest.fixture
def exercise(tmp_path, monkeypatch) -> Exercise:
    """A throwaway exercise whose check module the worker process can import."""
    (tmp_path / "square_check.py").write_text(CHECK)
    (tmp_path / "square_solution.py").write_text(SOLUTION)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    module = importlib.import_module("square_check")
    return Exercise(
        id="demo.square", title="Square", prompt="Write `square`.",
        solution_file=tmp_path / "square_solution.py", check=module.check,
        hints=("Multiply.",), timeout=10,
    )


def attempt(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "attempt.py"
    path.write_text(textwrap.dedent(body))
    return path


def test_starter_and_solution_come_from_one_file():
    """The starter replaces the marked block; the solution drops the markers."""
    starter, solution = split_solution(SOLUTION)
    assert "# TODO: return x times itself" in starter
    assert 'raise NotImplementedError("return x times itself")' in starter
    assert "return x * x" not in starter
    assert "return x * x" in solution and "SOLUTION" not in solution


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x = 1\n", "no '# BEGIN SOLUTION'"),
        ("# BEGIN SOLUTION\nx = 1\n", "never closed"),
        ("# END SOLUTION\n", "without # BEGIN SOLUTION"),
        ("# BEGIN SOLUTION\n# BEGIN SOLUTION\n", "nested"),
    ],
)
def test_bad_markers_are_refused(text, message):
    """Missing, unclosed, stray or nested markers are errors."""
    with pytest.raises(SolutionMarkerError, match=message):
        split_solution(text, "demo.square")


def test_a_correct_attempt_passes(exercise, tmp_path):
    verdict = check_file(exercise, attempt(tmp_path, "def square(x):\n    return x ** 2\n"))
    assert verdict.status == "passed", verdict


def test_an_unchanged_starter_is_not_attempted(exercise, tmp_path):
    """The starter as written by 'exercise start' is 'not attempted', not 'raised'."""
    verdict = check_file(exercise, attempt(tmp_path, exercise.starter))
    assert verdict.status == "not attempted"
    assert "rindoku exercise hint demo.square" in verdict.message


def test_a_wrong_attempt_says_what_is_wrong(exercise, tmp_path):
    verdict = check_file(exercise, attempt(tmp_path, "def square(x):\n    return x + x\n"))
    assert verdict.status == "wrong"
    assert verdict.message == "square(-3) returned -6, expected 9"


def test_a_raising_attempt_shows_its_own_traceback_only(exercise, tmp_path):
    """The traceback is trimmed to the member's file: no worker or check frames."""
    path = attempt(tmp_path, """\
        def square(x):
            return helper(x)


        def helper(x):
            return x / 0
        """)
    verdict = check_file(exercise, path)
    assert verdict.status == "raised"
    assert "ZeroDivisionError: division by zero" in verdict.message
    assert f'File "{path}", line 6, in helper' in verdict.message
    assert "_worker" not in verdict.message and "square_check" not in verdict.message


def test_a_syntax_error_names_the_line(exercise, tmp_path):
    verdict = check_file(exercise, attempt(tmp_path, "def square(x)\n    return x * x\n"))
    assert verdict.status == "syntax error"
    assert "attempt.py, line 1" in verdict.message


def test_an_endless_attempt_times_out(exercise, tmp_path):
    """An endless loop gets a verdict within the time limit, never a hang."""
    path = attempt(tmp_path, "def square(x):\n    while True:\n        pass\n")
    verdict = check_file(exercise, path, timeout=3)
    assert verdict.status == "timed out"
    assert "within 3 s" in verdict.message


def test_an_attempt_that_exits_the_process_is_reported(exercise, tmp_path):
    path = attempt(tmp_path, "import os\nos._exit(3)\n")
    verdict = check_file(exercise, path)
    assert verdict.status == "raised"
    assert "exit code 3" in verdict.message


def test_what_an_attempt_prints_is_kept(exercise, tmp_path):
    path = attempt(tmp_path, "def square(x):\n    print('debug', x)\n    return x + 1\n")
    verdict = check_file(exercise, path)
    assert verdict.status == "wrong"
    assert "debug 0" in verdict.output
    assert "your file printed" in str(verdict)


def test_a_missing_file_is_a_clear_error(exercise, tmp_path):
    with pytest.raises(FileNotFoundError, match="rindoku exercise start demo.square"):
        check_file(exercise, tmp_path / "nope.py")


REGISTRY = load_registry()
EXERCISES = sorted(REGISTRY.exercises)


@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_every_reference_solution_passes_its_check(exercise_id):
    """The reference solution of every registered exercise passes, in a worker."""
    exercise = REGISTRY.exercise(exercise_id)
    verdict = run_check(exercise, exercise.solution_file)
    assert verdict.passed, f"{exercise_id}: {verdict}"


@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_every_starter_fails_its_check(exercise_id, tmp_path):
    """The starter code of every registered exercise does not pass."""
    exercise = REGISTRY.exercise(exercise_id)
    path = tmp_path / exercise.filename
    path.write_text(exercise.starter)
    verdict = run_check(exercise, path)
    assert not verdict.passed
    assert verdict.status == "raised"
    assert "still to be written" in verdict.message


def test_there_are_exercises_to_check():
    """The parametrised tests above are not empty."""
    assert len(EXERCISES) >= 3


def test_with_mistake_refuses_a_mistake_that_no_longer_applies():
    """A test's wrong answer must come from the solution as it is, not silently be right."""
    from rindoku.registry import load_registry
    from rindoku.testing import with_mistake

    exercise = load_registry().exercises["backprop.sigmoid-backward"].value
    with pytest.raises(AssertionError, match="the solution has no 'no such line' to replace"):
        with_mistake(exercise, "no such line", "anything")
