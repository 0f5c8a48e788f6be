"""The Sphinx extension of the decks: the book's directives, as slides show them.

The decks are built by sphinx-revealjs (the ``revealjs`` builder) from the
document :func:`rindoku.slides.deck.deck_markdown` writes.  This extension
gives that build the book's roles (``{rindoku-value}``, ``{book}``) and its
directives, shown as a slide needs them:

- ``rindoku-example`` shows the example's printed output and figures, from the
  book's cache or its record (never its source, never a second run of a cached
  example), with long output cut to its first and last lines;
- ``rindoku-source`` shows the object's code without docstrings, cut to
  :data:`MAX_CODE_LINES` lines, saying how many more the book shows;
- ``rindoku-exercise`` shows the prompt and the command that starts it.

It adds the deck's own directives (the title slide, a section's terms, the
speaker notes), the bundled MathJax, a style sheet that names the CJK font the
Japanese needs and has a light and a dark palette (``D`` switches), and it
leaves out of the deck the parts of reveal.js that the deck does not load.

A deck in Japanese (``language = "ja"``) says its own words from the book
extension's catalog (:data:`rindoku.sphinxext.translations._`), shows the
figures drawn in Japanese, and has its page text translated by the catalog
:func:`rindoku.slides.build.build_decks` gives it.
"""

from __future__ import annotations

import ast
import dataclasses
import shutil
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment
from sphinx.transforms import SphinxTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from rindoku import __version__
from rindoku.execution import ExampleResult
from rindoku.registry import UnknownNameError
from rindoku.slides.deck import FONT
from rindoku.sphinxext import booksections, translations, values
from rindoku.sphinxext import directives as book_directives
from rindoku.sphinxext import nodes as book_nodes
from rindoku.sphinxext.results import outcome_of
from rindoku.sphinxext.state import registry_of
from rindoku.sphinxext.translations import _

__all__ = ["MAX_CODE_LINES", "MAX_OUTPUT_LINES", "setup", "short_listing", "short_output"]

logger = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
BOOK_STATIC = Path(book_directives.__file__).parent / "static"
MATHJAX = "mathjax/tex-svg-full.js"

MAX_CODE_LINES = 16
"""The longest listing a slide shows (at the size read from the back of a room)."""

MAX_OUTPUT_LINES = 14
"""The most lines of an example's printed output a slide shows."""


# -- what a slide shows of code and output -------------------------------------------------

