"""Slide decks made from the chapter pages: ``rindoku slides`` and the meetings' decks.

A deck covers a range of book sections (``rindoku slides cbow --sections 3.4-3.6``):
:mod:`rindoku.sections` finds the page sections that cover it,
:mod:`rindoku.slides.marks` the blocks their authors marked for slides,
:mod:`rindoku.slides.deck` writes them as one MyST document, and
:mod:`rindoku.slides.build` builds it with sphinx-revealjs and the deck's Sphinx
extension (:mod:`rindoku.slides.sphinx`), from the book's cached results.
"""

from rindoku.slides.build import DeckBuildError, build_decks, chromium, write_pdf
from rindoku.slides.deck import FONT, Deck, deck_markdown, make_deck
from rindoku.slides.marks import MarkError, Slide

__all__ = [
    "FONT",
    "Deck",
    "DeckBuildError",
    "MarkError",
    "Slide",
    "build_decks",
    "chromium",
    "deck_markdown",
    "make_deck",
    "write_pdf",
]
