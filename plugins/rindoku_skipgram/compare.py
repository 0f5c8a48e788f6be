"""Count-based against inference-based word vectors, on the same corpus and the same scores.

Each method turns one corpus into a :class:`~rindoku_text.wordvectors.WordVectors`:

* the count-based method of the countbased chapter (co-occurrence, PPMI,
  SVD), with the book's settings and with the tuned ones
  (:data:`~rindoku_countbased.fast.BOOK_SETTINGS`,
  :data:`~rindoku_countbased.fast.TUNED_SETTINGS`);
* CBOW and skip-gram on their fast paths, with the book's settings (window 5,
  100 dimensions, 5 negatives), trained by the kernel's Trainer.

:func:`compare` times each one and scores it on the analogy questions and
WordSim353; :func:`comparison_table` prints the results as one table.  The
figures of the comparison are drawn by :mod:`rindoku_skipgram.figures`.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from rindoku.trainer import Trainer
from rindoku_cbow import examples as cbow_examples
from rindoku_cbow.contexts import create_contexts_target
from rindoku_cbow.fast import FastCBOW
from rindoku_countbased.fast import (
    BOOK_SETTINGS,
    TUNED_SETTINGS,
    Settings,
    count_based_vectors,
)
from rindoku_skipgram.fast import FastSkipGram
from rindoku_text.sparse import SparseAdam
from rindoku_text.wordvectors import (
    AnalogyReport,
    SimilarityReport,
    WordVectors,
    evaluate_analogy,
    evaluate_wordsim353,
)

__all__ = [
    "CBOW_SETTINGS",
    "SKIPGRAM_SETTINGS",
    "Result",
    "Word2vecSettings",
    "compare",
    "comparison_table",
    "train_word2vec",
]

@dataclass(frozen=True)
class Word2vecSettings:
    """How CBOW or skip-gram is trained: the book's settings and the fast path's.

    Window 5, 100 dimensions and 5 negatives are book 2's ch04/train.py;
    the batch size and the learning rate are each fast path's own.
    """

    window_size: int = 5
    hidden_size: int = 100
    sample_size: int = 5
    max_epoch: int = 10
    batch_size: int = 4096
    lr: float = 0.01

    def describe(self) -> str:
        """The settings in a few words."""
        return (f"window {self.window_size}, {self.hidden_size} dims, "
                f"{self.sample_size} negatives, {self.max_epoch} epochs, "
                f"batch {self.batch_size}, lr {self.lr:g}")


CBOW_SETTINGS = Word2vecSettings(
    cbow_examples.WINDOW_SIZE, cbow_examples.HIDDEN_SIZE, cbow_examples.SAMPLE_SIZE,
    cbow_examples.MAX_EPOCH, cbow_examples.FAST_BATCH_SIZE, cbow_examples.FAST_LR)
"""The CBOW chapter's fast path (``cbow.ptb``): SparseAdam, lr 0.01, batches of 4096 targets."""

SKIPGRAM_SETTINGS = Word2vecSettings(lr=0.006)
"""Skip-gram's fast path: SparseAdam, lr 0.006, batches of 4096 targets.

The rate was chosen on PTB (``bench_skipgram.py --quality --lrs``).  A
target gives skip-gram about six (target, context) pairs where it gives CBOW
one example; with CBOW's 0.01, ten epochs score high on WordSim353 but low on
the analogies, with 0.005 the other way round, and 0.006 does well on both.
"""


@dataclass(frozen=True)
class Result:
    """One method's vectors, how long they took and how they score."""

    name: str
    settings: str
    seconds: float
    vectors: WordVectors
    analogy: AnalogyReport
    similarity: SimilarityReport


