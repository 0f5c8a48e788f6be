"""The fast path: the convolution and pooling layers of book 1 chapter 7, with fewer copies.

The textbook layers (:mod:`rindoku_cnn.layers`) are right, and they spend
most of their time moving numbers rather than computing with them:

* ``im2col`` fills a six-axis array of zeros offset by offset, then
  ``transpose(...).reshape(...)`` copies it all a second time, because the
  transposed array is not contiguous;
* Convolution's product gives (N·OH·OW, FN): adding the bias is one more pass
  over the output, and ``transpose(0, 3, 1, 2)`` leaves the feature maps
  strided in memory, so every later layer reads them out of order; going
  back, ``dout`` is transposed and copied again, and col2im runs even for the
  first layer, whose input (the images) needs no gradient;
* Pooling unrolls the feature maps with im2col only to take ``max`` and
  ``argmax`` along rows of four numbers, two reductions along a short axis,
  which NumPy does slowly; going back it builds a dense array of the
  windows' gradients, mostly zeros, and adds it back with col2im.

This module computes the same values and gradients differently:

* :func:`unfold` asks NumPy for a view of every window
  (``sliding_window_view``, no copy) and copies once, straight into one
  column per window, image by image: (N, C·FH·FW, OH·OW); :func:`fold` is
  its adjoint, col2im for that layout;
* :class:`FastConvolution` multiplies the filters (FN, C·FH·FW) by each
  image's columns, which gives (N, FN, OH·OW), already the order of the
  output; the bias rides in the product as the weight of a row of ones, so
  db comes out of the backward product beside dW; ``input_grad=False``
  skips dx;
* :class:`FastPooling` never unrolls: a window's maximum is the maximum of
  its rows' maxima, so it pools in two steps along one axis each, each step an
  elementwise ``np.maximum`` of strided views of the whole batch; backward
  undoes the steps with masks, and writes each gradient instead of adding it
  where the windows do not overlap.  It also does average pooling;
* :class:`FastSimpleConvNet` is :class:`~rindoku_cnn.models.SimpleConvNet`
  with these two layers in place of the textbook ones.

The layers also check their inputs' shapes and name themselves in the error.
The tests show that both paths give the same values and gradients.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any, Literal

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from rindoku_cnn.layers import conv_output_size
from rindoku_cnn.models import SimpleConvNet

__all__ = ["FastConvolution", "FastPooling", "FastSimpleConvNet", "fold", "unfold"]


def _padded(x: np.ndarray, pad: int) -> np.ndarray:
    """``x`` (N, C, H, W) with ``pad`` zeros around each image (``x`` itself if pad is 0)."""
    if pad == 0:
        return x
    return np.pad(x, [(0, 0), (0, 0), (pad, pad), (pad, pad)], mode="constant")


def unfold(
    x: np.ndarray,
    filter_h: int,
    filter_w: int,
    stride: int = 1,
    pad: int = 0,
    ones_row: bool = False,
) -> np.ndarray:
    """Unroll every filter window of ``x`` into a column, image by image.

    x: (N, C, H, W).  Returns cols: (N, C * filter_h * filter_w, OH * OW), with
    OH, OW the output size (:func:`~rindoku_cnn.layers.conv_output_size`).
    ``cols[n, :, i * OW + j]`` is the window of image ``n`` whose top-left
    corner is at ``(i * stride, j * stride)`` of the padded image, channel by
    channel, each channel row by row.  Per image this is the transpose of
    :func:`~rindoku_cnn.layers.im2col`'s rows: the filters times ``cols[n]``
    is then already image n's feature maps, (FN, OH * OW).

    With ``ones_row`` a last row of ones is added, (N, C * filter_h * filter_w + 1,
    OH * OW): the input of a bias, so that one matrix product adds it.
    """
    N, C, H, W = x.shape
    out_h = conv_output_size(H, filter_h, stride, pad)
    out_w = conv_output_size(W, filter_w, stride, pad)
    size = C * filter_h * filter_w

    img = _padded(x, pad)
    # every window, as a view of img (no copy): (N, C, OH, OW, FH, FW)
    windows = sliding_window_view(img, (filter_h, filter_w), axis=(2, 3))
    windows = windows[:, :, : stride * out_h : stride, : stride * out_w : stride]

    cols = np.empty((N, size + ones_row, out_h * out_w), dtype=x.dtype)
    if ones_row:
        cols[:, size] = 1
    # the windows go into the first rows as (N, C, FH, FW, OH, OW): for each offset,
    # a whole row of windows is read at once; the only copy is made here
    cols[:, :size].reshape(N, C, filter_h, filter_w, out_h, out_w)[...] = windows.transpose(
        0, 1, 4, 5, 2, 3)
    return cols


def fold(
    cols: np.ndarray,
    input_shape: tuple[int, ...],
    filter_h: int,
    filter_w: int,
    stride: int = 1,
    pad: int = 0,
) -> np.ndarray:
    """Add the columns of ``cols`` back into images: the adjoint of :func:`unfold`.

    cols: (N, C * filter_h * filter_w, OH * OW).  Returns (N, C, H, W) =
    ``input_shape``.  A pixel covered by several windows receives the sum of
    their values, as with :func:`~rindoku_cnn.layers.col2im`; the padding's
    share is dropped.  The loop runs over the filter_h × filter_w offsets
    within a window only.
    """
    N, C, H, W = input_shape
    out_h = conv_output_size(H, filter_h, stride, pad)
    out_w = conv_output_size(W, filter_w, stride, pad)
    # (N, C, FH, FW, OH, OW), contiguous, so that each offset reads whole rows
    cols = np.ascontiguousarray(cols.reshape(N, C, filter_h, filter_w, out_h, out_w))

    img = np.zeros((N, C, H + 2 * pad, W + 2 * pad), dtype=cols.dtype)
    for y in range(filter_h):
        y_max = y + stride * out_h
        for x in range(filter_w):
            x_max = x + stride * out_w
            img[:, :, y:y_max:stride, x:x_max:stride] += cols[:, :, y, x, :, :]

    return img[:, :, pad : H + pad, pad : W + pad]


def _expect_image_batch(layer: str, x: np.ndarray, channels: int | None = None) -> None:
    """Raise ValueError unless ``x`` is (N, C, H, W) with ``channels`` channels."""
    shape = np.shape(x)
    if channels is None:
        if len(shape) != 4:
            raise ValueError(f"{layer}: expected input of shape (N, C, H, W), got {shape}")
    elif len(shape) != 4 or shape[1] != channels:
        raise ValueError(
            f"{layer}: expected input of shape (N, {channels}, H, W) with {channels} "
            f"channel(s), got {shape}"
        )


def _expect_dout(layer: str, dout: np.ndarray, shape: tuple[int, ...]) -> None:
    """Raise ValueError unless ``dout`` has the shape of the forward pass's output."""
    if np.shape(dout) != shape:
        raise ValueError(
            f"{layer}.backward: expected dout of shape {shape} (the output of forward), "
            f"got {np.shape(dout)}"
        )


