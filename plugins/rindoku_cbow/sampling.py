"""Drawing the negative examples of negative sampling (負例サンプリング).

A negative example is a word that is *not* the target, drawn at random in
proportion to its count in the corpus raised to the power 0.75.  The book draws
each row of negatives with its own ``np.random.choice`` call, in a Python loop
over the mini-batch.  Here a whole mini-batch is drawn at once, from the
generator the sampler was given, by Walker's alias method: a few array
operations per draw, whatever the size of the vocabulary.
"""

from __future__ import annotations

import numpy as np

__all__ = ["UnigramSampler"]


class UnigramSampler:
    """Draws words with probability proportional to ``count(word) ** power``.

    corpus: word ids (N,); the vocabulary is ``0 … corpus.max()``.  The power
    0.75 (word2vec's choice) evens the counts out a little: a word a hundred
    times rarer than another is drawn only about 32 times less often.
    ``get_negative_sample(target)`` gives ``sample_size`` words for each target,
    never the target itself; the same word may appear twice in a row.
    """

    def __init__(
        self,
        corpus: np.ndarray,
        power: float = 0.75,
        sample_size: int = 5,
        *,
        rng: np.random.Generator,
    ) -> None:
        counts = np.bincount(np.asarray(corpus).ravel())
        if np.count_nonzero(counts) < 2:
            raise ValueError("the corpus must hold at least two different words to sample from")
        self.sample_size = sample_size
        self.vocab_size = len(counts)
        self.rng = rng
        word_p = counts.astype(np.float64) ** power
        self.word_p = word_p / word_p.sum()
        self.keep, self.alias = _alias_table(self.word_p)

    def sample(self, shape: int | tuple[int, ...]) -> np.ndarray:
        """Words drawn independently from ``word_p``, as an array of ``shape``.

        Walker's alias method: pick one of V equally likely buckets, then keep
        its own word with probability ``keep[bucket]``, else take its alias.
        """
        bucket = self.rng.integers(0, self.vocab_size, shape)
        own = self.rng.random(shape) < self.keep[bucket]
        return np.where(own, bucket, self.alias[bucket])

    def get_negative_sample(self, target: np.ndarray) -> np.ndarray:
        """For each target word id (N,), ``sample_size`` other words: (N, sample_size).

        All of them are drawn at once; the few that hit their own row's target
        are drawn again, together, until none does.
        """
        target = np.asarray(target)
        negative_sample = self.sample((len(target), self.sample_size))
        rows, cols = np.nonzero(negative_sample == target[:, np.newaxis])
        while len(rows):
            negative_sample[rows, cols] = self.sample(len(rows))
            again = negative_sample[rows, cols] == target[rows]
            rows, cols = rows[again], cols[again]
        return negative_sample


def _alias_table(p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Vose's alias table of the probabilities ``p`` (V,): ``(keep, alias)``.

    Bucket i has probability 1/V; it gives word i with probability
    ``keep[i]`` and word ``alias[i]`` otherwise.  Built by filling each
    under-full bucket with a piece of an over-full word, so that every word
    ends up with exactly ``p[i]`` in total.
    """
    n = len(p)
    keep = p * n
    alias = np.arange(n)
    small = [i for i in range(n) if keep[i] < 1.0]
    large = [i for i in range(n) if keep[i] >= 1.0]
    while small and large:
        s, g = small.pop(), large.pop()
        alias[s] = g  # bucket s: word s with probability keep[s], else word g
        keep[g] -= 1.0 - keep[s]
        (small if keep[g] < 1.0 else large).append(g)
    keep[small + large] = 1.0  # what is left is full up to rounding
    return keep, alias
