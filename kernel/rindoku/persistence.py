"""Saving and loading arrays and model parameters as ``.npz``, never pickle.

A file is written to a temporary name beside its destination and renamed into
place, so an interrupted save never leaves a half-written file behind.
Loading never unpickles (``allow_pickle=False``), and it is all or nothing:
:func:`load_params` checks the whole file against the model before it
changes any parameter.

The temporary name says which machine and process writes it
(``.params.npz.myhost-4242.k3j9x0aa.tmp``).  A process killed in the middle
of a save (or of a download, :mod:`rindoku.data`) leaves its temporary file
behind; the next save or download in that folder removes it, once it is
stale: its process is gone (on this machine), or it has not been written to
for an hour.  A file another live process is writing is never touched.
"""

from __future__ import annotations

import os
import re
import socket
import tempfile
import time
import zipfile
import zlib
from pathlib import Path

import numpy as np

from rindoku.protocols import Layer

__all__ = ["load_params", "save_arrays", "save_params"]


def readable_by_all(path: str | Path) -> None:
    """Give a temporary file (created private) the permissions of a normal new file."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)


STALE_AFTER = 3600.0
"""Seconds without a write after which a leftover temporary file is stale."""

_TEMPORARY = re.compile(r"^\.(?P<target>.+)\.(?P<host>[A-Za-z0-9-]+)-(?P<pid>[0-9]+)"
                        r"\.[a-z0-9_]+\.(?:part|tmp)$")


def _host() -> str:
    return re.sub(r"[^A-Za-z0-9-]", "-", socket.gethostname()) or "host"


def temporary_beside(target: Path, suffix: str = ".tmp") -> tuple[int, str]:
    """Create a temporary file beside ``target``: ``(open handle, its path)``.

    Stale temporary files left in the folder by killed processes are removed
    first (:func:`remove_stale_temporaries`).  ``suffix`` is ``.tmp`` for a
    save and ``.part`` for a download.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(target.parent)
    return tempfile.mkstemp(prefix=f".{target.name}.{_host()}-{os.getpid()}.", suffix=suffix,
                            dir=target.parent)


def remove_stale_temporaries(folder: Path, now: float | None = None) -> list[Path]:
    """Remove the stale temporary files of saves and downloads in ``folder``; return them.

    Only files named as :func:`temporary_beside` names them are considered.
    One is stale when the process that made it, on this machine, is gone, or
    when nobody has written to it for :data:`STALE_AFTER` seconds.
    """
    now = time.time() if now is None else now
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        match = _TEMPORARY.match(entry.name)
        if not match or not entry.is_file(follow_symlinks=False):
            continue
        try:
            idle = now - entry.stat(follow_symlinks=False).st_mtime
            gone = match["host"] == _host() and not _process_alive(int(match["pid"]))
            if gone or idle > STALE_AFTER:
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except OSError:  # removed meanwhile, or not ours to remove
            continue
    return removed


def _process_alive(pid: int) -> bool:
    if os.name == "nt":
        return True  # no cheap check: leave it to the age rule
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # another user's process, or not a pid we can ask about
    return True


def save_arrays(path: str | Path, **arrays: np.ndarray) -> Path:
    """Write ``arrays`` to the ``.npz`` file ``path`` atomically; return the path."""
    path = Path(path)
    if path.suffix != ".npz":
        path = path.with_name(path.name + ".npz")
    handle, temporary = temporary_beside(path, ".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            np.savez(file, **arrays)  # type: ignore[arg-type]
        readable_by_all(temporary)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def save_params(model: Layer, path: str | Path) -> Path:
    """Save ``model.params`` as ``param_0``, ``param_1`` … in a ``.npz`` file."""
    return save_arrays(path, **{f"param_{i}": p for i, p in enumerate(model.params)})


def load_params(model: Layer, path: str | Path) -> None:
    """Copy the parameters saved by :func:`save_params` into ``model.params`` in place.

    All or nothing: the whole file is read and checked against the model
    before any parameter changes, so a file that does not fit leaves the
    model exactly as it was.  The file must hold the arrays ``param_0``,
    ``param_1`` … one per parameter of the model, each of the parameter's
    shape.  Its dtype must cast to the parameter's by NumPy's
    ``"same_kind"`` rule: a float64 array loads into float32 parameters (the
    values are rounded to the model's precision, as any float the model
    computes is), an integer array into float ones, but floats never into
    integers and complex numbers never into reals, which would drop a part
    of every value.

    A missing file is a :class:`FileNotFoundError`; any other problem (not an
    ``.npz`` file, a damaged one, other array names, another model's
    parameters) is one :class:`ValueError`, a line that names the file and
    the first thing that does not fit.  Files that need pickle to read are
    refused, never unpickled.
    """
    path = Path(path)
    saved = _read_npz(path)
    names = [f"param_{i}" for i in range(len(saved))]
    if sorted(saved) != sorted(names):
        others = sorted(set(saved) - set(names))
        shown = ", ".join(others[:3]) + (", …" if len(others) > 3 else "")
        raise ValueError(
            f"{path} holds arrays named {shown}, where save_params writes param_0, "
            "param_1 … in order: it was not written by save_params (numpy.load reads it)"
        )
    if len(saved) != len(model.params):
        raise ValueError(
            f"{path} holds {len(saved)} parameters but the model has "
            f"{len(model.params)}: was it saved from another model?"
        )
    for i, (name, param) in enumerate(zip(names, model.params, strict=True)):
        array = saved[name]
        if array.shape != param.shape:
            raise ValueError(
                f"{path}: parameter {i} has shape {array.shape} in the file but "
                f"{param.shape} in the model: was it saved from another model?"
            )
        if not np.can_cast(array.dtype, param.dtype, "same_kind"):
            raise ValueError(
                f"{path}: parameter {i} is {array.dtype} in the file but {param.dtype} "
                "in the model, and casting would lose part of every value"
            )
    for name, param in zip(names, model.params, strict=True):
        param[...] = saved[name]


_NPZ_START = (b"PK\x03\x04", b"PK\x05\x06")  # a zip file's first bytes (an empty one's)
_NPY_START = b"\x93NUMPY"


def _read_npz(path: Path) -> dict[str, np.ndarray]:
    """Every array of the ``.npz`` file ``path``, read in full; one-line errors naming it."""
    try:
        with open(path, "rb") as file:
            start = file.read(6)
    except FileNotFoundError:
        raise FileNotFoundError(
            f"{path}: no such file; check the path, or save the parameters first "
            "with save_params(model, path)"
        ) from None
    except OSError as error:
        raise ValueError(f"{path} cannot be read: {error.strerror or error}") from None
    if start.startswith(_NPY_START):
        raise ValueError(
            f"{path} is a single .npy array (written by numpy.save), not the .npz file "
            "of parameters that save_params writes"
        )
    if not start.startswith(_NPZ_START):
        what = "empty" if not start else "not an .npz file (it does not start as one does)"
        raise ValueError(f"{path} is {what}: save parameters with save_params(model, path)")
    try:
        with np.load(path, allow_pickle=False) as data:
            return {name: data[name] for name in data.files}
    except ValueError as error:
        if "pickle" in str(error):
            raise ValueError(
                f"{path} holds Python objects, which only pickle can read, and rindoku "
                "never unpickles (a pickle can run any code): save plain arrays instead"
            ) from None
        raise ValueError(f"{path} is damaged ({error}): save the parameters again") from None
    except (zipfile.BadZipFile, EOFError, OSError, zlib.error) as error:
        raise ValueError(
            f"{path} is damaged or was cut short ({type(error).__name__}: {error}): "
            "save the parameters again"
        ) from None
