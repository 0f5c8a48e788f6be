"""What a chapter page puts on slides: the blocks after its ``% slide`` marks.

A MyST comment line just before a block marks it for the slides (the book
ignores comments, so the page reads as before):

- ``% slide`` — the next block gets a slide of its own, titled with the
  section's heading;
- ``% slide: Title`` — the same, with its own title; ``% slide: Title | 題名`` gives
  the title in Japanese too, for the Japanese deck (without it, that deck is titled
  with the section's heading, which the page's catalog translates);
- ``% slide+`` — the next block joins the slide above it.

A block is what Markdown makes one of: a paragraph, a formula, a listing or
example directive, a table, a list.  The page's prose between two marked
blocks becomes the speaker notes of the slide that follows it; the prose after
the last marked block of a section goes to that section's last slide.  A
section without a mark gets one slide with its heading and its prose as notes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rindoku.chapter import Chapter
from rindoku.sections import PageSection

__all__ = ["MarkError", "Slide", "page_blocks", "section_slides"]

_MARK = re.compile(r"^\s*slide\s*(?:(?P<join>\+)|:\s*(?P<title>.*\S))?\s*$")
_PROSE = {"paragraph_open", "bullet_list_open", "ordered_list_open", "blockquote_open",
          "dl_open"}
_ADMONITION = re.compile(r"^\{(note|tip|hint|important|warning|seealso|admonition)\}")


class MarkError(ValueError):
    """A ``% slide`` mark that cannot be used (``% slide+`` with no slide above it)."""


@dataclass(frozen=True)
class Block:
    """One top-level block of a page: its kind (the Markdown token) and its lines.

    ``start`` and ``end`` count from 0, ``end`` excluded; ``text`` is the source.
    """

    kind: str
    start: int
    end: int
    text: str
    info: str = ""

    @property
    def mark(self) -> re.Match[str] | None:
        """For a comment, its slide mark (the last line that is one), else None."""
        if self.kind != "myst_line_comment":
            return None
        marks = [m for line in self.text.splitlines()
                 if (m := _MARK.match(line.lstrip().removeprefix("%"))) is not None]
        return marks[-1] if marks else None

    @property
    def prose(self) -> str:
        """The words a presenter says about the block: a paragraph or list as it is, an
        admonition's body; nothing for a formula, a listing or a table."""
        if self.kind in _PROSE:
            return self.text
        if self.kind == "fence" and _ADMONITION.match(self.info):
            lines = self.text.splitlines()[1:-1]
            return "\n".join(line for line in lines if not line.startswith(":"))
        return ""


@dataclass
class Slide:
    """One slide: its title, the page's blocks it shows (MyST) and its speaker notes (MyST).

    ``section`` is the page section it comes from; ``first`` says that it is the
    section's first slide (the one that lists the section's terms).
    """

    section: PageSection
    title: str
    blocks: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    first: bool = False
    title_ja: str = ""
    """The mark's Japanese title (``% slide: Title | 題名``); empty when it gives none."""

    @property
    def own_title(self) -> bool:
        """Whether the mark gave the slide its own title (not the section's heading)."""
        return self.title != self.section.title


@lru_cache(maxsize=32)
def _page_blocks(path: Path, mtime: float) -> tuple[Block, ...]:
    from myst_parser.config.main import MdParserConfig
    from myst_parser.mdit_to_docutils.base import DocutilsRenderer
    from myst_parser.parsers.mdit import create_md_parser

    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    config = MdParserConfig(enable_extensions={"dollarmath", "amsmath", "colon_fence",
                                               "deflist"})
    blocks = []
    for token in create_md_parser(config, DocutilsRenderer).parse(text):
        if token.level != 0 or token.nesting == -1 or token.map is None:
            continue
        start, end = token.map
        while end > start and not lines[end - 1].strip():
            end -= 1
        blocks.append(Block(token.type, start, end, "\n".join(lines[start:end]),
                            token.info.strip()))
    return tuple(blocks)


def page_blocks(chapter: Chapter) -> tuple[Block, ...]:
    """The top-level blocks of ``chapter``'s page, in order (read once per change); none
    when the page is not there (:func:`rindoku.sections.page_sections` says so)."""
    path = Path(chapter.page).resolve()
    if not path.is_file():
        return ()
    return _page_blocks(path, path.stat().st_mtime)


def section_slides(chapter: Chapter, section: PageSection, own_end: int) -> list[Slide]:
    """The slides of one section of ``chapter``'s page: its lines from its heading up
    to ``own_end`` (the next heading, counting from 1), without its subsections.

    Raises :class:`MarkError` naming the page's line of a ``% slide+`` that has no
    slide above it in its section.
    """
    blocks = [b for b in page_blocks(chapter)
              if section.line <= b.start and b.end < own_end]  # after the heading line
    slides: list[Slide] = []
    notes: list[str] = []
    pending: re.Match[str] | None = None
    pending_line = 0
    for block in blocks:
        mark = block.mark
        if mark is not None:
            pending, pending_line = mark, block.start + 1
            continue
        if pending is None:
            if block.prose:
                notes.append(block.prose)
            continue
        if pending["join"]:
            if not slides:
                raise MarkError(f"{chapter.page}:{pending_line}: '% slide+' adds to the slide "
                                "above it, and this section has none yet: write '% slide' "
                                "for its first slide")
            slides[-1].blocks.append(block.text)
            slides[-1].notes.extend(notes)
        else:
            title, _bar, title_ja = (pending["title"] or section.title).partition("|")
            slides.append(Slide(section, title.strip() or section.title, [block.text],
                                list(notes), title_ja=title_ja.strip()))
        notes, pending = [], None
    if not slides:
        slides.append(Slide(section, section.title))
    slides[-1].notes.extend(notes)
    slides[0].first = True
    return slides
