"""Tests of the count-based chapter: the book's functions, the fast path, examples, exercises.

The book's functions (:mod:`rindoku_countbased.countbased`) are checked
against numbers worked out by hand; the fast path
(:mod:`rindoku_countbased.fast`) is checked against the book's functions on
the same corpora, and its options beyond the book by hand.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pytest
from scipy import sparse

from rindoku import CheckFailed
from rindoku.examples import published_values, run_example
from rindoku.registry import load_registry
from rindoku.testing import attempt_from, with_mistake
from rindoku_countbased import countbased, examples, fast
from rindoku_countbased.countbased import (
    cos_similarity,
    create_co_matrix,
    most_similar,
    ppmi,
    preprocess,
)
from rindoku_countbased.datasets import TOY_TEXT, load_toy_corpus
from rindoku_countbased.exercises import CO_MATRIX, EXERCISES, PPMI
from rindoku_countbased.fast import (
    BOOK_SETTINGS,
    TUNED_SETTINGS,
    Settings,
    count_based_vectors,
    distance_weights,
    svd_word_vectors,
    truncated_svd,
)
from rindoku_text.ptb import load_data
from rindoku_text.wordvectors import (
    WordVectors,
    evaluate_analogy,
    evaluate_wordsim353,
)

TOY_WORDS = ["you", "say", "goodbye", "and", "i", "hello", "."]

# the book's co-occurrence matrix of the toy corpus, window 1 (rows and columns as TOY_WORDS)
TOY_C1 = np.array([
    [0, 1, 0, 0, 0, 0, 0],
    [1, 0, 1, 0, 1, 1, 0],
    [0, 1, 0, 1, 0, 0, 0],
    [0, 0, 1, 0, 1, 0, 0],
    [0, 1, 0, 1, 0, 0, 0],
    [0, 1, 0, 0, 0, 0, 1],
    [0, 0, 0, 0, 0, 1, 0],
])

# window 2, counted by hand: 'say' occurs twice and has 'and' two places away both times
TOY_C2 = np.array([
    [0, 1, 1, 0, 0, 0, 0],
    [1, 0, 1, 2, 1, 1, 1],
    [1, 1, 0, 1, 1, 0, 0],
    [0, 2, 1, 0, 1, 0, 0],
    [0, 1, 1, 1, 0, 1, 0],
    [0, 1, 0, 0, 1, 0, 1],
    [0, 1, 0, 0, 0, 1, 0],
])


def random_corpus(seed: int, vocab_size: int = 30, length: int = 400) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, vocab_size, length).astype(np.int32)


def weighted_loop(corpus, vocab_size, window_size, weights):
    """The book's loop with a neighbour at distance d adding ``weights[d - 1]``, not 1."""
    C = np.zeros((vocab_size, vocab_size))
    for idx, word_id in enumerate(corpus):
        for i in range(1, window_size + 1):
            if idx - i >= 0:
                C[word_id, corpus[idx - i]] += weights[i - 1]
            if idx + i < len(corpus):
                C[word_id, corpus[idx + i]] += weights[i - 1]
    return C


# -- the book's functions --------------------------------------------------------------------


def test_preprocess_the_toy_sentence():
    """Lower-cased, '.' a word of its own, ids in order of first appearance, int32."""
    corpus, word_to_id, id_to_word = preprocess(TOY_TEXT)
    assert corpus.tolist() == [0, 1, 2, 3, 4, 1, 5, 6]
    assert corpus.dtype == np.int32
    assert list(word_to_id) == TOY_WORDS
    assert id_to_word == dict(enumerate(TOY_WORDS))
    assert load_toy_corpus()[0].tolist() == corpus.tolist()


def test_preprocess_splits_at_any_whitespace():
    """Unlike the book's split(' '), two spaces or a line break make no empty or glued word."""
    corpus, word_to_id, _ = preprocess("You  say goodbye\nand I say hello.\n")
    assert list(word_to_id) == TOY_WORDS
    assert corpus.tolist() == preprocess(TOY_TEXT)[0].tolist()
    assert "You  say\ngoodbye.".lower().replace(".", " .").split(" ") == [
        "you", "", "say\ngoodbye", "."]  # what the book's split would give


def test_co_matrix_of_the_toy_corpus_is_the_books():
    """Window 1 gives the book's 7 x 7 matrix, window 2 the one counted by hand."""
    corpus, word_to_id, _ = load_toy_corpus()
    C = create_co_matrix(corpus, len(word_to_id))
    assert isinstance(C, np.ndarray) and C.dtype == np.int32
    assert np.array_equal(C, TOY_C1)
    assert np.array_equal(create_co_matrix(corpus, 7, window_size=2), TOY_C2)
    assert np.array_equal(TOY_C2, TOY_C2.T)


