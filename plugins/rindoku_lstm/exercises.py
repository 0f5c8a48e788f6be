"""The chapter's exercises: LSTM's backward pass, and the gradient of a tied matrix.

Each check builds the member's class from arrays, or calls the member's
function with arrays, and compares what comes back with the library's own
(:mod:`rindoku_lstm.layers`).  Where a wrong answer matches a usual mistake,
computed here the wrong way on purpose, the message names that mistake.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from rindoku import CheckFailed, Exercise, gradient_check
from rindoku.checks import expect_array, expect_close, expect_gradients, get_class, get_function
from rindoku_backprop.functions import sigmoid
from rindoku_lstm.layers import LSTM

__all__ = [
    "EXERCISES",
    "LSTM_BACKWARD",
    "WEIGHT_TYING",
    "check_lstm_backward",
    "check_tied_weight_grad",
]

SOLUTIONS = Path(__file__).parent / "solutions"

CHECK_SEED = 0
"""The seed of the generator the checks draw their test inputs from."""

GATES = "fgio"
"""The order of the gates in the columns of A, Wx, Wh and b."""


def _same(a: Any, b: Any) -> bool:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=1e-6, atol=1e-9))


# -- LSTM.backward -----------------------------------------------------------------------


def lstm_backward_variant(
    Wx: np.ndarray,
    Wh: np.ndarray,
    b: np.ndarray,
    x: np.ndarray,
    h_prev: np.ndarray,
    c_prev: np.ndarray,
    dh_next: np.ndarray,
    dc_next: np.ndarray,
    *,
    cell_from_next: bool = True,
    through_h: bool = True,
    tanh_derivative: bool = True,
    forget_in_dc: bool = True,
    gate_derivatives: bool = True,
    order: str = GATES,
) -> dict[str, np.ndarray]:
    """LSTM's backward pass, right by default, or with one usual mistake switched on.

    Returns dx, dh_prev, dc_prev, dWx, dWh and db.  ``cell_from_next=False``
    leaves dc_next out of ds; ``through_h=False`` leaves out the path through
    ``h_next = o tanh(c_next)``; ``tanh_derivative=False`` forgets its
    ``1 - tanh^2``; ``forget_in_dc=False`` returns ds itself as dc_prev;
    ``gate_derivatives=False`` forgets the sigmoid's and tanh's derivatives of
    the gates; ``order`` stacks the gates' gradients in another order.
    """
    H = h_prev.shape[1]
    A = x @ Wx + h_prev @ Wh + b
    f, g, i, o = (sigmoid(A[:, :H]), np.tanh(A[:, H:2 * H]), sigmoid(A[:, 2 * H:3 * H]),
                  sigmoid(A[:, 3 * H:]))
    c_next = f * c_prev + g * i
    tanh_c = np.tanh(c_next)

    ds = dc_next if cell_from_next else np.zeros_like(dc_next)
    if through_h:
        ds = ds + dh_next * o * ((1 - tanh_c ** 2) if tanh_derivative else 1)
    dc_prev = ds * f if forget_in_dc else ds
    grads = {"f": ds * c_prev, "g": ds * i, "i": ds * g, "o": dh_next * tanh_c}
    if gate_derivatives:
        grads["f"] = grads["f"] * f * (1 - f)
        grads["g"] = grads["g"] * (1 - g ** 2)
        grads["i"] = grads["i"] * i * (1 - i)
        grads["o"] = grads["o"] * o * (1 - o)
    dA = np.hstack([grads[gate] for gate in order])
    return {"dx": dA @ Wx.T, "dh_prev": dA @ Wh.T, "dc_prev": dc_prev,
            "dWx": x.T @ dA, "dWh": h_prev.T @ dA, "db": dA.sum(axis=0)}


MISTAKES: list[tuple[dict[str, Any], str]] = [
    (dict(cell_from_next=False),
     "ds leaves out dc_next: the cell's gradient from the next step is part of ds, "
     "ds = dc_next + (dh_next * o) * (1 - tanh(c_next)**2)"),
    (dict(through_h=False),
     "ds leaves out the path through h_next = o * tanh(c_next): add "
     "(dh_next * o) * (1 - tanh(c_next)**2) to dc_next"),
    (dict(tanh_derivative=False),
     "the path from h_next to c_next forgets tanh's derivative: multiply dh_next * o by "
     "(1 - tanh(c_next)**2)"),
    (dict(forget_in_dc=False),
     "dc_prev is ds itself: c_next = f * c_prev + g * i, so the cell's gradient reaches "
     "c_prev through the forget gate, dc_prev = ds * f"),
    (dict(gate_derivatives=False),
     "the gates' gradients stop before their activations: multiply di, df and do by the "
     "sigmoid's derivative y * (1 - y), and dg by tanh's, 1 - g**2"),
]
"""Wrong backward passes a member often writes, with what to do about each."""


def _diagnose(got: dict[str, Any], inputs: tuple[np.ndarray, ...]) -> None:
    """CheckFailed naming the mistake, where the member's results match a known wrong pass."""
    for options, message in MISTAKES:
        wrong = lstm_backward_variant(*inputs, **options)
        if all(_same(got[name], wrong[name]) for name in got):
            raise CheckFailed(message)
    for order in itertools.permutations(GATES):
        if "".join(order) == GATES:
            continue
        wrong = lstm_backward_variant(*inputs, order="".join(order))
        if _same(got["dWx"], wrong["dWx"]):
            raise CheckFailed(
                f"dA stacks the gates' gradients in the order {', '.join(order)}: stack them "
                "in the order of the columns of A, f, g, i, o: np.hstack((df, dg, di, do))")


