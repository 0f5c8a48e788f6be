"""The training loop every chapter uses: mini-batches, updates, a loss history.

:class:`Trainer` follows the book's ``Trainer.fit(x, t, max_epoch, batch_size,
max_grad, eval_interval)`` and ``plot()``, with what a long run needs besides:
a random generator passed in (no global random state), a progress display, a
:class:`LossHistory` that can be plotted and saved, gradient clipping, shared
weights updated once, evaluation on held-out data after each epoch, a clear
error as soon as the loss stops being a number, and a warning
(:class:`TrainingStalledWarning`) when the loss gets stuck where a too large
learning rate leaves it (:class:`StallWatch`).

Where the mini-batches come from is a :class:`BatchSource`.  ``fit(x, t)``
uses :class:`ShuffledBatches`, the book's shuffled mini-batches;
:meth:`Trainer.fit_batches` takes any other source, such as a language
model's truncated-BPTT batches, which read the corpus in order.  With
``perplexity=True`` the progress display and the plot give the perplexity,
the exponential of the average loss, as the book's ``RnnlmTrainer`` does.

Shared (tied) weights are declared by giving two layers the *same array*
object.  :func:`unique_params` then lists each array once, with the sum of its
layers' gradients, so clipping and the optimizer see every weight exactly once.

A gradient is usually an array shaped like its parameter.  The gradient of an
embedding matrix may instead be a :class:`~rindoku.protocols.SparseGrad`
(the text library's ``RowSparseGrad``): a mini-batch of a few thousand words
touches a few thousand of its rows, and every other row's gradient is zero.
:func:`unique_params` and :func:`clip_grads` accept it, and an optimizer that
knows it updates only those rows.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

import numpy as np

from rindoku.i18n import Labels
from rindoku.persistence import save_arrays
from rindoku.progress import progress_bar
from rindoku.protocols import Grad, Layer, Model, Optimizer, SparseGrad

__all__ = [
    "BatchSource",
    "LossHistory",
    "SATURATED_LOSS",
    "ShuffledBatches",
    "StallWatch",
    "TrainingDivergedError",
    "TrainingStalledWarning",
    "Trainer",
    "accuracy",
    "clip_grads",
    "unique_params",
]


class TrainingDivergedError(FloatingPointError):
    """The loss became NaN or infinite; the message says when and the usual causes."""


class TrainingStalledWarning(RuntimeWarning):
    """The loss is stuck where a too large learning rate leaves it; the message says when."""


SATURATED_LOSS = float(-np.log(1e-7))
"""-log(1e-7) ≈ 16.118: the cross-entropy of a prediction that gives the right
answer probability 0, with the 1e-7 that keeps log(0) out of the loss."""


class StallWatch:
    """Watches one run's losses for the two signs of a learning rate that is too large.

    *Saturated predictions.*  With huge weights, softmax and sigmoid give the
    right answer probability exactly 0, a loss of :data:`SATURATED_LOSS`, or
    exactly 1, a loss of 0.  The loss of a mini-batch, a mean over its
    labels, is then a whole multiple of ``SATURATED_LOSS / labels``:
    ``saturated_steps`` mini-batches in a row like that, each with at least
    one answer wrong, are no accident.  *A stalled loss.*  The last
    ``evaluations`` points of the loss curve are equal although the
    gradients are not zero: the updates no longer change what the model
    predicts.

    :meth:`step` and :meth:`evaluation` return what they noticed, in words,
    the first time only; after that, None.
    """

    def __init__(self, saturated_steps: int = 20, evaluations: int = 5) -> None:
        self.saturated_steps = saturated_steps
        self.evaluations = evaluations
        self.in_a_row = 0  # saturated mini-batches in a row
        self.noticed = False

    def step(self, loss: float, labels: int) -> str | None:
        """Take one mini-batch's loss and the number of labels it is the mean over."""
        wrong = loss * labels / SATURATED_LOSS  # how many answers got probability 0, if saturated
        whole = round(wrong)
        saturated = whole >= 1 and abs(wrong - whole) <= 1e-3 + 1e-5 * wrong  # float32 rounding
        self.in_a_row = self.in_a_row + 1 if saturated else 0
        if self.in_a_row < self.saturated_steps:
            return None
        return self._first(
            f"the loss of each of the last {self.in_a_row} mini-batches is a whole multiple of "
            f"-log(1e-7) ≈ {SATURATED_LOSS:.3f} per label: every prediction is saturated, "
            "probability 0 or 1 for the right answer"
        )

    def evaluation(self, losses: Sequence[float], grads: Sequence[Grad]) -> str | None:
        """Take the loss curve so far and the gradients of the last step."""
        recent = losses[-self.evaluations:]
        if len(recent) < self.evaluations or max(recent) - min(recent) > 1e-12 * abs(recent[-1]):
            return None
        if not any(np.any(g.values if isinstance(g, SparseGrad) else g) for g in grads):
            return None  # no gradient, nothing a step size could change
        return self._first(
            f"the loss has stayed at {recent[-1]:.4f} for {len(recent)} evaluations although "
            "the gradients are not zero"
        )

    def _first(self, what: str) -> str | None:
        if self.noticed:
            return None
        self.noticed = True
        return what


