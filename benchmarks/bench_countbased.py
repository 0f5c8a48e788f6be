"""Count-based word vectors on PTB: time, memory and benchmark scores.

The pipeline of the countbased chapter on the whole PTB training split, stage
by stage, with the book's settings (co-occurrence with a window of 2, PPMI,
top-100 SVD, vectors U·S) and with the tuned ones (a window of 6 weighted by
1/d, context distribution smoothing 0.75, vectors U·S^0.5); the peak memory of
each in a fresh process; their scores for three seeds; the same scores from an
independent exact solver; and the book's way of doing it: its Python-loop
co-occurrence and PPMI (:mod:`rindoku_countbased.countbased`) against the fast
path (:mod:`rindoku_countbased.fast`) on the first 20,000 words of the corpus,
in this process, checked equal and extrapolated to the whole corpus, and its
randomized SVD with 5 power iterations, seed by seed.

Run ``python benchmarks/bench_countbased.py`` (or ``nox -s bench``).  The data
files come from ``$RINDOKU_DATA`` or the download cache, as for the library.  The
run writes its figures to
``docs/records/bench.countbased/record.json``, where the book cites them
(``--no-record`` writes nothing).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np
from benchrecord import BenchRecord, add_record_options

from rindoku_countbased import countbased
from rindoku_countbased.fast import (
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

"""The standard data files beside the checkout, used when RINDOKU_DATA is unset."""

SEEDS = (0, 1, 2)
WINDOW_SIZE = BOOK_SETTINGS.window_size
WORDVEC_SIZE = BOOK_SETTINGS.wordvec_size
SLICE_WORDS = 20_000
"""How many words of the corpus the book's Python loops and the fast path are timed on."""


def peak_rss_mib() -> float:
    """The process's peak resident memory so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def scores(vectors: WordVectors) -> tuple[AnalogyReport, SimilarityReport]:
    return evaluate_analogy(vectors), evaluate_wordsim353(vectors)


def score_row(label: str, analogy: AnalogyReport, wordsim: SimilarityReport) -> str:
    return (f"  {label:<34} {analogy.accuracy:7.2%} {analogy.semantic_accuracy:9.2%} "
            f"{analogy.syntactic_accuracy:10.2%} {wordsim.spearman:10.4f}")


def publish_scores(record: BenchRecord, prefix: str, analogy: AnalogyReport,
                   wordsim: SimilarityReport) -> None:
    """Publish ``PREFIX_analogy`` (``_semantic``, ``_syntactic``) and ``PREFIX_wordsim``."""
    record.publish(f"{prefix}_analogy", analogy.accuracy, "{:.2%}")
    record.publish(f"{prefix}_analogy_semantic", analogy.semantic_accuracy, "{:.2%}")
    record.publish(f"{prefix}_analogy_syntactic", analogy.syntactic_accuracy, "{:.2%}")
    record.publish(f"{prefix}_wordsim", wordsim.spearman, "{:.4f}")


STAGES = {"load": "load", "co-occurrence": "cooccurrence", "PPMI": "ppmi", "SVD": "svd"}
"""The pipeline's stages, as it names them and as the record names them."""


def publish_stages(record: BenchRecord, prefix: str, stage_seconds: dict[int, dict]) -> None:
    """Publish each stage's and the total's median, least and most seconds over the seeds.

    ``PREFIX_svd_seconds`` (the median), ``PREFIX_svd_seconds_min``,
    ``PREFIX_svd_seconds_max`` …, and ``PREFIX_total_seconds`` likewise.
    """
    runs = list(stage_seconds.values())
    columns = {name: [run[stage] for run in runs] for stage, name in STAGES.items()}
    columns["total"] = [sum(run.values()) for run in runs]
    for name, seconds in columns.items():
        fmt = "{:.2f} s" if max(seconds) >= 0.1 else "{:.3f} s"
        record.publish(f"{prefix}_{name}_seconds", float(np.median(seconds)), fmt)
        record.publish(f"{prefix}_{name}_seconds_min", min(seconds), fmt)
        record.publish(f"{prefix}_{name}_seconds_max", max(seconds), fmt)


SCORE_HEADER = (f"  {'':<34} {'analogy':>7} {'semantic':>9} {'syntactic':>10} "
                f"{'WordSim353':>10}")

PIPELINE_IN_A_FRESH_PROCESS = """
import json, re, sys, time
from pathlib import Path
import numpy as np
from rindoku_text.ptb import load_data
from rindoku_countbased.fast import Settings, count_based_vectors
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


# -- the book's way against the fast path, on a slice of the corpus ---------------------------


def best_of(repeats: int, function: Callable[..., Any], *args: Any) -> tuple[float, Any]:
    """The shortest of ``repeats`` timings of ``function(*args)`` and its result."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = function(*args)
        times.append(time.perf_counter() - start)
    return min(times), result


