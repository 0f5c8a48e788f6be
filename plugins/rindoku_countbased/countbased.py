"""The count-based method of book 2 chapter 2, written as the book writes it.

From a text to word vectors, the book's ``common/util.py`` functions:

1. :func:`preprocess` — the text as a corpus of word ids;
2. :func:`create_co_matrix` — how often each word appears next to each other
   word (the co-occurrence matrix, 共起行列), counted with a loop over every
   position of the corpus;
3. :func:`cos_similarity` and :func:`most_similar` — how alike two words'
   rows are, and the words most like a query word;
4. :func:`ppmi` — counts turned into positive pointwise mutual information,
   which does not favour frequent words such as "the", with a loop over every
   cell of the matrix.

These are the reference: the names, arguments and lines are the book's.  On
the Penn Treebank the two loops take over a minute, so the chapter's PTB
examples use :mod:`rindoku_countbased.fast`, which computes the same matrices
with whole-array operations and sparse matrices; the tests show both give the
same numbers.  The SVD that shortens the vectors is NumPy's (the toy corpus) or
ARPACK's (:func:`rindoku_countbased.fast.truncated_svd`).

Two deliberate differences from the book: :func:`preprocess` splits at any
whitespace and returns an int32 corpus, and :func:`most_similar` sorts stably,
so that words with equal similarity come in id order on every NumPy.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

__all__ = [
    "cos_similarity",
    "create_co_matrix",
    "most_similar",
    "ppmi",
    "preprocess",
]


def preprocess(text: str) -> tuple[np.ndarray, dict[str, int], dict[int, str]]:
    """Turn a text into ``(corpus, word_to_id, id_to_word)``.

    The text is lower-cased and a full stop becomes a word of its own; words
    are numbered in order of first appearance.  ``corpus`` is the text as a
    1-D int32 array of word ids, (number of words,).
    """
    text = text.lower()
    text = text.replace(".", " .")
    words = text.split()  # the book: split(" "), which makes "" of a double space

    word_to_id: dict[str, int] = {}
    id_to_word: dict[int, str] = {}
    for word in words:
        if word not in word_to_id:
            new_id = len(word_to_id)
            word_to_id[word] = new_id
            id_to_word[new_id] = word

    corpus = np.array([word_to_id[w] for w in words], dtype=np.int32)

    return corpus, word_to_id, id_to_word


def create_co_matrix(corpus: np.ndarray, vocab_size: int, window_size: int = 1) -> np.ndarray:
    """The co-occurrence matrix: ``C[i, j]`` counts word j within ``window_size`` of word i.

    corpus: word ids (number of words,).  Returns C, int32
    (vocab_size, vocab_size): for every position of the corpus, the words up
    to ``window_size`` places to its left and to its right are counted in the
    row of the word there.
    """
    corpus_size = len(corpus)
    co_matrix = np.zeros((vocab_size, vocab_size), dtype=np.int32)

    for idx, word_id in enumerate(corpus):
        for i in range(1, window_size + 1):
            left_idx = idx - i
            right_idx = idx + i

            if left_idx >= 0:
                left_word_id = corpus[left_idx]
                co_matrix[word_id, left_word_id] += 1

            if right_idx < corpus_size:
                right_word_id = corpus[right_idx]
                co_matrix[word_id, right_word_id] += 1

    return co_matrix


def cos_similarity(x: np.ndarray, y: np.ndarray, eps: float = 1e-8) -> float:
    """The cosine similarity of two vectors (n,) and (n,): x·y / (‖x‖ ‖y‖).

    ``eps`` is added to each length, so that a zero vector gives 0, not a
    division by zero.
    """
    nx = x / (np.sqrt(np.sum(x**2)) + eps)
    ny = y / (np.sqrt(np.sum(y**2)) + eps)
    return np.dot(nx, ny)  # type: ignore[no-any-return]


def most_similar(
    query: str,
    word_to_id: Mapping[str, int],
    id_to_word: Mapping[int, str],
    word_matrix: np.ndarray,
    top: int = 5,
) -> None:
    """Print the ``top`` words most similar to ``query``, most similar first.

    word_matrix: one row per word id, (vocabulary size, dimensions).  The
    similarity is the cosine similarity of the rows, computed for every word
    of the vocabulary; the query itself is skipped.  Words with equal
    similarity come in id order (the book's plain ``argsort()`` leaves that
    order to the sorting algorithm).
    """
    if query not in word_to_id:
        print(f"{query} is not found")
        return

    print("\n[query] " + query)
    query_id = word_to_id[query]
    query_vec = word_matrix[query_id]

    vocab_size = len(id_to_word)

    similarity = np.zeros(vocab_size)
    for i in range(vocab_size):
        similarity[i] = cos_similarity(word_matrix[i], query_vec)

    count = 0
    for i in (-1 * similarity).argsort(kind="stable"):
        if id_to_word[i] == query:
            continue
        print(f" {id_to_word[i]}: {similarity[i]}")

        count += 1
        if count >= top:
            return


def ppmi(C: np.ndarray, verbose: bool = False, eps: float = 1e-8) -> np.ndarray:
    """Positive pointwise mutual information of a co-occurrence matrix C (V, V).

    With N the sum of all counts and S[i] the count of word i (the sum of
    column i, the same as row i for a symmetric C),

        PMI(i, j) = log2(C[i, j] · N / (S[i] · S[j])),   M[i, j] = max(0, PMI(i, j)).

    ``eps`` keeps ``log2`` away from 0 where C[i, j] is 0.  Returns M, float32
    (V, V).  Every cell is visited in turn; with ``verbose`` the progress is
    printed every 1% of the cells.
    """
    M = np.zeros_like(C, dtype=np.float32)
    N = np.sum(C)
    S = np.sum(C, axis=0)
    total = C.shape[0] * C.shape[1]
    cnt = 0

    for i in range(C.shape[0]):
        for j in range(C.shape[1]):
            pmi = np.log2(C[i, j] * N / (S[j] * S[i]) + eps)
            M[i, j] = max(0, pmi)

            if verbose:
                cnt += 1
                if cnt % (total // 100 + 1) == 0:
                    print(f"{100 * cnt / total:.1f}% done")
    return M
