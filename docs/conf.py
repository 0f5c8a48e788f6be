"""Sphinx configuration of the rindoku course book."""

import os
import tomllib
from pathlib import Path

project = "rindoku"
author = "the rindoku reading group"
copyright = "2026, the rindoku reading group"
language = "en"

# The Japanese edition (-D language=ja) is translated with gettext catalogs,
# one per page: docs/locales/ja/LC_MESSAGES/<page>.po (``nox -s translations``
# updates them from the English pages).
locale_dirs = ["locales/"]
gettext_compact = False
gettext_location = False
# An untranslated paragraph of the Japanese edition carries the class
# "untranslated" (the tests look for it).
translation_progress_classes = "untranslated"

# The book is built once per language, each edition into docs/_build/html/<language>
# (``nox -s book``), with one example cache: nothing runs twice.
rindoku_editions = ["en", "ja"]
rindoku_cache_dir = "_build/rindoku-cache"

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.mathjax",
    "sphinx.ext.napoleon",
    "sphinx_copybutton",
    "rindoku.sphinxext",
]

myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3

exclude_patterns = ["_build", "README.md"]
templates_path = ["_templates"]
suppress_warnings = ["myst.header"]

autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": True, "show-inheritance": True}

html_theme = "sphinx_book_theme"
html_title = "rindoku — reading Deep Learning from Scratch 2"
html_theme_options = {
    "show_toc_level": 2,
    "use_download_button": False,
    "home_page_in_toc": True,
    # No header bar above the book's own: its ☰ button would be a second one
    # (the theme's script binds only the first), its search field a second one.
    "navbar_persistent": [],
    # A home link above each page, the search page's included.
    "article_header_start": ["toggle-primary-sidebar", "home-and-title"],
    # The same page in the other edition (English / 日本語), then the theme's buttons.
    "article_header_end": ["language-switch", "article-header-buttons"],
    # Below the page's contents: a link to the page's source.
    "secondary_sidebar_items": ["page-toc", "sourcelink"],
}
# A page's source opens in the browser as text.
html_sourcelink_suffix = ".txt"
copybutton_prompt_text = r"\$ |>>> "
copybutton_prompt_is_regexp = True


def _pyproject_url(name: str) -> str:
    """The ``name`` entry of ``[project.urls]`` in the checkout's pyproject.toml, or ""."""
    pyproject = Path(__file__).resolve().parents[1] / "pyproject.toml"
    if not pyproject.is_file():
        return ""
    project_table = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project", {})
    return str(project_table.get("urls", {}).get(name, ""))


# The repository the book links to (the repository button above each page).
# Set RINDOKU_REPOSITORY_URL when building, or the "Repository" entry of
# [project.urls] in pyproject.toml; with neither, the book has no repository
# button (each page still links to its own source).
rindoku_repository_url = os.environ.get("RINDOKU_REPOSITORY_URL") or _pyproject_url("Repository")