def _docstring_lines(tree: ast.AST) -> set[int]:
    """The lines (from 1) of every docstring in ``tree``."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if (body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
                    and isinstance(body[0].value.value, str) and body[0].end_lineno):
                lines.update(range(body[0].lineno, body[0].end_lineno + 1))
    return lines


def short_listing(source: str, max_lines: int = MAX_CODE_LINES) -> tuple[str, int]:
    """``source`` without its docstrings and blank runs, cut to ``max_lines`` lines.

    Returns the text and how many lines were cut (0 when it fits).
    """
    try:
        skip = _docstring_lines(ast.parse(source))
    except SyntaxError:
        skip = set()
    kept: list[str] = []
    for number, line in enumerate(source.rstrip("\n").splitlines(), start=1):
        if number in skip or (not line.strip() and (not kept or not kept[-1].strip())):
            continue
        kept.append(line)
    while kept and not kept[-1].strip():
        kept.pop()
    if len(kept) <= max_lines:
        return "\n".join(kept), 0
    shown = kept[:max_lines - 1]
    indent = len(shown[-1]) - len(shown[-1].lstrip())
    return "\n".join([*shown, " " * indent + "..."]), len(kept) - len(shown)


def short_output(text: str, max_lines: int = MAX_OUTPUT_LINES,
                 more: str = "⋮ ({count} more lines)") -> str:
    """Printed output cut to its first and last lines, with a line saying how many are left
    out (``more``, in the deck's language)."""
    lines = text.rstrip("\n").splitlines()
    if len(lines) <= max_lines:
        return "\n".join(lines)
    head = max_lines // 3
    tail = max_lines - head - 1
    return "\n".join([*lines[:head], more.format(count=len(lines) - head - tail),
                      *lines[-tail:]])


# -- the book's directives on a slide --------------------------------------------------------

def _own_words(text: str, classes: list[str]) -> nodes.paragraph:
    """A paragraph of the deck's own words (already in its language): no catalog's message."""
    return nodes.paragraph(text, text, classes=classes, translatable=False)


class OwnTitles(SphinxTransform):
    """The deck's headings are its own words, already in its language (the slides' titles,
    :func:`rindoku.slides.deck.deck_markdown`): no catalog translates them (before Sphinx's
    ``Locale`` transform, priority 20)."""

    default_priority = 10

    def apply(self, **kwargs: Any) -> None:
        for title in self.document.findall(nodes.title):
            title["translatable"] = False


class SlideSource(book_directives.SourceDirective):
    """``{rindoku-source}`` on a slide: the code without docstrings, at most
    :data:`MAX_CODE_LINES` lines."""

    def run(self) -> list[nodes.Node]:
        out = super().run()
        block = next(iter(out[0].findall(nodes.literal_block)))
        text, cut = short_listing(block.astext())
        short = nodes.literal_block(text, text, language="python")
        caption = self.arguments[0].rpartition(".")[2]
        if cut:
            caption += _(" — {count} more lines in the book").format(count=cut)
        box = nodes.container(classes=["rindoku-slide-code"])
        box += _own_words(caption, classes=["rindoku-slide-caption"])
        box += short
        return [box]


class SlideExample(book_directives.ExampleDirective):
    """``{rindoku-example}`` on a slide: the output and figures of the book's run."""

    def run(self) -> list[nodes.Node]:
        try:
            example = self.registry.example(self.arguments[0])
        except UnknownNameError as exc:
            raise self.error(f"rindoku-example: {exc}") from exc
        outcome = outcome_of(self.env.app, example)
        self._record(outcome)
        result, record = outcome.result, outcome.record
        box = nodes.container(classes=["rindoku-slide-example"])
        if record is not None:
            shown: ExampleResult | None = ExampleResult(example.id, record.stdout,
                                                        record.figure_paths)
            note = _("recorded on {date} with {command}").format(date=record.date,
                                                                 command=record.command)
        elif result is not None and result.ok:
            shown, note = result, f"rindoku run {example.id}"
        else:
            shown = None
            run = f"rindoku run {example.id}"
            if outcome.missing_data:
                note = _("{id} needs {datasets}: run '{run}'").format(
                    id=example.id, datasets=", ".join(outcome.datasets), run=run)
            elif result is not None:
                note = _("{id} raised: run '{run}'").format(id=example.id, run=run)
            else:
                note = _("{id} takes a while: run '{run}'").format(id=example.id, run=run)
        if shown is not None:
            # the output on the left, the figures on the right, one above the other
            if shown.stdout.strip():
                text = short_output(shown.stdout, more=_("⋮ ({count} more lines)"))
                box += nodes.literal_block(text, text, language="text",
                                           classes=["rindoku-slide-output"])
                box["classes"].append("rindoku-with-output")
            figures = self._output(ExampleResult(example.id, "", shown.figures), example)
            if figures:
                box += nodes.container("", *figures, classes=["rindoku-slide-figures"])
                box["classes"].append(f"rindoku-figures-{min(len(figures), 3)}")
        return [box, _own_words(note, classes=["rindoku-slide-caption"])]


class SlideExercise(book_directives.ExerciseDirective):
    """``{rindoku-exercise}`` on a slide: the prompt and the command that starts it."""

    def run(self) -> list[nodes.Node]:
        try:
            exercise = self.registry.exercise(self.arguments[0])
        except UnknownNameError as exc:
            raise self.error(f"rindoku-exercise: {exc}") from exc
        box = nodes.container(classes=["rindoku-slide-exercise"])
        box += self.parse_markdown(exercise.prompt)
        command = f"rindoku exercise start {exercise.id}"
        box += nodes.literal_block(command, command, language="console")
        return [box]


# -- the deck's own directives ---------------------------------------------------------------

class DeckTitle(SphinxDirective):
    """``{rindoku-deck-title}`` — under the title slide's heading: the book sections, the
    meeting's date and presenter, its notes, and where the slides come from."""

    has_content = True
    option_spec = {"sections": directives.unchanged, "chapters": directives.unchanged,
                   "date": directives.unchanged, "presenter": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        box = nodes.container(classes=["rindoku-deck-title"])
        span = self.options.get("sections", "")
        box += _own_words(span, classes=["rindoku-deck-span"])
        meeting = " · ".join(part for part in (self.options.get("date", ""),
                                               self.options.get("presenter", "")) if part)
        if meeting:
            box += _own_words(meeting, classes=["rindoku-deck-meeting"])
        if self.content:
            container = nodes.container(classes=["rindoku-deck-notes"])
            self.state.nested_parse(self.content, self.content_offset, container)
            for element in container.findall(nodes.TextElement):
                element["translatable"] = False  # the plan's words, in the organiser's language
            box += container
        pages = ", ".join(f"chapters/{s.strip()}.md" for s in
                          self.options.get("chapters", "").split(",") if s.strip())
        where = _("Slides from the rindoku course book ({pages}) · Japanese text: {font} · "
                  "press S for the speaker view, D for dark or light").format(pages=pages,
                                                                             font=FONT)
        box += _own_words(where, classes=["rindoku-deck-source"])
        return [box]


class slide_terms(nodes.General, nodes.Element):  # noqa: N801 (docutils names nodes so)
    """A section's key terms, English beside Japanese."""


def visit_slide_terms_html(self: Any, node: slide_terms) -> None:
    self.body.append(self.starttag(node, "dl", CLASS="rindoku-slide-terms"))
    for english, japanese in node["terms"]:
        self.body.append(f"<dt>{self.encode(english)}</dt>"
                         f'<dd lang="ja">{self.encode(japanese)}</dd>')
    self.body.append("</dl>\n")
    raise nodes.SkipNode


class SlideTerms(SphinxDirective):
    """``{rindoku-slide-terms}`` — one ``english = 日本語`` a line."""

    has_content = True

    def run(self) -> list[nodes.Node]:
        terms = [tuple(part.strip() for part in line.split("=", 1))
                 for line in self.content if "=" in line]
        return [slide_terms(terms=terms)]


class slide_notes(nodes.General, nodes.Element):  # noqa: N801
    """What the presenter says: shown in the speaker view (reveal.js notes), not on the slide."""


def visit_slide_notes_html(self: Any, node: slide_notes) -> None:
    self.body.append('<aside class="notes">\n')


def depart_slide_notes_html(self: Any, node: slide_notes) -> None:
    self.body.append("</aside>\n")


class SlideNotes(SphinxDirective):
    """``{rindoku-slide-notes}`` — the page's prose around a slide's blocks.

    The speaker view has no MathJax: a formula in the notes is shown as its TeX.
    """

    has_content = True

    def run(self) -> list[nodes.Node]:
        node = slide_notes()
        self.state.nested_parse(self.content, self.content_offset, node)
        for math in list(node.findall(nodes.math)):
            math.replace_self(nodes.literal(math.astext(), math.astext()))
        for block in list(node.findall(nodes.math_block)):
            block.replace_self(nodes.literal_block(block.astext(), block.astext()))
        return [node]


class SlideSection(SphinxDirective):
    """``{rindoku-slide-section}`` — the slide of a section that marks no block."""

    option_spec = {"page": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        text = _("In the book: {page}").format(page=f"chapters/{self.options.get('page', '')}")
        return [_own_words(text, classes=["rindoku-slide-caption"])]


# -- the build ---------------------------------------------------------------------------

def use_cached_results_only(app: Sphinx) -> None:
    """With ``rindoku_slides_cached_only`` (the book's own deck build, which follows the
    book's run of every example), a deck shows what the cache and the records hold, and
    runs nothing: an example the book could not run (no data set here) is not tried again.
    """
    if not app.config.rindoku_slides_cached_only:
        return
    registry = registry_of(app)
    for example_id in registry.examples:
        example = registry.example(example_id)
        if example.size != "quick":
            continue
        # looked up as a long example is, never run, and remembered under its id; one that
        # has neither a cached result nor a record is left to run as in the book
        outcome = outcome_of(app, dataclasses.replace(example, size="long"))
        if outcome.result is None and outcome.record is None:
            app._rindoku_outcomes.pop(example_id)  # type: ignore[attr-defined]


def use_bundled_mathjax(app: Sphinx, config: Config) -> None:
    """The deck renders its formulas with the book's own MathJax: no CDN."""
    config.mathjax_path = MATHJAX


def chapter_title_for_link(app: Sphinx, env: BuildEnvironment, node: Any,
                           contnode: Any) -> Any:
    """A deck has no other pages: a link to a chapter (``{doc}`countbased```) becomes
    the chapter's title, any other link to a page its words."""
    if node.get("reftype") != "doc":
        return None
    slug = str(node["reftarget"]).rstrip("/").rpartition("/")[2]
    chapter = registry_of(app).chapters.get(slug)
    if chapter is not None and not node.get("refexplicit"):
        return nodes.inline(chapter.value.title, chapter.value.title)
    return contnode


UNUSED_REVEAL = ("css", "plugin/markdown", "plugin/math", "plugin/search", "plugin/zoom")
"""Parts of the bundled reveal.js that a deck does not load."""


def finish_deck(app: Sphinx, exception: Exception | None) -> None:
    """Copy the deck's style, script and MathJax; leave out what it does not load."""
    if exception is not None:
        return
    static = Path(app.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    for name in ("rindoku-slides.css", "rindoku-slides.js"):
        shutil.copyfile(STATIC / name, static / name)
    shutil.copytree(BOOK_STATIC / "mathjax", static / "mathjax", dirs_exist_ok=True)
    reveal = static / "revealjs"
    for part in UNUSED_REVEAL:
        shutil.rmtree(reveal / part, ignore_errors=True)
    for pattern in ("**/*.map", "**/*.esm.js", "**/*.scss", "**/*.eot"):
        for path in reveal.glob(pattern):
            path.unlink()
    for name in ("rindoku.css", "rindoku.js"):  # the book's, added by nothing here
        (static / name).unlink(missing_ok=True)


def setup(app: Sphinx) -> dict[str, Any]:
    # what the book's extension would configure: where results and records are
    app.add_config_value("rindoku_cache_dir", "", "env", types=[str])
    app.add_config_value("rindoku_records_dir", "records", "env", types=[str])
    app.add_config_value("rindoku_plugins", [], "env", types=[list])
    app.add_config_value("rindoku_installed_plugins", True, "env", types=[bool])
    app.add_config_value("rindoku_run_long", False, "env", types=[bool, int])
    app.add_config_value("rindoku_chapters", [], "env", types=[list])
    app.add_config_value("rindoku_chapters_dir", "chapters", "env", types=[str])
    app.add_config_value("rindoku_slides_cached_only", False, "env", types=[bool])
    app.setup_extension("sphinx_revealjs")
    app.setup_extension("sphinx.ext.mathjax")

    app.connect("config-inited", use_bundled_mathjax)
    app.connect("config-inited", translations.add_extension_catalog)
    app.connect("config-inited", booksections.use_heading_slug)
    app.connect("builder-inited", use_cached_results_only)
    app.connect("missing-reference", chapter_title_for_link)
    app.connect("build-finished", finish_deck)

    app.add_node(book_nodes.details, html=(book_nodes.visit_details_html,
                                            book_nodes.depart_details_html))
    app.add_node(book_nodes.summary, html=(book_nodes.visit_summary_html,
                                            book_nodes.depart_summary_html))
    app.add_node(book_nodes.figure_link, html=(book_nodes.visit_figure_link_html,
                                                book_nodes.depart_figure_link_html))
    app.add_node(booksections.book_sections,
                 html=(booksections.visit_book_sections_html, None))
    app.add_node(slide_terms, html=(visit_slide_terms_html, None))
    app.add_node(slide_notes, html=(visit_slide_notes_html, depart_slide_notes_html))
    app.add_transform(OwnTitles)
    app.add_directive("rindoku-source", SlideSource)
    app.add_directive("rindoku-example", SlideExample)
    app.add_directive("rindoku-exercise", SlideExercise)
    app.add_directive("rindoku-deck-title", DeckTitle)
    app.add_directive("rindoku-slide-terms", SlideTerms)
    app.add_directive("rindoku-slide-notes", SlideNotes)
    app.add_directive("rindoku-slide-section", SlideSection)
    app.add_role("rindoku-value", values.ValueRole())
    app.add_role("book", booksections.BookRole())
    return {"version": __version__, "parallel_read_safe": False,
            "parallel_write_safe": True}
