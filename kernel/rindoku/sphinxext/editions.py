"""One book in several languages: an edition per language, side by side.

``rindoku_editions = ["en", "ja"]`` in ``conf.py`` says the book is built once
per language (``-D language=ja``), each edition into a folder named by its
language beside the others: ``html/en/``, ``html/ja/``.  A build into a folder
so named is an edition, and then

- every page links to the same page in the other editions (the template
  ``language-switch.html`` shows :func:`add_edition_links`'s
  ``rindoku_editions``; the page's head names them as alternates too);
- each build writes ``html/index.html``, which sends the reader to the
  edition of their browser's language, and links to every edition
  (:func:`write_edition_chooser`): no network, no server.

A build into another folder (``html/``), or with one edition named, is a
book in one language, as before: it has no switch and writes no chooser.
"""

from __future__ import annotations

import html
import json
import os
import posixpath
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ConfigError
from sphinx.util import logging

from rindoku.sphinxext.translations import _

__all__ = [
    "EDITION_NAMES",
    "add_edition_links",
    "check_editions",
    "edition_chooser",
    "edition_link",
    "is_edition",
    "write_edition_chooser",
]

logger = logging.getLogger(__name__)

EDITION_NAMES = {"en": "English", "ja": "日本語"}
"""Each edition's name in its own language, as the switch shows it."""


def check_editions(app: Sphinx, config: Config) -> None:
    """``rindoku_editions`` lists language codes, the build's language among them."""
    editions = config.rindoku_editions
    if not editions:
        return
    if not all(isinstance(e, str) and e for e in editions) or len(set(editions)) != len(editions):
        raise ConfigError(f"rindoku_editions must list language codes once each, such as "
                          f"['en', 'ja'], got {editions!r}")
    language = config.language or "en"
    if language not in editions:
        raise ConfigError(f"this build's language {language!r} is not one of rindoku_editions "
                          f"{editions!r}: build with -D language=… one of them, or add it")


def is_edition(app: Sphinx) -> bool:
    """Whether this build is one of several editions: HTML, built into a folder
    named by its language, with other editions named."""
    return (len(app.config.rindoku_editions) > 1 and app.builder.format == "html"
            and Path(app.outdir).name == (app.config.language or "en"))


def edition_link(page_uri: str, language: str) -> str:
    """The link from the page ``page_uri`` (``chapters/cbow.html``) of one edition to
    the same page in the ``language`` edition beside it (``../../ja/chapters/cbow.html``)."""
    depth = page_uri.count("/")
    return "../" * (depth + 1) + posixpath.join(language, page_uri)


def add_edition_links(app: Sphinx, pagename: str, templatename: str,
                      context: dict[str, Any], doctree: Any) -> None:
    """Give each page's template ``rindoku_editions``: a dict per edition with its
    ``language``, ``name``, ``url`` (the same page in it) and ``current``; and
    ``rindoku_editions_label``, what the switch is, in the page's language."""
    if not is_edition(app):
        return
    current = app.config.language or "en"
    page_uri = app.builder.get_target_uri(pagename)
    editions = [
        {"language": language, "name": EDITION_NAMES.get(language, language),
         "url": edition_link(page_uri, language), "current": language == current}
        for language in app.config.rindoku_editions
    ]
    context["rindoku_editions"] = editions
    context["rindoku_editions_label"] = str(_("This page in another language"))
    alternates = "".join(
        f'<link rel="alternate" hreflang="{e["language"]}" href="{html.escape(e["url"])}" />\n'
        for e in editions if not e["current"])
    context["metatags"] = context.get("metatags", "") + alternates


def write_edition_chooser(app: Sphinx, exception: Exception | None) -> None:
    """Write ``index.html`` above the editions (``html/index.html`` beside ``html/ja``):
    it opens the edition of the reader's language."""
    if exception is not None or not is_edition(app):
        return
    outdir = Path(app.outdir)
    page = edition_chooser(app.config.rindoku_editions, app.config.project,
                           app.builder.get_target_uri(app.config.root_doc))
    target = outdir.parent / "index.html"
    temporary = target.with_name(f".index.html.{os.getpid()}.tmp")
    temporary.write_text(page, encoding="utf-8")
    os.replace(temporary, target)  # the other edition's build may write it at the same time


def edition_chooser(editions: list[str], project: str, root: str) -> str:
    """The page that sends a reader to the edition of their browser's language.

    The browser's languages are tried in the reader's order (``ja-JP`` is
    ``ja``); without a match, the first edition.  Without scripts the page
    is the list of links.
    """
    links = "\n".join(
        f'    <li><a href="{language}/{root}" hreflang="{language}" lang="{language}">'
        f'{html.escape(EDITION_NAMES.get(language, language))}</a></li>'
        for language in editions)
    return f"""<!DOCTYPE html>
<html lang="{editions[0]}">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{html.escape(project)}</title>
  <script>
    (() => {{
      const editions = {json.dumps(editions)};
      const wanted = (navigator.languages || [navigator.language || ""])
        .map((tag) => tag.toLowerCase().split("-")[0]);
      const language = wanted.find((tag) => editions.includes(tag)) || editions[0];
      location.replace(language + "/{root}" + location.hash);
    }})();
  </script>
  <style>
    body {{ font-family: system-ui, sans-serif; margin: 3rem auto; max-width: 30rem;
           padding: 0 1rem; line-height: 1.6; }}
  </style>
</head>
<body>
  <h1>{html.escape(project)}</h1>
  <ul>
{links}
  </ul>
</body>
</html>
"""
