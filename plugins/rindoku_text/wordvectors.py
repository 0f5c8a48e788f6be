"""Word vectors, and how every word-vector chapter finds neighbours and scores them.

A :class:`WordVectors` holds one vector per word of a vocabulary: the rows of a
count-based matrix after SVD, or the embedding of a trained CBOW or skip-gram.
The chapters use it the same way:

* ``most_similar(word)`` — the nearest words by cosine similarity;
* ``analogy(a, b, c)`` — "a is to b as c is to ?", by 3CosAdd;
* ``save(path)`` / ``WordVectors.load(path)`` — one ``.npz`` file with the
  vectors and the vocabulary, the format every chapter saves in;
* :func:`evaluate_analogy` and :func:`evaluate_wordsim353` — scores on the two
  standard benchmarks, restricted to the words the vocabulary has;
* :func:`print_queries` and :func:`print_scores` — the book's neighbour and
  analogy queries and both scores, printed the same way for every PTB model.

The benchmark files come through the kernel's data layer
(:func:`rindoku.data.fetch`), from ``$RINDOKU_DATA/eval/``, the cache or a
download checked against its SHA-256.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from rindoku.data import DataFile, fetch
from rindoku.persistence import save_arrays

__all__ = [
    "BOOK_ANALOGIES",
    "BOOK_QUERIES",
    "QUESTIONS_WORDS",
    "SEMANTIC_SECTIONS",
    "WORDSIM353",
    "AnalogyReport",
    "AnalogySection",
    "SimilarityReport",
    "UnknownWordError",
    "WordVectors",
    "evaluate_analogy",
    "evaluate_wordsim353",
    "load_analogy_questions",
    "load_wordsim353",
    "print_queries",
    "print_scores",
]

QUESTIONS_WORDS = DataFile(
    "eval/questions-words.txt",
    (
        "https://raw.githubusercontent.com/tmikolov/word2vec/master/questions-words.txt",
        "https://raw.githubusercontent.com/piskvorky/gensim/develop/gensim/test/test_data/"
        "questions-words.txt",
    ),
    "8c29b3332afc46f3fb8be04cb5297bf96f39aa7131272dff57869b4485b22a36",
    "Google analogy test set (Mikolov et al. 2013): 19,544 questions in 14 sections",
    size=603_955,
)
WORDSIM353 = DataFile(
    "eval/wordsim353.tsv",
    (
        "https://raw.githubusercontent.com/piskvorky/gensim/develop/gensim/test/test_data/"
        "wordsim353.tsv",
    ),
    "f92a022fc2537793a15bc3a8c162ebcd74990e033a228bb6388cb71e4c0b1e1d",
    "WordSimilarity-353 (Finkelstein et al. 2002): 353 word pairs, human scores 0-10",
    size=7_186,
)

SEMANTIC_SECTIONS = 5
"""The first five sections of the analogy set are semantic, the other nine syntactic."""

EPS = 1e-8
"""Added to a norm before dividing by it, as the book's ``cos_similarity`` does."""


class UnknownWordError(KeyError):
    """A word is not in the vocabulary of a :class:`WordVectors`."""

    def __str__(self) -> str:
        return str(self.args[0])


def _normalize(x: np.ndarray) -> np.ndarray:
    """Rows of ``x`` divided by their length (a zero row stays zero)."""
    return x / (np.linalg.norm(x, axis=-1, keepdims=True) + EPS)


