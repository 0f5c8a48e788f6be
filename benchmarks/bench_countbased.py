"""Count-based word vectors on PTB: time, memory and benchmark scores.

The pipeline of the countbased chapter on the whole PTB training split, stage
by stage, with the book's settings (co-occurrence with a window of 2, PPMI,
top-100 SVD, vectors U·S) and with the tuned ones (a window of 6 weighted by
1/d, context distribution smoothing 0.75, vectors U·S^0.5); the peak memory of
each in a fresh process; their scores for three seeds; the same scores from an
independent exact solver; and the book's way of doing it: its Python-loop
co-occurrence and PPMI, timed on the first words of the corpus and
extrapolated, and its randomized SVD with 5 power iterations, seed by seed.

Run ``python benchmarks/bench_countbased.py`` (or ``nox -s bench``).  The data
files come from ``$RINDOKU_DATA``; when it is unset and the checkout lies beside
a ``shared/data`` folder, that folder is used.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

from rindoku_countbased.countbased import (
    BOOK_SETTINGS,
    TUNED_SETTINGS,
    Settings,
    count_based_vectors,
    create_co_matrix,
    ppmi,
    truncated_svd,
)
from rindoku_text.ptb import load_data
from rindoku_text.wordvectors import (
    AnalogyReport,
    SimilarityReport,
    WordVectors,
    evaluate_analogy,
    evaluate_wordsim353,
)

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
"""The standard data files beside the checkout, used when RINDOKU_DATA is unset."""

SEEDS = (0, 1, 2)
WINDOW_SIZE = BOOK_SETTINGS.window_size
WORDVEC_SIZE = BOOK_SETTINGS.wordvec_size
SUBSAMPLE_WORDS = 5000
"""How many words of the corpus the book's Python loops are timed on."""


def peak_rss_mib() -> float:
    """The process's peak resident memory so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def scores(vectors: WordVectors) -> tuple[AnalogyReport, SimilarityReport]:
    return evaluate_analogy(vectors), evaluate_wordsim353(vectors)


def score_row(label: str, analogy: AnalogyReport, wordsim: SimilarityReport) -> str:
    return (f"  {label:<34} {analogy.accuracy:7.2%} {analogy.semantic_accuracy:9.2%} "
            f"{analogy.syntactic_accuracy:10.2%} {wordsim.spearman:10.4f}")


SCORE_HEADER = (f"  {'':<34} {'analogy':>7} {'semantic':>9} {'syntactic':>10} "
                f"{'WordSim353':>10}")

PIPELINE_IN_A_FRESH_PROCESS = """
import json, re, sys, time
from pathlib import Path
import numpy as np
from rindoku_text.ptb import load_data
from rindoku_countbased.countbased import Settings, count_based_vectors
settings = Settings(**json.loads(sys.argv[1]))
start = time.perf_counter()
corpus, word_to_id, id_to_word = load_data("train")
count_based_vectors(corpus, word_to_id, id_to_word, np.random.default_rng(0),
                    **settings.options())
seconds = time.perf_counter() - start
peak_kib = re.search(r"VmHWM:\\s+(\\d+) kB", Path("/proc/self/status").read_text())[1]
print(seconds, int(peak_kib) / 1024)
"""
"""Load PTB and make the vectors, nothing else, in a new interpreter: its seconds and peak MiB.

