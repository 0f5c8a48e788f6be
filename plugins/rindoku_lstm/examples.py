"""The chapter's worked examples: gradients through time, then LSTM language models on PTB."""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from rindoku import publish
from rindoku.persistence import load_params, save_params
from rindoku.trainer import Trainer, clip_grads
from rindoku_backprop.optimizer import SGD
from rindoku_lstm.fast import FastBetterRnnlm, FastRnnlm, InPlaceSGD
from rindoku_lstm.figures import (
    plot_gradient_norms,
    plot_perplexity_against_time,
    plot_training_perplexity,
    plot_two_paths,
)
from rindoku_lstm.generation import generate, to_text
from rindoku_lstm.models import Rnnlm
from rindoku_rnn.batching import TruncatedBPTTBatches
from rindoku_rnn.perplexity import eval_perplexity
from rindoku_text.ptb import load_data

__all__ = ["gradient_norms", "ptb", "ptb_better", "ptb_book", "ptb_slice"]

# the settings of book 2's ch06/train_rnnlm.py
BATCH_SIZE = 20
WORDVEC_SIZE = 100
HIDDEN_SIZE = 100
TIME_SIZE = 35
LR = 20.0
MAX_EPOCH = 4
MAX_GRAD = 0.25

# BetterRnnlm sized for two CPU cores and half an hour
BETTER_SIZE = 200
BETTER_DROPOUT = 0.3
BETTER_EPOCHS = 8

# the settings of book 2's ch06/train_better_rnnlm.py
BOOK_SIZE = 650
BOOK_DROPOUT = 0.5
BOOK_EPOCHS = 40

SLICE_SIZE = 5000
SLICE_EPOCHS = 20

SKIP_WORDS = ("N", "<unk>", "$")
"""Words generation never picks, as in book 2's ch07/generate_text.py."""


def gradient_norms(rng: np.random.Generator) -> None:
    """The book's picture of exploding and vanishing gradients (ch06/rnn_gradient_graph.py).

    Going back through T steps of a plain RNN multiplies dh by ``Wh^T`` once
    per step (the tanh only makes it smaller).  For 2 sequences and 3 hidden
    units, dh starts as ones and goes back 20 steps, once with Wh drawn from
    a standard normal distribution and once with the same Wh halved.
    Gradient clipping then rescales a gradient that has exploded.
    """
    N, H, T = 2, 3, 20
    Wh = rng.standard_normal((H, H))

    norms, last_dh = {}, {}
    for label, scale in [("Wh", 1.0), ("Wh × 0.5", 0.5)]:
        W = Wh * scale
        dh = np.ones((N, H))
        norm_list = []
        for _ in range(T):
            dh = np.dot(dh, W.T)
            norm = np.sqrt(np.sum(dh ** 2)) / N
            norm_list.append(norm)
        largest = np.linalg.svd(W, compute_uv=False)[0]
        last_dh[scale] = dh
        norms[f"{label} (largest singular value {largest:.2f})"] = norm_list
        print(f"{label:<9} largest singular value {largest:.3f}: norm of dh after 1 step "
              f"{norm_list[0]:.3g}, 10 steps {norm_list[9]:.3g}, 20 steps {norm_list[-1]:.3g}")
        slug = "scaled" if scale != 1.0 else "drawn"
        publish(f"{slug}_singular_value", largest, "{:.2f}")
        publish(f"{slug}_norm_20", norm_list[-1], "{:.3g}")

    # gradient clipping: scale every gradient by max_norm / (norm of all of them);
    # two "gradients" that have exploded
    grads: list[Any] = [last_dh[1.0].copy(), 0.1 * last_dh[1.0]]
    before = [g.copy() for g in grads]
    max_norm = 5.0
    total = clip_grads(grads, max_norm)
    after = np.sqrt(sum(np.sum(g ** 2) for g in grads))
    cosine = sum(np.sum(a * b) for a, b in zip(before, grads, strict=True)) / (total * after)
    print(f"\nclip_grads(grads, max_norm={max_norm}): norm {total:.3g} before, {after:.3g} "
          f"after; cosine between the directions before and after {cosine:.6f}")
    publish("clip_before", total, "{:.3g}")

    plot_gradient_norms(norms, f"dh going back {T} steps through a plain RNN (no tanh)")


