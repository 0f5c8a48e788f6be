"""Tests of the count-based chapter, the PTB loader and the shared word-vector tools."""

from __future__ import annotations

import math
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from scipy import sparse

from rindoku import CheckFailed
from rindoku.data import DataError
from rindoku.examples import run_example
from rindoku.registry import load_registry
from rindoku.testing import attempt_from, with_mistake
from rindoku_countbased import examples
from rindoku_countbased.countbased import (
    BOOK_SETTINGS,
    TUNED_SETTINGS,
    Settings,
    cos_similarity,
    count_based_vectors,
    create_co_matrix,
    distance_weights,
    most_similar,
    ppmi,
    preprocess,
    svd_word_vectors,
    truncated_svd,
)
from rindoku_countbased.datasets import TOY_TEXT, load_toy_corpus
from rindoku_countbased.exercises import CO_MATRIX, EXERCISES, PPMI
from rindoku_text.ptb import EOS, load_data
from rindoku_text.wordvectors import (
    UnknownWordError,
    WordVectors,
    evaluate_analogy,
    evaluate_wordsim353,
    load_analogy_questions,
    load_wordsim353,
    print_queries,
)

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
"""The standard data files, laid out like the cache, beside the checkout."""

TOY_WORDS = ["you", "say", "goodbye", "and", "i", "hello", "."]

WORD2VEC_ON_PTB = {"gensim CBOW": (0.038, 0.22), "gensim skip-gram": (0.040, 0.27)}
"""word2vec on the PTB training split, scored like the count-based vectors: (analogy, WS353)."""

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


def book_co_matrix(corpus, vocab_size, window_size, weights=None):
    """The book's loop over every position of the corpus, as the reference.

    ``weights[d - 1]``, if given, is what a neighbour at distance d adds (the book: 1).
    """
    C = np.zeros((vocab_size, vocab_size), dtype=np.int32 if weights is None else np.float64)
    for idx, word_id in enumerate(corpus):
        for i in range(1, window_size + 1):
            weight = 1 if weights is None else weights[i - 1]
            if idx - i >= 0:
                C[word_id, corpus[idx - i]] += weight
            if idx + i < len(corpus):
                C[word_id, corpus[idx + i]] += weight
    return C


def random_corpus(seed: int, vocab_size: int = 30, length: int = 400) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, vocab_size, length).astype(np.int32)


# -- preprocessing and the co-occurrence matrix -------------------------------------------


def test_preprocess_the_toy_sentence():
    """Lower-cased, '.' a word of its own, ids in order of first appearance."""
    corpus, word_to_id, id_to_word = preprocess(TOY_TEXT)
    assert corpus.tolist() == [0, 1, 2, 3, 4, 1, 5, 6]
    assert corpus.dtype == np.int32
    assert list(word_to_id) == TOY_WORDS
    assert id_to_word == dict(enumerate(TOY_WORDS))
    assert load_toy_corpus()[0].tolist() == corpus.tolist()


def test_co_matrix_of_the_toy_corpus_is_the_books():
    """Window 1 gives the book's 7 x 7 matrix, window 2 the one counted by hand."""
    corpus, word_to_id, _ = load_toy_corpus()
    C = create_co_matrix(corpus, len(word_to_id))
    assert isinstance(C, np.ndarray) and C.dtype == np.int32
    assert np.array_equal(C, TOY_C1)
    assert np.array_equal(create_co_matrix(corpus, 7, window_size=2), TOY_C2)
    assert np.array_equal(TOY_C2, TOY_C2.T)


@pytest.mark.parametrize("window_size", [1, 2, 3, 5])
def test_co_matrix_matches_the_books_loop(window_size):
    """On random corpora, dense and sparse both equal the book's loop."""
    for seed in range(3):
        corpus = random_corpus(seed)
        expected = book_co_matrix(corpus, 30, window_size)
        assert np.array_equal(create_co_matrix(corpus, 30, window_size), expected)
        C = create_co_matrix(corpus, 30, window_size, sparse=True)
        assert isinstance(C, sparse.csr_matrix) and C.has_canonical_format
        assert np.array_equal(C.toarray(), expected)
        assert C.nnz == np.count_nonzero(expected)  # no stored zeros


