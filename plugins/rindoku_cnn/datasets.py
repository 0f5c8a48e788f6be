"""Images of handwritten digits: scikit-learn's 8 × 8 digits (offline) and MNIST (downloaded).

Both loaders return ``(x_train, t_train), (x_test, t_test)`` as the book's
``load_mnist`` does, with images as (N, 1, H, W) float arrays in [0, 1] (one
channel, ready for a convolution layer) and labels as integers (N,).

MNIST comes as four gzipped files in the idx format: a big-endian header
(a magic number whose last byte is the number of dimensions, then each
dimension as a 32-bit integer) followed by the raw unsigned bytes.  They are
read with NumPy alone; nothing is unpickled.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np

from rindoku.data import DataError, DataFile, fetch

__all__ = ["MNIST_FILES", "load_digits", "load_mnist", "read_idx"]

Split = tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


def load_digits(rng: np.random.Generator, test_size: float = 0.2) -> Split:
    """The 1,797 handwritten digits bundled with scikit-learn, split for training and testing.

    x: (N, 1, 8, 8) float64 in [0, 1] (the 17 grey levels 0…16 divided by 16);
    t: (N,) int64, the digit.  The split is stratified: each digit gives
    ``test_size`` of its images to the test set, chosen with ``rng``, and both
    sets are shuffled with ``rng``.  The same generator state gives the same split.
    """
    from sklearn.datasets import load_digits as sklearn_digits

    if not 0 < test_size < 1:
        raise ValueError(f"test_size must be between 0 and 1, got {test_size}")
    digits = sklearn_digits()
    x = (digits.images / 16.0).reshape(-1, 1, 8, 8)
    t = digits.target.astype(np.int64)

    train_rows, test_rows = [], []
    for label in np.unique(t):
        rows = rng.permutation(np.flatnonzero(t == label))
        n_test = int(round(test_size * len(rows)))
        test_rows.append(rows[:n_test])
        train_rows.append(rows[n_test:])
    train = rng.permutation(np.concatenate(train_rows))
    test = rng.permutation(np.concatenate(test_rows))
    return (x[train], t[train]), (x[test], t[test])


_MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)


def _mnist_file(filename: str, sha256: str, size: int, description: str) -> DataFile:
    return DataFile(
        name=f"mnist/{filename}",
        urls=tuple(mirror + filename for mirror in _MIRRORS),
        sha256=sha256,
        description=description,
        size=size,
    )


MNIST_FILES: dict[str, DataFile] = {
    "train_images": _mnist_file(
        "train-images-idx3-ubyte.gz",
        "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
        9_912_422,
        "MNIST training images, 60,000 × 28 × 28",
    ),
    "train_labels": _mnist_file(
        "train-labels-idx1-ubyte.gz",
        "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
        28_881,
        "MNIST training labels, 60,000",
    ),
    "test_images": _mnist_file(
        "t10k-images-idx3-ubyte.gz",
        "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
        1_648_877,
        "MNIST test images, 10,000 × 28 × 28",
    ),
    "test_labels": _mnist_file(
        "t10k-labels-idx1-ubyte.gz",
        "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
        4_542,
        "MNIST test labels, 10,000",
    ),
}
"""The four MNIST files: where they go in the cache, their mirrors and SHA-256."""


def read_idx(path: str | Path) -> np.ndarray:
    """Read an idx file of unsigned bytes (gzipped if its name ends in .gz) into an array.

    The header is checked against the file's length; a file that is not idx,
    or is cut short, is a :class:`rindoku.data.DataError` that names it.
    """
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as file:
            data = file.read()
    except (OSError, EOFError) as exc:
        raise DataError(f"{path}: cannot read it as {'gzip' if opener is gzip.open else 'a file'}"
                        f" ({exc}); delete it and run again to download it") from exc
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] != 0x08:
        raise DataError(
            f"{path} is not an idx file of unsigned bytes: it starts with {data[:4].hex()}, "
            "expected 00 00 08 followed by the number of dimensions"
        )
    ndim = data[3]
    header = 4 + 4 * ndim
    shape = tuple(int(d) for d in np.frombuffer(data, dtype=">u4", count=ndim, offset=4))
    expected = header + int(np.prod(shape))
    if len(data) != expected:
        raise DataError(
            f"{path}: the header says shape {shape}, which needs {expected} bytes, "
            f"but the file has {len(data)}"
        )
    return np.frombuffer(data, dtype=np.uint8, offset=header).reshape(shape)


def load_mnist(
    *,
    dtype: type | np.dtype = np.float32,
    download: bool = True,
    files: dict[str, DataFile] | None = None,
) -> Split:
    """MNIST: 60,000 training and 10,000 test images of handwritten digits, 28 × 28.

    x: (N, 1, 28, 28) of ``dtype`` in [0, 1] (float32 by default: the training
    images take 188 MB, twice that in float64); t: (N,) int64.  The files
    are found with :func:`rindoku.data.fetch`: in ``$RINDOKU_DATA/mnist/``, in
    the cache, or downloaded (unless ``download`` is false) and checked by
    SHA-256.  ``files`` replaces :data:`MNIST_FILES` (same keys).
    """
    files = MNIST_FILES if files is None else files
    arrays = {key: read_idx(fetch(files[key], download=download)) for key in MNIST_FILES}

    def images(key: str) -> np.ndarray:
        raw = arrays[key]
        if raw.ndim != 3:
            raise DataError(f"{files[key].name}: expected images (N, H, W), got shape {raw.shape}")
        x = raw.reshape(-1, 1, *raw.shape[1:]).astype(dtype)
        x /= 255.0
        return x

    def labels(key: str, n_images: int) -> np.ndarray:
        t = arrays[key].astype(np.int64)
        if t.shape != (n_images,):
            raise DataError(
                f"{files[key].name}: expected {n_images} labels, one per image, "
                f"got shape {t.shape}"
            )
        return t

    x_train, x_test = images("train_images"), images("test_images")
    t_train = labels("train_labels", len(x_train))
    t_test = labels("test_labels", len(x_test))
    return (x_train, t_train), (x_test, t_test)
