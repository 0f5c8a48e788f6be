"""Skip-gram on PTB: seconds per epoch and target words per second, beside CBOW.

Three paths, on the book's settings (window 5, 100 dimensions, 5 negative
samples), one after the other in this process:

* the textbook path: book 2's SkipGram made of layers (one Embedding, ten
  NegativeSamplingLoss of six EmbeddingDot and six SigmoidWithLoss each, each
  drawing its negatives row by row with the book's sampler), trained by the
  kernel's Trainer with Adam in mini-batches of 100.  An epoch of it takes
  most of an hour, so it is timed on its first mini-batches and the time of
  an epoch is extrapolated;
* the skip-gram fast path: FastSkipGram with its optimizer, one whole epoch;
* the CBOW fast path: FastCBOW with SparseAdam, one whole epoch.

Its peer is gensim's word2vec skip-gram, where gensim is installed (the
``bench`` extra): one epoch of the same PTB words with the same settings, with
1 and 2 threads, against the fast path limited to as many threads
(:mod:`gensimpeer`).

``--quality`` also trains the skip-gram fast path for 10 epochs (once per
``--seeds``) and scores it on the Google analogy questions and WordSim353,
with CBOW's fast path beside it (about two minutes per seed) and, for the
first seed, gensim's skip-gram (10 epochs, 1 thread); ``--lrs`` adds
skip-gram runs with other learning rates.

Run ``python benchmarks/bench_skipgram.py`` (or ``nox -s bench``).  The data
files come from ``$RINDOKU_DATA`` or the download cache, as for the library.
The run writes its figures to ``docs/records/bench.skipgram/record.json``
(with ``--quality``: ``bench.skipgram.quality``), where the book cites them
(``--no-record`` writes nothing).
"""

from __future__ import annotations

import argparse
import os
import time
from dataclasses import replace

import numpy as np
import scipy
from benchrecord import BenchRecord, add_record_options
from gensimpeer import compare_with_gensim, gensim_vectors, sentences, train_gensim

from rindoku.trainer import Trainer
from rindoku_cbow.contexts import create_contexts_target
from rindoku_cbow.fast import FastCBOW
from rindoku_optimizers.optimizers import Adam
from rindoku_skipgram.compare import (
    CBOW_SETTINGS,
    SKIPGRAM_SETTINGS,
    Word2vecSettings,
    train_word2vec,
)
from rindoku_skipgram.fast import FastSkipGram
from rindoku_skipgram.models import SkipGram
from rindoku_text.ptb import load_data
from rindoku_text.wordvectors import (
    WordVectors,
    evaluate_analogy,
    evaluate_wordsim353,
)

TEXTBOOK_BATCH = 100
TEXTBOOK_BATCHES = 20
"""How many mini-batches of the textbook path are timed."""
EPOCH_BAR, RATIO_BAR = 15.0, 4.0
"""The fast skip-gram's targets: seconds per PTB epoch, and times CBOW's epoch."""


def textbook_speed(corpus, contexts, target, vocab_size) -> float:
    """Target words/s of SkipGram + Trainer + Adam, timed on the first mini-batches."""
    s = SKIPGRAM_SETTINGS
    rng = np.random.default_rng(0)
    model = SkipGram(vocab_size, s.hidden_size, s.window_size, corpus, rng, s.sample_size)
    trainer = Trainer(model, Adam(), rng=rng, progress=False)
    n = TEXTBOOK_BATCH * TEXTBOOK_BATCHES
    trainer.fit(contexts[:TEXTBOOK_BATCH], target[:TEXTBOOK_BATCH], max_epoch=1,
                batch_size=TEXTBOOK_BATCH)  # warm-up: Adam's first step makes its state
    start = time.perf_counter()
    trainer.fit(contexts[:n], target[:n], max_epoch=1, batch_size=TEXTBOOK_BATCH)
    return n / (time.perf_counter() - start)


def fast_epoch(model_class, corpus, vocab_size, settings: Word2vecSettings, seed: int = 0):
    """One epoch of a fast path: (seconds, target words/s, the epoch's loss)."""
    settings = replace(settings, max_epoch=1)
    trainer, seconds = train_word2vec(model_class, corpus, vocab_size,
                                      np.random.default_rng(seed), settings, progress=False)
    targets = (len(corpus) - 2 * settings.window_size) // settings.batch_size
    return seconds, targets * settings.batch_size / seconds, trainer.history.epoch_losses[-1]