def test_sparse_co_matrix_of_the_toy_corpus():
    """The sparse matrix holds the same counts, and only the non-zero ones."""
    corpus, _, _ = load_toy_corpus()
    for window_size, expected in [(1, TOY_C1), (2, TOY_C2)]:
        C = create_co_matrix(corpus, 7, window_size, sparse=True)
        assert np.array_equal(C.toarray(), expected)
        assert C.nnz == np.count_nonzero(expected)


def test_co_matrix_rejects_a_window_of_zero():
    with pytest.raises(ValueError, match="window_size must be 1 or more"):
        create_co_matrix(np.array([0, 1]), 2, window_size=0)


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
        C = create_co_matrix(corpus, 7, 2, weighting=weighting)
        assert C.dtype == np.float64
        assert np.array_equal(C, TOY_C1 + 0.5 * at_distance_2)
        assert C[1, 3] == 1.0  # 'say' has 'and' two places away, twice
        assert np.array_equal(create_co_matrix(corpus, 7, 2, sparse=True,
                                               weighting=weighting).toarray(), C)
    assert np.array_equal(create_co_matrix(corpus, 7, 1, weighting="harmonic"), TOY_C1)


@pytest.mark.parametrize("weighting", ["linear", "harmonic"])
@pytest.mark.parametrize("window_size", [2, 3, 5])
def test_weighted_co_matrix_matches_a_weighted_loop(weighting, window_size):
    """Dense and sparse equal the book's loop with each neighbour adding its weight."""
    weights = distance_weights(window_size, weighting)
    for seed in range(2):
        corpus = random_corpus(seed)
        expected = book_co_matrix(corpus, 30, window_size, weights)
        assert np.allclose(create_co_matrix(corpus, 30, window_size, weighting=weighting),
                           expected, rtol=1e-12)
        C = create_co_matrix(corpus, 30, window_size, sparse=True, weighting=weighting)
        assert C.has_canonical_format and C.nnz == np.count_nonzero(expected)
        assert np.allclose(C.toarray(), expected, rtol=1e-12)


# -- PPMI -----------------------------------------------------------------------------------


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


def test_ppmi_drops_negative_pmi_and_empty_rows():
    """A pair seen less often than chance gets 0, and a word never seen gives no nan."""
    C = np.array([[0, 9, 1, 0], [9, 0, 9, 0], [1, 9, 0, 0], [0, 0, 0, 0]])
    W = ppmi(C)
    assert np.all(np.isfinite(W)) and np.all(W >= 0)
    assert W[0, 2] == 0  # log2(1 * 38 / (10 * 10)) < 0
    assert W[3].sum() == 0
    assert np.array_equal(ppmi(sparse.csr_matrix(C)).toarray(), W)


@pytest.mark.parametrize("window_size", [1, 2, 3])
def test_sparse_ppmi_equals_dense(window_size):
    """Sparse PPMI equals dense PPMI and stores only the positive cells."""
    for seed in range(3):
        corpus = random_corpus(seed)
        dense = ppmi(create_co_matrix(corpus, 30, window_size))
        C = create_co_matrix(corpus, 30, window_size, sparse=True)
        W = ppmi(C)
        assert isinstance(W, sparse.csr_matrix) and W.dtype == np.float32
        assert np.array_equal(W.toarray(), dense)
        assert W.nnz == np.count_nonzero(dense) <= C.nnz
        assert np.all(W.data > 0)