def ptb_slice(rng: np.random.Generator) -> None:
    """Rnnlm on the first 5,000 words of PTB, trained by the textbook path and by the fast path.

    The book's settings (batch 20, time 35, 100 units, SGD with lr 20,
    clipping at 0.25), 20 epochs of 7 mini-batches.  Both paths start from
    the same weights (the same seed) and see the same batches, so their
    perplexities should agree to float32 rounding, and the fast path should
    take less time.  Then the trained model writes a little text.
    """
    corpus, _, id_to_word = load_data("train")
    corpus = corpus[:SLICE_SIZE]
    vocab_size = int(corpus.max() + 1)
    print(f"corpus: {SLICE_SIZE:,} words, vocabulary {vocab_size:,}")

    runs = {}
    seed = int(rng.integers(2**31))
    paths: list[tuple[str, Any, Any]] = [("textbook", Rnnlm, SGD(LR)),
                                         ("fast", FastRnnlm, InPlaceSGD(LR))]
    for name, model_class, optimizer in paths:
        model = model_class(vocab_size, WORDVEC_SIZE, HIDDEN_SIZE,
                            rng=np.random.default_rng(seed))
        batches = TruncatedBPTTBatches.from_corpus(corpus, BATCH_SIZE, TIME_SIZE)
        trainer = Trainer(model, optimizer, rng=rng, progress=False, perplexity=True)
        start = time.perf_counter()
        history = trainer.fit_batches(batches, max_epoch=SLICE_EPOCHS, max_grad=MAX_GRAD,
                                      eval_interval=batches.iterations)
        seconds = time.perf_counter() - start
        runs[name] = (model, history, seconds / (SLICE_EPOCHS * batches.iterations))

    print(f"\n{'epoch':>5} {'textbook':>10} {'fast':>10}   (training perplexity)")
    textbook, fast = (runs[name][1].epoch_perplexities for name in ("textbook", "fast"))
    for epoch in [0, 1, 4, 9, 14, 19]:
        print(f"{epoch + 1:>5} {textbook[epoch]:>10.2f} {fast[epoch]:>10.2f}")
    difference = max(abs(a / b - 1) for a, b in zip(textbook, fast, strict=True))
    seconds_textbook, seconds_fast = runs["textbook"][2], runs["fast"][2]
    print(f"largest relative difference between the two paths: {difference:.1e}")
    print(f"time per mini-batch: textbook {1e3 * seconds_textbook:.1f} ms, "
          f"fast {1e3 * seconds_fast:.1f} ms ({seconds_textbook / seconds_fast:.1f} times as fast)")
    publish("vocab_size", vocab_size, "{:,}")
    publish("last_perplexity", fast[-1], "{:.1f}")
    publish("difference", difference, "{:.0e}")
    publish("speedup", seconds_textbook / seconds_fast, "{:.1f}")

    model = runs["fast"][0]
    word_ids = generate(model, start_id=int(corpus[0]), sample_size=30, rng=rng)
    print("\ngenerated from the first word of the corpus:\n" + to_text(word_ids, id_to_word))

    plot_two_paths(runs["fast"][1].iterations, runs["textbook"][1].perplexities,
                   runs["fast"][1].perplexities,
                   f"Rnnlm on the first {SLICE_SIZE:,} words of PTB, both paths")


