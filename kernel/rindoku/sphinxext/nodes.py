"""The extension's own nodes: a collapsible block (HTML ``<details>``) for hints
and solutions, and a figure that links to its image file at full size."""

from __future__ import annotations

import posixpath
import urllib.parse
from typing import Any

from docutils import nodes

from rindoku.sphinxext.translations import _


class details(nodes.General, nodes.Element):  # noqa: N801 (docutils names nodes in lower case)
    """A block whose content is hidden until the reader opens it."""


class summary(nodes.General, nodes.TextElement):  # noqa: N801
    """The always-visible title of a :class:`details` block."""


def visit_details_html(self: Any, node: details) -> None:
    self.body.append(self.starttag(node, "details", classes=["rindoku-details"]))


def depart_details_html(self: Any, node: details) -> None:
    self.body.append("</details>\n")


def visit_summary_html(self: Any, node: summary) -> None:
    self.body.append(self.starttag(node, "summary", ""))


def depart_summary_html(self: Any, node: summary) -> None:
    self.body.append("</summary>\n")


class figure_link(nodes.General, nodes.Element):  # noqa: N801
    """An example's figure (one :class:`~docutils.nodes.image` inside) that opens
    the image file at full size when clicked.

    ``description`` says what the figure shows, in the figure's language: the
    image's alt text, given to it only when it is written, so that a catalog
    never extracts it (:mod:`rindoku.sphinxext.translations`).
    """


def visit_figure_link_html(self: Any, node: figure_link) -> None:
    image = node.next_node(nodes.image)
    if image is not None and node.get("description") and not image.get("alt"):
        image["alt"] = node["description"]
    uri = image["uri"] if image is not None else ""
    # the image's file as the builder copies it (the image's own visit rewrites its uri so)
    if uri in self.builder.images:
        uri = posixpath.join(self.builder.imgpath, urllib.parse.quote(self.builder.images[uri]))
    self.body.append(self.starttag(node, "a", "", href=uri, CLASS="rindoku-figure",
                                   title=_("Open the figure at full size")))


def depart_figure_link_html(self: Any, node: figure_link) -> None:
    # said in words too: a phone shows no zoom cursor
    text = self.encode(str(_("open at full size")))
    self.body.append(f'<span class="rindoku-figure-open">{text}</span></a>\n')


def visit_plain(self: Any, node: nodes.Element) -> None:
    """Other builders (text, LaTeX) show the content as it is."""


def depart_plain(self: Any, node: nodes.Element) -> None:
    pass


def make_details(title: str, *children: nodes.Node, classes: tuple[str, ...] = ()) -> details:
    """A :class:`details` node with ``title`` as its summary."""
    node = details(classes=list(classes))
    node += summary(title, title)
    node.extend(children)
    return node
