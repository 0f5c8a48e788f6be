"""The chapter's worked examples: SimpleCBOW on one sentence, then CBOW on PTB."""

from __future__ import annotations

import time

import numpy as np

from rindoku import publish
from rindoku.trainer import Trainer
from rindoku_cbow.contexts import convert_one_hot, create_contexts_target
from rindoku_cbow.fast import FastCBOW
from rindoku_cbow.figures import plot_loss, plot_textbook_and_fast, plot_word_vectors
from rindoku_cbow.models import CBOW, SimpleCBOW
from rindoku_countbased.datasets import load_toy_corpus
from rindoku_countbased.examples import publish_scores
from rindoku_optimizers.optimizers import Adam
from rindoku_text.ptb import load_data
from rindoku_text.sparse import SparseAdam
from rindoku_text.wordvectors import WordVectors, print_queries, print_scores

__all__ = ["ptb", "ptb_short", "toy"]

# the settings of book 2's ch04/train.py, shared by the PTB examples
WINDOW_SIZE = 5
HIDDEN_SIZE = 100
SAMPLE_SIZE = 5
MAX_EPOCH = 10

FAST_BATCH_SIZE = 4096
FAST_LR = 0.01


def toy(rng: np.random.Generator) -> None:
    """Train SimpleCBOW on "You say goodbye and I say hello." as book 2 chapter 3 does.

    Window 1, hidden size 5, Adam, 1000 epochs of mini-batches of 3: the six
    (context, target) pairs of the sentence, two mini-batches per epoch.
    """
    corpus, word_to_id, id_to_word = load_toy_corpus()
    vocab_size = len(word_to_id)
    contexts, target = create_contexts_target(corpus, window_size=1)

    print("corpus:", corpus)
    print(f"{'context':<20} target")
    for (left, right), word in zip(contexts, target, strict=True):
        print(f"{id_to_word[left] + ', ' + id_to_word[right]:<20} {id_to_word[word]}")

    # one-hot: contexts (6, 2) -> (6, 2, 7), target (6,) -> (6, 7)
    target_one_hot = convert_one_hot(target, vocab_size)
    contexts_one_hot = convert_one_hot(contexts, vocab_size)
    print(f"\none-hot: contexts {contexts_one_hot.shape}, target {target_one_hot.shape}")

    model = SimpleCBOW(vocab_size, hidden_size=5, rng=rng)
    trainer = Trainer(model, Adam(), rng=rng)
    trainer.fit(contexts_one_hot, target_one_hot, max_epoch=1000, batch_size=3)
    history = trainer.history
    print(f"loss: {history.epoch_losses[0]:.3f} in the first epoch, "
          f"{history.epoch_losses[-1]:.3f} in the last")
    publish("final_loss", history.epoch_losses[-1], "{:.2f}")

    print("\nword vectors (the rows of W_in):")
    for word_id, word in id_to_word.items():
        print(f"  {word:<8} {np.array2string(model.word_vecs[word_id], precision=2)}")

    print("\nwhat the model predicts from each context:")
    probabilities = np.exp(model.predict(contexts_one_hot))
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    for (left, right), word, p in zip(contexts, target, probabilities, strict=True):
        best = np.argsort(-p)[:2]
        guesses = ", ".join(f"{id_to_word[i]} {p[i]:.2f}" for i in best)
        context = f"{id_to_word[left]} _ {id_to_word[right]}"
        print(f"  {context:<16} (right: {id_to_word[word]:<8}) -> {guesses}")

    plot_loss(history, "SimpleCBOW on one sentence: training loss")
    # the 5-dimensional word vectors seen from their two main directions
    plot_word_vectors(model.word_vecs, id_to_word,
                      "Word vectors of SimpleCBOW (rows of W_in, 2-D view)")


