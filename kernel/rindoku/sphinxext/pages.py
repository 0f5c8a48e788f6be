"""The chapter pages: read from the chapters' own packages, never copied into docs/.

A chapter's page lives with its plugin (``chapters/cbow.md`` in this
repository, or inside a third-party chapter's package).  Sphinx finds a
project's documents by listing its source folder, so the extension gives the
build's :class:`sphinx.project.Project` one more document per registered
chapter, ``chapters/<slug>``, whose file is the page where it lies.  The
source folder is left as it is.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from sphinx.project import Project
from sphinx.util._pathlib import _StrPath

__all__ = ["BookProject"]


class BookProject(Project):
    """A Sphinx project whose documents are its source folder's plus the chapter pages.

    ``chapter_pages`` maps a docname (``chapters/cbow``) to the page's file.
    A file of the same docname in the source folder is overridden (an old
    copy from an earlier version of the extension).

    Sphinx reads a document from its absolute path, which for a chapter is the
    page where it lies; everything else Sphinx derives from the path relative
    to the source folder (the copied source's name, the folder that relative
    links start from) sees ``chapters/<slug>.md``, as for any other document.
    """

    chapter_pages: dict[str, Path]

    def discover(
        self, exclude_paths: Iterable[str] = (), include_paths: Iterable[str] = ("**",)
    ) -> set[str]:
        """The source folder's documents, then the chapter pages."""
        docnames = super().discover(exclude_paths, include_paths)
        for docname, page in getattr(self, "chapter_pages", {}).items():
            old = self._docname_to_path.pop(docname, None)
            if old is not None:
                self._path_to_docname.pop(old, None)
            docnames.add(docname)
            self._docname_to_path[docname] = page
            self._path_to_docname[page] = docname
        return docnames

    def doc2path(self, docname: str, absolute: bool) -> _StrPath:
        """The page's own file if ``absolute``, else the path it would have in the project."""
        page = getattr(self, "chapter_pages", {}).get(docname)
        if page is None:
            return super().doc2path(docname, absolute)
        return _StrPath(page) if absolute else _StrPath(docname + page.suffix)


def use_chapter_pages(project: Project, pages: dict[str, Path]) -> None:
    """Make ``project`` (the application's) find ``pages`` besides its own documents."""
    project.__class__ = BookProject
    project.chapter_pages = {name: Path(page).resolve() for name, page in pages.items()}  # type: ignore[attr-defined]