def test_cos_similarity():
    """x.y / (|x| |y|): 1/sqrt(2) for you and i; 0 for a zero vector, not nan."""
    you, i = TOY_C1[0], TOY_C1[4]
    assert cos_similarity(you, i) == pytest.approx(1 / math.sqrt(2), abs=1e-7)
    assert cos_similarity(np.array([3.0, 4.0]), np.array([6.0, 8.0])) == pytest.approx(1.0)
    assert cos_similarity(np.array([1.0, 0.0]), np.array([0.0, 2.0])) == 0.0
    assert cos_similarity(np.zeros(3), np.ones(3)) == 0.0


def test_most_similar_prints_what_the_book_prints(capsys):
    """The book's printout for 'you': three words at 0.7071 in id order, then say and and."""
    _, word_to_id, id_to_word = load_toy_corpus()
    assert most_similar("you", word_to_id, id_to_word, TOY_C1, top=5) is None
    assert capsys.readouterr().out == (
        "\n[query] you\n"
        " goodbye: 0.7071067691154799\n"
        " i: 0.7071067691154799\n"
        " hello: 0.7071067691154799\n"
        " say: 0.0\n"
        " and: 0.0\n"
    )
    most_similar("tokyo", word_to_id, id_to_word, TOY_C1)
    assert capsys.readouterr().out == "tokyo is not found\n"


def test_most_similar_puts_equal_similarities_in_id_order(capsys):
    """A stable sort: 40 words with the same vector come out in id order, whatever NumPy."""
    words = [f"w{i}" for i in range(40)]
    matrix = np.ones((40, 3))
    most_similar("w0", {w: i for i, w in enumerate(words)}, dict(enumerate(words)), matrix,
                 top=39)
    printed = [line.split(":")[0].strip() for line in capsys.readouterr().out.splitlines()[2:]]
    assert printed == words[1:]


def test_ppmi_of_the_toy_corpus_by_hand():
    """N = 14; PPMI(you, say) = log2(14 / (1 * 4)), (say, goodbye) = log2(14 / 8) …"""
    pmi = ppmi(TOY_C1)
    assert pmi.dtype == np.float32 and pmi.shape == (7, 7)
    you, say, goodbye, and_, i, hello, stop = range(7)
    expected = np.zeros((7, 7))
    for a, b, value in [(you, say, math.log2(3.5)), (say, goodbye, math.log2(1.75)),
                        (say, i, math.log2(1.75)), (say, hello, math.log2(1.75)),
                        (goodbye, and_, math.log2(3.5)), (and_, i, math.log2(3.5)),
                        (hello, stop, math.log2(7.0))]:
        expected[a, b] = expected[b, a] = value
    assert pmi == pytest.approx(expected, abs=1e-6)
    assert pmi[you, say] == pytest.approx(1.807, abs=1e-3)  # the book's printed value
    assert pmi[hello, stop] == pytest.approx(2.807, abs=1e-3)


def test_ppmi_verbose_prints_its_progress(capsys):
    """verbose: a line every 1% of the cells (every cell of a 7 x 7 matrix), ending at 100%."""
    W = ppmi(TOY_C1, verbose=True)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 49 and lines[0] == "2.0% done" and lines[-1] == "100.0% done"
    assert np.array_equal(W, ppmi(TOY_C1))
    assert capsys.readouterr().out == ""


# -- the fast path gives the book's numbers ----------------------------------------------------


@pytest.mark.parametrize("window_size", [1, 2, 3, 5])
def test_fast_co_matrix_equals_the_books(window_size):
    """On the toy corpus and random corpora, dense and sparse equal the book's loop exactly."""
    toy, _, _ = load_toy_corpus()
    for corpus, vocab_size in [(toy, 7), *[(random_corpus(seed), 30) for seed in range(3)]]:
        expected = countbased.create_co_matrix(corpus, vocab_size, window_size)
        dense = fast.create_co_matrix(corpus, vocab_size, window_size)
        assert dense.dtype == expected.dtype == np.int32
        assert np.array_equal(dense, expected)
        C = fast.create_co_matrix(corpus, vocab_size, window_size, sparse=True)
        assert isinstance(C, sparse.csr_matrix) and C.has_canonical_format
        assert np.array_equal(C.toarray(), expected)
        assert C.nnz == np.count_nonzero(expected)  # no stored zeros


