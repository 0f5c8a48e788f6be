"""The chapter's worked examples: the date data, attention by hand, both paths, dates to ISO."""

from __future__ import annotations

import time

import numpy as np
from threadpoolctl import threadpool_limits

from rindoku import publish
from rindoku_attention.fast import FastAttentionSeq2seq
from rindoku_attention.figures import plot_attention_maps, plot_weights
from rindoku_attention.layers import AttentionWeight, WeightSum
from rindoku_attention.models import AttentionSeq2seq
from rindoku_seq2seq.evaluation import answers, eval_seq2seq, time_training, train_seq2seq
from rindoku_seq2seq.fast import FastPeekySeq2seq, InPlaceAdam
from rindoku_seq2seq.figures import plot_accuracy
from rindoku_seq2seq.sequence import load_data

__all__ = ["dates", "dates_data", "peeky_dates", "textbook_and_fast", "weights"]

# the settings of book 2's ch08/train.py
WORDVEC_SIZE = 16
HIDDEN_SIZE = 256
BATCH_SIZE = 128
MAX_EPOCH = 10
MAX_GRAD = 5.0


def dates_data(rng: np.random.Generator) -> None:
    """The date data set: many ways of writing a date, each with its ISO form."""
    data = load_data("date.txt")
    vocab = data.vocab
    print(f"{len(data.x_train):,} dates to train on, {len(data.x_test):,} held out; "
          f"questions of {data.question_length} characters, answers of {data.answer_length}; "
          f"{len(vocab)} characters in the vocabulary")
    print("\nthe first questions of the training set:")
    for x, t in zip(data.x_train[:8], data.t_train[:8], strict=True):
        print(f"  {vocab.decode(x)!r:<33} -> {vocab.decode(t)!r}")
    space = data.char_to_id[" "]
    padding = float(np.mean(data.x_train == space))
    print(f"\n{padding:.0%} of the questions' characters are spaces, most of them padding "
          "after the date")
    publish("vocab_size", len(vocab))
    publish("question_length", data.question_length)
    publish("padding", padding, "{:.0%}")


def weights(rng: np.random.Generator) -> None:
    """One decoder step's attention by hand: four encoder states, a decoder state like the third.

    hs holds the encoder's states at T = 4 positions (H = 3); the decoder's
    state h is the third of them plus a little noise.  AttentionWeight
    scores each position by its dot product with h and turns the scores
    into weights with softmax; WeightSum adds the states up with those weights.
    """
    hs = rng.standard_normal((1, 4, 3))
    h = hs[:, 2] + 0.1 * rng.standard_normal((1, 3))
    print("hs[0] (one row per input position):")
    print(np.array2string(hs[0], precision=2))
    print(f"h[0] = {np.array2string(h[0], precision=2)}")

    attention_weight = AttentionWeight()
    a = attention_weight.forward(hs, h)
    scores = np.sum(hs * h[:, np.newaxis, :], axis=2)
    print(f"\nscores hs · h = {np.array2string(scores[0], precision=2)}")
    print(f"weights a = softmax(scores) = {np.array2string(a[0], precision=3)}, "
          f"sum {a.sum():.3f}")

    c = WeightSum().forward(hs, a)
    print(f"\ncontext c = Σ a_t hs_t = {np.array2string(c[0], precision=2)}")
    print(f"the third state, hs[0, 2] = {np.array2string(hs[0, 2], precision=2)}")
    publish("top_weight", float(a[0].max()), "{:.2f}")
    plot_weights(a[0], "attention weights of one decoder step")