def check_lstm_backward(module: ModuleType) -> None:
    """Check LSTM.backward: dx, dh_prev, dc_prev and the three weight gradients, in place."""
    LSTMClass = get_class(module, "LSTM")
    rng = np.random.default_rng(CHECK_SEED)
    N, D, H = 4, 5, 3  # D and H differ, so a product with the wrong weights shows in its shape
    Wx, Wh, b = (0.5 * rng.standard_normal((D, 4 * H)), 0.5 * rng.standard_normal((H, 4 * H)),
                 0.1 * rng.standard_normal(4 * H))
    x, h_prev, c_prev = (rng.standard_normal((N, D)), rng.standard_normal((N, H)),
                         rng.standard_normal((N, H)))
    dh_next, dc_next = rng.standard_normal((N, H)), rng.standard_normal((N, H))

    layer, ours = LSTMClass(Wx.copy(), Wh.copy(), b.copy()), LSTM(Wx.copy(), Wh.copy(), b.copy())
    expected_h, expected_c = ours.forward(x, h_prev, c_prev)
    h_next, c_next = layer.forward(x, h_prev, c_prev)
    expect_close(c_next, expected_c, "c_next from LSTM.forward (keep forward as given)")
    expect_close(h_next, expected_h, "h_next from LSTM.forward (keep forward as given)")

    grads_before = list(layer.grads)
    result = layer.backward(dh_next, dc_next)
    if result is None:
        raise CheckFailed("LSTM.backward returned None: end it with return dx, dh_prev, dc_prev")
    if not isinstance(result, tuple | list) or len(result) != 3:
        raise CheckFailed("LSTM.backward should return three arrays: dx, dh_prev, dc_prev")
    what = "LSTM.backward(dh_next, dc_next)"
    dx = expect_array(result[0], (N, D), f"{what}[0], dx",
                      ": dx = dA Wx^T, one row per row of x")
    dh_prev = expect_array(result[1], (N, H), f"{what}[1], dh_prev",
                           ": dh_prev = dA Wh^T (Wh, not Wx)")
    dc_prev = expect_array(result[2], (N, H), f"{what}[2], dc_prev")
    replaced = [k for k, (new, old) in enumerate(zip(layer.grads, grads_before, strict=True))
                if new is not old]
    if replaced:
        raise CheckFailed(f"self.grads[{replaced[0]}] was replaced by a new array: write the "
                          f"gradient into it in place, self.grads[{replaced[0]}][...] = ..., so "
                          "that an optimizer holding the array sees it")

    expected_dx, expected_dh, expected_dc = ours.backward(dh_next, dc_next)
    if _same(dh_prev, expected_dc) and _same(dc_prev, expected_dh):
        raise CheckFailed("dh_prev and dc_prev are swapped: return dx, dh_prev, dc_prev in "
                          "that order")
    got = {"dx": dx, "dh_prev": dh_prev, "dc_prev": dc_prev, "dWx": layer.grads[0],
           "dWh": layer.grads[1], "db": layer.grads[2]}
    _diagnose(got, (Wx, Wh, b, x, h_prev, c_prev, dh_next, dc_next))

    # in the order backward computes them: the first wrong one is the one to fix
    expect_close(dc_prev, expected_dc, "dc_prev", "dc_prev = ds * f.")
    expect_close(layer.grads[2], ours.grads[2], "db (self.grads[2])", "db = dA.sum(axis=0).")
    expect_close(layer.grads[0], ours.grads[0], "dWx (self.grads[0])", "dWx = x^T dA.")
    expect_close(layer.grads[1], ours.grads[1], "dWh (self.grads[1])", "dWh = h_prev^T dA.")
    expect_close(dx, expected_dx, "dx", "dx = dA Wx^T.")
    expect_close(dh_prev, expected_dh, "dh_prev", "dh_prev = dA Wh^T.")

    report = gradient_check(LSTMClass(Wx.copy(), Wh.copy(), b.copy()), [x, h_prev, c_prev],
                            wrt=(0, 1, 2), rng=rng, raise_on_failure=False)
    expect_gradients(report, {"input 0": "dx", "input 1": "dh_prev", "input 2": "dc_prev",
                              "params[0]": "dWx", "params[1]": "dWh", "params[2]": "db"})