@pytest.mark.parametrize("window_size", [1, 2, 3])
def test_fast_ppmi_equals_the_books(window_size):
    """From the same counts, dense and sparse PPMI agree with the book's loop."""
    toy, _, _ = load_toy_corpus()
    for corpus, vocab_size in [(toy, 7), *[(random_corpus(seed), 30) for seed in range(3)]]:
        C = countbased.create_co_matrix(corpus, vocab_size, window_size)
        expected = countbased.ppmi(C)
        dense = fast.ppmi(C)
        assert dense.dtype == np.float32
        np.testing.assert_allclose(dense, expected, rtol=1e-6, atol=1e-6)
        W = fast.ppmi(sparse.csr_matrix(C))
        assert isinstance(W, sparse.csr_matrix) and W.dtype == np.float32
        np.testing.assert_allclose(W.toarray(), expected, rtol=1e-6, atol=1e-6)
        assert W.nnz == np.count_nonzero(expected) and np.all(W.data > 0)


def test_fast_path_equals_the_book_on_the_start_of_ptb(shared_data):
    """The first 1,000 words of PTB, window 2: the same counts and the same PPMI."""
    corpus, _, _ = load_data("train")
    _, ids = np.unique(corpus[:1000], return_inverse=True)  # words renumbered 0 … V - 1
    vocab_size = int(ids.max()) + 1
    C = countbased.create_co_matrix(ids, vocab_size, 2)
    assert np.array_equal(fast.create_co_matrix(ids, vocab_size, 2), C)
    assert np.array_equal(fast.create_co_matrix(ids, vocab_size, 2, sparse=True).toarray(), C)
    np.testing.assert_allclose(fast.ppmi(sparse.csr_matrix(C)).toarray(), countbased.ppmi(C),
                               rtol=1e-6, atol=1e-6)


def test_word_vectors_rank_neighbours_as_most_similar_does(capsys):
    """The fast most_similar (WordVectors) finds the book's neighbours and similarities."""
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(50)]
    matrix = rng.standard_normal((50, 8))  # no two similarities equal
    word_to_id, id_to_word = {w: i for i, w in enumerate(words)}, dict(enumerate(words))
    for query in ["w0", "w17"]:
        most_similar(query, word_to_id, id_to_word, matrix, top=5)
        printed = [line.split(": ") for line in capsys.readouterr().out.splitlines()[2:]]
        found = WordVectors(matrix, word_to_id, id_to_word).most_similar(query, top=5)
        assert [w for w, _ in found] == [w.strip() for w, _ in printed]
        assert [s for _, s in found] == pytest.approx([float(s) for _, s in printed], abs=1e-6)


# -- the fast path's options beyond the book ------------------------------------------------------


def test_co_matrix_rejects_a_window_of_zero():
    with pytest.raises(ValueError, match="window_size must be 1 or more"):
        fast.create_co_matrix(np.array([0, 1]), 2, window_size=0)


def test_distance_weights():
    """Uniform 1; linear (w - d + 1)/w, word2vec's dynamic window; harmonic 1/d, GloVe's."""
    assert distance_weights(3).tolist() == [1, 1, 1]
    assert distance_weights(3, "linear") == pytest.approx([1, 2 / 3, 1 / 3])
    assert distance_weights(3, "harmonic") == pytest.approx([1, 1 / 2, 1 / 3])
    assert distance_weights(1, "linear").tolist() == distance_weights(1, "harmonic").tolist() == [1]
    with pytest.raises(ValueError, match="weighting must be one of 'uniform', 'linear', "
                       "'harmonic', got 'dynamic'"):
        distance_weights(2, "dynamic")


def test_weighted_co_matrix_of_the_toy_corpus():
    """Window 2, weights 1 and 1/2: the neighbours at distance 2 count half."""
    corpus, _, _ = load_toy_corpus()
    at_distance_2 = TOY_C2 - TOY_C1
    for weighting in ["linear", "harmonic"]:  # (2 - d + 1)/2 and 1/d agree for a window of 2
        C = fast.create_co_matrix(corpus, 7, 2, weighting=weighting)
        assert C.dtype == np.float64
        assert np.array_equal(C, TOY_C1 + 0.5 * at_distance_2)
        assert C[1, 3] == 1.0  # 'say' has 'and' two places away, twice
        assert np.array_equal(fast.create_co_matrix(corpus, 7, 2, sparse=True,
                                                    weighting=weighting).toarray(), C)
    assert np.array_equal(fast.create_co_matrix(corpus, 7, 1, weighting="harmonic"), TOY_C1)


