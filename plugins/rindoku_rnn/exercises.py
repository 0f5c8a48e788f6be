"""The chapter's exercises: RNN's backward, TimeRNN's backward, truncated BPTT's batches.

Each check builds the member's class from arrays and numbers only, calls its
methods with arrays, and compares what comes back with the library's own
(:mod:`rindoku_rnn.layers`, :mod:`rindoku_rnn.batching`).  Where a wrong
answer matches a usual mistake, computed here the wrong way on purpose, the
message names that mistake.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from rindoku import CheckFailed, Exercise
from rindoku.attempt import AttemptRaised
from rindoku.checks import expect_array, expect_close, get_class
from rindoku_rnn.batching import TruncatedBPTTBatches
from rindoku_rnn.layers import RNN, TimeRNN

__all__ = [
    "BPTT_BATCHES",
    "EXERCISES",
    "RNN_BACKWARD",
    "TIME_RNN_BACKWARD",
    "check_bptt_batches",
    "check_rnn_backward",
    "check_time_rnn_backward",
]

SOLUTIONS = Path(__file__).parent / "solutions"

CHECK_SEED = 0
"""The seed of the generator the checks draw their test inputs from."""


def _same(a: Any, b: Any) -> bool:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=1e-6, atol=1e-9))


def _two(result: Any, what: str, names: str) -> tuple[Any, Any]:
    """The two values ``result`` holds, or CheckFailed saying what to return."""
    if result is None:
        raise CheckFailed(f"{what} returned None: end it with return {names}")
    try:
        first, second = result
    except (TypeError, ValueError):
        raise CheckFailed(f"{what} should return two arrays, {names}") from None
    return first, second


def _expect_in_place(grads: list[Any], before: list[Any]) -> None:
    """CheckFailed if backward put new arrays into self.grads instead of writing into them."""
    replaced = [i for i, (new, old) in enumerate(zip(grads, before, strict=True)) if new is not old]
    if replaced:
        raise CheckFailed(f"self.grads[{replaced[0]}] was replaced by a new array: write the "
                          f"gradient into it in place, self.grads[{replaced[0]}][...] = ..., so "
                          "that an optimizer holding the array sees it")


# -- RNN.backward ---------------------------------------------------------------------------


Weights = tuple[np.ndarray, np.ndarray, np.ndarray]  # Wx, Wh, b


def _rnn_weights(rng: np.random.Generator, D: int, H: int) -> Weights:
    return (0.5 * rng.standard_normal((D, H)), 0.5 * rng.standard_normal((H, H)),
            0.1 * rng.standard_normal(H))


def _copies(weights: Weights) -> Weights:
    Wx, Wh, b = weights
    return Wx.copy(), Wh.copy(), b.copy()


def check_rnn_backward(module: ModuleType) -> None:
    """Check RNN.backward: dx, dh_prev and the three weight gradients, against the library's."""
    RNNClass = get_class(module, "RNN")
    rng = np.random.default_rng(CHECK_SEED)
    N, D, H = 3, 2, 4  # D != H, so that dx and dh_prev cannot be mistaken for each other
    weights = _rnn_weights(rng, D, H)
    x, h_prev = rng.standard_normal((N, D)), rng.standard_normal((N, H))
    dh_next = rng.standard_normal((N, H))

    layer = RNNClass(*_copies(weights))
    ours = RNN(*_copies(weights))
    h_next = expect_close(layer.forward(x, h_prev), ours.forward(x, h_prev),
                          "RNN.forward(x, h_prev)")
    grads_before = list(layer.grads)
    dx, dh_prev = _two(layer.backward(dh_next), "RNN.backward(dh_next)", "(dx, dh_prev)")
    expected_dx, expected_dh_prev = ours.backward(dh_next)
    Wx, Wh, _ = weights

    if np.shape(dx) == (N, H) and np.shape(dh_prev) == (N, D):
        raise CheckFailed("RNN.backward returned (dh_prev, dx): return (dx, dh_prev), "
                          "the input's gradient first, as forward takes (x, h_prev)")
    dx = expect_array(dx, (N, D), "dx, the first array RNN.backward returned",
                      ": dx is dt Wx.T, one row of D numbers per example")
    dh_prev = expect_array(dh_prev, (N, H), "dh_prev, the second array RNN.backward returned")
    dt_untouched = dh_next  # the mistake of skipping tanh
    if _same(dx, dt_untouched @ Wx.T) or _same(dh_prev, dt_untouched @ Wh.T):
        raise CheckFailed("dx and dh_prev skip tanh: h_next = tanh(t), so first "
                          "dt = dh_next * (1 - h_next ** 2), then dx = dt Wx.T and "
                          "dh_prev = dt Wh.T")
    dt = dh_next * (1 - h_next ** 2)
    if _same(dh_prev, dt @ Wh):
        raise CheckFailed("dh_prev is dt Wh, not dt Wh.T: the forward pass multiplies h_prev "
                          "by Wh from the right, so going back multiplies by Wh.T")
    expect_close(dx, expected_dx, "dx, returned by RNN.backward(dh_next)",
                 "dx = dt Wx.T with dt = dh_next * (1 - h_next ** 2).")
    expect_close(dh_prev, expected_dh_prev, "dh_prev, returned by RNN.backward(dh_next)",
                 "dh_prev = dt Wh.T with dt = dh_next * (1 - h_next ** 2).")

    grads = list(layer.grads)
    if len(grads) != 3:
        raise CheckFailed(f"self.grads has {len(grads)} arrays; it should keep three, "
                          "dWx, dWh and db, in that order")
    _expect_in_place(grads, grads_before)
    for i, (name, hint) in enumerate([
        ("dWx (self.grads[0])", " dWx = x.T dt, shape (D, H)"),
        ("dWh (self.grads[1])", " dWh = h_prev.T dt, shape (H, H)"),
        ("db (self.grads[2])", " db sums dt over the batch: np.sum(dt, axis=0), shape (H,)"),
    ]):
        got = expect_array(grads[i], ours.grads[i].shape, name, f":{hint}")
        if np.allclose(got, 0) and not np.allclose(ours.grads[i], 0):
            raise CheckFailed(f"{name} is still all zeros: write it in place, "
                              f"self.grads[{i}][...] = ...")
        expect_close(got, ours.grads[i], name, hint.strip() + ".")