def test_ppmi_with_context_distribution_smoothing_by_hand():
    """cds 0.75: the context's S[j] / N becomes S[j]^0.75 / sum(S^0.75), rows unchanged."""
    S = TOY_C1.sum(axis=0)  # [1, 4, 2, 2, 2, 2, 1]
    Z = float(np.sum(S**0.75))  # about 11.56 instead of N = 14
    smoothed = ppmi(TOY_C1, cds=0.75)
    you, say = 0, 1
    assert smoothed[you, say] == pytest.approx(math.log2(1 * Z / (1 * 4**0.75)), abs=1e-6)  # 2.03
    assert smoothed[say, you] == pytest.approx(math.log2(1 * Z / (4 * 1**0.75)), abs=1e-6)  # 1.53
    # a rare context ('you', seen once) gets a smaller PMI than without smoothing
    assert smoothed[say, you] < ppmi(TOY_C1)[say, you] == pytest.approx(math.log2(3.5), abs=1e-6)
    expected = np.zeros((7, 7))
    i, j = np.nonzero(TOY_C1)
    expected[i, j] = np.maximum(0, np.log2(TOY_C1[i, j] * Z / (S[i] * S[j] ** 0.75)))
    assert smoothed == pytest.approx(expected, abs=1e-6)
    assert not np.allclose(smoothed, smoothed.T)  # words and contexts are no longer alike
    assert np.array_equal(ppmi(sparse.csr_matrix(TOY_C1), cds=0.75).toarray(), smoothed)
    assert np.array_equal(ppmi(TOY_C1, cds=1.0), ppmi(TOY_C1))


def test_shifted_ppmi_by_hand():
    """shift k: max(0, PMI - log2 k); the toy's PMIs are log2 1.75, log2 3.5 and log2 7."""
    you, say, goodbye, hello, stop = 0, 1, 2, 5, 6
    M = ppmi(TOY_C1, shift=2)  # every PMI lowered by 1
    assert M[say, goodbye] == 0  # log2 1.75 - 1 < 0
    assert M[you, say] == pytest.approx(math.log2(3.5) - 1, abs=1e-6)
    assert M[hello, stop] == pytest.approx(math.log2(7) - 1, abs=1e-6)
    assert np.count_nonzero(M) == 8 and np.count_nonzero(ppmi(TOY_C1)) == 14
    M5 = ppmi(TOY_C1, shift=5)  # only the pair seen 7 times as often as chance is left
    assert np.argwhere(M5).tolist() == [[hello, stop], [stop, hello]]
    assert M5[hello, stop] == pytest.approx(math.log2(7 / 5), abs=1e-6)
    W5 = ppmi(sparse.csr_matrix(TOY_C1), shift=5)
    assert W5.nnz == 2 and np.array_equal(W5.toarray(), M5)  # the zeros are not stored
    with pytest.raises(ValueError, match="shift must be 1 or more"):
        ppmi(TOY_C1, shift=0.5)


def test_svd_word_vectors_weigh_and_add_contexts():
    """eig p gives U S^p; add_contexts adds V S^p, which for a symmetric matrix doubles the
    dimensions of positive eigenvalues and cancels those of negative ones."""
    W = ppmi(TOY_C2).astype(np.float64)  # 7 distinct singular values, 3 negative eigenvalues
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


# -- similarity -----------------------------------------------------------------------------


def test_cos_similarity():
    """x.y / (|x| |y|): 1/sqrt(2) for you and i; 0 for a zero vector, not nan."""
    you, i = TOY_C1[0], TOY_C1[4]
    assert cos_similarity(you, i) == pytest.approx(1 / math.sqrt(2), abs=1e-7)
    assert cos_similarity(np.array([3.0, 4.0]), np.array([6.0, 8.0])) == pytest.approx(1.0)
    assert cos_similarity(np.array([1.0, 0.0]), np.array([0.0, 2.0])) == 0.0
    assert cos_similarity(np.zeros(3), np.ones(3)) == 0.0


def test_most_similar_prints_like_the_book(capsys):
    """The three words at 0.7071 from 'you' come first; the query is left out."""
    corpus, word_to_id, id_to_word = load_toy_corpus()
    found = most_similar("you", word_to_id, id_to_word, TOY_C1, top=5)
    out = capsys.readouterr().out
    assert "[query] you" in out
    assert {w for w, _ in found[:3]} == {"goodbye", "i", "hello"}
    assert [s for _, s in found[:3]] == pytest.approx([1 / math.sqrt(2)] * 3, abs=1e-6)
    assert found[3][1] == pytest.approx(0.0, abs=1e-7) and len(found) == 5
    assert "you" not in [w for w, _ in found]
    assert re.search(r"^ goodbye: 0\.7071$", out, re.MULTILINE)
    assert most_similar("tokyo", word_to_id, id_to_word, TOY_C1) == []
    assert "tokyo is not found" in capsys.readouterr().out


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


# -- WordVectors, on vectors whose answers are known ------------------------------------------