@pytest.mark.parametrize("weighting", ["linear", "harmonic"])
@pytest.mark.parametrize("window_size", [2, 3, 5])
def test_weighted_co_matrix_matches_a_weighted_loop(weighting, window_size):
    """Dense and sparse equal the book's loop with each neighbour adding its weight."""
    weights = distance_weights(window_size, weighting)
    for seed in range(2):
        corpus = random_corpus(seed)
        expected = weighted_loop(corpus, 30, window_size, weights)
        assert np.allclose(fast.create_co_matrix(corpus, 30, window_size, weighting=weighting),
                           expected, rtol=1e-12)
        C = fast.create_co_matrix(corpus, 30, window_size, sparse=True, weighting=weighting)
        assert C.has_canonical_format and C.nnz == np.count_nonzero(expected)
        assert np.allclose(C.toarray(), expected, rtol=1e-12)


def test_ppmi_drops_negative_pmi_and_empty_rows():
    """A pair seen less often than chance gets 0, and a word never seen gives no nan."""
    C = np.array([[0, 9, 1, 0], [9, 0, 9, 0], [1, 9, 0, 0], [0, 0, 0, 0]])
    W = fast.ppmi(C)
    assert np.all(np.isfinite(W)) and np.all(W >= 0)
    assert W[0, 2] == 0  # log2(1 * 38 / (10 * 10)) < 0
    assert W[3].sum() == 0
    assert np.array_equal(fast.ppmi(sparse.csr_matrix(C)).toarray(), W)


def test_ppmi_with_context_distribution_smoothing_by_hand():
    """cds 0.75: the context's S[j] / N becomes S[j]^0.75 / sum(S^0.75), rows unchanged."""
    S = TOY_C1.sum(axis=0)  # [1, 4, 2, 2, 2, 2, 1]
    Z = float(np.sum(S**0.75))  # about 11.56 instead of N = 14
    smoothed = fast.ppmi(TOY_C1, cds=0.75)
    you, say = 0, 1
    assert smoothed[you, say] == pytest.approx(math.log2(1 * Z / (1 * 4**0.75)), abs=1e-6)  # 2.03
    assert smoothed[say, you] == pytest.approx(math.log2(1 * Z / (4 * 1**0.75)), abs=1e-6)  # 1.53
    # a rare context ('you', seen once) gets a smaller PMI than without smoothing
    assert smoothed[say, you] < fast.ppmi(TOY_C1)[say, you] == pytest.approx(math.log2(3.5),
                                                                            abs=1e-6)
    expected = np.zeros((7, 7))
    i, j = np.nonzero(TOY_C1)
    expected[i, j] = np.maximum(0, np.log2(TOY_C1[i, j] * Z / (S[i] * S[j] ** 0.75)))
    assert smoothed == pytest.approx(expected, abs=1e-6)
    assert not np.allclose(smoothed, smoothed.T)  # words and contexts are no longer alike
    assert np.array_equal(fast.ppmi(sparse.csr_matrix(TOY_C1), cds=0.75).toarray(), smoothed)
    assert np.array_equal(fast.ppmi(TOY_C1, cds=1.0), fast.ppmi(TOY_C1))


def test_shifted_ppmi_by_hand():
    """shift k: max(0, PMI - log2 k); the toy's PMIs are log2 1.75, log2 3.5 and log2 7."""
    you, say, goodbye, hello, stop = 0, 1, 2, 5, 6
    M = fast.ppmi(TOY_C1, shift=2)  # every PMI lowered by 1
    assert M[say, goodbye] == 0  # log2 1.75 - 1 < 0
    assert M[you, say] == pytest.approx(math.log2(3.5) - 1, abs=1e-6)
    assert M[hello, stop] == pytest.approx(math.log2(7) - 1, abs=1e-6)
    assert np.count_nonzero(M) == 8 and np.count_nonzero(fast.ppmi(TOY_C1)) == 14
    M5 = fast.ppmi(TOY_C1, shift=5)  # only the pair seen 7 times as often as chance is left
    assert np.argwhere(M5).tolist() == [[hello, stop], [stop, hello]]
    assert M5[hello, stop] == pytest.approx(math.log2(7 / 5), abs=1e-6)
    W5 = fast.ppmi(sparse.csr_matrix(TOY_C1), shift=5)
    assert W5.nnz == 2 and np.array_equal(W5.toarray(), M5)  # the zeros are not stored
    with pytest.raises(ValueError, match="shift must be 1 or more"):
        fast.ppmi(TOY_C1, shift=0.5)