def _add_grads(a: Grad, b: Grad) -> Grad:
    """The sum of two gradients of one parameter, as a new object."""
    if isinstance(b, SparseGrad) and not isinstance(a, SparseGrad):
        a, b = b, a  # the sparse gradient knows how to add an array
    return a + b  # type: ignore[operator,no-any-return]


def unique_params(
    params: Sequence[np.ndarray], grads: Sequence[Grad]
) -> tuple[list[np.ndarray], list[Grad]]:
    """Each parameter array once, with the sum of the gradients of its uses.

    A weight shared by two layers appears twice in a model's ``params`` (the
    same object) with two gradient arrays.  The returned gradients are new
    objects where an array is shared, and the model's own otherwise.  A sum
    of two :class:`~rindoku.protocols.SparseGrad` is whatever their ``+`` gives.
    """
    unique: list[np.ndarray] = []
    summed: list[Grad] = []
    position: dict[int, int] = {}
    for param, grad in zip(params, grads, strict=True):
        key = id(param)
        if key not in position:
            position[key] = len(unique)
            unique.append(param)
            summed.append(grad)
        else:
            i = position[key]
            summed[i] = _add_grads(summed[i], grad)  # new: the layers' grads stay as they are
    return unique, summed


def clip_grads(grads: list[Grad], max_norm: float) -> float:
    """Scale ``grads`` in place so that their joint L2 norm is at most ``max_norm``.

    Returns the norm before clipping.  Large gradients (an "exploding" step)
    then keep their direction but not their size.  A :class:`~rindoku.protocols.SparseGrad`
    counts with its stored ``values`` (every other entry is zero).
    """
    arrays = [g.values if isinstance(g, SparseGrad) else g for g in grads]
    total_norm = float(np.sqrt(sum(np.sum(a * a) for a in arrays)))
    rate = max_norm / (total_norm + 1e-6)
    if rate < 1:
        for array in arrays:
            array *= rate
    return total_norm


# the words of the loss plots in Japanese (rindoku.i18n)
_ = Labels(ja={
    "iteration": "イテレーション",
    "loss": "損失",
    "perplexity": "パープレキシティ",
    "training loss": "訓練データの損失",
    "training perplexity": "訓練データのパープレキシティ",
})


@dataclass
class LossHistory:
    """The losses of one training run.

    ``iterations`` / ``losses``: the average loss over each ``eval_interval``
    iterations (the book's loss curve).  ``epoch_losses``: the average loss of
    each epoch.  ``val_losses`` / ``val_accuracies``: the held-out loss and
    accuracy after each epoch, when held-out data was given.
    """

    eval_interval: int = 20
    iterations: list[int] = field(default_factory=list)
    losses: list[float] = field(default_factory=list)
    epoch_losses: list[float] = field(default_factory=list)
    val_losses: list[float] = field(default_factory=list)
    val_accuracies: list[float] = field(default_factory=list)

    @property
    def perplexities(self) -> list[float]:
        """``exp`` of each of ``losses``: a language model's perplexity, as the book plots it.

        The loss of a language model is the average of ``-log P(next word)``;
        its exponential is the perplexity (パープレキシティ), the number of
        words the model is, on average, as unsure between as if it chose
        uniformly among them.
        """
        return [float(np.exp(loss)) for loss in self.losses]

    @property
    def epoch_perplexities(self) -> list[float]:
        """``exp`` of each of ``epoch_losses``: the perplexity of each epoch."""
        return [float(np.exp(loss)) for loss in self.epoch_losses]

    def plot(
        self,
        ax: Any = None,
        label: str | None = None,
        ylim: tuple | None = None,
        *,
        perplexity: bool = False,
    ) -> Any:
        """Draw the loss curve (or the perplexity) against the iteration on ``ax``; return it."""
        import matplotlib.pyplot as plt

        if ax is None:
            _figure, ax = plt.subplots(figsize=(6, 4))
        ax.plot(self.iterations, self.perplexities if perplexity else self.losses, label=label)
        ax.set_xlabel(_("iteration"))
        ax.set_ylabel(_("perplexity") if perplexity else _("loss"))
        if ylim is not None:
            ax.set_ylim(*ylim)
        if label:
            ax.legend()
        return ax

    def save(self, path: str | Path) -> Path:
        """Save the history as ``.npz`` (one array per field)."""
        arrays = {name: np.asarray(getattr(self, name)) for name in _HISTORY_FIELDS}
        return save_arrays(path, eval_interval=np.asarray(self.eval_interval), **arrays)

    @classmethod
    def load(cls, path: str | Path) -> LossHistory:
        """Read a history written by :meth:`save`."""
        with np.load(path, allow_pickle=False) as data:
            return cls(
                eval_interval=int(data["eval_interval"]),
                **{name: data[name].tolist() for name in _HISTORY_FIELDS},
            )


