"""How fast the CNN chapter's layers are, against the book's approach and plain loops.

Run with ``python benchmarks/bench_cnn.py`` (or ``nox -s bench``).  Everything
runs in this one process on random float64 data of the book's MNIST sizes: a
batch of 100 images 1 × 28 × 28, 30 filters 5 × 5, max pooling 2 × 2, a hidden
layer of 100.  Each figure is the median time of one batch over repeated runs.

The baseline is written below the way the book writes it (book 1, chapter 7,
``common/util.py`` and ``common/layers.py``): ``im2col`` fills a six-axis array
offset by offset and then reorders it with a transpose and reshape, the
Pooling layer goes through ``im2col`` and ``argmax`` and back through a
scattered array and ``col2im``, and the Affine layer flattens 4-D input
itself.  ReLU and Softmax-with-Loss are the book's own, from
:mod:`rindoku_backprop.layers`, in both nets.  The results of both are
compared at the end: they must agree to rounding.
"""

from __future__ import annotations

import os
import platform
import time
from collections.abc import Callable

import numpy as np

from rindoku_backprop.layers import Relu, SoftmaxWithLoss
from rindoku_cnn.layers import Convolution, conv2d_naive
from rindoku_cnn.models import SimpleConvNet

BATCH, CHANNELS, SIZE = 100, 1, 28
FILTERS, FILTER_SIZE, HIDDEN, CLASSES = 30, 5, 100, 10
REPEATS = 30


# -- the book's approach (book 1, chapter 7) -------------------------------------------------


def book_im2col(input_data, filter_h, filter_w, stride=1, pad=0):
    """The book's im2col: a zero array filled offset by offset, then transposed and reshaped."""
    N, C, H, W = input_data.shape
    out_h = (H + 2 * pad - filter_h) // stride + 1
    out_w = (W + 2 * pad - filter_w) // stride + 1

    img = np.pad(input_data, [(0, 0), (0, 0), (pad, pad), (pad, pad)], "constant")
    col = np.zeros((N, C, filter_h, filter_w, out_h, out_w))
    for y in range(filter_h):
        y_max = y + stride * out_h
        for x in range(filter_w):
            x_max = x + stride * out_w
            col[:, :, y, x, :, :] = img[:, :, y:y_max:stride, x:x_max:stride]
    return col.transpose(0, 4, 5, 1, 2, 3).reshape(N * out_h * out_w, -1)


def book_col2im(col, input_shape, filter_h, filter_w, stride=1, pad=0):
    """The book's col2im: the rows added back offset by offset into a padded image."""
    N, C, H, W = input_shape
    out_h = (H + 2 * pad - filter_h) // stride + 1
    out_w = (W + 2 * pad - filter_w) // stride + 1
    col = col.reshape(N, out_h, out_w, C, filter_h, filter_w).transpose(0, 3, 4, 5, 1, 2)

    img = np.zeros((N, C, H + 2 * pad + stride - 1, W + 2 * pad + stride - 1))
    for y in range(filter_h):
        y_max = y + stride * out_h
        for x in range(filter_w):
            x_max = x + stride * out_w
            img[:, :, y:y_max:stride, x:x_max:stride] += col[:, :, y, x, :, :]
    return img[:, :, pad:H + pad, pad:W + pad]


class BookConvolution:
    """The book's Convolution: im2col, a product with the filters, a transposed view out."""

    def __init__(self, W, b, stride=1, pad=0):
        self.W, self.b, self.stride, self.pad = W, b, stride, pad
        self.x = self.col = self.col_W = None
        self.dW = self.db = None

    def forward(self, x):
        FN, C, FH, FW = self.W.shape
        N, C, H, W = x.shape
        out_h = 1 + int((H + 2 * self.pad - FH) / self.stride)
        out_w = 1 + int((W + 2 * self.pad - FW) / self.stride)
        col = book_im2col(x, FH, FW, self.stride, self.pad)
        col_W = self.W.reshape(FN, -1).T
        out = np.dot(col, col_W) + self.b
        out = out.reshape(N, out_h, out_w, -1).transpose(0, 3, 1, 2)
        self.x, self.col, self.col_W = x, col, col_W
        return out

    def backward(self, dout):
        FN, C, FH, FW = self.W.shape
        dout = dout.transpose(0, 2, 3, 1).reshape(-1, FN)
        self.db = np.sum(dout, axis=0)
        self.dW = np.dot(self.col.T, dout).transpose(1, 0).reshape(FN, C, FH, FW)
        dcol = np.dot(dout, self.col_W.T)
        return book_col2im(dcol, self.x.shape, FH, FW, self.stride, self.pad)


