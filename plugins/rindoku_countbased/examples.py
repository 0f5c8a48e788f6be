"""The chapter's worked examples: the one-sentence corpus by hand, its SVD, then PTB.

PTB is run with the book's settings, with each option beyond the book changed
one at a time, and with the best settings found.
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from rindoku_countbased.countbased import (
    BOOK_SETTINGS,
    TUNED_SETTINGS,
    cos_similarity,
    count_based_vectors,
    create_co_matrix,
    most_similar,
    ppmi,
    svd_word_vectors,
    truncated_svd,
)
from rindoku_countbased.datasets import load_toy_corpus
from rindoku_countbased.figures import plot_analogy_sections
from rindoku_text.ptb import load_data
from rindoku_text.wordvectors import (
    BOOK_QUERIES,
    WordVectors,
    evaluate_analogy,
    evaluate_wordsim353,
    load_wordsim353,
    print_scores,
)

__all__ = ["print_table", "ptb", "ptb_tuned", "settings", "svd_toy", "toy"]


def print_table(matrix: np.ndarray, words: list[str], fmt: str = "{:g}") -> None:
    """Print a square matrix with the words as row and column headers."""
    cells = [[fmt.format(value) for value in row] for row in matrix]
    width = max(len(text) for text in words + [c for row in cells for c in row]) + 1
    print(" " * width + "".join(f"{w:>{width}}" for w in words))
    for word, row in zip(words, cells, strict=True):
        print(f"{word:>{width}}" + "".join(f"{c:>{width}}" for c in row))


def toy(rng: np.random.Generator) -> None:
    """Count the neighbours of every word of "You say goodbye and I say hello.".

    With a window of 1, each word's row counts the words right next to it.
    PPMI then weighs each count by how surprising it is, given how often the
    two words appear at all.
    """
    corpus, word_to_id, id_to_word = load_toy_corpus()
    words = [id_to_word[i] for i in range(len(id_to_word))]
    print("corpus:", corpus)
    print("word_to_id:", word_to_id)

    C = create_co_matrix(corpus, vocab_size=len(word_to_id), window_size=1)
    print("\nco-occurrence matrix (window 1):")
    print_table(C, words)

    W = ppmi(C)
    print("\nPPMI:")
    print_table(W, words, fmt="{:.2f}")

    c0, c1 = C[word_to_id["you"]], C[word_to_id["i"]]
    print(f"\ncosine similarity of 'you' and 'i': {cos_similarity(c0, c1):.4f}")

    most_similar("you", word_to_id, id_to_word, C, top=5)

    fig, axes = plt.subplots(1, 2, figsize=(11, 4.6), layout="constrained")
    for ax, matrix, title, fmt in [(axes[0], C, "Co-occurrence counts (window 1)", "{:d}"),
                                   (axes[1], W, "PPMI", "{:.2f}")]:
        image = ax.imshow(matrix, cmap="Blues")
        ax.set_xticks(range(len(words)), words)
        ax.set_yticks(range(len(words)), words)
        ax.xaxis.tick_top()
        for (i, j), value in np.ndenumerate(matrix):
            color = "white" if value > 0.6 * matrix.max() else "black"
            ax.text(j, i, fmt.format(value), ha="center", va="center", color=color, fontsize=9)
        ax.set_title(title, pad=28)
        fig.colorbar(image, ax=ax, shrink=0.8)


def svd_toy(rng: np.random.Generator) -> None:
    """Reduce the toy corpus's PPMI rows to two dimensions with the SVD, and plot them.

    Each word's 7-dimensional, mostly-zero PPMI row becomes the first two
    columns of U: a dense 2-D vector, in which words used alike lie close.
    """
    corpus, word_to_id, id_to_word = load_toy_corpus()
    vocab_size = len(word_to_id)
    C = create_co_matrix(corpus, vocab_size, window_size=1)
    W = ppmi(C)

    U, S, Vt = truncated_svd(W, k=vocab_size, rng=rng)
    np.set_printoptions(precision=3, suppress=True)
    print("co-occurrence row of 'you':", C[0])
    print("PPMI row of 'you':         ", W[0])
    print("SVD row of 'you' (U[0]):   ", U[0])
    print("first two dimensions:      ", U[0, :2])
    print("singular values S:         ", S)
    print(f"the first two carry {np.sum(S[:2] ** 2) / np.sum(S ** 2):.0%} "
          "of the squared total")
    np.set_printoptions()

    # words with equal PPMI rows ('goodbye' and 'i') land on one point: label it once
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
    ax.set_xlabel("U[:, 0] (first singular vector)")
    ax.set_ylabel("U[:, 1] (second singular vector)")
    ax.set_title("The toy corpus's words in two dimensions (SVD of PPMI)")


def ptb(rng: np.random.Generator) -> None:
    """The count-based method on the Penn Treebank: 10,000 words, 100 dimensions.

    Co-occurrence with a window of 2, PPMI, and the exact top-100 SVD, all on
    sparse matrices; each word's vector is its row of U·S.  Then the nearest
    words to a few queries, the scores on the two benchmarks, and the vectors
    saved for later chapters to compare with.
    """
    window_size, wordvec_size = 2, 100

    start = time.perf_counter()
    corpus, word_to_id, id_to_word = load_data("train")
    seconds = time.perf_counter() - start
    print(f"{'load PTB':<14} {seconds:6.2f} s   {len(corpus):,} words, "
          f"vocabulary {len(word_to_id):,}")
    vectors, stages = count_based_vectors(corpus, word_to_id, id_to_word, rng,
                                          window_size, wordvec_size, log=print)
    print(f"{'total':<14} {seconds + sum(stages.values()):6.2f} s")

    for query in BOOK_QUERIES:
        most_similar(query, word_to_id, id_to_word, vectors.matrix)

    start = time.perf_counter()
    print()
    analogy, wordsim = print_scores(vectors)
    print(f"{'evaluation':<14} {time.perf_counter() - start:6.2f} s")

    path = vectors.save(Path("rindoku-output") / "countbased-ptb.npz")
    print(f"\nsaved {vectors!r} to {path}")

    # the singular values: U has columns of length 1, so the columns of U·S have length S
    S = np.linalg.norm(vectors.matrix, axis=0)
    fig, ax = plt.subplots(figsize=(6.5, 4))
    ax.plot(np.arange(1, wordvec_size + 1), S, "o-", markersize=3)
    ax.set_yscale("log")
    ax.set_xlabel("dimension (singular value rank)")
    ax.set_ylabel("singular value")
    ax.set_title("PTB, PPMI (window 2): the top 100 singular values")
    ax.grid(alpha=0.3, which="both")

    plot_analogy_sections(analogy, "Google analogies on PTB vectors")


def settings(rng: np.random.Generator) -> None:
    """What each lesson of word2vec does to the count-based vectors of PTB.

    Each row changes the book's settings (window 2, PPMI, U·S, 100 dimensions)
    in one way, or the best settings found (:data:`TUNED_SETTINGS`) in one way,
    and scores the vectors on both benchmarks.  The rows that differ only in
    how the vectors are read off the SVD (``eig``, ``add_contexts``) share one
    co-occurrence matrix, PPMI and SVD, and show its time.
    """
    # word2vec on the same PTB split, scored by the same functions: (analogy, WordSim353);
    # measured separately, since gensim is not a dependency of rindoku
    word2vec = {"gensim CBOW": (0.038, 0.22), "gensim skip-gram": (0.040, 0.27)}
    book, tuned = BOOK_SETTINGS, TUNED_SETTINGS
    rows = [
        ("the book's: window 2, U·S", book),
        ("vectors U (eig 0)", replace(book, eig=0)),
        ("vectors U·S^0.5 (eig 0.5)", replace(book, eig=0.5)),
        ("+ context vectors (W + C)", replace(book, add_contexts=True)),
        ("+ shifted PPMI (k = 5)", replace(book, shift=5)),
        ("+ cds 0.75", replace(book, cds=0.75)),
        ("window 6", replace(book, window_size=6)),
        ("window 6, (w - d + 1)/w (word2vec)",
         replace(book, window_size=6, weighting="linear")),
        ("window 6, 1/d (GloVe)", replace(book, window_size=6, weighting="harmonic")),
        ("tuned: window 6, 1/d, cds, U·S^0.5", tuned),
        ("tuned, but vectors U·S (eig 1)", replace(tuned, eig=1)),
        ("tuned, but vectors U (eig 0)", replace(tuned, eig=0)),
        ("tuned, but no cds", replace(tuned, cds=1)),
        ("tuned, but window 2", replace(tuned, window_size=2)),
        ("tuned, but window 10", replace(tuned, window_size=10)),
        ("tuned + shifted PPMI (k = 5)", replace(tuned, shift=5)),
        ("tuned + context vectors (W + C)", replace(tuned, add_contexts=True)),
    ]

    corpus, word_to_id, id_to_word = load_data("train")
    vocab_size = len(word_to_id)
    print(f"{'settings':<36} {'analogy':>7} {'semantic':>8} {'syntactic':>9} "
          f"{'WordSim353':>10} {'time':>7}")
    svds: dict[tuple, tuple[np.ndarray, np.ndarray, np.ndarray, float]] = {}
    scores = []
    for label, option in rows:
        matrix = (option.window_size, option.weighting, option.cds, option.shift,
                  option.wordvec_size)
        if matrix not in svds:
            start = time.perf_counter()
            C = create_co_matrix(corpus, vocab_size, option.window_size, sparse=True,
                                 weighting=option.weighting)
            W = ppmi(C, cds=option.cds, shift=option.shift)
            U, S, Vt = truncated_svd(W, option.wordvec_size, rng)
            svds[matrix] = U, S, Vt, time.perf_counter() - start
        U, S, Vt, seconds = svds[matrix]
        vectors = WordVectors(svd_word_vectors(U, S, Vt, option.eig, option.add_contexts),
                              word_to_id, id_to_word)
        analogy, wordsim = evaluate_analogy(vectors), evaluate_wordsim353(vectors)
        scores.append((analogy.accuracy, wordsim.spearman))
        print(f"{label:<36} {analogy.accuracy:7.2%} {analogy.semantic_accuracy:8.2%} "
              f"{analogy.syntactic_accuracy:9.2%} {wordsim.spearman:10.4f} {seconds:5.2f} s")
    print(f"\n{analogy.used} of {analogy.total} analogy questions and {wordsim.used} of "
          f"{wordsim.total} WordSim353 pairs asked; time: co-occurrence, PPMI and SVD")
    print("for comparison, word2vec on PTB:")
    for name, (accuracy, spearman) in word2vec.items():
        print(f"{name:<36} {accuracy:7.1%} {'':>8} {'':>9} {spearman:10.2f}")

    fig, axes = plt.subplots(1, 2, figsize=(10.5, 0.4 * len(rows) + 1.5), sharey=True,
                             layout="constrained")
    labels = [label for label, _ in rows]
    tuned_label = next(label for label, option in rows if option == tuned)
    colors = ["tab:green" if option == tuned else "tab:gray" if option == book else "tab:blue"
              for _, option in rows]
    panels = [("analogy accuracy (%)", [100 * a for a, _ in scores], "{:.2f}"),
              ("WordSim353 (Spearman)", [w for _, w in scores], "{:.3f}")]
    for column, (ax, (xlabel, values, fmt)) in enumerate(zip(axes, panels, strict=True)):
        ax.barh(labels, values, color=colors)
        for i, value in enumerate(values):
            ax.annotate(fmt.format(value), (value, i), xytext=(4, 0), textcoords="offset points",
                        va="center", fontsize=8,
                        bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5})
        ax.axhline(labels.index(tuned_label) - 0.5, color="0.4", linewidth=0.8)
        for (name, anchor), style in zip(word2vec.items(), ["--", ":"], strict=True):
            ax.axvline(anchor[column] * (100 if column == 0 else 1), color="tab:red",
                       linestyle=style, label=name)
        ax.set_xlim(right=1.15 * max(values))
        ax.set_xlabel(xlabel)
        ax.grid(axis="x", alpha=0.3)
    axes[0].invert_yaxis()
    fig.legend(*axes[0].get_legend_handles_labels(), loc="outside lower center", ncols=2,
               fontsize=9, title="word2vec on PTB", title_fontsize=9)
    fig.suptitle("Count-based vectors of PTB: the book's settings (grey), one change at a "
                 "time (blue), the tuned settings (green)", fontsize=10)


def ptb_tuned(rng: np.random.Generator) -> None:
    """The Penn Treebank with the best settings of ``countbased.settings``.

    The same steps, printout and saved file as ``countbased.ptb``, but with a
    window of 6 weighted by 1/d, context distribution smoothing (0.75) and
    vectors U·S^0.5; still 100 dimensions.  The second figure shows each
    WordSim353 pair's cosine similarity against the judges' score.
    """
    print(f"settings: {TUNED_SETTINGS.describe()}")

    start = time.perf_counter()
    corpus, word_to_id, id_to_word = load_data("train")
    seconds = time.perf_counter() - start
    print(f"{'load PTB':<14} {seconds:6.2f} s   {len(corpus):,} words, "
          f"vocabulary {len(word_to_id):,}")
    vectors, stages = count_based_vectors(corpus, word_to_id, id_to_word, rng,
                                          **TUNED_SETTINGS.options(), log=print)
    print(f"{'total':<14} {seconds + sum(stages.values()):6.2f} s")

    for query in BOOK_QUERIES:
        most_similar(query, word_to_id, id_to_word, vectors.matrix)

    start = time.perf_counter()
    print()
    analogy, wordsim = print_scores(vectors)
    print(f"{'evaluation':<14} {time.perf_counter() - start:6.2f} s")

    path = vectors.save(Path("rindoku-output") / "countbased-ptb-tuned.npz")
    print(f"\nsaved {vectors!r} to {path}")

    plot_analogy_sections(analogy, "Google analogies on tuned PTB vectors")

    pairs = [(a, b, score) for a, b, score in load_wordsim353() if a in vectors and b in vectors]
    fig, ax = plt.subplots(figsize=(6.5, 4.5))
    ax.scatter([score for _, _, score in pairs],
               [vectors.similarity(a, b) for a, b, _ in pairs], s=12, alpha=0.6)
    ax.set_xlabel("the judges' score (0-10)")
    ax.set_ylabel("cosine similarity of the vectors")
    ax.set_title(f"WordSim353 on tuned PTB vectors: {len(pairs)} pairs, "
                 f"Spearman {wordsim.spearman:.3f}", fontsize=10)
    ax.grid(alpha=0.3)
