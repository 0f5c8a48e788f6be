"""The chapter's worked examples: the one-sentence corpus by hand, its SVD, then PTB."""

from __future__ import annotations

import time
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from rindoku.ptb import load_data
from rindoku.wordvectors import SEMANTIC_SECTIONS, evaluate_analogy, evaluate_wordsim353
from rindoku_countbased.countbased import (
    cos_similarity,
    count_based_vectors,
    create_co_matrix,
    most_similar,
    ppmi,
    truncated_svd,
)
from rindoku_countbased.datasets import load_toy_corpus

__all__ = ["print_table", "ptb", "svd_toy", "toy"]


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

    for query in ["you", "year", "car", "toyota"]:
        print(f"\n[query] {query}")
        for word, similarity in vectors.most_similar(query, top=5):
            print(f" {word}: {similarity:.3f}")

    start = time.perf_counter()
    analogy = evaluate_analogy(vectors)
    wordsim = evaluate_wordsim353(vectors)
    print(f"\n{'evaluation':<14} {time.perf_counter() - start:6.2f} s")
    print(analogy)
    print(analogy.summary())
    print(wordsim.summary())

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

    # the analogy score by section, with how many of its questions could be asked
    sections = analogy.sections
    fig, ax = plt.subplots(figsize=(7.5, 5.2))
    colors = ["tab:orange" if i < SEMANTIC_SECTIONS else "tab:blue"
              for i in range(len(sections))]
    ax.barh([s.name for s in sections], [100 * np.nan_to_num(s.accuracy) for s in sections],
            color=colors)
    for i, s in enumerate(sections):
        ax.text(100 * np.nan_to_num(s.accuracy) + 0.2, i, f"{s.used}/{s.total} asked",
                va="center", fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(right=max(100 * np.nan_to_num(s.accuracy) for s in sections) + 6)
    ax.set_xlabel("accuracy on the questions asked (%)")
    ax.set_title(f"Google analogies on PTB vectors: {analogy.accuracy:.1%} overall "
                 "(orange: semantic, blue: syntactic)", fontsize=10)
