"""The chapter's worked examples: the one-sentence corpus by hand, its SVD, then PTB.

The toy corpus runs through the book's functions
(:mod:`rindoku_countbased.countbased`).  PTB runs through the fast path
(:mod:`rindoku_countbased.fast`), whose loop-free functions give the same
matrices in seconds: with the book's settings, with each option beyond the book
changed one at a time, and with the best settings found.  The figures are
drawn by :mod:`rindoku_countbased.figures`.
"""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np
from scipy.stats import spearmanr

from rindoku import publish
from rindoku_countbased import fast
from rindoku_countbased.countbased import cos_similarity, create_co_matrix, most_similar, ppmi
from rindoku_countbased.datasets import load_toy_corpus
from rindoku_countbased.figures import (
    plot_analogy_sections,
    plot_matrices,
    plot_settings_scores,
    plot_singular_values,
    plot_words_2d,
    plot_wordsim_pairs,
)
from rindoku_text.ptb import load_data
from rindoku_text.wordvectors import (
    AnalogyReport,
    SimilarityReport,
    WordVectors,
    evaluate_analogy,
    evaluate_wordsim353,
    load_wordsim353,
    print_queries,
    print_scores,
)

__all__ = ["WORD2VEC_ON_PTB", "print_table", "ptb", "ptb_tuned", "publish_scores", "settings",
           "svd_toy", "toy"]

WORD2VEC_ON_PTB = {"gensim CBOW": (0.038, 0.22), "gensim skip-gram": (0.040, 0.27)}
"""word2vec on the same PTB split, scored by the same functions: (analogy, WordSim353).

Measured separately, since gensim is not a dependency of rindoku.
"""


def publish_scores(analogy: AnalogyReport, wordsim: SimilarityReport, prefix: str = "") -> None:
    """Publish the benchmark scores for the page: analogy (all, semantic, syntactic), WordSim353.

    The names are ``analogy``, ``semantic``, ``syntactic`` and ``wordsim``,
    each after ``prefix``; the accuracies read "6.70%", the correlation "0.227".
    """
    publish(f"{prefix}analogy", analogy.accuracy, "{:.2%}")
    publish(f"{prefix}semantic", analogy.semantic_accuracy, "{:.2%}")
    publish(f"{prefix}syntactic", analogy.syntactic_accuracy, "{:.2%}")
    publish(f"{prefix}wordsim", wordsim.spearman, "{:.3f}")


