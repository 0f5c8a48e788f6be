"""Data files: downloaded once into a cache, checked by SHA-256, or read from a
directory that already holds them.

A chapter declares the files it needs as :class:`DataFile` objects, grouped
into the data sets it registers (:class:`rindoku.chapter.Dataset`);
``rindoku data`` lists, fetches and verifies them.

Where a file is looked for, in order:

1. ``$RINDOKU_DATA/<name>`` when the environment variable ``RINDOKU_DATA``
   names a directory laid out like the cache (``ptb/ptb.train.txt``,
   ``eval/questions-words.txt`` …);
2. the cache, ``$XDG_CACHE_HOME/rindoku/<name>`` (``~/.cache/rindoku/<name>``);
3. a download from each of the file's URLs in turn into the cache.

Downloads go through pooch's downloaders (HTTP with a progress bar, FTP,
DOI) and its hashing.  A download is written to a temporary file beside its
destination and renamed into place only once its checksum is right, so a
failed, interrupted or damaged download never leaves a file in the cache;
temporary files left by a killed process are removed by the next download
into that folder (:func:`rindoku.persistence.remove_stale_temporaries`).

Every :class:`DataError` says in its first line what is wrong and what to do
(:func:`remedy`); a ``RINDOKU_DATA`` that names no folder is named in it.

:func:`fetch` raises the audit event ``rindoku.data.fetch`` with the file's
name (:data:`FETCH_EVENT`, :func:`sys.audit`): the worker that runs an
example listens for it, so that a result says which data files it read.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rindoku.persistence import readable_by_all, temporary_beside
from rindoku.progress import progress_bar

__all__ = [
    "CACHE",
    "ENV_VAR",
    "FETCH_EVENT",
    "MISSING",
    "PROVIDED",
    "DataError",
    "DataFile",
    "FileState",
    "cache_dir",
    "download",
    "env_problem",
    "fetch",
    "locate",
    "remedy",
    "sha256_of",
    "state_of",
]

ENV_VAR = "RINDOKU_DATA"

FETCH_EVENT = "rindoku.data.fetch"
"""The audit event :func:`fetch` raises, with the file's name (``ptb/ptb.train.txt``)."""

PROVIDED = "RINDOKU_DATA"
"""The value of ``where`` for a file found in the folder ``$RINDOKU_DATA`` names."""
CACHE = "cache"
"""The value of ``where`` for a file found in the download cache."""
MISSING = "missing"
"""The value of ``where`` for a file found nowhere (yet)."""

_SHA256 = re.compile(r"^[0-9a-fA-F]{64}$")


class DataError(RuntimeError):
    """A data file is missing, cannot be downloaded, or has the wrong checksum.

    The message's first line (:attr:`summary`) says what is wrong and what to
    do; any further lines give details.
    """

    @property
    def summary(self) -> str:
        """The first line of the message."""
        return str(self).split("\n", 1)[0]


@dataclass(frozen=True)
class DataFile:
    """A file a chapter needs: its place in the cache, where to get it, its checksum.

    ``name`` is its path in the cache and in ``$RINDOKU_DATA``
    (``ptb/ptb.train.txt``); ``urls`` are tried in turn (mirrors); ``sha256`` is
    the checksum it must have; ``size`` its length in bytes (0 if unknown),
    shown by ``rindoku data`` before it is downloaded.
    """

    name: str
    urls: tuple[str, ...]
    sha256: str
    description: str = ""
    size: int = 0

    def __post_init__(self) -> None:
        parts = self.name.split("/")
        if not self.name or self.name.startswith("/") or "\\" in self.name or any(
                p in ("", ".", "..") for p in parts):
            raise ValueError(f"data file name {self.name!r} must be a relative path such as "
                             "'ptb/ptb.train.txt'")
        if isinstance(self.urls, str):
            raise TypeError(f"data file {self.name!r}: urls must be a tuple of URLs, "
                            f"e.g. ({self.urls!r},), not a string")
        if not _SHA256.match(self.sha256):
            raise ValueError(f"data file {self.name!r}: sha256 must be 64 hexadecimal digits, "
                             f"got {self.sha256!r}")
        object.__setattr__(self, "sha256", self.sha256.lower())


