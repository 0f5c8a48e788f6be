"""How fast the CNN chapter's fast layers are, against its textbook layers and plain loops.

Run with ``python benchmarks/bench_cnn.py`` (or ``nox -s bench``).  Everything
runs in this one process on random float64 data of the book's MNIST sizes: a
batch of 100 images 1 × 28 × 28, 30 filters 5 × 5, max pooling 2 × 2, a hidden
layer of 100.  Each figure is the median time of one batch over repeated runs.

The baseline is the chapter's textbook path, written the way book 1 chapter 7
writes it: :class:`~rindoku_cnn.layers.Convolution` and
:class:`~rindoku_cnn.layers.Pooling` through ``im2col`` and ``col2im``, in
:class:`~rindoku_cnn.models.SimpleConvNet`.  The fast path is
:mod:`rindoku_cnn.fast`: the same net as
:class:`~rindoku_cnn.fast.FastSimpleConvNet`, with the same weights.  The
timing and the comparison of every output and gradient are
:func:`rindoku_cnn.speed.compare_paths`, which the chapter's ``cnn.fast``
example runs with fewer repeats; this script adds the loops of
``conv2d_naive``, float32, and where each net's time goes, layer by layer.

The run writes its figures to ``docs/records/bench.cnn/record.json``, where
the book cites them (``--no-record`` writes nothing).  On a shared machine,
``OPENBLAS_NUM_THREADS=1`` gives steadier figures; the record states the
setting and the load.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
from functools import partial
from typing import Any

import numpy as np
from benchrecord import BenchRecord, add_record_options

from rindoku_cnn.fast import FastSimpleConvNet
from rindoku_cnn.layers import conv2d_naive
from rindoku_cnn.models import SimpleConvNet
from rindoku_cnn.speed import BATCH, INPUT_DIM, compare_paths, median_ms

REPEATS = 30


def slug(name: str) -> str:
    """A value name made of a step's name: ``"Pooling forward"`` -> ``pooling_forward``."""
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def layer_by_layer(record: BenchRecord, net: SimpleConvNet, x: np.ndarray,
                   t: np.ndarray) -> None:
    """Print each layer's forward and backward time inside ``net``, and their sums.

    Publishes the sums as ``<net>_layers_forward_ms`` and ``<net>_layers_backward_ms``.
    """
    print(f"\n{type(net).__name__ + ', layer by layer':<34} {'forward':>10} {'backward':>10}")
    h: Any = x
    total_forward = total_backward = 0.0
    for layer in [*net.layers, net.loss_layer]:
        inputs = (h, t) if layer is net.loss_layer else (h,)
        out = layer.forward(*inputs)
        dout = 1.0 if np.ndim(out) == 0 else np.ones_like(out)
        forward_ms = median_ms(partial(layer.forward, *inputs), REPEATS)
        backward_ms = median_ms(partial(layer.backward, dout), REPEATS)
        total_forward += forward_ms
        total_backward += backward_ms
        origin = type(layer).__module__.split(".")[0]
        print(f"  {type(layer).__name__ + ' (' + origin + ')':<32} {forward_ms:>10.2f} "
              f"{backward_ms:>10.2f}")
        h = out
    print(f"  {'sum':<32} {total_forward:>10.2f} {total_backward:>10.2f}")
    record.publish(f"{slug(type(net).__name__)}_layers_forward_ms", total_forward, "{:.1f} ms")
    record.publish(f"{slug(type(net).__name__)}_layers_backward_ms", total_backward,
                   "{:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_record_options(parser)
    args = parser.parse_args()
    with BenchRecord.from_args("cnn", args) as record:
        run(record)


def run(record: BenchRecord) -> None:
    cores = os.cpu_count()
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    threads = os.environ.get("OPENBLAS_NUM_THREADS", "not set: OpenBLAS uses every core")
    print(f"CNN benchmark: numpy {np.__version__}, Python {platform.python_version()}, "
          f"{cores} CPU core(s), load average {load}")
    print(f"OPENBLAS_NUM_THREADS {threads} (on a busy machine, 1 gives steadier figures)")
    print(f"batch {BATCH}×{'×'.join(map(str, INPUT_DIM))}, 30 filters 5×5, max pooling 2×2, "
          f"hidden 100; float64; median of {REPEATS} runs\n")

    comparison = compare_paths(np.random.default_rng(0), repeats=REPEATS)
    net, fast_net, x, t = (comparison.textbook_net, comparison.fast_net,
                           comparison.x, comparison.t)

    print(f"{'per batch of 100':<34} {'fast (ms)':>10} {'textbook':>10} {'textbook/fast':>14}")
    for timing in comparison.timings:
        record.publish(f"{slug(timing.name)}_fast_ms", timing.fast_ms, "{:.1f} ms")
        record.publish(f"{slug(timing.name)}_textbook_ms", timing.textbook_ms, "{:.1f} ms")
        record.publish(f"{slug(timing.name)}_textbook_over_fast", timing.ratio, "{:.1f}")
        print(f"{timing.name:<34} {timing.fast_ms:>10.2f} {timing.textbook_ms:>10.2f} "
              f"{timing.ratio:>13.1f}×")

    first_conv = fast_net.layers[0]
    first_conv.forward(x)
    dconv = np.ones(first_conv.out_shape)
    no_dx_ms = median_ms(lambda: first_conv.backward(dconv), REPEATS)
    record.publish("convolution_backward_no_dx_fast_ms", no_dx_ms, "{:.1f} ms")
    print(f"{'FastConvolution backward, no dx':<34} {no_dx_ms:>10.2f} {'':>10} {'':>14}"
          "   (the fast net's first layer)")

    conv = net.layers[0]
    W1, b1 = conv.params
    im2col_ms = median_ms(lambda: conv.forward(x), REPEATS)
    naive_ms = median_ms(lambda: conv2d_naive(x, W1, b1), repeats=3)
    record.publish("conv2d_naive_ms", naive_ms, "{:.0f} ms")
    record.publish("naive_over_im2col", naive_ms / im2col_ms, "{:.0f}")
    print(f"{'Convolution forward, conv2d_naive':<34} {'':>10} {naive_ms:>10.1f} "
          f"{naive_ms / im2col_ms:>13.0f}×   (loops against the textbook im2col layer)")

    x32 = x.astype(np.float32)
    for cls in (SimpleConvNet, FastSimpleConvNet):
        net32 = cls(INPUT_DIM, rng=np.random.default_rng(0), dtype=np.float32)

        def step(net32: SimpleConvNet = net32) -> None:
            net32.forward(x32, t)
            net32.backward()

        step_ms = median_ms(step, REPEATS)
        record.publish(f"{slug(cls.__name__)}_float32_ms", step_ms, "{:.1f} ms")
        print(f"{cls.__name__ + ' float32 fwd + bwd':<34} {step_ms:>10.2f}")

    # where the time of each net's forward + backward goes
    layer_by_layer(record, net, x, t)
    layer_by_layer(record, fast_net, x, t)

    # the two agree
    print("\nlargest differences, fast against textbook (relative to the largest value):")
    for name, relative in comparison.differences.items():
        print(f"  {name:<36} {relative:.1e}")
    worst = comparison.worst_difference
    record.publish("largest_relative_difference", worst, "{:.0e}")
    verdict = "all agree to rounding" if worst < 1e-12 else "DIFFERENT: relative difference"
    print(f"  {verdict} (largest relative difference {worst:.1e}, limit 1e-12)")


if __name__ == "__main__":
    main()
