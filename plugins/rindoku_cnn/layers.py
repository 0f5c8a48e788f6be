"""The layers of the CNN chapter as book 1 chapter 7 writes them: im2col, Convolution, Pooling.

Images travel through a CNN as 4-D arrays (N, C, H, W): N images of C
channels, each H × W.  A filter bank W has shape (FN, C, FH, FW): FN filters,
each with one FH × FW slice per input channel.

``im2col`` unrolls every window a filter visits into one row of a matrix, so
that a convolution becomes one matrix product; ``col2im`` adds such rows back
into an image and is what the backward pass needs.  Both are the book's
(``common/util.py``), a loop over the FH × FW offsets within a window; the
Convolution and Pooling layers are the book's too (``common/layers.py``), in
its line order, with rindoku's ``params`` and ``grads`` (parallel lists,
gradients written in place).  ``conv2d_naive`` is the definition written out
with loops, to read and to test against.

The optimised forms of the same layers are in :mod:`rindoku_cnn.fast`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = [
    "Convolution",
    "Flatten",
    "Pooling",
    "col2im",
    "conv2d_naive",
    "conv_output_size",
    "im2col",
]


def conv_output_size(input_size: int, filter_size: int, stride: int = 1, pad: int = 0) -> int:
    """The output length along one axis: ``(input_size + 2 pad - filter_size) // stride + 1``.

    When ``stride`` does not divide ``input_size + 2 pad - filter_size`` the
    last rows (or columns) that no whole window reaches are left out, as in
    the book.  A filter larger than the padded input is an error.
    """
    if stride < 1 or pad < 0:
        raise ValueError(f"stride must be at least 1 and pad at least 0, got {stride} and {pad}")
    if input_size + 2 * pad < filter_size:
        raise ValueError(
            f"a window of {filter_size} does not fit into an input of {input_size} "
            f"with padding {pad}: use a smaller filter or more padding"
        )
    return (input_size + 2 * pad - filter_size) // stride + 1


def conv2d_naive(
    x: np.ndarray, W: np.ndarray, b: np.ndarray, stride: int = 1, pad: int = 0
) -> np.ndarray:
    """The convolution by its definition, one output pixel at a time.

    x: (N, C, H, W), W: (FN, C, FH, FW), b: (FN,).  Returns (N, FN, OH, OW):
    each output pixel is the sum of a window of the padded input times a
    filter, plus the filter's bias.  Slow (Python loops over every image and
    output pixel), and therefore clear: the reference the layers must match.
    """
    N, C, H, Wx = x.shape  # Wx: the width of x (W is the filters)
    FN, _, FH, FW = W.shape
    out_h = conv_output_size(H, FH, stride, pad)
    out_w = conv_output_size(Wx, FW, stride, pad)
    img = np.pad(x, [(0, 0), (0, 0), (pad, pad), (pad, pad)], "constant")

    out = np.zeros((N, FN, out_h, out_w), dtype=np.result_type(x, W, b))
    for n in range(N):
        for i in range(out_h):
            for j in range(out_w):
                top, left = i * stride, j * stride
                window = img[n, :, top : top + FH, left : left + FW]  # (C, FH, FW)
                # every filter at once: multiply elementwise, add up over (C, FH, FW)
                out[n, :, i, j] = np.sum(W * window, axis=(1, 2, 3)) + b
    return out


def im2col(
    input_data: np.ndarray, filter_h: int, filter_w: int, stride: int = 1, pad: int = 0
) -> np.ndarray:
    """Unroll every filter window of ``input_data`` into a row of a 2-D array.

    input_data: (N, C, H, W).  Returns col: (N * OH * OW, C * filter_h * filter_w),
    with OH, OW the output size (:func:`conv_output_size`).  Row ``(n * OH + i) * OW + j``
    holds the window of image ``n`` whose top-left corner is at ``(i * stride,
    j * stride)`` of the padded image, channel by channel, each channel row by row.

    For each offset (y, x) within a window, the value of every window at that
    offset is one strided slice of the padded images; the loop runs over the
    filter_h × filter_w offsets only.
    """
    N, C, H, W = input_data.shape
    out_h = (H + 2 * pad - filter_h) // stride + 1
    out_w = (W + 2 * pad - filter_w) // stride + 1

    img = np.pad(input_data, [(0, 0), (0, 0), (pad, pad), (pad, pad)], "constant")
    col = np.zeros((N, C, filter_h, filter_w, out_h, out_w), dtype=img.dtype)

    for y in range(filter_h):
        y_max = y + stride * out_h
        for x in range(filter_w):
            x_max = x + stride * out_w
            col[:, :, y, x, :, :] = img[:, :, y:y_max:stride, x:x_max:stride]

    col = col.transpose(0, 4, 5, 1, 2, 3).reshape(N * out_h * out_w, -1)
    return col


def col2im(
    col: np.ndarray,
    input_shape: tuple[int, ...],
    filter_h: int,
    filter_w: int,
    stride: int = 1,
    pad: int = 0,
) -> np.ndarray:
    """Add the rows of ``col`` back into images: the adjoint of :func:`im2col`.

    col: (N * OH * OW, C * filter_h * filter_w).  Returns (N, C, H, W) =
    ``input_shape``.  A pixel covered by several windows receives the sum of
    their values, which is exactly the gradient the pixel gets from all the
    windows it took part in; the padding's share is dropped.
    """
    N, C, H, W = input_shape
    out_h = (H + 2 * pad - filter_h) // stride + 1
    out_w = (W + 2 * pad - filter_w) // stride + 1
    col = col.reshape(N, out_h, out_w, C, filter_h, filter_w).transpose(0, 3, 4, 5, 1, 2)

    img = np.zeros((N, C, H + 2 * pad + stride - 1, W + 2 * pad + stride - 1), dtype=col.dtype)
    for y in range(filter_h):
        y_max = y + stride * out_h
        for x in range(filter_w):
            x_max = x + stride * out_w
            img[:, :, y:y_max:stride, x:x_max:stride] += col[:, :, y, x, :, :]

    return img[:, :, pad : H + pad, pad : W + pad]


class Convolution:
    """The convolution layer (畳み込み層): FN filters slid over the input, via im2col.

    x: (N, C, H, W), W: (FN, C, FH, FW), b: (FN,), out: (N, FN, OH, OW) with
    ``OH = (H + 2 pad - FH) // stride + 1`` (and OW alike).  Each output
    channel is a feature map (特徴マップ): how strongly one filter matches the
    input at each position.  The forward pass is one matrix product, the
    windows ``col`` (N·OH·OW, C·FH·FW) times the filters as columns ``col_W``
    (C·FH·FW, FN); the backward pass is the Affine layer's on those two
    matrices, and col2im puts the windows' gradients back into the image.
    """

    def __init__(self, W: np.ndarray, b: np.ndarray, stride: int = 1, pad: int = 0) -> None:
        self.params = [W, b]
        self.grads = [np.zeros_like(W), np.zeros_like(b)]
        self.stride = stride
        self.pad = pad

        # kept for the backward pass
        self.x: Any = None
        self.col: Any = None
        self.col_W: Any = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Return the feature maps (N, FN, OH, OW); remember x, col and col_W."""
        W, b = self.params
        FN, C, FH, FW = W.shape
        N, C, H, Wx = x.shape  # Wx: the width of x (W is the filters)
        out_h = 1 + (H + 2 * self.pad - FH) // self.stride
        out_w = 1 + (Wx + 2 * self.pad - FW) // self.stride

        col = im2col(x, FH, FW, self.stride, self.pad)
        col_W = W.reshape(FN, -1).T

        out = np.dot(col, col_W) + b
        out = out.reshape(N, out_h, out_w, -1).transpose(0, 3, 1, 2)

        self.x = x
        self.col = col
        self.col_W = col_W

        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """Write dW (FN, C, FH, FW) and db (FN,) into ``grads``; return dx (N, C, H, W)."""
        W, b = self.params
        FN, C, FH, FW = W.shape
        dout = dout.transpose(0, 2, 3, 1).reshape(-1, FN)

        db = np.sum(dout, axis=0)
        dW = np.dot(self.col.T, dout)
        dW = dW.transpose(1, 0).reshape(FN, C, FH, FW)

        dcol = np.dot(dout, self.col_W.T)
        dx = col2im(dcol, self.x.shape, FH, FW, self.stride, self.pad)

        self.grads[0][...] = dW
        self.grads[1][...] = db
        return dx


