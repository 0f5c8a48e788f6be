"""LSTM language models on PTB: time per iteration of the textbook path and of the fast path.

The textbook path is book 2's Rnnlm made of layers (TimeEmbedding of one
Embedding per step, TimeLSTM of one LSTM per step, TimeAffine,
TimeSoftmaxWithLoss), float32 as the book trains it, with SGD; the fast path
is FastRnnlm with InPlaceSGD.  The textbook path is also timed in float64,
the precision in which the tests compare it with the book's code.  All take
Trainer steps (forward, backward, clipping at 0.25, update) on the same PTB
mini-batches, with the book's settings (batch 20, time 35, word vectors and
hidden state of 100, V = 10,000), in this process, in alternating rounds, so
that all see the same machine; each path's fastest round, the one least
slowed down by other programs, gives its time per iteration (the median is
printed beside it), and an epoch is 1,327 iterations.  The ratio is measured
twice: with the BLAS library's threads as they are, and with one thread
(threadpoolctl), on which a busy machine has less effect.

It then times where the fast path's iteration goes, layer by layer, and
times BetterRnnlm on both paths, at the size of ``lstm.ptb-better`` (2 ×
200) and at the book's (2 × 650): an epoch and the book's 40 epochs on this
CPU.

``--perplexity`` also trains Rnnlm for the book's 4 epochs on both paths and
compares their test perplexities (the textbook path takes most of an hour).

Run ``python benchmarks/bench_lstm.py`` (or ``nox -s bench``).  The data
files come from ``$RINDOKU_DATA`` or the download cache, as for the library.
The run writes its figures to ``docs/records/bench.lstm/record.json`` (with
``--perplexity``: ``bench.lstm.perplexity``), where the book cites them
(``--no-record`` writes nothing).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import time
from collections.abc import Callable, Iterator

import numpy as np
from benchrecord import BenchRecord, add_record_options
from threadpoolctl import threadpool_limits

from rindoku.trainer import Trainer, clip_grads, unique_params
from rindoku_backprop.optimizer import SGD
from rindoku_lstm.fast import FastBetterRnnlm, FastRnnlm, InPlaceSGD
from rindoku_lstm.models import BetterRnnlm, Rnnlm
from rindoku_rnn.batching import TruncatedBPTTBatches
from rindoku_rnn.perplexity import eval_perplexity
from rindoku_text.ptb import load_data

BATCH_SIZE, TIME_SIZE, SIZE, LR, MAX_GRAD, MAX_EPOCH = 20, 35, 100, 20.0, 0.25, 4
ROUNDS, STEPS = 9, 4
"""Rounds of the alternating comparison, and iterations of each path per round."""


def trainers(vocab_size: int, textbook_model: type, fast_model: type, size: int,
             float64: bool = False, **options: float) -> dict[str, Trainer]:
    """A Trainer per path, each with its model built from the same seed.

    With ``float64``, also the textbook path in float64 (``textbook64``): the
    precision in which the tests compare the textbook path with the book's code.
    """
    def textbook(dtype: type) -> Trainer:
        model = textbook_model(vocab_size, size, size, **options, dtype=dtype,
                               rng=np.random.default_rng(0))
        return Trainer(model, SGD(LR), rng=np.random.default_rng(0), progress=False)

    paths = {"textbook64": textbook(np.float64)} if float64 else {}
    paths["textbook"] = textbook(np.float32)
    paths["fast"] = Trainer(fast_model(vocab_size, size, size, **options,
                                       rng=np.random.default_rng(0)),
                            InPlaceSGD(LR), rng=np.random.default_rng(0), progress=False)
    return paths


def batch_stream(corpus: np.ndarray) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """PTB's truncated-BPTT mini-batches, from the start, for as long as asked."""
    batches = TruncatedBPTTBatches.from_corpus(corpus, BATCH_SIZE, TIME_SIZE)
    while True:
        yield batches.get_batch()