def test_svd_word_vectors_weigh_and_add_contexts():
    """eig p gives U S^p; add_contexts adds V S^p, which for a symmetric matrix doubles the
    dimensions of positive eigenvalues and cancels those of negative ones."""
    W = fast.ppmi(TOY_C2).astype(np.float64)  # 7 distinct singular values, 3 negative eigenvalues
    U, S, Vt = truncated_svd(W, 7, np.random.default_rng(0))
    assert np.allclose(svd_word_vectors(U, S, Vt, eig=0), U, atol=1e-6)
    assert np.allclose(svd_word_vectors(U, S, Vt), U * S, atol=1e-6)
    assert np.allclose(svd_word_vectors(U, S, Vt, eig=0.5), U * np.sqrt(S), atol=1e-6)
    assert svd_word_vectors(U, S, Vt).dtype == np.float32
    both = svd_word_vectors(U, S, Vt, eig=0.5, add_contexts=True)
    assert np.allclose(both, (U + Vt.T) * np.sqrt(S), atol=1e-6)
    eigenvalues = np.linalg.eigvalsh(W)
    signs = np.sign(np.sum(U * Vt.T, axis=0))  # V = U or -U, column by column
    assert sorted(S * signs) == pytest.approx(sorted(eigenvalues), abs=1e-9)
    assert sorted(signs) == [-1, -1, -1, 1, 1, 1, 1]
    for column, sign in enumerate(signs):
        expected = 2 * U[:, column] * np.sqrt(S[column]) if sign > 0 else 0
        assert np.allclose(both[:, column], expected, atol=1e-5)


def test_truncated_svd_of_a_sparse_matrix_is_exact_and_repeatable():
    """ARPACK's top 5 match LAPACK's, and every seed gives the same signed vectors."""
    rng = np.random.default_rng(0)
    A = sparse.random(60, 60, density=0.2, random_state=1, format="csr")
    A = A + A.T
    U, S, Vt = truncated_svd(A, 5, rng)
    U_full, S_full, Vt_full = np.linalg.svd(A.toarray())
    assert np.allclose(S, S_full[:5], rtol=1e-10)
    assert np.all(np.diff(S) <= 0)
    assert np.allclose((U * S) @ Vt, (U_full[:, :5] * S_full[:5]) @ Vt_full[:5], atol=1e-8)
    assert np.all(U[np.abs(U).argmax(axis=0), range(5)] > 0)  # signs fixed by svd_flip
    U2, _, _ = truncated_svd(A, 5, np.random.default_rng(99))
    assert np.allclose(U, U2, atol=1e-8)
    with pytest.raises(ValueError, match="k must be between 1 and 60"):
        truncated_svd(A, 61, rng)


def test_settings_name_their_options():
    """The defaults are the book's; options() are count_based_vectors' keyword arguments."""
    assert Settings() == BOOK_SETTINGS
    assert BOOK_SETTINGS.describe() == "window 2, U·S, 100 dims"
    assert TUNED_SETTINGS.describe() == "window 6 (harmonic), cds 0.75, U·S^0.5, 100 dims"
    assert Settings(eig=0, shift=5, add_contexts=True).describe() == (
        "window 2, shift 5, U + contexts, 100 dims")
    corpus, word_to_id, id_to_word = load_toy_corpus()
    rng = np.random.default_rng(0)
    default, _ = count_based_vectors(corpus, word_to_id, id_to_word, rng, wordvec_size=3)
    options = {**BOOK_SETTINGS.options(), "wordvec_size": 3}
    book, _ = count_based_vectors(corpus, word_to_id, id_to_word, rng, **options)
    assert np.array_equal(default.matrix, book.matrix)
    tuned, _ = count_based_vectors(corpus, word_to_id, id_to_word, rng,
                                   **{**TUNED_SETTINGS.options(), "wordvec_size": 3})
    assert tuned.matrix.shape == (7, 3) and not np.allclose(tuned.matrix, book.matrix)


def scored_ptb_run(seed: int = 0, **options):
    """The fast pipeline on PTB's training split, and the vectors' scores on both benchmarks."""
    corpus, word_to_id, id_to_word = load_data("train")
    vectors, _ = count_based_vectors(corpus, word_to_id, id_to_word,
                                     np.random.default_rng(seed), **options)
    return vectors, evaluate_analogy(vectors), evaluate_wordsim353(vectors)


def test_ptb_vectors_meet_the_quality_bar(shared_data):
    """At least the exact top-100 SVD's scores with U: analogy 4.7%, WordSim353 0.21."""
    vectors, analogy, wordsim = scored_ptb_run()
    assert vectors.matrix.shape == (10_000, 100) and vectors.matrix.dtype == np.float32
    assert analogy.accuracy >= 0.047, analogy.summary()
    assert wordsim.spearman >= 0.21, wordsim.summary()
    assert analogy.total == 19_544 and analogy.used == 4_716
    assert (wordsim.used, wordsim.total) == (237, 353)
    assert [w for w, _ in vectors.most_similar("toyota", top=5)][:2] == ["motor", "nissan"]
    assert "auto" in [w for w, _ in vectors.most_similar("car", top=5)]