def toy_vectors() -> WordVectors:
    """Words built from orthogonal features, so that analogies come out exactly."""
    features = ["adult", "young", "royal", "male", "female", "plural", "cat", "dog"]
    recipes = {
        "man": "adult male", "woman": "adult female", "king": "royal male",
        "queen": "royal female", "boy": "young male", "girl": "young female",
        "cat": "cat", "cats": "cat plural", "dog": "dog", "dogs": "dog plural",
    }
    matrix = np.array([[1.0 if f in recipe.split() else 0.0 for f in features]
                       for recipe in recipes.values()])
    return WordVectors.from_words(matrix * np.arange(1, 11)[:, np.newaxis], list(recipes))


def test_word_vectors_most_similar_and_analogy():
    """Neighbours by cosine; analogy(a, b, c) answers b - a + c without the query words."""
    vectors = toy_vectors()
    nearest = vectors.most_similar("king", top=3)  # each shares one feature with king
    assert {w for w, _ in nearest} == {"queen", "man", "boy"}
    assert [s for _, s in nearest] == pytest.approx([0.5] * 3)
    assert "king" not in [w for w, _ in vectors.most_similar("king", top=9)]
    assert len(vectors.most_similar("king", top=50)) == 9
    assert vectors.analogy("man", "king", "woman")[0] == ("queen", pytest.approx(1.0))
    assert vectors.analogy("man", "woman", "boy")[0][0] == "girl"
    assert vectors.analogy("cat", "cats", "dog", top=1)[0][0] == "dogs"
    assert vectors.similarity("cat", "cats") == pytest.approx(1 / math.sqrt(2))
    assert np.allclose(np.linalg.norm(vectors.normalized, axis=1), 1.0)
    assert "king" in vectors and "prince" not in vectors and len(vectors) == 10
    with pytest.raises(UnknownWordError, match="'prince' is not in the vocabulary of 10 words"):
        vectors.analogy("man", "prince", "woman")
    with pytest.raises(UnknownWordError, match="lower-case only"):
        vectors.most_similar("King")


def test_print_queries_shows_neighbours_and_analogies_and_names_unknown_words(capsys):
    """Each query's neighbours with similarities; an unknown word is named, the rest go on."""
    print_queries(toy_vectors(), ["king", "toyota"], [("man", "king", "woman"),
                                                      ("man", "prince", "woman")], top=2)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[0] == "king" and "0.50" in lines[0]
    assert lines[1] == "  toyota   (not in the vocabulary)"
    assert lines[3].startswith("  man:king = woman:?  queen 1.00, ")
    assert lines[4] == "  man:prince = woman:?  (prince not in the vocabulary)"


def test_word_vectors_check_their_vocabulary():
    with pytest.raises(ValueError, match="3 rows but the vocabulary 2 words"):
        WordVectors(np.zeros((3, 2)), {"a": 0, "b": 1}, {0: "a", 1: "b"})
    with pytest.raises(ValueError, match="disagree"):
        WordVectors(np.zeros((2, 2)), {"a": 1, "b": 0}, {0: "a", 1: "b"})
    with pytest.raises(ValueError, match="every id from 0 to 1"):
        WordVectors(np.zeros((2, 2)), {"a": 0, "b": 2}, {0: "a", 2: "b"})


def test_word_vectors_save_and_load_round_trip(tmp_path):
    """One .npz with 'vectors' and a unicode 'words' array; it loads without pickle."""
    vectors = WordVectors.from_words(np.arange(12, dtype=np.float32).reshape(4, 3),
                                     ["the", "<eos>", "naïve", "N"])
    path = vectors.save(tmp_path / "out" / "vectors")
    assert path == tmp_path / "out" / "vectors.npz"
    with np.load(path, allow_pickle=False) as data:
        assert sorted(data.files) == ["vectors", "words"]
        assert data["words"].dtype.kind == "U"
    loaded = WordVectors.load(path)
    assert np.array_equal(loaded.matrix, vectors.matrix) and loaded.matrix.dtype == np.float32
    assert loaded.word_to_id == vectors.word_to_id and loaded.id_to_word == vectors.id_to_word
    assert [p.name for p in path.parent.iterdir()] == ["vectors.npz"]  # no temporary left
    np.savez(tmp_path / "other.npz", W=np.zeros(2))
    with pytest.raises(ValueError, match="not a word-vector file: it lacks vectors, words"):
        WordVectors.load(tmp_path / "other.npz")


