"""CBOW on PTB: target words per second of the textbook path and of the fast path.

The textbook path is book 2's CBOW made of layers (ten Embedding, six
EmbeddingDot, six SigmoidWithLoss, negatives drawn row by row by the book's
sampler), trained by the kernel's Trainer with Adam in mini-batches of 100.
An epoch of it takes minutes, so it is timed on its first mini-batches and the
time of an epoch is extrapolated.  The fast path is
FastCBOW with SparseAdam in mini-batches of 4096; it trains one whole epoch.
Both run in this process, one after the other, on the book's settings (window
5, 100 dimensions, 5 negative samples).

``--quality`` also trains each design of the chapter's comparison table for 10
epochs and scores its vectors on the Google analogy questions and WordSim353
(a few minutes).  ``--textbook-quality`` adds the textbook path's own scores:
its updates computed by the fused step with dense Adam and the book's
negatives, which gives the same weights up to float32 rounding (most of an
hour).

Run ``python benchmarks/bench_cbow.py`` (or ``nox -s bench``).  The data files
come from ``$RINDOKU_DATA`` or the download cache, as for the library.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
import scipy

from rindoku.trainer import Trainer, TrainingDivergedError
from rindoku_cbow.contexts import create_contexts_target
from rindoku_cbow.fast import FastCBOW
from rindoku_cbow.models import CBOW
from rindoku_cbow.sampling import UnigramSampler
from rindoku_optimizers.optimizers import Adam
from rindoku_text.ptb import load_data
from rindoku_text.sparse import RowSparseGrad, SparseAdam
from rindoku_text.wordvectors import (
    WordVectors,
    evaluate_analogy,
    evaluate_wordsim353,
)

WINDOW_SIZE, HIDDEN_SIZE, SAMPLE_SIZE, MAX_EPOCH = 5, 100, 5, 10
TEXTBOOK_BATCH = 100
TEXTBOOK_BATCHES = 50
"""How many mini-batches of the textbook path are timed."""
FAST_BATCH, FAST_LR = 4096, 0.01


def textbook_speed(corpus, contexts, target, vocab_size) -> float:
    """Target words/s of CBOW + Trainer + Adam, timed on the first mini-batches."""
    rng = np.random.default_rng(0)
    model = CBOW(vocab_size, HIDDEN_SIZE, WINDOW_SIZE, corpus, rng, SAMPLE_SIZE)
    trainer = Trainer(model, Adam(), rng=rng, progress=False)
    n = TEXTBOOK_BATCH * TEXTBOOK_BATCHES
    trainer.fit(contexts[:TEXTBOOK_BATCH], target[:TEXTBOOK_BATCH], max_epoch=1,
                batch_size=TEXTBOOK_BATCH)  # warm-up: Adam's first step makes its state
    start = time.perf_counter()
    trainer.fit(contexts[:n], target[:n], max_epoch=1, batch_size=TEXTBOOK_BATCH)
    return n / (time.perf_counter() - start)


def fast_run(corpus, contexts, target, vocab_size, *, epochs=1, batch_size=FAST_BATCH,
             optimizer=None, seed=0, **options) -> tuple[FastCBOW, float, list[float]]:
    """Train FastCBOW; return the model, target words/s and the epoch losses."""
    rng = np.random.default_rng(seed)
    model = FastCBOW(vocab_size, HIDDEN_SIZE, WINDOW_SIZE, corpus, rng, SAMPLE_SIZE, **options)
    optimizer = SparseAdam(lr=FAST_LR) if optimizer is None else optimizer
    trainer = Trainer(model, optimizer, rng=rng, progress=False)
    start = time.perf_counter()
    history = trainer.fit(contexts, target, max_epoch=epochs, batch_size=batch_size)
    seconds = time.perf_counter() - start
    return model, epochs * (len(target) // batch_size) * batch_size / seconds, history.epoch_losses


class RowSparseSGD:
    """Plain SGD on row-sparse gradients: W[rows] -= lr * values (for the table's SGD row)."""

    def __init__(self, lr: float) -> None:
        self.lr = lr

    def update(self, params, grads) -> None:
        for param, grad in zip(params, grads, strict=True):
            if isinstance(grad, RowSparseGrad):
                param[grad.rows] -= self.lr * grad.values
            else:
                param -= self.lr * grad


class DenseGrads:
    """FastCBOW as the textbook path trains: dense gradients for plain Adam, the book's negatives.

    ``sampler`` is the book's :class:`~rindoku_cbow.sampling.UnigramSampler`
    (no word twice in a row), which the textbook CBOW draws with.
    """

    def __init__(self, model: FastCBOW, sampler: UnigramSampler) -> None:
        self.model, self.params, self.sampler = model, model.params, sampler
        self.grads = [np.zeros_like(p) for p in model.params]

    def forward(self, contexts, target):
        negatives = self.sampler.get_negative_sample(target)
        return self.model.forward(contexts, target, negatives)

    def backward(self, dout=1):
        self.model.backward(dout)
        for dense, sparse in zip(self.grads, self.model.grads, strict=True):
            dense[...] = 0
            dense[sparse.rows] = sparse.values


def scores(model, word_to_id, id_to_word) -> str:
    vectors = WordVectors(model.word_vecs, word_to_id, id_to_word)
    analogy, similarity = evaluate_analogy(vectors), evaluate_wordsim353(vectors)
    return (f"{analogy.accuracy:6.2%} (sem {analogy.semantic_accuracy:5.2%}, "
            f"syn {analogy.syntactic_accuracy:5.2%})  {similarity.spearman:6.3f}")


def quality_table(corpus, contexts, target, word_to_id, id_to_word) -> None:
    """Each design of the chapter's table: 10 epochs, words/s, analogy and WordSim353."""
    vocab_size = len(word_to_id)
    designs = [
        ("row-sparse SGD (lr 0.025), summed updates", dict(
            optimizer=RowSparseSGD(0.025), shrink_window=False, full_error=False)),
        ("SparseAdam, exact gradient, fixed window", dict(
            shrink_window=False, full_error=False)),
        ("+ random window shrinking", dict(full_error=False)),
        ("+ full error to each context word (default)", {}),
        ("default, batch 1024", dict(batch_size=1024)),
        ("default, batch 16384", dict(batch_size=16384)),
    ]
    print(f"\n{MAX_EPOCH} epochs each; analogy: Google questions in the PTB vocabulary\n")
    print(f"{'design':<46} {'words/s':>9}  {'analogy':<30} {'WS353':>6}")
    for name, options in designs:
        try:
            model, speed, _ = fast_run(corpus, contexts, target, vocab_size,
                                       epochs=MAX_EPOCH, **options)
        except TrainingDivergedError:
            print(f"{name:<46} {'-':>9}  diverged (the loss became nan or inf)")
            continue
        print(f"{name:<46} {speed:>9,.0f}  {scores(model, word_to_id, id_to_word)}",
              flush=True)


def textbook_quality(corpus, contexts, target, word_to_id, id_to_word) -> None:
    """The textbook path's scores after 10 epochs, from its equivalent fused computation."""
    rng = np.random.default_rng(0)
    model = FastCBOW(len(word_to_id), HIDDEN_SIZE, WINDOW_SIZE, corpus, rng, SAMPLE_SIZE,
                     shrink_window=False, full_error=False)
    sampler = UnigramSampler(corpus, 0.75, SAMPLE_SIZE, rng=rng)
    trainer = Trainer(DenseGrads(model, sampler), Adam(), rng=rng, progress=True, unit="words")
    trainer.fit(contexts, target, max_epoch=MAX_EPOCH, batch_size=TEXTBOOK_BATCH)
    print(f"\ntextbook path (CBOW + Trainer + Adam, batch 100), 10 epochs: "
          f"{scores(model, word_to_id, id_to_word)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quality", action="store_true",
                        help="also train and score each design of the chapter's table")
    parser.add_argument("--textbook-quality", action="store_true",
                        help="also score 10 epochs of the textbook path (most of an hour)")
    args = parser.parse_args()

    corpus, word_to_id, id_to_word = load_data("train")
    contexts, target = create_contexts_target(corpus, WINDOW_SIZE)
    vocab_size = len(word_to_id)
    print(f"CBOW on PTB: {len(target):,} targets, window {WINDOW_SIZE}, hidden {HIDDEN_SIZE}, "
          f"{SAMPLE_SIZE} negatives; {os.cpu_count()} CPU cores, NumPy {np.__version__}, "
          f"SciPy {scipy.__version__}\n")

    textbook = textbook_speed(corpus, contexts, target, vocab_size)
    _, fast, losses = fast_run(corpus, contexts, target, vocab_size)
    print(f"{'path':<58} {'target words/s':>14} {'s/epoch':>8}")
    print(f"{'textbook: CBOW layers + Trainer + Adam, batch 100':<58} {textbook:>14,.0f} "
          f"{len(target) / textbook:>8,.0f}")
    print(f"{'  (timed on ' + str(TEXTBOOK_BATCHES) + ' mini-batches, epoch extrapolated)':<58}")
    print(f"{'fast: FastCBOW + SparseAdam, batch 4096 (one full epoch)':<58} {fast:>14,.0f} "
          f"{len(target) / fast:>8,.2f}")
    print(f"\nthe fast path is {fast / textbook:,.0f} times as fast "
          f"(loss after its epoch: {losses[-1]:.3f})")

    if args.quality:
        quality_table(corpus, contexts, target, word_to_id, id_to_word)
    if args.textbook_quality:
        textbook_quality(corpus, contexts, target, word_to_id, id_to_word)


if __name__ == "__main__":
    main()