@pytest.mark.slow
def test_tuned_ptb_vectors_beat_the_word2vec_anchors(shared_data):
    """Window 6 (1/d), cds 0.75, U·S^0.5: analogy >= 6.5% and WordSim353 >= 0.32, both above
    gensim's CBOW and skip-gram on PTB."""
    vectors, analogy, wordsim = scored_ptb_run(**TUNED_SETTINGS.options())
    assert vectors.matrix.shape == (10_000, 100) and vectors.matrix.dtype == np.float32
    assert analogy.accuracy >= 0.065, analogy.summary()
    assert wordsim.spearman >= 0.32, wordsim.summary()
    assert analogy.used == 4_716 and wordsim.used == 237
    for name, (accuracy, spearman) in examples.WORD2VEC_ON_PTB.items():
        assert analogy.accuracy > accuracy and wordsim.spearman > spearman, name
    assert {"honda", "nissan"} <= {w for w, _ in vectors.most_similar("toyota", top=5)}


@pytest.mark.slow
@pytest.mark.parametrize("settings", [BOOK_SETTINGS, TUNED_SETTINGS], ids=["book", "tuned"])
def test_ptb_scores_do_not_depend_on_the_seed(shared_data, settings):
    """The SVD is solved exactly, so another start vector gives the same vectors and scores."""
    v0, a0, w0 = scored_ptb_run(0, **settings.options())
    v1, a1, w1 = scored_ptb_run(1, **settings.options())
    assert [s.correct for s in a0.sections] == [s.correct for s in a1.sections]
    assert w0.spearman == pytest.approx(w1.spearman, abs=1e-9)
    assert np.allclose(v0.matrix, v1.matrix, atol=1e-4)


# -- examples ---------------------------------------------------------------------------------


CHAPTER_PAGES = Path(__file__).resolve().parents[1] / "chapters"


def assert_publishes_what_the_pages_cite(example_id: str, folder: Path) -> None:
    """Each ``{rindoku-value}`EXAMPLE:NAME``` of a chapter page names a value the run published."""
    cited = {name for page in CHAPTER_PAGES.glob("*.md")
             for name in re.findall(rf"\{{rindoku-value\}}`{re.escape(example_id)}:(\w+)`",
                                    page.read_text(encoding="utf-8"))}
    published, _ = published_values(folder)
    assert cited, f"no page cites a value of {example_id}"
    assert not cited - published.keys(), f"{example_id} does not publish {cited - published.keys()}"


def test_toy_example_prints_the_tables(tmp_path, capsys):
    """The tables have the words as headers; you and i are 0.7071 apart; one figure."""
    figures = run_example(examples.toy, 0, tmp_path)
    out = capsys.readouterr().out
    header = re.compile(r"^\s+you\s+say\s+goodbye\s+and\s+i\s+hello\s+\.$", re.MULTILINE)
    assert len(header.findall(out)) == 2
    assert re.search(r"^\s+say\s+1\s+0\s+1\s+0\s+1\s+1\s+0$", out, re.MULTILINE)
    assert re.search(r"^\s+hello\s+0\.00\s+0\.81\s+(0\.00\s+){4}2\.81$", out, re.MULTILINE)
    assert "cosine similarity of 'you' and 'i': 0.7071" in out
    assert "[query] you\n goodbye: 0.7071067691154799\n" in out
    assert [p.name for p in figures] == ["figure-1.png"]


def test_svd_toy_example_draws_the_words(tmp_path, capsys):
    """The SVD of the toy PPMI: singular values in equal pairs, the first two 51%; one figure."""
    figures = run_example(examples.svd_toy, 0, tmp_path)
    out = capsys.readouterr().out
    assert re.search(r"^singular values S: +\[3\.168 3\.168 2\.703 2\.703 1\.514 1\.514 0\. +\]$",
                     out, re.MULTILINE)
    assert "the first two carry 51% of the squared total" in out
    assert [p.name for p in figures] == ["figure-1.png"]


def test_ptb_example_saves_the_vectors(shared_data, tmp_path, capsys):
    """Stage lines, four neighbour lists, both scores, the .npz in its own folder, two figures."""
    figures = run_example(examples.ptb, 0, tmp_path)
    out = capsys.readouterr().out
    for stage in ["load PTB", "co-occurrence", "PPMI", "SVD", "total", "evaluation"]:
        assert re.search(rf"^{stage}\s+\d+\.\d\d s", out, re.MULTILINE), stage
    for query in ["you", "year", "car", "toyota"]:
        assert re.search(rf"^  {query} +\S+ \d\.\d\d, ", out, re.MULTILINE), query
    assert re.search(r"analogy: \d+\.\d\d% \(\d+/4716\), semantic .* coverage 24\.1%", out)
    assert "WordSim353: Spearman 0.2" in out
    assert "to countbased-ptb.npz\n" in out
    loaded = WordVectors.load(tmp_path / "countbased-ptb.npz")
    assert loaded.matrix.shape == (10_000, 100)
    assert loaded.words[:3] == ["aer", "banknote", "berlitz"]
    assert [p.name for p in figures] == ["figure-1.png", "figure-2.png"]
    assert_publishes_what_the_pages_cite("countbased.ptb", tmp_path)