def ptb(rng: np.random.Generator) -> None:
    """Train Rnnlm on PTB with the book's settings (ch06/train_rnnlm.py) on the fast path.

    Word vectors and LSTM of 100, batch 20, time 35, SGD with lr 20, gradient
    clipping at 0.25, 4 epochs; then the perplexity on the test split, the
    weights saved as rnnlm-ptb.npz in the run's output folder, and text
    sampled from the model as ch07/generate_text.py does.
    """
    corpus, word_to_id, id_to_word = load_data("train")
    corpus_test, _, _ = load_data("test")
    vocab_size = len(word_to_id)

    model = FastRnnlm(vocab_size, WORDVEC_SIZE, HIDDEN_SIZE, rng=rng)
    batches = TruncatedBPTTBatches.from_corpus(corpus, BATCH_SIZE, TIME_SIZE)
    trainer = Trainer(model, InPlaceSGD(LR), rng=rng, perplexity=True)
    start, cpu_start = time.perf_counter(), time.process_time()
    history = trainer.fit_batches(batches, max_epoch=MAX_EPOCH, max_grad=MAX_GRAD,
                                  eval_interval=20)
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
    iterations = MAX_EPOCH * batches.iterations
    for epoch, ppl in enumerate(history.epoch_perplexities):
        print(f"| epoch {epoch + 1} | training perplexity {ppl:7.2f}")
    print(f"{MAX_EPOCH} epochs of {batches.iterations:,} mini-batches in {seconds:.0f} s: "
          f"{1e3 * seconds / iterations:.1f} ms per mini-batch; {cpu_seconds:.0f} s of CPU time")

    ppl_test = eval_perplexity(model, corpus_test)
    print(f"test perplexity: {ppl_test:.2f}")
    path = save_params(model, "rnnlm-ptb.npz")
    print(f"weights saved to {path.name} in the output folder")
    publish("seconds", seconds, "{:.0f} s")
    publish("cpu_seconds", cpu_seconds, "{:.0f} s")
    publish("iteration_ms", 1e3 * seconds / iterations, "{:.0f} ms")
    publish("train_perplexity", history.epoch_perplexities[-1], "{:.1f}")
    publish("test_perplexity", ppl_test, "{:.1f}")

    skip_ids = [word_to_id[w] for w in SKIP_WORDS]
    word_ids = generate(model, word_to_id["you"], skip_ids, rng=rng)
    print("\n" + to_text(word_ids, id_to_word))

    plot_training_perplexity(history.iterations, history.perplexities,
                             "Rnnlm on PTB: training perplexity (average of 20 mini-batches)")


def train_with_lr_rule(
    model: Any, epochs: int, lr: float, path: str, rng: np.random.Generator
) -> dict[str, list[float]]:
    """Train on PTB an epoch at a time as ch06/train_better_rnnlm.py does; return the curves.

    After each epoch the perplexity on the validation split decides: better
    than ever, and the weights are saved to ``path``; worse, and the
    learning rate is divided by 4.  At the end the best weights are loaded
    back.  Returns, per epoch, the minutes since the start, the training and
    validation perplexities, and the learning rate the epoch trained with;
    and the CPU time used in all (both cores count), which a busy machine
    does not inflate as it does the wall time.
    """
    corpus, _, _ = load_data("train")
    corpus_val, _, _ = load_data("valid")
    optimizer = InPlaceSGD(lr)
    trainer = Trainer(model, optimizer, rng=rng, perplexity=True)
    batches = TruncatedBPTTBatches.from_corpus(corpus, BATCH_SIZE, TIME_SIZE)
    curves: dict[str, list[float]] = {"minutes": [], "train": [], "valid": [], "lr": [],
                                      "cpu_minutes": []}

    start, cpu_start = time.perf_counter(), time.process_time()
    best_ppl = float("inf")
    for epoch in range(epochs):
        history = trainer.fit_batches(batches, max_epoch=1, max_grad=MAX_GRAD)
        ppl = eval_perplexity(model, corpus_val, progress=False)
        curves["minutes"].append((time.perf_counter() - start) / 60)
        curves["train"].append(history.epoch_perplexities[0])
        curves["valid"].append(ppl)
        curves["lr"].append(optimizer.lr)
        curves["cpu_minutes"].append((time.process_time() - cpu_start) / 60)
        print(f"| epoch {epoch + 1:2} | lr {optimizer.lr:g} | training perplexity "
              f"{history.epoch_perplexities[0]:7.2f} | valid perplexity {ppl:7.2f} | "
              f"{curves['minutes'][-1]:5.1f} min", flush=True)

        if ppl < best_ppl:
            best_ppl = ppl
            save_params(model, path)
        else:
            optimizer.lr /= 4.0

    load_params(model, path)
    return curves


