"""Data files: downloaded once into a cache, checked by SHA-256, or read from a
directory that already holds them.

Where a file is looked for, in order:

1. ``$RINDOKU_DATA/<name>`` when the environment variable ``RINDOKU_DATA``
   names a directory laid out like the cache (``ptb/ptb.train.txt``,
   ``eval/questions-words.txt`` …);
2. the cache, ``$XDG_CACHE_HOME/rindoku/<name>`` (``~/.cache/rindoku/<name>``);
3. a download from each of the file's URLs in turn into the cache.

A download is written to a temporary file beside its destination and renamed
into place only once its checksum is right, so a failed or interrupted
download never leaves a partial file.  A file with the wrong checksum is an
error that says what to do.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from rindoku.persistence import readable_by_all
from rindoku.progress import progress_bar

__all__ = ["DataError", "DataFile", "cache_dir", "fetch", "sha256_of"]

ENV_VAR = "RINDOKU_DATA"


class DataError(RuntimeError):
    """A data file is missing, cannot be downloaded, or has the wrong checksum."""


@dataclass(frozen=True)
class DataFile:
    """A file a chapter needs: its place in the cache, where to get it, its checksum."""

    name: str
    urls: tuple[str, ...]
    sha256: str
    description: str = ""


def cache_dir() -> Path:
    """The download cache: ``$XDG_CACHE_HOME/rindoku`` or ``~/.cache/rindoku``."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "rindoku"


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _check(path: Path, file: DataFile) -> Path:
    actual = sha256_of(path)
    if actual != file.sha256:
        raise DataError(
            f"{path} has the wrong checksum (sha256 {actual}, expected {file.sha256}): "
            "it is damaged or a different version; delete it and run again to download it"
        )
    return path


def fetch(file: DataFile, *, download: bool = True, timeout: float = 30.0) -> Path:
    """The local path of ``file``, downloading it into the cache if needed."""
    provided = os.environ.get(ENV_VAR)
    if provided:
        candidate = Path(provided) / file.name
        if candidate.is_file():
            return _check(candidate, file)
    target = cache_dir() / file.name
    if target.is_file():
        return _check(target, file)
    if not download:
        raise DataError(_missing_message(file, target, []))

    errors = []
    for url in file.urls:
        try:
            return _download(url, target, file, timeout)
        except (OSError, urllib.error.URLError, DataError) as exc:
            errors.append(f"{url}: {exc}")
    raise DataError(_missing_message(file, target, errors))


def _missing_message(file: DataFile, target: Path, errors: list[str]) -> str:
    tried = "".join(f"\n  - {e}" for e in errors)
    what = f"could not download {file.name}{':' if errors else ''}{tried}\n" if errors else (
        f"{file.name} is not here and downloading is off.\n")
    return (
        f"{what}Provide it in one of two ways:\n"
        f"  1. connect to the internet and run again: it is downloaded to {target}\n"
        f"  2. set {ENV_VAR} to a directory that holds {file.name} "
        f"(from {file.urls[0] if file.urls else 'its source'}, sha256 {file.sha256[:12]}…)"
    )


def _download(url: str, target: Path, file: DataFile, timeout: float) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part",
                                         dir=target.parent)
    digest = hashlib.sha256()
    try:
        with os.fdopen(handle, "wb") as out, urllib.request.urlopen(url, timeout=timeout) as r:
            size = int(r.headers.get("Content-Length") or 0)
            bar = progress_bar(size, desc=f"downloading {file.name}", unit="B", lines=4,
                               unit_scale=True, unit_divisor=1024) if size else None
            for chunk in iter(lambda: r.read(1 << 16), b""):
                out.write(chunk)
                digest.update(chunk)
                if bar is not None:
                    bar.update(len(chunk))
            if bar is not None:
                bar.close()
        if digest.hexdigest() != file.sha256:
            raise DataError(f"wrong checksum (sha256 {digest.hexdigest()}, expected {file.sha256})")
        readable_by_all(temporary)
        os.replace(temporary, target)
    finally:
        Path(temporary).unlink(missing_ok=True)
    return target
