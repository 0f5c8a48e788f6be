"""Tests of rindoku_text.wordvectors: WordVectors, the benchmarks and their printouts.

Most tests use vectors built from orthogonal features, whose neighbours,
analogies and scores are known exactly; one reads the real benchmark files.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from rindoku_text.wordvectors import (
    UnknownWordError,
    WordVectors,
    evaluate_analogy,
    evaluate_wordsim353,
    load_analogy_questions,
    load_wordsim353,
    print_queries,
)


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
