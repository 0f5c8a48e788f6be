"""The chapter's exercises: greedy decoding, and the backward pass of the peeky decoder.

Each check builds the member's class from sizes, a generator and a dtype,
gives it the library's weights (written into the arrays of its ``params``),
calls it with arrays, and compares what comes back with the library's own
(:mod:`rindoku_seq2seq.layers`).  Where a wrong answer matches a usual
mistake, computed here the wrong way on purpose, the message names it.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from rindoku import CheckFailed, Exercise
from rindoku.checks import expect_array, expect_close, get_class, type_name
from rindoku_seq2seq.layers import Decoder, PeekyDecoder

__all__ = [
    "EXERCISES",
    "GENERATE",
    "PEEKY_BACKWARD",
    "check_generate",
    "check_peeky_backward",
]

SOLUTIONS = Path(__file__).parent / "solutions"

CHECK_SEED = 0
"""The seed of the generator the checks draw their weights and inputs from."""


def _same(a: Any, b: Any) -> bool:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=1e-6, atol=1e-9))


def _twin(theirs: Any, ours: Any, what: str) -> None:
    """Give the member's layer the library's weights, array by array, in place."""
    params = list(theirs.params)
    if len(params) != len(ours.params):
        raise CheckFailed(f"{what}.params holds {len(params)} arrays; the layer's __init__ "
                          f"makes {len(ours.params)}: keep __init__ as it was given")
    for mine, given in zip(params, ours.params, strict=True):
        mine[...] = given


# -- Decoder.generate -----------------------------------------------------------------------


V, D, H = 13, 4, 8


def _greedy(decoder: Decoder, h: np.ndarray, start_id: int, sample_size: int, *,
            feed_back: bool = True, from_h: bool = True) -> list[int]:
    """Greedy decoding with the library's layers, or one of two usual mistakes."""
    decoder.lstm.set_state(h if from_h else np.zeros_like(h))
    sampled, sample_id = [], start_id
    for _ in range(sample_size):
        x = np.array(sample_id if feed_back else start_id).reshape(1, 1)
        score = decoder.affine.forward(decoder.lstm.forward(decoder.embed.forward(x)))
        sample_id = int(np.argmax(score.flatten()))
        sampled.append(sample_id)
    return sampled


def check_generate(module: ModuleType) -> None:
    """Check Decoder.generate on several questions: each character the best, fed back."""
    DecoderClass = get_class(module, "Decoder")
    rng = np.random.default_rng(CHECK_SEED)
    ours = Decoder(V, D, H, rng=np.random.default_rng(CHECK_SEED), dtype=np.float64)
    ours.params[0][...] *= 100.0  # vectors of about 1, so that the input matters
    ours.params[4][...] *= 3.0  # clear winners among the scores
    theirs = DecoderClass(V, D, H, rng=np.random.default_rng(CHECK_SEED), dtype=np.float64)
    _twin(theirs, ours, "Decoder")

    for case in range(6):
        h = rng.standard_normal((1, H))
        start_id, sample_size = int(rng.integers(0, V)), 4 + case % 3
        where = f"generate(h, start_id={start_id}, sample_size={sample_size}) (question {case})"
        result = theirs.generate(h, start_id, sample_size)
        if result is None:
            raise CheckFailed(f"{where} returned None: end it with return sampled")
        got = np.ravel(np.asarray(result))
        if got.dtype.kind not in "iu":
            raise CheckFailed(f"{where} returned {type_name(result)} of {got.dtype} values; "
                              "return the ids, a list of ints (int(np.argmax(...)))")
        expected = _greedy(ours, h, start_id, sample_size)
        if len(got) == sample_size + 1 and got[0] == start_id:
            raise CheckFailed(f"{where} returned {got.tolist()}: start_id is the decoder's "
                              "first input, not part of the answer; return the sample_size "
                              "ids it chose")
        if len(got) != sample_size:
            raise CheckFailed(f"{where} returned {len(got)} ids; expected sample_size = "
                              f"{sample_size}, one per step")
        if got.tolist() == expected:
            continue
        if got.tolist() == _greedy(ours, h, start_id, sample_size, feed_back=False):
            raise CheckFailed(f"{where} returned {got.tolist()}, expected {expected}: every "
                              "step read start_id; feed each step the id the step before "
                              "chose (sample_id = int(np.argmax(...)), then x from sample_id)")
        if got.tolist() == _greedy(ours, h, start_id, sample_size, from_h=False):
            raise CheckFailed(f"{where} returned {got.tolist()}, expected {expected}: the "
                              "LSTM did not start from h; call self.lstm.set_state(h) first")
        raise CheckFailed(f"{where} returned {got.tolist()}, expected {expected}: at each "
                          "step take the id with the highest score (np.argmax), and feed it "
                          "back as the next input")


