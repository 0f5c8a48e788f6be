"""The chapter's worked examples: the addition data, both paths, and learning to add."""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
from threadpoolctl import threadpool_limits

from rindoku import publish
from rindoku_seq2seq.evaluation import (
    StepWatch,
    answers,
    eval_seq2seq,
    time_training,
    train_seq2seq,
)
from rindoku_seq2seq.fast import FastPeekySeq2seq, FastSeq2seq, InPlaceAdam
from rindoku_seq2seq.figures import plot_accuracy, plot_stability
from rindoku_seq2seq.models import PeekySeq2seq
from rindoku_seq2seq.sequence import load_data

__all__ = ["addition", "data", "stable_lr", "stable_peeky", "textbook_and_fast"]

# the settings of book 2's ch07/train_seq2seq.py
WORDVEC_SIZE = 16
HIDDEN_SIZE = 128
BATCH_SIZE = 128
MAX_EPOCH = 25
MAX_GRAD = 5.0
LR = 0.001  # Adam's default, which the book keeps

DECAY_FROM = 15
"""The epoch (from 0) after which :func:`stable_lr` lowers the learning rate."""


def stable_lr(epoch: int) -> float:
    """The book's learning rate for the first 15 epochs, then linearly down to a tenth.

    Adam's steps stay about ``lr`` in size however small the gradient gets
    (``seq2seq.stable-peeky`` shows it), so a model that is nearly right
    keeps being pushed around by them; smaller steps at the end let it settle.
    """
    if epoch < DECAY_FROM:
        return LR
    remaining = (epoch - DECAY_FROM + 1) / (MAX_EPOCH - DECAY_FROM)
    return LR * (1 - 0.9 * remaining)


def data(rng: np.random.Generator) -> None:
    """The addition data set as the book reads it: the lines, the vocabulary, the split."""
    data = load_data("addition.txt")
    vocab = data.vocab
    print(f"{len(data.x_train):,} questions to train on, {len(data.x_test):,} held out")
    print(f"x_train {data.x_train.shape}, t_train {data.t_train.shape}: "
          f"questions of {data.question_length} characters, answers of {data.answer_length}")

    print(f"\nthe vocabulary, {len(vocab)} characters in order of first appearance:")
    print("  " + "  ".join(f"{char!r}:{i}" for char, i in data.char_to_id.items()))

    print("\nthe first questions of the training set, as text and as ids:")
    for x, t in zip(data.x_train[:4], data.t_train[:4], strict=True):
        print(f"  {vocab.decode(x)!r} {x.tolist()}  ->  {vocab.decode(t)!r} {t.tolist()}")

    question = data.x_train[0]
    print(f"\nreversed, as the encoder reads it with x[:, ::-1]: "
          f"{vocab.decode(question[::-1])!r} {question[::-1].tolist()}")
    publish("train_size", len(data.x_train), "{:,}")
    publish("test_size", len(data.x_test), "{:,}")
    publish("vocab_size", len(vocab))


def textbook_and_fast(rng: np.random.Generator) -> None:
    """The textbook PeekySeq2seq and the fast one: the same numbers, and the time of an epoch.

    Both models are built from the same seed, so they hold the same weights.
    Each is timed on 10 mini-batches of the book's training step and on
    answering held-out questions (the textbook model 100 of them, one at a
    time as the book does; the fast one all 5,000 at once); an epoch is 351
    mini-batches and the 5,000 answers.  BLAS runs on one thread for both,
    and the times are processor time, which other processes on a busy
    machine do not add to.
    """
    data = load_data("addition.txt")
    x_train, x_test = data.x_train[:, ::-1], data.x_test[:, ::-1]  # reversed, as in the book
    V = len(data.vocab)
    textbook = PeekySeq2seq(V, WORDVEC_SIZE, HIDDEN_SIZE, rng=np.random.default_rng(1))
    fast = FastPeekySeq2seq(V, WORDVEC_SIZE, HIDDEN_SIZE, rng=np.random.default_rng(1))

    xs, ts = x_train[:BATCH_SIZE], data.t_train[:BATCH_SIZE]
    print(f"loss of one mini-batch: textbook {textbook.forward(xs, ts):.6f}, "
          f"fast {fast.forward(xs, ts):.6f}")
    textbook.backward()
    fast.backward()
    worst = max(float(np.max(np.abs(g - h)) / np.max(np.abs(g)))
                for g, h in zip(textbook.grads, fast.grads, strict=True))
    print(f"largest difference of a gradient, relative to its largest element: {worst:.1e}")

    n = 100
    guess = answers(fast, x_test[:n], data.start_id, data.answer_length - 1)
    same = sum(np.array_equal(textbook.generate(x_test[[i]], data.start_id, 4), guess[i])
               for i in range(n))
    print(f"answers of the untrained models to {n} held-out questions: {same} the same")

    with threadpool_limits(limits=1, user_api="blas"):
        batches = len(x_train) // BATCH_SIZE
        textbook_batch = time_training(textbook, x_train, data.t_train, 10, rng)
        fast_batch = time_training(fast, x_train, data.t_train, 10, rng)
        start = time.process_time()
        for i in range(n):
            eval_seq2seq(textbook, x_test[[i]], data.t_test[[i]], data.id_to_char)
        textbook_answer = (time.process_time() - start) / n
        start = time.process_time()
        answers(fast, x_test, data.start_id, data.answer_length - 1)
        fast_answer = (time.process_time() - start) / len(x_test)

    print(f"\n{'':<10} {'mini-batch':>11} {'answer':>9} {'epoch':>9}")
    epochs = {}
    for name, batch, answer in [("textbook", textbook_batch, textbook_answer),
                                ("fast", fast_batch, fast_answer)]:
        epochs[name] = batches * batch + len(x_test) * answer
        print(f"{name:<10} {batch * 1e3:>8.1f} ms {answer * 1e3:>6.2f} ms {epochs[name]:>7.1f} s")
    speedup = epochs["textbook"] / epochs["fast"]
    print(f"an epoch ({batches} mini-batches, {len(x_test):,} answers) is {speedup:.1f} times "
          "as fast on the fast path")
    publish("gradient_difference", worst, "{:.0e}")
    publish("textbook_batch_ms", textbook_batch * 1e3, "{:.0f} ms")
    publish("fast_batch_ms", fast_batch * 1e3, "{:.0f} ms")
    publish("textbook_answer_ms", textbook_answer * 1e3, "{:.1f} ms")
    publish("fast_answer_ms", fast_answer * 1e3, "{:.2f} ms")
    publish("textbook_epoch_seconds", epochs["textbook"], "{:.0f} s")
    publish("fast_epoch_seconds", epochs["fast"], "{:.1f} s")
    publish("speedup", speedup, "{:.1f}")


