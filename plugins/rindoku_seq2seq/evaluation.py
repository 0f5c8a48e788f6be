"""Answering held-out questions, and the training loop of the book's seq2seq scripts.

:func:`eval_seq2seq` is the book's (``common/util.py``): one question, one
answer, right or wrong, printed with a mark when asked.  :func:`answers`
answers a whole set: one question at a time for the textbook models, whose
``generate`` takes one, in batches for the fast ones.  :func:`accuracy` is
the share answered exactly right, every character.

:func:`train_seq2seq` is the loop of book 2's ``ch07/train_seq2seq.py`` and
``ch08/train.py``: an epoch of the kernel's Trainer, then the accuracy on
the held-out questions, for ``max_epoch`` epochs, with one progress bar for
the whole run and, each epoch, a line with the loss, the accuracy and a few
questions answered.  ``lr`` may be a schedule, a learning rate per epoch.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from tqdm.auto import tqdm as auto_tqdm
from tqdm.notebook import tqdm_notebook

from rindoku.progress import progress_bar
from rindoku.trainer import ShuffledBatches, Trainer
from rindoku_optimizers.optimizers import Adam
from rindoku_seq2seq.fast import InPlaceAdam
from rindoku_seq2seq.sequence import SequenceData

__all__ = [
    "CountedBatches",
    "Seq2seqRun",
    "accuracy",
    "answers",
    "eval_seq2seq",
    "mark",
    "time_training",
    "train_seq2seq",
]

RIGHT, WRONG = "☑", "☒"


def mark(right: bool) -> str:
    """☑ for a right answer, ☒ for a wrong one, as the book prints them."""
    return RIGHT if right else WRONG


def eval_seq2seq(
    model: Any,
    question: np.ndarray,
    correct: np.ndarray,
    id_to_char: dict[int, str],
    verbose: bool = False,
    is_reverse: bool = False,
) -> int:
    """Answer one question (1, T) and return 1 if every character is right, else 0.

    ``correct`` (1, T') is the answer, ``_`` first: ``_`` starts the
    decoder, which writes T' - 1 characters.  ``verbose`` prints the
    question (turned back round when the model reads it reversed), the right
    answer and the model's, marked.
    """
    correct = correct.flatten()
    start_id = correct[0]
    correct = correct[1:]
    guess = np.ravel(model.generate(question, int(start_id), len(correct)))

    question_text = "".join(id_to_char[int(c)] for c in question.flatten())
    correct_text = "".join(id_to_char[int(c)] for c in correct)
    guess_text = "".join(id_to_char[int(c)] for c in guess)

    if verbose:
        if is_reverse:
            question_text = question_text[::-1]
        print("Q", question_text)
        print("T", correct_text)
        print(mark(correct_text == guess_text), guess_text)
        print("---")

    return 1 if guess_text == correct_text else 0


def answers(model: Any, x: np.ndarray, start_id: int, sample_size: int,
            batch_size: int = 1000) -> np.ndarray:
    """The model's answers to every question of x (N, T): ids (N, sample_size).

    A model whose ``generate`` answers a batch (``generates_batches``, the
    fast path) gets ``batch_size`` questions at a time; a textbook model one.
    """
    if getattr(model, "generates_batches", False):
        parts = [model.generate(x[i:i + batch_size], start_id, sample_size)
                 for i in range(0, len(x), batch_size)]
        return np.concatenate(parts) if parts else np.empty((0, sample_size), dtype=np.int64)
    return np.array([model.generate(x[[i]], start_id, sample_size) for i in range(len(x))],
                    dtype=np.int64).reshape(len(x), sample_size)


def accuracy(model: Any, x: np.ndarray, t: np.ndarray) -> float:
    """The share of the questions x (N, T) answered t[:, 1:] exactly (t starts with ``_``)."""
    if len(x) == 0:
        raise ValueError("accuracy of no questions: pass at least one")
    guess = answers(model, x, int(t[0, 0]), t.shape[1] - 1)
    return float(np.mean(np.all(guess == t[:, 1:], axis=1)))


class CountedBatches:
    """Another batch source's mini-batches, each counted on a progress bar once trained on."""

    def __init__(self, batches: Any, bar: Any) -> None:
        self.batches, self.bar = batches, bar
        self.iterations, self.rows = batches.iterations, batches.rows

    def epoch(self, rng: np.random.Generator) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Yield the source's batches; move the bar after each."""
        for batch in self.batches.epoch(rng):
            yield batch
            if self.bar is not None:
                self.bar.update(1)


@dataclass
class Seq2seqRun:
    """What :func:`train_seq2seq` measured: per epoch, the loss, the accuracy, the rate.

    ``losses`` are the training loss of each epoch (the average over its
    mini-batches), ``accuracies`` the share of held-out questions answered
    right after it, ``lrs`` the learning rate it used; ``seconds`` the time
    of the run, ``eval_seconds`` of the evaluations in it, and
    ``cpu_seconds``, ``eval_cpu_seconds`` the processor time this process
    spent on them (on a busy machine, less than the time that passed).
    ``iteration_losses`` are the average losses of every ``eval_interval``
    mini-batches, the whole run's loss curve.
    """

    name: str
    losses: list[float] = field(default_factory=list)
    accuracies: list[float] = field(default_factory=list)
    lrs: list[float] = field(default_factory=list)
    seconds: float = 0.0
    eval_seconds: float = 0.0
    cpu_seconds: float = 0.0
    eval_cpu_seconds: float = 0.0
    eval_interval: int = 0
    iteration_losses: list[float] = field(default_factory=list)

    @property
    def last(self) -> float:
        """The accuracy after the last epoch."""
        return self.accuracies[-1]

    @property
    def best(self) -> float:
        """The best accuracy of any epoch."""
        return max(self.accuracies)

    @property
    def best_epoch(self) -> int:
        """The epoch (from 1) with the best accuracy."""
        return int(np.argmax(self.accuracies)) + 1

    def summary(self) -> str:
        """One line: ``NAME: accuracy 99.1 % after epoch 25 (best 99.6 % at epoch 22)``."""
        return (f"{self.name}: accuracy {self.last:.1%} after epoch {len(self.accuracies)} "
                f"(best {self.best:.1%} at epoch {self.best_epoch})").replace("%", " %")


def time_training(model: Any, x: np.ndarray, t: np.ndarray, batches: int,
                  rng: np.random.Generator, *, batch_size: int = 128,
                  max_grad: float = 5.0) -> float:
    """Processor seconds per mini-batch of the book's training step (Adam, clipping).

    One mini-batch first, untimed (the first step allocates what later ones
    reuse), then ``batches`` timed.  The fast model is trained with the fast
    path's Adam, which computes the same update.
    """
    optimizer = InPlaceAdam() if getattr(model, "generates_batches", False) else Adam()
    trainer = Trainer(model, optimizer, rng=rng, progress=False)
    trainer.fit(x[:batch_size], t[:batch_size], max_epoch=1, batch_size=batch_size,
                max_grad=max_grad)
    start = time.process_time()
    trainer.fit(x[:batches * batch_size], t[:batches * batch_size], max_epoch=1,
                batch_size=batch_size, max_grad=max_grad)
    return (time.process_time() - start) / batches


def _percent(value: float) -> str:
    return f"{value:.1%}".replace("%", " %")


def train_seq2seq(
    model: Any,
    data: SequenceData,
    max_epoch: int,
    *,
    rng: np.random.Generator,
    name: str = "seq2seq",
    reverse: bool = False,
    batch_size: int = 128,
    max_grad: float = 5.0,
    lr: float | Callable[[int], float] = 0.001,
    show: int = 3,
    progress: bool = True,
    optimizer: Any = None,
    eval_interval: int = 20,
) -> Seq2seqRun:
    """Train ``model`` on ``data`` as the book's scripts do; return the :class:`Seq2seqRun`.

    Adam (or ``optimizer``) with ``lr``, a number or a function of the epoch
    (from 0) giving it; gradients clipped to ``max_grad``.  ``reverse``
    reads the questions backwards (``x[:, ::-1]``).  After each epoch the
    model answers every held-out question, and a line gives the loss, the
    accuracy and the first ``show`` held-out questions with its answers.
    The loss is averaged over every ``eval_interval`` mini-batches, as the
    Trainer does, for the run's loss curve.
    """
    x_train, x_test = data.x_train, data.x_test
    if reverse:
        x_train, x_test = x_train[:, ::-1], x_test[:, ::-1]
    schedule = lr if callable(lr) else (lambda epoch: lr)
    optimizer = Adam(lr=schedule(0)) if optimizer is None else optimizer
    trainer = Trainer(model, optimizer, rng=rng, progress=False)
    batches = ShuffledBatches(x_train, data.t_train, batch_size)
    # a bar where it redraws in place; elsewhere (the book, a log) each epoch's line is the progress
    bar = (progress_bar(max_epoch * batches.iterations, desc=name)
           if progress and _interactive() else None)
    counted = CountedBatches(batches, bar)
    run = Seq2seqRun(name, eval_interval=eval_interval)
    start, start_cpu = time.perf_counter(), time.process_time()
    try:
        for epoch in range(max_epoch):
            optimizer.lr = schedule(epoch)
            history = trainer.fit_batches(counted, max_epoch=1, max_grad=max_grad,
                                          eval_interval=eval_interval)
            run.iteration_losses += history.losses
            evaluated, evaluated_cpu = time.perf_counter(), time.process_time()
            guess = answers(model, x_test, data.start_id, data.answer_length - 1)
            run.eval_seconds += time.perf_counter() - evaluated
            run.eval_cpu_seconds += time.process_time() - evaluated_cpu
            right = np.all(guess == data.t_test[:, 1:], axis=1)
            run.losses.append(history.epoch_losses[0])
            run.accuracies.append(float(right.mean()))
            run.lrs.append(float(optimizer.lr))
            line = (f"{name} epoch {epoch + 1:>2}: loss {run.losses[-1]:.4f}, "
                    f"accuracy {_percent(run.accuracies[-1])}")
            shown = _shown(data, guess, right, show)
            if bar is not None:
                bar.set_postfix_str(f"epoch {epoch + 1}, accuracy {_percent(run.accuracies[-1])}",
                                    refresh=False)
                bar.write(line + shown)
            else:
                print(line + shown)
    finally:
        if bar is not None:
            bar.close()
    run.seconds = time.perf_counter() - start
    run.cpu_seconds = time.process_time() - start_cpu
    return run


def _interactive() -> bool:
    """True in a terminal or Jupyter, where :func:`rindoku.progress.progress_bar` draws a bar."""
    return issubclass(auto_tqdm, tqdm_notebook) or sys.stderr.isatty()


def _shown(data: SequenceData, guess: np.ndarray, right: Sequence[bool], show: int) -> str:
    """`` | 77+85 = 162 ☑ | …``: the first ``show`` held-out questions, answered and marked."""
    decode = data.vocab.decode
    return "".join(f" | {decode(data.x_test[i]).strip()} → {decode(guess[i]).strip() or '(blank)'} "
                   f"{mark(bool(right[i]))}" for i in range(min(show, len(guess))))


class StepWatch:
    """An optimizer that records, at every update, the gradient's norm and the step's size.

    It passes ``update`` on to ``optimizer`` (and ``lr`` to and from it) and
    keeps ``grad_norms``, the joint L2 norm of the gradients it was given
    (after the Trainer's clipping), and ``step_norms``, that of the change it
    made to the weights.  Plain SGD's step is ``lr`` times the gradient, so
    the two fall together; Adam's is not.
    """

    def __init__(self, optimizer: Any) -> None:
        self.optimizer = optimizer
        self.grad_norms: list[float] = []
        self.step_norms: list[float] = []

    @property
    def lr(self) -> float:
        """The wrapped optimizer's learning rate."""
        return float(self.optimizer.lr)

    @lr.setter
    def lr(self, value: float) -> None:
        self.optimizer.lr = value

    def update(self, params: list[np.ndarray], grads: list[np.ndarray]) -> None:
        """Update ``params`` with the wrapped optimizer; record both norms."""
        before = [param.copy() for param in params]
        self.grad_norms.append(_norm(grads))
        self.optimizer.update(params, grads)
        self.step_norms.append(_norm([p - b for p, b in zip(params, before, strict=True)]))


def _norm(arrays: Sequence[np.ndarray]) -> float:
    return float(np.sqrt(sum(np.sum(np.square(a, dtype=np.float64)) for a in arrays)))