class WordVectors:
    """One vector per word: ``matrix[i]`` belongs to ``id_to_word[i]``.

    ``matrix`` is (vocabulary size, dimensions); ``word_to_id`` and
    ``id_to_word`` are the corpus's dicts (``id_to_word`` may also be a list).
    The rows divided by their lengths are computed once, on first use, in
    float32: cosine similarity is then one matrix-vector product.
    """

    def __init__(
        self,
        matrix: np.ndarray,
        word_to_id: Mapping[str, int],
        id_to_word: Mapping[int, str] | Sequence[str],
    ) -> None:
        matrix = np.asarray(matrix)
        if matrix.ndim != 2:
            raise ValueError(f"word vectors must be a 2-D matrix, got shape {matrix.shape}")
        try:
            words = [id_to_word[i] for i in range(len(id_to_word))]
        except (KeyError, IndexError):
            raise ValueError(
                f"id_to_word must map every id from 0 to {len(id_to_word) - 1} to a word"
            ) from None
        if len(words) != matrix.shape[0]:
            raise ValueError(
                f"the matrix has {matrix.shape[0]} rows but the vocabulary "
                f"{len(words)} words: there must be one row per word id"
            )
        mismatched = [w for i, w in enumerate(words) if word_to_id.get(w) != i]
        if mismatched or len(word_to_id) != len(words):
            raise ValueError(
                "word_to_id and id_to_word disagree"
                + (f" (first on {mismatched[0]!r})" if mismatched else "")
            )
        self.matrix = matrix
        self.word_to_id = dict(word_to_id)
        self.id_to_word = dict(enumerate(words))

    @classmethod
    def from_words(cls, matrix: np.ndarray, words: Sequence[str]) -> WordVectors:
        """Word vectors for ``words``, the i-th word the i-th row of ``matrix``."""
        words = list(words)
        return cls(matrix, {w: i for i, w in enumerate(words)}, words)

    # -- the vocabulary -----------------------------------------------------------------

    @property
    def words(self) -> list[str]:
        """The vocabulary in id order."""
        return [self.id_to_word[i] for i in range(len(self))]

    def __len__(self) -> int:
        return self.matrix.shape[0]

    def __contains__(self, word: object) -> bool:
        return word in self.word_to_id

    def __getitem__(self, word: str) -> np.ndarray:
        """The vector of ``word``."""
        return self.matrix[self.id(word)]

    def __repr__(self) -> str:
        return f"WordVectors({len(self)} words, {self.matrix.shape[1]} dimensions)"

    def id(self, word: str) -> int:
        """The id of ``word``; :class:`UnknownWordError` if the vocabulary lacks it."""
        try:
            return self.word_to_id[word]
        except KeyError:
            raise UnknownWordError(
                f"{word!r} is not in the vocabulary of {len(self)} words"
                + (" (it is lower-case only)" if word.lower() in self.word_to_id else "")
            ) from None

    # -- similarity ----------------------------------------------------------------------

    @cached_property
    def normalized(self) -> np.ndarray:
        """The rows divided by their lengths, float32 (computed once)."""
        return _normalize(self.matrix.astype(np.float32))

    def similarity(self, word1: str, word2: str) -> float:
        """The cosine similarity of two words' vectors."""
        return float(self.normalized[self.id(word1)] @ self.normalized[self.id(word2)])

    def most_similar(self, word: str, top: int = 5) -> list[tuple[str, float]]:
        """The ``top`` words nearest to ``word`` by cosine similarity, nearest first.

        The word itself is left out.
        """
        query = self.id(word)
        similarity = self.normalized @ self.normalized[query]
        similarity[query] = -np.inf
        return self._best(similarity, top)

    def analogy(self, a: str, b: str, c: str, top: int = 5) -> list[tuple[str, float]]:
        """Answer "a is to b as c is to ?" by 3CosAdd: the words nearest to b - a + c.

        ``analogy("man", "king", "woman")`` should give "queen" (king - man +
        woman), the order of the book's ``analogy(a, b, c)``.  The vectors are
        normalised first; the three query words are left out of the answers.
        The score is the cosine similarity with b - a + c.
        """
        ids = [self.id(w) for w in (a, b, c)]
        n = self.normalized
        query = _normalize(n[ids[1]] - n[ids[0]] + n[ids[2]])
        similarity = n @ query
        similarity[ids] = -np.inf
        return self._best(similarity, top)

    def _best(self, similarity: np.ndarray, top: int) -> list[tuple[str, float]]:
        top = min(top, int(np.isfinite(similarity).sum()))
        best = np.argpartition(-similarity, top - 1)[:top] if top else np.array([], int)
        best = best[np.argsort(-similarity[best], kind="stable")]
        return [(self.id_to_word[int(i)], float(similarity[i])) for i in best]

    # -- saving --------------------------------------------------------------------------

    def save(self, path: str | Path) -> Path:
        """Save the vectors and the vocabulary to one ``.npz`` file; return its path.

        The file holds ``vectors`` (the matrix) and ``words`` (a unicode array in
        id order); it is written atomically and loads without pickle.
        """
        return save_arrays(path, vectors=self.matrix, words=np.array(self.words, dtype=str))

    @classmethod
    def load(cls, path: str | Path) -> WordVectors:
        """Load word vectors saved by :meth:`save`."""
        with np.load(path, allow_pickle=False) as data:
            missing = {"vectors", "words"} - set(data.files)
            if missing:
                raise ValueError(
                    f"{path} is not a word-vector file: it lacks {', '.join(sorted(missing))} "
                    "(save one with WordVectors.save)"
                )
            return cls.from_words(data["vectors"], data["words"].tolist())


# -- the analogy benchmark ---------------------------------------------------------------


@dataclass(frozen=True)
class AnalogySection:
    """The score on one section of the analogy set (``capital-common-countries`` …)."""

    name: str
    correct: int
    used: int
    total: int

    @property
    def accuracy(self) -> float:
        """Correct answers / questions used (nan when none was used)."""
        return self.correct / self.used if self.used else float("nan")