@dataclass(frozen=True)
class FileState:
    """Where a data file is and whether its checksum is right.

    ``where`` is :data:`PROVIDED`, :data:`CACHE` or :data:`MISSING`; ``path``
    is the file, or where a download would put it; ``checksum`` is ``"ok"``,
    ``"WRONG"``, ``"not checked"`` or ``"missing"``; ``size`` is the file's
    length (its declared size when it is missing); ``actual`` its SHA-256 when
    it was computed.
    """

    file: DataFile
    path: Path
    where: str
    checksum: str
    size: int
    actual: str = ""


def cache_dir() -> Path:
    """The download cache: ``$XDG_CACHE_HOME/rindoku`` or ``~/.cache/rindoku``."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "rindoku"


def env_problem() -> str:
    """What is wrong with ``$RINDOKU_DATA`` ("… which does not exist"), or ``""``."""
    value = os.environ.get(ENV_VAR)
    if not value:
        return ""
    path = Path(value)
    if not path.exists():
        return f"{ENV_VAR} is set to {value}, which does not exist"
    if not path.is_dir():
        return f"{ENV_VAR} is set to {value}, which is not a folder"
    return ""


def remedy(dataset: str = "") -> str:
    """The one line that says how to provide a missing data set.

    ``remedy("ptb")`` is "run 'rindoku data fetch ptb' (with internet) or set
    RINDOKU_DATA=DIR"; the library's errors and the tests' skip reasons use it.
    """
    how = f"run 'rindoku data fetch {dataset}'" if dataset else "run again"
    return f"{how} (with internet) or set {ENV_VAR}=DIR"


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file, read in chunks."""
    import pooch  # imported when a file is hashed, not with rindoku

    return str(pooch.file_hash(str(path), alg="sha256"))


def locate(file: DataFile) -> tuple[Path, str]:
    """``(path, where)`` of ``file``: in ``$RINDOKU_DATA``, in the cache, or missing.

    A missing file's path is where a download puts it.  Nothing is checked
    or downloaded.
    """
    provided = os.environ.get(ENV_VAR)
    if provided:
        candidate = Path(provided) / file.name
        if candidate.is_file():
            return candidate, PROVIDED
    target = cache_dir() / file.name
    return target, CACHE if target.is_file() else MISSING


def state_of(file: DataFile, *, hash_limit: int | None = None) -> FileState:
    """Where ``file`` is and whether its checksum is right.

    Files larger than ``hash_limit`` bytes are not hashed (``"not checked"``)
    unless their size is already wrong; ``None`` hashes every file.
    """
    path, where = locate(file)
    if where == MISSING:
        return FileState(file, path, where, "missing", file.size)
    size = path.stat().st_size
    if file.size and size != file.size:
        return FileState(file, path, where, "WRONG", size)
    if hash_limit is not None and size > hash_limit:
        return FileState(file, path, where, "not checked", size)
    actual = sha256_of(path)
    return FileState(file, path, where, "ok" if actual == file.sha256 else "WRONG", size, actual)


def fetch(file: DataFile, *, download: bool = True, timeout: float = 30.0) -> Path:
    """The local path of ``file``, downloading it into the cache if needed.

    A file that is found is checked against its SHA-256; one with the wrong
    checksum is a :class:`DataError` (it is never silently replaced).  With
    ``download=False`` a file that is neither in ``$RINDOKU_DATA`` nor in the
    cache is a :class:`DataError`.
    """
    sys.audit(FETCH_EVENT, file.name)
    path, where = locate(file)
    if where != MISSING:
        actual = sha256_of(path)
        if actual != file.sha256:
            raise DataError(_wrong_checksum_message(file, path, where, actual))
        return path
    if not download:
        raise DataError(_missing_message(file, path, f"{file.name} is not here and "
                                                     "downloading is off"))
    return _download(file, timeout)


def download(file: DataFile, *, timeout: float = 30.0) -> Path:
    """Download ``file`` into the cache from each of its URLs in turn; return its path.

    The file in the cache is replaced only by a download whose checksum is
    right; a wrong download is deleted and the next URL tried.  When none
    succeeds, the :class:`DataError` says what each URL gave.
    """
    return _download(file, timeout)


def _download(file: DataFile, timeout: float) -> Path:
    target = cache_dir() / file.name
    if not file.urls:
        raise DataError(_missing_message(file, target, f"{file.name} is not here and has no "
                                                       "address to download it from"))
    errors = []
    for url in file.urls:
        try:
            _download_from(url, target, file, timeout)
            return target
        except _DownloadError as exc:
            errors.append(f"{url}: {exc}")
    raise DataError(_missing_message(file, target, f"could not download {file.name} "
                                                   f"({'; '.join(errors)})"))


