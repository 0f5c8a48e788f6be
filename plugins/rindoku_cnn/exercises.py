"""The chapter's exercises: im2col, and the backward pass of max pooling.

The im2col check runs the member's function and the library's
(:func:`rindoku_cnn.layers.im2col`) on images whose pixels are all different,
for several shapes, paddings and strides, and stops at the first difference:
a wrong shape, or the first wrong element, said as which window and which
offset within it, and which pixel the member's value came from.

The pooling check compares the member's forward pass with the library's
:class:`~rindoku_cnn.layers.Pooling`, then their backward pass with numerical
gradients (:func:`rindoku.gradient_check`), naming the worst element.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import numpy as np

from rindoku import CheckFailed, Exercise, gradient_check
from rindoku.checks import expect_array, expect_close, expect_gradients, get_class, get_function
from rindoku_cnn import layers
from rindoku_cnn.gradcases import distinct_positive

__all__ = ["EXERCISES", "IM2COL", "POOLING_BACKWARD", "check_im2col", "check_pooling_backward"]

SOLUTIONS = Path(__file__).parent / "solutions"

CHECK_SEED = 0
"""The seed of the generator the pooling check draws its inputs from."""

IM2COL_CASES = [
    # (N, C, H, W), (filter_h, filter_w), stride, pad: from the simplest on
    ((1, 1, 3, 3), (2, 2), 1, 0),
    ((2, 1, 4, 4), (3, 3), 1, 0),
    ((2, 3, 5, 5), (3, 3), 1, 0),
    ((2, 2, 4, 5), (3, 3), 1, 1),
    ((2, 3, 7, 7), (3, 3), 2, 0),
    ((2, 2, 6, 7), (2, 3), 2, 1),
    ((1, 2, 9, 8), (4, 4), 3, 2),
]
"""The shapes, filters, strides and paddings im2col is checked on."""

POOLING_CASES = [
    # (N, C, H, W), (pool_h, pool_w), stride, pad
    ((2, 3, 4, 4), (2, 2), 2, 0),
    ((2, 2, 6, 6), (3, 3), 3, 0),
    ((2, 2, 5, 5), (3, 3), 2, 0),
    ((2, 2, 4, 5), (2, 2), 1, 1),
    ((1, 2, 6, 7), (2, 3), 2, 1),
]
"""The pools the backward pass is checked on: tiling, overlapping, padded."""


# -- im2col --------------------------------------------------------------------------------


def _which_pixel(value: float, x: np.ndarray) -> str:
    """Say where ``value`` comes from: a pixel of ``x`` (all different, all > 0), or padding."""
    if value == 0:
        return "padding (0)"
    where = np.argwhere(x == value)
    if len(where) == 0:
        return f"{value:g}, which is no pixel of x"
    return f"pixel x[{', '.join(str(int(i)) for i in where[0])}] = {value:g}"


def check_im2col(module: ModuleType) -> None:
    """Check an im2col function against the library's on several shapes, strides and paddings."""
    im2col = get_function(module, "im2col")
    for shape, (filter_h, filter_w), stride, pad in IM2COL_CASES:
        # every pixel a different positive number, so a value tells where it came from
        x = np.arange(1, int(np.prod(shape)) + 1, dtype=np.float64).reshape(shape)
        call = (f"im2col(x of shape {shape}, filter_h={filter_h}, filter_w={filter_w}, "
                f"stride={stride}, pad={pad})")
        expected = layers.im2col(x, filter_h, filter_w, stride, pad)
        N, C, H, W = shape
        out_h = layers.conv_output_size(H, filter_h, stride, pad)
        out_w = layers.conv_output_size(W, filter_w, stride, pad)
        hint = (f": one row per window (N * out_h * out_w = {N} * {out_h} * {out_w}) and one "
                f"column per value in a window (C * filter_h * filter_w = "
                f"{C} * {filter_h} * {filter_w})")
        got = expect_array(im2col(x.copy(), filter_h, filter_w, stride, pad),
                           expected.shape, call, hint)
        wrong = np.argwhere(~np.isclose(got, expected, rtol=0, atol=1e-12))
        if len(wrong) == 0:
            continue
        row, column = (int(i) for i in wrong[0])
        n, i, j = np.unravel_index(row, (N, out_h, out_w))
        c, y, x_offset = np.unravel_index(column, (C, filter_h, filter_w))
        raise CheckFailed(
            f"{call} is wrong at col[{row}, {column}] ({len(wrong)} wrong elements in all).\n"
            f"  row {row} is image {n}, window (i, j) = ({i}, {j}), whose top-left corner is "
            f"at ({i * stride}, {j * stride}) of the padded image;\n"
            f"  column {column} is channel {c}, offset (y, x) = ({y}, {x_offset}) "
            f"within the window.\n"
            f"  expected {_which_pixel(expected[row, column], x)}\n"
            f"  got      {_which_pixel(got[row, column], x)}"
        )