GENERATE = Exercise(
    id="seq2seq.generate",
    title="Greedy decoding: Decoder.generate",
    prompt=(
        "Write `Decoder.generate(h, start_id, sample_size)`. The encoder has read one "
        "question and handed over its last hidden state `h`, shape (1, H). Start the "
        "decoder's LSTM from it (`self.lstm.set_state(h)`), feed it `start_id` (the id of "
        "`_`) as a batch of one sequence of one step, shape (1, 1), through `self.embed`, "
        "`self.lstm` and `self.affine`, and take the character with the highest score. That "
        "character is the next step's input: repeat `sample_size` times and return the "
        "`sample_size` ids chosen, as a list of ints. The LSTM is stateful, so each call of "
        "`forward` goes on from the state the last one left. Choosing the best character at "
        "every step, without looking ahead, is **greedy decoding** (貪欲法)."
    ),
    solution_file=SOLUTIONS / "decoder_generate.py",
    check=check_generate,
    hints=(
        "Begin with `self.lstm.set_state(h)`, `sample_id = start_id` and an empty list.",
        "In the loop: `x = np.array(sample_id).reshape((1, 1))`, then the three layers' "
        "`forward`, one after the other; the scores are (1, 1, V).",
        "`sample_id = int(np.argmax(score.flatten()))` and `sampled.append(sample_id)`; "
        "after the loop, `return sampled`.",
    ),
)


# -- PeekyDecoder.backward ------------------------------------------------------------------


def _peeky_variants(ours: PeekyDecoder, xs: np.ndarray, h: np.ndarray, dscore: np.ndarray
                    ) -> dict[str, np.ndarray]:
    """dh with one of its three parts left out, computed with a copy of the library's layer."""
    V, D = ours.embed.params[0].shape
    probe = PeekyDecoder(V, D, h.shape[1], rng=np.random.default_rng(0), dtype=np.float64)
    for mine, given in zip(probe.params, ours.params, strict=True):
        mine[...] = given
    probe.forward(xs, h)
    Hs = probe.cache
    dout = probe.affine.backward(dscore)
    dhs0 = dout[:, :, :Hs].sum(axis=1)
    dhs1 = probe.lstm.backward(dout[:, :, Hs:])[:, :, :Hs].sum(axis=1)
    state = probe.lstm.dh
    return {"no state": dhs0 + dhs1, "no affine": state + dhs1, "no lstm input": state + dhs0}


