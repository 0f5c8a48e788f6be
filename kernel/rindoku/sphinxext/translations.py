"""Translated editions of the book: which text is translated where.

The book is written in English and translated with gettext catalogs, the
standard Sphinx way (``sphinx-build -b gettext``, then ``sphinx-intl update``).
Two kinds of text reach the reader of a translated edition:

- **a page's text**, and what the plugins put on the page: exercise prompts,
  hints and titles, example titles, the chapters' summaries and sources in the
  chapter list, the hook table.  These are in the page's own catalog,
  ``locales/<language>/LC_MESSAGES/<docname>.po`` beside ``conf.py``
  (``gettext_compact = False``).  The extension gives each such node the page
  as its source (:func:`from_page`, :func:`page_inline`), which is what
  Sphinx's gettext builder extracts and its ``Locale`` transform translates.
- **the extension's own words** ("Hint 1", "Solution", "Download", the notes
  about records and data, the language switch): one catalog, ``rindoku``, that
  comes with the extension (``sphinxext/locales/<language>/LC_MESSAGES/rindoku.po``),
  through :mod:`sphinx.locale` (:data:`_`).  They are the same on every page, so
  they are translated once.

Not translated: code, printed outputs, commands, the glossary's two term
columns (each is in its language already).  A chapter's title is its
metadata's (``title``, or ``title_ja`` in the Japanese edition).  A figure
drawn with :mod:`rindoku.i18n` is drawn in the edition's language, so its
description (the image's alt text) is the figure's own and never extracted.

A chapter plugin from outside the book ships its page's catalogs in its
package: ``locales/<language>/LC_MESSAGES/<slug>.po`` beside its page.  The
extension compiles them into the build's cache and adds them after the
book's own ``locale_dirs`` (:func:`add_plugin_catalogs`); a catalog in the
book's ``locales`` for the same page wins.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment
from sphinx.locale import get_translation
from sphinx.transforms import SphinxTransform
from sphinx.util import logging
from sphinx.util.nodes import extract_messages

from rindoku.sphinxext.state import book_chapters, cache_dir

__all__ = [
    "CATALOG",
    "KeepSphinxLabels",
    "UnwrapPageText",
    "LOCALES",
    "_",
    "add_extension_catalog",
    "add_plugin_catalogs",
    "compile_catalog",
    "from_page",
    "merge_translation",
    "note_translation",
    "page_catalog",
    "page_inline",
    "page_text",
    "plugin_catalog",
    "purge_translation",
    "summarise_translation",
    "use_compiled_catalogs",
]

logger = logging.getLogger(__name__)

CATALOG = "rindoku"
"""The gettext domain of the extension's own words."""

LOCALES = Path(__file__).parent / "locales"
"""Where the extension's catalogs are: ``<language>/LC_MESSAGES/rindoku.po``."""

_ = get_translation(CATALOG)
"""The extension's words in the build's language: ``_("Solution")``."""


def compile_catalog(po: Path, mo: Path) -> None:
    """Compile ``po`` into ``mo`` (fuzzy entries left out) unless ``mo`` is newer.

    Written to a temporary file, then moved: another build may be reading it.
    """
    if mo.is_file() and mo.stat().st_mtime >= po.stat().st_mtime:
        return
    with po.open("rb") as file:
        catalog = read_po(file)
    mo.parent.mkdir(parents=True, exist_ok=True)
    temporary = mo.with_name(f".{mo.name}.{os.getpid()}.tmp")
    with temporary.open("wb") as file:
        write_mo(file, catalog, use_fuzzy=False)
    os.replace(temporary, mo)


def _compiled_locales(app: Sphinx, name: str) -> Path:
    """A folder of the build's cache for compiled catalogs (``<cache>/locales/<name>``)."""
    return cache_dir(app) / "locales" / name


def add_extension_catalog(app: Sphinx, config: Config) -> None:
    """Load the extension's words in the build's language (``config-inited``)."""
    language = config.language or "en"
    po = LOCALES / language / "LC_MESSAGES" / f"{CATALOG}.po"
    if not po.is_file():
        return
    folder = _compiled_locales(app, "rindoku.sphinxext")
    compile_catalog(po, folder / language / "LC_MESSAGES" / f"{CATALOG}.mo")
    app.add_message_catalog(CATALOG, str(folder))


def plugin_catalog(page: Path, slug: str, language: str) -> Path:
    """Where a chapter plugin keeps its page's catalog for ``language``:
    ``locales/<language>/LC_MESSAGES/<slug>.po`` in the folder of its page."""
    return Path(page).parent / "locales" / language / "LC_MESSAGES" / f"{slug}.po"