The peak is VmHWM, the high-water mark of this process's own memory (Linux);
ru_maxrss would not do, since Linux carries the parent's over to a child.
"""


def fresh_process_run(settings: Settings) -> tuple[float, float]:
    """Seconds and peak resident memory (MiB) of load -> vectors in a fresh interpreter."""
    done = subprocess.run([sys.executable, "-c", PIPELINE_IN_A_FRESH_PROCESS,
                           json.dumps(settings.options())],
                          check=True, capture_output=True, text=True)
    seconds, mib = done.stdout.split()
    return float(seconds), float(mib)


def time_pipeline(
    label: str, settings: Settings
) -> tuple[dict[int, tuple[WordVectors, AnalogyReport, SimilarityReport]], dict[int, dict]]:
    """Run the pipeline with ``settings`` once per seed, printing its stage times.

    The corpus is loaded again for each run, so that the load is timed too; the
    evaluation is timed apart.  Returns the vectors and scores, and the stage
    seconds, by seed.
    """
    print(f"stage times (s), {label}: {settings.describe()}")
    print(f"  {'seed':<6} {'load':>6} {'co-occ.':>8} {'PPMI':>6} {'SVD':>6} {'total':>6} "
          f"{'eval.':>6}")
    results, stage_seconds = {}, {}
    for seed in SEEDS:
        start = time.perf_counter()
        corpus, word_to_id, id_to_word = load_data("train")
        load = time.perf_counter() - start
        vectors, stages = count_based_vectors(corpus, word_to_id, id_to_word,
                                              np.random.default_rng(seed), **settings.options())
        stage_seconds[seed] = {"load": load, **stages}
        start = time.perf_counter()
        results[seed] = (vectors, *scores(vectors))
        evaluation = time.perf_counter() - start
        print(f"  {seed:<6} {load:6.2f} {stages['co-occurrence']:8.2f} {stages['PPMI']:6.2f} "
              f"{stages['SVD']:6.2f} {load + sum(stages.values()):6.2f} {evaluation:6.2f}")
    return results, stage_seconds


# -- the book's way, on a subsample ------------------------------------------------------


def book_create_co_matrix(corpus: np.ndarray, vocab_size: int, window_size: int) -> np.ndarray:
    """The book's create_co_matrix: a Python loop over every position of the corpus."""
    corpus_size = len(corpus)
    co_matrix = np.zeros((vocab_size, vocab_size), dtype=np.int32)
    for idx, word_id in enumerate(corpus):
        for i in range(1, window_size + 1):
            left_idx = idx - i
            right_idx = idx + i
            if left_idx >= 0:
                co_matrix[word_id, corpus[left_idx]] += 1
            if right_idx < corpus_size:
                co_matrix[word_id, corpus[right_idx]] += 1
    return co_matrix


def book_ppmi(C: np.ndarray, eps: float = 1e-8) -> np.ndarray:
    """The book's ppmi: a Python loop over every cell of the matrix."""
    M = np.zeros_like(C, dtype=np.float32)
    N = np.sum(C)
    S = np.sum(C, axis=0)
    for i in range(C.shape[0]):
        for j in range(C.shape[1]):
            pmi = np.log2(C[i, j] * N / (S[j] * S[i]) + eps)
            M[i, j] = max(0, pmi)
    return M


