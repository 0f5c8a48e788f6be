"""The book's directives: a plugin object's source, an executed example (or its
record), an exercise, the chapter list and the glossary."""

from __future__ import annotations

import importlib
import inspect
import os
import string
import textwrap
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.parsers.rst import directives
from docutils.statemachine import StringList
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.directives.other import TocTree
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from rindoku.examples import Example, example_code, example_script, figure_description
from rindoku.execution import (
    ExampleCache,
    ExampleResult,
    file_digests,
    library_versions,
    write_text_atomically,
)
from rindoku.i18n import figure_in
from rindoku.kinds import KINDS
from rindoku.notebooks import (
    chapter_notebook,
    example_notebook,
    notebook_name,
    write_notebook,
)
from rindoku.records import Record, runs_only_when_named
from rindoku.registry import Registry, UnknownNameError
from rindoku.sphinxext.nodes import figure_link, make_details
from rindoku.sphinxext.results import Outcome, outcome_of
from rindoku.sphinxext.state import book_chapters, book_state, cache_dir, registry_of
from rindoku.sphinxext.terms import term_label
from rindoku.sphinxext.translations import _, from_page, page_inline

logger = logging.getLogger(__name__)


def import_object(path: str) -> Any:
    """Import ``package.module.Object.attr`` by trying the longest module prefix."""
    parts = path.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attr in parts[cut:]:
            obj = getattr(obj, attr)
        return obj
    raise ImportError(f"cannot import {path!r}")


class RindokuDirective(SphinxDirective):
    """Shared helpers: the registry, paths relative to the current document."""

    @property
    def registry(self) -> Registry:
        return registry_of(self.env.app)

    def relative_to_doc(self, path: Path) -> str:
        """``path`` as a URI relative to the current document's folder."""
        doc_dir = Path(self.env.srcdir) / Path(self.env.docname).parent
        return os.path.relpath(path, doc_dir).replace(os.sep, "/")

    def parse_markdown(self, text: str, page: bool = True) -> list[nodes.Node]:
        """Parse ``text`` as the document's own markup (MyST) into nodes.

        With ``page`` (a plugin's text: a prompt, a hint) the nodes are the
        page's, translated through its catalog; without it (the extension's
        words, already in the edition's language) they are left alone.
        """
        container = nodes.container()
        self.state.nested_parse(StringList(text.splitlines(), source=self.env.docname),
                                self.content_offset, container)
        children = list(container.children)
        if page:
            return from_page(children, *self.get_source_info())
        for child in children:  # not the page's messages: its catalog has no say in them
            for element in child.findall(nodes.TextElement):
                element["translatable"] = False
        return children

    def page_text(self, text: str) -> nodes.Element:
        """A plugin's title, translated through the page's catalog."""
        return page_inline(text, *self.get_source_info())

    def code(self, text: str, language: str = "python", caption: str = "") -> nodes.Node:
        block = nodes.literal_block(text, text, language=language)
        if not caption:
            return block
        wrapper = nodes.container(literal_block=True, classes=["literal-block-wrapper"])
        wrapper += nodes.caption(caption, caption)
        wrapper += block
        return wrapper

    def label(self, template: str, **parts: str | nodes.Node) -> nodes.paragraph:
        para = nodes.paragraph(classes=["rindoku-label"])
        para += sentence(template, **parts)
        return para


class SourceDirective(RindokuDirective):
    """``{rindoku-source} module.Object`` — the real source of a library object."""

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        path = self.arguments[0]
        try:
            # a decorated function (numba's njit returns an object) shows its own source
            obj = inspect.unwrap(import_object(path))
            source = inspect.getsource(obj)
            file = inspect.getsourcefile(obj)
            _lines, line = inspect.getsourcelines(obj)
        except (ImportError, AttributeError, TypeError, OSError) as exc:
            raise self.error(f"rindoku-source: cannot show {path!r}: {exc}") from exc
        if file:
            self.env.note_dependency(file)
        module = getattr(inspect.getmodule(obj), "__name__", "")
        caption = f"{module} (line {line})" if module else path
        # a method's source is indented as in its class: dedent every line alike
        return [self.code(textwrap.dedent(source), caption=caption)]


