"""seq2seq and attention: an epoch of the textbook path and of the fast path, and their accuracy.

An epoch is what book 2's ``ch07/train_seq2seq.py`` and ``ch08/train.py`` do
in each turn of their loop: one pass over the 45,000 training questions in
mini-batches of 128 (Adam, gradients clipped at 5.0), then every one of the
5,000 held-out questions answered, for the accuracy.  The textbook path is
the book's layers and layout (PeekySeq2seq, AttentionSeq2seq), trained by the
kernel's Trainer with the optimizers chapter's Adam, answering one question
at a time as the book's ``eval_seq2seq`` does; the fast path is
FastPeekySeq2seq and FastAttentionSeq2seq, trained by the same Trainer with
InPlaceAdam (the same update) and answering all the questions in batches.

The times are the processor time the process spends (``time.process_time``),
which on a shared machine, unlike the time that passes, does not count the
other processes' turns; the time passed is published beside it.  Both paths
start from the same weights (the same seed) and see the same mini-batches,
so that their accuracy after each epoch can be compared:
PeekySeq2seq on addition (reversed, hidden 128) for ``--addition-epochs``
epochs, AttentionSeq2seq on dates (reversed, hidden 256) for
``--dates-epochs``.  Both run in this process, one after the other, with
BLAS limited to ``--threads`` threads (threadpoolctl; default 1, which
gives steadier figures on a shared machine).

Run ``python benchmarks/bench_seq2seq.py`` (or ``nox -s bench``).  The data
files come from ``$RINDOKU_DATA`` or the download cache, as for the library.
The run writes its figures to ``docs/records/bench.seq2seq/record.json``,
where the book cites them (``--no-record`` writes nothing).
"""

from __future__ import annotations

import argparse
import os

import numpy as np
from benchrecord import BenchRecord, add_record_options
from threadpoolctl import threadpool_limits

from rindoku_attention.fast import FastAttentionSeq2seq
from rindoku_attention.models import AttentionSeq2seq
from rindoku_optimizers.optimizers import Adam
from rindoku_seq2seq.evaluation import Seq2seqRun, train_seq2seq
from rindoku_seq2seq.fast import FastPeekySeq2seq, InPlaceAdam
from rindoku_seq2seq.models import PeekySeq2seq
from rindoku_seq2seq.sequence import SequenceData, load_data

WORDVEC_SIZE, BATCH_SIZE, MAX_GRAD = 16, 128, 5.0
TASKS = {  # name: (file, hidden size, textbook model, fast model)
    "addition": ("addition.txt", 128, PeekySeq2seq, FastPeekySeq2seq),
    "dates": ("date.txt", 256, AttentionSeq2seq, FastAttentionSeq2seq),
}


def train(model_class: type, data: SequenceData, hidden: int, epochs: int, seed: int,
          name: str) -> Seq2seqRun:
    """Train one path for ``epochs`` epochs from ``seed``; the run, with its times."""
    model = model_class(len(data.vocab), WORDVEC_SIZE, hidden,
                        rng=np.random.default_rng(seed))
    fast = getattr(model, "generates_batches", False)
    return train_seq2seq(model, data, epochs, rng=np.random.default_rng(seed + 1), name=name,
                         reverse=True, batch_size=BATCH_SIZE, max_grad=MAX_GRAD, show=0,
                         progress=False, optimizer=InPlaceAdam() if fast else Adam())


def warm_up(model_class: type, data: SequenceData) -> None:
    """Train a small model of ``model_class`` for one epoch on 256 questions.

    numba compiles the fast path's loops on their first call, in seconds, once
    per machine (its cache keeps them): done here, no timed epoch counts it.
    """
    small = SequenceData(data.x_train[:256], data.t_train[:256], data.x_test[:8],
                         data.t_test[:8], data.vocab)
    train(model_class, small, 8, 1, 0, "warm-up")


def compare(record: BenchRecord, task: str, epochs: int, seed: int) -> None:
    """Both paths on one task; publish ``TASK_PATH_…`` figures and the ratios."""
    file, hidden, textbook_class, fast_class = TASKS[task]
    data = load_data(file)
    warm_up(fast_class, data)
    print(f"\n{task}: {textbook_class.__name__} and {fast_class.__name__}, hidden {hidden}, "
          f"{epochs} epochs each from seed {seed}")
    runs = {path: train(cls, data, hidden, epochs, seed, f"{task} {path}")
            for path, cls in [("textbook", textbook_class), ("fast", fast_class)]}

    print("\nper epoch, processor time (time passed)")
    print(f"{'path':<10} {'training':>17} {'answering 5,000':>17} {'epoch':>17}  accuracy")
    parts: dict[str, dict[str, float]] = {}
    for path, run in runs.items():
        cpu = {"train": (run.cpu_seconds - run.eval_cpu_seconds) / epochs,
               "answer": run.eval_cpu_seconds / epochs, "epoch": run.cpu_seconds / epochs}
        wall = {"train": (run.seconds - run.eval_seconds) / epochs,
                "answer": run.eval_seconds / epochs, "epoch": run.seconds / epochs}
        parts[path] = cpu
        cells = "".join(f"{cpu[p]:>8.1f} s ({wall[p]:>5.1f})" for p in ("train", "answer", "epoch"))
        accuracies = ", ".join(f"{a:.1%}" for a in run.accuracies)
        print(f"{path:<10} {cells}  {accuracies}")
        for part in ("train", "answer", "epoch"):
            record.publish(f"{task}_{path}_{part}_seconds", cpu[part], "{:.1f} s")
            record.publish(f"{task}_{path}_{part}_wall_seconds", wall[part], "{:.1f} s")
        record.publish(f"{task}_{path}_accuracy", run.last, "{:.1%}")
    ratio = {part: parts["textbook"][part] / parts["fast"][part] for part in parts["fast"]}
    for part, value in ratio.items():
        record.publish(f"{task}_{part}_speedup", value, "{:.1f}")
    textbook, fast = runs["textbook"], runs["fast"]
    difference = max(abs(a - b) for a, b in zip(textbook.accuracies, fast.accuracies,
                                                 strict=True))
    record.publish(f"{task}_accuracy_difference", difference, "{:.1%}")
    print(f"in processor time, the fast path's epoch is {ratio['epoch']:.1f} times as fast "
          f"(training {ratio['train']:.1f}, answering {ratio['answer']:.0f}); the accuracies "
          f"differ by at most {difference:.1%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--addition-epochs", type=int, default=4,
                        help="epochs of PeekySeq2seq on addition, each path (default 4)")
    parser.add_argument("--dates-epochs", type=int, default=2,
                        help="epochs of AttentionSeq2seq on dates, each path (default 2)")
    parser.add_argument("--threads", type=int, default=1,
                        help="BLAS threads for both paths (default 1)")
    parser.add_argument("--seed", type=int, default=0)
    add_record_options(parser)
    args = parser.parse_args()
    with BenchRecord.from_args("seq2seq", args) as record:
        print(f"{os.cpu_count()} CPU cores, NumPy {np.__version__}, BLAS limited to "
              f"{args.threads} thread{'s' if args.threads > 1 else ''}")
        record.publish("threads", args.threads)
        with threadpool_limits(limits=args.threads, user_api="blas"):
            compare(record, "addition", args.addition_epochs, args.seed)
            compare(record, "dates", args.dates_epochs, args.seed)


if __name__ == "__main__":
    main()