QUESTIONS = """\
: capital-like
man king woman queen
man woman boy girl
king queen man woman
: family-like
man king woman girl
man king prince princess
: third
boy girl man woman
: fourth
woman man girl boy
: fifth
king man queen woman
: gram-plural
cat cats dog dogs
cat dog cats dogs
"""


@pytest.mark.parametrize("batch_size", [1, 2, 1024])
def test_evaluate_analogy_on_known_answers(tmp_path, batch_size):
    """Right and wrong answers are counted per section; unknown words are left out."""
    path = tmp_path / "questions.txt"
    path.write_text(QUESTIONS.upper())  # the questions are lower-cased
    report = evaluate_analogy(toy_vectors(), path, batch_size=batch_size)
    names = [s.name for s in report.sections]
    assert names == ["CAPITAL-LIKE", "FAMILY-LIKE", "THIRD", "FOURTH", "FIFTH", "GRAM-PLURAL"]
    assert [(s.correct, s.used, s.total) for s in report.sections] == [
        (3, 3, 3), (0, 1, 2), (1, 1, 1), (1, 1, 1), (1, 1, 1), (2, 2, 2)]
    assert (report.correct, report.used, report.total) == (8, 9, 10)
    assert report.accuracy == pytest.approx(8 / 9)
    assert report.semantic_accuracy == pytest.approx(6 / 7)
    assert report.syntactic_accuracy == 1.0
    assert report.coverage == pytest.approx(0.9)
    assert "semantic 85.71%, syntactic 100.00%; coverage 90.0% (9 of 10" in report.summary()
    table = str(report)
    assert re.search(r"FAMILY-LIKE\s+0\s+1\s+2\s+0\.0%", table)
    assert re.search(r"^all\s+8\s+9\s+10\s+88\.9%", table, re.MULTILINE)


def test_evaluate_wordsim353_on_known_scores(tmp_path):
    """Spearman over the known pairs only: here the model ranks them as people do."""
    path = tmp_path / "wordsim.tsv"
    path.write_text("# a comment\nking\tqueen\t8.5\nking\tcat\t0.5\nCat\tcats\t9.0\n"
                    "man\tprince\t5.0\ndog\tdog\t10.0\n")
    report = evaluate_wordsim353(toy_vectors(), path)
    assert (report.used, report.total) == (4, 5) and report.coverage == pytest.approx(0.8)
    assert report.spearman == pytest.approx(1.0)
    assert str(report) == "WordSim353: Spearman 1.000; coverage 80.0% (4 of 5 pairs)"


# -- the real data: PTB and the benchmark files --------------------------------------------------


def scored_ptb_runs(data: Path, **options) -> dict:
    """The full pipeline on PTB for seeds 0 and 1 with ``options``, and each run's scores."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("RINDOKU_DATA", str(data))
        corpus, word_to_id, id_to_word = load_data("train")
        runs = {}
        for seed in (0, 1):
            vectors, _ = count_based_vectors(corpus, word_to_id, id_to_word,
                                             np.random.default_rng(seed), **options)
            runs[seed] = (vectors, evaluate_analogy(vectors), evaluate_wordsim353(vectors))
    return runs


@pytest.fixture(scope="module")
def ptb_runs(shared_data_dir):
    """The book's settings on PTB, seeds 0 and 1."""
    return scored_ptb_runs(shared_data_dir)


@pytest.fixture(scope="module")
def ptb_tuned_runs(shared_data_dir):
    """TUNED_SETTINGS on PTB, seeds 0 and 1."""
    return scored_ptb_runs(shared_data_dir, **TUNED_SETTINGS.options())


