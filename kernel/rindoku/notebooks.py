"""Jupyter notebooks of the worked examples: one per example, one per chapter.

A notebook holds the same code as the example's script
(:func:`rindoku.examples.example_code`): its first cell installs rindoku where
it is missing (on Colab, for one) and shows figures inline, then each example
comes as a heading, its code (the imports, constants and helpers it uses, and
the function) and a cell that runs it with the seed the book uses.  The
notebooks are made with nbformat; their cell ids are fixed, so the same
examples always give the same file.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
from nbformat import NotebookNode
from nbformat import v4 as nbf

from rindoku.chapter import Chapter
from rindoku.examples import Example, example_code
from rindoku.execution import write_text_atomically
from rindoku.registry import Registry

__all__ = [
    "INSTALL",
    "chapter_examples",
    "chapter_notebook",
    "example_cells",
    "example_notebook",
    "notebook_name",
    "page_example_ids",
    "write_notebook",
]

INSTALL = """\
# Install rindoku where it is missing (on Colab, for one), and show figures in the notebook.
try:
    import rindoku
except ImportError:
    %pip install rindoku
%matplotlib inline"""
"""The first cell of every notebook."""

_EXAMPLE_DIRECTIVE = re.compile(r"^\s*(?:`{3,}|~{3,}|:{3,})\{rindoku-example\}\s+(\S+)",
                                re.MULTILINE)

_METADATA = {
    "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
    "language_info": {"name": "python"},
}


def notebook_name(example_id: str) -> str:
    """The file name of an example's script or notebook, without suffix: ``cbow_ptb_short``."""
    return re.sub(r"[^0-9a-zA-Z]+", "_", example_id)


def _cell_id(text: str) -> str:
    return re.sub(r"[^0-9a-zA-Z]+", "-", text).strip("-")[:64]


def _long_note(example: Example) -> str:
    return (f"*This example takes a while* (a full training): run it when you have a few "
            f"minutes.  In a terminal, `rindoku run {example.id}` runs it with a progress bar.")


def example_cells(example: Example, heading: str = "") -> list[NotebookNode]:
    """The cells of one example: ``heading`` (markdown) if given, its code, its run."""
    code = example_code(example)
    name = _cell_id(example.id)
    cells = []
    if heading:
        cells.append(nbf.new_markdown_cell(heading, id=f"{name}-title"))
    source = "\n\n".join(part for part in (code.future, code.text) if part)
    cells.append(nbf.new_code_cell(source, id=f"{name}-code"))
    call = f"{example.function.__name__}(np.random.default_rng({example.seed}))"
    cells.append(nbf.new_code_cell(call, id=f"{name}-run"))
    return cells


def _notebook(cells: list[NotebookNode]) -> NotebookNode:
    notebook = nbf.new_notebook(metadata=_METADATA)
    notebook.cells = [nbf.new_code_cell(INSTALL, id="install"), *cells]
    return notebook


def example_notebook(example: Example) -> NotebookNode:
    """A notebook of one example: install, title, code, one run with the example's seed."""
    text = (f"# {example.title}\n\n"
            f"The worked example `{example.id}` of the rindoku course book: its code, with "
            f"the constants and helpers it uses, then one run with the seed {example.seed}, "
            "which prints what the book shows.")
    if example.size == "long":
        text += "\n\n" + _long_note(example)
    return _notebook(example_cells(example, text))


def page_example_ids(page: Path) -> list[str]:
    """The ids of the examples a chapter page shows (``{rindoku-example}``), in page order."""
    text = Path(page).read_text(encoding="utf-8")
    return list(dict.fromkeys(_EXAMPLE_DIRECTIVE.findall(text)))


def chapter_examples(chapter: Chapter, registry: Registry) -> list[Example]:
    """The chapter's examples: those its page shows, in page order, then any other."""
    own = [i for i in registry.examples if i.partition(".")[0] == chapter.slug]
    shown = [i for i in page_example_ids(chapter.page) if i in registry.examples]
    return [registry.example(i) for i in [*shown, *(i for i in own if i not in shown)]]


def chapter_notebook(chapter: Chapter, registry: Registry) -> NotebookNode:
    """A notebook of a whole chapter: its examples in page order, each under its title.

    A long example is included too, with a note that it takes a while.
    """
    examples = chapter_examples(chapter, registry)
    intro = f"# {chapter.title} — {chapter.title_ja}\n\n"
    if chapter.summary:
        intro += f"{chapter.summary}\n\n"
    intro += ("The worked examples of this chapter of the rindoku course book, in the order "
              "the page shows them: each is its code, with the constants and helpers it uses, "
              "then one run with the seed the book uses.")
    cells = [nbf.new_markdown_cell(intro, id="title")]
    for example in examples:
        heading = f"## {example.title}\n\n`{example.id}`"
        if example.size == "long":
            heading += "\n\n" + _long_note(example)
        cells += example_cells(example, heading)
    return _notebook(cells)


def write_notebook(notebook: NotebookNode, path: Path) -> bool:
    """Write ``notebook`` to ``path`` unless the file already holds it; True if written.

    The notebook is validated first (:func:`nbformat.validate`).
    """
    nbformat.validate(notebook)
    text = nbformat.writes(notebook)
    path = Path(path)
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomically(path, text)  # another build may be reading it
    return True