def main() -> None:
    if not os.environ.get("RINDOKU_DATA") and SHARED_DATA.is_dir():
        os.environ["RINDOKU_DATA"] = str(SHARED_DATA)
    print(f"count-based word vectors on PTB, the book's settings and the tuned ones, "
          f"{os.cpu_count()} CPU(s)")
    print(f"RINDOKU_DATA={os.environ.get('RINDOKU_DATA', '(unset: the download cache)')}\n")

    # -- ours, stage by stage, seed after seed: the book's settings and the tuned ones ----------
    results, stage_seconds = time_pipeline("the book's settings", BOOK_SETTINGS)
    print()
    tuned_results, _ = time_pipeline("tuned settings", TUNED_SETTINGS)
    rss = peak_rss_mib()
    corpus, word_to_id, id_to_word = load_data("train")

    print("\npeak memory")
    print(f"  this process's peak RSS so far (interpreter, libraries, six runs and their "
          f"evaluations): {rss:7.1f} MiB")
    for label, settings in [("the book's settings", BOOK_SETTINGS),
                            ("tuned settings", TUNED_SETTINGS)]:
        tracemalloc.start()
        count_based_vectors(corpus, word_to_id, id_to_word, np.random.default_rng(0),
                            **settings.options())
        _, traced = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        seconds, mib = fresh_process_run(settings)
        print(f"  {label + ':':<21} most memory held by arrays at once (tracemalloc) "
              f"{traced / 2**20:6.1f} MiB; load -> vectors in a fresh process: peak RSS "
              f"{mib:6.1f} MiB, {seconds:.2f} s")

    # -- scores -----------------------------------------------------------------------------
    print("\nscores (3CosAdd over the whole vocabulary; vectors U·S, tuned U·S^0.5)")
    print(SCORE_HEADER)
    for label, runs in [("book", results), ("tuned", tuned_results)]:
        for seed, (_, analogy, wordsim) in runs.items():
            print(score_row(f"{label}, seed {seed}", analogy, wordsim))
    for label, runs in [("the book's settings", results), ("tuned settings", tuned_results)]:
        _, analogy, wordsim = runs[SEEDS[0]]
        same = all(a.correct == analogy.correct and abs(w.spearman - wordsim.spearman) < 1e-6
                   for _, a, w in runs.values())
        print(f"  {label}: {analogy.summary()}")
        print(f"  {label}: {wordsim.summary()}")
        print(f"  {label}: the same scores for every seed: {'yes' if same else 'NO'}")

    # -- an independent exact solver: Lanczos on the symmetric PPMI matrix itself ---------------
    from scipy.sparse.linalg import eigsh
    from threadpoolctl import threadpool_limits

    C = create_co_matrix(corpus, len(word_to_id), WINDOW_SIZE, sparse=True)
    W = ppmi(C)
    U, S, _ = truncated_svd(W, WORDVEC_SIZE, np.random.default_rng(0))
    start = time.perf_counter()
    # PPMI is symmetric: its singular values are the |eigenvalues|, U its eigenvectors
    with threadpool_limits(limits=1, user_api="blas"):  # as truncated_svd runs ARPACK
        eigenvalues, eigenvectors = eigsh(W.astype(np.float64), k=WORDVEC_SIZE, which="LM",
                                          v0=np.random.default_rng(123).uniform(-1, 1, W.shape[0]))
    reference_seconds = time.perf_counter() - start
    order = np.argsort(-np.abs(eigenvalues))
    S_ref, U_ref = np.abs(eigenvalues[order]), eigenvectors[:, order]
    print(f"\nexact reference: eigsh on the symmetric PPMI matrix ({reference_seconds:.2f} s)")
    print(f"  largest relative difference of the 100 singular values: "
          f"{np.max(np.abs(S - S_ref) / S_ref):.1e}")
    print(f"  largest difference of the subspaces spanned by U (sine of the largest angle): "
          f"{np.linalg.norm(U_ref - U @ (U.T @ U_ref), 2):.1e}")
    print(SCORE_HEADER)
    for label, matrix in [("exact reference, U·S", U_ref * S_ref),
                          ("exact reference, U (the book's)", U_ref),
                          ("ours, U (the book's choice)", U)]:
        print(score_row(label, *scores(WordVectors(matrix.astype(np.float32), word_to_id,
                                                   id_to_word))))

    # -- the book's randomized SVD: 5 power iterations, not converged ------------------------------
    from sklearn.utils.extmath import randomized_svd

    print("\nthe book's SVD: randomized_svd(n_iter=5), vectors U, on the same PPMI matrix")
    print(SCORE_HEADER)
    for seed in SEEDS:
        U_book, S_book, _ = randomized_svd(W, n_components=WORDVEC_SIZE, n_iter=5,
                                           random_state=seed)
        gap = np.max(np.abs(S_book - S) / S)
        print(score_row(f"seed {seed} (S off by up to {gap:.1%})",
                        *scores(WordVectors(U_book, word_to_id, id_to_word))))

    # -- the book's Python loops, on the first words, extrapolated -------------------------------
    sub_ids, sub = np.unique(corpus[:SUBSAMPLE_WORDS], return_inverse=True)
    V = len(sub_ids)
    start = time.perf_counter()
    C_book = book_create_co_matrix(sub, V, WINDOW_SIZE)
    co_seconds = time.perf_counter() - start
    start = time.perf_counter()
    M_book = book_ppmi(C_book)
    ppmi_seconds = time.perf_counter() - start
    assert np.array_equal(C_book, create_co_matrix(sub, V, WINDOW_SIZE))
    assert np.allclose(M_book, ppmi(C_book), atol=1e-5)
    vocab_size = len(word_to_id)
    co_full = co_seconds * len(corpus) / SUBSAMPLE_WORDS
    ppmi_full = ppmi_seconds * (vocab_size / V) ** 2
    ours = stage_seconds[SEEDS[0]]
    print(f"\nthe book's Python loops, timed on the first {SUBSAMPLE_WORDS:,} words "
          f"(vocabulary {V:,}) and EXTRAPOLATED to PTB (same results as ours on the sample)")
    print(f"  co-occurrence loop: {co_seconds:6.2f} s on the sample; x {len(corpus):,}/"
          f"{SUBSAMPLE_WORDS:,} words -> about {co_full:6.1f} s "
          f"(ours {ours['co-occurrence']:.2f} s: {co_full / ours['co-occurrence']:,.0f}x)")
    print(f"  PPMI loop:          {ppmi_seconds:6.2f} s on the sample; x ({vocab_size:,}/{V:,})^2 "
          f"cells -> about {ppmi_full:6.1f} s (ours {ours['PPMI']:.3f} s: "
          f"{ppmi_full / ours['PPMI']:,.0f}x)")
    print(f"  the two loops: about {co_full + ppmi_full:.0f} s; our whole pipeline, loading "
          f"and SVD included: {sum(ours.values()):.2f} s")

if __name__ == "__main__":
    main()