def use_compiled_catalogs(app: Sphinx, config: Config) -> None:
    """Compile the book's catalogs into the build's cache, and translate from there
    (``config-inited``).

    Sphinx would write each ``.mo`` beside its ``.po``, into the source
    folder; the build leaves the checkout as it was.  ``locale_dirs`` then
    names the compiled folders, in the same order.
    """
    language = config.language or "en"
    if language == "en":
        return
    sources, compiled = [], []
    for folder in config.locale_dirs:
        source = (Path(app.srcdir) / folder).resolve()
        messages = source / language / "LC_MESSAGES"
        digest = hashlib.sha256(str(source).encode()).hexdigest()[:12]
        target = _compiled_locales(app, f"book-{digest}") / language / "LC_MESSAGES"
        wanted = set()
        for po in sorted(messages.rglob("*.po")) if messages.is_dir() else []:
            mo = target / po.relative_to(messages).with_suffix(".mo")
            compile_catalog(po, mo)
            wanted.add(mo)
        for old in target.rglob("*.mo") if target.is_dir() else []:
            if old not in wanted:  # its catalog is gone
                old.unlink()
        sources.append(messages)
        compiled.append(str(target.parent.parent))
    app._rindoku_catalogs = sources  # type: ignore[attr-defined]
    config.locale_dirs = compiled
    config.gettext_auto_build = False


def page_catalog(app: Sphinx, docname: str) -> Path | None:
    """The catalog that translates ``docname`` in this build's language: the book's
    (``locales/<language>/LC_MESSAGES/<docname>.po``), else its chapter plugin's."""
    for messages in getattr(app, "_rindoku_catalogs", []):
        po = messages / f"{docname}.po"
        if po.is_file():
            return po
    folder, _sep, slug = docname.rpartition("/")
    if folder == app.config.rindoku_chapters_dir:
        chapter = next((c for c in book_chapters(app) if c.slug == slug), None)
        if chapter is not None:
            po = plugin_catalog(Path(chapter.page), slug, app.config.language or "en")
            if po.is_file():
                return po
    return None


def add_plugin_catalogs(app: Sphinx, config: Config) -> None:
    """Use the catalogs the chapter plugins ship for their pages (``config-inited``).

    Each is compiled into the build's cache as ``<chapters dir>/<slug>.mo``, the
    domain Sphinx looks up for the page, in a folder added to ``locale_dirs``
    after the book's own.
    """
    language = config.language or "en"
    if language == "en":
        return
    folder = _compiled_locales(app, "plugins")
    chapters_dir = config.rindoku_chapters_dir
    found = False
    for chapter in book_chapters(app):
        po = plugin_catalog(Path(chapter.page), chapter.slug, language)
        if po.is_file():
            mo = folder / language / "LC_MESSAGES" / chapters_dir / f"{chapter.slug}.mo"
            compile_catalog(po, mo)
            found = True
    if found and str(folder) not in config.locale_dirs:
        config.locale_dirs = [*config.locale_dirs, str(folder)]


def from_page(children: list[nodes.Node], source: str, line: int | None) -> list[nodes.Node]:
    """Mark every element of ``children`` that has no source as coming from the page
    ``source`` at ``line``, so that its text is extracted into the page's catalog
    and translated in its edition."""
    for child in children:
        if not isinstance(child, nodes.Element):
            continue
        for element in child.findall(nodes.Element):
            if element.source is None:
                element.source = source
                element.line = line
    return children


class page_text(nodes.TextElement):  # noqa: N801 (docutils names nodes in lower case)
    """A plugin's words (an example's title) inside a sentence of the extension's:
    a message of the page's catalog of its own.

    Not an inline node (Sphinx extracts an inline only as a placeholder, and
    moves it); :class:`UnwrapPageText` makes it a plain inline once Sphinx
    has translated it.
    """


def page_inline(text: str, source: str, line: int | None) -> page_text:
    """``text`` (a title a plugin gives) as a message of its own in the page's catalog,
    inside a sentence of the extension's words."""
    node = page_text(text, text)
    node.source, node.line = source, line
    return node


class UnwrapPageText(SphinxTransform):
    """Make each :class:`page_text` a plain inline, after Sphinx has translated it and
    marked it (un)translated; the gettext builder keeps them, to extract them."""

    default_priority = 960  # after Sphinx's Locale (20) and its classes (950)

    def apply(self, **kwargs: Any) -> None:
        from sphinx.builders.gettext import MessageCatalogBuilder

        if issubclass(self.env._builder_cls, MessageCatalogBuilder):
            return
        for node in list(self.document.findall(page_text)):
            inline = nodes.inline("", "", *node.children, classes=node["classes"])
            if "translated" in node:
                inline["translated"] = node["translated"]
            node.replace_self(inline)


