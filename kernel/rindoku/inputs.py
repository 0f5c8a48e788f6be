"""Checks on the ids and labels that enter a layer or a model.

A word id picks a row of a weight matrix (``W[idx]``) and a label picks a
class (``y[np.arange(N), t]``).  NumPy reads a negative index from the end,
so an id or label of -1 is no error to it: it quietly picks the last row or
the last class, and the model trains on the wrong thing.  An index of n or
more does fail, but deep inside a layer, with a message that names neither
the layer nor the input.  :func:`check_ids` is the one line a layer adds
where ids enter, so that both mistakes stop there, saying which layer, which
value and what the valid range is.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["check_ids"]


def check_ids(
    ids: Any,
    n: int,
    owner: str,
    what: str = "id",
    *,
    of: str = "rows",
    ignore: int | None = None,
    hint: str | None = None,
) -> None:
    """Raise ValueError unless every value of ``ids`` is an integer in ``0 … n - 1``.

    ``owner`` names the layer or model in the message, ``what`` one value
    (``"label"``, ``"word id"``), ``of`` what the ``n`` values are
    (``"classes"``, ``"rows of W"``); ``hint`` ends the message.  ``ignore``
    is one more value that is accepted, such as -1 for the padding that a
    time-series loss leaves out ("ignore label").  For example::

        check_ids(t, 10, "SoftmaxWithLoss", "label", of="classes")

    raises, for a label -1, ``SoftmaxWithLoss: label -1 is outside 0..9 (10
    classes)``.  The check costs one pass for the minimum and one for the
    maximum and copies nothing; only when they are out of range does it look
    for the first bad value (or, with ``ignore``, for one that is not
    ``ignore``).
    """
    ids = np.asarray(ids)
    end = f"; {hint}" if hint else ""
    if ids.dtype.kind not in "iu":
        raise ValueError(f"{owner}: {what}s must be integers, not {ids.dtype}{end}")
    if ids.size == 0 or (ids.min() >= 0 and ids.max() < n):
        return
    outside = (ids < 0) | (ids >= n)
    if ignore is not None:
        outside &= ids != ignore
        if not outside.any():
            return
    bad = int(ids.flat[outside.argmax()])  # the first bad value
    besides = f", and it is not {ignore}, the ignore label" if ignore is not None else ""
    raise ValueError(f"{owner}: {what} {bad} is outside 0..{n - 1} ({n} {of}){besides}{end}")
