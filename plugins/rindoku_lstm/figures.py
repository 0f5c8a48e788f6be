"""The figures of the chapter's examples, kept off the page.

Each function opens a figure of its own and labels it; the examples call them
after the lines they teach.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from rindoku.i18n import Labels

__all__ = [
    "plot_gradient_norms",
    "plot_perplexity_against_time",
    "plot_training_perplexity",
    "plot_two_paths",
]

# the figures' words in Japanese (rindoku.i18n): titles, axis labels, legends
_ = Labels(ja={
    "{label} (largest singular value {largest})": "{label}(最大特異値 {largest})",
    "time steps back from the last one": "最後のステップから遡ったステップ数",
    "norm of dh (log scale)": "dh のノルム(対数目盛)",
    "dh going back {T} steps through a plain RNN (no tanh)":
        "素の RNN(tanh なし)を {T} ステップ遡る dh",
    "iteration": "イテレーション",
    "perplexity": "パープレキシティ",
    "Rnnlm on PTB: training perplexity (average of 20 mini-batches)":
        "PTB での Rnnlm: 訓練データのパープレキシティ(20 ミニバッチの平均)",
    "textbook path": "教科書版",
    "fast path": "高速版",
    "training perplexity (log scale)": "訓練データのパープレキシティ(対数目盛)",
    "Rnnlm on the first {words} words of PTB, both paths":
        "PTB の最初の {words} 語での Rnnlm: 教科書版と高速版",
    "training (average of the epoch)": "訓練データ(エポックの平均)",
    "validation (after the epoch)": "検証データ(エポックの後)",
    "perplexity {target}": "パープレキシティ {target}",
    "wall time (minutes)": "経過時間(分)",
    "numbers: the epoch's learning rate": "数字: そのエポックの学習係数",
    "BetterRnnlm ({layers} × {size}, dropout {dropout}) on PTB":
        "PTB での BetterRnnlm({layers} × {size}、Dropout {dropout})",
})


def plot_gradient_norms(norms: dict[str, list[float]], title: str) -> None:
    """The norm of dh at each step back in time, one line per label, on a log scale."""
    fig, ax = plt.subplots(figsize=(6.5, 4))
    steps = max(len(values) for values in norms.values())
    for label, values in norms.items():
        ax.plot(np.arange(1, len(values) + 1), values, marker="o", markersize=3,
                label=_(label))
    ax.set_xticks([1, *range(5, steps + 1, 5)])
    ax.set_yscale("log")
    ax.set_xlabel(_("time steps back from the last one"))
    ax.set_ylabel(_("norm of dh (log scale)"))
    ax.set_title(_(title))
    ax.legend()
    ax.grid(alpha=0.3, which="both")


def plot_training_perplexity(
    iterations: list[int], perplexities: list[float], title: str, *, ylim: tuple = (0, 500),
    xlabel: str = "iteration",
) -> None:
    """The training perplexity against the iteration, as the book plots it (ylim 0 to 500)."""
    fig, ax = plt.subplots(figsize=(6.5, 4))
    ax.plot(iterations, perplexities)
    ax.set_ylim(*ylim)
    ax.set_xlabel(_(xlabel))
    ax.set_ylabel(_("perplexity"))
    ax.set_title(_(title))
    ax.grid(alpha=0.3)


def plot_two_paths(
    iterations: list[int], textbook: list[float], fast: list[float], title: str
) -> None:
    """The training perplexity of the textbook path and the fast path, one over the other."""
    fig, ax = plt.subplots(figsize=(6.5, 4))
    ax.plot(iterations, textbook, linewidth=4, alpha=0.5, label=_("textbook path"))
    ax.plot(iterations, fast, "k--", linewidth=1, label=_("fast path"))
    ax.set_yscale("log")
    ax.set_xlabel(_("iteration"))
    ax.set_ylabel(_("training perplexity (log scale)"))
    ax.set_title(_(title))
    ax.legend()
    ax.grid(alpha=0.3, which="both")


def plot_perplexity_against_time(
    minutes: list[float], train: list[float], valid: list[float], lrs: list[float],
    title: str, *, target: float | None = None,
) -> None:
    """Training and validation perplexity after each epoch against wall time.

    Each validation point is labelled with the learning rate its epoch
    trained with, so that the drops of the lr rule show; ``target`` draws a
    horizontal line.
    """
    fig, ax = plt.subplots(figsize=(6.5, 4.2))
    ax.plot(minutes, train, marker="o", markersize=3,
            label=_("training (average of the epoch)"))
    ax.plot(minutes, valid, marker="s", markersize=4, label=_("validation (after the epoch)"))
    for x, y, lr in zip(minutes, valid, lrs, strict=True):
        ax.annotate(f"{lr:g}", (x, y), textcoords="offset points", xytext=(0, 6), fontsize=7,
                    ha="center")
    if target is not None:
        ax.axhline(target, color="grey", linestyle=":",
                   label=_("perplexity {target}", target=f"{target:g}"))
    ax.set_xlabel(_("wall time (minutes)"))
    ax.set_ylabel(_("perplexity"))
    ax.set_title(_(title))
    ax.legend(title=_("numbers: the epoch's learning rate"), title_fontsize=8, fontsize=8)
    ax.grid(alpha=0.3)
