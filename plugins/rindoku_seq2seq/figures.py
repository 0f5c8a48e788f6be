"""The figures of the chapter's examples, kept off the page.

Each function opens a figure of its own and labels it; the examples call them
after the lines they teach.  The attention chapter draws its accuracy curves
with :func:`plot_accuracy` too.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np

from rindoku.i18n import Labels
from rindoku_seq2seq.evaluation import Seq2seqRun, StepWatch

__all__ = ["plot_accuracy", "plot_stability"]

# the figures' words in Japanese (rindoku.i18n): titles, axis labels, and the
# names of the runs they draw, the attention chapter's too
_ = Labels(ja={
    "epoch": "エポック",
    "accuracy on the held-out questions": "テストデータの正解率",
    "held-out accuracy": "テストデータの正解率",
    "seq2seq on addition: held-out accuracy": "足し算での seq2seq: テストデータの正解率",
    "attention seq2seq on dates: held-out accuracy":
        "日付での Attention 付き seq2seq: テストデータの正解率",
    "peeky seq2seq on dates: held-out accuracy": "日付での Peeky seq2seq: テストデータの正解率",
    "plain": "素の seq2seq",
    "reversed": "入力を反転",
    "reversed + peeky": "入力を反転 + Peeky",
    "attention": "Attention",
    "peeky seq2seq": "Peeky seq2seq",
    "constant lr (the book)": "一定の学習係数(書籍)",
    "lr lowered after epoch 15": "15 エポック目の後に学習係数を下げる",
    "reversed + peeky on addition: two learning rates":
        "足し算での入力を反転 + Peeky: 2 つの学習係数",
    "training loss (mean of {n} mini-batches)": "訓練データの損失({n} ミニバッチの平均)",
    "norm (log scale)": "ノルム(対数目盛)",
    "step size, {name}": "ステップの大きさ、{name}",
    "gradient norm, {name}": "勾配のノルム、{name}",
})


def plot_accuracy(runs: Sequence[Seq2seqRun], title: str) -> None:
    """The held-out accuracy of each run after each epoch, one line per run."""
    fig, ax = plt.subplots(figsize=(6.5, 4))
    for run in runs:
        epochs = np.arange(1, len(run.accuracies) + 1)
        ax.plot(epochs, run.accuracies, marker="o", markersize=3, label=_(run.name))
    ax.set_xlabel(_("epoch"))
    ax.set_ylabel(_("accuracy on the held-out questions"))
    ax.set_ylim(-0.02, 1.02)
    ax.set_title(_(title))
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
                         label=_(run.name))
        n = run.eval_interval
        per_epoch = iterations_per_epoch // n  # the loss points of each epoch
        x = np.concatenate([epoch + np.arange(1, per_epoch + 1) * n / iterations_per_epoch
                            for epoch in range(len(run.accuracies))])
        loss_ax.plot(x[:len(run.iteration_losses)], run.iteration_losses, color=colour,
                     linewidth=0.8, label=_(run.name))
        steps = _averages(watch.step_norms, n, iterations_per_epoch)
        grads = _averages(watch.grad_norms, n, iterations_per_epoch)
        step_x = np.arange(1, len(steps) + 1) * n / iterations_per_epoch
        step_ax.plot(step_x, steps, color=colour, label=_("step size, {name}", name=_(run.name)))
        step_ax.plot(step_x, grads, color=colour, linestyle=":", linewidth=1,
                     label=_("gradient norm, {name}", name=_(run.name)))
    accuracy_ax.set_ylim(0.85, 1.0)
    accuracy_ax.set_ylabel(_("held-out accuracy"))
    accuracy_ax.set_title(_("reversed + peeky on addition: two learning rates"))
    loss_ax.set_yscale("log")
    loss_ax.set_ylabel(_("training loss (mean of {n} mini-batches)", n=runs[0].eval_interval))
    step_ax.set_yscale("log")
    step_ax.set_ylabel(_("norm (log scale)"))
    step_ax.set_xlabel(_("epoch"))
    for ax in axes:
        ax.grid(alpha=0.3)
        ax.legend(fontsize="small")


def _averages(values: Sequence[float], n: int, per_epoch: int) -> np.ndarray:
    """Averages of each ``n`` values within each epoch of ``per_epoch`` values."""
    array = np.asarray(values).reshape(-1, per_epoch)[:, :per_epoch // n * n]
    return array.reshape(-1, n).mean(axis=1)
