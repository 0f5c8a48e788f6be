"""The book's two toy sequence data sets, addition.txt and date.txt, as character ids.

Each line of a file is a question and its answer, both padded with spaces to
a fixed width; ``_`` starts every answer::

    16+75  _91                               (addition.txt: 50,000 sums)
    september 27, 1994           _1994-09-27  (date.txt: 50,000 dates)

:func:`load_data` reads a file as book 2's ``dataset/sequence.py`` does: the
vocabulary is built from the characters in order of first appearance,
line by line, the question's before the answer's; the lines are shuffled with
the book's seed (1984, as NumPy's legacy ``seed`` and ``shuffle`` draw it),
and the last 10 % are held out for testing.  The book keeps the vocabulary in
module-level dictionaries that every call adds to; here it is part of what
:func:`load_data` returns, a :class:`SequenceData`.  The files come through
the kernel's data layer (:func:`rindoku.data.fetch`): from
``$RINDOKU_DATA/seq/``, from the cache, or downloaded from the book's
repository and checked against their SHA-256.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rindoku.data import DataFile, fetch

__all__ = [
    "ADDITION",
    "DATE",
    "FILES",
    "START",
    "SequenceData",
    "Vocabulary",
    "from_lines",
    "load_data",
    "read_questions_answers",
]

_URL = "https://raw.githubusercontent.com/oreilly-japan/deep-learning-from-scratch-2/master/dataset/"

ADDITION = DataFile(
    "seq/addition.txt",
    (_URL + "addition.txt",),
    "34e0746f5014c11311c9452ee9050bf14e38eca44ec4aaf4d81eba2b38674009",
    "50,000 additions of numbers up to 999, like '16+75  _91  '",
    size=650_000,
)
DATE = DataFile(
    "seq/date.txt",
    (_URL + "date.txt",),
    "62e66a301ce8537868e725512d2a45663fc366526b7e42028cb703bda2b1c79a",
    "50,000 dates written in many ways, each with its ISO form, like "
    "'August 19, 2003  _2003-08-19'",
    size=2_050_000,
)

FILES = {"addition.txt": ADDITION, "date.txt": DATE}
"""The two files by the book's names."""

START = "_"
"""The character every answer starts with: the decoder's first input."""


@dataclass(frozen=True)
class Vocabulary:
    """The characters of a data set and their ids, both ways.

    ``char_to_id`` and ``id_to_char`` are the book's two dictionaries;
    ``source`` names the file they were built from, for error messages.
    """

    char_to_id: dict[str, int]
    id_to_char: dict[int, str]
    source: str

    def __len__(self) -> int:
        return len(self.char_to_id)

    def encode(self, text: str, length: int | None = None) -> np.ndarray:
        """The ids of the characters of ``text`` (len,); ``length`` checks its length.

        A character that is not in the vocabulary, or a text that is not
        ``length`` characters long, is a ValueError that says what to change.
        """
        if length is not None and len(text) != length:
            padded = text.ljust(length) if len(text) < length else text[:length]
            raise ValueError(f"{text!r} has {len(text)} characters; the sequences of "
                             f"{self.source} have {length}: pad with spaces or cut it to "
                             f"{length}, e.g. {padded!r}")
        for char in text:
            if char not in self.char_to_id:
                known = "".join(sorted(self.char_to_id))
                raise ValueError(f"the character {char!r} of {text!r} is not in the vocabulary "
                                 f"of {self.source} ({len(self)} characters: {known!r}): "
                                 "use only those")
        return np.array([self.char_to_id[c] for c in text], dtype=np.int64)

    def decode(self, ids: Iterable[int] | np.ndarray) -> str:
        """The text of the ids ``ids``."""
        return "".join(self.id_to_char[int(i)] for i in np.ravel(np.asarray(ids)))


