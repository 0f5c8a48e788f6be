"""The progress display: tqdm's bar in a terminal, a few plain lines elsewhere."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from rindoku.progress import progress_bar
from rindoku.trainer import Trainer


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def run(job: Callable[[], object], stderr: io.StringIO) -> tuple[str, str]:
    """What ``job`` writes to stdout and to ``stderr`` (a pipe, or a terminal)."""
    stdout = io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        job()
    return stdout.getvalue(), stderr.getvalue()


def count(total: int, steps: int, postfix: str = "", **kwargs: Any) -> None:
    bar = progress_bar(total, **kwargs)
    for step in range(1, steps + 1):
        if postfix:
            bar.set_postfix_str(postfix.format(step), refresh=False)
        bar.update()
    bar.close()


def test_outside_a_terminal_it_prints_ten_plain_lines_on_stdout():
    """Captured output (the book) gets the same readable lines on every run, postfix included."""
    out, err = run(lambda: count(40, 40, "step {}", desc="train"), stderr=io.StringIO())
    assert out.splitlines() == [f"train: {n}/40, step {n}" for n in range(4, 41, 4)]
    assert "\r" not in out
    assert err == ""


def test_outside_a_terminal_the_last_count_is_printed_once():
    """Off the beat, the final count still gets a line, and never two."""
    out, _ = run(lambda: count(25, 25, lines=10), stderr=io.StringIO())
    assert out.splitlines() == [f"{n}/25" for n in range(3, 25, 3)] + ["25/25"]


def test_a_bar_closed_early_shows_where_it_stopped():
    """No line for 0; closing early (an error) prints the count reached; big numbers grouped."""
    out, _ = run(lambda: count(4000, 450, desc="train"), stderr=io.StringIO())
    assert out.splitlines() == ["train: 400/4,000", "train: 450/4,000"]


def test_in_a_terminal_it_draws_one_bar_on_stderr():
    """A terminal gets tqdm's bar, redrawn in place, and stdout stays clean."""
    out, err = run(lambda: count(4, 4, "loss 0.{}", desc="epoch"), stderr=FakeTerminal())
    assert out == ""
    assert err.count("\n") == 1 and err.endswith("\n")  # one line, redrawn with \r
    last = err.rstrip("\n").split("\r")[-1]
    assert last.startswith("epoch: 100%|")
    assert "| 4/4 [" in last and last.endswith("it/s, loss 0.4]")


class ConstantLoss:
    """A model with no parameters whose loss is always 1."""

    params: list[np.ndarray] = []
    grads: list[np.ndarray] = []

    def predict(self, x: np.ndarray) -> np.ndarray:
        return x

    def forward(self, x: np.ndarray, t: np.ndarray) -> float:
        return 1.0

    def backward(self, dout: float = 1) -> None:
        return None


class NoUpdate:
    def update(self, params: list[np.ndarray], grads: list[np.ndarray]) -> None:
        return None


@pytest.mark.parametrize(("unit", "counts"), [("it", "8/8"), ("words", "24/24")])
def test_the_trainers_bar_counts_its_unit(unit, counts):
    """2 epochs of 12 rows in batches of 3: 8 iterations, or 24 rows (words)."""
    trainer = Trainer(ConstantLoss(), NoUpdate(), rng=np.random.default_rng(0), unit=unit)
    x, t = np.zeros((12, 2)), np.zeros(12, dtype=int)
    out, err = run(lambda: trainer.fit(x, t, max_epoch=2, batch_size=3), stderr=FakeTerminal())
    last = err.rstrip("\n").split("\r")[-1]
    assert last.startswith("train: 100%|")
    assert f"| {counts} [" in last
    assert last.endswith(f"{unit}/s, epoch 2, loss 1.0000]")
    assert out == ""