def addition(rng: np.random.Generator) -> None:
    """Train seq2seq to add, three ways, 25 epochs each, on the fast path.

    The book's settings (vectors of 16, hidden 128, batch 128, Adam,
    gradients clipped at 5.0) with :func:`stable_lr`: plain seq2seq, the
    same with its questions reversed, and reversed with the peeky decoder.
    Adam is the fast path's, which computes the same update.
    """
    data = load_data("addition.txt")
    V = len(data.vocab)
    variants = [("plain", FastSeq2seq, False, "plain"),
                ("reversed", FastSeq2seq, True, "reversed"),
                ("reversed + peeky", FastPeekySeq2seq, True, "peeky")]
    runs = []
    for name, Model, reverse, key in variants:
        model = Model(V, WORDVEC_SIZE, HIDDEN_SIZE, rng=rng)
        run = train_seq2seq(model, data, MAX_EPOCH, rng=rng, name=name, reverse=reverse,
                            batch_size=BATCH_SIZE, max_grad=MAX_GRAD, lr=stable_lr,
                            optimizer=InPlaceAdam())
        print(run.summary() + f"; {run.seconds / MAX_EPOCH:.1f} s per epoch\n")
        publish(f"{key}_accuracy", run.last, "{:.1%}")
        publish(f"{key}_best", run.best, "{:.1%}")
        publish(f"{key}_epoch_seconds", run.seconds / MAX_EPOCH, "{:.1f} s")
        runs.append(run)
    for run in runs:
        print(run.summary())

    plot_accuracy(runs, "seq2seq on addition: held-out accuracy")


def stable_peeky(rng: np.random.Generator) -> None:
    """Reversed + peeky twice from the same start: the book's learning rate, then stable_lr.

    Both runs record, at every update, the norm of the (clipped) gradient
    and the size of Adam's step; the figure shows why the accuracy of the
    first keeps dropping and how the smaller steps of the second settle it.
    """
    data = load_data("addition.txt")
    V = len(data.vocab)
    seed = int(rng.integers(2**32))  # both runs: the same weights, the same mini-batches
    runs, watches = [], []
    schedules: list[tuple[str, float | Callable[[int], float]]] = [
        ("constant lr (the book)", LR), ("lr lowered after epoch 15", stable_lr)]
    for name, lr in schedules:
        generator = np.random.default_rng(seed)
        model = FastPeekySeq2seq(V, WORDVEC_SIZE, HIDDEN_SIZE, rng=generator)
        watch = StepWatch(InPlaceAdam(lr=LR))
        run = train_seq2seq(model, data, MAX_EPOCH, rng=generator, name=name, reverse=True,
                            batch_size=BATCH_SIZE, max_grad=MAX_GRAD, lr=lr, optimizer=watch,
                            eval_interval=27)
        print(run.summary() + "\n")
        runs.append(run)
        watches.append(watch)

    iterations = len(data.x_train) // BATCH_SIZE
    for key, run, watch in zip(["constant", "stable"], runs, watches, strict=True):
        # accuracy drops of more than a point from one epoch to the next, after epoch 10
        drops = int(np.sum(np.diff(run.accuracies[10:]) < -0.01))
        first, last = (slice(iterations * e, iterations * (e + 1)) for e in (5, MAX_EPOCH - 1))
        steps = [float(np.median(watch.step_norms[part])) for part in (first, last)]
        grads = [float(np.median(watch.grad_norms[part])) for part in (first, last)]
        print(f"{run.summary()}; epochs after epoch 10 more than a point below the one "
              f"before: {drops}")
        print(f"  median over epoch 6 and epoch {MAX_EPOCH}: gradient norm {grads[0]:.3f} -> "
              f"{grads[1]:.3f}, step {steps[0]:.4f} -> {steps[1]:.4f}")
        publish(f"{key}_accuracy", run.last, "{:.1%}")
        publish(f"{key}_best", run.best, "{:.1%}")
        publish(f"{key}_drops", drops)
        publish(f"{key}_grad_early", grads[0], "{:.2f}")
        publish(f"{key}_grad_late", grads[1], "{:.3f}")
        publish(f"{key}_step_early", steps[0], "{:.3f}")
        publish(f"{key}_step_late", steps[1], "{:.3f}")
    plot_stability(runs, watches, iterations)