RNN_BACKWARD = Exercise(
    id="rnn.rnn-backward",
    title="The backward pass of one RNN step",
    prompt=(
        "Write `RNN.backward(dh_next)`. The forward pass computes "
        "$t = h_{prev} W_h + x W_x + b$ and $h_{next} = \\tanh(t)$, and keeps "
        "`(x, h_prev, h_next)` in `self.cache`. Given $\\partial L / \\partial h_{next}$ "
        "(`dh_next`, shape (N, H)), go back through $\\tanh$ "
        "($\\tanh'(t) = 1 - \\tanh(t)^2 = 1 - h_{next}^2$) and then through the two matrix "
        "products and the bias, as the Affine layer of the backprop chapter does. Write "
        "$dW_x$, $dW_h$ and $db$ into `self.grads` in place, in that order, and return "
        "`(dx, dh_prev)`: the gradient goes down to this step's input and back to the step "
        "before."
    ),
    solution_file=SOLUTIONS / "rnn_backward.py",
    check=check_rnn_backward,
    hints=(
        "Start with `dt = dh_next * (1 - h_next ** 2)`: everything after it is like Affine.",
        "A product $y = a W$ sends back $dy\\,W^T$ to $a$ and $a^T dy$ to $W$. Here the "
        "two products are `np.dot(h_prev, Wh)` and `np.dot(x, Wx)`.",
        "The bias is added to every row, so `db = np.sum(dt, axis=0)`. Then "
        "`self.grads[0][...] = dWx` and so on, and `return dx, dh_prev`.",
    ),
)


# -- TimeRNN.backward ----------------------------------------------------------------------


def _time_rnn_variants(weights: Weights, xs: np.ndarray, dhs: np.ndarray
                       ) -> dict[str, Any]:
    """The usual wrong answers, computed with the library's RNN on the same inputs."""
    T = xs.shape[1]
    ref = TimeRNN(*_copies(weights))
    ref.forward(xs)
    no_carry = np.stack([ref.layers[t].backward(dhs[:, t, :])[0] for t in range(T)], axis=1)
    ref = TimeRNN(*_copies(weights))
    ref.forward(xs)
    ref.backward(dhs)  # leaves each step's own gradients in its layer
    one_step = {i: [layer.grads[i].copy() for layer in ref.layers] for i in range(3)}
    return {"no_carry": no_carry, "one_step": one_step}