def publish_scores(record: BenchRecord, prefix: str, matrix: np.ndarray, word_to_id,
                   id_to_word) -> str:
    """Score word vectors; publish ``PREFIX_analogy`` (``_semantic``, ``_syntactic``) and
    ``PREFIX_wordsim``; return them as one line."""
    vectors = WordVectors(matrix, word_to_id, id_to_word)
    analogy, similarity = evaluate_analogy(vectors), evaluate_wordsim353(vectors)
    record.publish(f"{prefix}_analogy", analogy.accuracy, "{:.2%}")
    record.publish(f"{prefix}_analogy_semantic", analogy.semantic_accuracy, "{:.2%}")
    record.publish(f"{prefix}_analogy_syntactic", analogy.syntactic_accuracy, "{:.2%}")
    record.publish(f"{prefix}_wordsim", similarity.spearman, "{:.3f}")
    return (f"{analogy.accuracy:6.2%} (sem {analogy.semantic_accuracy:5.2%}, "
            f"syn {analogy.syntactic_accuracy:5.2%})  {similarity.spearman:6.3f}")


def scores(record: BenchRecord, prefix: str, model_class, settings, corpus, word_to_id,
           id_to_word, seed: int) -> str:
    """Train 10 epochs; one line: seconds, analogy (all, semantic, syntactic), WordSim353.

    Publishes ``PREFIX_seconds_10_epochs`` and the scores (:func:`publish_scores`).
    """
    trainer, seconds = train_word2vec(model_class, corpus, len(word_to_id),
                                      np.random.default_rng(seed), settings, progress=False)
    record.publish(f"{prefix}_seconds_10_epochs", seconds, "{:.0f} s")
    line = publish_scores(record, prefix, trainer.model.word_vecs, word_to_id, id_to_word)
    return f"{seconds:6.1f} s  {line}"


def gensim_scores(record: BenchRecord, corpus, word_to_id, id_to_word) -> str:
    """Train gensim's skip-gram for 10 epochs with 1 thread; the same line as :func:`scores`."""
    model, seconds, _ = train_gensim(sentences(corpus, id_to_word), sg=1, workers=1,
                                     epochs=10)
    record.publish("gensim_seconds_10_epochs", seconds, "{:.0f} s")
    line = publish_scores(record, "gensim", gensim_vectors(model, id_to_word), word_to_id,
                          id_to_word)
    return f"{seconds:6.1f} s  {line}"


def run_name(lr: float) -> str:
    """The value prefix of a skip-gram run with another learning rate: ``skipgram_lr_0_005``."""
    return "skipgram_lr_" + f"{lr:g}".replace(".", "_").replace("-", "m")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quality", action="store_true",
                        help="also train 10 epochs of skip-gram and CBOW and score them")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0],
                        help="the seeds of the --quality runs (default: 0)")
    parser.add_argument("--lrs", type=float, nargs="+", default=[],
                        help="with --quality, also train skip-gram with these learning rates")
    add_record_options(parser)
    args = parser.parse_args()
    with BenchRecord.from_args("skipgram.quality" if args.quality else "skipgram",
                               args) as record:
        run(record, args)


