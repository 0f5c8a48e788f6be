"""The count-based method of book 2 chapter 2, vectorised.

From a text to word vectors in four steps:

1. :func:`preprocess` — the text as a corpus of word ids;
2. :func:`create_co_matrix` — how often each word appears next to each other
   word (the co-occurrence matrix, 共起行列);
3. :func:`ppmi` — counts turned into positive pointwise mutual information,
   which does not favour frequent words such as "the";
4. :func:`truncated_svd` — the few directions that carry most of the matrix,
   giving short, dense word vectors.

The book writes steps 2 and 3 as Python loops over the corpus and over every
cell of the matrix.  Here each is a handful of whole-array operations, and each
has a sparse form (:mod:`scipy.sparse` CSR) for a real vocabulary, where almost
every cell of the matrix is 0.  The step from counts to PPMI then touches only
the non-zero cells.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
from scipy import sparse as sp

from rindoku.wordvectors import WordVectors

__all__ = [
    "cos_similarity",
    "count_based_vectors",
    "create_co_matrix",
    "most_similar",
    "ppmi",
    "preprocess",
    "truncated_svd",
]


def preprocess(text: str) -> tuple[np.ndarray, dict[str, int], dict[int, str]]:
    """Turn a text into ``(corpus, word_to_id, id_to_word)``, as the book does.

    The text is lower-cased and a full stop becomes a word of its own; words
    are split at spaces and numbered in order of first appearance.  ``corpus``
    is the text as an int32 array of word ids.
    """
    text = text.lower()
    text = text.replace(".", " .")
    words = text.split()

    word_to_id: dict[str, int] = {}
    id_to_word: dict[int, str] = {}
    for word in words:
        if word not in word_to_id:
            new_id = len(word_to_id)
            word_to_id[word] = new_id
            id_to_word[new_id] = word

    corpus = np.array([word_to_id[w] for w in words], dtype=np.int32)
    return corpus, word_to_id, id_to_word


def create_co_matrix(
    corpus: np.ndarray, vocab_size: int, window_size: int = 1, *, sparse: bool = False
) -> np.ndarray | sp.csr_matrix:
    """The co-occurrence matrix: ``C[i, j]`` counts word j within ``window_size`` of word i.

    For every distance d = 1 … ``window_size`` the corpus is paired with itself
    shifted by d: ``corpus[:-d]`` with ``corpus[d:]`` are the (word, word d to
    its right) pairs, the same arrays swapped the (word, word d to its left)
    pairs.  Counting all pairs at once replaces the book's loop over every
    position of the corpus.

    Returns a dense (vocab_size, vocab_size) int32 array, or with
    ``sparse=True`` a :class:`scipy.sparse.csr_matrix` that stores only the
    non-zero counts (PTB: under 1% of the 10,000 × 10,000 cells).
    """
    corpus = np.asarray(corpus, dtype=np.int64)
    if window_size < 1:
        raise ValueError(f"window_size must be 1 or more, got {window_size}")
    rows, cols = [], []
    for d in range(1, window_size + 1):
        rows += [corpus[:-d], corpus[d:]]  # each word with the word d to its right,
        cols += [corpus[d:], corpus[:-d]]  # and with the word d to its left
    rows, cols = np.concatenate(rows), np.concatenate(cols)

    if not sparse:
        counts = np.bincount(rows * vocab_size + cols, minlength=vocab_size * vocab_size)
        return counts.reshape(vocab_size, vocab_size).astype(np.int32)

    # the distinct (row, column) cells in row-major order, and how often each occurs
    cells, counts = np.unique(rows * vocab_size + cols, return_counts=True)
    row_of_cell, col_of_cell = np.divmod(cells, vocab_size)
    indptr = np.zeros(vocab_size + 1, dtype=np.int64)
    np.cumsum(np.bincount(row_of_cell, minlength=vocab_size), out=indptr[1:])
    return sp.csr_matrix(
        (counts.astype(np.int32), col_of_cell.astype(np.int32), indptr),
        shape=(vocab_size, vocab_size),
    )


def cos_similarity(x: np.ndarray, y: np.ndarray, eps: float = 1e-8) -> float:
    """The cosine similarity of two vectors: x·y / (‖x‖ ‖y‖).

    ``eps`` is added to each length, so that a zero vector gives 0, not a
    division by zero.
    """
    nx = x / (np.sqrt(np.sum(x**2)) + eps)
    ny = y / (np.sqrt(np.sum(y**2)) + eps)
    return float(np.dot(nx, ny))


def most_similar(
    query: str,
    word_to_id: dict[str, int],
    id_to_word: dict[int, str],
    word_matrix: np.ndarray,
    top: int = 5,
) -> list[tuple[str, float]]:
    """Print the ``top`` words most similar to ``query``, as the book does; return them.

    The similarity is the cosine similarity of the words' rows of
    ``word_matrix``; the work is done by :meth:`rindoku.wordvectors.WordVectors.most_similar`,
    which every word-vector chapter shares.
    """
    if query not in word_to_id:
        print(f"{query} is not found")
        return []
    print(f"\n[query] {query}")
    found = WordVectors(word_matrix, word_to_id, id_to_word).most_similar(query, top)
    for word, similarity in found:
        print(f" {word}: {similarity:.4f}")
    return found


def ppmi(C: np.ndarray | sp.spmatrix, eps: float = 1e-8) -> np.ndarray | sp.csr_matrix:
    """Positive pointwise mutual information of a co-occurrence matrix.

    With N the sum of all counts and S[i] the sum of row i (the matrix is
    symmetric, so also of column i),

        PMI(i, j) = log2(C[i, j] · N / (S[i] · S[j])),   PPMI(i, j) = max(0, PMI(i, j)).

    ``eps`` is added inside the logarithm as in the book.  A cell with
    ``C[i, j] == 0`` has PMI = -inf and so PPMI 0: only the non-zero cells are
    computed.  A dense C gives a dense float32 array; a sparse C a float32 CSR
    matrix without the cells that became 0.
    """
    if sp.issparse(C):
        C = sp.csr_matrix(C)
        if not C.has_canonical_format:  # repeated cells would be counted apart
            C = C.copy()
            C.sum_duplicates()
        N = float(C.sum())
        S = np.asarray(C.sum(axis=0), dtype=np.float64).ravel()
        rows = np.repeat(np.arange(C.shape[0]), np.diff(C.indptr))
        pmi = np.log2(C.data * N / (S[rows] * S[C.indices]) + eps)
        M = sp.csr_matrix((np.maximum(pmi, 0).astype(np.float32), C.indices.copy(),
                           C.indptr.copy()), shape=C.shape)
        M.eliminate_zeros()
        return M

    C = np.asarray(C)
    N = float(C.sum())
    S = C.sum(axis=0, dtype=np.float64)
    M = np.zeros(C.shape, dtype=np.float32)
    i, j = np.nonzero(C)
    pmi = np.log2(C[i, j] * N / (S[i] * S[j]) + eps)
    M[i, j] = np.maximum(pmi, 0)
    return M


def truncated_svd(
    M: np.ndarray | sp.spmatrix, k: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The ``k`` largest singular values of M (n, m) and their vectors: U (n, k), S (k,), Vt (k, m).

    A sparse matrix goes to ARPACK (:func:`scipy.sparse.linalg.svds`) in
    float64 with its default tolerance, machine precision, so the result is the
    exact top-k SVD whatever the start vector, which is drawn from ``rng``: the
    start changes how quickly ARPACK gets there, not where.  A dense matrix
    goes to LAPACK (:func:`numpy.linalg.svd`).  The singular values come
    largest first, and each singular vector's sign is fixed by
    :func:`sklearn.utils.extmath.svd_flip` (its largest entry in ``U`` is
    positive), so the same matrix always gives the same vectors.

    ARPACK's own work is many small matrix-vector steps; it runs with one BLAS
    thread, which is about as fast as several on an idle machine and many
    times faster on a busy one, where waiting threads spin.
    """
    from scipy.sparse.linalg import svds
    from sklearn.utils.extmath import svd_flip
    from threadpoolctl import threadpool_limits

    n = min(M.shape)
    if not 1 <= k <= n:
        raise ValueError(f"k must be between 1 and {n} for a matrix of shape {M.shape}, got {k}")
    if sp.issparse(M) and k < n:
        v0 = rng.uniform(-1.0, 1.0, size=n)
        with threadpool_limits(limits=1, user_api="blas"):
            U, S, Vt = svds(sp.csr_matrix(M, dtype=np.float64), k=k, v0=v0)
        order = np.argsort(S)[::-1]  # svds gives them smallest first
        U, S, Vt = U[:, order], S[order], Vt[order]
    else:
        dense = M.toarray() if sp.issparse(M) else np.asarray(M)
        U, S, Vt = np.linalg.svd(dense.astype(np.float64), full_matrices=False)
        U, S, Vt = U[:, :k], S[:k], Vt[:k]
    U, Vt = svd_flip(U, Vt)
    return U, S, Vt


