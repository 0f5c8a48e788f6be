"""The book's Schedule page, made from the meeting plan, and every meeting's deck.

``{rindoku-schedule}`` shows the plan (``rindoku_schedule``, ``schedule.toml``
beside ``conf.py``; :mod:`rindoku.schedule`) as a table: each meeting's date,
presenter, sections (linked to where the book covers them) and deck.  A plan
that cannot be used is an error that names its file and line.

When the build ends, the decks of every meeting are built into the book's
``slides/`` folder (``slides/2026-05-14.html``) from this build's results, in
a process of their own (:mod:`rindoku.slides.build`), in the edition's language;
they are built again only when the plan, a page, a result, a record or a
catalog they come from has changed.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging

from rindoku.schedule import Meeting, Plan, PlanError, meeting_decks, read_plan
from rindoku.slides.deck import LANGUAGES, deck_markdown, deck_messages
from rindoku.sphinxext import translations
from rindoku.sphinxext.directives import RindokuDirective
from rindoku.sphinxext.state import book_chapters, cache_dir, records_dir, registry_of

__all__ = ["ScheduleDirective", "build_meeting_decks", "plan_path"]

logger = logging.getLogger(__name__)

DECKS = "slides"
"""The folder of the built book that holds the meetings' decks."""

STAMP = ".rindoku-decks"
"""The file in that folder that says what the decks were built from."""


def plan_path(app: Sphinx) -> Path | None:
    """The plan file (``rindoku_schedule``, relative to ``conf.py``), or None when unset."""
    name = app.config.rindoku_schedule
    return (Path(app.confdir) / name).resolve() if name else None


class ScheduleDirective(RindokuDirective):
    """``{rindoku-schedule}`` — the meetings of the plan, each with its sections and deck."""

    def run(self) -> list[nodes.Node]:
        path = plan_path(self.env.app)
        if path is None:
            raise self.error("rindoku-schedule: set rindoku_schedule in conf.py to the plan file")
        self.env.note_dependency(str(path))
        try:
            plan = read_plan(path, self.registry)
        except PlanError as exc:
            logger.error("%s", exc, location=self.get_location())
            return [nodes.paragraph("", f"The plan cannot be read: {exc}")]
        for chapter in {c for m in plan.meetings for c in m.chapters}:
            self.env.note_dependency(str(self.registry.chapter(chapter).page))
        return self._table(plan)

    def _table(self, plan: Plan) -> list[nodes.Node]:
        rows = ["| Date | Presenter | Sections | Deck |", "|---|---|---|---|"]
        for number, meeting in enumerate(plan.meetings):
            rows.append(f"| {meeting.date:%a %Y-%m-%d} | {meeting.presenter} "
                        f"| SECTIONS:{number} | DECK:{number} |")
        out = self.parse_markdown("\n".join(rows))
        for node in out:
            for text in list(node.findall(nodes.Text)):
                kind, _, number = text.astext().partition(":")
                if kind in ("SECTIONS", "DECK") and number.isdigit():
                    meeting = plan.meetings[int(number)]
                    cell = self._sections(meeting) if kind == "SECTIONS" else [
                        nodes.reference("", "slides", refuri=f"{DECKS}/{meeting.name}.html",
                                        classes=["rindoku-deck-link"])]
                    parent = text.parent
                    index = parent.index(text)
                    parent.remove(text)
                    for offset, child in enumerate(cell):
                        parent.insert(index + offset, child)
        return out

    def _sections(self, meeting: Meeting) -> list[nodes.Node]:
        """"Book 2 §3.4–3.6: The CBOW model; …", each section linked to its place in the book."""
        builder = self.env.app.builder
        folder = self.env.app.config.rindoku_chapters_dir
        in_book = {c.slug for c in book_chapters(self.env.app)}
        cell: list[nodes.Node] = [nodes.strong("", meeting.span), nodes.Text(": ")]
        first = True
        for slug, sections in meeting.covered:
            page = builder.get_relative_uri(self.env.docname, f"{folder}/{slug}")
            for section in sections:
                if section.level != 2:
                    continue
                if not first:
                    cell.append(nodes.Text("; "))
                first = False
                # a chapter left out of this book (rindoku_chapters) keeps its words
                cell.append(nodes.reference("", section.title, refuri=f"{page}#{section.anchor}")
                            if slug in in_book else nodes.Text(section.title))
        if meeting.notes:
            cell.append(nodes.Text(f" — {meeting.notes}"))
        return cell


def _language(app: Sphinx) -> str:
    """The decks' language: the edition's, where a deck can speak it, else English."""
    language = app.config.language or "en"
    return language if language in LANGUAGES else "en"


def _inputs_digest(app: Sphinx, plan: Plan) -> str:
    """What the decks come from: their documents and translations, and the results and
    records they show."""
    registry = registry_of(app)
    digest = hashlib.sha256()
    for name, deck in meeting_decks(plan, registry, _language(app)).items():
        digest.update(name.encode() + b"\0" + deck_markdown(deck).encode())
        for english, translated in sorted(deck_messages(deck).items()):
            digest.update(f"{english}\0{translated}\0".encode())
    package = Path(__file__).resolve().parents[1] / "slides"
    for root in (cache_dir(app), records_dir(app), package, translations.LOCALES):
        for path in sorted(root.rglob("*")) if root.is_dir() else []:
            if path.is_file() and path.suffix in (".json", ".png", ".py", ".css", ".js", ".po"):
                stat = path.stat()
                digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}".encode())
    return digest.hexdigest()


def build_meeting_decks(app: Sphinx, exception: Exception | None) -> None:
    """Build every meeting's deck into the book's ``slides/`` folder after an HTML build."""
    path = plan_path(app)
    if exception is not None or app.builder.format != "html" or path is None:
        return
    if not path.is_file() or app.statuscode:
        return
    try:
        plan = read_plan(path, registry_of(app))
    except PlanError:
        return  # reported where the Schedule page shows it
    out = Path(app.outdir) / DECKS
    stamp = out / STAMP
    digest = _inputs_digest(app, plan)
    pages = [out / f"{m.name}.html" for m in plan.meetings]
    if stamp.is_file() and stamp.read_text() == digest and all(p.is_file() for p in pages):
        logger.info("rindoku: the %d meeting decks are up to date (%s)", len(pages), out)
        return
    logger.info("rindoku: building the %d meeting decks into %s", len(pages), out)
    done = subprocess.run(
        [sys.executable, "-m", "rindoku.slides", str(path), str(out),
         "--cache", str(cache_dir(app)), "--records", str(records_dir(app)),
         "--language", _language(app)],
        capture_output=True, text=True, check=False)
    if done.returncode != 0:
        logger.error("rindoku: the meeting decks could not be built:\n%s",
                     (done.stderr or done.stdout).strip())
        app.statuscode = 1
        return
    stamp.write_text(digest)
    logger.info("%s", done.stdout.strip())