class FastConvolution:
    """The convolution layer of :class:`~rindoku_cnn.layers.Convolution`, one product per image.

    x: (N, C, H, W), W: (FN, C, FH, FW), b: (FN,), out: (N, FN, OH, OW) with
    ``OH = (H + 2 pad - FH) // stride + 1`` (and OW alike).  The windows are
    unrolled one column per window (:func:`unfold`), so that the forward pass
    is one matrix product per image, filters (FN, C·FH·FW) times windows
    (C·FH·FW, OH·OW), and the backward pass is two, and a :func:`fold`.  The
    bias rides along in the products as the weight of an input that is
    always 1 (a row of ones under the windows): it is added in the forward
    product, and db comes out of the backward one beside dW.

    ``input_grad=False`` skips dx, for a first layer whose input (the images)
    needs no gradient: ``backward`` then returns None and does half the work.
    """

    def __init__(
        self,
        W: np.ndarray,
        b: np.ndarray,
        stride: int = 1,
        pad: int = 0,
        input_grad: bool = True,
    ) -> None:
        if np.ndim(W) != 4 or np.shape(b) != (np.shape(W)[0],):
            raise ValueError(
                f"FastConvolution: W must have shape (FN, C, FH, FW) and b shape (FN,), "
                f"got {np.shape(W)} and {np.shape(b)}"
            )
        self.params = [W, b]
        self.grads = [np.zeros_like(W), np.zeros_like(b)]
        self.stride = stride
        self.pad = pad
        self.input_grad = input_grad
        self.x_shape: tuple[int, ...] = ()
        self.cols: Any = None  # unfold(x) with its row of ones, kept for dW and db
        self.out_shape: tuple[int, ...] = ()

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Return the feature maps (N, FN, OH, OW); remember the unrolled windows."""
        W, b = self.params
        FN, C, FH, FW = W.shape
        _expect_image_batch("FastConvolution", x, C)
        N, _, H, Wx = x.shape  # Wx: the width of x (W is the filters)
        out_h = conv_output_size(H, FH, self.stride, self.pad)
        out_w = conv_output_size(Wx, FW, self.stride, self.pad)

        cols = unfold(x, FH, FW, self.stride, self.pad, ones_row=True)  # (N, C*FH*FW + 1, OH*OW)
        # one filter per row, its bias last: the weight of the row of ones
        col_W = np.concatenate([W.reshape(FN, -1), b.reshape(FN, 1)], axis=1)
        out = np.matmul(col_W, cols)  # (N, FN, OH*OW), one product per image
        out = out.reshape(N, FN, out_h, out_w)

        self.x_shape, self.cols, self.out_shape = x.shape, cols, out.shape
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray | None:
        """Write dW (FN, C, FH, FW) and db (FN,) into ``grads``; return dx (N, C, H, W)."""
        W, b = self.params
        FN, C, FH, FW = W.shape
        _expect_dout("FastConvolution", dout, self.out_shape)
        dout = dout.reshape(len(dout), FN, -1)  # (N, FN, OH*OW)

        # (FN, C*FH*FW + 1): dW, and in the last column db, the sum of dout times 1
        dW_db = np.matmul(dout, self.cols.transpose(0, 2, 1)).sum(axis=0)
        self.grads[0][...] = dW_db[:, :-1].reshape(FN, C, FH, FW)
        self.grads[1][...] = dW_db[:, -1]
        if not self.input_grad:
            return None

        dcols = np.matmul(W.reshape(FN, -1).T, dout)  # (N, C*FH*FW, OH*OW)
        dx = fold(dcols, self.x_shape, FH, FW, self.stride, self.pad)
        return dx


def _offset_view(a: np.ndarray, axis: int, offset: int, stride: int, count: int) -> np.ndarray:
    """The elements ``offset + stride * i`` (i < ``count``) of ``a`` along ``axis``, as a view."""
    index = [slice(None)] * a.ndim
    index[axis] = slice(offset, offset + stride * count, stride)
    return a[tuple(index)]


class FastPooling:
    """The pooling layer of :class:`~rindoku_cnn.layers.Pooling`, in two one-axis steps.

    x: (N, C, H, W), out: (N, C, OH, OW), each channel pooled on its own, with
    ``OH = (H + 2 pad - pool_h) // stride + 1`` (and OW alike).  The arguments
    and their defaults are the textbook layer's (``stride=1``; windows that
    tile the image need ``stride=pool_h``); padding is filled with zeros.

    ``mode="max"`` passes each window's gradient to its largest element (the
    first one, row by row, if several are equal, as ``argmax`` does);
    ``mode="average"`` takes the mean and shares the gradient equally.

    A window's maximum is the maximum of its rows' maxima, and its mean the
    mean of its rows' means.  So the layer pools in two steps along one axis
    each: along the width, every row of every window to one value, then along
    the height.  A step loops over the offsets within a window, each time over
    a strided view of the whole batch; the backward pass undoes the steps in
    reverse order.  Where the windows do not overlap, which is the usual case,
    it writes each gradient instead of adding it.
    """

    def __init__(
        self,
        pool_h: int,
        pool_w: int,
        stride: int = 1,
        pad: int = 0,
        mode: Literal["max", "average"] = "max",
    ) -> None:
        if mode not in ("max", "average"):
            raise ValueError(f"FastPooling: mode must be 'max' or 'average', got {mode!r}")
        self.params: list[np.ndarray] = []
        self.grads: list[np.ndarray] = []
        self.pool_h = pool_h
        self.pool_w = pool_w
        self.stride = stride
        self.pad = pad
        self.mode = mode
        self.x_shape: tuple[int, ...] = ()
        self.steps: list[tuple[np.ndarray, np.ndarray]] = []  # max: each step's input, output

    def _plan(self, x_shape: tuple[int, ...]) -> list[tuple[int, int, int, int]]:
        """The two steps, in order: (axis, window size, stride, output length) each."""
        N, C, H, W = x_shape
        out_h = conv_output_size(H, self.pool_h, self.stride, self.pad)
        out_w = conv_output_size(W, self.pool_w, self.stride, self.pad)
        return [(3, self.pool_w, self.stride, out_w), (2, self.pool_h, self.stride, out_h)]

    def _pool(self, a: np.ndarray, axis: int, size: int, stride: int, count: int) -> np.ndarray:
        """Pool ``a`` along one axis: windows of ``size``, ``count`` of them, ``stride`` apart."""
        combine = np.maximum if self.mode == "max" else np.add
        views = [_offset_view(a, axis, k, stride, count) for k in range(size)]
        out = views[0].copy() if size == 1 else combine(views[0], views[1])
        for view in views[2:]:
            combine(out, view, out=out)
        if self.mode == "average":
            out /= size
        return out

    def _unpool(self, dout: np.ndarray, step: int, shape: tuple[int, ...]) -> np.ndarray:
        """The backward pass of step ``step``: from ``dout`` to the gradient of its input."""
        axis, size, stride, count = self._plan(self.x_shape)[step]
        overlap = stride < size
        # where the windows tile the axis exactly, every element is written: no zeros needed
        tiled = stride == size and stride * count == shape[axis]
        da = (np.empty if tiled else np.zeros)(shape, dtype=np.result_type(dout, np.float32))

        shares: Any
        if self.mode == "max":
            a, out = self.steps[step]
            shares = self._first_maxima(a, out, axis, size, stride, count)  # all or nothing
        else:
            shares = itertools.repeat(1.0 / size, size)  # an equal share for each
        for k, share in enumerate(shares):
            dview = _offset_view(da, axis, k, stride, count)
            if overlap:
                dview += dout * share
            else:
                np.multiply(dout, share, out=dview)
        return da

    @staticmethod
    def _first_maxima(
        a: np.ndarray, out: np.ndarray, axis: int, size: int, stride: int, count: int
    ) -> Iterator[np.ndarray]:
        """Yield, for each offset in turn, a mask of the windows whose maximum it holds.

        Where several elements of a window equal its maximum, only the first
        offset's mask is true there, so that the window's gradient goes to one.
        """
        taken = None  # the windows whose maximum an earlier offset holds
        for k in range(size):
            if taken is not None and k == size - 1:
                yield ~taken  # the last offset: wherever no other one was the maximum
                return
            hit = _offset_view(a, axis, k, stride, count) == out
            if taken is None:
                taken = hit.copy()
            else:
                hit &= ~taken
                taken |= hit
            yield hit

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Return the pooled maps (N, C, OH, OW)."""
        _expect_image_batch("FastPooling", x)
        (axis_w, *width), (axis_h, *height) = self._plan(x.shape)
        img = _padded(np.asarray(x, dtype=np.result_type(x, np.float32)), self.pad)

        rows = self._pool(img, axis_w, *width)  # (N, C, H + 2 pad, OW): each window row pooled
        out = self._pool(rows, axis_h, *height)  # (N, C, OH, OW): then the rows of each window

        self.x_shape = x.shape
        if self.mode == "max":
            self.steps = [(img, rows), (rows, out)]
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """Return dx (N, C, H, W): each window's gradient to its maximum, or shared equally."""
        N, C, H, W = self.x_shape
        (_, _, _, out_w), (_, _, _, out_h) = self._plan(self.x_shape)
        _expect_dout("FastPooling", dout, (N, C, out_h, out_w))
        padded_h, padded_w = H + 2 * self.pad, W + 2 * self.pad

        drows = self._unpool(dout, 1, (N, C, padded_h, out_w))
        dimg = self._unpool(drows, 0, (N, C, padded_h, padded_w))
        return dimg[:, :, self.pad : H + self.pad, self.pad : W + self.pad]


class FastSimpleConvNet(SimpleConvNet):
    """:class:`~rindoku_cnn.models.SimpleConvNet` built from the fast layers.

    The same arguments, the same weights from the same ``rng``, the same
    layers in the same order, except that the convolution is a
    :class:`FastConvolution` that skips dx (nothing needs the gradient with
    respect to the images, so ``backward`` does not compute it) and the
    pooling a :class:`FastPooling`.  Its loss and gradients are the textbook
    net's, to rounding.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        conv, pool = self.layers[0], self.layers[2]
        W1, b1 = conv.params  # the same arrays: the fast layer takes the textbook one's place
        self.layers[0] = FastConvolution(W1, b1, stride=conv.stride, pad=conv.pad,
                                         input_grad=False)
        self.layers[2] = FastPooling(pool.pool_h, pool.pool_w, stride=pool.stride, pad=pool.pad)

        self.params = []
        self.grads = []
        for layer in self.layers:
            self.params += layer.params
            self.grads += layer.grads