def ptb_better(rng: np.random.Generator) -> None:
    """BetterRnnlm on PTB, sized for two CPU cores: 2 × 200 units, tied weights, dropout 0.3.

    The book's schedule (ch06/train_better_rnnlm.py: SGD with lr 20, clipping
    at 0.25, lr divided by 4 whenever the validation perplexity gets worse)
    for 8 epochs, on the fast path; the best epoch's weights are saved as
    better-rnnlm-ptb.npz and scored on the test split.  Then the model
    writes text that starts with "you", as ch07/generate_better_text.py does.
    """
    corpus_test, word_to_id, id_to_word = load_data("test")
    vocab_size = len(word_to_id)
    model = FastBetterRnnlm(vocab_size, BETTER_SIZE, BETTER_SIZE, BETTER_DROPOUT, rng=rng)
    curves = train_with_lr_rule(model, BETTER_EPOCHS, LR, "better-rnnlm-ptb.npz", rng)

    ppl_test = eval_perplexity(model, corpus_test)
    best = int(np.argmin(curves["valid"]))
    print(f"\nbest epoch {best + 1} (valid perplexity {curves['valid'][best]:.2f}); "
          f"its weights: test perplexity {ppl_test:.2f}")
    print(f"{BETTER_EPOCHS} epochs in {curves['minutes'][-1]:.1f} minutes, "
          f"{curves['cpu_minutes'][-1]:.1f} minutes of CPU time")
    publish("test_perplexity", ppl_test, "{:.1f}")
    publish("cpu_minutes", curves["cpu_minutes"][-1], "{:.0f} minutes")
    publish("valid_perplexity", curves["valid"][best], "{:.1f}")
    publish("best_epoch", best + 1)
    publish("minutes", curves["minutes"][-1], "{:.0f} minutes")
    publish("epoch_minutes", curves["minutes"][-1] / BETTER_EPOCHS, "{:.1f} minutes")

    skip_ids = [word_to_id[w] for w in SKIP_WORDS]
    for sample in range(2):
        word_ids = generate(model, word_to_id["you"], skip_ids, rng=rng)
        print(f"\ntext {sample + 1}:\n" + to_text(word_ids, id_to_word))

    plot_perplexity_against_time(
        curves["minutes"], curves["train"], curves["valid"], curves["lr"],
        f"BetterRnnlm (2 × {BETTER_SIZE}, dropout {BETTER_DROPOUT}) on PTB", target=120.0)


def ptb_book(rng: np.random.Generator) -> None:
    """The book's own BetterRnnlm run: 2 × 650 units, dropout 0.5, 40 epochs (hours on a CPU).

    ch06/train_better_rnnlm.py's settings on the fast path, with the lr rule
    of :func:`train_with_lr_rule`; the best weights are saved as
    better-rnnlm-650.npz and scored on the test split.
    """
    corpus_test, word_to_id, id_to_word = load_data("test")
    vocab_size = len(word_to_id)
    model = FastBetterRnnlm(vocab_size, BOOK_SIZE, BOOK_SIZE, BOOK_DROPOUT, rng=rng)
    curves = train_with_lr_rule(model, BOOK_EPOCHS, LR, "better-rnnlm-650.npz", rng)

    ppl_test = eval_perplexity(model, corpus_test)
    print(f"\ntest perplexity {ppl_test:.2f} after {curves['minutes'][-1] / 60:.1f} hours")
    publish("test_perplexity", ppl_test, "{:.1f}")
    publish("hours", curves["minutes"][-1] / 60, "{:.1f} hours")

    skip_ids = [word_to_id[w] for w in SKIP_WORDS]
    print("\n" + to_text(generate(model, word_to_id["you"], skip_ids, rng=rng), id_to_word))

    plot_perplexity_against_time(
        curves["minutes"], curves["train"], curves["valid"], curves["lr"],
        f"BetterRnnlm (2 × {BOOK_SIZE}, dropout {BOOK_DROPOUT}) on PTB")
