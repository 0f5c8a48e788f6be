"""Saving and loading arrays and model parameters as ``.npz``, never pickle.

A file is written to a temporary name beside its destination and renamed into
place, so an interrupted save never leaves a half-written file behind.
Loading never unpickles (``allow_pickle=False``).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np

from rindoku.protocols import Layer

__all__ = ["load_params", "save_arrays", "save_params"]


def readable_by_all(path: str | Path) -> None:
    """Give a temporary file (created private) the permissions of a normal new file."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)


def save_arrays(path: str | Path, **arrays: np.ndarray) -> Path:
    """Write ``arrays`` to the ``.npz`` file ``path`` atomically; return the path."""
    path = Path(path)
    if path.suffix != ".npz":
        path = path.with_name(path.name + ".npz")
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
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

    The model must have the same parameters, in the same order and shapes; a
    mismatch is an error that names the parameter and both shapes.
    """
    with np.load(path, allow_pickle=False) as data:
        names = sorted(data.files, key=lambda n: int(n.removeprefix("param_")))
        if len(names) != len(model.params):
            raise ValueError(
                f"{path} holds {len(names)} parameters but the model has "
                f"{len(model.params)}: was it saved from another model?"
            )
        for i, (name, param) in enumerate(zip(names, model.params, strict=True)):
            saved = data[name]
            if saved.shape != param.shape:
                raise ValueError(
                    f"{path}: parameter {i} has shape {saved.shape} in the file but "
                    f"{param.shape} in the model"
                )
            param[...] = saved
