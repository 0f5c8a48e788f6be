"""One-line shape checks for the layers, so a wrong array is named where it enters.

A layer's ``forward`` calls :func:`check_shapes` once, with every input and
the shape it should have; the layer's own lines stay the book's.  A dimension
given as a string (``"N"``) may be any size, but must be the same size
wherever the same string appears in one call: ``x`` and ``h_prev`` must agree
on N.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["check_shapes"]

Spec = tuple[int | str, ...]


def check_shapes(
    where: str, *, fix: str = "pass an array of that shape", **arrays: tuple[Any, Spec]
) -> None:
    """Raise ValueError naming ``where``, the array, expected and actual shape, on a mismatch.

    ``check_shapes("RNN.forward", x=(x, ("N", D)), h_prev=(h_prev, ("N", H)))``
    checks that x is (N, D) and h_prev is (N, H) for one N.  ``fix`` ends the
    message: what to do about it.
    """
    sizes: dict[str, tuple[int, str]] = {}  # a symbol's size, and the array it came from
    for name, (array, spec) in arrays.items():
        shape = tuple(np.shape(array))
        fits = len(shape) == len(spec)
        for size, dim in zip(shape, spec, strict=False):
            if isinstance(dim, str):
                fits = fits and sizes.setdefault(dim, (size, name))[0] == size
            else:
                fits = fits and size == dim
        if not fits:
            expected = "(" + ", ".join(str(d) for d in spec) + ")"
            known = [f"{d} = {sizes[d][0]} (from {sizes[d][1]})" for d in dict.fromkeys(spec)
                     if isinstance(d, str) and d in sizes and sizes[d][1] != name]
            where_known = f" where {', '.join(known)}" if known else ""
            raise ValueError(f"{where}: {name} has shape {shape}; expected {expected}"
                             f"{where_known}: {fix}")