def publish_stage_times(load: float, stages: dict[str, float]) -> None:
    """Publish the seconds of each stage of the pipeline as "0.16 s".

    ``matrices_seconds`` is the co-occurrence matrix and PPMI together,
    ``total_seconds`` everything from loading PTB to the vectors.
    """
    for name, seconds in [("load", load), ("cooccurrence", stages["co-occurrence"]),
                          ("ppmi", stages["PPMI"]), ("svd", stages["SVD"]),
                          ("matrices", stages["co-occurrence"] + stages["PPMI"]),
                          ("total", load + sum(stages.values()))]:
        publish(f"{name}_seconds", seconds, "{:.2f} s")


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
    two words appear at all.  All with the book's functions.
    """
    corpus, word_to_id, id_to_word = load_toy_corpus()
    vocab_size = len(word_to_id)
    words = [id_to_word[i] for i in range(vocab_size)]
    print("corpus:", corpus)
    print("word_to_id:", word_to_id)

    C = create_co_matrix(corpus, vocab_size, window_size=1)
    print("\nco-occurrence matrix (window 1):")
    print_table(C, words)

    c0 = C[word_to_id["you"]]  # the word vector of "you"
    c1 = C[word_to_id["i"]]  # the word vector of "i"
    print(f"\ncosine similarity of 'you' and 'i': {cos_similarity(c0, c1):.4f}")

    most_similar("you", word_to_id, id_to_word, C, top=5)

    W = ppmi(C)
    print("\nPPMI:")
    print_table(W, words, fmt="{:.2f}")

    plot_matrices(C, W, words)


def svd_toy(rng: np.random.Generator) -> None:
    """Reduce the toy corpus's PPMI rows to two dimensions with the SVD, and plot them.

    Each word's 7-dimensional, mostly-zero PPMI row becomes the first two
    columns of U: a dense 2-D vector, in which words used alike lie close.
    """
    corpus, word_to_id, id_to_word = load_toy_corpus()
    vocab_size = len(word_to_id)
    C = create_co_matrix(corpus, vocab_size, window_size=1)
    W = ppmi(C)

    U, S, V = np.linalg.svd(W)

    with np.printoptions(precision=3, suppress=True):
        print("co-occurrence row of 'you':", C[0])
        print("PPMI row of 'you':         ", W[0])
        print("SVD row of 'you' (U[0]):   ", U[0])
        print("first two dimensions:      ", U[0, :2])
        print("singular values S:         ", S)
    print(f"the first two carry {np.sum(S[:2] ** 2) / np.sum(S ** 2):.0%} "
          "of the squared total")

    plot_words_2d(U, word_to_id)


def ptb(rng: np.random.Generator) -> None:
    """The count-based method on the Penn Treebank: 10,000 words, 100 dimensions.

    The fast path (:func:`rindoku_countbased.fast.count_based_vectors`):
    co-occurrence with a window of 2, PPMI, and the exact top-100 SVD, all on
    sparse matrices; each word's vector is its row of U·S.  Then the nearest
    words to the book's queries, the scores on the two benchmarks, and the
    vectors saved for later chapters to compare with.
    """
    window_size, wordvec_size = 2, 100

    start = time.perf_counter()
    corpus, word_to_id, id_to_word = load_data("train")
    seconds = time.perf_counter() - start
    print(f"{'load PTB':<14} {seconds:6.2f} s   {len(corpus):,} words, "
          f"vocabulary {len(word_to_id):,}")
    vectors, stages = fast.count_based_vectors(corpus, word_to_id, id_to_word, rng,
                                               window_size, wordvec_size, log=print)
    print(f"{'total':<14} {seconds + sum(stages.values()):6.2f} s")

    print("\nnearest words:")
    print_queries(vectors, analogies=())

    start = time.perf_counter()
    print()
    analogy, wordsim = print_scores(vectors)
    print(f"{'evaluation':<14} {time.perf_counter() - start:6.2f} s")
    publish_scores(analogy, wordsim)
    publish_stage_times(seconds, stages)

    path = vectors.save("countbased-ptb.npz")
    print(f"\nsaved {vectors!r} to {path}")

    # the first dimension mostly says how frequent a word is: rank correlation with the counts
    counts = np.bincount(corpus, minlength=len(word_to_id))
    publish("first_dimension_frequency",
            spearmanr(np.abs(vectors.matrix[:, 0]), counts).statistic, "{:.2f}")

    # U's columns have length 1, so the columns of U·S have the singular values as lengths
    S = np.linalg.norm(vectors.matrix, axis=0)
    plot_singular_values(S, "PTB, PPMI (window 2): the top 100 singular values")
    plot_analogy_sections(analogy, "Google analogies on PTB vectors")


def settings(rng: np.random.Generator) -> None:
    """What each lesson of word2vec does to the count-based vectors of PTB.

    Each row changes the book's settings (window 2, PPMI, U·S, 100 dimensions)
    in one way, or the best settings found (:data:`~rindoku_countbased.fast.TUNED_SETTINGS`)
    in one way, and scores the vectors on both benchmarks.  The rows that
    differ only in how the vectors are read off the SVD (``eig``,
    ``add_contexts``) share one co-occurrence matrix, PPMI and SVD, and show
    its time.  Each row publishes its scores under its short name
    (``tuned_wordsim``).
    """
    started = time.perf_counter()
    book, tuned = fast.BOOK_SETTINGS, fast.TUNED_SETTINGS
    rows = [
        ("the book's: window 2, U·S", "book", book),
        ("vectors U (eig 0)", "eig0", replace(book, eig=0)),
        ("vectors U·S^0.5 (eig 0.5)", "eig_half", replace(book, eig=0.5)),
        ("+ context vectors (W + C)", "contexts", replace(book, add_contexts=True)),
        ("+ shifted PPMI (k = 5)", "shift", replace(book, shift=5)),
        ("+ cds 0.75", "cds", replace(book, cds=0.75)),
        ("window 6", "window6", replace(book, window_size=6)),
        ("window 6, (w - d + 1)/w (word2vec)", "window6_linear",
         replace(book, window_size=6, weighting="linear")),
        ("window 6, 1/d (GloVe)", "window6_harmonic",
         replace(book, window_size=6, weighting="harmonic")),
        ("tuned: window 6, 1/d, cds, U·S^0.5", "tuned", tuned),
        ("tuned, but vectors U·S (eig 1)", "tuned_eig1", replace(tuned, eig=1)),
        ("tuned, but vectors U (eig 0)", "tuned_eig0", replace(tuned, eig=0)),
        ("tuned, but no cds", "tuned_no_cds", replace(tuned, cds=1)),
        ("tuned, but window 2", "tuned_window2", replace(tuned, window_size=2)),
        ("tuned, but window 10", "tuned_window10", replace(tuned, window_size=10)),
        ("tuned + shifted PPMI (k = 5)", "tuned_shift", replace(tuned, shift=5)),
        ("tuned + context vectors (W + C)", "tuned_contexts", replace(tuned, add_contexts=True)),
    ]

    corpus, word_to_id, id_to_word = load_data("train")
    vocab_size = len(word_to_id)
    print(f"{'settings':<36} {'analogy':>7} {'semantic':>8} {'syntactic':>9} "
          f"{'WordSim353':>10} {'time':>7}")
    svds: dict[tuple, tuple[np.ndarray, np.ndarray, np.ndarray, float]] = {}
    positive_cells: dict[str, int] = {}  # of each new PPMI matrix, by its first row's name
    seconds_of: dict[str, float] = {}
    scores = []
    for label, key, option in rows:
        matrix = (option.window_size, option.weighting, option.cds, option.shift,
                  option.wordvec_size)
        if matrix not in svds:
            start = time.perf_counter()
            C = fast.create_co_matrix(corpus, vocab_size, option.window_size, sparse=True,
                                      weighting=option.weighting)
            W = fast.ppmi(C, cds=option.cds, shift=option.shift)
            U, S, Vt = fast.truncated_svd(W, option.wordvec_size, rng)
            svds[matrix] = U, S, Vt, time.perf_counter() - start
            positive_cells[key] = W.nnz
        U, S, Vt, seconds = svds[matrix]
        seconds_of[key] = seconds
        vectors = WordVectors(fast.svd_word_vectors(U, S, Vt, option.eig, option.add_contexts),
                              word_to_id, id_to_word)
        analogy, wordsim = evaluate_analogy(vectors), evaluate_wordsim353(vectors)
        scores.append((analogy.accuracy, wordsim.spearman))
        publish_scores(analogy, wordsim, prefix=f"{key}_")
        print(f"{label:<36} {analogy.accuracy:7.2%} {analogy.semantic_accuracy:8.2%} "
              f"{analogy.syntactic_accuracy:9.2%} {wordsim.spearman:10.4f} {seconds:5.2f} s")
    print(f"\n{analogy.used} of {analogy.total} analogy questions and {wordsim.used} of "
          f"{wordsim.total} WordSim353 pairs asked; time: co-occurrence, PPMI and SVD")
    print("for comparison, word2vec on PTB:")
    for name, (accuracy, spearman) in WORD2VEC_ON_PTB.items():
        print(f"{name:<36} {accuracy:7.1%} {'':>8} {'':>9} {spearman:10.2f}")

    # what the page says about the shift and the window of 10, from this run
    publish("shift_removed", 1 - positive_cells["shift"] / positive_cells["book"], "{:.0%}")
    publish("window10_time_ratio", seconds_of["tuned_window10"] / seconds_of["tuned"],
            "{:.1f} times")
    publish("seconds", time.perf_counter() - started, "{:.0f} s")

    options = [option for _, _, option in rows]
    plot_settings_scores([label for label, _, _ in rows], scores, book=options.index(book),
                         tuned=options.index(tuned), anchors=WORD2VEC_ON_PTB)


def ptb_tuned(rng: np.random.Generator) -> None:
    """The Penn Treebank with the best settings of ``countbased.settings``.

    The same steps, printout and saved file as ``countbased.ptb``, but with a
    window of 6 weighted by 1/d, context distribution smoothing (0.75) and
    vectors U·S^0.5; still 100 dimensions.  The second figure shows each
    WordSim353 pair's cosine similarity against the judges' score.
    """
    print(f"settings: {fast.TUNED_SETTINGS.describe()}")

    start = time.perf_counter()
    corpus, word_to_id, id_to_word = load_data("train")
    seconds = time.perf_counter() - start
    print(f"{'load PTB':<14} {seconds:6.2f} s   {len(corpus):,} words, "
          f"vocabulary {len(word_to_id):,}")
    vectors, stages = fast.count_based_vectors(corpus, word_to_id, id_to_word, rng,
                                               **fast.TUNED_SETTINGS.options(), log=print)
    print(f"{'total':<14} {seconds + sum(stages.values()):6.2f} s")

    print("\nnearest words:")
    print_queries(vectors, analogies=())

    start = time.perf_counter()
    print()
    analogy, wordsim = print_scores(vectors)
    print(f"{'evaluation':<14} {time.perf_counter() - start:6.2f} s")
    publish_scores(analogy, wordsim)
    publish_stage_times(seconds, stages)

    path = vectors.save("countbased-ptb-tuned.npz")
    print(f"\nsaved {vectors!r} to {path}")

    plot_analogy_sections(analogy, "Google analogies on tuned PTB vectors")
    pairs = [(a, b, score) for a, b, score in load_wordsim353() if a in vectors and b in vectors]
    plot_wordsim_pairs([score for _, _, score in pairs],
                       [vectors.similarity(a, b) for a, b, _ in pairs],
                       f"WordSim353 on tuned PTB vectors: {len(pairs)} pairs, "
                       f"Spearman {wordsim.spearman:.3f}")
