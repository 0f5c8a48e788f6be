"""The figures of the chapter's examples, kept off the page.

Each function opens a figure of its own and labels it.  The loss curves and
the map of word vectors are the CBOW chapter's
(:func:`rindoku_cbow.figures.plot_loss`,
:func:`rindoku_cbow.figures.plot_word_vectors`); these are the comparison's
and the new words' figures.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np

from rindoku.i18n import Labels
from rindoku_skipgram.compare import Result

__all__ = ["plot_neighbours", "plot_new_words", "plot_scores"]

# the figures' words in Japanese (rindoku.i18n): titles, axis labels, legends
_ = Labels(ja={
    "Nearest words, {corpus}": "最も近い単語、{corpus}",
    "PTB": "PTB",
    "first 200,000 words of PTB": "PTB の最初の 200,000 語",
    "semantic": "意味",
    "syntactic": "文法",
    "analogy accuracy (%)": "類推問題の正解率(%)",
    "WordSim353 Spearman correlation": "WordSim353 のスピアマン相関",
    "Count-based and inference-based vectors, {corpus}":
        "カウントベースと推論ベースの単語ベクトル、{corpus}",
    "seconds": "秒",
    "Time to a model that knows the new words": "新しい単語を知るモデルまでの時間",
    "% of top-10 neighbours kept (1,000 most frequent old words)":
        "上位 10 個の近傍が残った割合(%、頻度上位 1,000 の既存の単語)",
    "Old words' neighbours": "既存の単語の近傍",
})


def plot_neighbours(results: Sequence[Result], queries: Sequence[str], top: int = 5,
                    title: str = "") -> None:
    """A grid of nearest words: one row per query, one column per method.

    Each cell lists the query's ``top`` nearest words by that method's vectors,
    nearest first, with their cosine similarity.
    """
    fig, ax = plt.subplots(figsize=(2.6 * len(results) + 1.2, 1.15 * len(queries) + 0.8))
    ax.set_xlim(0, len(results))
    ax.set_ylim(len(queries), -0.45)
    ax.axis("off")
    for j, result in enumerate(results):
        ax.text(j + 0.5, -0.2, result.name, ha="center", va="center", fontweight="bold")
    for i, query in enumerate(queries):
        ax.text(-0.05, i + 0.5, query, ha="right", va="center", fontweight="bold")
        ax.axhline(i, color="0.85", linewidth=0.8)
        for j, result in enumerate(results):
            lines = [f"{w} ({s:.2f})" for w, s in result.vectors.most_similar(query, top)]
            ax.text(j + 0.06, i + 0.5, "\n".join(lines), va="center", fontsize=8,
                    family="monospace")
    if title:
        ax.set_title(_(title), pad=18)


def plot_scores(results: Sequence[Result], title: str) -> None:
    """Each method's analogy accuracy (semantic, syntactic) and WordSim353 correlation."""
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.6), layout="constrained")
    names = [r.name for r in results]
    y = np.arange(len(results))
    for offset, part, color in [(-0.2, "semantic", "tab:orange"),
                                (0.2, "syntactic", "tab:blue")]:
        accuracy = [100 * getattr(r.analogy, f"{part}_accuracy") for r in results]
        axes[0].barh(y + offset, accuracy, height=0.4, color=color, label=_(part))
    axes[0].set_yticks(y, names)
    axes[0].invert_yaxis()
    axes[0].set_xlabel(_("analogy accuracy (%)"))
    axes[0].legend()
    axes[1].barh(y, [r.similarity.spearman for r in results], color="tab:green")
    axes[1].set_yticks(y, [])
    axes[1].invert_yaxis()
    axes[1].set_xlabel(_("WordSim353 Spearman correlation"))
    for ax in axes:
        ax.grid(alpha=0.3, axis="x")
    fig.suptitle(_("Count-based and inference-based vectors, {corpus}", corpus=_(title)))


def plot_new_words(labels: Sequence[str], seconds: Sequence[float],
                   kept: Sequence[float]) -> None:
    """Each way to a model that knows the new words: its time, and the old neighbours kept.

    labels, seconds, kept: one entry per way; ``kept`` is the share (0 to 1)
    of the old words' top-10 neighbours that survive.
    """
    fig, axes = plt.subplots(1, 2, figsize=(10, 2.8), layout="constrained")
    axes[0].barh(labels, seconds, color="tab:blue")
    axes[0].set_xlabel(_("seconds"))
    axes[0].set_title(_("Time to a model that knows the new words"))
    axes[1].barh(labels, [100 * k for k in kept], color="tab:green")
    axes[1].set_xlim(0, 100)
    axes[1].set_xlabel(_("% of top-10 neighbours kept (1,000 most frequent old words)"))
    axes[1].set_title(_("Old words' neighbours"))
    for ax in axes:
        ax.invert_yaxis()
        ax.grid(alpha=0.3, axis="x")