def train_word2vec(
    model_class: type,
    corpus: np.ndarray,
    vocab_size: int,
    rng: np.random.Generator,
    settings: Word2vecSettings,
    *,
    progress: bool = True,
) -> tuple[Trainer, float]:
    """Train FastCBOW or FastSkipGram on ``corpus``; return the Trainer and the seconds.

    The Trainer holds the model, the optimizer (with its state, to go on
    training) and the loss history.  The seconds count the training only:
    making the contexts and targets, a few array operations, is left out.
    """
    contexts, target = create_contexts_target(corpus, settings.window_size)
    model = model_class(vocab_size, settings.hidden_size, settings.window_size, corpus, rng,
                        settings.sample_size)
    trainer = Trainer(model, SparseAdam(lr=settings.lr), rng=rng, progress=progress,
                      unit="words")
    start = time.perf_counter()
    trainer.fit(contexts, target, max_epoch=settings.max_epoch,
                batch_size=min(settings.batch_size, len(target)))
    return trainer, time.perf_counter() - start


def _scored(name: str, settings: str, seconds: float, vectors: WordVectors) -> Result:
    return Result(name, settings, seconds, vectors, evaluate_analogy(vectors),
                  evaluate_wordsim353(vectors))


def compare(
    corpus: np.ndarray,
    word_to_id: dict[str, int],
    id_to_word: dict[int, str],
    rng: np.random.Generator,
    *,
    max_epoch: int = 10,
    batch_size: int | None = None,
    count_based: Sequence[tuple[str, Settings]] = (("book", BOOK_SETTINGS),
                                                    ("tuned", TUNED_SETTINGS)),
    progress: bool = True,
    log: bool = True,
) -> list[Result]:
    """Make word vectors of ``corpus`` by every method and score them; one Result each.

    Each method gets its own copy of ``rng``, in the state it was given: a
    method's result does not depend on which methods ran before it, and with
    the book's seed the CBOW and skip-gram rows are the runs of ``cbow.ptb``
    and ``skipgram.ptb``.
    ``count_based`` lists the count-based settings to run, each with a short
    name; CBOW and skip-gram train for ``max_epoch`` epochs on their fast
    paths, in mini-batches of their own size unless ``batch_size`` is given.
    With ``log``, a line is printed as each method finishes.
    """
    results = []
    for label, counting in count_based:
        start = time.perf_counter()
        vectors, _ = count_based_vectors(corpus, word_to_id, id_to_word, copy.deepcopy(rng),
                                         **counting.options())
        results.append(_scored(f"count-based ({label})", "PPMI + SVD, " + counting.describe(),
                               time.perf_counter() - start, vectors))
        if log:
            print(f"count-based ({label}) done in {results[-1].seconds:.1f} s", flush=True)

    for name, model_class, settings in [("CBOW", FastCBOW, CBOW_SETTINGS),
                                        ("skip-gram", FastSkipGram, SKIPGRAM_SETTINGS)]:
        settings = replace(settings, max_epoch=max_epoch,
                           batch_size=batch_size or settings.batch_size)
        trainer, seconds = train_word2vec(model_class, corpus, len(word_to_id),
                                          copy.deepcopy(rng), settings, progress=progress)
        vectors = WordVectors(trainer.model.word_vecs, word_to_id, id_to_word)
        results.append(_scored(name, "fast path, " + settings.describe(), seconds, vectors))
        if log:
            print(f"{name} done in {seconds:.1f} s", flush=True)
    return results


def comparison_table(results: Sequence[Result]) -> str:
    """The results as one text table: time, analogy (all, semantic, syntactic), WordSim353."""
    width = max(len(r.name) for r in results) + 2
    header = (f"{'method':<{width}} {'time':>7}  {'analogy':>7} {'semantic':>8} "
              f"{'syntactic':>9}  {'WS353':>6}")
    lines = [header, "-" * len(header)]
    for r in results:
        a = r.analogy
        lines.append(f"{r.name:<{width}} {r.seconds:>6.1f}s  {a.accuracy:>7.2%} "
                     f"{a.semantic_accuracy:>8.2%} {a.syntactic_accuracy:>9.2%}  "
                     f"{r.similarity.spearman:>6.3f}")
    first = results[0]
    lines.append("")
    lines.append(f"analogy: {first.analogy.used} of {first.analogy.total} Google questions "
                 f"({first.analogy.coverage:.1%}) have all four words in the vocabulary; "
                 f"WS353: {first.similarity.used} of {first.similarity.total} pairs")
    for r in results:
        lines.append(f"  {r.name}: {r.settings}")
    return "\n".join(lines)