def test_ptb_tuned_example_prints_what_the_ptb_example_does(shared_data, tmp_path, capsys):
    """The settings, stage lines, neighbours, both scores, its own .npz, two figures."""
    figures = run_example(examples.ptb_tuned, 0, tmp_path)
    out = capsys.readouterr().out
    assert out.startswith("settings: window 6 (harmonic), cds 0.75, U·S^0.5, 100 dims\n")
    for stage in ["load PTB", "co-occurrence", "PPMI", "SVD", "total", "evaluation"]:
        assert re.search(rf"^{stage}\s+\d+\.\d\d s", out, re.MULTILINE), stage
    assert "window 6 (harmonic weights)" in out and "positive cells, cds 0.75" in out
    for query in ["you", "year", "car", "toyota"]:
        assert re.search(rf"^  {query} +\S+ \d\.\d\d, ", out, re.MULTILINE), query
    analogy = re.search(r"analogy: (\d+\.\d\d)% \(\d+/4716\), semantic .* coverage 24\.1%",
                        out)
    wordsim = re.search(r"WordSim353: Spearman (0\.\d{3}); coverage 67\.1%", out)
    assert float(analogy[1]) >= 6.5 and float(wordsim[1]) >= 0.32
    assert "to countbased-ptb-tuned.npz\n" in out
    assert WordVectors.load(tmp_path / "countbased-ptb-tuned.npz").matrix.shape == (10_000, 100)
    assert [p.name for p in figures] == ["figure-1.png", "figure-2.png"]
    assert_publishes_what_the_pages_cite("countbased.ptb-tuned", tmp_path)


@pytest.mark.slow
def test_settings_example_tabulates_every_option(shared_data, tmp_path, capsys):
    """One row per setting; the book's row is countbased.ptb's scores, the tuned one meets
    the bar; it publishes the numbers it prints, and the page cites them."""
    figures = run_example(examples.settings, 0, tmp_path)
    out = capsys.readouterr().out
    printed = re.findall(r"^(.+?)\s+(\d+\.\d\d)%\s+(\d+\.\d\d)%\s+(\d+\.\d\d)%\s+"
                         r"(0\.\d{4})\s+\d+\.\d\d s$", out, re.MULTILINE)
    rows = {label: tuple(numbers) for label, *numbers in printed}
    assert len(rows) == 17
    assert rows["the book's: window 2, U·S"] == ("6.70", "6.58", "6.73", "0.2275")
    analogy, *_, wordsim = rows["tuned: window 6, 1/d, cds, U·S^0.5"]
    assert float(analogy) >= 6.5 and float(wordsim) >= 0.32
    for label in ["vectors U (eig 0)", "+ context vectors (W + C)", "+ shifted PPMI (k = 5)",
                  "+ cds 0.75", "window 6", "window 6, (w - d + 1)/w (word2vec)",
                  "window 6, 1/d (GloVe)", "tuned + context vectors (W + C)"]:
        assert label in rows, label
    assert "gensim skip-gram" in out
    assert [p.name for p in figures] == ["figure-1.png"]

    published, _ = published_values(tmp_path)
    for label, key in [("the book's: window 2, U·S", "book"),
                       ("tuned: window 6, 1/d, cds, U·S^0.5", "tuned")]:
        printed_scores = [f"{number}%" for number in rows[label][:3]]
        assert [published[f"{key}_{name}"] for name in ("analogy", "semantic", "syntactic")] \
            == printed_scores, key
    assert_publishes_what_the_pages_cite("countbased.settings", tmp_path)


# -- exercises ------------------------------------------------------------------------------


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda exercise: exercise.id)
def test_exercise_metadata(exercise):
    assert exercise.id in {"countbased.co-matrix", "countbased.ppmi"}
    assert Path(exercise.solution_file).is_file()
    assert 2 <= len(exercise.hints) <= 3


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda exercise: exercise.id)
def test_check_names_a_missing_function(exercise):
    with pytest.raises(CheckFailed, match=r"your file defines no function (create_co_matrix|ppmi)"):
        exercise.check(attempt_from("import numpy as np\n"))