class ExampleDirective(RindokuDirective):
    """``{rindoku-example} chapter.name`` — run an example, embed source, output, figures.

    Where the build has no result of its own (a long example, or one whose data
    set is not here), the example's record is shown, under a line that says when
    and how it was recorded (:mod:`rindoku.sphinxext.results`).
    """

    required_arguments = 1
    option_spec = {"hide-source": directives.flag}

    def run(self) -> list[nodes.Node]:
        try:
            example = self.registry.example(self.arguments[0])
        except UnknownNameError as exc:
            raise self.error(f"rindoku-example: {exc}") from exc
        cache = ExampleCache(cache_dir(self.env.app))
        # quick examples run now; long ones are shown from the cache or their record,
        # or run as well when the build was asked to (rindoku_run_long)
        outcome = outcome_of(self.env.app, example)
        result, record = outcome.result, outcome.record
        self._record(outcome)

        box = nodes.container(classes=["rindoku-example"])
        box += self.label(_("Example: {title} ({id})"), title=self.page_text(example.title),
                          id=example.id)
        if "hide-source" not in self.options:
            box += self._prelude(example)
            box += self.code(example.source)
        box += self._script_link(example, cache)
        if record is not None:
            box += self._recorded_note(outcome, record)
            box += self._output(ExampleResult(example.id, record.stdout, record.figure_paths),
                                example)
        elif outcome.missing_data:
            box += self._missing_data_note(outcome)
        elif result is None:
            run = f"`rindoku run {example.id}`"
            note = (_("This example takes hours. Run {run} to see its output and figures.")
                    .format(run=run) if runs_only_when_named(example) else
                    _("This example takes a while. Run {run} to see its output and figures, or "
                      "build the book with {build}.").format(run=run,
                                                             build="`rindoku book --long`"))
            box += self.parse_markdown("```{note}\n" + note + "\n```", page=False)
        elif not result.ok:
            logger.error("example %s raised:\n%s", example.id, result.error,
                         location=self.get_location())
            box += nodes.container("", self.code(result.error or "", "text",
                                                 caption=_("This example raised")),
                                   classes=["rindoku-error"])
        else:
            box += self._output(result, example)
        return [box]

    def _record(self, outcome: Outcome) -> None:
        """Remember the run, and the files it depends on, to tell when it is out of date.

        A run that stopped for want of data is read again on the next build: the
        data may be there by then.
        """
        example, result, record = outcome.example, outcome.result, outcome.record
        plugin = self.registry.examples[example.id].plugin
        files = [*outcome.files(), self.registry.plugin_file(plugin)]
        if result is None:
            status = "recorded" if record else "not run (long)"
        elif outcome.missing_data:
            status = "no data, recorded" if record else "no data"
        else:
            status = "cached" if result.cached else "ran" if result.ok else "FAILED"
        if outcome.stale:
            status += ", STALE"
        records = book_state(self.env).examples.setdefault(self.env.docname, [])
        records.append({
            "id": example.id,
            "ok": result is None or result.ok or outcome.missing_data,
            "seconds": result.seconds if result else 0.0,
            "status": status,
            "files": file_digests(f for f in files if f),
            "versions": library_versions(),
            "data": outcome.datasets if outcome.missing_data else None,
            "data_error": result.data_error if result is not None else None,
            "recorded": record is not None,
            "stale": outcome.stale,
        })

    def _recorded_note(self, outcome: Outcome, record: Record) -> nodes.paragraph:
        """"Recorded on 2026-12-02 with `rindoku record cbow.ptb` (25 s, 16 cores, …)."
        and, when it applies, that the record is stale or the data is not here."""
        para = nodes.paragraph(classes=["rindoku-recorded"])
        para += sentence(_("Recorded on {date} with {command} ({duration}, {machine})."),
                         date=record.date, command=nodes.literal(record.command, record.command),
                         duration=duration(record.seconds), machine=record.machine_short)
        if outcome.stale:
            para["classes"].append("rindoku-stale")
            command = f"rindoku record {outcome.example.id}"
            para += nodes.Text(" ")
            para += sentence(_("This record is stale: the code has changed since it was "
                               "recorded; run {command} to update it."),
                             command=nodes.literal(command, command))
        if outcome.missing_data:
            para += nodes.Text(" ")
            template = (_("{data_sets} is not here, so the book shows this recorded run.")
                        if len(outcome.datasets) < 2 else
                        _("{data_sets} are not here, so the book shows this recorded run."))
            para += sentence(template, data_sets=data_sets_phrase(outcome.datasets,
                                                                  capital=True))
        return para

    def _missing_data_note(self, outcome: Outcome) -> nodes.note:
        """"This example needs the `ptb` data set, which is not here: …" and the command."""
        para = nodes.paragraph()
        if outcome.datasets:
            names = " ".join(outcome.datasets)
            template = (_("This example needs {data_sets}, which is not here: run {fetch} "
                          "(with internet) or set {variable}.") if len(outcome.datasets) < 2 else
                        _("This example needs {data_sets}, which are not here: run {fetch} "
                          "(with internet) or set {variable}."))
            para += sentence(template, data_sets=data_sets_phrase(outcome.datasets),
                             fetch=nodes.literal("", f"rindoku data fetch {names}"),
                             variable=nodes.literal("", "RINDOKU_DATA=DIR"))
        else:
            para += sentence(_("This example needs a data file that is not here: {error}"),
                             error=outcome.result.data_error if outcome.result else "")
        return nodes.note("", para, classes=["rindoku-no-data"])

    def _output(self, result: ExampleResult, example: Example) -> list[nodes.Node]:
        out: list[nodes.Node] = []
        if result.stdout.strip():
            out.append(nodes.container("", self.code(result.stdout.rstrip("\n"), "text",
                                                     caption=_("Output")),
                                       classes=["rindoku-output"]))
        language = self.config.language or "en"
        for number, drawn in enumerate(result.figures, start=1):
            # the figure in the edition's language, where it has words to translate
            figure = figure_in(drawn, language)
            # what the figure shows, saved with it when it was drawn; an older
            # cached figure has none, and the example's title stands in
            shows = (figure_description(figure) if figure.is_file() else "") or example.title
            uri = self.relative_to_doc(figure)
            # the description is the figure's own, in the edition's language: given
            # to the image when it is written, so that no catalog extracts it
            alt = _("{id}, figure {number}: {shows}").format(id=result.id, number=number,
                                                             shows=shows)
            out.append(figure_link("", nodes.image(uri=uri, candidates={"*": uri}),
                                   description=alt))
        return out

    def _prelude(self, example: Example) -> list[nodes.Node]:
        """The imports, constants and helpers the example uses, folded: the top of its
        script, so that every name the listing uses is defined on the page."""
        code = example_code(example)
        if not code.prelude:
            return []
        title = (_("Imports and the definitions it uses ({names})").format(
            names=", ".join(code.names)) if code.names else _("Imports"))
        return [make_details(title, self.code(code.prelude), classes=("rindoku-prelude",))]

    def _script_link(self, example: Example, cache: ExampleCache) -> nodes.paragraph:
        """Write the example's script and notebook beside its results; link both."""
        folder = cache.root / example.id
        script = folder / f"{notebook_name(example.id)}.py"
        folder.mkdir(parents=True, exist_ok=True)
        text = example_script(example)
        if not script.exists() or script.read_text(encoding="utf-8") != text:
            write_text_atomically(script, text)  # another build may be reading it
        notebook = script.with_suffix(".ipynb")
        write_notebook(example_notebook(example), notebook)
        module = inspect.getsourcefile(example.function)
        if module:  # the script shows the module's helpers: a change of them re-reads the page
            self.env.note_dependency(module)
        para = nodes.paragraph(classes=["rindoku-downloads"])
        para += sentence(
            _("Download {script} · {notebook} · or run it in a terminal: {command}"),
            script=download_link(self.env.docname, self.relative_to_doc(script), script.name),
            notebook=download_link(self.env.docname, self.relative_to_doc(notebook),
                                   notebook.name),
            command=nodes.literal("", f"rindoku run {example.id}"))
        return para


