"""Where each key term is introduced: the glossary links there, not to the chapter's top.

When a chapter's page is read, the paragraph that introduces each of its terms
gets the id ``term-<english>`` and a label of the standard domain,
``rindoku-term-<slug>-<english>``; the glossary refers to that label, so its
link is resolved once every page has been read.  The paragraph is the first
that gives the Japanese term right after a bold one, as the pages do
(``**loss function** (損失関数)``), or else the first that uses it; a term the
page uses only in headings is anchored at its section, and one it never uses at
the page's top.
"""

from __future__ import annotations

import re
from typing import cast

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.domains.std import StandardDomain

from rindoku.sphinxext.state import book_chapters

__all__ = ["anchor_terms", "term_label"]

# text in these is not where a term is introduced
_SKIP = (nodes.literal, nodes.literal_block, nodes.math, nodes.math_block, nodes.raw,
         nodes.comment, nodes.substitution_definition, nodes.caption)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "term"


def term_label(chapter_slug: str, english: str) -> str:
    """The label of a chapter's term, for ``{ref}`` (``rindoku-term-cbow-context``)."""
    return f"rindoku-term-{chapter_slug}-{_slug(english)}"


def _first_use(doctree: nodes.document, term: str, where: str) -> nodes.Element | None:
    """The element to anchor at the first text that contains ``term``: ``where`` is
    ``"after bold"`` (text that follows a bold phrase), ``"text"`` or ``"titles"``."""
    for text in doctree.findall(nodes.Text):
        if term not in text:
            continue
        if where == "after bold":
            index = text.parent.index(text) if text.parent is not None else 0
            if index == 0 or not isinstance(text.parent[index - 1], nodes.strong):
                continue
        parent = text.parent
        ancestors = []
        while parent is not None:
            ancestors.append(parent)
            parent = parent.parent
        if any(isinstance(a, _SKIP) for a in ancestors):
            continue
        title = next((a for a in ancestors if isinstance(a, nodes.title)), None)
        if title is not None:
            if where == "titles" and isinstance(title.parent, nodes.section):
                return title.parent
            continue
        return next((a for a in ancestors
                     if isinstance(a, (nodes.paragraph, nodes.Body, nodes.term))), None)
    return None


def anchor_terms(app: Sphinx, doctree: nodes.document) -> None:
    """On a chapter's page, anchor each of the chapter's terms where it is introduced."""
    docname = app.env.docname
    folder = app.config.rindoku_chapters_dir
    chapter = next((c for c in book_chapters(app) if f"{folder}/{c.slug}" == docname), None)
    if chapter is None:
        return
    std = cast(StandardDomain, app.env.get_domain("std"))
    top = next(iter(doctree.findall(nodes.section)), None)
    for english, japanese in chapter.terms.items():
        element = (_first_use(doctree, japanese, "after bold")
                   or _first_use(doctree, japanese, "text")
                   or _first_use(doctree, japanese, "titles"))
        if isinstance(element, nodes.section) and element["ids"]:
            node_id = element["ids"][0]
        elif element is not None:
            node_id = base = f"term-{_slug(english)}"
            suffix = 1
            while node_id in doctree.ids and doctree.ids[node_id] is not element:
                suffix += 1
                node_id = f"{base}-{suffix}"
            if node_id not in element["ids"]:
                element["ids"].append(node_id)
                doctree.ids[node_id] = element
        else:
            node_id = top["ids"][0] if top is not None and top["ids"] else ""
        std.anonlabels[term_label(chapter.slug, english)] = (docname, node_id)