def test_ptb_train_split(shared_data):
    """929,589 words and '<eos>' per sentence, 10,000 distinct, ids by first appearance."""
    corpus, word_to_id, id_to_word = load_data("train")
    assert corpus.dtype == np.int32 and len(corpus) == 929_589
    assert len(word_to_id) == len(id_to_word) == 10_000
    assert all(word_to_id[w] == i for i, w in id_to_word.items())
    assert np.array_equal(np.unique(corpus), np.arange(10_000))
    assert corpus[:3].tolist() == [0, 1, 2]  # the first words are the first ids
    first_line = (shared_data / "ptb" / "ptb.train.txt").read_text().splitlines()[0].split()
    assert [id_to_word[int(i)] for i in corpus[:len(first_line) + 1]] == first_line + [EOS]
    assert np.sum(corpus == word_to_id[EOS]) == 42_068  # one per line
    assert "<unk>" in word_to_id and "N" in word_to_id


def test_ptb_valid_and_test_use_the_train_vocabulary(shared_data):
    _, train_vocab, train_words = load_data("train")
    for split, length, lines in [("valid", 73_760, 3_370), ("test", 82_430, 3_761)]:
        corpus, word_to_id, id_to_word = load_data(split)
        assert word_to_id == train_vocab and id_to_word == train_words
        assert len(corpus) == length and np.sum(corpus == word_to_id[EOS]) == lines
    assert np.array_equal(load_data("val")[0], load_data("valid")[0])  # the book's name
    with pytest.raises(ValueError, match="not 'dev'"):
        load_data("dev")


def test_a_missing_ptb_file_offline_names_both_ways(tmp_path, monkeypatch):
    """Nothing in RINDOKU_DATA or the cache and no downloading: say how to provide it."""
    monkeypatch.setenv("RINDOKU_DATA", str(tmp_path / "empty"))
    (tmp_path / "empty").mkdir()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    with pytest.raises(DataError) as info:
        load_data("test", download=False)
    message = str(info.value)
    assert "ptb/ptb.train.txt is not here and downloading is off" in message
    assert "connect to the internet and run again" in message
    assert "set RINDOKU_DATA to a directory that holds ptb/ptb.train.txt" in message
    assert "https://raw.githubusercontent.com/tomsercu/lstm/master/data/ptb.train.txt" in message


def test_a_corrupt_ptb_file_is_refused(tmp_path, monkeypatch):
    """A damaged ptb.train.txt in RINDOKU_DATA is a DataError that names its wrong checksum."""
    damaged = tmp_path / "data" / "ptb" / "ptb.train.txt"
    damaged.parent.mkdir(parents=True)
    original = SHARED_DATA / "ptb" / "ptb.train.txt"
    if original.is_file():  # a copy that lost its last line, as an interrupted copy would
        shutil.copyfile(original, damaged)
        text = damaged.read_bytes()
        damaged.write_bytes(text[:text.rstrip(b"\n").rfind(b"\n") + 1])
    else:
        damaged.write_text(" no it was n't black monday \n")
    monkeypatch.setenv("RINDOKU_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    with pytest.raises(DataError, match=re.escape(str(damaged)) + r" has the wrong checksum "
                       r"\(sha256 [0-9a-f]{64}, expected fcea919f6cf8[0-9a-f]{52}\): it is "
                       r"damaged or a different version; delete it and run again"):
        load_data("train", download=False)


def test_the_benchmark_files(shared_data):
    """19,544 questions in 14 sections (5 semantic first); 353 WordSim pairs."""
    sections = load_analogy_questions()
    assert len(sections) == 14 and sum(len(q) for _, q in sections) == 19_544
    assert [name for name, _ in sections[:5]] == [
        "capital-common-countries", "capital-world", "currency", "city-in-state", "family"]
    assert all(name.startswith("gram") for name, _ in sections[5:])
    assert sections[0][1][0] == ["athens", "greece", "baghdad", "iraq"]
    pairs = load_wordsim353()
    assert len(pairs) == 353 and pairs[0] == ("love", "sex", 6.77)


def test_ptb_vectors_meet_the_quality_bar(ptb_runs):
    """At least the exact top-100 SVD's scores with U: analogy 4.7%, WordSim353 0.21."""
    vectors, analogy, wordsim = ptb_runs[0]
    assert vectors.matrix.shape == (10_000, 100) and vectors.matrix.dtype == np.float32
    assert analogy.accuracy >= 0.047, analogy.summary()
    assert wordsim.spearman >= 0.21, wordsim.summary()
    assert analogy.total == 19_544 and analogy.used == 4_716
    assert (wordsim.used, wordsim.total) == (237, 353)
    assert [w for w, _ in vectors.most_similar("toyota", top=5)][:2] == ["motor", "nissan"]
    assert "auto" in [w for w, _ in vectors.most_similar("car", top=5)]