# -- how much of each page is translated ------------------------------------------


def _progress(env: BuildEnvironment) -> dict[str, dict[str, Any]]:
    progress = getattr(env, "rindoku_translation", None)
    if progress is None:
        progress = {}
        env.rindoku_translation = progress  # type: ignore[attr-defined]
    return progress  # type: ignore[no-any-return]


def note_translation(app: Sphinx, doctree: nodes.document) -> None:
    """Remember how much of the page just read is translated (``doctree-read``).

    Sphinx marks each message of a page that has a catalog ``translated``
    True or False; a page without a catalog is untranslated as a whole.  The
    page is read again when its catalog, or the extension's, changes.
    """
    language = app.config.language or "en"
    if language == "en":
        return
    docname = app.env.docname
    po = page_catalog(app, docname)
    if po is not None:
        app.env.note_dependency(str(po))
    words = LOCALES / language / "LC_MESSAGES" / f"{CATALOG}.po"
    if words.is_file():  # the extension's words on the page
        app.env.note_dependency(str(words))
    # Sphinx translates a toctree's caption but leaves the toctree marked untranslated,
    # so toctrees are not counted: a caption without its translation is an empty msgstr
    # of the page's catalog, which 'nox -s translations' and the tests show
    marked = [node for node in doctree.findall(nodes.Element)
              if "translated" in node and not isinstance(node, addnodes.toctree)]
    untranslated = [" ".join(node.astext().split())[:70] for node in marked
                    if not node["translated"]]
    _progress(app.env)[docname] = {
        "catalog": str(po) if po is not None else None,
        "messages": len(marked) or sum(1 for _m in extract_messages(doctree)),
        "untranslated": untranslated if po is not None else None,
    }


def purge_translation(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    _progress(env).pop(docname, None)


def merge_translation(app: Sphinx, env: BuildEnvironment, docnames: set[str],
                      other: BuildEnvironment) -> None:
    theirs = _progress(other)
    _progress(env).update({d: theirs[d] for d in docnames if d in theirs})


def fuzzy_messages(po: Path) -> int:
    """How many messages of the catalog ``po`` are fuzzy (kept from an older English
    text, shown in English until a translator checks them)."""
    with po.open("rb") as file:
        catalog = read_po(file)
    return sum(1 for message in catalog if message.id and message.fuzzy)


def summarise_translation(app: Sphinx, exception: Exception | None) -> None:
    """At the end of a translated edition's build, list each page that is not fully
    translated: its untranslated and fuzzy messages, and what to do."""
    language = app.config.language or "en"
    if language == "en" or exception is not None or app.builder.format != "html":
        return
    progress = _progress(app.env)
    rows = []
    for docname in sorted(app.env.found_docs):
        entry = progress.get(docname)
        if entry is None:
            continue
        if entry["catalog"] is None:
            rows.append(f"  {docname:<24} no catalog ({entry['messages']} messages in English)")
            continue
        missing = len(entry["untranslated"])
        if missing:
            fuzzy = fuzzy_messages(Path(entry["catalog"]))
            rows.append(f"  {docname:<24} {missing} of {entry['messages']} messages "
                        f"untranslated ({fuzzy} fuzzy), first: {entry['untranslated'][0]!r}")
    pages = len([d for d in app.env.found_docs if d in progress])
    if not rows:
        logger.info("rindoku: the %r edition is translated: %d pages", language, pages)
        return
    logger.info("rindoku: the %r edition has %d of %d pages not fully translated "
                "(they show English there):", language, len(rows), pages)
    for row in rows:
        logger.info(row)
    logger.info("rindoku: 'nox -s translations' updates the catalogs; translate the empty and "
                "fuzzy messages in locales/%s/LC_MESSAGES/<page>.po", language)


class KeepSphinxLabels(SphinxTransform):
    """Leave the labels Sphinx writes into an API entry ("Parameters", "Return type")
    out of the page's catalog: Sphinx writes them in the build's language already.
    The docstrings autodoc puts on a page stay out too: the API reference is the
    code's own text and, like the code, is the same in every edition.

    Runs before Sphinx's ``Locale`` transform (priority 20), in every build, the
    gettext builder's too.
    """

    default_priority = 15

    def apply(self, **kwargs: Any) -> None:
        for content in self.document.findall(addnodes.desc_content):
            for name in content.findall(nodes.field_name):
                name["translatable"] = False
        # The API reference is the code's own docstrings: like the code, one language.
        for node in self.document.findall(nodes.TextElement):
            if ":docstring of " in (node.get("source") or node.source or ""):
                node["translatable"] = False