def duration(seconds: float) -> str:
    """``0.4 s``, ``25 s``, ``3 min 10 s``, ``1 h 5 min``."""
    if seconds < 9.95:
        return _("{seconds} s").format(seconds=f"{seconds:.1f}")
    seconds = round(seconds)
    if seconds < 60:
        return _("{seconds} s").format(seconds=seconds)
    if seconds < 3600:
        return _("{minutes} min {seconds} s").format(minutes=seconds // 60,
                                                     seconds=seconds % 60)
    return _("{hours} h {minutes} min").format(hours=seconds // 3600,
                                               minutes=seconds % 3600 // 60)


def data_sets_phrase(names: list[str], capital: bool = False) -> list[nodes.Node]:
    """"the `ptb` data set", "the `ptb` and `word-benchmarks` data sets"."""
    listed: list[nodes.Node] = []
    for number, name in enumerate(names):
        if number:
            listed.append(nodes.Text(_(" and ") if number == len(names) - 1 else _(", ")))
        listed.append(nodes.literal(name, name))
    if len(names) > 1:
        template = _("The {names} data sets") if capital else _("the {names} data sets")
    else:
        template = _("The {names} data set") if capital else _("the {names} data set")
    return sentence(template, names=listed)


def sentence(template: str, **parts: str | nodes.Node | list[nodes.Node]) -> list[nodes.Node]:
    """The nodes of a sentence of the extension's (translated) words, ``template``,
    with its ``{name}`` fields filled: text, a node (a link, a literal) or nodes."""
    out: list[nodes.Node] = []
    for literal, field, _spec, _conversion in string.Formatter().parse(str(template)):
        if literal:
            out.append(nodes.Text(literal))
        if field is None:
            continue
        part = parts[field]
        if isinstance(part, str):
            out.append(nodes.Text(part))
        elif isinstance(part, list):
            out.extend(part)
        else:
            out.append(part)
    return out


def download_link(docname: str, target: str, text: str) -> addnodes.download_reference:
    """A link to the file ``target`` (relative to the document), which the builder
    copies into ``_downloads``."""
    reference = addnodes.download_reference("", "", refdoc=docname, reftarget=target,
                                            refexplicit=True)
    reference += nodes.literal(text, text)
    return reference


def add_chapter_notebook_link(app: Sphinx, doctree: nodes.document) -> None:
    """Under a chapter page's title, link a notebook of all the chapter's examples.

    Every chapter of the book gets one, a third-party chapter's too.  It runs
    before Sphinx collects a page's downloads (``doctree-read``, priority 400),
    so that the notebook is copied into ``_downloads`` like an example's script.
    """
    env = app.env
    folder, _sep, slug = env.docname.rpartition("/")
    chapter = next((c for c in book_chapters(app) if c.slug == slug), None)
    if folder != app.config.rindoku_chapters_dir or chapter is None:
        return
    registry = registry_of(app)
    examples = [e for e in registry.examples if e.partition(".")[0] == slug]
    if not examples:
        return
    path = cache_dir(app) / "chapters" / f"{slug}.ipynb"
    write_notebook(chapter_notebook(chapter, registry), path)
    for example_id in examples:
        module = inspect.getsourcefile(registry.example(example_id).function)
        if module:
            env.note_dependency(module)
    doc_dir = Path(env.srcdir) / Path(env.docname).parent
    target = os.path.relpath(path, doc_dir).replace(os.sep, "/")
    para = nodes.paragraph(classes=["rindoku-downloads", "rindoku-chapter-notebook"])
    para += sentence(_("All of this chapter's examples in one Jupyter notebook: {notebook}"),
                     notebook=download_link(env.docname, target, path.name))
    section = doctree.next_node(nodes.section)
    if section is not None and section.children and isinstance(section[0], nodes.title):
        section.insert(1, para)
    else:
        doctree.insert(0, para)


class ExerciseDirective(RindokuDirective):
    """``{rindoku-exercise} chapter.name`` — prompt, starter code, hints, hidden solution."""

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        try:
            exercise = self.registry.exercise(self.arguments[0])
        except UnknownNameError as exc:
            raise self.error(f"rindoku-exercise: {exc}") from exc
        self.env.note_dependency(str(exercise.solution_file))

        box = nodes.container(classes=["rindoku-exercise"])
        box += self.label(_("Exercise: {title} ({id})"), title=self.page_text(exercise.title),
                          id=exercise.id)
        box += self.parse_markdown(exercise.prompt)
        commands = (f"rindoku exercise start {exercise.id}\n"
                    f"rindoku exercise check {exercise.id} {exercise.filename}")
        box += self.code(commands, "console", caption=_("Start and check it"))
        box += self.code(exercise.starter,
                         caption=_("Starter code ({filename})").format(filename=exercise.filename))
        # one collapsible block per hint, so that a reader opens them one at a time
        last = len(exercise.hints)
        for number, hint in enumerate(exercise.hints, start=1):
            template = _("Hint {number}")
            if number == last and last > 1:
                template = _("Hint {number} (last: shows code)") if "`" in hint else _(
                    "Hint {number} (last)")
            box += make_details(template.format(number=number), *self.parse_markdown(hint),
                                classes=("rindoku-hint",))
        box += make_details(_("Solution"), self.code(exercise.solution))
        return [box]


class ChaptersDirective(TocTree, RindokuDirective):
    """``{rindoku-chapters}`` — the registered chapters, in order: a table and the toctree."""

    required_arguments = 0
    has_content = False
    option_spec: dict[str, Any] = {}

    def run(self) -> list[nodes.Node]:
        chapters = book_chapters(self.env.app)
        book_state(self.env).chapter_docs.add(self.env.docname)
        language = self.config.language or "en"
        columns = (_("Chapter"), _("Covers"), _("Source"))
        rows = ["| | {} | {} | {} |".format(*columns), "|---|---|---|---|"]
        for c in chapters:
            title, other = c.titles(language)
            rows.append(f"| {c.number} | {{doc}}`{title} <chapters/{c.slug}>` ({other}) "
                        f"| {c.summary} | {c.source} |")
        table = self.parse_markdown("\n".join(rows))
        # the summaries and sources are the page's to translate; the rest is in
        # the edition's language already
        for row in (r for t in table for r in t.findall(nodes.row)):
            header = isinstance(row.parent, nodes.thead)
            for column, entry in enumerate(row.children):
                if header or column < 2:
                    for para in entry.findall(nodes.paragraph):
                        para["translatable"] = False
        self.content = StringList([f"chapters/{c.slug}" for c in chapters])
        self.options = {"maxdepth": 1, "caption": str(_("Chapters")), "hidden": True}
        return table + super().run()


class GlossaryDirective(RindokuDirective):
    """``{rindoku-glossary}`` — every chapter's key terms, English beside Japanese, each
    linked to where its chapter introduces it (:mod:`rindoku.sphinxext.terms`)."""

    def run(self) -> list[nodes.Node]:
        book_state(self.env).chapter_docs.add(self.env.docname)
        language = self.config.language or "en"
        entries = []
        for chapter in book_chapters(self.env.app):
            for english, japanese in chapter.terms.items():
                entries.append((english.lower(), english, japanese, chapter))
        columns = (_("English"), "日本語", _("Chapter"))
        rows = ["| {} | {} | {} |".format(*columns), "|---|---|---|"]
        for _key, english, japanese, chapter in sorted(entries, key=lambda e: e[0]):
            title, _other = chapter.titles(language)
            rows.append(f"| {english} | {japanese} | {{ref}}`{title} "
                        f"<{term_label(chapter.slug, english)}>` |")
        # each term is in its language already, and a chapter's title is its own
        return self.parse_markdown("\n".join(rows), page=False)


class HooksDirective(RindokuDirective):
    """``{rindoku-hooks}`` — every hook: a table from :data:`rindoku.kinds.KINDS`, then
    each hook specification's documentation."""

    def run(self) -> list[nodes.Node]:
        rows = ["| hook | returns | registered by | listed with |", "|---|---|---|---|"]
        for kind in KINDS:
            item = "classes" if kind.item_type is type else f"`{kind.item_type.__name__}`"
            returns = f"a list of {item}" if kind.many else f"one {item}"
            key = "class name" if kind.item_type is type else "slug" if not kind.many else "name"
            listed = f"`rindoku list {kind.name}`" if kind.listed else "the test suite"
            rows.append(f"| {{py:func}}`~rindoku.hookspecs.{kind.hook}` | {returns} "
                        f"| {kind.singular} {key} | {listed} |")
        specs = "\n".join(f".. autofunction:: rindoku.hookspecs.{kind.hook}\n   :no-index:\n"
                           for kind in KINDS)
        return self.parse_markdown("\n".join(rows) + f"\n\n```{{eval-rst}}\n{specs}```\n")
