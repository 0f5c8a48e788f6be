"""The training loop every chapter uses: mini-batches, updates, a loss history.

:class:`Trainer` follows the book's ``Trainer.fit(x, t, max_epoch, batch_size,
max_grad, eval_interval)`` and ``plot()``, with what a long run needs besides:
a random generator passed in (no global random state), a progress display, a
:class:`LossHistory` that can be plotted and saved, gradient clipping, shared
weights updated once, evaluation on held-out data after each epoch, and a clear
error as soon as the loss stops being a number.

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

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

import numpy as np

from rindoku.persistence import save_arrays
from rindoku.progress import progress_bar
from rindoku.protocols import Grad, Layer, Model, Optimizer, SparseGrad

__all__ = [
    "LossHistory",
    "TrainingDivergedError",
    "Trainer",
    "accuracy",
    "clip_grads",
    "unique_params",
]


class TrainingDivergedError(FloatingPointError):
    """The loss became NaN or infinite; the message says when and the usual causes."""


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

    def plot(self, ax: Any = None, label: str | None = None, ylim: tuple | None = None) -> Any:
        """Draw the loss curve (loss against iteration) on ``ax``; return ``ax``."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(6, 4))
        ax.plot(self.iterations, self.losses, label=label)
        ax.set_xlabel("iteration")
        ax.set_ylabel("loss")
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


ModelT = TypeVar("ModelT", bound=Layer)
OptimizerT = TypeVar("OptimizerT", bound=Optimizer)


class Trainer(Generic[ModelT, OptimizerT]):
    """Trains a model with an optimizer on mini-batches.

    ``rng`` shuffles the data every epoch.  ``progress`` turns the progress
    display off (for an example that trains many models and prints its own
    summary).  ``unit`` is what the progress display counts: ``"it"``, the
    iterations (mini-batches), or the name of one row of ``x`` — for a word2vec
    model ``"words"``, so that the speed reads as target words per second.
    """

    def __init__(
        self,
        model: ModelT,
        optimizer: OptimizerT,
        *,
        rng: np.random.Generator,
        progress: bool = True,
        unit: str = "it",
    ) -> None:
        self.model = model
        self.optimizer = optimizer
        self.rng = rng
        self.progress = progress
        self.unit = unit
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
        in the book).  ``max_grad`` clips the gradients' joint norm.  With
        ``x_val`` and ``t_val``, the loss and accuracy on them are recorded
        after each epoch.
        """
        if len(x) != len(t):
            raise ValueError(f"x has {len(x)} rows but t has {len(t)}: they must match")
        max_iters = len(x) // batch_size
        if max_iters == 0:
            raise ValueError(
                f"batch_size {batch_size} is larger than the data ({len(x)} rows): "
                "use a smaller batch_size"
            )
        self.history = history = LossHistory(eval_interval=eval_interval)
        rows_per_step = 1 if self.unit == "it" else batch_size  # what the bar counts
        bar = (progress_bar(max_epoch * max_iters * rows_per_step, desc="train", unit=self.unit)
               if self.progress else None)
        total_loss, loss_count, done = 0.0, 0, 0
        try:
            for epoch in range(max_epoch):
                order = self.rng.permutation(len(x))
                x, t = x[order], t[order]
                epoch_loss = 0.0
                for iteration in range(max_iters):
                    batch = slice(iteration * batch_size, (iteration + 1) * batch_size)
                    loss = self.step(x[batch], t[batch], max_grad)
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
                    if loss_count == eval_interval:
                        history.iterations.append(done)
                        history.losses.append(total_loss / loss_count)
                        total_loss, loss_count = 0.0, 0
                    if bar is not None:
                        average = epoch_loss / (iteration + 1)
                        bar.set_postfix_str(f"epoch {epoch + 1}, loss {average:.4f}",
                                            refresh=False)
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

    def plot(self, ax: Any = None, ylim: tuple | None = None) -> Any:
        """Draw the loss curve of the last :meth:`fit`; return the axes."""
        ax = self.history.plot(ax, ylim=ylim)
        ax.set_title("training loss")
        return ax
