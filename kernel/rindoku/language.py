"""The command line's language: English, or Japanese for a Japanese locale or ``--lang ja``.

The ``rindoku`` command's words (help texts, errors, verdicts, headings) are
written in English in the code, each wrapped for gettext where it is said::

    _ = words.gettext
    print(_("wrote {path}: {title}").format(path=path, title=exercise.title))

and translated in one catalog per language beside this module,
``locales/<language>/LC_MESSAGES/rindoku-cli.po`` (``nox -s translations``
adds the code's new messages to it).  The catalog is compiled when it is
first used, into the download cache (``~/.cache/rindoku/locales``), and again
whenever it changes: no compiled file is kept with the sources.

The language is passed along, never set for the whole process: a function
that speaks to the user takes the :data:`Words` of the user's language
(:func:`words_for`), :data:`ENGLISH` by default.
"""

from __future__ import annotations

import gettext
import hashlib
import io
import os
import re
import unicodedata
from collections.abc import Mapping
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

__all__ = [
    "DOMAIN",
    "ENGLISH",
    "LANGUAGES",
    "LOCALES",
    "N_",
    "Words",
    "chapter_catalog",
    "compiled_catalog",
    "language_of_environment",
    "page_messages",
    "text_width",
    "translate_markdown",
    "words_for",
    "wrap",
]

LANGUAGES = ("en", "ja")
"""The languages the command speaks; English is the one its code is written in."""

DOMAIN = "rindoku-cli"
"""The gettext domain (the catalog's name) of the command's words."""

LOCALES = Path(__file__).parent / "locales"
"""Where the catalogs are: ``<language>/LC_MESSAGES/rindoku-cli.po``."""

Words = gettext.NullTranslations
"""The words of one language: ``words.gettext(english)``, ``words.ngettext(one, many, n)``."""

ENGLISH: Words = gettext.NullTranslations()
"""The English words, as the code writes them."""

def N_(message: str) -> str:
    """Mark ``message`` for the catalog where it is written; it is translated where it
    is shown (``words.gettext(message)``)."""
    return message


LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
"""The variables that name the user's language, in the order gettext reads them."""


def language_of_environment(environ: Mapping[str, str] | None = None) -> str:
    """``"ja"`` when the user's locale is Japanese, else ``"en"``.

    The first of LANGUAGE, LC_ALL, LC_MESSAGES and LANG that is set decides,
    as for gettext: ``LANG=ja_JP.UTF-8`` is Japanese, ``LC_ALL=C`` English
    whatever LANG says.  LANGUAGE may list several (``ja:en``): the first counts.
    """
    environ = os.environ if environ is None else environ
    for name in LOCALE_VARIABLES:
        value = environ.get(name, "")
        if value:
            first = value.split(":")[0]
            return "ja" if first.lower().startswith("ja") else "en"
    return "en"


def compiled_catalog(po: Path, cache: Path) -> bytes:
    """The ``.mo`` of the catalog ``po``, compiled once into ``cache`` and read from there.

    The compiled file is named by a digest of the catalog, so an edited
    catalog is compiled again (and its older compilation removed).  Fuzzy
    messages are left out: they are in English until a translator checks them.
    When ``cache`` cannot be written, the catalog is compiled in memory.
    """
    source = po.read_bytes()
    digest = hashlib.sha256(source).hexdigest()[:16]
    mo = cache / f"{po.stem}-{digest}.mo"
    try:
        return mo.read_bytes()
    except OSError:
        pass
    compiled = io.BytesIO()
    write_mo(compiled, read_po(io.BytesIO(source)), use_fuzzy=False)
    data = compiled.getvalue()
    try:
        cache.mkdir(parents=True, exist_ok=True)
        for old in cache.glob(f"{po.stem}-*.mo"):
            old.unlink()
        temporary = mo.with_name(f".{mo.name}.{os.getpid()}.tmp")
        temporary.write_bytes(data)
        os.replace(temporary, mo)  # another rindoku may be reading it
    except OSError:
        pass  # a read-only cache: compiled in memory each time
    return data


