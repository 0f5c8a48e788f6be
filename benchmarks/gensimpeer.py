"""gensim's word2vec as a peer of rindoku's CBOW and skip-gram, on the same PTB epoch.

gensim (the ``bench`` extra) is word2vec written in C: it takes no
mini-batches and updates the weights after every target.  It trains on the
very words rindoku trains on: the book's word stream of ``ptb.train.txt``
(each line's words and an ``<eos>``, as :func:`rindoku_text.ptb.load_data`
gives it), cut into pieces of 10,000 words, the longest sentence gensim
takes, so that its windows cross the ends of lines as the book's do.  The
settings are the book's: window 5, 100 dimensions, 5 negatives, no
subsampling (``sample=0``), every word kept (``min_count=1``: PTB's vocabulary
is already 10,000 words), gensim's own learning rate (0.025, decaying to
0.0001 over the run).  gensim runs with 1 worker thread and with 2; rindoku's
fast path runs with its BLAS and OpenMP pools limited to the same number of
threads (``threadpoolctl``), and the ratio of the two times is printed.

When gensim is not installed, the comparison is skipped with a line that
says so, and the record says gensim was not available.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np
from benchrecord import BenchRecord
from threadpoolctl import threadpool_limits

__all__ = ["THREADS", "compare_with_gensim", "gensim_version", "gensim_vectors", "sentences"]

THREADS = (1, 2)
"""The thread counts of the comparison: gensim's workers, rindoku's BLAS/OpenMP threads."""

PIECE = 10_000
"""Words per gensim sentence: gensim cuts longer sentences at this length."""

SETTINGS = dict(vector_size=100, window=5, negative=5, hs=0, sample=0, min_count=1, seed=0)
"""gensim's word2vec with the book's settings."""


def gensim_version() -> str | None:
    """gensim's version, or None when it cannot be imported."""
    try:
        import gensim
    except ImportError:
        return None
    return str(gensim.__version__)


def sentences(corpus: np.ndarray, id_to_word: dict[int, str]) -> list[list[str]]:
    """The book's PTB word stream as gensim's sentences: pieces of 10,000 words."""
    words = [id_to_word[i] for i in corpus.tolist()]
    return [words[start:start + PIECE] for start in range(0, len(words), PIECE)]


def train_gensim(pieces: list[list[str]], *, sg: int, workers: int,
                 epochs: int = 1) -> tuple[Any, float, int]:
    """Train gensim's word2vec; return the model, the training's seconds and its words.

    Building the vocabulary is left out of the time, as rindoku's times leave
    out making the contexts and targets.
    """
    from gensim.models import Word2Vec

    model = Word2Vec(sg=sg, workers=workers, **SETTINGS)
    model.build_vocab(pieces)
    start = time.perf_counter()
    _, words = model.train(pieces, total_examples=model.corpus_count, epochs=epochs)
    return model, time.perf_counter() - start, words


def gensim_vectors(model: Any, id_to_word: dict[int, str]) -> np.ndarray:
    """gensim's word vectors in rindoku's word order (row i is the word of id i)."""
    return np.asarray(model.wv[[id_to_word[i] for i in range(len(id_to_word))]])


def compare_with_gensim(record: BenchRecord, *, sg: int, name: str,
                        corpus: np.ndarray, id_to_word: dict[int, str],
                        rindoku_epoch: Callable[[], float],
                        textbook_epoch_seconds: float) -> None:
    """Time one epoch of gensim and of rindoku's fast path at 1 and 2 threads; print the ratios.

    ``rindoku_epoch()`` trains one epoch of the fast path and returns its
    seconds.  Publishes ``gensim_version`` and, for each thread count
    (suffix ``_1thread``, ``_2threads``), ``fast_epoch_seconds``,
    ``gensim_epoch_seconds``, ``gensim_words_per_second`` and
    ``rindoku_over_gensim`` (the fast path's time over gensim's), and
    ``textbook_over_gensim`` (the textbook epoch over gensim's with 1 thread).
    """
    version = gensim_version()
    record.publish("gensim_version", version or "not installed")
    if version is None:
        print(f"\ngensim: not installed, so its {name} is not timed "
              "(pip install gensim, or rindoku's 'bench' extra)")
        return
    pieces = sentences(corpus, id_to_word)
    print(f"\npeer: gensim {version} word2vec {name} (sg={sg}), one epoch of the same "
          f"{len(corpus):,} PTB words in {len(pieces)} pieces of up to {PIECE:,}; window 5, "
          "100 dims, 5 negatives, sample 0, min_count 1, gensim's learning rate")
    print(f"{'threads':>7} {'rindoku fast (s)':>17} {'gensim (s)':>11} {'gensim words/s':>15} "
          f"{'rindoku / gensim':>17}")
    gensim_seconds = {}
    for threads in THREADS:
        with threadpool_limits(limits=threads):
            fast = rindoku_epoch()
        _, seconds, words = train_gensim(pieces, sg=sg, workers=threads)
        gensim_seconds[threads] = seconds
        suffix = "1thread" if threads == 1 else f"{threads}threads"
        record.publish(f"fast_epoch_seconds_{suffix}", fast, "{:.2f} s")
        record.publish(f"gensim_epoch_seconds_{suffix}", seconds, "{:.2f} s")
        record.publish(f"gensim_words_per_second_{suffix}", words / seconds, "{:,.0f}")
        record.publish(f"rindoku_over_gensim_{suffix}", fast / seconds, "{:.1f}")
        print(f"{threads:>7} {fast:>17.2f} {seconds:>11.2f} {words / seconds:>15,.0f} "
              f"{fast / seconds:>17.2f}", flush=True)
    ratio = record.publish("textbook_over_gensim", textbook_epoch_seconds / gensim_seconds[1],
                           "{:,.0f}")
    print(f"the textbook path's epoch (extrapolated) takes {ratio} times gensim's with 1 thread")
