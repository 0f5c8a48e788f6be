"""The perplexity of a language model on a corpus, as the book's ``eval_perplexity``.

The perplexity (パープレキシティ) is ``exp`` of the average loss, the average
of ``-log P(next word)``.  A model that gives the right next word probability
1 has perplexity 1; a model that spreads its guess evenly over k words has
perplexity k.  So it reads as "how many words the model is choosing among".

The corpus is read as in training (:class:`~rindoku_rnn.batching.TruncatedBPTTBatches`),
``batch_size`` streams of ``time_size`` words at a time, and nothing is
updated.  The book's ``common/util.py`` builds the same batches with loops.
"""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np

from rindoku.progress import progress_bar
from rindoku_rnn.batching import TruncatedBPTTBatches

__all__ = ["PerplexityError", "eval_perplexity"]


class PerplexityError(FloatingPointError):
    """The perplexity is not a finite number; the message says where and why."""


def eval_perplexity(
    model: Any, corpus: np.ndarray, batch_size: int = 10, time_size: int = 35,
    *, progress: bool = True,
) -> float:
    """Return the perplexity of ``model`` on ``corpus`` (word ids), with a progress bar.

    ``model.forward(xs, ts)`` returns the average loss of a batch; a model
    whose ``forward`` takes ``train_flg`` is called with ``train_flg=False``
    (no dropout).  The model's hidden state is reset before and after (where
    it has ``reset_state``): the evaluation reads in batches of its own size,
    and training goes on afterwards from a fresh state, as the book's scripts
    do by calling ``reset_state()`` around it.
    """
    batches = TruncatedBPTTBatches.from_corpus(corpus, batch_size, time_size)
    max_iters = batches.iterations
    takes_train_flg = "train_flg" in inspect.signature(model.forward).parameters
    reset = getattr(model, "reset_state", None)
    if reset is not None:
        reset()
    bar = progress_bar(max_iters, desc="perplexity") if progress else None
    total_loss = 0.0
    try:
        for iters, (xs, ts) in enumerate(batches.epoch()):
            if takes_train_flg:
                loss = model.forward(xs, ts, train_flg=False)
            else:
                loss = model.forward(xs, ts)
            total_loss += float(loss)
            if not np.isfinite(total_loss):
                raise PerplexityError(
                    f"the perplexity became {np.exp(total_loss)} at batch {iters + 1} of "
                    f"{max_iters}: the model gave a word of the corpus probability 0, or its "
                    "weights are no longer numbers; train with a smaller learning rate or "
                    "max_grad, and check that the corpus uses the model's vocabulary"
                )
            if bar is not None:
                bar.update(1)
    finally:
        if bar is not None:
            bar.close()
        if reset is not None:
            reset()
    ppl = np.exp(total_loss / max_iters)
    if not np.isfinite(ppl):
        raise PerplexityError(f"the perplexity became {ppl}: the average loss "
                              f"{total_loss / max_iters:.4g} is too large for exp; the model "
                              "has diverged: train with a smaller learning rate or max_grad")
    return float(ppl)