def textbook_and_fast(rng: np.random.Generator) -> None:
    """The textbook AttentionSeq2seq and the fast one: the same numbers, and an epoch's time.

    Both built from the same seed.  Each is timed on 2 mini-batches of the
    book's training step and on answering held-out dates (the textbook
    model 10, one at a time as the book does; the fast one 500 at once); an
    epoch is 351 mini-batches and 5,000 answers.  BLAS runs on one thread,
    and the times are processor time, which other processes on a busy
    machine do not add to.
    """
    data = load_data("date.txt")
    x_train, x_test = data.x_train[:, ::-1], data.x_test[:, ::-1]  # reversed, as in the book
    V = len(data.vocab)
    textbook = AttentionSeq2seq(V, WORDVEC_SIZE, HIDDEN_SIZE, rng=np.random.default_rng(1))
    fast = FastAttentionSeq2seq(V, WORDVEC_SIZE, HIDDEN_SIZE, rng=np.random.default_rng(1))

    xs, ts = x_train[:BATCH_SIZE], data.t_train[:BATCH_SIZE]
    print(f"loss of one mini-batch: textbook {textbook.forward(xs, ts):.6f}, "
          f"fast {fast.forward(xs, ts):.6f}")
    textbook.backward()
    fast.backward()
    worst = max(float(np.max(np.abs(g - h)) / np.max(np.abs(g)))
                for g, h in zip(textbook.grads, fast.grads, strict=True))
    print(f"largest difference of a gradient, relative to its largest element: {worst:.1e}")
    textbook_weights = np.stack(textbook.decoder.attention.attention_weights, axis=1)
    difference = np.max(np.abs(textbook_weights - fast.decoder.attention.attention_weights))
    print(f"attention weights (N, T, T_enc) = {textbook_weights.shape}: largest difference "
          f"{difference:.1e}")

    with threadpool_limits(limits=1, user_api="blas"):
        batches = len(x_train) // BATCH_SIZE
        textbook_batch = time_training(textbook, x_train, data.t_train, 2, rng)
        fast_batch = time_training(fast, x_train, data.t_train, 2, rng)
        n = 10
        start = time.process_time()
        for i in range(n):
            eval_seq2seq(textbook, x_test[[i]], data.t_test[[i]], data.id_to_char)
        textbook_answer = (time.process_time() - start) / n
        start = time.process_time()
        answers(fast, x_test[:500], data.start_id, data.answer_length - 1)
        fast_answer = (time.process_time() - start) / 500

    print(f"\n{'':<10} {'mini-batch':>11} {'answer':>9} {'epoch':>9}")
    epochs = {}
    for name, batch, answer in [("textbook", textbook_batch, textbook_answer),
                                ("fast", fast_batch, fast_answer)]:
        epochs[name] = batches * batch + len(x_test) * answer
        print(f"{name:<10} {batch * 1e3:>8.0f} ms {answer * 1e3:>6.2f} ms {epochs[name]:>7.0f} s")
    speedup = epochs["textbook"] / epochs["fast"]
    print(f"an epoch ({batches} mini-batches, {len(x_test):,} answers) is {speedup:.1f} times "
          "as fast on the fast path")
    publish("gradient_difference", worst, "{:.0e}")
    publish("textbook_batch_ms", textbook_batch * 1e3, "{:.0f} ms")
    publish("fast_batch_ms", fast_batch * 1e3, "{:.0f} ms")
    publish("textbook_answer_ms", textbook_answer * 1e3, "{:.1f} ms")
    publish("fast_answer_ms", fast_answer * 1e3, "{:.2f} ms")
    publish("textbook_epoch_seconds", epochs["textbook"], "{:.0f} s")
    publish("fast_epoch_seconds", epochs["fast"], "{:.0f} s")
    publish("speedup", speedup, "{:.1f}")


def _publish_curve(prefix: str, accuracies: list[float]) -> None:
    """Publish ``PREFIX_epoch_N``, the accuracy after each epoch, for the page's table."""
    for epoch, accuracy in enumerate(accuracies, start=1):
        publish(f"{prefix}_epoch_{epoch}", accuracy, "{:.1%}")


def dates(rng: np.random.Generator) -> None:
    """Train attention seq2seq on dates for 10 epochs, then draw what it looks at.

    The book's settings (vectors of 16, hidden 256, batch 128, Adam,
    gradients clipped at 5.0, the questions reversed), on the fast path.
    Then the trained model answers four held-out dates, and its attention
    weights are drawn, the question in reading order.
    """
    data = load_data("date.txt")
    V = len(data.vocab)
    model = FastAttentionSeq2seq(V, WORDVEC_SIZE, HIDDEN_SIZE, rng=rng)
    run = train_seq2seq(model, data, MAX_EPOCH, rng=rng, name="attention", reverse=True,
                        batch_size=BATCH_SIZE, max_grad=MAX_GRAD, optimizer=InPlaceAdam())
    print(f"{run.summary()}; {run.seconds / MAX_EPOCH:.0f} s per epoch\n")
    publish("accuracy", run.last, "{:.1%}")
    publish("epoch_seconds", run.seconds / MAX_EPOCH, "{:.0f} s")
    _publish_curve("accuracy", run.accuracies)
    plot_accuracy([run], "attention seq2seq on dates: held-out accuracy")

    # what the trained model looks at: four held-out dates
    questions = data.x_test[:4]
    guess = model.generate(questions[:, ::-1], data.start_id, data.answer_length - 1)
    weights = model.decoder.attention.attention_weights[:, :, ::-1]  # in reading order
    maps = []
    for question, answer, a in zip(questions, guess, weights, strict=True):
        text = data.vocab.decode(question).rstrip()
        maps.append((a[:, :len(text)], text, data.vocab.decode(answer)))
        print(f"{text!r} -> {data.vocab.decode(answer)!r}")
    plot_attention_maps(maps, "attention weights of the trained model")


def peeky_dates(rng: np.random.Generator) -> None:
    """The seq2seq chapter's peeky model on the same dates, with the same settings."""
    data = load_data("date.txt")
    model = FastPeekySeq2seq(len(data.vocab), WORDVEC_SIZE, HIDDEN_SIZE, rng=rng)
    run = train_seq2seq(model, data, MAX_EPOCH, rng=rng, name="peeky seq2seq", reverse=True,
                        batch_size=BATCH_SIZE, max_grad=MAX_GRAD, optimizer=InPlaceAdam())
    print(f"{run.summary()}; {run.seconds / MAX_EPOCH:.0f} s per epoch")
    publish("accuracy", run.last, "{:.1%}")
    publish("epoch_seconds", run.seconds / MAX_EPOCH, "{:.0f} s")
    _publish_curve("accuracy", run.accuracies)
    plot_accuracy([run], "peeky seq2seq on dates: held-out accuracy")