def _percent(correct: int, used: int) -> str:
    return f"{100 * correct / used:5.1f}%" if used else "    -"


@dataclass(frozen=True)
class AnalogyReport:
    """Scores on the Google analogy set, over the questions whose four words are known.

    ``sections`` are in file order; the first :data:`SEMANTIC_SECTIONS` are
    semantic, the rest syntactic.  Accuracies are over the questions used;
    ``coverage`` says what share of all questions that is.
    """

    sections: tuple[AnalogySection, ...]

    def _sum(self, field: str, part: slice = slice(None)) -> int:
        return sum(getattr(s, field) for s in self.sections[part])

    @property
    def correct(self) -> int:
        return self._sum("correct")

    @property
    def used(self) -> int:
        return self._sum("used")

    @property
    def total(self) -> int:
        return self._sum("total")

    @property
    def accuracy(self) -> float:
        """Correct answers / questions used, over all sections."""
        return self.correct / self.used if self.used else float("nan")

    @property
    def semantic_accuracy(self) -> float:
        """Accuracy over the semantic sections (the first five)."""
        part = slice(None, SEMANTIC_SECTIONS)
        used = self._sum("used", part)
        return self._sum("correct", part) / used if used else float("nan")

    @property
    def syntactic_accuracy(self) -> float:
        """Accuracy over the syntactic sections (all but the first five)."""
        part = slice(SEMANTIC_SECTIONS, None)
        used = self._sum("used", part)
        return self._sum("correct", part) / used if used else float("nan")

    @property
    def coverage(self) -> float:
        """Questions used / all questions."""
        return self.used / self.total if self.total else float("nan")

    def summary(self) -> str:
        """One line: overall, semantic and syntactic accuracy, and the coverage."""
        return (
            f"analogy: {self.accuracy:.2%} ({self.correct}/{self.used}), "
            f"semantic {self.semantic_accuracy:.2%}, syntactic {self.syntactic_accuracy:.2%}; "
            f"coverage {self.coverage:.1%} ({self.used} of {self.total} questions)"
        )

    def __str__(self) -> str:
        lines = [f"{'section':<28} {'correct':>7} {'used':>6} {'total':>6} {'accuracy':>8}"]
        groups = [("semantic", slice(None, SEMANTIC_SECTIONS)),
                  ("syntactic", slice(SEMANTIC_SECTIONS, None))]
        for group, part in groups:
            for s in self.sections[part]:
                lines.append(f"  {s.name:<26} {s.correct:>7} {s.used:>6} {s.total:>6} "
                             f"{_percent(s.correct, s.used):>8}")
            correct, used, total = (self._sum(f, part) for f in ("correct", "used", "total"))
            lines.append(f"{group:<28} {correct:>7} {used:>6} {total:>6} "
                         f"{_percent(correct, used):>8}")
        lines.append(f"{'all':<28} {self.correct:>7} {self.used:>6} {self.total:>6} "
                     f"{_percent(self.correct, self.used):>8}")
        return "\n".join(lines) + f"\ncoverage: {self.coverage:.1%} of the questions"


def load_analogy_questions(path: str | Path | None = None) -> list[tuple[str, list[list[str]]]]:
    """The analogy questions by section: ``[(section name, [[a, b, c, d], …]), …]``.

    Words are lower-cased (PTB's vocabulary is).  ``path`` defaults to the
    Google set, fetched through the data layer; a file of the same format (a
    ``: name`` line before each section) can be given instead.
    """
    path = fetch(QUESTIONS_WORDS) if path is None else Path(path)
    sections: list[tuple[str, list[list[str]]]] = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        if line.startswith(":"):
            sections.append((line[1:].strip(), []))
            continue
        words = line.lower().split()
        if len(words) != 4 or not sections:
            raise ValueError(f"{path}, line {lineno}: expected a ': section' line or 4 words")
        sections[-1][1].append(words)
    return sections


def evaluate_analogy(
    vectors: WordVectors, path: str | Path | None = None, batch_size: int = 1024
) -> AnalogyReport:
    """Score ``vectors`` on the analogy questions whose four words are all known.

    Each question "a b c d" is answered by 3CosAdd, as :meth:`WordVectors.analogy`
    does, over the whole vocabulary without a, b and c; it is right when the
    best word is d.  Questions go in batches: one matrix product scores a
    whole batch against every word.
    """
    n = vectors.normalized
    sections = []
    for name, questions in load_analogy_questions(path):
        known = [q for q in questions if all(w in vectors for w in q)]
        ids = np.array([[vectors.word_to_id[w] for w in q] for q in known], dtype=np.int64)
        correct = 0
        for start in range(0, len(ids), batch_size):
            batch = ids[start:start + batch_size]
            query = _normalize(n[batch[:, 1]] - n[batch[:, 0]] + n[batch[:, 2]])
            scores = query @ n.T  # (batch, vocabulary)
            rows = np.arange(len(batch))[:, np.newaxis]
            scores[rows, batch[:, :3]] = -np.inf  # never answer with a query word
            correct += int(np.sum(scores.argmax(axis=1) == batch[:, 3]))
        sections.append(AnalogySection(name, correct, len(known), len(questions)))
    return AnalogyReport(tuple(sections))


