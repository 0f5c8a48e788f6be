"""The figures of the chapter's examples, kept off the page.

Each function opens a figure of its own and labels it; the examples call them
after the lines they teach.  The attention chapter draws its accuracy curves
with :func:`plot_accuracy` too.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np

from rindoku_seq2seq.evaluation import Seq2seqRun, StepWatch

__all__ = ["plot_accuracy", "plot_stability"]


def plot_accuracy(runs: Sequence[Seq2seqRun], title: str) -> None:
    """The held-out accuracy of each run after each epoch, one line per run."""
    fig, ax = plt.subplots(figsize=(6.5, 4))
    for run in runs:
        epochs = np.arange(1, len(run.accuracies) + 1)
        ax.plot(epochs, run.accuracies, marker="o", markersize=3, label=run.name)
    ax.set_xlabel("epoch")
    ax.set_ylabel("accuracy on the held-out questions")
    ax.set_ylim(-0.02, 1.02)
    ax.set_title(title)
    ax.legend()
    ax.grid(alpha=0.3)


def plot_stability(runs: Sequence[Seq2seqRun], watches: Sequence[StepWatch],
                   iterations_per_epoch: int) -> None:
    """Three panels for runs that differ in their learning rate: why the accuracy drops.

    The accuracy per epoch (from 85 %); the training loss, averaged over the
    runs' ``eval_interval`` mini-batches, on a log scale; and the size of
    each update against the gradient's norm, both averaged over the same
    mini-batches, on a log scale.
    """
    fig, axes = plt.subplots(3, 1, figsize=(7, 9.5), sharex=True)
    accuracy_ax, loss_ax, step_ax = axes
    for run, watch, colour in zip(runs, watches, ("tab:red", "tab:blue"), strict=False):
        epochs = np.arange(1, len(run.accuracies) + 1)
        accuracy_ax.plot(epochs, run.accuracies, marker="o", markersize=3, color=colour,
                         label=run.name)
        n = run.eval_interval
        per_epoch = iterations_per_epoch // n  # the loss points of each epoch
        x = np.concatenate([epoch + np.arange(1, per_epoch + 1) * n / iterations_per_epoch
                            for epoch in range(len(run.accuracies))])
        loss_ax.plot(x[:len(run.iteration_losses)], run.iteration_losses, color=colour,
                     linewidth=0.8, label=run.name)
        steps = _averages(watch.step_norms, n, iterations_per_epoch)
        grads = _averages(watch.grad_norms, n, iterations_per_epoch)
        step_x = np.arange(1, len(steps) + 1) * n / iterations_per_epoch
        step_ax.plot(step_x, steps, color=colour, label=f"step size, {run.name}")
        step_ax.plot(step_x, grads, color=colour, linestyle=":", linewidth=1,
                     label=f"gradient norm, {run.name}")
    accuracy_ax.set_ylim(0.85, 1.0)
    accuracy_ax.set_ylabel("held-out accuracy")
    accuracy_ax.set_title("reversed + peeky on addition: two learning rates")
    loss_ax.set_yscale("log")
    loss_ax.set_ylabel(f"training loss (mean of {runs[0].eval_interval} mini-batches)")
    step_ax.set_yscale("log")
    step_ax.set_ylabel("norm (log scale)")
    step_ax.set_xlabel("epoch")
    for ax in axes:
        ax.grid(alpha=0.3)
        ax.legend(fontsize="small")


def _averages(values: Sequence[float], n: int, per_epoch: int) -> np.ndarray:
    """Averages of each ``n`` values within each epoch of ``per_epoch`` values."""
    array = np.asarray(values).reshape(-1, per_epoch)[:, :per_epoch // n * n]
    return array.reshape(-1, n).mean(axis=1)