def check_time_rnn_backward(module: ModuleType) -> None:
    """Check TimeRNN.backward: dxs, the summed weight gradients and dh, against the library's."""
    TimeRNNClass = get_class(module, "TimeRNN")
    rng = np.random.default_rng(CHECK_SEED)
    N, T, D, H = 2, 5, 3, 4
    weights = _rnn_weights(rng, D, H)
    xs = rng.standard_normal((N, T, D))
    dhs = rng.standard_normal((N, T, H))

    layer = TimeRNNClass(*_copies(weights))
    ours = TimeRNN(*_copies(weights))
    expect_close(layer.forward(xs), ours.forward(xs), "TimeRNN.forward(xs)")
    grads_before = list(layer.grads)
    dxs = expect_array(layer.backward(dhs), (N, T, D), "TimeRNN.backward(dhs)",
                       ": dxs holds each step's dx, dxs[:, t, :] = dx",
                       missing_return="end it with return dxs")
    expected = ours.backward(dhs)
    variants = _time_rnn_variants(weights, xs, dhs)

    if _same(dxs, variants["no_carry"]):
        raise CheckFailed(
            "dxs is right at the last step only: each step's h went up (dhs[:, t, :]) and on "
            "to the next step, so the gradient that reaches it is dhs[:, t, :] + dh, with dh "
            "the dh_prev the step after returned"
        )
    wrong_steps = [t for t in range(T) if not _same(dxs[:, t, :], expected[:, t, :])]
    if wrong_steps:
        expect_close(dxs[:, wrong_steps[0], :], expected[:, wrong_steps[0], :],
                     f"dxs[:, {wrong_steps[0]}, :]",
                     "Go from t = T - 1 down to 0 (reversed(range(T))), passing each step "
                     "dhs[:, t, :] + dh.")

    grads = list(layer.grads)
    if len(grads) != 3:
        raise CheckFailed(f"self.grads has {len(grads)} arrays; it should keep three, "
                          "dWx, dWh and db")
    _expect_in_place(grads, grads_before)
    for i, name in enumerate(["dWx (self.grads[0])", "dWh (self.grads[1])",
                              "db (self.grads[2])"]):
        got = expect_array(grads[i], ours.grads[i].shape, name)
        steps = variants["one_step"][i]
        if any(_same(got, step) for step in steps):
            raise CheckFailed(f"{name} holds one step's gradient: all T steps use the same "
                              "weights, so add up the gradients of every step's layer")
        if np.allclose(got, 0) and not np.allclose(ours.grads[i], 0):
            raise CheckFailed(f"{name} is still all zeros: after the loop, write the sums in "
                              f"place, self.grads[{i}][...] = ...")
        expect_close(got, ours.grads[i], name, "It is the sum over the steps' layers' grads.")

    dh = getattr(layer, "dh", None)
    if dh is None:
        raise CheckFailed("self.dh is None: keep the gradient of the first step's h_prev, "
                          "the dh left after the loop, in self.dh")
    expect_close(dh, ours.dh, "self.dh",
                 "It is the dh_prev that the first step (t = 0) returns.")


TIME_RNN_BACKWARD = Exercise(
    id="rnn.time-rnn-backward",
    title="The backward pass of TimeRNN: the gradient through time",
    prompt=(
        "Write `TimeRNN.backward(dhs)`. The forward pass ran T `RNN` layers, kept in "
        "`self.layers`, each passing its hidden state $h_t$ both up (into `hs[:, t, :]`) and "
        "on to step $t + 1$. Going back, step $t$ therefore receives the sum of two "
        "gradients: `dhs[:, t, :]` from above and `dh` from step $t + 1$ (zero for the last "
        "step). Walk the steps from $T - 1$ down to 0, call each layer's `backward`, store its "
        "`dx` in `dxs[:, t, :]` and pass its `dh_prev` on. All steps share $W_x$, $W_h$ and "
        "$b$, so their gradients are the **sums** over the steps: write the sums into "
        "`self.grads` in place. Keep the last `dh` (the gradient of the hidden state the "
        "block started from) in `self.dh`, and return `dxs` of shape (N, T, D)."
    ),
    solution_file=SOLUTIONS / "time_rnn_backward.py",
    check=check_time_rnn_backward,
    hints=(
        "Make `dxs = np.empty((N, T, D))`, start from `dh = 0` and walk "
        "`for t in reversed(range(T)):`.",
        "`dx, dh = self.layers[t].backward(dhs[:, t, :] + dh)`: the `dh` on the right is the "
        "one the step after returned.",
        "Add up `layer.grads` in a list `grads = [0, 0, 0]` inside the loop; after it, "
        "`self.grads[i][...] = grads[i]` and `self.dh = dh`.",
    ),
)


# -- truncated BPTT's batches --------------------------------------------------------------


def _bptt_cases() -> list[tuple[int, int, int, int]]:
    """(corpus inputs, batch_size, time_size, get_batch calls): past an epoch's end."""
    return [(30, 3, 4, 4), (999, 10, 5, 22), (17, 1, 5, 5), (40, 4, 3, 6)]


