"""The figures of the chapter's examples, kept off the page.

Each function opens a figure of its own and labels it; the examples call them
after the lines they teach.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np

from rindoku.i18n import Labels

__all__ = ["plot_attention_maps", "plot_weights"]

# the figures' words in Japanese (rindoku.i18n): titles and axis labels
_ = Labels(ja={
    "input position t": "入力の位置 t",
    "weight a_t": "重み a_t",
    "attention weights of one decoder step": "デコーダの 1 ステップでの Attention の重み",
    "input (the question)": "入力(問題)",
    "output (the answer)": "出力(答え)",
    "attention weights of the trained model": "学習したモデルの Attention の重み",
})


def plot_weights(a: np.ndarray, title: str) -> None:
    """The attention weights of one decoder step over the input positions, as bars."""
    fig, ax = plt.subplots(figsize=(5, 3))
    ax.bar(np.arange(len(a)), a)
    ax.set_xlabel(_("input position t"))
    ax.set_ylabel(_("weight a_t"))
    ax.set_ylim(0, 1)
    ax.set_title(_(title))
    ax.grid(alpha=0.3, axis="y")


def plot_attention_maps(maps: Sequence[tuple[np.ndarray, str, str]], title: str) -> None:
    """Heat maps of attention weights, one panel per question.

    Each map is ``(weights, question, answer)``: weights (len(answer),
    len(question)), row i the weights over the question's characters while
    the decoder wrote character i of the answer.
    """
    fig, axes = plt.subplots(1, len(maps), figsize=(3.4 * len(maps), 4.2), squeeze=False)
    for ax, (weights, question, answer) in zip(axes[0], maps, strict=True):
        ax.imshow(weights, cmap="gray", vmin=0, vmax=1, aspect="auto")
        ax.set_xticks(range(len(question)), list(question), fontsize=8)
        ax.set_yticks(range(len(answer)), list(answer), fontsize=8)
        ax.set_xlabel(_("input (the question)"))
        ax.set_ylabel(_("output (the answer)"))
        ax.set_title(question.strip(), fontsize=9)
    fig.suptitle(_(title))
    fig.tight_layout()