def count_based_vectors(
    corpus: np.ndarray,
    word_to_id: dict[str, int],
    id_to_word: dict[int, str],
    rng: np.random.Generator,
    window_size: int = 2,
    wordvec_size: int = 100,
    log: Callable[[str], None] | None = None,
) -> tuple[WordVectors, dict[str, float]]:
    """The whole method on a real corpus: sparse co-occurrence, PPMI, top-k SVD.

    The word vectors are the rows of U·S (the left singular vectors scaled by
    their singular values): on PTB they score better on both benchmarks than
    U alone, which the book uses.  Returns the vectors, as float32, and the
    seconds each stage took; ``log``, if given, gets one line per stage.
    """
    seconds: dict[str, float] = {}
    vocab_size = len(word_to_id)

    def stage(name: str, start: float, detail: str) -> None:
        seconds[name] = time.perf_counter() - start
        if log is not None:
            log(f"{name:<14} {seconds[name]:6.2f} s   {detail}")

    start = time.perf_counter()
    C = create_co_matrix(corpus, vocab_size, window_size, sparse=True)
    stage("co-occurrence", start,
          f"window {window_size}: {vocab_size:,} x {vocab_size:,}, {C.nnz:,} non-zero cells "
          f"({C.nnz / vocab_size**2:.2%})")

    start = time.perf_counter()
    W = ppmi(C)
    stage("PPMI", start, f"{W.nnz:,} positive cells")

    start = time.perf_counter()
    U, S, _ = truncated_svd(W, wordvec_size, rng)
    stage("SVD", start, f"top {wordvec_size} singular values, {S[0]:.1f} down to {S[-1]:.1f}")

    vectors = WordVectors((U * S).astype(np.float32), word_to_id, id_to_word)
    return vectors, seconds