def seconds_per_iteration(paths: dict[str, Trainer], corpus: np.ndarray, rounds: int,
                          steps: int) -> tuple[dict[str, float], dict[str, float]]:
    """Each path's seconds per Trainer step in its fastest round and its median round.

    The paths alternate, ``steps`` steps each per round, for ``rounds`` rounds.
    """
    times: dict[str, list[float]] = {name: [] for name in paths}
    streams = {name: batch_stream(corpus) for name in paths}
    for name, trainer in paths.items():  # warm up: buffers, first allocations
        trainer.step(*next(streams[name]), MAX_GRAD)
    for _ in range(rounds):
        for name, trainer in paths.items():
            batches = [next(streams[name]) for _ in range(steps)]
            start = time.perf_counter()
            for xs, ts in batches:
                trainer.step(xs, ts, MAX_GRAD)
            times[name].append((time.perf_counter() - start) / steps)
    return ({name: float(np.min(values)) for name, values in times.items()},
            {name: float(np.median(values)) for name, values in times.items()})


def where_the_time_goes(corpus: np.ndarray, vocab_size: int) -> dict[str, float]:
    """Milliseconds of each part of a fast-path iteration (the least of 15)."""
    model = FastRnnlm(vocab_size, SIZE, SIZE, rng=np.random.default_rng(0))
    optimizer = InPlaceSGD(LR)
    stream = batch_stream(corpus)
    parts: dict[str, list[float]] = {}

    @contextlib.contextmanager
    def timed(name: str) -> Iterator[None]:
        start = time.perf_counter()
        yield
        parts.setdefault(name, []).append(1e3 * (time.perf_counter() - start))

    for _ in range(17):
        xs, ts = next(stream)
        with timed("embedding_forward"):
            vectors = model.embed.forward(xs)
        with timed("lstm_forward"):
            hs = model.lstm_layer.forward(vectors)
        with timed("softmax_loss_forward"):
            model.loss_layer.forward(hs, ts)
        with timed("softmax_loss_backward"):
            dhs = model.loss_layer.backward()
        with timed("lstm_backward"):
            dvectors = model.lstm_layer.backward(dhs)
        with timed("embedding_backward"):
            model.embed.backward(dvectors)
        with timed("clip_grads"):
            params, grads = unique_params(model.params, model.grads)
            clip_grads(grads, MAX_GRAD)
        with timed("update"):
            optimizer.update(params, grads)
    return {name: float(np.min(values[2:])) for name, values in parts.items()}


def compare(record: BenchRecord, corpus: np.ndarray, vocab_size: int, prefix: str,
            label: str, textbook_model: type, fast_model: type, size: int, rounds: int,
            steps: int, epoch_iterations: int, float64: bool = False,
            **options: float) -> None:
    """Time one model on both paths (threads as they are, then one); publish and print.

    With ``float64``, the textbook path is timed in float64 too (``textbook64_…``).
    """
    print(f"\n{label}")
    print(f"{'threads':<14} {'textbook ms':>12} {'fast ms':>9} {'ratio':>6} "
          f"{'textbook/epoch':>15} {'fast/epoch':>11}   (median ms: textbook, fast)")
    settings: list[tuple[str, Callable[[], contextlib.AbstractContextManager[object]]]] = [
        ("as they are", contextlib.nullcontext),
        ("1 thread", lambda: threadpool_limits(limits=1, user_api="blas")),
    ]
    for threads, limit in settings:
        with limit():
            paths = trainers(vocab_size, textbook_model, fast_model, size, float64, **options)
            seconds, median = seconds_per_iteration(paths, corpus, rounds, steps)
        suffix = "" if threads == "as they are" else "_1thread"
        ratio = seconds["textbook"] / seconds["fast"]
        for name in paths:
            record.publish(f"{prefix}{name}_iter_ms{suffix}", 1e3 * seconds[name], "{:.0f} ms")
            record.publish(f"{prefix}{name}_epoch_minutes{suffix}",
                           seconds[name] * epoch_iterations / 60, "{:.1f} minutes")
        record.publish(f"{prefix}textbook_over_fast{suffix}", ratio, "{:.1f}")
        if float64:
            record.publish(f"{prefix}textbook64_over_fast{suffix}",
                           seconds["textbook64"] / seconds["fast"], "{:.1f}")
            print(f"{threads:<14} textbook in float64: {1e3 * seconds['textbook64']:.1f} ms, "
                  f"{seconds['textbook64'] / seconds['fast']:.2f} times the fast path's "
                  f"(median {1e3 * median['textbook64']:.0f})")
        print(f"{threads:<14} {1e3 * seconds['textbook']:>12.1f} {1e3 * seconds['fast']:>9.1f} "
              f"{ratio:>6.2f} {seconds['textbook'] * epoch_iterations / 60:>11.1f} min "
              f"{seconds['fast'] * epoch_iterations / 60:>7.1f} min   "
              f"({1e3 * median['textbook']:.0f}, {1e3 * median['fast']:.0f})", flush=True)


