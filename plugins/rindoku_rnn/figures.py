"""The figures of the chapter's examples, kept off the page.

Each function opens a figure of its own and labels it; the examples call them
after the lines they teach.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from rindoku.i18n import Labels
from rindoku_rnn.batching import TruncatedBPTTBatches

__all__ = ["plot_bptt_streams", "plot_perplexity"]

# the figures' words in Japanese (rindoku.i18n): titles and axis labels
_ = Labels(ja={
    "stream (row)": "ストリーム(行)",
    "epoch {epoch}: mini-batch 1 (dark) to {last} (light)":
        "{epoch} エポック目: ミニバッチ 1(濃い色)から {last}(薄い色)まで",
    "position in the corpus (input word)": "コーパス内の位置(入力の単語)",
    "Truncated BPTT: {streams} streams, {words} words per mini-batch":
        "Truncated BPTT: ストリーム {streams} 本、ミニバッチあたり {words} 語",
    "epoch": "エポック",
    "perplexity (log scale)": "パープレキシティ(対数目盛)",
    "SimpleRnnlm on the first {words} words of PTB": "PTB の最初の {words} 語での SimpleRnnlm",
})


def plot_bptt_streams(batches: TruncatedBPTTBatches, epochs: int, title: str) -> None:
    """Which corpus positions each stream reads, mini-batch by mini-batch, for ``epochs``.

    ``batches`` must read a corpus of positions (``xs = np.arange(n)``), so
    that each mini-batch's ``batch_x`` *is* the positions read: the picture
    is drawn from what :meth:`~rindoku_rnn.batching.TruncatedBPTTBatches.get_batch`
    returns.  One panel per epoch; a bar per stream and mini-batch, coloured
    by the mini-batch's number within its epoch.
    """
    data_size = len(batches.xs)
    fig, axes = plt.subplots(epochs, 1, figsize=(7.5, 1.2 + 1.6 * epochs), sharex=True,
                             squeeze=False)
    colours = plt.get_cmap("viridis")
    for epoch, ax in enumerate(axes[:, 0]):
        for iteration, (batch_x, _targets) in enumerate(batches.epoch()):
            colour = colours(iteration / max(1, batches.iterations - 1))
            for stream, positions in enumerate(batch_x):
                # a block that wraps round the corpus end is drawn as two pieces
                pieces = np.split(positions, np.flatnonzero(np.diff(positions) < 0) + 1)
                ax.broken_barh([(int(p[0]), len(p)) for p in pieces], (stream - 0.4, 0.8),
                               facecolors=colour)
        ax.set_ylim(batches.batch_size - 0.5, -0.5)
        ax.set_yticks(range(batches.batch_size))
        ax.set_ylabel(_("stream (row)"))
        ax.set_title(_("epoch {epoch}: mini-batch 1 (dark) to {last} (light)",
                       epoch=epoch + 1, last=batches.iterations), fontsize=10)
        ax.set_xlim(0, data_size)
        ax.grid(axis="x", alpha=0.3)
    axes[-1, 0].set_xlabel(_("position in the corpus (input word)"))
    fig.suptitle(_(title))
    fig.tight_layout()


def plot_perplexity(perplexities: list[float], title: str) -> None:
    """The perplexity of each epoch against the epoch, on a log scale."""
    fig, ax = plt.subplots(figsize=(6.5, 4))
    epochs = np.arange(1, len(perplexities) + 1)
    ax.plot(epochs, perplexities)
    ax.set_yscale("log")
    ax.set_xlabel(_("epoch"))
    ax.set_ylabel(_("perplexity (log scale)"))
    ax.set_title(_(title))
    ax.grid(alpha=0.3, which="both")
