"""Timing the textbook layers against the fast ones, in one process, on the same inputs.

Used by the chapter's ``cnn.fast`` example and by ``benchmarks/bench_cnn.py``.
The sizes are the book's MNIST network: a batch of 100 images 1 × 28 × 28,
30 filters 5 × 5, max pooling 2 × 2 with stride 2, a hidden layer of 100.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from rindoku_cnn.fast import FastConvolution, FastSimpleConvNet
from rindoku_cnn.models import SimpleConvNet

__all__ = ["BATCH", "INPUT_DIM", "PathComparison", "Timing", "compare_paths", "median_ms"]

BATCH = 100
INPUT_DIM = (1, 28, 28)
"""The book's MNIST batch; the net's other sizes are SimpleConvNet's defaults, the book's."""


@dataclass(frozen=True)
class Timing:
    """The median milliseconds of one step on each path."""

    name: str
    textbook_ms: float
    fast_ms: float

    @property
    def ratio(self) -> float:
        """How many times faster the fast path is."""
        return self.textbook_ms / self.fast_ms


@dataclass
class PathComparison:
    """What :func:`compare_paths` measured: the timings, and how far the results differ.

    ``differences`` maps what was compared (``"Convolution dx"``) to the
    largest absolute difference divided by the largest absolute value.
    """

    timings: list[Timing]
    differences: dict[str, float]
    textbook_net: SimpleConvNet
    fast_net: FastSimpleConvNet
    x: np.ndarray
    t: np.ndarray

    @property
    def worst_difference(self) -> float:
        """The largest relative difference of all."""
        return max(self.differences.values())


def median_ms(run: Callable[[], object], repeats: int) -> float:
    """The median wall time of ``run()`` in milliseconds, after one call to warm up."""
    run()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return float(np.median(times)) * 1e3


def _relative(a: Any, b: Any) -> float:
    difference = float(np.max(np.abs(np.asarray(a) - np.asarray(b))))
    return difference / max(float(np.max(np.abs(b))), 1e-300)


def compare_paths(rng: np.random.Generator, repeats: int = 5) -> PathComparison:
    """Time SimpleConvNet and FastSimpleConvNet, and their convolution and pooling, alike.

    Both nets get the same weights (each from a generator seeded the same) and
    the same batch; the convolutions are timed with dx (the fast net's own
    skips it, so a FastConvolution on the same weights stands in).  Every
    output and gradient of the two paths is compared.
    """
    seed = int(rng.integers(2**31))
    net = SimpleConvNet(INPUT_DIM, rng=np.random.default_rng(seed))
    fast_net = FastSimpleConvNet(INPUT_DIM, rng=np.random.default_rng(seed))
    x = rng.random((BATCH, *INPUT_DIM))
    t = rng.integers(0, 10, BATCH)

    conv, pool = net.layers[0], net.layers[2]
    fast_conv = FastConvolution(*[p.copy() for p in conv.params])
    fast_pool = fast_net.layers[2]
    # the pooling's input inside the net, in the fast convolution's (contiguous) layout
    feature_maps = np.maximum(fast_conv.forward(x), 0)
    dconv = rng.standard_normal(conv.forward(x).shape)
    dpool = rng.standard_normal(pool.forward(feature_maps).shape)

    def backward(layer: Any, x_in: np.ndarray, dout: np.ndarray) -> Callable[[], object]:
        layer.forward(x_in)
        return lambda: layer.backward(dout)

    def step(model: SimpleConvNet) -> Callable[[], object]:
        def run() -> None:
            model.forward(x, t)
            model.backward()
        return run

    pairs = [
        ("Convolution forward", lambda: conv.forward(x), lambda: fast_conv.forward(x)),
        ("Convolution backward", backward(conv, x, dconv), backward(fast_conv, x, dconv)),
        ("Pooling forward", lambda: pool.forward(feature_maps),
         lambda: fast_pool.forward(feature_maps)),
        ("Pooling backward", backward(pool, feature_maps, dpool),
         backward(fast_pool, feature_maps, dpool)),
        ("SimpleConvNet forward + backward", step(net), step(fast_net)),
    ]
    timings = [Timing(name, median_ms(textbook, repeats), median_ms(fast, repeats))
               for name, textbook, fast in pairs]

    differences = {
        "Convolution forward": _relative(fast_conv.forward(x), conv.forward(x)),
        "Convolution dx": _relative(fast_conv.backward(dconv), conv.backward(dconv)),
        "Convolution dW": _relative(fast_conv.grads[0], conv.grads[0]),
        "Convolution db": _relative(fast_conv.grads[1], conv.grads[1]),
        "Pooling forward": _relative(fast_pool.forward(feature_maps), pool.forward(feature_maps)),
        "Pooling dx": _relative(fast_pool.backward(dpool), pool.backward(dpool)),
        "SimpleConvNet loss": _relative(fast_net.forward(x, t), net.forward(x, t)),
    }
    net.backward()
    fast_net.backward()
    for i, (fast_grad, grad) in enumerate(zip(fast_net.grads, net.grads, strict=True)):
        differences[f"SimpleConvNet grads[{i}]"] = _relative(fast_grad, grad)
    return PathComparison(timings, differences, net, fast_net, x, t)
