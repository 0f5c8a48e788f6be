"""The messages between a check and a member's attempt: data only, never pickle.

A message is a JSON header followed by NumPy arrays in NumPy's own ``.npy``
format (read with ``allow_pickle=False``), so that whatever the other side
sends, reading it runs none of its code.  This module is shared by both sides
(:mod:`rindoku.attempt` and the worker in :mod:`rindoku._worker`).

Values are encoded as JSON with a few tags:

=================  ===========================================================
``[...]``          a list
``{"$t": [...]}``  a tuple
``{"$d": [...]}``  a dict, as ``[key, value]`` pairs
``{"$a": i}``      the ``i``-th array of the message (``"ref"``: the array's
                   handle on the attempt's side, for mirrored arrays)
``{"$s": i}``      a NumPy scalar, sent as the 0-d array ``i``
``{"$r": ref}``    an object that stays on the attempt's side, by handle
``{"$o": ref}``    the same, as the attempt's side describes it
``{"$slice": …}``  a slice; ``{"$e": 0}`` the Ellipsis
``{"$rng": …}``    a copy of a NumPy random generator, from its state
``{"$dtype": s}``  a NumPy dtype; ``{"$type": s}`` a scalar type (``np.float64``)
=================  ===========================================================
"""

from __future__ import annotations

import io
import json
import os
import select
import struct
import time
from typing import Any

import numpy as np

__all__ = ["MAX_MESSAGE", "ChannelClosed", "ChannelTimeout", "read_message", "write_message"]

MAX_MESSAGE = 256 << 20
"""The largest message either side accepts (bytes): more is a broken or hostile sender."""

_HEAD = struct.Struct("<QI")  # header length, number of arrays
_SIZE = struct.Struct("<Q")


class ChannelClosed(EOFError):  # noqa: N818 (an event, like EOFError)
    """The other side closed its end (its process ended), or sent something unreadable."""


class ChannelTimeout(TimeoutError):  # noqa: N818
    """Nothing complete arrived before the deadline."""


def array_bytes(array: np.ndarray) -> bytes:
    """``array`` in ``.npy`` format."""
    buffer = io.BytesIO()
    np.save(buffer, np.asarray(array), allow_pickle=False)
    return buffer.getvalue()


def write_message(fd: int, header: dict[str, Any], arrays: list[np.ndarray]) -> None:
    """Send ``header`` and ``arrays`` as one message on the file descriptor ``fd``."""
    head = json.dumps(header).encode("utf-8")
    parts = [_HEAD.pack(len(head), len(arrays)), head]
    for array in arrays:
        data = array_bytes(array)
        parts += [_SIZE.pack(len(data)), data]
    payload = b"".join(parts)
    view = memoryview(payload)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _read_exact(fd: int, n: int, deadline: float | None) -> bytes:
    chunks: list[bytes] = []
    while n > 0:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise ChannelTimeout("no answer before the deadline")
        chunk = os.read(fd, min(n, 1 << 20))
        if not chunk:
            raise ChannelClosed("the other side closed the channel")
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def read_message(fd: int, deadline: float | None = None) -> tuple[dict[str, Any], list[np.ndarray]]:
    """Receive one message from ``fd``; ``deadline`` is a :func:`time.monotonic` time."""
    head_size, count = _HEAD.unpack(_read_exact(fd, _HEAD.size, deadline))
    if head_size > MAX_MESSAGE or count > MAX_MESSAGE // 64:
        raise ChannelClosed(f"a message of {head_size} bytes and {count} arrays is too large")
    try:
        header = json.loads(_read_exact(fd, head_size, deadline))
    except ValueError as exc:
        raise ChannelClosed(f"an unreadable message: {exc}") from None
    if not isinstance(header, dict):
        raise ChannelClosed("an unreadable message: its header is not an object")
    arrays = []
    total = head_size
    for _ in range(count):
        (size,) = _SIZE.unpack(_read_exact(fd, _SIZE.size, deadline))
        total += size
        if total > MAX_MESSAGE:
            raise ChannelClosed(f"a message of more than {MAX_MESSAGE >> 20} MiB")
        try:
            arrays.append(np.load(io.BytesIO(_read_exact(fd, size, deadline)),
                                  allow_pickle=False))
        except ValueError as exc:
            raise ChannelClosed(f"an unreadable array: {exc}") from None
    return header, arrays


def is_plain_array(value: Any) -> bool:
    """True for an array that travels by value (not an object array)."""
    return isinstance(value, np.ndarray) and not value.dtype.hasobject