@dataclass(frozen=True)
class SequenceData:
    """A sequence data set split the book's way: 90 % to train on, 10 % held out.

    x_train, x_test: question ids (N, question_length); t_train, t_test:
    answer ids (N, answer_length), each starting with the id of ``_``.
    """

    x_train: np.ndarray
    t_train: np.ndarray
    x_test: np.ndarray
    t_test: np.ndarray
    vocab: Vocabulary

    @property
    def char_to_id(self) -> dict[str, int]:
        """The book's ``char_to_id``."""
        return self.vocab.char_to_id

    @property
    def id_to_char(self) -> dict[int, str]:
        """The book's ``id_to_char``."""
        return self.vocab.id_to_char

    @property
    def start_id(self) -> int:
        """The id of ``_``, which starts every answer."""
        return self.vocab.char_to_id[START]

    @property
    def question_length(self) -> int:
        """The characters of every question (spaces included)."""
        return int(self.x_train.shape[1])

    @property
    def answer_length(self) -> int:
        """The characters of every answer, ``_`` included."""
        return int(self.t_train.shape[1])


def read_questions_answers(lines: Iterable[str], source: str) -> tuple[list[str], list[str]]:
    """Split each line at its ``_``: the questions and the answers (``_`` included).

    A line without ``_``, or whose question or answer has another length than
    the first line's, is a ValueError that names ``source`` and the line.
    """
    questions: list[str] = []
    answers: list[str] = []
    for number, line in enumerate(lines, start=1):
        line = line.rstrip("\n")
        idx = line.find(START)
        if idx < 0:
            raise ValueError(f"{source}, line {number} ({line!r}) has no {START!r}: each line is "
                             f"a question, then {START!r} and the answer")
        question, answer = line[:idx], line[idx:]
        if questions and (len(question), len(answer)) != (len(questions[0]), len(answers[0])):
            raise ValueError(
                f"{source}, line {number} ({line!r}): question and answer have "
                f"{len(question)} and {len(answer)} characters, those of line 1 "
                f"{len(questions[0])} and {len(answers[0])}: pad each with spaces to that width")
        questions.append(question)
        answers.append(answer)
    if not questions:
        raise ValueError(f"{source} has no line: expected questions and answers")
    return questions, answers


def _vocabulary(questions: list[str], answers: list[str], source: str) -> Vocabulary:
    """Ids by first appearance, line by line, each line's question before its answer."""
    char_to_id: dict[str, int] = {}
    for q, a in zip(questions, answers, strict=True):
        for char in q + a:
            if char not in char_to_id:
                char_to_id[char] = len(char_to_id)
    return Vocabulary(char_to_id, {i: c for c, i in char_to_id.items()}, source)


def load_data(
    file_name: str = "addition.txt", seed: int | None = 1984, *, download: bool = True
) -> SequenceData:
    """Read ``addition.txt`` or ``date.txt`` and split it as the book does.

    The lines are shuffled with ``seed`` (None: not shuffled) by NumPy's
    legacy generator, which gives the permutation of the book's
    ``numpy.random.seed(seed); numpy.random.shuffle(indices)`` without
    touching the global one; the last ``len // 10`` lines are the test set.
    """
    if file_name not in FILES:
        raise ValueError(f"the sequence data sets are {' and '.join(map(repr, FILES))}, "
                         f"not {file_name!r}")
    path = fetch(FILES[file_name], download=download)
    return from_lines(Path(path).read_text(encoding="utf-8").splitlines(), file_name, seed)


def from_lines(lines: list[str], source: str, seed: int | None = 1984) -> SequenceData:
    """The :class:`SequenceData` of the lines of a file named ``source`` (see :func:`load_data`)."""
    questions, answers = read_questions_answers(lines, source)
    vocab = _vocabulary(questions, answers, source)

    x = np.array([[vocab.char_to_id[c] for c in q] for q in questions], dtype=np.int64)
    t = np.array([[vocab.char_to_id[c] for c in a] for a in answers], dtype=np.int64)

    # shuffle as the book does, with a generator of our own
    indices = np.arange(len(x))
    if seed is not None:
        np.random.RandomState(seed).shuffle(indices)
    x, t = x[indices], t[indices]

    # 10 % for the test set
    split_at = len(x) - len(x) // 10
    return SequenceData(x[:split_at], t[:split_at], x[split_at:], t[split_at:], vocab)
