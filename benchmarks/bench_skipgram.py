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

``--quality`` also trains the skip-gram fast path for 10 epochs (once per
``--seeds``) and scores it on the Google analogy questions and WordSim353,
with CBOW's fast path beside it (about two minutes per seed); ``--lrs`` adds
skip-gram runs with other learning rates.

Run ``python benchmarks/bench_skipgram.py`` (or ``nox -s bench``).  The data
files come from ``$RINDOKU_DATA`` or the download cache, as for the library.
"""

from __future__ import annotations

import argparse
import os
import time
from dataclasses import replace

import numpy as np
import scipy

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


def scores(model_class, settings, corpus, word_to_id, id_to_word, seed: int) -> str:
    """Train 10 epochs; one line: seconds, analogy (all, semantic, syntactic), WordSim353."""
    trainer, seconds = train_word2vec(model_class, corpus, len(word_to_id),
                                      np.random.default_rng(seed), settings, progress=False)
    vectors = WordVectors(trainer.model.word_vecs, word_to_id, id_to_word)
    analogy, similarity = evaluate_analogy(vectors), evaluate_wordsim353(vectors)
    return (f"{seconds:6.1f} s  {analogy.accuracy:6.2%} (sem {analogy.semantic_accuracy:5.2%}, "
            f"syn {analogy.syntactic_accuracy:5.2%})  {similarity.spearman:6.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quality", action="store_true",
                        help="also train 10 epochs of skip-gram and CBOW and score them")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0],
                        help="the seeds of the --quality runs (default: 0)")
    parser.add_argument("--lrs", type=float, nargs="+", default=[],
                        help="with --quality, also train skip-gram with these learning rates")
    args = parser.parse_args()

    corpus, word_to_id, id_to_word = load_data("train")
    vocab_size = len(word_to_id)
    s = SKIPGRAM_SETTINGS
    contexts, target = create_contexts_target(corpus, s.window_size)
    print(f"PTB: {len(target):,} targets, window {s.window_size}, hidden {s.hidden_size}, "
          f"{s.sample_size} negatives; {os.cpu_count()} CPU cores, NumPy {np.__version__}, "
          f"SciPy {scipy.__version__}\n")

    textbook = textbook_speed(corpus, contexts, target, vocab_size)
    sg_seconds, sg_speed, sg_loss = fast_epoch(FastSkipGram, corpus, vocab_size, s)
    cbow_seconds, cbow_speed, cbow_loss = fast_epoch(FastCBOW, corpus, vocab_size,
                                                     CBOW_SETTINGS)
    rows = [
        ("skip-gram textbook: SkipGram layers + Trainer + Adam, batch 100",
         textbook, len(target) / textbook),
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
    print(f"\nskip-gram fast path: {textbook and sg_speed / textbook:,.0f} times as fast as the "
          f"textbook skip-gram (loss after its epoch: {sg_loss:.3f})")
    print(f"skip-gram / CBOW, fast paths, same run: {ratio:.2f} times CBOW's epoch "
          f"(CBOW's loss after its epoch: {cbow_loss:.3f})")
    met = sg_seconds <= EPOCH_BAR and ratio <= RATIO_BAR
    print(f"target: at most {EPOCH_BAR:.0f} s per epoch and {RATIO_BAR:.0f} times CBOW's: "
          + ("met" if met else "NOT met"))

    if args.quality:
        print("\n10 epochs each; analogy: Google questions in the PTB vocabulary\n")
        print(f"{'path':<20} {'seed':>4}  {'time':>8}  {'analogy':<30} {'WS353':>6}")
        runs = [(f"skip-gram, lr {s.lr:g}", FastSkipGram, s),
                ("CBOW", FastCBOW, CBOW_SETTINGS)]
        runs += [(f"skip-gram, lr {lr:g}", FastSkipGram, replace(s, lr=lr))
                 for lr in args.lrs if lr != s.lr]
        for seed in args.seeds:
            for name, model_class, settings in runs:
                line = scores(model_class, settings, corpus, word_to_id, id_to_word, seed)
                print(f"{name:<20} {seed:>4}  {line}", flush=True)


if __name__ == "__main__":
    main()