LSTM_BACKWARD = Exercise(
    id="lstm.lstm-backward",
    title="The backward pass of LSTM",
    prompt=(
        "Write `LSTM.backward(dh_next, dc_next)`. The forward pass computes "
        "$A = x W_x + h_{t-1} W_h + b$ (N, 4H), whose four blocks of H columns give the "
        "gates, in this order: $f = \\sigma(A_f)$, $g = \\tanh(A_g)$, $i = \\sigma(A_i)$, "
        "$o = \\sigma(A_o)$; then $c_t = f \\odot c_{t-1} + g \\odot i$ and "
        "$h_t = o \\odot \\tanh(c_t)$. Going back, the cell receives gradient from two "
        "places, from the next step (`dc_next`) and through $h_t$: "
        "$ds = dc_{next} + dh_{next} \\odot o \\odot (1 - \\tanh^2 c_t)$. From $ds$ and "
        "`dh_next` find the gradients of the four gates, through their activations, and stack "
        "them as `dA` (N, 4H) in the order of $A$'s columns. Write $dW_x$, $dW_h$ and $db$ into "
        "`self.grads` in place and return `(dx, dh_prev, dc_prev)`."
    ),
    solution_file=SOLUTIONS / "lstm_backward.py",
    check=check_lstm_backward,
    hints=(
        "`c_next = f * c_prev + g * i` is a sum of two products: ds flows to each product, and "
        "each product sends ds times its *other* factor: `dc_prev = ds * f`, "
        "`df = ds * c_prev`, `dg = ds * i`, `di = ds * g`. And `do = dh_next * tanh(c_next)`.",
        "Then through the activations: `di *= i * (1 - i)` (and likewise `df`, `do`), "
        "`dg *= 1 - g ** 2`.",
        "`dA = np.hstack((df, dg, di, do))`; then `dWx = x.T @ dA`, `dWh = h_prev.T @ dA`, "
        "`db = dA.sum(axis=0)`, `dx = dA @ Wx.T`, `dh_prev = dA @ Wh.T`.",
    ),
)


# -- the gradient of a tied matrix --------------------------------------------------------------


def tied_weight_grad(W: np.ndarray, xs: np.ndarray, dscore: np.ndarray) -> np.ndarray:
    """The library's answer: the output layer's part plus the embedding's, repeats added."""
    h = W[xs]
    dW = dscore.T @ h
    np.add.at(dW, xs, dscore @ W)
    return dW