def words_for(language: str, cache: Path | None = None) -> Words:
    """The command's words in ``language`` (English for ``"en"``, or one without a catalog).

    ``cache`` is where the catalog is compiled (default: ``locales/<language>``
    in rindoku's download cache).
    """
    po = LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if language == "en" or not po.is_file():
        return ENGLISH
    if cache is None:
        from rindoku.data import cache_dir

        cache = cache_dir() / "locales" / language
    return gettext.GNUTranslations(io.BytesIO(compiled_catalog(po, cache)))


def text_width(text: str) -> int:
    """How many columns ``text`` takes in a terminal: two for a wide (CJK) character."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


_PIECES = re.compile(r"\s+|[!-~]+|.")
"""A line's pieces: spaces, runs of ASCII (a word, a command), one character of any other."""

_NO_LINE_START = set("、。，．,.)）」』】〉》・ー：:;；!！?？")
"""What never starts a line in Japanese (kinsoku): it stays at the end of the line before."""

_NO_LINE_END = set("（「『【〈《")
"""What never ends a line in Japanese: it goes to the start of the next line."""


def wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` columns, for Japanese as for English.

    English breaks at spaces; Japanese, which has none, between any two
    characters, but never before a closing mark (``。``, ``、``, ``）``) nor
    after an opening one (``（``).  A word longer than a line has a line of its own.
    """
    lines: list[str] = []
    line = ""
    for piece in _PIECES.findall(" ".join(text.split())):
        if piece.isspace():
            if line:
                line += " "
            continue
        fits = text_width(line + piece) <= width
        if line.strip() and not fits and piece[0] not in _NO_LINE_START:
            carried = line[-1] if line[-1] in _NO_LINE_END and line[:-1].strip() else ""
            lines.append(line.removesuffix(carried).rstrip())
            line = carried
        line += piece
    if line.strip():
        lines.append(line.rstrip())
    return lines


# -- a chapter's own words: its page's catalog ------------------------------------


def chapter_catalog(page: Path, slug: str, language: str) -> Path | None:
    """The catalog that translates the page of chapter ``slug`` into ``language``.

    The book's first: ``docs/locales/<language>/LC_MESSAGES/chapters/<slug>.po``
    in the checkout the page lies in; else the one a plugin ships beside its
    page, ``locales/<language>/LC_MESSAGES/<slug>.po`` (as the book finds them,
    :mod:`rindoku.sphinxext.translations`).  None when neither exists.
    """
    page = Path(page).resolve()
    for folder in page.parents:
        if (folder / "docs" / "conf.py").is_file() and (folder / "pyproject.toml").is_file():
            book = folder / "docs" / "locales" / language / "LC_MESSAGES" / "chapters"
            if (book / f"{slug}.po").is_file():
                return book / f"{slug}.po"
            break
    own = page.parent / "locales" / language / "LC_MESSAGES" / f"{slug}.po"
    return own if own.is_file() else None


def page_messages(po: Path | None) -> dict[str, str]:
    """A page catalog's translations by English message; fuzzy and empty ones left out."""
    if po is None:
        return {}
    with po.open("rb") as file:
        catalog = read_po(file)
    return {message.id: message.string for message in catalog
            if isinstance(message.id, str) and message.id
            and isinstance(message.string, str) and message.string and not message.fuzzy}


def translate_markdown(text: str, messages: Mapping[str, str]) -> str:
    """A chapter's MyST text (an exercise's prompt, a hint) in its page's language.

    Paragraph by paragraph, each looked up as the book's catalog holds it (its
    lines joined by spaces); a paragraph without a translation stays English.
    """
    paragraphs = []
    for paragraph in re.split(r"\n\s*\n", text.strip()):
        message = " ".join(line.strip() for line in paragraph.splitlines()).strip()
        paragraphs.append(messages.get(message, paragraph))
    return "\n\n".join(paragraphs)