class BookPooling:
    """The book's max Pooling: im2col, argmax per row; backward through col2im."""

    def __init__(self, pool_h, pool_w, stride=1, pad=0):
        self.pool_h, self.pool_w, self.stride, self.pad = pool_h, pool_w, stride, pad
        self.x = self.arg_max = None

    def forward(self, x):
        N, C, H, W = x.shape
        out_h = int(1 + (H - self.pool_h) / self.stride)
        out_w = int(1 + (W - self.pool_w) / self.stride)
        col = book_im2col(x, self.pool_h, self.pool_w, self.stride, self.pad)
        col = col.reshape(-1, self.pool_h * self.pool_w)
        arg_max = np.argmax(col, axis=1)
        out = np.max(col, axis=1)
        out = out.reshape(N, out_h, out_w, C).transpose(0, 3, 1, 2)
        self.x, self.arg_max = x, arg_max
        return out

    def backward(self, dout):
        dout = dout.transpose(0, 2, 3, 1)
        pool_size = self.pool_h * self.pool_w
        dmax = np.zeros((dout.size, pool_size))
        dmax[np.arange(self.arg_max.size), self.arg_max.flatten()] = dout.flatten()
        dmax = dmax.reshape(dout.shape + (pool_size,))
        dcol = dmax.reshape(dmax.shape[0] * dmax.shape[1] * dmax.shape[2], -1)
        return book_col2im(dcol, self.x.shape, self.pool_h, self.pool_w, self.stride, self.pad)


class BookAffine:
    """Book 1's Affine: flattens its input to (N, -1) itself, and shapes dx back."""

    def __init__(self, W, b):
        self.W, self.b = W, b
        self.x = self.original_x_shape = None
        self.dW = self.db = None

    def forward(self, x):
        self.original_x_shape = x.shape
        x = x.reshape(x.shape[0], -1)
        self.x = x
        return np.dot(self.x, self.W) + self.b

    def backward(self, dout):
        dx = np.dot(dout, self.W.T)
        self.dW = np.dot(self.x.T, dout)
        self.db = np.sum(dout, axis=0)
        return dx.reshape(*self.original_x_shape)


class BookSimpleConvNet:
    """The book's SimpleConvNet, built from the same weights as ours."""

    def __init__(self, W1, b1, W2, b2, W3, b3):
        self.layers = [
            BookConvolution(W1, b1), Relu(), BookPooling(2, 2, stride=2),
            BookAffine(W2, b2), Relu(), BookAffine(W3, b3),
        ]
        self.last_layer = SoftmaxWithLoss()

    def loss(self, x, t):
        for layer in self.layers:
            x = layer.forward(x)
        return self.last_layer.forward(x, t)

    def gradient(self, x, t):
        self.loss(x, t)
        dout = self.last_layer.backward(1)
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        conv, _, _, affine1, _, affine2 = self.layers
        return [conv.dW, conv.db, affine1.dW, affine1.db, affine2.dW, affine2.db]


# -- timing ------------------------------------------------------------------------------------


def median_ms(run: Callable[[], object], repeats: int = REPEATS) -> float:
    """The median wall time of ``run()`` in milliseconds, after one call to warm up."""
    run()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return float(np.median(times)) * 1e3


def max_difference(ours: np.ndarray, theirs: np.ndarray) -> tuple[float, float]:
    """The largest absolute difference, and the same relative to the largest value."""
    difference = float(np.max(np.abs(np.asarray(ours) - np.asarray(theirs))))
    return difference, difference / max(float(np.max(np.abs(theirs))), 1e-300)


