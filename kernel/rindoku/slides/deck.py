"""A deck: the sections of one or more chapter pages, made into one MyST document.

:func:`deck_markdown` writes the document that the slide builder reads: a title
slide (the chapters, the book sections, the date and the presenter), then one
``##`` slide per marked block (:mod:`rindoku.slides.marks`), each with the
page's own MyST, the section's badge, and the prose as speaker notes.  The
examples, sources and values in it are the book's directives and roles, so the
deck shows the book's results.

A Japanese deck (``language="ja"``) has the chapters' Japanese titles, the
slides' Japanese titles (the mark's, else the section heading's translation
from the page's catalog, :func:`rindoku.language.chapter_catalog`) and the
badges' Japanese words; its blocks and notes are translated when it is built
(:func:`rindoku.slides.build.build_decks`), from the same catalogs.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from rindoku.chapter import Chapter
from rindoku.language import chapter_catalog, page_messages
from rindoku.registry import Registry
from rindoku.sections import (
    PageSection,
    SectionError,
    page_sections,
    parse_range,
    select_sections,
)
from rindoku.slides.marks import Slide, section_slides

__all__ = ["LANGUAGES", "Deck", "DeckPart", "asked_span", "book_span", "deck_markdown",
           "deck_messages", "make_deck"]

FONT = "Noto Sans CJK JP"
"""The font the decks' Japanese text needs (Debian and Ubuntu: fonts-noto-cjk)."""

LANGUAGES = ("en", "ja")
"""The languages a deck can speak: the book's, and its Japanese edition's."""


@dataclass(frozen=True)
class DeckPart:
    """The sections of one chapter that a deck covers."""

    chapter: Chapter
    sections: tuple[PageSection, ...]
    ends: tuple[int, ...]
    """Where each section's own text ends: the line of the next heading (from 1)."""

    @property
    def span(self) -> str:
        """The book sections the part covers, in short: ``Book 2 §3.4–3.6``."""
        return book_span(self.sections)

    def title(self, language: str = "en") -> str:
        """The chapter's title in ``language`` (its English one where it has no other)."""
        return self.chapter.titles(language)[0] or self.chapter.title


@dataclass(frozen=True)
class Deck:
    """What a deck shows: its parts, the range asked for, and the meeting's details."""

    parts: tuple[DeckPart, ...]
    spec: str
    date: dt.date | None = None
    presenter: str = ""
    notes: str = ""
    asked: str = ""
    """The range asked for, in the book's words (``Book 2 §3.4–3.6``); empty for anchors."""
    language: str = "en"
    """The language of its words, one of :data:`LANGUAGES`."""

    @property
    def title(self) -> str:
        """The first chapter's title (and ``+ Skip-gram`` for each other chapter)."""
        return " + ".join(part.title(self.language) for part in self.parts)

    @property
    def span(self) -> str:
        """The range asked for, else the sections' span (``Book 2 §3.4–3.6``, ``2巻 §3.4–3.6``)."""
        return self.asked or book_span(tuple(s for p in self.parts for s in p.sections),
                                       self.language)

    def slides(self) -> list[Slide]:
        """Every slide after the title slide, in page order."""
        return [slide for part in self.parts
                for section, end in zip(part.sections, part.ends, strict=True)
                for slide in section_slides(part.chapter, section, end)]


def _dotted(numbers: tuple[int, ...]) -> str:
    return ".".join(map(str, numbers))


def _book(book: int, language: str) -> str:
    """``Book 2``, or in Japanese ``2巻``, as the reading group names the two volumes."""
    return f"{book}巻" if language == "ja" else f"Book {book}"


def book_span(sections: tuple[PageSection, ...], language: str = "en") -> str:
    """``Book 2 §3.4–3.6``: from the first to the last book section the sections cover,
    per book; chapter-wide labels (key terms) are left out unless nothing else is there.
    In Japanese, ``2巻 §3.4–3.6``."""
    by_book: dict[int, list[tuple[tuple[int, ...], tuple[int, ...]]]] = {}
    ranges = [r for s in sections for r in s.ranges]
    narrow = [r for r in ranges if not r.whole_chapter] or ranges
    for r in narrow:
        by_book.setdefault(r.book, []).append((r.first, r.last))
    parts = []
    for book, spans in sorted(by_book.items()):
        first = min(s[0] for s in spans)
        last = max((s[1] for s in spans), key=lambda n: n + (10**6,))
        text = _dotted(first) if first == last else f"{_dotted(first)}–{_dotted(last)}"
        parts.append(f"{_book(book, language)} §{text}")
    return " · ".join(parts)


def make_deck(registry: Registry, slugs: list[str], spec: str | None, *,
              date: dt.date | None = None, presenter: str = "", notes: str = "",
              language: str = "en") -> Deck:
    """The deck of ``spec`` (``3.4-3.6``, an anchor, or None for everything) in the
    chapters ``slugs``, in ``language`` (``en`` or ``ja``).

    Raises :class:`~rindoku.registry.UnknownNameError` for a chapter that is not
    installed, :class:`~rindoku.sections.SectionError` when the range names
    nothing in any of them, and ValueError for a language no deck speaks.
    """
    if language not in LANGUAGES:
        raise ValueError(f"a deck speaks {' or '.join(LANGUAGES)}, not {language!r}")
    parts = []
    misses = []
    for slug in slugs:
        chapter = registry.chapter(slug)
        sections = page_sections(chapter)
        try:
            chosen = select_sections(sections, spec) if spec else list(sections)
        except SectionError as exc:
            if len(slugs) == 1:
                raise
            misses.append(str(exc))
            continue
        ends = []
        for section in chosen:
            index = sections.index(section)
            following = sections[index + 1:]
            ends.append(following[0].line if following else _page_end(chapter))
        parts.append(DeckPart(chapter, tuple(chosen), tuple(ends)))
    if not parts:
        raise SectionError(misses[0])
    return Deck(tuple(parts), spec or "", date, presenter, notes,
                asked_span(spec, [s for p in parts for s in p.sections], language), language)


