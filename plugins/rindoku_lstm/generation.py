"""Text from a language model (book 2 section 7.1): sample the next word, feed it back, repeat.

A trained language model gives, after each word, a probability for every
word of the vocabulary to come next.  Picking the most probable one every
time gives the same text on every run, often a loop of the commonest words;
the book *samples* instead, each word drawn with the probability the model
gives it, so likely words come often and unlikely ones sometimes.

The book puts ``generate`` in subclasses of its models (``ch07/rnnlm_gen.py``:
``RnnlmGen``, ``BetterRnnlmGen``); here one function serves every model with
``predict`` and ``reset_state``, the fast ones too, and draws from the
generator it is given instead of NumPy's global random state.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from rindoku_backprop.functions import softmax

__all__ = ["generate", "to_text"]


def generate(
    model: Any,
    start_id: int,
    skip_ids: Iterable[int] | None = None,
    sample_size: int = 100,
    *,
    rng: np.random.Generator,
) -> list[int]:
    """Return ``sample_size`` word ids: ``start_id``, then words sampled one by one.

    The model reads one word at a time, ``x`` of shape (1, 1), from a fresh
    state (``reset_state()``), and carries its state on from word to word.
    Each next word is drawn with ``rng`` from ``softmax`` of the model's
    scores.  Words in ``skip_ids`` (``<unk>``, ``N``) are never drawn: their
    probability is set to 0 and the rest renormalised.  (The book draws
    again instead, feeding the model the last word once more.)  The
    vocabulary is the rows of the model's word vectors, ``params[0]``.
    """
    vocab_size = model.params[0].shape[0]
    skipped = sorted({int(i) for i in skip_ids}) if skip_ids is not None else []
    for what, word_id in [("start_id", start_id)] + [("skip_ids", i) for i in skipped]:
        if not isinstance(word_id, int | np.integer) or not 0 <= word_id < vocab_size:
            raise ValueError(f"generate: {what} holds {word_id!r}, which is not a word id of "
                             f"the model's vocabulary (0..{vocab_size - 1}): look it up in the "
                             "word_to_id of the corpus the model was trained on")
    if sample_size < 1:
        raise ValueError(f"generate: sample_size is {sample_size}; ask for at least 1 word")
    if len(skipped) >= vocab_size:
        raise ValueError("generate: skip_ids leaves no word to draw; skip fewer words")

    model.reset_state()
    word_ids = [int(start_id)]

    x = int(start_id)
    while len(word_ids) < sample_size:
        score = model.predict(np.array(x).reshape(1, 1))
        p = softmax(score.flatten().astype(np.float64))
        p[skipped] = 0.0  # never these words: the others share their probability
        p /= p.sum()

        x = int(rng.choice(len(p), p=p))
        word_ids.append(x)

    return word_ids


def to_text(word_ids: Iterable[int], id_to_word: Mapping[int, str]) -> str:
    """The words joined by spaces, each ``<eos>`` (end of sentence) a full stop and a new line."""
    text = " ".join(id_to_word[int(i)] for i in word_ids)
    return text.replace(" <eos>", ".\n")
