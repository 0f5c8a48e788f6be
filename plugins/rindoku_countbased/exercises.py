"""The chapter's exercises: the co-occurrence matrix and PPMI.

Each check runs the member's function and the book's
(:mod:`rindoku_countbased.countbased`, loops and all) on the toy corpus and on a random
corpus, with windows of 1, 2 and 3, and stops at the first case that
differs.  The message names the first wrong cell by its row word and column
word, with the expected value and the one computed, and says what the
mistake most likely is when it recognises it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import numpy as np

from rindoku import CheckFailed, Exercise
from rindoku.checks import expect_array, get_function
from rindoku_countbased import countbased
from rindoku_countbased.datasets import TOY_TEXT, load_toy_corpus

__all__ = ["CO_MATRIX", "EXERCISES", "PPMI", "check_co_matrix", "check_ppmi"]

SOLUTIONS = Path(__file__).parent / "solutions"

CHECK_SEED = 0
"""The seed of the generator the checks draw the random corpus from."""

WINDOWS = (1, 2, 3)
"""The window sizes every check tries."""


# -- what both checks need -------------------------------------------------------------


def _corpora() -> Iterator[tuple[str, np.ndarray, list[str]]]:
    """The toy corpus, then a random one of 60 words over a vocabulary of 9.

    Every word of the random vocabulary occurs at least once, so no row of
    its co-occurrence matrix is all zeros.
    """
    corpus, _, id_to_word = load_toy_corpus()
    yield f"the toy corpus ({TOY_TEXT!r})", corpus, [id_to_word[i] for i in range(len(id_to_word))]
    rng = np.random.default_rng(CHECK_SEED)
    vocab_size = 9
    words = ["w0", "w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8"]
    corpus = np.concatenate([rng.permutation(vocab_size), rng.integers(0, vocab_size, 51)])
    yield "a random corpus of 60 words (w0 … w8)", corpus.astype(np.int32), words


def _first_wrong_cell(got: np.ndarray, expected: np.ndarray, close: bool) -> tuple[int, int] | None:
    """The first (row, column) in reading order where ``got`` differs, or None."""
    if close:
        wrong = ~np.isclose(got.astype(np.float64), expected, rtol=1e-4, atol=1e-4)
    else:
        wrong = got != expected
    if not wrong.any():
        return None
    i, j = np.argwhere(wrong)[0]
    return int(i), int(j)


def _cell(words: list[str], i: int, j: int, matrix: str) -> str:
    return f"row {words[i]!r}, column {words[j]!r} ({matrix}[{i}, {j}])"


# -- the co-occurrence matrix -------------------------------------------------------------


def _one_sided(corpus: np.ndarray, vocab_size: int, window_size: int) -> np.ndarray:
    """Counts of the words to the right only: a common first attempt."""
    C = np.zeros((vocab_size, vocab_size), dtype=np.int64)
    for d in range(1, window_size + 1):
        np.add.at(C, (corpus[:-d], corpus[d:]), 1)
    return C


def _repeats_lost(corpus: np.ndarray, vocab_size: int, window_size: int) -> np.ndarray:
    """``C[rows, cols] += 1``: a pair that occurs twice at one distance counts once."""
    C = np.zeros((vocab_size, vocab_size), dtype=np.int64)
    for d in range(1, window_size + 1):
        C[corpus[:-d], corpus[d:]] += 1
        C[corpus[d:], corpus[:-d]] += 1
    return C


def check_co_matrix(module: ModuleType) -> None:
    """Check create_co_matrix against the book's on two corpora and three windows."""
    create_co_matrix = get_function(module, "create_co_matrix")
    for name, corpus, words in _corpora():
        vocab_size = len(words)
        for window_size in WINDOWS:
            call = (f"create_co_matrix({name}, vocab_size={vocab_size}, "
                    f"window_size={window_size})")
            given = corpus.copy()
            got = expect_array(create_co_matrix(given, vocab_size, window_size=window_size),
                               (vocab_size, vocab_size), call)
            if not np.array_equal(given, corpus):
                raise CheckFailed(f"{call} changed the corpus it was given: only read it")
            expected = countbased.create_co_matrix(corpus, vocab_size, window_size)
            where = _first_wrong_cell(got, expected, close=False)
            if where is None:
                continue
            i, j = where
            if window_size > 1 and np.array_equal(
                    got, countbased.create_co_matrix(corpus, vocab_size, 1)):
                hint = ("your matrix is the one for window_size=1: count every distance "
                        "from 1 to window_size")
            elif np.array_equal(got, _one_sided(corpus, vocab_size, window_size)):
                hint = ("you count only the words to the right of each word; count those "
                        "to its left as well, so that C is symmetric")
            elif np.array_equal(got, _repeats_lost(corpus, vocab_size, window_size)):
                hint = ("a pair that occurs more than once is counted once: "
                        "co_matrix[rows, cols] += 1 adds 1 per distinct cell; "
                        "np.add.at(co_matrix, (rows, cols), 1) adds 1 per pair")
            else:
                hint = ("C[i, j] should count how many times word j stands within "
                        f"{window_size} place(s) to the left or right of word i")
            raise CheckFailed(
                f"{call} is wrong.\n"
                f"  first wrong cell: {_cell(words, i, j, 'C')}: "
                f"expected {expected[i, j]}, got {got[i, j]}\n"
                f"  {hint}"
            )


