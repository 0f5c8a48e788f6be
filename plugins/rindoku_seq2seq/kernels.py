"""The fast path's inner loops, compiled by numba: one pass where NumPy makes several.

An LSTM step written with NumPy goes over its arrays about ten times (the
product's sum, the four gates' ``tanh``, their scaling, ``f c``, ``g i``, the
sum, ``tanh c``, ``o tanh c``), each pass a new loop in C and most a new
array; on the (128, 512) arrays of a seq2seq batch, these passes take as long
as the step's matrix product.  The functions here do the same arithmetic in
one loop each, compiled by numba's ``njit``, which LLVM turns into vector
instructions (eight float32 at a time):

* :func:`lstm_step_forward` and :func:`lstm_step_backward`: an LSTM step and
  its backward pass, the matrix products left to NumPy;
* :func:`add_rows`: rows added up by an index, ``np.add.at`` without its
  slowness;
* :func:`adam_step`: Adam's update of a parameter, one pass instead of a
  dozen.

:func:`tanh` is :func:`math.tanh` in float64, exact as NumPy's; in float32 it
is a rational function, the approximation the Eigen library uses (within 3e-7
of tanh, about 2 units in the last place), because a call to the C library's
``tanhf`` for every element cannot be vectorised.

numba compiles a function for each dtype on its first call and keeps the
machine code in its cache (``NUMBA_CACHE_DIR``, or ``__pycache__`` beside
this file), so later runs start at once.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, types
from numba.extending import overload

__all__ = ["adam_step", "add_rows", "lstm_step_backward", "lstm_step_forward", "tanh"]

# fastmath lets LLVM vectorise and fuse, without assuming that NaN and inf never occur
# (a diverging training should show NaN, not be clamped into numbers);
# error_model "numpy": a division by zero gives inf as in NumPy, no check in the loop
FASTMATH = {"nsz", "arcp", "contract", "afn", "reassoc"}

# tanh(x) ≈ x P(x²) / Q(x²) for float32 (Eigen's coefficients), x clamped to ±CLAMP,
# beyond which tanh is 1 to float32's precision
CLAMP = 7.90531110763549805
P = (4.89352455891786e-03, 6.37261928875436e-04, 1.48572235717979e-05, 5.12229709037114e-08,
     -8.60467152213735e-11, 2.00018790482477e-13, -2.76076847742355e-16)
Q = (4.89352518554385e-03, 2.26843463243900e-03, 1.18534705686654e-04, 1.19825839466702e-06)


def tanh(x: float) -> float:
    """The hyperbolic tangent; in compiled code, the rational one for float32."""
    return math.tanh(x)


@overload(tanh, inline="always", jit_options={"fastmath": FASTMATH, "error_model": "numpy"})
def _compiled_tanh(x):  # the same signature as tanh, without types: numba compares them
    if not (isinstance(x, types.Float) and x.bitwidth == 32):
        return lambda x: math.tanh(x)
    clamp = np.float32(CLAMP)
    p0, p1, p2, p3, p4, p5, p6 = (np.float32(c) for c in P)
    q0, q1, q2, q3 = (np.float32(c) for c in Q)

    def rational_tanh(x):  # numba types it: float32
        y = min(max(x, -clamp), clamp)  # NaN stays NaN
        y2 = y * y
        p = (((((p6 * y2 + p5) * y2 + p4) * y2 + p3) * y2 + p2) * y2 + p1) * y2 + p0
        q = ((q3 * y2 + q2) * y2 + q1) * y2 + q0
        return y * p / q

    return rational_tanh


@njit(cache=True, fastmath=FASTMATH, error_model="numpy")
def lstm_step_forward(a: np.ndarray, hW: np.ndarray, c_prev: np.ndarray, gates: np.ndarray,
                      c: np.ndarray, tanh_c: np.ndarray, h: np.ndarray) -> None:
    """One LSTM step of n rows: write the gates f, g, i, o (n, 4H) of the
    pre-activations ``a + hW`` (``x Wx + b`` and ``h_prev Wh``), then c,
    tanh(c) and h (n, H).

    The gates are one loop over the 4H columns: g is ``tanh``, and f, i, o
    are sigmoids, ``tanh(x / 2) / 2 + 1 / 2``.  Each loop reads and writes
    few enough arrays that LLVM can check that they do not overlap and
    vectorise it.
    """
    n, H = c.shape
    one, half = a.dtype.type(1), a.dtype.type(0.5)
    for r in range(n):
        for j in range(4 * H):
            s = one if H <= j < 2 * H else half
            gates[r, j] = tanh(s * (a[r, j] + hW[r, j])) * s + (one - s)
        for j in range(H):  # c = f c_prev + g i
            c[r, j] = gates[r, j] * c_prev[r, j] + gates[r, H + j] * gates[r, 2 * H + j]
        for j in range(H):  # h = o tanh(c)
            tanh_c[r, j] = tanh(c[r, j])
            h[r, j] = gates[r, 3 * H + j] * tanh_c[r, j]


@njit(cache=True, fastmath=FASTMATH, error_model="numpy")
def lstm_step_backward(dh: np.ndarray, dc: np.ndarray, gates: np.ndarray, c_prev: np.ndarray,
                       tanh_c: np.ndarray, dA: np.ndarray) -> None:
    """The backward pass of one LSTM step of n rows, given dh, the gradient of h
    (n, H), and dc, that of c from the step after: write dA, the gradient of
    the pre-activations (n, 4H), and overwrite dc with that of c_prev.
    """
    n, H = dh.shape
    one = dh.dtype.type(1)
    for r in range(n):
        for j in range(H):
            f, g = gates[r, j], gates[r, H + j]
            i, o = gates[r, 2 * H + j], gates[r, 3 * H + j]
            t = tanh_c[r, j]
            ds = dc[r, j] + dh[r, j] * o * (one - t * t)  # the gradient of c
            dA[r, j] = ds * c_prev[r, j] * f * (one - f)
            dA[r, H + j] = ds * i * (one - g * g)
            dA[r, 2 * H + j] = ds * g * i * (one - i)
            dA[r, 3 * H + j] = dh[r, j] * t * o * (one - o)
            dc[r, j] = ds * f


@njit(cache=True, fastmath=FASTMATH, error_model="numpy")
def add_rows(out: np.ndarray, index: np.ndarray, values: np.ndarray) -> None:
    """Add each row ``values[m]`` to ``out[index[m]]``: out (n, K), index (M,), values (M, K)."""
    K = values.shape[1]
    for m in range(len(index)):
        row = index[m]
        for k in range(K):
            out[row, k] += values[m, k]


@njit(cache=True, fastmath=FASTMATH, error_model="numpy")
def adam_step(param: np.ndarray, grad: np.ndarray, m: np.ndarray, v: np.ndarray, beta1: float,
              beta2: float, rate: float, root_correction: float, eps: float) -> None:
    """One Adam update of a parameter in place, every array 1-D (a flattened view):
    ``m ← β₁ m + (1 - β₁) g``, ``v ← β₂ v + (1 - β₂) g²``, then
    ``param ← param - rate m / (√v root_correction + ε)``.
    """
    dtype = param.dtype.type
    b1, b2, one = dtype(beta1), dtype(beta2), dtype(1)
    rate, root_correction, eps = dtype(rate), dtype(root_correction), dtype(eps)
    for k in range(len(param)):
        g = grad[k]
        m[k] = b1 * m[k] + (one - b1) * g
        v[k] = b2 * v[k] + (one - b2) * g * g
        param[k] -= rate * m[k] / (np.sqrt(v[k]) * root_correction + eps)