def check_peeky_backward(module: ModuleType) -> None:
    """Check PeekyDecoder.backward: dh and every weight's gradient, against the library's."""
    PeekyClass = get_class(module, "PeekyDecoder")
    rng = np.random.default_rng(CHECK_SEED)
    V, D, H = 7, 3, 4  # D != H: a slice taken on the wrong side of H has the wrong shape
    N, T = 3, 5
    ours = PeekyDecoder(V, D, H, rng=np.random.default_rng(CHECK_SEED), dtype=np.float64)
    ours.params[0][...] *= 50.0
    theirs = PeekyClass(V, D, H, rng=np.random.default_rng(CHECK_SEED), dtype=np.float64)
    _twin(theirs, ours, "PeekyDecoder")
    xs = rng.integers(0, V, (N, T))
    h = rng.standard_normal((N, H))
    dscore = rng.standard_normal((N, T, V))

    expect_close(theirs.forward(xs, h), ours.forward(xs, h), "PeekyDecoder.forward(xs, h)")
    grads_before = list(theirs.grads)
    dh = expect_array(theirs.backward(dscore), (N, H), "PeekyDecoder.backward(dscore)",
                      ": dh has one row per question, summed over the T steps",
                      missing_return="end it with return dh")
    expected = ours.backward(dscore)
    variants = _peeky_variants(ours, xs, h, dscore)
    for name, message in [
        ("no state", "dh lacks the gradient of the LSTM's first state: add self.lstm.dh, "
                     "what TimeLSTM.backward leaves there"),
        ("no affine", "dh lacks what h received through the output layer: the first H "
                      "columns of the Affine layer's dx, summed over the steps"),
        ("no lstm input", "dh lacks what h received as the LSTM's input: the first H "
                          "columns of the LSTM's dxs, summed over the steps"),
    ]:
        if _same(dh, variants[name]):
            raise CheckFailed(message)
    expect_close(dh, expected, "dh, returned by PeekyDecoder.backward(dscore)",
                 "h went three ways: the LSTM's first state (self.lstm.dh), and at every "
                 "step the LSTM's input and the Affine layer's input (the first H columns).")

    grads = list(theirs.grads)
    replaced = [i for i, (new, old) in enumerate(zip(grads, grads_before, strict=True))
                if new is not old]
    if replaced:
        raise CheckFailed(f"self.grads[{replaced[0]}] was replaced: leave the layers' "
                          "backward to write the gradients in place")
    names = ["the embedding's dW (grads[0])", "the LSTM's dWx (grads[1])",
             "the LSTM's dWh (grads[2])", "the LSTM's db (grads[3])",
             "the Affine layer's dW (grads[4])", "the Affine layer's db (grads[5])"]
    for i in reversed(range(len(names))):  # in the order backward reaches them
        got = expect_array(grads[i], ours.grads[i].shape, names[i])
        if np.allclose(got, 0) and not np.allclose(ours.grads[i], 0):
            raise CheckFailed(f"{names[i]} is all zeros: call that layer's backward")
        expect_close(got, ours.grads[i], names[i],
                     "Pass each layer the part of the gradient that belongs to it: the "
                     "LSTM the last H columns of the Affine layer's dx, the embedding the "
                     "last D columns of the LSTM's dxs.")


PEEKY_BACKWARD = Exercise(
    id="seq2seq.peeky-backward",
    title="The backward pass of the peeky decoder",
    prompt=(
        "Write `PeekyDecoder.backward(dscore)`. The forward pass gave the encoder's $h$ "
        "(N, H) to the decoder three ways: as the LSTM's first state "
        "(`self.lstm.set_state(h)`), and at every step beside the character's vector at the "
        "LSTM's input, `np.concatenate((hs, out), axis=2)` with `hs` $h$ repeated T times, "
        "and beside the LSTM's output at the Affine layer's input. Go back through "
        "`self.affine`, `self.lstm` and `self.embed`, cutting each concatenation's gradient "
        "apart again: the first H columns belong to $h$, the rest to the layer below. Return "
        "$\\partial L / \\partial h$ (N, H), the sum of everything $h$ received: "
        "`self.lstm.dh` and the first H columns of both gradients, summed over the T steps."
    ),
    solution_file=SOLUTIONS / "peeky_backward.py",
    check=check_peeky_backward,
    hints=(
        "`dout = self.affine.backward(dscore)` is (N, T, 2H): `dout[:, :, :H]` is h's part, "
        "`dout[:, :, H:]` the LSTM output's.",
        "`self.lstm.backward(...)` returns (N, T, H + D): again h's part first; the last D "
        "columns go to `self.embed.backward`.",
        "h was repeated over the T steps, so its gradient is a sum over axis 1; add "
        "`self.lstm.dh` and return it.",
    ),
)


EXERCISES = [GENERATE, PEEKY_BACKWARD]
"""The chapter's exercises, in the order the chapter page gives them."""