def check_tied_weight_grad(module: ModuleType) -> None:
    """Check tied_weight_grad on a batch with a repeated word, against both uses of W."""
    function = get_function(module, "tied_weight_grad")
    rng = np.random.default_rng(CHECK_SEED)
    V, D = 7, 3  # V and D differ, so a transposed gradient shows in its shape
    W = rng.standard_normal((V, D))
    xs = np.array([2, 5, 2, 0, 2, 6])  # word 2 three times
    dscore = rng.standard_normal((len(xs), V))

    W_given = W.copy()
    got = function(W_given, xs.copy(), dscore.copy())
    what = "tied_weight_grad(W, xs, dscore)"
    if got is not None and np.shape(got) == (D, V):
        raise CheckFailed(f"{what} returned shape {(D, V)}, W transposed: the gradient of W "
                          f"has W's shape {(V, D)}; the output layer uses W^T, so its part is "
                          "dscore^T h, not h^T dscore")
    dW = expect_array(got, (V, D), what, ": the gradient of W has W's shape")
    if not np.array_equal(W_given, W):
        raise CheckFailed(f"{what} changed W: compute the gradient without writing into W")

    h = W[xs]
    output_part = dscore.T @ h
    embedding_part = np.zeros_like(W)
    np.add.at(embedding_part, xs, dscore @ W)
    once_per_word = np.zeros_like(W)
    once_per_word[xs] += dscore @ W
    expected = output_part + embedding_part
    if _same(dW, output_part):
        raise CheckFailed("that is only the output layer's part, dscore^T h: W is also the "
                          "embedding, so add its part too, dh = dscore W added to the rows xs")
    if _same(dW, embedding_part):
        raise CheckFailed("that is only the embedding's part: W is also the output layer's "
                          "weight matrix, so add its part too, dscore^T h")
    if _same(dW, output_part + once_per_word):
        raise CheckFailed("word 2 appears three times in xs, and its row receives only one of "
                          "its three gradients: dW[xs] += dh keeps one per row; "
                          "np.add.at(dW, xs, dh) adds them all")
    if _same(dW, -expected):
        raise CheckFailed("the sign is wrong: the gradient of s = h W^T with respect to W is "
                          "+dscore^T h (and likewise for h)")
    expect_close(dW, expected, what,
                 "The gradient of a tied matrix is the sum of its uses' gradients: "
                 "dscore^T h + (dh = dscore W added to the rows xs).")


WEIGHT_TYING = Exercise(
    id="lstm.weight-tying",
    title="The gradient of a tied matrix",
    prompt=(
        "BetterRnnlm uses its embedding matrix twice: to look up the word vectors and, "
        "transposed, as the output layer's weights. Take the smallest such model: for word ids "
        "`xs` (N,), $h = W[xs]$ (N, D) and the scores $s = h W^T$ (N, V), with $W$ (V, D). "
        "Write `tied_weight_grad(W, xs, dscore)` that returns $\\partial L / \\partial W$ (V, D) "
        "given `dscore` $= \\partial L / \\partial s$ (N, V). A word may appear more than once "
        "in `xs`."
    ),
    solution_file=SOLUTIONS / "tied_weight_grad.py",
    check=check_tied_weight_grad,
    hints=(
        "Pretend the two uses had their own matrices, $W_1$ for the embedding and $W_2$ for "
        "the output layer. The gradient of the one shared matrix is the sum of the two "
        "gradients, as the Trainer's `unique_params` adds them.",
        "The output layer, $s = h W^T$: its part is `dscore.T @ h`, shape (V, D). It also "
        "sends back `dh = dscore @ W`, shape (N, D).",
        "The embedding sends row n of dh to row `xs[n]` of dW: `np.add.at(dW, xs, dh)`, "
        "which adds the rows of a word that appears twice.",
    ),
)


EXERCISES = [LSTM_BACKWARD, WEIGHT_TYING]
"""The chapter's exercises, in the order the chapter page gives them."""
