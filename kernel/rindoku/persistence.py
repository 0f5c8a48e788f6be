"""Saving and loading arrays and model parameters as ``.npz``, never pickle.

A file is written to a temporary name beside its destination and renamed into
place, so an interrupted save never leaves a half-written file behind.
Loading never unpickles (``allow_pickle=False``).

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