def asked_span(spec: str | None, sections: list[PageSection], language: str = "en") -> str:
    """``Book 2 §3.4–3.6`` (``2巻 §3.4–3.6``) for a range of book sections; empty for
    anchors or none."""
    if not spec or re.search(r"[a-z]", spec) or not sections:
        return ""
    book, first, last = parse_range(spec)
    if book is None:
        wanted = [r for s in sections for r in s.ranges if not r.whole_chapter]
        book = wanted[0].book if wanted else sections[0].ranges[0].book
    span = _dotted(first) if first == last else f"{_dotted(first)}–{_dotted(last)}"
    return f"{_book(book, language)} §{span}"


def _page_end(chapter: Chapter) -> int:
    return len(Path(chapter.page).read_text(encoding="utf-8").splitlines()) + 2


def _fence(text: str, name: str, options: dict[str, str] | None = None) -> str:
    """A MyST directive around ``text``, its fence longer than any inside it."""
    longest = max((len(m) for m in re.findall(r"^\s*(`{3,})", text, re.M)), default=2)
    fence = "`" * max(3, longest + 1)
    head = f"{fence}{{{name}}}\n" + "".join(f":{k}: {v}\n" for k, v in (options or {}).items())
    return f"{head}{text}\n{fence}\n"


def deck_messages(deck: Deck) -> dict[str, str]:
    """The translations of the deck's pages into its language, by English message
    (the chapters' page catalogs, merged; {} for English)."""
    if deck.language == "en":
        return {}
    messages: dict[str, str] = {}
    for part in deck.parts:
        chapter = part.chapter
        messages.update(page_messages(chapter_catalog(Path(chapter.page), chapter.slug,
                                                      deck.language)))
    return messages


_BOOK_ROLE = re.compile(r"\s*\{book\}`[^`]*`\s*$")


def _slide_title(slide: Slide, deck: Deck, messages: dict[str, str]) -> str:
    """The slide's title in the deck's language: a Japanese deck takes the mark's
    Japanese title, else the translation of the section's heading (else its English)."""
    if deck.language == "en":
        return slide.title
    if slide.title_ja:
        return slide.title_ja
    part = next(p for p in deck.parts if p.chapter.slug == slide.section.chapter)
    lines = Path(part.chapter.page).read_text(encoding="utf-8").splitlines()
    heading = lines[slide.section.line - 1].lstrip("#").strip()
    translated = messages.get(heading)
    return _BOOK_ROLE.sub("", translated) if translated else slide.section.title


def _both_titles(chapter: Chapter, language: str) -> str:
    """``CBOW — word2vec…`` in English, the Japanese title first in Japanese; one title
    where the two are the same (``Attention``)."""
    return " — ".join(dict.fromkeys(t for t in chapter.titles(language) if t))


def deck_markdown(deck: Deck) -> str:
    """The deck as one MyST document: the title slide, then every slide."""
    chapters = [p.chapter for p in deck.parts]
    messages = deck_messages(deck)
    title = " / ".join(_both_titles(c, deck.language) for c in chapters)
    options = {"sections": deck.span, "chapters": ", ".join(c.slug for c in chapters)}
    if deck.date is not None:
        options["date"] = deck.date.isoformat()
    if deck.presenter:
        options["presenter"] = deck.presenter
    out = [f"# {title}\n", _fence(deck.notes, "rindoku-deck-title", options)]
    for slide in deck.slides():
        section = slide.section
        label = ", ".join(str(r) for r in section.ranges)
        out.append(f"## {_slide_title(slide, deck, messages)} {{book}}`{label}`\n")
        if slide.first and not all(r.whole_chapter for r in section.ranges):
            # (a chapter-wide section, the key terms, is a table of them already)
            terms = _section_terms(slide.section, deck)
            if terms:
                out.append(_fence("\n".join(f"{en} = {ja}" for en, ja in terms),
                                  "rindoku-slide-terms"))
        out.extend(block + "\n" for block in slide.blocks)
        if not slide.blocks:
            out.append(_fence("", "rindoku-slide-section",
                              {"page": f"{section.chapter}#{section.anchor}"}))
        if slide.notes:
            out.append(_fence("\n\n".join(slide.notes), "rindoku-slide-notes"))
    return "\n".join(out)


def _section_terms(section: PageSection, deck: Deck) -> list[tuple[str, str]]:
    """The chapter's terms whose Japanese the section's text uses, English beside it."""
    part = next(p for p in deck.parts if p.chapter.slug == section.chapter)
    end = part.ends[part.sections.index(section)]
    lines = Path(part.chapter.page).read_text(encoding="utf-8").splitlines()
    text = "\n".join(lines[section.line - 1:end - 1])
    return [(en, ja) for en, ja in part.chapter.terms.items() if ja in text]
