"""Truncated BPTT's mini-batches: a corpus read as ``batch_size`` streams, in order.

A language model learns from word order, so its mini-batches cannot be
shuffled as a classifier's are.  The book (``ch05/train_custom_loop.py`` and
``RnnlmTrainer.get_batch`` in ``common/trainer.py``) cuts the corpus into
``batch_size`` streams that start at equal distances, ``jump = len(xs) //
batch_size`` words apart, and reads all of them side by side, ``time_size``
words per iteration.  Row ``i`` of every mini-batch continues row ``i`` of the
one before, so a stateful RNN can carry its hidden state on from block to
block.  The position read next, ``time_idx``, goes on counting across epochs;
a stream that runs past the end of the corpus wraps round to its start.

:class:`TruncatedBPTTBatches` is a :class:`rindoku.trainer.BatchSource`: give
it to :meth:`rindoku.trainer.Trainer.fit_batches`.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

__all__ = ["TruncatedBPTTBatches"]


class TruncatedBPTTBatches:
    """The book's truncated-BPTT batching of inputs ``xs`` and labels ``ts``.

    For a corpus, ``xs = corpus[:-1]`` and ``ts = corpus[1:]``: each word's
    label is the word after it (:meth:`from_corpus`).  Stream ``i`` starts at
    ``offsets[i] = i * jump``; :meth:`get_batch` returns ``(batch_x,
    batch_t)``, both (batch_size, time_size), and moves ``time_idx`` on by
    ``time_size``.  One epoch is ``iterations = len(xs) // (batch_size *
    time_size)`` mini-batches, as in the book; ``rows`` is the number of
    words in one mini-batch.
    """

    def __init__(self, xs: np.ndarray, ts: np.ndarray, batch_size: int, time_size: int) -> None:
        check_sizes(len(xs), len(ts), batch_size, time_size)
        self.xs, self.ts = xs, ts
        self.batch_size, self.time_size = batch_size, time_size
        data_size = len(xs)
        jump = data_size // batch_size
        self.offsets = np.array([i * jump for i in range(batch_size)])  # where each stream starts
        self.time_idx = 0
        self.iterations = data_size // (batch_size * time_size)
        self.rows = batch_size * time_size

    @classmethod
    def from_corpus(cls, corpus: np.ndarray, batch_size: int, time_size: int
                    ) -> TruncatedBPTTBatches:
        """Batches of a corpus of word ids: the inputs are every word but the last,
        each one's label the word after it."""
        return cls(corpus[:-1], corpus[1:], batch_size, time_size)

    def get_batch(self) -> tuple[np.ndarray, np.ndarray]:
        """Return the next ``time_size`` words of every stream, and their labels."""
        data_size = len(self.xs)
        # row i, column t: the word at offsets[i] + time_idx + t, wrapping round the corpus
        positions = (self.offsets[:, None] + self.time_idx + np.arange(self.time_size)) % data_size
        batch_x = self.xs[positions]
        batch_t = self.ts[positions]
        self.time_idx += self.time_size
        return batch_x, batch_t

    def epoch(self, rng: np.random.Generator | None = None
              ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Yield the ``iterations`` mini-batches of one epoch, in order (``rng`` is not used:
        nothing is shuffled)."""
        for _ in range(self.iterations):
            yield self.get_batch()

    def reset(self) -> None:
        """Start reading the streams from their beginnings again."""
        self.time_idx = 0


def check_sizes(data_size: int, labels: int, batch_size: int, time_size: int) -> None:
    """Raise ValueError, in one line saying what to change, unless one epoch has a batch."""
    if data_size != labels:
        raise ValueError(f"xs has {data_size} words but ts has {labels}: give each input word "
                         "its label (for a corpus, xs = corpus[:-1] and ts = corpus[1:])")
    if batch_size < 1 or time_size < 1:
        raise ValueError(f"batch_size ({batch_size}) and time_size ({time_size}) must be at "
                         "least 1")
    if time_size > data_size:
        raise ValueError(f"time_size {time_size} is longer than the corpus ({data_size} input "
                         f"words): use a time_size of at most {data_size}, or a longer corpus")
    jump = data_size // batch_size
    if jump == 0:
        raise ValueError(f"batch_size {batch_size} leaves no stream: {data_size} input words "
                         f"cut into {batch_size} streams give 0 words each; use a batch_size "
                         f"of at most {data_size}")
    if time_size > jump:
        raise ValueError(f"time_size {time_size} is longer than each of the {batch_size} "
                         f"streams ({jump} words each), so an epoch has no mini-batch: use a "
                         f"time_size of at most {jump}, or a batch_size of at most "
                         f"{data_size // time_size}")
