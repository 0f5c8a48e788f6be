"""A collapsible block (HTML ``<details>``) for hints and solutions."""

from __future__ import annotations

from typing import Any

from docutils import nodes


class details(nodes.General, nodes.Element):  # noqa: N801 (docutils names nodes in lower case)
    """A block whose content is hidden until the reader opens it."""


class summary(nodes.General, nodes.TextElement):  # noqa: N801
    """The always-visible title of a :class:`details` block."""


def visit_details_html(self: Any, node: details) -> None:
    self.body.append(self.starttag(node, "details", CLASS="rindoku-details"))


def depart_details_html(self: Any, node: details) -> None:
    self.body.append("</details>\n")


def visit_summary_html(self: Any, node: summary) -> None:
    self.body.append(self.starttag(node, "summary", ""))


def depart_summary_html(self: Any, node: summary) -> None:
    self.body.append("</summary>\n")


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