_HISTORY_FIELDS = ("iterations", "losses", "epoch_losses", "val_losses", "val_accuracies")


def accuracy(model: Model | Any, x: np.ndarray, t: np.ndarray) -> float:
    """The share of rows of ``x`` whose highest score is the label in ``t``.

    ``t`` holds labels (N,) or one-hot rows (N, C).
    """
    labels = t.argmax(axis=1) if t.ndim == 2 else t
    return float(np.mean(model.predict(x).argmax(axis=1) == labels))


class BatchSource(Protocol):
    """Where a :class:`Trainer` takes the mini-batches of each epoch from.

    ``iterations`` is the number of mini-batches in one epoch.  ``rows`` is
    how much one mini-batch holds, in what the progress display counts when
    its unit is not ``"it"`` (rows of ``x``, or words).  ``epoch(rng)`` yields
    the ``(x, t)`` pairs of one epoch, in the order they are trained on; a
    source that shuffles draws from ``rng``.
    """

    iterations: int
    rows: int

    def epoch(self, rng: np.random.Generator) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Yield the ``iterations`` mini-batches ``(x, t)`` of one epoch."""
        ...


class ShuffledBatches:
    """The book's mini-batches: shuffle ``x`` and ``t`` together every epoch, then slice.

    Each epoch permutes the rows (the permutation of the previous epoch's
    order, as the book's ``Trainer`` does) and yields ``len(x) // batch_size``
    mini-batches of ``batch_size`` rows; a last, incomplete batch is dropped.
    """

    def __init__(self, x: np.ndarray, t: np.ndarray, batch_size: int) -> None:
        if len(x) != len(t):
            raise ValueError(f"x has {len(x)} rows but t has {len(t)}: they must match")
        self.iterations = len(x) // batch_size
        if self.iterations == 0:
            raise ValueError(
                f"batch_size {batch_size} is larger than the data ({len(x)} rows): "
                "use a smaller batch_size"
            )
        self.x, self.t = x, t
        self.batch_size = self.rows = batch_size

    def epoch(self, rng: np.random.Generator) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Shuffle, then yield the mini-batches in order."""
        order = rng.permutation(len(self.x))
        self.x, self.t = self.x[order], self.t[order]
        for iteration in range(self.iterations):
            batch = slice(iteration * self.batch_size, (iteration + 1) * self.batch_size)
            yield self.x[batch], self.t[batch]


ModelT = TypeVar("ModelT", bound=Layer)
OptimizerT = TypeVar("OptimizerT", bound=Optimizer)


class Trainer(Generic[ModelT, OptimizerT]):
    """Trains a model with an optimizer on mini-batches.

    ``rng`` shuffles the data every epoch.  ``progress`` turns the progress
    display off (for an example that trains many models and prints its own
    summary).  ``unit`` is what the progress display counts: ``"it"``, the
    iterations (mini-batches), or the name of one row of ``x`` — for a word2vec
    model ``"words"``, so that the speed reads as target words per second.
    ``perplexity`` makes the progress display and :meth:`plot` give the
    perplexity, ``exp`` of the average loss, instead of the loss (for a
    language model; the history keeps the losses and has both).
    """

    def __init__(
        self,
        model: ModelT,
        optimizer: OptimizerT,
        *,
        rng: np.random.Generator,
        progress: bool = True,
        unit: str = "it",
        perplexity: bool = False,
    ) -> None:
        self.model = model
        self.optimizer = optimizer
        self.rng = rng
        self.progress = progress
        self.unit = unit
        self.perplexity = perplexity
        self.history = LossHistory()

    def fit(
        self,
        x: np.ndarray,
        t: np.ndarray,
        max_epoch: int = 10,
        batch_size: int = 32,
        max_grad: float | None = None,
        eval_interval: int = 20,
        x_val: np.ndarray | None = None,
        t_val: np.ndarray | None = None,
    ) -> LossHistory:
        """Train for ``max_epoch`` epochs; return the :class:`LossHistory`.

        Each epoch shuffles ``x`` and ``t`` together and visits them in
        mini-batches of ``batch_size`` (a last, incomplete batch is dropped, as
        in the book): :meth:`fit_batches` with :class:`ShuffledBatches`.
        ``max_grad`` clips the gradients' joint norm.  With ``x_val`` and
        ``t_val``, the loss and accuracy on them are recorded after each epoch.
        """
        return self.fit_batches(ShuffledBatches(x, t, batch_size), max_epoch, max_grad,
                                eval_interval, x_val, t_val)

    def fit_batches(
        self,
        batches: BatchSource,
        max_epoch: int = 10,
        max_grad: float | None = None,
        eval_interval: int = 20,
        x_val: np.ndarray | None = None,
        t_val: np.ndarray | None = None,
    ) -> LossHistory:
        """Train for ``max_epoch`` epochs on the mini-batches ``batches`` gives.

        One loop serves every model: a language model passes its truncated-BPTT
        batches here, where :meth:`fit` passes shuffled ones.  The arguments
        are :meth:`fit`'s; returns the :class:`LossHistory`.
        """
        max_iters = batches.iterations
        self.history = history = LossHistory(eval_interval=eval_interval)
        rows_per_step = 1 if self.unit == "it" else batches.rows  # what the bar counts
        bar = (progress_bar(max_epoch * max_iters * rows_per_step, desc="train", unit=self.unit)
               if self.progress else None)
        total_loss, loss_count, done = 0.0, 0, 0
        watch = StallWatch()
        try:
            for epoch in range(max_epoch):
                epoch_loss = 0.0
                for iteration, (x, t) in enumerate(batches.epoch(self.rng)):
                    loss = self.step(x, t, max_grad)
                    if not np.isfinite(loss):
                        raise TrainingDivergedError(
                            f"the loss became {loss} at epoch {epoch + 1}, iteration "
                            f"{iteration + 1}: the usual causes are a learning rate that "
                            "is too large (try one 10 times smaller), exploding gradients "
                            "(try max_grad=5.0), or log(0) in the loss"
                        )
                    total_loss += loss
                    epoch_loss += loss
                    loss_count += 1
                    done += 1
                    stuck = watch.step(loss, np.size(t))
                    if loss_count == eval_interval:
                        history.iterations.append(done)
                        history.losses.append(total_loss / loss_count)
                        total_loss, loss_count = 0.0, 0
                        stuck = stuck or watch.evaluation(history.losses, self.model.grads)
                    if stuck:
                        self._warn_stuck(stuck, epoch + 1, iteration + 1, bar)
                    if bar is not None:
                        average = epoch_loss / (iteration + 1)
                        shown = (f"perplexity {np.exp(average):.2f}" if self.perplexity
                                 else f"loss {average:.4f}")
                        bar.set_postfix_str(f"epoch {epoch + 1}, {shown}", refresh=False)
                        bar.update(rows_per_step)
                history.epoch_losses.append(epoch_loss / max_iters)
                if x_val is not None and t_val is not None:
                    history.val_losses.append(float(self.model.forward(x_val, t_val)))
                    history.val_accuracies.append(accuracy(self.model, x_val, t_val))
        finally:
            if bar is not None:
                bar.close()
        return history

    def step(self, x: np.ndarray, t: np.ndarray, max_grad: float | None = None) -> float:
        """One update on one mini-batch: forward, backward, clip, update; return the loss.

        A loss that is not a finite number is returned at once, with no update.
        """
        loss = float(self.model.forward(x, t))
        if not np.isfinite(loss):
            return loss
        self.model.backward()
        params, grads = unique_params(self.model.params, self.model.grads)
        if max_grad is not None:
            clip_grads(grads, max_grad)
        self.optimizer.update(params, grads)
        return loss

    def _warn_stuck(self, what: str, epoch: int, iteration: int, bar: Any) -> None:
        """Warn that the loss is stuck (:class:`StallWatch`), on the progress log too."""
        lr = getattr(self.optimizer, "lr", None)
        rate = "the learning rate" + (f" (lr={lr:g})" if isinstance(lr, int | float) else "")
        message = (f"epoch {epoch}, iteration {iteration}: {what}; {rate} is probably too "
                   "large: try one 10 times smaller")
        if bar is not None:
            bar.write(f"warning: {message}", file=bar.fp)
        warnings.warn(message, TrainingStalledWarning, stacklevel=4)

    def plot(self, ax: Any = None, ylim: tuple | None = None) -> Any:
        """Draw the loss (or perplexity) curve of the last :meth:`fit`; return the axes."""
        ax = self.history.plot(ax, ylim=ylim, perplexity=self.perplexity)
        ax.set_title(_("training perplexity") if self.perplexity else _("training loss"))
        return ax