IM2COL = Exercise(
    id="cnn.im2col",
    title="im2col: image windows as the rows of a matrix",
    prompt=(
        "Write the body of `im2col(input_data, filter_h, filter_w, stride=1, pad=0)`. "
        "`input_data` is a batch of images $(N, C, H, W)$; the padded images `img` and the "
        "output size $OH = (H + 2P - FH)/S + 1$ (and $OW$) are already computed. Return "
        "`col`, of shape $(N \\cdot OH \\cdot OW,\\ C \\cdot FH \\cdot FW)$: one row per "
        "window, in the order image, window row $i$, window column $j$; and in each row the "
        "window's values channel by channel, each channel row by row.\n\n"
        "Do it the book's way, with a loop over the $FH \\times FW$ offsets $(y, x)$ within a "
        "window only, never over images or windows: for one offset, the values of every "
        "window are the strided slice `img[:, :, y:y_max:stride, x:x_max:stride]`. The check "
        "compares your `col` with the library's for several shapes, filters, strides and "
        "paddings, and tells you the first window and offset where they differ."
    ),
    solution_file=SOLUTIONS / "im2col.py",
    check=check_im2col,
    hints=(
        "Make `col = np.zeros((N, C, filter_h, filter_w, out_h, out_w))` first: then "
        "`col[:, :, y, x, :, :]` holds, for offset (y, x), the value of every window, and "
        "it has the shape of the slice `img[:, :, y:y_max:stride, x:x_max:stride]` with "
        "`y_max = y + stride * out_h` (and `x_max` alike).",
        "The rows must run over (n, i, j) and the columns over (c, y, x): move the axes "
        "with `col.transpose(0, 4, 5, 1, 2, 3)` before you reshape.",
        "`col.transpose(0, 4, 5, 1, 2, 3).reshape(N * out_h * out_w, -1)`, then "
        "`return col`.",
    ),
)


# -- Pooling backward ------------------------------------------------------------------


def check_pooling_backward(module: ModuleType) -> None:
    """Check a max Pooling class: forward values against the library's, then dx numerically."""
    Pooling = get_class(module, "Pooling")
    rng = np.random.default_rng(CHECK_SEED)
    for shape, (pool_h, pool_w), stride, pad in POOLING_CASES:
        # all different and positive: no ties in a window, and the zero padding never wins
        x = distinct_positive(rng, shape)
        name = f"Pooling(pool_h={pool_h}, pool_w={pool_w}, stride={stride}, pad={pad})"
        try:
            theirs = Pooling(pool_h, pool_w, stride, pad)
        except TypeError as exc:
            raise CheckFailed(f"{name} failed: {exc}. Keep the __init__ of the starter file, "
                              "which takes these arguments.") from exc
        expected = layers.Pooling(pool_h, pool_w, stride=stride, pad=pad).forward(x)
        expect_close(theirs.forward(x.copy()), expected, f"{name}.forward(x)",
                     "(The forward pass was given: did it change?)",
                     rtol=0, atol=1e-12, show_arrays=True)
        dout = rng.standard_normal(expected.shape)
        dx = theirs.backward(dout)
        expect_array(dx, shape, f"{name}.backward(dout)", " (the shape of x)")

        report = gradient_check(Pooling(pool_h, pool_w, stride, pad), [x], rng=rng,
                                name=name, raise_on_failure=False)
        try:
            expect_gradients(report, {"input 0": f"dx of {name}"})
        except CheckFailed as failure:
            raise CheckFailed(
                f"{failure}\n  A numerical gradient of 0 means x there is not the maximum "
                "of any window, so no gradient should reach it."
            ) from None


POOLING_BACKWARD = Exercise(
    id="cnn.pooling-backward",
    title="The backward pass of max pooling",
    prompt=(
        "Write `Pooling.backward(dout)` for max pooling. The forward pass is given: it "
        "unrolls the windows with `im2col`, reshapes them so that each row is one window of "
        "one channel, $(N \\cdot OH \\cdot OW \\cdot C,\\ PH \\cdot PW)$, keeps the row "
        "maximum as the output and remembers its position within the row in "
        "`self.arg_max`. Only that element of a window affects the output, with slope 1, so "
        "the window's gradient goes to it and the other elements of the window get 0: "
        "$\\partial\\, \\mathrm{out} / \\partial x_k = 1$ if $x_k$ is the maximum, else 0.\n\n"
        "Build those rows from `dout` $(N, C, OH, OW)$ and `self.arg_max`, and let `col2im` "
        "add them back into an array the shape of `x`; where windows overlap, it adds up "
        "their gradients. The check runs your layer on tiling, overlapping and padded pools "
        "and compares `dx` with numerical gradients."
    ),
    solution_file=SOLUTIONS / "pooling_backward.py",
    check=check_pooling_backward,
    hints=(
        "The rows of `self.arg_max` are in the order (n, i, j, c), while `dout` is "
        "(N, C, OH, OW): start with `dout = dout.transpose(0, 2, 3, 1)`.",
        "Make `dmax = np.zeros((dout.size, pool_h * pool_w))` and put each gradient at its "
        "maximum with one fancy index: "
        "`dmax[np.arange(self.arg_max.size), self.arg_max.flatten()] = dout.flatten()`.",
        "`col2im` wants one row per window with all channels side by side: "
        "`dcol = dmax.reshape(dout.shape[0] * dout.shape[1] * dout.shape[2], -1)`, then "
        "`col2im(dcol, self.x.shape, self.pool_h, self.pool_w, self.stride, self.pad)`.",
    ),
)


EXERCISES = [IM2COL, POOLING_BACKWARD]
"""The chapter's exercises, in the order the chapter page gives them."""