def test_ptb_scores_do_not_depend_on_the_seed(ptb_runs):
    """The SVD is solved exactly, so another start vector gives the same vectors and scores."""
    (v0, a0, w0), (v1, a1, w1) = ptb_runs[0], ptb_runs[1]
    assert [s.correct for s in a0.sections] == [s.correct for s in a1.sections]
    assert w0.spearman == pytest.approx(w1.spearman, abs=1e-9)
    assert np.allclose(v0.matrix, v1.matrix, atol=1e-4)


def test_tuned_ptb_vectors_beat_the_word2vec_anchors(ptb_tuned_runs):
    """Window 6 (1/d), cds 0.75, U·S^0.5: analogy >= 6.5% and WordSim353 >= 0.32, both above
    gensim's CBOW and skip-gram on PTB."""
    vectors, analogy, wordsim = ptb_tuned_runs[0]
    assert vectors.matrix.shape == (10_000, 100) and vectors.matrix.dtype == np.float32
    assert analogy.accuracy >= 0.065, analogy.summary()
    assert wordsim.spearman >= 0.32, wordsim.summary()
    assert analogy.used == 4_716 and wordsim.used == 237
    for name, (accuracy, spearman) in WORD2VEC_ON_PTB.items():
        assert analogy.accuracy > accuracy and wordsim.spearman > spearman, name
    assert {"honda", "nissan"} <= {w for w, _ in vectors.most_similar("toyota", top=5)}


def test_tuned_ptb_scores_do_not_depend_on_the_seed(ptb_tuned_runs):
    (v0, a0, w0), (v1, a1, w1) = ptb_tuned_runs[0], ptb_tuned_runs[1]
    assert [s.correct for s in a0.sections] == [s.correct for s in a1.sections]
    assert w0.spearman == pytest.approx(w1.spearman, abs=1e-9)
    assert np.allclose(v0.matrix, v1.matrix, atol=1e-4)


# -- examples ---------------------------------------------------------------------------------


def test_toy_example_prints_the_tables(tmp_path, capsys):
    """The tables have the words as headers; you and i are 0.7071 apart; one figure."""
    figures = run_example(examples.toy, 0, tmp_path)
    out = capsys.readouterr().out
    header = re.compile(r"^\s+you\s+say\s+goodbye\s+and\s+i\s+hello\s+\.$", re.MULTILINE)
    assert len(header.findall(out)) == 2
    assert re.search(r"^\s+say\s+1\s+0\s+1\s+0\s+1\s+1\s+0$", out, re.MULTILINE)
    assert re.search(r"^\s+hello\s+0\.00\s+0\.81\s+(0\.00\s+){4}2\.81$", out, re.MULTILINE)
    assert "cosine similarity of 'you' and 'i': 0.7071" in out
    assert "[query] you" in out
    assert [p.name for p in figures] == ["figure-1.png"]


def test_svd_toy_example_draws_the_words(tmp_path, capsys):
    figures = run_example(examples.svd_toy, 0, tmp_path)
    out = capsys.readouterr().out
    assert "singular values S:" in out
    assert [p.name for p in figures] == ["figure-1.png"]


def test_ptb_example_saves_the_vectors(shared_data, tmp_path, monkeypatch, capsys):
    """Stage lines, four neighbour lists, both scores, the .npz, two figures."""
    monkeypatch.chdir(tmp_path)
    figures = run_example(examples.ptb, 0, tmp_path / "figures")
    out = capsys.readouterr().out
    for stage in ["load PTB", "co-occurrence", "PPMI", "SVD", "total", "evaluation"]:
        assert re.search(rf"^{stage}\s+\d+\.\d\d s", out, re.MULTILINE), stage
    for query in ["you", "year", "car", "toyota"]:
        assert f"[query] {query}\n" in out
    assert re.search(r"analogy: \d+\.\d\d% \(\d+/4716\), semantic .* coverage 24\.1%", out)
    assert "WordSim353: Spearman 0.2" in out
    saved = Path("rindoku-output") / "countbased-ptb.npz"
    assert f"to {saved}" in out
    loaded = WordVectors.load(tmp_path / saved)
    assert loaded.matrix.shape == (10_000, 100) and loaded.words[:3] == ["aer", "banknote",
                                                                          "berlitz"]
    assert [p.name for p in figures] == ["figure-1.png", "figure-2.png"]