def main() -> None:
    rng = np.random.default_rng(0)
    x = rng.random((BATCH, CHANNELS, SIZE, SIZE))
    t = rng.integers(0, CLASSES, BATCH)

    cores = os.cpu_count()
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    threads = os.environ.get("OPENBLAS_NUM_THREADS", "not set: OpenBLAS uses every core")
    print(f"CNN benchmark: numpy {np.__version__}, Python {platform.python_version()}, "
          f"{cores} CPU core(s), load average {load}")
    print(f"OPENBLAS_NUM_THREADS {threads} (on a busy machine, 1 gives steadier figures)")
    print(f"batch {BATCH}×{CHANNELS}×{SIZE}×{SIZE}, {FILTERS} filters {FILTER_SIZE}×{FILTER_SIZE},"
          f" max pooling 2×2, hidden {HIDDEN}; float64; median of {REPEATS} runs\n")

    # the nets: ours, and the book's with the very same weights
    net = SimpleConvNet(input_dim=(CHANNELS, SIZE, SIZE), hidden_size=HIDDEN,
                        output_size=CLASSES, rng=rng)
    book_net = BookSimpleConvNet(*[p.copy() for p in net.params])
    # the layers alone: the net's first convolution skips dx (nothing needs the images'
    # gradient), so the layer is timed and checked as a copy that computes it, like the book's
    first_conv, pool = net.layers[0], net.layers[2]
    conv = Convolution(*[p.copy() for p in first_conv.params])
    book_conv, book_pool = book_net.layers[0], book_net.layers[2]

    # inputs of the layers inside the net, and gradients to send back
    feature_maps = conv.forward(x)
    relu_out = np.maximum(feature_maps, 0)
    pooled = pool.forward(relu_out)
    dconv = rng.standard_normal(feature_maps.shape)
    dpool = rng.standard_normal(pooled.shape)

    def net_step() -> None:
        net.forward(x, t)
        net.backward()

    def book_step() -> None:
        book_net.gradient(x, t)

    def conv_backward(layer) -> Callable[[], object]:
        layer.forward(x)
        return lambda: layer.backward(dconv)

    def pool_backward(layer) -> Callable[[], object]:
        layer.forward(relu_out)
        return lambda: layer.backward(dpool)

    rows = [
        ("Convolution forward", lambda: conv.forward(x), lambda: book_conv.forward(x)),
        ("Convolution backward", conv_backward(conv), conv_backward(book_conv)),
        ("Pooling forward (max 2×2)", lambda: pool.forward(relu_out),
         lambda: book_pool.forward(relu_out)),
        ("Pooling backward (max 2×2)", pool_backward(pool), pool_backward(book_pool)),
        ("SimpleConvNet forward + backward", net_step, book_step),
    ]
    print(f"{'per batch of 100':<34} {'ours (ms)':>10} {'book (ms)':>10} {'book / ours':>12}")
    for name, ours, book in rows:
        ours_ms, book_ms = median_ms(ours), median_ms(book)
        print(f"{name:<34} {ours_ms:>10.2f} {book_ms:>10.2f} {book_ms / ours_ms:>11.1f}×")
    first_conv.forward(x)
    no_dx_ms = median_ms(lambda: first_conv.backward(dconv))
    print(f"{'Convolution backward, no dx':<34} {no_dx_ms:>10.2f} {'':>10} {'':>12}"
          "   (the net's first layer)")
    conv_ms = median_ms(lambda: conv.forward(x))
    W1, b1 = conv.params
    naive_ms = median_ms(lambda: conv2d_naive(x, W1, b1), repeats=3)
    print(f"{'Convolution forward, conv2d_naive':<34} {conv_ms:>10.2f} {naive_ms:>10.1f} "
          f"{naive_ms / conv_ms:>11.0f}×   (explicit loops instead of the book's im2col)")

    net32 = SimpleConvNet(input_dim=(CHANNELS, SIZE, SIZE), hidden_size=HIDDEN,
                          output_size=CLASSES, rng=np.random.default_rng(0), dtype=np.float32)
    x32 = x.astype(np.float32)

    def net32_step() -> None:
        net32.forward(x32, t)
        net32.backward()

    print(f"{'SimpleConvNet float32 fwd + bwd':<34} {median_ms(net32_step):>10.2f}")

    # where the time of our forward + backward goes, layer by layer
    print(f"\n{'our SimpleConvNet, layer by layer':<34} {'forward':>10} {'backward':>10}")
    h = x
    total_forward = total_backward = 0.0
    for layer in [*net.layers, net.loss_layer]:
        inputs = (h, t) if layer is net.loss_layer else (h,)
        out = layer.forward(*inputs)
        dout = 1.0 if np.ndim(out) == 0 else np.ones_like(out)
        forward_ms = median_ms(lambda layer=layer, inputs=inputs: layer.forward(*inputs))
        backward_ms = median_ms(lambda layer=layer, dout=dout: layer.backward(dout))
        total_forward += forward_ms
        total_backward += backward_ms
        origin = "rindoku_backprop" if type(layer).__module__.startswith("rindoku_backprop") \
            else "rindoku_cnn"
        print(f"  {type(layer).__name__ + ' (' + origin + ')':<32} {forward_ms:>10.2f} "
              f"{backward_ms:>10.2f}")
        h = out
    print(f"  {'sum':<32} {total_forward:>10.2f} {total_backward:>10.2f}")

    # the two agree
    print("\nlargest differences, ours against the baseline (relative: to the largest value):")
    checks = {
        "Convolution forward vs book": max_difference(conv.forward(x), book_conv.forward(x)),
        "Convolution forward vs conv2d_naive": max_difference(conv.forward(x),
                                                              conv2d_naive(x, W1, b1)),
    }
    conv.forward(x)
    book_conv.forward(x)
    checks["Convolution dx"] = max_difference(conv.backward(dconv), book_conv.backward(dconv))
    checks["Convolution dW"] = max_difference(conv.grads[0], book_conv.dW)
    checks["Convolution db"] = max_difference(conv.grads[1], book_conv.db)
    checks["Pooling forward"] = max_difference(pool.forward(relu_out),
                                               book_pool.forward(relu_out))
    checks["Pooling dx"] = max_difference(pool.backward(dpool), book_pool.backward(dpool))
    loss = net.forward(x, t)
    net.backward()
    checks["SimpleConvNet loss"] = max_difference(loss, book_net.loss(x, t))
    for i, (ours, book) in enumerate(zip(net.grads, book_net.gradient(x, t), strict=True)):
        checks[f"SimpleConvNet grads[{i}]"] = max_difference(ours, book)
    for name, (absolute, relative) in checks.items():
        print(f"  {name:<36} {absolute:.1e}   (relative {relative:.1e})")
    worst = max(relative for _, relative in checks.values())
    verdict = "all agree to rounding" if worst < 1e-12 else "DIFFERENT: relative difference"
    print(f"  {verdict} (largest relative difference {worst:.1e}, limit 1e-12)")


if __name__ == "__main__":
    main()