CO_MATRIX = Exercise(
    id="countbased.co-matrix",
    title="The co-occurrence matrix",
    prompt=(
        "Write the body of `create_co_matrix(corpus, vocab_size, window_size=1)`. "
        "`corpus` is a 1-D array of word ids, and `co_matrix` is already a "
        "`(vocab_size, vocab_size)` array of zeros. Fill it so that `co_matrix[i, j]` "
        "counts how often word $j$ stands at most `window_size` places to the left or "
        "to the right of an occurrence of word $i$ (the **context** of $i$). For the "
        "toy corpus and `window_size=1`, the row of *say* is `[1 0 1 0 1 1 0]`: *say* "
        "occurs twice, next to *you*, *goodbye*, *i* and *hello*.\n\n"
        "A loop over every position of the corpus works, as in the book. Try it "
        "without one: for a distance $d$, the arrays `corpus[:-d]` and `corpus[d:]` "
        "line up every word with the word $d$ places to its right, and `np.add.at` "
        "adds 1 at every (row, column) pair, repeated pairs included. "
        "The check compares your matrix with the book's on the toy corpus and on a "
        "random corpus, for windows of 1, 2 and 3."
    ),
    solution_file=SOLUTIONS / "co_matrix.py",
    check=check_co_matrix,
    hints=(
        "Each pair of neighbours counts twice: word $i$ has $j$ in its context and "
        "$j$ has $i$ in its. So the finished matrix is symmetric.",
        "`for d in range(1, window_size + 1):` then `left, right = corpus[:-d], corpus[d:]`: "
        "`right[k]` stands $d$ places to the right of `left[k]`.",
        "`np.add.at(co_matrix, (left, right), 1)` and `np.add.at(co_matrix, (right, left), 1)`. "
        "`co_matrix[left, right] += 1` would count a pair that occurs twice only once.",
    ),
)


# -- PPMI ----------------------------------------------------------------------------------


def check_ppmi(module: ModuleType) -> None:
    """Check ppmi against the book's on the co-occurrence matrices of two corpora."""
    ppmi = get_function(module, "ppmi")
    for name, corpus, words in _corpora():
        vocab_size = len(words)
        for window_size in WINDOWS:
            C = countbased.create_co_matrix(corpus, vocab_size, window_size)
            call = f"ppmi(C) for {name} with window_size={window_size}"
            given = C.copy()
            got = expect_array(ppmi(given), (vocab_size, vocab_size), call)
            if not np.array_equal(given, C):
                raise CheckFailed(f"{call} changed C: compute with new arrays instead")
            expected = countbased.ppmi(C).astype(np.float64)
            where = _first_wrong_cell(got, expected, close=True)
            if where is None:
                continue
            i, j = where
            value = got[i, j]
            N, S = int(C.sum()), C.sum(axis=0)
            if np.isnan(value):
                hint = "nan comes from 0/0 or the log of a negative number"
            elif value < 0:
                hint = "PPMI is never negative: keep max(0, PMI)"
            elif C[i, j] == 0:
                hint = "where C[i, j] is 0, PMI is -inf and PPMI therefore 0"
            else:
                hint = (f"here C[i, j] = {C[i, j]}, N = {N}, S[i] = {S[i]}, S[j] = {S[j]}, "
                        f"so PMI = log2({C[i, j]} * {N} / ({S[i]} * {S[j]})) "
                        f"= {np.log2(C[i, j] * N / (S[i] * S[j])):.4f}")
            raise CheckFailed(
                f"{call} is wrong.\n"
                f"  first wrong cell: {_cell(words, i, j, 'M')}: "
                f"expected {expected[i, j]:.4f}, got {value:.4f}\n"
                f"  {hint}"
            )


PPMI = Exercise(
    id="countbased.ppmi",
    title="Positive pointwise mutual information",
    prompt=(
        "Write the body of `ppmi(C, eps=1e-8)`. `C` is a co-occurrence matrix, "
        "`N = np.sum(C)` is the sum of all its counts and `S = np.sum(C, axis=0)` the "
        "count of each word (the matrix is symmetric, so rows and columns give the same "
        "sums). Return the float32 matrix `M` of the shape of `C` with\n\n"
        "$$\\operatorname{PMI}(i, j) = \\log_2 \\frac{C(i, j) \\cdot N}{S(i)\\, S(j)}, \\qquad "
        "M(i, j) = \\max\\bigl(0, \\operatorname{PMI}(i, j)\\bigr).$$\n\n"
        "Where $C(i, j) = 0$ the PMI is $-\\infty$ and $M(i, j)$ is 0; the book adds "
        "`eps` inside the logarithm so that `log2` never sees 0. Every word of the "
        "check's corpora occurs, so no $S(i)$ is 0. The book loops over every cell; "
        "whole-array operations do it in two lines. The check compares your `M` with "
        "the book's for the toy corpus and a random corpus, windows 1 to 3."
    ),
    solution_file=SOLUTIONS / "ppmi.py",
    check=check_ppmi,
    hints=(
        "$S(i)\\,S(j)$ for every cell at once is the outer product `np.outer(S, S)`, "
        "a matrix of the shape of `C`.",
        "`pmi = np.log2(C * N / np.outer(S, S) + eps)` is the PMI of every cell; "
        "where C is 0 it is `log2(eps)`, about -27.",
        "`M = np.maximum(0, pmi).astype(np.float32)`. Python's `max(0, pmi)` does not "
        "work on arrays: `np.maximum` compares element by element.",
    ),
)


EXERCISES = [CO_MATRIX, PPMI]
"""The chapter's exercises, in the order the chapter page gives them."""
