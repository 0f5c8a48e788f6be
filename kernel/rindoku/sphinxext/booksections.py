"""The ``{book}`` role: the book sections a section of a page covers, as a badge.

``## The CBOW model {book}`2 §3.2``` shows "Book 2 §3.2" beside the heading
(:func:`rindoku.sections.parse_label` reads the text).  The badge takes no part
in the heading's anchor, its search text or its title in the contents: the
section keeps the id its words make (``#the-cbow-model``).  A label that cannot
be read is an error at its line.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from docutils.nodes import Node, system_message
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging
from sphinx.util.docutils import SphinxRole

from rindoku.sections import SectionError, label_text, parse_label

__all__ = ["BookRole", "book_sections", "heading_slug"]

logger = logging.getLogger(__name__)


class book_sections(nodes.Inline, nodes.TextElement):  # noqa: N801 (docutils names nodes so)
    """The badge of a section's book sections; its text is no part of the heading's name."""

    def astext(self) -> str:
        return ""


def visit_book_sections_html(self: Any, node: book_sections) -> None:
    language = self.builder.config.language
    title = (f"書籍の {node['label']} に対応" if language == "ja"
             else f"covers {node['label']} of the book")
    self.body.append(self.starttag(node, "span", "", CLASS="rindoku-book", title=title))
    self.body.append(self.encode(node["label"]))
    self.body.append("</span>")
    raise nodes.SkipNode


def visit_book_sections_text(self: Any, node: book_sections) -> None:
    """Other builders (text, LaTeX) leave the badge out."""
    raise nodes.SkipNode


class BookRole(SphinxRole):
    """``{book}`2 §3.4``` — the book sections of the heading it ends."""

    def run(self) -> tuple[list[Node], list[system_message]]:
        try:
            ranges = parse_label(self.text)
        except SectionError as exc:
            logger.error("{book}`%s`: %s", self.text, exc, location=self.get_location())
            return [nodes.literal(self.rawtext, self.text)], []
        label = label_text(ranges, self.env.config.language)
        return [book_sections(self.rawtext, "", label=label,
                              ranges=[str(r) for r in ranges])], []


def heading_slug(title: str) -> str:
    """A heading's anchor: GitHub's, from its words without the space before a role."""
    from myst_parser.slugs import github_slugify

    return github_slugify(title.rstrip())


def use_heading_slug(app: Sphinx, config: Config) -> None:
    """Anchor headings by their words alone (``#the-cbow-model``), unless the project
    chose its own slug function: the space before ``{book}`` makes no trailing hyphen."""
    if getattr(config, "myst_heading_slug_func", None) is None:
        # named by its import path: Sphinx keeps the configuration in its pickled environment
        config.myst_heading_slug_func = f"{__name__}.heading_slug"
