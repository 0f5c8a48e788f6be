"""Which sections of the book each section of a chapter page covers.

Every ``##`` and ``###`` heading of a chapter page ends with the role
``{book}`2 §3.4``` (:func:`parse_label` reads its text); a ``###`` without one
covers what its ``##`` covers.  :func:`page_sections` reads a page's headings,
their labels and their anchors without building the book, for ``rindoku list
sections``, ``rindoku slides`` and the meeting plan (:mod:`rindoku.schedule`);
:func:`select_sections` picks the sections a range such as ``3.4-3.6`` names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rindoku.chapter import Chapter
from rindoku.registry import closest_names

__all__ = [
    "BookRange",
    "PageSection",
    "SectionError",
    "page_sections",
    "parse_label",
    "parse_range",
    "select_sections",
]

ROLE = "book"
"""The role that labels a heading: ``## The CBOW model {book}`2 §3.2```."""

_NUMBER = r"\d+(?:\.\d+)*"
_ITEM = re.compile(rf"^\s*(?:(?P<book>\d+)\s*)?§\s*(?P<first>{_NUMBER})"
                   rf"(?:\s*[-–]\s*(?P<last>{_NUMBER}))?\s*$")
_ROLE_IN_HEADING = re.compile(r"\s*\{" + ROLE + r"\}`(?P<text>[^`]*)`\s*$")


class SectionError(ValueError):
    """A book label, a section range or an anchor that cannot be read or matched."""