class _DownloadError(Exception):
    """One URL did not give the file; the message says why, briefly."""


def _download_from(url: str, target: Path, file: DataFile, timeout: float) -> None:
    import pooch
    import requests  # pooch's HTTP client

    handle, temporary = temporary_beside(target, ".part")
    os.close(handle)
    progress = _Progress(f"downloading {file.name}")
    try:
        try:
            if url.startswith(("http://", "https://")):
                downloader: Any = pooch.HTTPDownloader(progressbar=progress, timeout=timeout,
                                                       chunk_size=1 << 16)
            else:
                downloader = pooch.choose_downloader(url, progressbar=progress)
            downloader(url, temporary, None)
        except requests.exceptions.HTTPError as exc:
            status = exc.response.status_code if exc.response is not None else "error"
            raise _DownloadError(f"HTTP {status}") from exc
        except requests.exceptions.Timeout as exc:
            raise _DownloadError(f"no answer within {timeout:g} s") from exc
        except requests.exceptions.ConnectionError as exc:
            raise _DownloadError("cannot connect") from exc
        except (OSError, ValueError) as exc:  # a local write error, an unknown protocol
            raise _DownloadError(f"{type(exc).__name__}: {exc}") from exc
        finally:
            progress.close()
        actual = sha256_of(Path(temporary))
        if actual != file.sha256:
            raise _DownloadError(f"wrong checksum: sha256 {actual}, expected {file.sha256}; "
                                  "the download was deleted")
        readable_by_all(temporary)
        os.replace(temporary, target)
    finally:
        Path(temporary).unlink(missing_ok=True)


class _Progress:
    """pooch's progress-bar protocol (``total``, ``update``, ``reset``, ``close``) over
    :func:`rindoku.progress.progress_bar`, made once pooch knows the size."""

    def __init__(self, desc: str) -> None:
        self.desc = desc
        self.bar: Any = None

    @property
    def total(self) -> int:
        return int(self.bar.total) if self.bar is not None else 0

    @total.setter
    def total(self, total: int) -> None:
        if total and self.bar is None:
            self.bar = progress_bar(total, desc=self.desc, unit="B", lines=4, unit_scale=True,
                                    unit_divisor=1024)

    def update(self, n: int) -> None:
        if self.bar is not None:  # pooch counts whole chunks: never past the total
            self.bar.update(max(0, min(n, self.bar.total - self.bar.n)))

    def reset(self) -> None:
        """pooch resets and fills the bar at the end; the capped updates already did."""

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def _dataset_of(file: DataFile) -> str:
    """The name of the installed data set that declares ``file``, or ``""``."""
    try:
        from rindoku.registry import load_registry  # only for a message

        datasets = load_registry().kind("datasets")
    except Exception:  # a broken registry costs the message its hint, not its point
        return ""
    return next((name for name, item in datasets.items()
                 if any(f.name == file.name for f in item.value.files)), "")


def _first_line(what: str, how: str) -> str:
    problem = env_problem()
    return f"{what}: {how}" + (f"; {problem}" if problem else "")


def _missing_message(file: DataFile, target: Path, what: str) -> str:
    if not file.urls:
        return _first_line(what, f"set {ENV_VAR}=DIR, a folder that holds {file.name} "
                                 f"(sha256 {file.sha256[:12]}…)")
    dataset = _dataset_of(file)
    fetch_it = f", or run 'rindoku data fetch {dataset}'" if dataset else ""
    return (
        f"{_first_line(what, remedy(dataset))}\n"
        f"  - connect to the internet and run again{fetch_it}: it is downloaded to {target}\n"
        f"  - set {ENV_VAR} to a directory that holds {file.name} "
        f"(from {file.urls[0]}, sha256 {file.sha256[:12]}…)"
    )


def _wrong_checksum_message(file: DataFile, path: Path, where: str, actual: str) -> str:
    dataset = _dataset_of(file)
    if where == PROVIDED:
        how = ("it is damaged or a different version; delete it and run again to download it "
               "into the cache, or put the right file there")
    else:
        again = f", or run 'rindoku data fetch {dataset}', which replaces it" if dataset else ""
        how = f"it is damaged or a different version; delete it and run again to download it{again}"
    return _first_line(f"{path} has the wrong checksum (sha256 {actual}, expected {file.sha256})",
                       how)