def perplexity_runs(record: BenchRecord, corpus: np.ndarray, corpus_test: np.ndarray,
                    vocab_size: int) -> None:
    """Both paths, the book's 4 epochs from the same weights: their test perplexities."""
    print(f"\nRnnlm, the book's {MAX_EPOCH} epochs on each path, then the test split")
    results = {}
    for name, trainer in trainers(vocab_size, Rnnlm, FastRnnlm, SIZE).items():
        batches = TruncatedBPTTBatches.from_corpus(corpus, BATCH_SIZE, TIME_SIZE)
        start = time.perf_counter()
        trainer.fit_batches(batches, max_epoch=MAX_EPOCH, max_grad=MAX_GRAD)
        minutes = (time.perf_counter() - start) / 60
        results[name] = eval_perplexity(trainer.model, corpus_test, progress=False)
        record.publish(f"{name}_test_perplexity", results[name], "{:.2f}")
        record.publish(f"{name}_training_minutes", minutes, "{:.1f} minutes")
        print(f"{name:<9} test perplexity {results[name]:7.2f} after {minutes:5.1f} minutes",
              flush=True)
    difference = abs(results["fast"] / results["textbook"] - 1)
    record.publish("perplexity_difference", difference, "{:.2%}")
    print(f"relative difference {difference:.2%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--perplexity", action="store_true",
                        help="also train 4 epochs on each path and compare test perplexities")
    add_record_options(parser)
    args = parser.parse_args()
    name = "lstm.perplexity" if args.perplexity else "lstm"
    with BenchRecord.from_args(name, args) as record:
        run(record, args)


def run(record: BenchRecord, args: argparse.Namespace) -> None:
    corpus, word_to_id, _ = load_data("train")
    vocab_size = len(word_to_id)
    epoch_iterations = (len(corpus) - 1) // (BATCH_SIZE * TIME_SIZE)
    print(f"PTB: {len(corpus):,} words, vocabulary {vocab_size:,}; batch {BATCH_SIZE}, time "
          f"{TIME_SIZE}: {epoch_iterations:,} iterations per epoch; {os.cpu_count()} CPU "
          f"cores, NumPy {np.__version__}")
    record.publish("iterations_per_epoch", epoch_iterations, "{:,}")

    compare(record, corpus, vocab_size, "", f"Rnnlm, the book's settings ({SIZE} units), float32",
            Rnnlm, FastRnnlm, SIZE, ROUNDS, STEPS, epoch_iterations, float64=True)

    parts = where_the_time_goes(corpus, vocab_size)
    total = sum(parts.values())
    print(f"\nwhere a fast-path iteration goes (threads as they are), {total:.1f} ms in all:")
    for part, ms in parts.items():
        record.publish(f"fast_{part}_ms", ms, "{:.1f} ms")
        print(f"  {part:<22} {ms:6.1f} ms  {ms / total:6.1%}")
    record.publish("fast_parts_ms", total, "{:.1f} ms")

    compare(record, corpus, vocab_size, "better200_", "BetterRnnlm, 2 × 200, tied, dropout 0.3",
            BetterRnnlm, FastBetterRnnlm, 200, 3, 2, epoch_iterations, dropout_ratio=0.3)
    compare(record, corpus, vocab_size, "book650_",
            "BetterRnnlm, the book's 2 × 650, tied, dropout 0.5", BetterRnnlm,
            FastBetterRnnlm, 650, 2, 1, epoch_iterations, dropout_ratio=0.5)
    for path in ("textbook", "fast"):
        for suffix in ("", "_1thread"):
            minutes = record.raw[f"book650_{path}_epoch_minutes{suffix}"]
            record.publish(f"book650_{path}_40_epochs_hours{suffix}", 40 * minutes / 60,
                           "{:.1f} hours")
    print(f"the book's 40 epochs at 650 units: textbook "
          f"{record.values['book650_textbook_40_epochs_hours']}, fast "
          f"{record.values['book650_fast_40_epochs_hours']} (threads as they are)")

    if args.perplexity:
        corpus_test, _, _ = load_data("test")
        perplexity_runs(record, corpus, corpus_test, vocab_size)


if __name__ == "__main__":
    main()