def _numbers(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def _upto(numbers: tuple[int, ...], last: tuple[int, ...]) -> bool:
    """``numbers`` comes no later than the end of section ``last`` (3.6 ends after 3.6.9)."""
    return numbers[:len(last)] <= last


def _dotted(numbers: tuple[int, ...]) -> str:
    return ".".join(map(str, numbers))


@dataclass(frozen=True)
class BookRange:
    """Sections ``first`` to ``last`` (each a tuple of numbers: §3.4 is (3, 4)) of ``book``.

    A single section is a range whose ends are equal; (3,) is all of chapter 3.
    """

    book: int
    first: tuple[int, ...]
    last: tuple[int, ...]

    def __str__(self) -> str:
        """``2 §3.4``, ``2 §3.4–3.6``."""
        span = _dotted(self.first)
        if self.last != self.first:
            span += f"–{_dotted(self.last)}"
        return f"{self.book} §{span}"

    @property
    def whole_chapter(self) -> bool:
        """True for a label of a whole chapter (``2 §3``): a chapter's key terms, its exercises."""
        return len(self.first) == 1 and len(self.last) == 1

    def meets(self, other: BookRange) -> bool:
        """True when the two ranges share a section of the same book."""
        return (self.book == other.book and _upto(self.first, other.last)
                and _upto(other.first, self.last))

    def within(self, other: BookRange) -> bool:
        """True when every section of this range is in ``other``."""
        return (self.book == other.book and other.first <= self.first
                and _upto(self.last, other.last))


def parse_label(text: str) -> tuple[BookRange, ...]:
    """The ranges of a ``{book}`` label: ``2 §3.4``, ``2 §4.2.1-4.2.7``, ``1 §5.6, 2 §1.3``.

    After a comma, a range without its book is in the book before it (``2 §3.1, §3.3``).
    """
    ranges: list[BookRange] = []
    book: int | None = None
    for item in text.split(","):
        match = _ITEM.match(item)
        if match is None:
            raise SectionError(f"{item.strip()!r} is not a book section: write BOOK §SECTION, "
                               "e.g. '2 §3.4' or '2 §3.4-3.6'")
        if match["book"] is not None:
            book = int(match["book"])
        if book is None:
            raise SectionError(f"{item.strip()!r} names no book: start with it, e.g. '2 §3.4'")
        first = _numbers(match["first"])
        last = _numbers(match["last"]) if match["last"] else first
        if last < first:
            raise SectionError(f"{item.strip()!r} ends before it starts: write the smaller "
                               "section first")
        ranges.append(BookRange(book, first, last))
    return tuple(ranges)


def ranges_text(ranges: tuple[BookRange, ...], word: str = "", after: str = "") -> str:
    """``2 §3.1.3, §3.3``; ``1 §5.6 · 2 §1.3`` (each book once); ``word`` goes before each
    book's number and ``after`` after it (``Book 2 §3.4``, ``2巻 §3.4``: the badge's words)."""
    books: dict[int, list[str]] = {}
    for r in ranges:
        books.setdefault(r.book, []).append("§" + str(r).partition("§")[2])
    return " · ".join(f"{word}{book}{after} {', '.join(spans)}" for book, spans in books.items())


def label_text(ranges: tuple[BookRange, ...], language: str | None = "en") -> str:
    """``Book 2 §3.4``; ``Book 1 §5.6 · Book 2 §1.3`` (the badge's words); in Japanese
    ``2巻 §3.4``, as the reading group names the two volumes."""
    if language == "ja":
        return ranges_text(ranges, "", "巻")
    return ranges_text(ranges, "Book ")


def parse_range(text: str) -> tuple[int | None, tuple[int, ...], tuple[int, ...]]:
    """A range of book sections as a reader types it: ``3.4-3.6``, ``3.4``, ``2:3.4-3.6``.

    Returns the book (None when not given), the first and the last section.
    """
    match = re.fullmatch(rf"\s*(?:(?P<book>\d+)\s*:\s*)?§?(?P<first>{_NUMBER})"
                         rf"(?:\s*(?:-|–|\.\.)\s*(?P<last>{_NUMBER}))?\s*", text)
    if match is None:
        raise SectionError(f"{text!r} is not a range of book sections: write e.g. 3.4-3.6, "
                           "3.4, or 2:3.4-3.6 to name the book")
    first = _numbers(match["first"])
    last = _numbers(match["last"]) if match["last"] else first
    if last < first:
        raise SectionError(f"the range {text!r} ends before it starts: write the smaller "
                           "section first")
    return (int(match["book"]) if match["book"] else None), first, last


@dataclass(frozen=True)
class PageSection:
    """A ``##`` or ``###`` section of a chapter page and the book sections it covers.

    ``anchor`` is the heading's id on the built page (``#the-cbow-model``);
    ``line`` is the heading's line (from 1); ``end`` the line after its last;
    ``labelled`` says that the heading carries its own ``{book}`` role.
    """

    chapter: str
    title: str
    level: int
    anchor: str
    line: int
    end: int
    ranges: tuple[BookRange, ...]
    labelled: bool

    @property
    def label(self) -> str:
        """The badge's words: ``Book 2 §3.4``."""
        return label_text(self.ranges)

    @property
    def numbers(self) -> str:
        """The ranges without the word Book: ``2 §3.4``, ``1 §5.6 · 2 §1.3.4``."""
        return ranges_text(self.ranges)


def _heading_text(inline: object) -> str:
    """A heading's words, without the ``{book}`` role: what its anchor is made from."""
    children = getattr(inline, "children", None) or []
    return "".join(child.content for child in children
                   if child.type in ("text", "code_inline")).rstrip()


@lru_cache(maxsize=64)
def _read_page(path: Path, mtime: float) -> tuple[tuple[str, int, str, int, str | None], ...]:
    """(title, level, anchor, line, label text) of each ``##``/``###`` heading of a page."""
    from myst_parser.config.main import MdParserConfig
    from myst_parser.mdit_to_docutils.base import DocutilsRenderer
    from myst_parser.parsers.mdit import create_md_parser
    from myst_parser.slugs import github_slugify, unique_slug

    config = MdParserConfig(enable_extensions={"dollarmath", "amsmath", "colon_fence",
                                               "deflist"})
    tokens = create_md_parser(config, DocutilsRenderer).parse(path.read_text(encoding="utf-8"))
    headings = []
    slugs: set[str] = set()
    for index, token in enumerate(tokens):
        if token.type != "heading_open" or token.map is None:
            continue
        inline = tokens[index + 1]
        text = _heading_text(inline)
        level = int(token.tag[1])
        slug = unique_slug(github_slugify(text), slugs)
        slugs.add(slug)
        if level not in (2, 3):
            continue
        match = _ROLE_IN_HEADING.search(inline.content)
        headings.append((text, level, slug, token.map[0] + 1,
                         match["text"] if match else None))
    return tuple(headings)


def page_sections(chapter: Chapter) -> list[PageSection]:
    """The ``##`` and ``###`` sections of ``chapter``'s page, in page order.

    Raises :class:`SectionError` naming the page and line of a label that cannot
    be read, or of a ``##`` heading without one.
    """
    path = Path(chapter.page)
    if not path.is_file():
        raise SectionError(f"chapter {chapter.slug!r}: its page {path} does not exist")
    headings = _read_page(path.resolve(), path.stat().st_mtime)
    lines = len(path.read_text(encoding="utf-8").splitlines()) + 1
    sections: list[PageSection] = []
    parent: tuple[BookRange, ...] = ()
    for number, (title, level, anchor, line, label) in enumerate(headings):
        # a section ends where the next heading of its level or above starts
        end = next((h[3] for h in headings[number + 1:] if h[1] <= level), lines)
        if label is None and level == 2:
            raise SectionError(f"{path}:{line}: the section {title!r} has no book label: end "
                               "its heading with {book}`BOOK §SECTION`, e.g. {book}`2 §3.4`")
        try:
            ranges = parse_label(label) if label is not None else parent
        except SectionError as exc:
            raise SectionError(f"{path}:{line}: {exc}") from None
        if level == 2:
            parent = ranges
        sections.append(PageSection(chapter.slug, title, level, anchor, line, end, ranges,
                                    label is not None))
    return sections


def select_sections(sections: list[PageSection], spec: str) -> list[PageSection]:
    """The sections that ``spec`` names: a range of book sections or page anchors.

    ``3.4-3.6`` (or ``2:3.4-3.6`` to name the book) picks every section whose
    label meets the range; a section labelled with a whole chapter (key terms,
    exercises) only when the range holds that chapter.  ``the-cbow-model`` picks
    one section with what it contains, ``the-cbow-model..negative-sampling``
    the sections from one to the other.
    """
    if not sections:
        return []
    slug = sections[0].chapter
    if re.search(r"[a-z]", spec):
        return _by_anchor(sections, spec)
    book, first, last = parse_range(spec)
    books = sorted({r.book for s in sections for r in s.ranges})
    if book is None:
        matching = [b for b in books
                    if any(r.meets(BookRange(b, first, last)) for s in sections for r in s.ranges)]
        if len(matching) > 1:
            raise SectionError(f"chapter {slug!r} covers §{spec} of books "
                               f"{' and '.join(map(str, matching))}: name one, e.g. "
                               f"{matching[-1]}:{spec}")
        book = matching[0] if matching else books[0]
    wanted = BookRange(book, first, last)
    chosen = [s for s in sections
              if any(r.within(wanted) or (r.meets(wanted) and not r.whole_chapter)
                     for r in s.ranges)]
    if not chosen:
        covered = ", ".join(sorted({str(r) for s in sections for r in s.ranges
                                    if not r.whole_chapter}, key=_sort_key))
        raise SectionError(f"no section of chapter {slug!r} covers book {wanted}; its sections "
                           f"cover {covered} (see 'rindoku list sections {slug}')")
    return chosen


def _sort_key(text: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", text))


def _by_anchor(sections: list[PageSection], spec: str) -> list[PageSection]:
    start, dots, stop = spec.strip().lstrip("#").partition("..")
    anchors = [s.anchor for s in sections]
    for anchor in (start, stop.lstrip("#")) if dots else (start,):
        if anchor not in anchors:
            hint = closest_names(anchor, anchors)
            raise SectionError(
                f"chapter {sections[0].chapter!r} has no section #{anchor}"
                + (f"; did you mean #{hint[0]}?" if hint else "")
                + f" (see 'rindoku list sections {sections[0].chapter}')")
    i = anchors.index(start)
    j = anchors.index(stop.lstrip("#")) if dots else i
    if j < i:
        raise SectionError(f"#{stop.lstrip('#')} comes before #{start} on the page: "
                           "name the earlier section first")
    last = sections[j]
    # the last section with its subsections
    while j + 1 < len(sections) and sections[j + 1].level > last.level:
        j += 1
    return sections[i:j + 1]
