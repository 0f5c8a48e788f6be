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

Its peer is gensim's word2vec CBOW, where gensim is installed (the ``bench``
extra): one epoch of the same PTB words with the same settings, with 1 and 2
threads, against the fast path limited to as many threads
(:mod:`gensimpeer`); ``--quality`` adds gensim's row to the table (10 epochs,
1 thread).

Run ``python benchmarks/bench_cbow.py`` (or ``nox -s bench``).  The data files
come from ``$RINDOKU_DATA`` or the download cache, as for the library.  The
run writes its figures to ``docs/records/bench.cbow/record.json`` (with
``--quality`` or ``--textbook-quality``: ``bench.cbow.quality``), where the
book cites them (``--no-record`` writes nothing).
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
import scipy
from benchrecord import BenchRecord, add_record_options
from gensimpeer import compare_with_gensim, gensim_vectors, sentences, train_gensim

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
             optimizer=None, seed=0, **options) -> tuple[FastCBOW, float, list[float], float]:
    """Train FastCBOW; return the model, target words/s, the epoch losses and the seconds."""
    rng = np.random.default_rng(seed)
    model = FastCBOW(vocab_size, HIDDEN_SIZE, WINDOW_SIZE, corpus, rng, SAMPLE_SIZE, **options)
    optimizer = SparseAdam(lr=FAST_LR) if optimizer is None else optimizer
    trainer = Trainer(model, optimizer, rng=rng, progress=False)
    start = time.perf_counter()
    history = trainer.fit(contexts, target, max_epoch=epochs, batch_size=batch_size)
    seconds = time.perf_counter() - start
    words = epochs * (len(target) // batch_size) * batch_size
    return model, words / seconds, history.epoch_losses, seconds


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


def scores(record: BenchRecord, prefix: str, matrix: np.ndarray, word_to_id,
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


def quality_table(record: BenchRecord, corpus, contexts, target, word_to_id,
                  id_to_word) -> None:
    """Each design of the chapter's table: 10 epochs, words/s, analogy and WordSim353.

    Each row publishes ``<design>_words_per_second_10_epochs`` and its scores
    (:func:`scores`); gensim's row, where gensim is installed, is ``gensim_…``.
    """
    vocab_size = len(word_to_id)
    designs = [
        ("sgd", "row-sparse SGD (lr 0.025), summed updates", dict(
            optimizer=RowSparseSGD(0.025), shrink_window=False, full_error=False)),
        ("fixed_window", "SparseAdam, exact gradient, fixed window", dict(
            shrink_window=False, full_error=False)),
        ("random_window", "+ random window shrinking", dict(full_error=False)),
        ("fast", "+ full error to each context word (default)", {}),
        ("batch_1024", "default, batch 1024", dict(batch_size=1024)),
        ("batch_16384", "default, batch 16384", dict(batch_size=16384)),
    ]
    print(f"\n{MAX_EPOCH} epochs each; analogy: Google questions in the PTB vocabulary\n")
    print(f"{'design':<46} {'words/s':>9}  {'analogy':<30} {'WS353':>6}")
    for slug, name, options in designs:
        try:
            model, speed, _, _ = fast_run(corpus, contexts, target, vocab_size,
                                          epochs=MAX_EPOCH, **options)
        except TrainingDivergedError:
            print(f"{name:<46} {'-':>9}  diverged (the loss became nan or inf)")
            record.publish(f"{slug}_analogy", "diverged")
            continue
        record.publish(f"{slug}_words_per_second_10_epochs", speed, "{:,.0f}")
        line = scores(record, slug, model.word_vecs, word_to_id, id_to_word)
        print(f"{name:<46} {speed:>9,.0f}  {line}", flush=True)
    try:
        pieces = sentences(corpus, id_to_word)
        model, seconds, words = train_gensim(pieces, sg=0, workers=1, epochs=MAX_EPOCH)
    except ImportError:
        print("gensim's CBOW: not installed, so not trained")
        return
    speed = record.publish("gensim_words_per_second_10_epochs", words / seconds, "{:,.0f}")
    line = scores(record, "gensim", gensim_vectors(model, id_to_word), word_to_id, id_to_word)
    print(f"{'gensim CBOW, 1 thread, same settings':<46} {speed:>9}  {line}")


def textbook_quality(record: BenchRecord, corpus, contexts, target, word_to_id,
                     id_to_word) -> None:
    """The textbook path's scores after 10 epochs, from its equivalent fused computation."""
    rng = np.random.default_rng(0)
    model = FastCBOW(len(word_to_id), HIDDEN_SIZE, WINDOW_SIZE, corpus, rng, SAMPLE_SIZE,
                     shrink_window=False, full_error=False)
    sampler = UnigramSampler(corpus, 0.75, SAMPLE_SIZE, rng=rng)
    trainer = Trainer(DenseGrads(model, sampler), Adam(), rng=rng, progress=True, unit="words")
    trainer.fit(contexts, target, max_epoch=MAX_EPOCH, batch_size=TEXTBOOK_BATCH)
    print(f"\ntextbook path (CBOW + Trainer + Adam, batch 100), 10 epochs: "
          f"{scores(record, 'textbook', model.word_vecs, word_to_id, id_to_word)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quality", action="store_true",
                        help="also train and score each design of the chapter's table")
    parser.add_argument("--textbook-quality", action="store_true",
                        help="also score 10 epochs of the textbook path (most of an hour)")
    add_record_options(parser)
    args = parser.parse_args()
    name = "cbow.quality" if args.quality or args.textbook_quality else "cbow"
    with BenchRecord.from_args(name, args) as record:
        run(record, args)


def run(record: BenchRecord, args: argparse.Namespace) -> None:
    corpus, word_to_id, id_to_word = load_data("train")
    contexts, target = create_contexts_target(corpus, WINDOW_SIZE)
    vocab_size = len(word_to_id)
    print(f"CBOW on PTB: {len(target):,} targets, window {WINDOW_SIZE}, hidden {HIDDEN_SIZE}, "
          f"{SAMPLE_SIZE} negatives; {os.cpu_count()} CPU cores, NumPy {np.__version__}, "
          f"SciPy {scipy.__version__}\n")
    record.publish("targets", len(target), "{:,}")

    textbook = textbook_speed(corpus, contexts, target, vocab_size)
    _, fast, losses, seconds = fast_run(corpus, contexts, target, vocab_size)
    textbook_epoch = len(target) / textbook
    record.publish("textbook_words_per_second", textbook, "{:,.0f}")
    record.publish("textbook_batch_ms", 1e3 * TEXTBOOK_BATCH / textbook, "{:.0f} ms")
    record.publish("textbook_epoch_seconds", textbook_epoch, "{:,.0f} s")
    record.publish("textbook_epoch_minutes", textbook_epoch / 60, "{:.1f}")
    record.publish("fast_words_per_second", fast, "{:,.0f}")
    record.publish("fast_batch_ms", 1e3 * FAST_BATCH / fast, "{:.1f} ms")
    record.publish("fast_epoch_seconds", seconds, "{:.2f} s")
    record.publish("fast_epoch_loss", losses[-1], "{:.3f}")
    ratio = record.publish("textbook_over_fast", fast / textbook, "{:,.0f}")
    print(f"{'path':<58} {'target words/s':>14} {'s/epoch':>8}")
    print(f"{'textbook: CBOW layers + Trainer + Adam, batch 100':<58} {textbook:>14,.0f} "
          f"{textbook_epoch:>8,.0f}")
    print(f"{'  (timed on ' + str(TEXTBOOK_BATCHES) + ' mini-batches, epoch extrapolated)':<58}")
    print(f"{'fast: FastCBOW + SparseAdam, batch 4096 (one full epoch)':<58} {fast:>14,.0f} "
          f"{seconds:>8,.2f}")
    print(f"\nthe fast path is {ratio} times as fast (loss after its epoch: {losses[-1]:.3f})")

    compare_with_gensim(record, sg=0, name="CBOW", corpus=corpus, id_to_word=id_to_word,
                        rindoku_epoch=lambda: fast_run(corpus, contexts, target, vocab_size)[3],
                        textbook_epoch_seconds=textbook_epoch)

    if args.quality:
        quality_table(record, corpus, contexts, target, word_to_id, id_to_word)
    if args.textbook_quality:
        textbook_quality(record, corpus, contexts, target, word_to_id, id_to_word)


if __name__ == "__main__":
    main()