def check_bptt_batches(module: ModuleType) -> None:
    """Check the offsets and the batches of several calls, wrapping round the corpus."""
    Batches = get_class(module, "TruncatedBPTTBatches")
    for data_size, batch_size, time_size, calls in _bptt_cases():
        # ids that say where they come from: input at position p is 1000 + p, its label 5000 + p
        xs = np.arange(data_size) + 1000
        ts = np.arange(data_size) + 5000
        where = f"for {data_size} inputs, batch_size={batch_size}, time_size={time_size}"
        theirs = Batches(xs, ts, batch_size, time_size)
        ours = TruncatedBPTTBatches(xs, ts, batch_size, time_size)
        offsets = getattr(theirs, "offsets", None)
        if offsets is not None and not _same(offsets, ours.offsets):
            raise CheckFailed(
                f"self.offsets is {np.asarray(offsets).tolist()} {where}; expected "
                f"{ours.offsets.tolist()}: the streams start jump = len(xs) // batch_size "
                f"= {data_size // batch_size} words apart"
            )
        previous = None
        for call in range(1, calls + 1):
            what = f"get_batch() call {call} {where}"
            time_idx = ours.time_idx
            try:
                result = theirs.get_batch()
            except (IndexError, AttemptRaised) as exc:
                if isinstance(exc, AttemptRaised) and exc.type_name != "IndexError":
                    raise
                raise CheckFailed(
                    f"{what} raised IndexError ({exc}): a stream that runs past the end of "
                    "the corpus wraps round to its start; read position "
                    "(offset + time_idx) % len(xs)"
                ) from None
            batch_x, batch_t = _two(result, what, "(batch_x, batch_t)")
            expected_x, expected_t = ours.get_batch()
            shape = (batch_size, time_size)
            if np.shape(batch_x) == shape[::-1] and shape[0] != shape[1]:
                raise CheckFailed(f"batch_x from {what} has shape {np.shape(batch_x)}: make it "
                                  f"(batch_size, time_size) = {shape}, one row per stream")
            batch_x = expect_array(batch_x, shape, f"batch_x from {what}")
            batch_t = expect_array(batch_t, shape, f"batch_t from {what}")
            if np.all(batch_x >= 5000) and np.all(batch_t < 5000):
                raise CheckFailed(f"{what} returned (batch_t, batch_x): return the inputs "
                                  "first, (batch_x, batch_t)")
            if time_size > 1 and np.all(batch_x == batch_x[:, :1]):
                raise CheckFailed(f"every column of batch_x from {what} is the same word: "
                                  "after each time step, move self.time_idx on by one")
            if previous is not None and _same(batch_x, previous):
                raise CheckFailed(f"{what} returned the same words as the call before: each "
                                  "call goes on where the last one stopped, reading "
                                  "xs[(offset + self.time_idx) % len(xs)] and moving "
                                  "self.time_idx on")
            if not _same(batch_x, expected_x):
                positions = np.asarray(batch_x, dtype=int) - 1000
                wanted = np.asarray(expected_x) - 1000
                raise CheckFailed(
                    f"batch_x from {what} (time_idx {time_idx} before it) reads the corpus "
                    f"positions\n{positions.tolist()}\n  expected\n{wanted.tolist()}\n  "
                    f"row i starts at offsets[i] + time_idx and wraps round with % {data_size}"
                )
            if not _same(batch_t, expected_t):
                raise CheckFailed(f"batch_t from {what} is wrong: it holds ts at the same "
                                  "positions as batch_x")
            previous = batch_x
        if not _same(getattr(theirs, "time_idx", None), ours.time_idx):
            raise CheckFailed(f"after {calls} calls {where}, self.time_idx is "
                              f"{getattr(theirs, 'time_idx', None)}; expected {ours.time_idx}, "
                              f"time_size more with every call")


BPTT_BATCHES = Exercise(
    id="rnn.bptt-batches",
    title="Truncated BPTT's mini-batches",
    prompt=(
        "Write the two marked parts of `TruncatedBPTTBatches`. The inputs `xs` (and their "
        "labels `ts`, the word after each input) are read as `batch_size` streams that start "
        "`jump = len(xs) // batch_size` words apart: stream $i$ starts at "
        "`offsets[i] = i * jump`. Each call of `get_batch()` returns the next `time_size` "
        "words of every stream, `batch_x` of shape (batch_size, time_size) with "
        "`batch_x[i, t] = xs[offsets[i] + time_idx + t]`, and `batch_t` the same positions of "
        "`ts`, then moves `self.time_idx` on by `time_size`, so the next call goes on where "
        "this one stopped. A stream that runs past the end of `xs` wraps round to the start "
        "(`% len(xs)`)."
    ),
    solution_file=SOLUTIONS / "bptt_batches.py",
    check=check_bptt_batches,
    hints=(
        "`jump = len(xs) // batch_size` and `self.offsets = [i * jump for i in "
        "range(batch_size)]`.",
        "Two loops, as the book writes it: `for time in range(self.time_size):` and inside "
        "it `for i, offset in enumerate(self.offsets):`. After the inner loop, "
        "`self.time_idx += 1`.",
        "Read `self.xs[(offset + self.time_idx) % data_size]` with "
        "`data_size = len(self.xs)`.",
    ),
)


EXERCISES = [RNN_BACKWARD, TIME_RNN_BACKWARD, BPTT_BATCHES]
"""The chapter's exercises, in the order the chapter page gives them."""
