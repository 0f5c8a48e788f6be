"""Drawing the negative examples of negative sampling (負例サンプリング), as the book does.

A negative example is a word that is *not* the target, drawn at random in
proportion to its count in the corpus raised to the power 0.75.  This is book
2's ``UnigramSampler`` (``ch04/negative_sampling_layer.py``): for each row of
the mini-batch, one ``choice`` without replacement from the probabilities with
the target's set to 0.  It differs from the book in one respect: the draws
come from the ``np.random.Generator`` the sampler is given, not from NumPy's
global random state, so the same seed gives the same negatives.

The fast path draws a whole mini-batch at once instead
(:class:`rindoku_cbow.fast.AliasUnigramSampler`).
"""

from __future__ import annotations

import numpy as np

__all__ = ["UnigramSampler"]


class UnigramSampler:
    """Draws negatives with probability proportional to ``count(word) ** power``.

    corpus: word ids (N,); the vocabulary is ``0 … corpus.max()`` and
    ``word_p`` (V,) holds each word's probability.  The power 0.75 (word2vec's
    choice) evens the counts out a little: a word a hundred times rarer than
    another is drawn only about 32 times less often.
    ``get_negative_sample(target)``: target (N,) -> (N, sample_size), each row
    ``sample_size`` different words, none of them that row's target.
    """

    def __init__(
        self,
        corpus: np.ndarray,
        power: float = 0.75,
        sample_size: int = 5,
        *,
        rng: np.random.Generator,
    ) -> None:
        self.sample_size = sample_size
        self.rng = rng

        counts = np.bincount(np.asarray(corpus).ravel())  # counts[i]: occurrences of word i
        vocab_size = len(counts)
        self.vocab_size = vocab_size
        if np.count_nonzero(counts) <= sample_size:
            raise ValueError(
                f"the corpus holds {np.count_nonzero(counts)} different words; "
                f"{sample_size} negatives that differ from each other and from the target "
                f"need at least {sample_size + 1}"
            )

        self.word_p = np.power(counts.astype(np.float64), power)
        self.word_p /= np.sum(self.word_p)

    def get_negative_sample(self, target: np.ndarray) -> np.ndarray:
        """Return ``sample_size`` negatives for each target word id (N,): (N, sample_size)."""
        batch_size = target.shape[0]
        negative_sample = np.zeros((batch_size, self.sample_size), dtype=np.int32)

        for i in range(batch_size):
            p = self.word_p.copy()
            target_idx = target[i]
            p[target_idx] = 0
            p /= p.sum()
            negative_sample[i, :] = self.rng.choice(
                self.vocab_size, size=self.sample_size, replace=False, p=p
            )
        return negative_sample