class Pooling:
    """Max pooling (Max プーリング) via im2col: the largest value of each window.

    x: (N, C, H, W), out: (N, C, OH, OW), each channel pooled on its own, with
    ``OH = (H + 2 pad - pool_h) // stride + 1`` (and OW alike).  Padding is
    filled with zeros.  Pooling has no parameters.  As in the book, ``stride``
    defaults to 1; windows that tile the image need ``stride=pool_h``.  (The
    book's forward leaves ``pad`` out of OH and OW, which breaks for pad > 0;
    here it is in.)

    im2col unrolls the windows; a reshape makes one row per window and
    channel, (N·OH·OW·C, pool_h·pool_w), whose maximum is the output and whose
    ``argmax`` says where it was.  Going back, each window's gradient goes to
    that element (the first one, row by row, where several are equal), and
    col2im adds the rows back into the image.
    """

    def __init__(self, pool_h: int, pool_w: int, stride: int = 1, pad: int = 0) -> None:
        self.params: list[np.ndarray] = []
        self.grads: list[np.ndarray] = []
        self.pool_h = pool_h
        self.pool_w = pool_w
        self.stride = stride
        self.pad = pad

        self.x: Any = None
        self.arg_max: Any = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Return the maximum of each window (N, C, OH, OW); remember x and the argmax."""
        N, C, H, W = x.shape
        out_h = 1 + (H + 2 * self.pad - self.pool_h) // self.stride
        out_w = 1 + (W + 2 * self.pad - self.pool_w) // self.stride

        col = im2col(x, self.pool_h, self.pool_w, self.stride, self.pad)
        col = col.reshape(-1, self.pool_h * self.pool_w)

        arg_max = np.argmax(col, axis=1)
        out = np.max(col, axis=1)
        out = out.reshape(N, out_h, out_w, C).transpose(0, 3, 1, 2)

        self.x = x
        self.arg_max = arg_max

        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """Return dx (N, C, H, W): each window's gradient goes to its maximum only."""
        dout = dout.transpose(0, 2, 3, 1)

        pool_size = self.pool_h * self.pool_w
        dmax: Any = np.zeros((dout.size, pool_size), dtype=dout.dtype)
        dmax[np.arange(self.arg_max.size), self.arg_max.flatten()] = dout.flatten()
        dmax = dmax.reshape(dout.shape + (pool_size,))

        dcol = dmax.reshape(dmax.shape[0] * dmax.shape[1] * dmax.shape[2], -1)
        dx = col2im(dcol, self.x.shape, self.pool_h, self.pool_w, self.stride, self.pad)

        return dx


class Flatten:
    """Flattens each sample into a row: x (N, d1, d2, …) to out (N, d1 * d2 * …).

    Between the last pooling layer and the first Affine layer (全結合層), whose
    input is (N, D); book 1's Affine does this reshape itself.  Backward gives
    the gradient its original shape back.
    """

    def __init__(self) -> None:
        self.params: list[np.ndarray] = []
        self.grads: list[np.ndarray] = []
        self.x_shape: tuple[int, ...] = ()

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Return ``x`` as (N, -1)."""
        self.x_shape = x.shape
        return x.reshape(x.shape[0], -1)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """Return ``dout`` in the shape of ``x``."""
        return dout.reshape(self.x_shape)
