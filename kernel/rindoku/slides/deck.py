"""A deck: the sections of one or more chapter pages, made into one MyST document.

:func:`deck_markdown` writes the document that the slide builder reads: a title
slide (the chapters, the book sections, the date and the presenter), then one
``##`` slide per marked block (:mod:`rindoku.slides.marks`), each with the
page's own MyST, the section's badge, and the prose as speaker notes.  The
examples, sources and values in it are the book's directives and roles, so the
deck shows the book's results.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from rindoku.chapter import Chapter
from rindoku.registry import Registry
from rindoku.sections import (
    PageSection,
    SectionError,
    page_sections,
    parse_range,
    select_sections,
)
from rindoku.slides.marks import Slide, section_slides

__all__ = ["Deck", "DeckPart", "asked_span", "book_span", "deck_markdown", "make_deck"]

FONT = "Noto Sans CJK JP"
"""The font the decks' Japanese text needs (Debian and Ubuntu: fonts-noto-cjk)."""


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

    @property
    def title(self) -> str:
        """The first chapter's title (and ``+ Skip-gram`` for each other chapter)."""
        first = self.parts[0].chapter
        others = "".join(f" + {p.chapter.title}" for p in self.parts[1:])
        return f"{first.title}{others}"

    @property
    def span(self) -> str:
        """The range asked for, else the sections' span (``Book 2 §3.4–3.6``)."""
        return self.asked or book_span(tuple(s for p in self.parts for s in p.sections))

    def slides(self) -> list[Slide]:
        """Every slide after the title slide, in page order."""
        return [slide for part in self.parts
                for section, end in zip(part.sections, part.ends, strict=True)
                for slide in section_slides(part.chapter, section, end)]


def _dotted(numbers: tuple[int, ...]) -> str:
    return ".".join(map(str, numbers))


def book_span(sections: tuple[PageSection, ...]) -> str:
    """``Book 2 §3.4–3.6``: from the first to the last book section the sections cover,
    per book; chapter-wide labels (key terms) are left out unless nothing else is there."""
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
        parts.append(f"Book {book} §{text}")
    return " · ".join(parts)


def make_deck(registry: Registry, slugs: list[str], spec: str | None, *,
              date: dt.date | None = None, presenter: str = "", notes: str = "") -> Deck:
    """The deck of ``spec`` (``3.4-3.6``, an anchor, or None for everything) in the
    chapters ``slugs``.

    Raises :class:`~rindoku.registry.UnknownNameError` for a chapter that is not
    installed and :class:`~rindoku.sections.SectionError` when the range names
    nothing in any of them.
    """
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
                asked_span(spec, [s for p in parts for s in p.sections]))


def asked_span(spec: str | None, sections: list[PageSection]) -> str:
    """``Book 2 §3.4–3.6`` for a range of book sections; empty for anchors or none."""
    if not spec or re.search(r"[a-z]", spec) or not sections:
        return ""
    book, first, last = parse_range(spec)
    if book is None:
        wanted = [r for s in sections for r in s.ranges if not r.whole_chapter]
        book = wanted[0].book if wanted else sections[0].ranges[0].book
    span = _dotted(first) if first == last else f"{_dotted(first)}–{_dotted(last)}"
    return f"Book {book} §{span}"


def _page_end(chapter: Chapter) -> int:
    return len(Path(chapter.page).read_text(encoding="utf-8").splitlines()) + 2


def _fence(text: str, name: str, options: dict[str, str] | None = None) -> str:
    """A MyST directive around ``text``, its fence longer than any inside it."""
    longest = max((len(m) for m in re.findall(r"^\s*(`{3,})", text, re.M)), default=2)
    fence = "`" * max(3, longest + 1)
    head = f"{fence}{{{name}}}\n" + "".join(f":{k}: {v}\n" for k, v in (options or {}).items())
    return f"{head}{text}\n{fence}\n"


def deck_markdown(deck: Deck) -> str:
    """The deck as one MyST document: the title slide, then every slide."""
    chapters = [p.chapter for p in deck.parts]
    title = " / ".join(f"{c.title} — {c.title_ja}" if c.title_ja else c.title
                       for c in chapters)
    options = {"sections": deck.span, "chapters": ", ".join(c.slug for c in chapters)}
    if deck.date is not None:
        options["date"] = deck.date.isoformat()
    if deck.presenter:
        options["presenter"] = deck.presenter
    out = [f"# {title}\n", _fence(deck.notes, "rindoku-deck-title", options)]
    for slide in deck.slides():
        section = slide.section
        label = ", ".join(str(r) for r in section.ranges)
        out.append(f"## {slide.title} {{book}}`{label}`\n")
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