def _speed(trainer: Trainer, contexts: np.ndarray, target: np.ndarray, batch_size: int,
           max_epoch: int = 1) -> float:
    """Train on ``contexts``/``target``; return target words per second."""
    start = time.perf_counter()
    trainer.fit(contexts, target, max_epoch=max_epoch, batch_size=batch_size, eval_interval=10)
    seconds = time.perf_counter() - start
    words = max_epoch * (len(target) // batch_size) * batch_size
    return words / seconds


def ptb_short(rng: np.random.Generator) -> None:
    """The two ways to train CBOW on PTB, side by side: how fast, and does the loss fall.

    The textbook path, the book's CBOW with the kernel's Trainer and Adam in
    mini-batches of 100, is timed on its first 30 mini-batches; the fast path,
    FastCBOW with SparseAdam in mini-batches of 4096, trains one whole epoch.
    """
    corpus, word_to_id, _ = load_data("train")
    vocab_size = len(word_to_id)
    contexts, target = create_contexts_target(corpus, WINDOW_SIZE)
    print(f"PTB: {len(corpus):,} words, vocabulary {vocab_size:,}, "
          f"{len(target):,} targets with a window of {WINDOW_SIZE}")

    print("\nthe textbook path: CBOW + Trainer + Adam, batch 100, the first 30 batches")
    model = CBOW(vocab_size, HIDDEN_SIZE, WINDOW_SIZE, corpus, rng, SAMPLE_SIZE)
    trainer = Trainer(model, Adam(), rng=rng, unit="words")
    textbook = _speed(trainer, contexts[:3000], target[:3000], batch_size=100)
    textbook_history = trainer.history

    print("\nthe fast path: FastCBOW + SparseAdam, batch 4096, one epoch")
    fast_model = FastCBOW(vocab_size, HIDDEN_SIZE, WINDOW_SIZE, corpus, rng, SAMPLE_SIZE)
    fast_trainer = Trainer(fast_model, SparseAdam(lr=FAST_LR), rng=rng, unit="words")
    fast = _speed(fast_trainer, contexts, target, batch_size=FAST_BATCH_SIZE)
    history = fast_trainer.history

    print(f"\n{'path':<10} {'target words/s':>15} {'one epoch':>12}")
    for name, speed in [("textbook", textbook), ("fast", fast)]:
        print(f"{name:<10} {speed:>15,.0f} {len(target) / speed:>10,.1f} s")
    print(f"the fast path is {fast / textbook:,.0f} times as fast")
    publish("textbook_speed", textbook, "{:,.0f}")
    publish("textbook_epoch_minutes", len(target) / textbook / 60, "{:.0f} minutes")
    publish("fast_speed", fast, "{:,.0f}")
    publish("fast_epoch_seconds", len(target) / fast, "{:.1f} s")
    publish("speedup", fast / textbook, "{:,.0f} times")
    publish("fast_final_loss", history.losses[-1], "{:.2f}")

    plot_textbook_and_fast(textbook_history, 100, history, FAST_BATCH_SIZE)


def ptb(rng: np.random.Generator) -> None:
    """Train CBOW on PTB with the book's settings and the fast path; save and score the vectors.

    Window 5, 100 dimensions, 5 negative samples, 10 epochs, as in book 2's
    ch04/train.py; FastCBOW with SparseAdam in mini-batches of 4096.  The
    vectors and the vocabulary are saved as cbow-ptb.npz in the run's output
    folder (``rindoku run cbow.ptb`` writes rindoku-output/cbow.ptb/cbow-ptb.npz).
    """
    corpus, word_to_id, id_to_word = load_data("train")
    contexts, target = create_contexts_target(corpus, WINDOW_SIZE)
    model = FastCBOW(len(word_to_id), HIDDEN_SIZE, WINDOW_SIZE, corpus, rng, SAMPLE_SIZE)
    trainer = Trainer(model, SparseAdam(lr=FAST_LR), rng=rng, unit="words")
    start = time.perf_counter()
    trainer.fit(contexts, target, max_epoch=MAX_EPOCH, batch_size=FAST_BATCH_SIZE)
    seconds = time.perf_counter() - start
    print(f"{MAX_EPOCH} epochs in {seconds:.1f} s: {seconds / MAX_EPOCH:.2f} s per epoch, "
          f"{MAX_EPOCH * len(target) / seconds:,.0f} target words/s")
    publish("seconds", seconds, "{:.0f} s")
    publish("epoch_seconds", seconds / MAX_EPOCH, "{:.1f} s")

    vectors = WordVectors(model.word_vecs, word_to_id, id_to_word)
    path = vectors.save("cbow-ptb.npz")
    print(f"word vectors saved to {path} in the output folder")

    print("\nnearest words (cosine similarity):")
    print_queries(vectors)
    print()
    analogy, similarity = print_scores(vectors)
    publish_scores(analogy, similarity)

    plot_loss(trainer.history, f"CBOW on PTB, {MAX_EPOCH} epochs (fast path)",
              xlabel=f"iteration ({len(target) // FAST_BATCH_SIZE} per epoch)")
