"""The figures of the chapter's examples, kept off the page.

Each function opens a figure of its own and labels it; the examples call them
after the lines they teach.  The skip-gram chapter draws its loss curves and
word-vector maps with the same functions.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from rindoku.i18n import Labels
from rindoku.trainer import LossHistory

__all__ = ["plot_loss", "plot_textbook_and_fast", "plot_word_vectors"]

# the figures' words in Japanese (rindoku.i18n): titles, axis labels, legends,
# the titles the skip-gram chapter gives these functions too
_ = Labels(ja={
    "SimpleCBOW on one sentence: training loss": "1 文での SimpleCBOW: 訓練データの損失",
    "Word vectors of SimpleCBOW (rows of W_in, 2-D view)":
        "SimpleCBOW の単語ベクトル(W_in の行、2 次元で見たもの)",
    "CBOW on PTB, {epochs} epochs (fast path)": "PTB での CBOW、{epochs} エポック(高速版)",
    "iteration ({n} per epoch)": "イテレーション(1 エポック {n} 回)",
    "SimpleSkipGram on one sentence: training loss (L1 + L2)":
        "1 文での SimpleSkipGram: 訓練データの損失(L1 + L2)",
    "Word vectors of SimpleSkipGram (rows of W_in, 2-D view)":
        "SimpleSkipGram の単語ベクトル(W_in の行、2 次元で見たもの)",
    "Skip-gram on PTB, {epochs} epochs (fast path)":
        "PTB でのスキップグラム、{epochs} エポック(高速版)",
    "loss (sum over the context positions)": "損失(コンテキストの位置についての和)",
    "first principal direction": "第 1 主成分の方向",
    "second principal direction": "第 2 主成分の方向",
    "fast path (batch {batch}), one epoch": "高速版(バッチ {batch})、1 エポック",
    "textbook path (batch {batch}), first {seen} targets":
        "教科書どおり(バッチ {batch})、最初の {seen} ターゲット",
    "target words seen (log scale)": "学習したターゲットの数(対数目盛)",
    "loss (average of {n} mini-batches)": "損失({n} ミニバッチの平均)",
    "CBOW with negative sampling on PTB": "PTB での負例サンプリングつき CBOW",
})


def plot_loss(
    history: LossHistory, title: str, *, xlabel: str | None = None, ylabel: str | None = None
) -> None:
    """The loss curve of one training run, against the iteration."""
    fig, ax = plt.subplots(figsize=(6.5, 4))
    history.plot(ax)
    ax.set_title(_(title))
    if xlabel:
        ax.set_xlabel(_(xlabel))
    if ylabel:
        ax.set_ylabel(_(ylabel))
    ax.grid(alpha=0.3)


def plot_word_vectors(
    vectors: np.ndarray, id_to_word: dict[int, str], title: str, *, color: str = "tab:blue"
) -> None:
    """Word vectors (V, D) seen from their two main directions, each point labelled.

    The vectors are centred and projected on their first two principal
    directions (an SVD).  Words at (almost) the same point share one label.
    """
    centred = vectors - vectors.mean(axis=0)
    u, s, _vt = np.linalg.svd(centred, full_matrices=False)
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
    ax.set_xlabel(_("first principal direction"))
    ax.set_ylabel(_("second principal direction"))
    ax.set_title(_(title))
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
            label=_("fast path (batch {batch}), one epoch", batch=fast_batch))
    seen = np.array(textbook.iterations) * textbook_batch
    ax.plot(seen, textbook.losses, "o",
            label=_("textbook path (batch {batch}), first {seen} targets",
                    batch=textbook_batch, seen=f"{seen[-1]:,}"))
    ax.set_xscale("log")
    ax.set_xlabel(_("target words seen (log scale)"))
    ax.set_ylabel(_("loss (average of {n} mini-batches)", n=fast.eval_interval))
    ax.set_title(_("CBOW with negative sampling on PTB"))
    ax.legend()
    ax.grid(alpha=0.3)
