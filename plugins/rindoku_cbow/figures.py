"""The figures of the chapter's examples, kept off the page.

Each function opens a figure of its own and labels it; the examples call them
after the lines they teach.  The skip-gram chapter draws its loss curves and
word-vector maps with the same functions.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from rindoku.trainer import LossHistory

__all__ = ["plot_loss", "plot_textbook_and_fast", "plot_word_vectors"]


def plot_loss(
    history: LossHistory, title: str, *, xlabel: str | None = None, ylabel: str | None = None
) -> None:
    """The loss curve of one training run, against the iteration."""
    fig, ax = plt.subplots(figsize=(6.5, 4))
    history.plot(ax)
    ax.set_title(title)
    if xlabel:
        ax.set_xlabel(xlabel)
    if ylabel:
        ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)


def plot_word_vectors(
    vectors: np.ndarray, id_to_word: dict[int, str], title: str, *, color: str = "tab:blue"
) -> None:
    """Word vectors (V, D) seen from their two main directions, each point labelled.

    The vectors are centred and projected on their first two principal
    directions (an SVD).  Words at (almost) the same point share one label.
    """
    centred = vectors - vectors.mean(axis=0)
    u, s, _ = np.linalg.svd(centred, full_matrices=False)
    xy = u[:, :2] * s[:2]
    fig, ax = plt.subplots(figsize=(5, 4.5))
    ax.scatter(xy[:, 0], xy[:, 1], color=color)
    labelled: set[int] = set()
    for word_id in range(len(xy)):
        if word_id in labelled:
            continue
        close = np.flatnonzero(np.hypot(*(xy - xy[word_id]).T) < 0.05 * np.ptp(xy))
        labelled.update(close.tolist())
        label = ", ".join(id_to_word[int(i)] for i in close)
        ax.annotate(label, xy[word_id], textcoords="offset points", xytext=(5, 4))
    ax.set_xlabel("first principal direction")
    ax.set_ylabel("second principal direction")
    ax.set_title(title)
    ax.grid(alpha=0.3)


def plot_textbook_and_fast(
    textbook: LossHistory, textbook_batch: int, fast: LossHistory, fast_batch: int
) -> None:
    """The loss of both paths against the number of target words seen (log scale).

    The textbook path's few points and the fast path's whole epoch fit on one
    axis only when it is logarithmic.
    """
    fig, ax = plt.subplots(figsize=(6.5, 4))
    ax.plot(np.array(fast.iterations) * fast_batch, fast.losses,
            label=f"fast path (batch {fast_batch}), one epoch")
    seen = np.array(textbook.iterations) * textbook_batch
    ax.plot(seen, textbook.losses, "o",
            label=f"textbook path (batch {textbook_batch}), first {seen[-1]:,} targets")
    ax.set_xscale("log")
    ax.set_xlabel("target words seen (log scale)")
    ax.set_ylabel(f"loss (average of {fast.eval_interval} mini-batches)")
    ax.set_title("CBOW with negative sampling on PTB")
    ax.legend()
    ax.grid(alpha=0.3)