# -- the similarity benchmark ---------------------------------------------------------------


@dataclass(frozen=True)
class SimilarityReport:
    """Spearman correlation of cosine similarities with human scores."""

    spearman: float
    pvalue: float
    used: int
    total: int

    @property
    def coverage(self) -> float:
        """Pairs used / all pairs."""
        return self.used / self.total if self.total else float("nan")

    def summary(self) -> str:
        """One line: the correlation and the coverage."""
        return (f"WordSim353: Spearman {self.spearman:.3f}; "
                f"coverage {self.coverage:.1%} ({self.used} of {self.total} pairs)")

    def __str__(self) -> str:
        return self.summary()


def load_wordsim353(path: str | Path | None = None) -> list[tuple[str, str, float]]:
    """The WordSim353 pairs with their human scores, words lower-cased.

    ``path`` defaults to the file fetched through the data layer; lines
    starting with ``#`` are comments, the others ``word1 <tab> word2 <tab> score``.
    """
    path = fetch(WORDSIM353) if path is None else Path(path)
    pairs = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 3:
            raise ValueError(f"{path}, line {lineno}: expected word1, word2 and a score")
        pairs.append((fields[0].lower(), fields[1].lower(), float(fields[2])))
    return pairs


def evaluate_wordsim353(vectors: WordVectors, path: str | Path | None = None) -> SimilarityReport:
    """Spearman's rank correlation between cosine similarity and the human scores.

    Only pairs whose two words are both in the vocabulary count.
    """
    from scipy.stats import spearmanr

    pairs = load_wordsim353(path)
    known = [(a, b, score) for a, b, score in pairs if a in vectors and b in vectors]
    if len(known) < 2:
        return SimilarityReport(float("nan"), float("nan"), len(known), len(pairs))
    n = vectors.normalized
    first = n[[vectors.word_to_id[a] for a, _, _ in known]]
    second = n[[vectors.word_to_id[b] for _, b, _ in known]]
    model = np.sum(first * second, axis=1)
    result = spearmanr([score for _, _, score in known], model)
    return SimilarityReport(float(result.statistic), float(result.pvalue), len(known), len(pairs))


BOOK_QUERIES = ("you", "year", "car", "toyota")
"""The words whose nearest neighbours book 2 shows for its PTB models (ch. 2–4)."""

BOOK_ANALOGIES = (("king", "man", "queen"), ("take", "took", "go"),
                  ("car", "cars", "child"), ("good", "better", "bad"))
"""The analogies book 2 asks its PTB models (ch. 4), each "a : b = c : ?"."""


def print_queries(
    vectors: WordVectors,
    queries: Sequence[str] = BOOK_QUERIES,
    analogies: Sequence[tuple[str, str, str]] = BOOK_ANALOGIES,
    top: int = 5,
) -> None:
    """Print each query's ``top`` nearest words, then the best answers to each analogy.

    Every word comes with its cosine similarity; a query or an analogy with a
    word the vocabulary lacks says so and the others go on.
    """
    for query in queries:
        if query not in vectors:
            print(f"  {query:<8} (not in the vocabulary)")
            continue
        neighbours = ", ".join(f"{w} {s:.2f}" for w, s in vectors.most_similar(query, top))
        print(f"  {query:<8} {neighbours}")
    if analogies:
        print()
    for a, b, c in analogies:
        missing = [w for w in (a, b, c) if w not in vectors]
        if missing:
            print(f"  {a}:{b} = {c}:?  ({', '.join(missing)} not in the vocabulary)")
            continue
        answers = ", ".join(f"{w} {s:.2f}" for w, s in vectors.analogy(a, b, c, top))
        print(f"  {a}:{b} = {c}:?  {answers}")


def print_scores(vectors: WordVectors) -> tuple[AnalogyReport, SimilarityReport]:
    """Score ``vectors`` on both benchmarks; print the analogy sections and both summaries.

    Returns the two reports, for figures or tables.
    """
    analogy = evaluate_analogy(vectors)
    similarity = evaluate_wordsim353(vectors)
    print(analogy)
    print(analogy.summary())
    print(similarity.summary())
    return analogy, similarity
