"""What a chapter is: its metadata and the data sets it offers."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rindoku.data import DataFile

__all__ = ["DATASET_PATTERN", "Chapter", "Dataset", "SLUG_PATTERN"]

SLUG_PATTERN = re.compile(r"^[a-z][a-z0-9]*$")
"""A chapter slug: lower-case letters and digits, starting with a letter."""

DATASET_PATTERN = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
"""A data set's name: lower-case words joined by hyphens (``word-benchmarks``)."""


@dataclass(frozen=True)
class Chapter:
    """A chapter of the course book, contributed by one plugin.

    ``slug`` names the chapter everywhere (``backprop``): it prefixes the ids of
    its examples and exercises and names its page in the book.  ``number`` orders
    the chapters.  ``page`` is the chapter's MyST file.  ``terms`` pairs the
    chapter's key English terms with the Japanese ones the reading group uses;
    the book's glossary is made from them.  ``requires`` names the chapters
    whose code this one uses (``("cbow",)``): the book puts them first, and a
    chapter imports only the public names of the chapters it requires.
    """

    slug: str
    number: int
    title: str
    title_ja: str
    page: Path
    summary: str = ""
    source: str = ""
    terms: dict[str, str] = field(default_factory=dict)
    requires: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not SLUG_PATTERN.match(self.slug):
            raise ValueError(
                f"chapter slug {self.slug!r} is not valid: use lower-case letters and digits, "
                "starting with a letter (for example 'rnnlm')"
            )
        if isinstance(self.requires, str):
            raise TypeError(
                f"chapter {self.slug!r}: requires must be a tuple of slugs, "
                f"e.g. ({self.requires!r},), not a string"
            )
        if self.slug in self.requires:
            raise ValueError(f"chapter {self.slug!r} cannot require itself")

    def titles(self, language: str) -> tuple[str, str]:
        """Its title in ``language`` and its title in the other language: ``title`` and
        ``title_ja``, the Japanese first for ``ja`` (the book's editions, the decks)."""
        if language == "ja":
            return self.title_ja, self.title
        return self.title, self.title_ja


@dataclass(frozen=True)
class Dataset:
    """A data set a chapter provides: ``load(**kwargs)`` returns its arrays.

    ``files`` are the files it is made from (:class:`rindoku.data.DataFile`,
    each with its URLs and checksum), empty for data that is generated or
    comes with a package; ``rindoku data`` lists, fetches and verifies them.
    ``source`` says in a line where the data comes from and ``licence`` under
    what terms.
    """

    name: str
    load: Callable[..., Any]
    description: str = ""
    files: tuple[DataFile, ...] = ()
    source: str = ""
    licence: str = ""

    def __post_init__(self) -> None:
        if not DATASET_PATTERN.match(self.name):
            raise ValueError(
                f"data set name {self.name!r} is not valid: use lower-case words joined by "
                "hyphens, e.g. 'word-benchmarks'"
            )
        if isinstance(self.files, DataFile) or not all(
                isinstance(f, DataFile) for f in self.files):
            raise TypeError(
                f"data set {self.name!r}: files must be a tuple of DataFile objects, "
                f"got {self.files!r:.80}"
            )
        object.__setattr__(self, "files", tuple(self.files))