def test_ptb_tuned_example_prints_what_the_ptb_example_does(shared_data, tmp_path,
                                                            monkeypatch, capsys):
    """The settings, stage lines, neighbours, both scores, its own .npz, two figures."""
    monkeypatch.chdir(tmp_path)
    figures = run_example(examples.ptb_tuned, 0, tmp_path / "figures")
    out = capsys.readouterr().out
    assert out.startswith("settings: window 6 (harmonic), cds 0.75, U·S^0.5, 100 dims\n")
    for stage in ["load PTB", "co-occurrence", "PPMI", "SVD", "total", "evaluation"]:
        assert re.search(rf"^{stage}\s+\d+\.\d\d s", out, re.MULTILINE), stage
    assert "window 6 (harmonic weights)" in out and "positive cells, cds 0.75" in out
    for query in ["you", "year", "car", "toyota"]:
        assert f"[query] {query}\n" in out
    analogy = re.search(r"analogy: (\d+\.\d\d)% \(\d+/4716\), semantic .* coverage 24\.1%",
                        out)
    wordsim = re.search(r"WordSim353: Spearman (0\.\d{3}); coverage 67\.1%", out)
    assert float(analogy[1]) >= 6.5 and float(wordsim[1]) >= 0.32
    saved = Path("rindoku-output") / "countbased-ptb-tuned.npz"
    assert f"to {saved}" in out
    assert WordVectors.load(tmp_path / saved).matrix.shape == (10_000, 100)
    assert [p.name for p in figures] == ["figure-1.png", "figure-2.png"]


@pytest.mark.slow
def test_settings_example_tabulates_every_option(shared_data, tmp_path, capsys):
    """One row per setting; the book's row is countbased.ptb's scores, the tuned one meets
    the bar; the page's table holds the numbers it prints."""
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

    page = load_registry().chapter("countbased").page.read_text(encoding="utf-8")
    section = page[page.index("### What each lesson does on PTB"):
                   page.index("### The tuned vectors")]
    table = re.findall(r"^\| (.+?) \| (\d+\.\d\d)% \| (\d+\.\d\d)% \| (\d+\.\d\d)% \| "
                       r"(0\.\d{4}) \|$", section.replace("**", ""), re.MULTILINE)
    assert {label: tuple(numbers) for label, *numbers in table} == rows


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
    with pytest.raises(CheckFailed, match=r"returned shape \(7, 6\); expected \(7, 7\)"):
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


def test_the_page_shows_the_code_examples_and_exercises():
    page = load_registry().chapter("countbased").page.read_text(encoding="utf-8")
    assert page.startswith("# Count-based word vectors — カウントベースの手法\n")
    for name in ["create_co_matrix", "ppmi", "cos_similarity", "truncated_svd"]:
        assert f"{{rindoku-source}} rindoku_countbased.countbased.{name}\n" in page
    assert "{rindoku-source} rindoku_text.wordvectors.WordVectors.analogy\n" in page
    for name in ["countbased.toy", "countbased.svd-toy", "countbased.ptb",
                 "countbased.settings", "countbased.ptb-tuned"]:
        assert f"{{rindoku-example}} {name}\n" in page
    assert "## Beyond the book: lessons from word2vec\n" in page
    for exercise in EXERCISES:
        assert f"{{rindoku-exercise}} {exercise.id}\n" in page
    for term in ["分布仮説", "共起行列", "コサイン類似度", "相互情報量", "正の相互情報量",
                 "次元削減", "特異値分解", "コーパス", "分散表現", "単語ID"]:
        assert term in page, term
    assert "{doc}`backprop`" in page
    words = len(re.sub(r"```.*?```", " ", page, flags=re.DOTALL).split())
    assert 1500 <= words <= 4500, words