def run(record: BenchRecord, args: argparse.Namespace) -> None:
    corpus, word_to_id, id_to_word = load_data("train")
    vocab_size = len(word_to_id)
    s = SKIPGRAM_SETTINGS
    contexts, target = create_contexts_target(corpus, s.window_size)
    print(f"PTB: {len(target):,} targets, window {s.window_size}, hidden {s.hidden_size}, "
          f"{s.sample_size} negatives; {os.cpu_count()} CPU cores, NumPy {np.__version__}, "
          f"SciPy {scipy.__version__}\n")
    record.publish("targets", len(target), "{:,}")

    textbook = textbook_speed(corpus, contexts, target, vocab_size)
    sg_seconds, sg_speed, sg_loss = fast_epoch(FastSkipGram, corpus, vocab_size, s)
    cbow_seconds, cbow_speed, cbow_loss = fast_epoch(FastCBOW, corpus, vocab_size,
                                                     CBOW_SETTINGS)
    textbook_epoch = len(target) / textbook
    record.publish("textbook_words_per_second", textbook, "{:,.0f}")
    record.publish("textbook_batch_ms", 1e3 * TEXTBOOK_BATCH / textbook, "{:.0f} ms")
    record.publish("textbook_epoch_seconds", textbook_epoch, "{:,.0f} s")
    record.publish("textbook_epoch_minutes", textbook_epoch / 60, "{:.0f}")
    record.publish("fast_words_per_second", sg_speed, "{:,.0f}")
    record.publish("fast_batch_ms", 1e3 * s.batch_size / sg_speed, "{:.1f} ms")
    record.publish("fast_epoch_seconds", sg_seconds, "{:.2f} s")
    record.publish("fast_epoch_loss", sg_loss, "{:.3f}")
    speedup = record.publish("textbook_over_fast", sg_speed / textbook, "{:,.0f}")
    record.publish("cbow_fast_words_per_second", cbow_speed, "{:,.0f}")
    record.publish("cbow_fast_epoch_seconds", cbow_seconds, "{:.2f} s")
    record.publish("cbow_fast_epoch_loss", cbow_loss, "{:.3f}")
    rows = [
        ("skip-gram textbook: SkipGram layers + Trainer + Adam, batch 100",
         textbook, textbook_epoch),
        (f"  (timed on {TEXTBOOK_BATCHES} mini-batches, epoch extrapolated)", None, None),
        (f"skip-gram fast: FastSkipGram + SparseAdam, batch {s.batch_size} (one full epoch)",
         sg_speed, sg_seconds),
        (f"CBOW fast: FastCBOW + SparseAdam, batch {CBOW_SETTINGS.batch_size} (one full epoch)",
         cbow_speed, cbow_seconds),
    ]
    print(f"{'path':<68} {'target words/s':>14} {'s/epoch':>8}")
    for name, speed, seconds in rows:
        print(f"{name:<68}" + ("" if speed is None else f" {speed:>14,.0f} {seconds:>8,.2f}"))
    ratio = sg_seconds / cbow_seconds
    record.publish("skipgram_over_cbow", ratio, "{:.1f}")
    print(f"\nskip-gram fast path: {speedup} times as fast as the "
          f"textbook skip-gram (loss after its epoch: {sg_loss:.3f})")
    print(f"skip-gram / CBOW, fast paths, same run: {ratio:.2f} times CBOW's epoch "
          f"(CBOW's loss after its epoch: {cbow_loss:.3f})")
    met = sg_seconds <= EPOCH_BAR and ratio <= RATIO_BAR
    print(f"target: at most {EPOCH_BAR:.0f} s per epoch and {RATIO_BAR:.0f} times CBOW's: "
          + ("met" if met else "NOT met"))

    compare_with_gensim(record, sg=1, name="skip-gram", corpus=corpus, id_to_word=id_to_word,
                        rindoku_epoch=lambda: fast_epoch(FastSkipGram, corpus, vocab_size, s)[0],
                        textbook_epoch_seconds=textbook_epoch)

    if args.quality:
        print("\n10 epochs each; analogy: Google questions in the PTB vocabulary\n")
        print(f"{'path':<20} {'seed':>4}  {'time':>8}  {'analogy':<30} {'WS353':>6}")
        runs = [("skipgram", f"skip-gram, lr {s.lr:g}", FastSkipGram, s),
                ("cbow", "CBOW", FastCBOW, CBOW_SETTINGS)]
        runs += [(run_name(lr), f"skip-gram, lr {lr:g}", FastSkipGram, replace(s, lr=lr))
                 for lr in args.lrs if lr != s.lr]
        for seed in args.seeds:
            for prefix, name, model_class, settings in runs:
                if seed != args.seeds[0]:
                    prefix += f"_seed{seed}"
                line = scores(record, prefix, model_class, settings, corpus, word_to_id,
                              id_to_word, seed)
                print(f"{name:<20} {seed:>4}  {line}", flush=True)
        try:
            line = gensim_scores(record, corpus, word_to_id, id_to_word)
        except ImportError:
            print("gensim's skip-gram: not installed, so not trained")
        else:
            print(f"{'gensim skip-gram, 1 thread':<25}  {line}")


if __name__ == "__main__":
    main()