def book_against_fast(record: BenchRecord, corpus: np.ndarray, vocab_size: int,
                      fast_seconds: dict) -> None:
    """Time the book's loops and the fast path on the first SLICE_WORDS words; extrapolate.

    The slice's words are renumbered 0 … V - 1, so that both build a V × V
    matrix.  The counts must be equal and the PPMI equal to float32 rounding.
    """
    slice_ids, ids = np.unique(corpus[:SLICE_WORDS], return_inverse=True)
    V = len(slice_ids)
    book_co, C_book = best_of(1, countbased.create_co_matrix, ids, V, WINDOW_SIZE)
    book_ppmi, M_book = best_of(1, countbased.ppmi, C_book)
    fast_co, C_fast = best_of(5, create_co_matrix, ids, V, WINDOW_SIZE)
    fast_sparse, C_sparse = best_of(5, lambda: create_co_matrix(ids, V, WINDOW_SIZE,
                                                                sparse=True))
    fast_ppmi, M_fast = best_of(5, ppmi, C_book)
    fast_sparse_ppmi, _ = best_of(5, ppmi, C_sparse)
    assert np.array_equal(C_fast, C_book) and np.array_equal(C_sparse.toarray(), C_book)
    assert np.allclose(M_fast, M_book, rtol=1e-6, atol=1e-6)

    print(f"\nthe book's Python loops against the fast path, on the first {SLICE_WORDS:,} words "
          f"(vocabulary {V:,}, window {WINDOW_SIZE}), this process; the same results")
    print(f"  {'':<22} {'book (loops)':>12} {'fast, dense':>12} {'fast, sparse':>13}")
    print(f"  {'co-occurrence':<22} {book_co:10.3f} s {fast_co:10.4f} s {fast_sparse:11.4f} s"
          f"   book / fast sparse: {book_co / fast_sparse:,.0f}x")
    print(f"  {'PPMI':<22} {book_ppmi:10.3f} s {fast_ppmi:10.4f} s {fast_sparse_ppmi:11.4f} s"
          f"   book / fast sparse: {book_ppmi / fast_sparse_ppmi:,.0f}x")

    co_full = book_co * len(corpus) / SLICE_WORDS
    ppmi_full = book_ppmi * (vocab_size / V) ** 2
    for name, value, fmt in [
        ("slice_words", SLICE_WORDS, "{:,}"),
        ("slice_vocabulary", V, "{:,}"),
        ("slice_loop_cooccurrence_seconds", book_co, "{:.3f} s"),
        ("slice_loop_ppmi_seconds", book_ppmi, "{:.1f} s"),
        ("slice_dense_cooccurrence_seconds", fast_co, "{:.4f} s"),
        ("slice_sparse_cooccurrence_seconds", fast_sparse, "{:.4f} s"),
        ("slice_dense_ppmi_seconds", fast_ppmi, "{:.4f} s"),
        ("slice_sparse_ppmi_seconds", fast_sparse_ppmi, "{:.4f} s"),
        ("cooccurrence_loop_over_sparse", book_co / fast_sparse, "{:,.0f}"),
        ("ppmi_loop_over_sparse", book_ppmi / fast_sparse_ppmi, "{:,.0f}"),
        ("ptb_loop_cooccurrence_seconds", co_full, "{:.1f} s"),
        ("ptb_loop_ppmi_seconds", ppmi_full, "{:.0f} s"),
        ("ptb_loops_seconds", co_full + ppmi_full, "{:.0f} s"),
        ("ptb_fast_pipeline_seconds", sum(fast_seconds.values()), "{:.2f} s"),
    ]:
        record.publish(name, value, fmt)
    print(f"  the book's loops EXTRAPOLATED to the whole of PTB ({len(corpus):,} words, "
          f"{vocab_size:,} x {vocab_size:,} cells):")
    print(f"    co-occurrence loop: about {co_full:6.1f} s (the fast path on PTB: "
          f"{fast_seconds['co-occurrence']:.2f} s)")
    print(f"    PPMI loop:          about {ppmi_full:6.1f} s (the fast path on PTB: "
          f"{fast_seconds['PPMI']:.3f} s)")
    print(f"    the two loops: about {co_full + ppmi_full:.0f} s; the fast pipeline, loading "
          f"and SVD included: {sum(fast_seconds.values()):.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_record_options(parser)
    args = parser.parse_args()
    with BenchRecord.from_args("countbased", args) as record:
        run(record)


def run(record: BenchRecord) -> None:
    print(f"count-based word vectors on PTB, the book's settings and the tuned ones, "
          f"{os.cpu_count()} CPU(s)")
    print("data: RINDOKU_DATA" if os.environ.get("RINDOKU_DATA") else "data: the download cache")
    print()

    # -- ours, stage by stage, seed after seed: the book's settings and the tuned ones ----------
    results, stage_seconds = time_pipeline("the book's settings", BOOK_SETTINGS)
    print()
    tuned_results, tuned_stage_seconds = time_pipeline("tuned settings", TUNED_SETTINGS)
    publish_stages(record, "book", stage_seconds)
    publish_stages(record, "tuned", tuned_stage_seconds)
    rss = peak_rss_mib()
    record.publish("process_peak_rss_mib", rss, "{:.0f} MiB")
    corpus, word_to_id, id_to_word = load_data("train")

    print("\npeak memory")
    print(f"  this process's peak RSS so far (interpreter, libraries, six runs and their "
          f"evaluations): {rss:7.1f} MiB")
    for prefix, label, settings in [("book", "the book's settings", BOOK_SETTINGS),
                                    ("tuned", "tuned settings", TUNED_SETTINGS)]:
        tracemalloc.start()
        count_based_vectors(corpus, word_to_id, id_to_word, np.random.default_rng(0),
                            **settings.options())
        _, traced = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        seconds, mib = fresh_process_run(settings)
        record.publish(f"{prefix}_traced_mib", traced / 2**20, "{:.0f} MiB")
        record.publish(f"{prefix}_peak_rss_mib", mib, "{:.0f} MiB")
        record.publish(f"{prefix}_fresh_process_seconds", seconds, "{:.1f} s")
        print(f"  {label + ':':<21} most memory held by arrays at once (tracemalloc) "
              f"{traced / 2**20:6.1f} MiB; load -> vectors in a fresh process: peak RSS "
              f"{mib:6.1f} MiB, {seconds:.2f} s")

    # -- scores -----------------------------------------------------------------------------
    print("\nscores (3CosAdd over the whole vocabulary; vectors U·S, tuned U·S^0.5)")
    print(SCORE_HEADER)
    for label, runs in [("book", results), ("tuned", tuned_results)]:
        for seed, (_, analogy, wordsim) in runs.items():
            print(score_row(f"{label}, seed {seed}", analogy, wordsim))
    for prefix, label, runs in [("book", "the book's settings", results),
                                ("tuned", "tuned settings", tuned_results)]:
        _, analogy, wordsim = runs[SEEDS[0]]
        same = all(a.correct == analogy.correct and abs(w.spearman - wordsim.spearman) < 1e-6
                   for _, a, w in runs.values())
        publish_scores(record, prefix, analogy, wordsim)
        record.publish(f"{prefix}_same_scores_every_seed", "yes" if same else "no")
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
    value_gap = np.max(np.abs(S - S_ref) / S_ref)
    subspace_gap = np.linalg.norm(U_ref - U @ (U.T @ U_ref), 2)
    record.publish("exact_seconds", reference_seconds, "{:.2f} s")
    record.publish("exact_singular_value_difference", value_gap, "{:.0e}")
    record.publish("exact_subspace_difference", subspace_gap, "{:.0e}")
    print(f"\nexact reference: eigsh on the symmetric PPMI matrix ({reference_seconds:.2f} s)")
    print(f"  largest relative difference of the 100 singular values: {value_gap:.1e}")
    print(f"  largest difference of the subspaces spanned by U (sine of the largest angle): "
          f"{subspace_gap:.1e}")
    print(SCORE_HEADER)
    for prefix, label, matrix in [("exact_us", "exact reference, U·S", U_ref * S_ref),
                                  ("exact_u", "exact reference, U (the book's)", U_ref),
                                  ("ours_u", "ours, U (the book's choice)", U)]:
        reports = scores(WordVectors(matrix.astype(np.float32), word_to_id, id_to_word))
        publish_scores(record, prefix, *reports)
        print(score_row(label, *reports))

    # -- the book's randomized SVD: 5 power iterations, not converged ------------------------------
    from sklearn.utils.extmath import randomized_svd

    print("\nthe book's SVD: randomized_svd(n_iter=5), vectors U, on the same PPMI matrix")
    print(SCORE_HEADER)
    for seed in SEEDS:
        U_book, S_book, _ = randomized_svd(W, n_components=WORDVEC_SIZE, n_iter=5,
                                           random_state=seed)
        gap = np.max(np.abs(S_book - S) / S)
        reports = scores(WordVectors(U_book, word_to_id, id_to_word))
        publish_scores(record, f"randomized_seed{seed}", *reports)
        record.publish(f"randomized_seed{seed}_singular_value_gap", gap, "{:.1%}")
        print(score_row(f"seed {seed} (S off by up to {gap:.1%})", *reports))

    # -- the book's Python loops against the fast path --------------------------------------------
    book_against_fast(record, corpus, len(word_to_id), stage_seconds[SEEDS[0]])


if __name__ == "__main__":
    main()