def test_co_matrix_check_names_the_first_wrong_cell():
    """Counting only rightward neighbours fails on (say, you), with both values and why."""
    module = with_mistake(CO_MATRIX, "        np.add.at(co_matrix, (right, left), 1)", "")
    with pytest.raises(
        CheckFailed,
        match=r"(?s)window_size=1\) is wrong\.\n  first wrong cell: row 'say', column 'you' "
        r"\(C\[1, 0\]\): expected 1, got 0\n  you count only the words to the right",
    ):
        CO_MATRIX.check(module)


def test_co_matrix_check_spots_an_ignored_window():
    module = with_mistake(CO_MATRIX, "range(1, window_size + 1)", "range(1, 2)")
    with pytest.raises(CheckFailed, match=r"(?s)window_size=2\) is wrong.*row 'you', column "
                       r"'goodbye'.*expected 1, got 0.*the one for window_size=1"):
        CO_MATRIX.check(module)


def test_co_matrix_check_spots_lost_repeats():
    """Fancy-index += counts a repeated pair once: caught on the random corpus."""
    source = CO_MATRIX.solution
    for pair in ["left, right", "right, left"]:
        assert f"np.add.at(co_matrix, ({pair}), 1)" in source
        source = source.replace(f"np.add.at(co_matrix, ({pair}), 1)", f"co_matrix[{pair}] += 1")
    module = attempt_from(source)
    with pytest.raises(CheckFailed, match=r"(?s)random corpus.*row 'w\d', column 'w\d'.*"
                       r"expected \d+, got \d+.*counted once"):
        CO_MATRIX.check(module)


def test_co_matrix_check_forbids_changing_the_corpus():
    module = with_mistake(CO_MATRIX, "corpus = np.asarray(corpus)",
                          "corpus = np.asarray(corpus)\n    corpus.sort()")
    with pytest.raises(CheckFailed, match="changed the corpus it was given"):
        CO_MATRIX.check(module)


def test_co_matrix_check_asks_for_a_return():
    module = with_mistake(CO_MATRIX, "    return co_matrix", "")
    with pytest.raises(CheckFailed, match=r"window_size=1\) returned None: end it with a return"):
        CO_MATRIX.check(module)


def test_ppmi_check_requires_the_positive_part():
    module = with_mistake(PPMI, "M = np.maximum(0, pmi)", "M = (pmi)")
    with pytest.raises(CheckFailed, match=r"(?s)row 'you', column 'you' \(M\[0, 0\]\): "
                       r"expected 0\.0000, got -26\.5754\n  PPMI is never negative"):
        PPMI.check(module)


def test_ppmi_check_shows_the_worked_cell():
    """A wrong denominator is reported with C, N and both S values of the cell."""
    module = with_mistake(PPMI, "np.outer(S, S)", "(S * S)")
    with pytest.raises(CheckFailed, match=re.escape(
            "row 'you', column 'say' (M[0, 1]): expected 1.8074, got 0.0000\n"
            "  here C[i, j] = 1, N = 14, S[i] = 1, S[j] = 4, so PMI = log2(1 * 14 / (1 * 4)) "
            "= 1.8074")):
        PPMI.check(module)


def test_ppmi_check_catches_a_wrong_shape():
    module = with_mistake(PPMI, "return M", "return M[:, :-1]")
    with pytest.raises(CheckFailed, match=r"returned an array of shape \(7, 6\); "
                       r"expected \(7, 7\)"):
        PPMI.check(module)


# -- the plugin ------------------------------------------------------------------------------


def test_the_chapter_registers_its_examples_exercises_and_data():
    registry = load_registry()
    chapter = registry.chapter("countbased")
    assert (chapter.number, chapter.title, chapter.title_ja) == (
        4, "Count-based word vectors", "カウントベースの手法")
    assert chapter.page.is_file()
    assert chapter.terms["co-occurrence matrix"] == "共起行列"
    for name in ["countbased.toy", "countbased.svd-toy", "countbased.ptb",
                 "countbased.ptb-tuned"]:
        assert registry.example(name).size == "quick"
    assert registry.example("countbased.settings").size == "long"
    assert registry.exercise("countbased.co-matrix") is CO_MATRIX
    assert registry.exercise("countbased.ppmi") is PPMI
    assert registry.datasets["ptb"].value.load is load_data
    assert registry.datasets["toy-corpus"].value.load()[0].tolist() == [0, 1, 2, 3, 4, 1, 5, 6]
    assert not [p for p in registry.problems if p.plugin == "countbased"]
    others = [c.value for c in registry.chapters.values() if c.value.slug != "countbased"]
    assert not set(chapter.terms) & {t for c in others for t in c.terms}
