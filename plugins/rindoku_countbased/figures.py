"""The chapter's figures: how each example draws what it computed.

The examples (:mod:`rindoku_countbased.examples`) compute and print; each
figure's layout, colours and labels are here, so that the listings on the
page show the method and not the plotting.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np

from rindoku.i18n import Labels
from rindoku_text.wordvectors import SEMANTIC_SECTIONS, AnalogyReport

__all__ = [
    "plot_analogy_sections",
    "plot_matrices",
    "plot_settings_scores",
    "plot_singular_values",
    "plot_words_2d",
    "plot_wordsim_pairs",
]

# the figures' words in Japanese (rindoku.i18n): titles, axis labels, legends
_ = Labels(ja={
    "Co-occurrence counts (window 1)": "共起の回数(ウィンドウサイズ 1)",
    "PPMI": "PPMI",
    "U[:, 0] (first singular vector)": "U[:, 0](第 1 特異ベクトル)",
    "U[:, 1] (second singular vector)": "U[:, 1](第 2 特異ベクトル)",
    "The toy corpus's words in two dimensions (SVD of PPMI)":
        "小さなコーパスの単語を 2 次元で(PPMI の特異値分解)",
    "dimension (singular value rank)": "次元(特異値の順位)",
    "singular value": "特異値",
    "PTB, PPMI (window {window}): the top {n} singular values":
        "PTB、PPMI(ウィンドウサイズ {window}): 上位 {n} 個の特異値",
    "{used}/{total} asked": "{total} 問中 {used} 問",
    "accuracy on the questions asked (%)": "出題した問題の正解率(%)",
    "{title}: {accuracy} overall (orange: semantic, blue: syntactic)":
        "{title}: 全体 {accuracy}(橙: 意味、青: 文法)",
    "Google analogies on PTB vectors": "PTB の単語ベクトルでの Google 類推問題",
    "Google analogies on tuned PTB vectors": "調整した PTB の単語ベクトルでの Google 類推問題",
    "analogy accuracy (%)": "類推問題の正解率(%)",
    "WordSim353 (Spearman)": "WordSim353(スピアマン)",
    "word2vec on PTB": "PTB での word2vec",
    "Count-based vectors of PTB: the book's settings (grey), one change at a time (blue), "
    "the tuned settings (green)":
        "PTB のカウントベースの単語ベクトル: 本の設定(灰)、1 つずつ変えた設定(青)、"
        "調整した設定(緑)",
    "the judges' score (0-10)": "評価者のスコア(0〜10)",
    "cosine similarity of the vectors": "ベクトルのコサイン類似度",
    "WordSim353 on tuned PTB vectors: {n} pairs, Spearman {spearman}":
        "調整した PTB の単語ベクトルでの WordSim353: {n} 組、スピアマン {spearman}",
})


def plot_matrices(C: np.ndarray, W: np.ndarray, words: Sequence[str]) -> None:
    """The co-occurrence counts C and their PPMI W side by side, every cell written in it.

    C and W are (V, V); ``words`` labels the rows and columns in id order.
    """
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.6), layout="constrained")
    for ax, matrix, title, fmt in [(axes[0], C, _("Co-occurrence counts (window 1)"), "{:d}"),
                                   (axes[1], W, _("PPMI"), "{:.2f}")]:
        image = ax.imshow(matrix, cmap="Blues")
        ax.set_xticks(range(len(words)), words)
        ax.set_yticks(range(len(words)), words)
        ax.xaxis.tick_top()
        for (i, j), value in np.ndenumerate(matrix):
            color = "white" if value > 0.6 * matrix.max() else "black"
            ax.text(j, i, fmt.format(value), ha="center", va="center", color=color, fontsize=9)
        ax.set_title(title, pad=28)
        fig.colorbar(image, ax=ax, shrink=0.8)


def plot_words_2d(U: np.ndarray, word_to_id: Mapping[str, int]) -> None:
    """Each word at its first two SVD coordinates ``U[id, 0], U[id, 1]``, labelled.

    Words that land on the same point (equal PPMI rows) share one label.
    """
    points: dict[tuple[float, float], list[str]] = {}
    for word, word_id in word_to_id.items():
        xy = (round(float(U[word_id, 0]), 6), round(float(U[word_id, 1]), 6))
        points.setdefault(xy, []).append(word if word.isalpha() else f"'{word}'")

    fig, ax = plt.subplots(figsize=(6, 5))
    ax.scatter(U[:, 0], U[:, 1], alpha=0.5)
    placed: list[tuple[float, float]] = []
    for (x, y), labels in points.items():
        crowded = any(abs(x - px) < 0.06 and abs(y - py) < 0.03 for px, py in placed)
        ax.annotate(", ".join(labels), (x, y), xytext=(5, -15 if crowded else 4),
                    textcoords="offset points", fontsize=12)
        placed.append((x, y))
    ax.axhline(0, color="0.8", linewidth=0.8, zorder=0)
    ax.axvline(0, color="0.8", linewidth=0.8, zorder=0)
    ax.margins(0.15)
    ax.set_xlabel(_("U[:, 0] (first singular vector)"))
    ax.set_ylabel(_("U[:, 1] (second singular vector)"))
    ax.set_title(_("The toy corpus's words in two dimensions (SVD of PPMI)"))


def plot_singular_values(S: np.ndarray, title: str) -> None:
    """The singular values S (k,), largest first, on a log scale."""
    fig, ax = plt.subplots(figsize=(6.5, 4))
    ax.plot(np.arange(1, len(S) + 1), S, "o-", markersize=3)
    ax.set_yscale("log")
    ax.set_xlabel(_("dimension (singular value rank)"))
    ax.set_ylabel(_("singular value"))
    ax.set_title(_(title))
    ax.grid(alpha=0.3, which="both")


def plot_analogy_sections(analogy: AnalogyReport, title: str) -> None:
    """The analogy score by section, with how many of its questions could be asked.

    Semantic sections in orange, syntactic in blue; ``title`` is followed by
    the overall accuracy.
    """
    sections = analogy.sections
    accuracy = [100 * np.nan_to_num(s.accuracy) for s in sections]
    fig, ax = plt.subplots(figsize=(7.5, 5.2))
    colors = ["tab:orange" if i < SEMANTIC_SECTIONS else "tab:blue"
              for i in range(len(sections))]
    ax.barh([s.name for s in sections], accuracy, color=colors)
    for i, s in enumerate(sections):
        ax.text(accuracy[i] + 0.2, i, _("{used}/{total} asked", used=s.used, total=s.total),
                va="center", fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(right=max(accuracy) + 6)
    ax.set_xlabel(_("accuracy on the questions asked (%)"))
    ax.set_title(_("{title}: {accuracy} overall (orange: semantic, blue: syntactic)",
                   title=_(title), accuracy=f"{analogy.accuracy:.1%}"), fontsize=10)


def plot_settings_scores(
    labels: Sequence[str],
    scores: Sequence[tuple[float, float]],
    book: int,
    tuned: int,
    anchors: Mapping[str, tuple[float, float]],
) -> None:
    """Both benchmark scores of each row of settings, as two bar charts side by side.

    ``scores`` holds (analogy accuracy, WordSim353 Spearman) per label; row
    ``book`` is drawn grey, row ``tuned`` green (a line above it parts the
    changes to the book's settings from those to the tuned ones), the rest
    blue.  ``anchors`` are other models' scores, drawn as red lines.
    """
    fig, axes = plt.subplots(1, 2, figsize=(10.5, 0.4 * len(labels) + 1.5), sharey=True,
                             layout="constrained")
    labels = list(labels)
    colors = ["tab:green" if i == tuned else "tab:gray" if i == book else "tab:blue"
              for i in range(len(labels))]
    panels = [(_("analogy accuracy (%)"), [100 * a for a, _w in scores], "{:.2f}"),
              (_("WordSim353 (Spearman)"), [w for _a, w in scores], "{:.3f}")]
    for column, (ax, (xlabel, values, fmt)) in enumerate(zip(axes, panels, strict=True)):
        ax.barh(labels, values, color=colors)
        for i, value in enumerate(values):
            ax.annotate(fmt.format(value), (value, i), xytext=(4, 0), textcoords="offset points",
                        va="center", fontsize=8,
                        bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5})
        ax.axhline(tuned - 0.5, color="0.4", linewidth=0.8)
        for (name, anchor), style in zip(anchors.items(), ["--", ":"], strict=False):
            ax.axvline(anchor[column] * (100 if column == 0 else 1), color="tab:red",
                       linestyle=style, label=name)
        ax.set_xlim(right=1.15 * max(values))
        ax.set_xlabel(xlabel)
        ax.grid(axis="x", alpha=0.3)
    axes[0].invert_yaxis()
    fig.legend(*axes[0].get_legend_handles_labels(), loc="outside lower center", ncols=2,
               fontsize=9, title=_("word2vec on PTB"), title_fontsize=9)
    fig.suptitle(_("Count-based vectors of PTB: the book's settings (grey), one change at a "
                   "time (blue), the tuned settings (green)"), fontsize=10)


def plot_wordsim_pairs(judged: Sequence[float], cosine: Sequence[float], title: str) -> None:
    """Each WordSim353 pair's cosine similarity against the judges' score (0-10)."""
    fig, ax = plt.subplots(figsize=(6.5, 4.5))
    ax.scatter(judged, cosine, s=12, alpha=0.6)
    ax.set_xlabel(_("the judges' score (0-10)"))
    ax.set_ylabel(_("cosine similarity of the vectors"))
    ax.set_title(_(title), fontsize=10)
    ax.grid(alpha=0.3)
