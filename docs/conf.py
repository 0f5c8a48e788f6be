"""Sphinx configuration of the rindoku course book."""

project = "rindoku"
author = "the rindoku reading group"
copyright = "2026, the rindoku reading group"
language = "en"

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
}
copybutton_prompt_text = r"\$ |>>> "
copybutton_prompt_is_regexp = True
# The search page is rendered again on every build; without the chapter
# navigation in its sidebar a rebuild with nothing changed is about 0.1 s faster.
html_sidebars = {"search": []}
