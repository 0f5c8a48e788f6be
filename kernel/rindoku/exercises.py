"""Exercises: a prompt, a reference solution, and a check.

An exercise is declared once.  Its reference solution is a Python file in the
chapter's package in which the part a member writes sits between two marker
lines::

    def backward(self, dout):
        # BEGIN SOLUTION
        dx = dout * (1.0 - self.out) * self.out
        # END SOLUTION
        return dx

The starter code is derived from that file (each marked block becomes a
``raise NotImplementedError``), so there is never a second copy to keep in step.
The ``check`` receives the module made from a file (the reference solution, or a
member's attempt) and raises :class:`CheckFailed` with a message that says what
is wrong and where.  The checker runs the file in a process of its own and
hands the check a stand-in for its module (:mod:`rindoku.attempt`): the check
calls the member's code as if it were here, passing it data (numbers, arrays,
lists, tuples, dicts), while the comparison and the verdict stay out of the
attempt's reach.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

__all__ = ["CheckFailed", "Exercise", "SolutionMarkerError", "split_solution"]

BEGIN = "# BEGIN SOLUTION"
END = "# END SOLUTION"
_MARKER = re.compile(r"^(?P<indent>\s*)# (?P<which>BEGIN|END) SOLUTION(?::\s*(?P<todo>.*))?$")


class CheckFailed(AssertionError):  # noqa: N818 (a verdict, read as 'check failed')
    """Raised by an exercise's check: the message says what is wrong and where."""


class SolutionMarkerError(ValueError):
    """A reference solution's markers are missing, unbalanced or nested."""


def split_solution(text: str, name: str = "solution") -> tuple[str, str]:
    """Return ``(starter, solution)`` from a reference solution with markers.

    The starter replaces each marked block with a TODO comment and
    ``raise NotImplementedError``; the solution drops the marker lines.
    ``# BEGIN SOLUTION: compute dx`` puts "compute dx" into the TODO comment.
    """
    starter: list[str] = []
    solution: list[str] = []
    inside = False
    blocks = 0
    for lineno, line in enumerate(text.splitlines(), start=1):
        match = _MARKER.match(line)
        if match is None:
            solution.append(line)
            if not inside:
                starter.append(line)
            continue
        if match["which"] == "BEGIN":
            if inside:
                raise SolutionMarkerError(f"{name}, line {lineno}: nested {BEGIN}")
            inside = True
            blocks += 1
            indent = match["indent"]
            todo = match["todo"] or "your code here"
            starter.append(f"{indent}# TODO: {todo}")
            starter.append(f'{indent}raise NotImplementedError("{todo}")')
        else:
            if not inside:
                raise SolutionMarkerError(f"{name}, line {lineno}: {END} without {BEGIN}")
            inside = False
    if inside:
        raise SolutionMarkerError(f"{name}: {BEGIN} is never closed by {END}")
    if blocks == 0:
        raise SolutionMarkerError(
            f"{name}: no '{BEGIN}' / '{END}' block; mark the part the member writes"
        )
    return "\n".join(starter) + "\n", "\n".join(solution) + "\n"


@dataclass(frozen=True)
class Exercise:
    """An exercise of a chapter.

    ``id`` is ``<chapter slug>.<name>``.  ``prompt`` is MyST markdown.
    ``solution_file`` is the reference solution with solution markers.
    ``check(module)`` raises :class:`CheckFailed` when the module is wrong;
    ``module`` is a local module in a chapter's tests and a
    :class:`~rindoku.attempt.RemoteObject` in the checker.
    ``hints`` are shown one at a time by ``rindoku exercise hint``.
    ``timeout`` bounds one check of an attempt, in seconds.
    """

    id: str
    title: str
    prompt: str
    solution_file: Path
    check: Callable[[Any], None]
    hints: tuple[str, ...] = ()
    timeout: float = 30.0

    @cached_property
    def _parts(self) -> tuple[str, str]:
        return split_solution(Path(self.solution_file).read_text(encoding="utf-8"), self.id)

    @property
    def starter(self) -> str:
        """The code a member starts from: the solution with its marked parts removed."""
        return self._parts[0]

    @property
    def solution(self) -> str:
        """The reference solution, markers removed."""
        return self._parts[1]

    @property
    def filename(self) -> str:
        """The file ``rindoku exercise start`` writes, e.g. ``backprop_sigmoid_backward.py``."""
        return re.sub(r"[^0-9a-zA-Z]+", "_", self.id) + ".py"

    @property
    def target(self) -> str:
        """``module:qualname`` of the check, for a worker process to import."""
        return f"{self.check.__module__}:{self.check.__qualname__}"

    @property
    def check_source(self) -> str:
        """The check's source code."""
        return inspect.getsource(self.check)
