"""The reading group's plan: who presents which sections of the book, and when.

The plan is one TOML file in the repository (``docs/schedule.toml``)::

    title = "ゼロから作るDeep Learning ❷ 輪読会"

    [[meeting]]
    date = 2026-05-14              # a TOML date, not a string
    chapter = "cbow"               # or chapters = ["cbow", "skipgram"]
    sections = "3.4-3.6"           # book sections (2:3.4-3.6 names the book) or page anchors
    presenter = "Sato"
    notes = "Bring a laptop with the PTB data set."   # optional

:func:`read_plan` reads and checks it: a file that is not TOML, a key that is
misspelt or missing, an unknown chapter, a range that no section of the
chapter covers, meetings out of date order and two meetings that cover the
same section are each one :class:`PlanError`, whose message starts with the
file and the line to fix.  The book's Schedule page
(:mod:`rindoku.sphinxext.schedule`) and ``rindoku schedule`` show it.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from rindoku.registry import Registry, UnknownNameError, closest_names
from rindoku.sections import PageSection, SectionError, page_sections, select_sections
from rindoku.slides.deck import Deck, asked_span, book_span, make_deck

__all__ = ["Meeting", "Plan", "PlanError", "meeting_decks", "next_meeting", "read_plan"]

MEETING_KEYS = ("date", "chapter", "chapters", "sections", "presenter", "notes")
TOP_KEYS = ("title", "meeting")


class PlanError(ValueError):
    """A plan that cannot be used; the message reads ``FILE:LINE: what to fix``."""


@dataclass(frozen=True)
class Meeting:
    """One meeting of the plan: its date, the chapters and sections, who presents.

    ``sections`` is the range as the plan writes it; ``covered`` the page
    sections it names, by chapter; ``line`` the line of its ``[[meeting]]``.
    """

    date: dt.date
    chapters: tuple[str, ...]
    sections: str
    presenter: str
    notes: str
    line: int
    covered: tuple[tuple[str, tuple[PageSection, ...]], ...]

    @property
    def name(self) -> str:
        """The meeting's name in addresses: its date (``2026-05-14``)."""
        return self.date.isoformat()

    @property
    def span(self) -> str:
        """The book sections the meeting covers, in short: ``Book 2 §3.4–3.6``."""
        sections = [s for _, chosen in self.covered for s in chosen]
        return asked_span(self.sections, sections) or book_span(tuple(sections))


@dataclass(frozen=True)
class Plan:
    """The plan file's title and its meetings, in date order."""

    path: Path
    title: str
    meetings: tuple[Meeting, ...]


class _Lines:
    """Where things are in the plan's text: each ``[[meeting]]`` and each key under it."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.headers = [number for number, line in enumerate(self.lines, start=1)
                        if re.match(r"^\s*\[\[\s*meeting\s*\]\]", line)]

    def meeting(self, index: int) -> int:
        return self.headers[index] if index < len(self.headers) else 1

    def key(self, index: int, key: str) -> int:
        """The line of ``key = …`` in meeting ``index`` (its header's line if not found)."""
        start = self.meeting(index)
        stop = self.headers[index + 1] if index + 1 < len(self.headers) else len(self.lines) + 1
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
        return next((n for n in range(start, stop) if pattern.match(self.lines[n - 1])), start)

    def top_key(self, key: str) -> int:
        stop = self.headers[0] if self.headers else len(self.lines) + 1
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
        return next((n for n in range(1, stop) if pattern.match(self.lines[n - 1])), 1)


def read_plan(path: Path, registry: Registry) -> Plan:
    """Read and check the plan at ``path`` against the installed chapters."""
    where = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PlanError(f"{where}: no such plan file: write one (see the presenters' guide) "
                        "or name another") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PlanError(f"{where}: cannot read it: {exc}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = re.search(r"\(at line (\d+), column \d+\)", message)
        line = found[1] if found else "1"
        reason = re.sub(r"\s*\(at line \d+, column \d+\)", "", message)
        raise PlanError(f"{where}:{line}: not valid TOML: {reason}; a meeting is a "
                        "[[meeting]] table of key = value lines") from None
    lines = _Lines(text)
    for key in data:
        if key not in TOP_KEYS:
            raise PlanError(f"{where}:{lines.top_key(key)}: unknown key {key!r} at the top: "
                            f"{_did_you_mean(key, TOP_KEYS)}the file has a title and "
                            "[[meeting]] tables")
    title = data.get("title", "")
    if not isinstance(title, str):
        raise PlanError(f"{where}:{lines.top_key('title')}: title must be a string in quotes")
    raw_meetings = data.get("meeting", [])
    if not isinstance(raw_meetings, list) or not raw_meetings:
        raise PlanError(f"{where}:1: the plan has no meetings: add a [[meeting]] table with "
                        "date, chapter, sections and presenter")
    meetings = [_meeting(where, lines, index, raw, registry)
                for index, raw in enumerate(raw_meetings)]
    _check_order(where, meetings)
    return Plan(path, title, tuple(meetings))


def _did_you_mean(key: str, known: tuple[str, ...]) -> str:
    close = closest_names(key, list(known))
    return f"did you mean {close[0]!r}? " if close else ""


def _meeting(where: str, lines: _Lines, index: int, raw: object,
             registry: Registry) -> Meeting:
    line = lines.meeting(index)
    if not isinstance(raw, dict):
        raise PlanError(f"{where}:{line}: a meeting must be a [[meeting]] table")
    for key in raw:
        if key not in MEETING_KEYS:
            raise PlanError(f"{where}:{lines.key(index, key)}: meeting {index + 1} has an "
                            f"unknown key {key!r}: {_did_you_mean(key, MEETING_KEYS)}"
                            f"a meeting has {', '.join(MEETING_KEYS)}")
    for key in ("date", "sections", "presenter"):
        if key not in raw:
            raise PlanError(f"{where}:{line}: meeting {index + 1} has no {key}: add "
                            f"{key} = {_EXAMPLES[key]}")
    date = raw["date"]
    if isinstance(date, dt.datetime) or not isinstance(date, dt.date):
        raise PlanError(f"{where}:{lines.key(index, 'date')}: the date must be a TOML date "
                        f"without quotes or a time, e.g. date = 2026-05-14 (got {date!r})")
    if ("chapter" in raw) == ("chapters" in raw):
        raise PlanError(f"{where}:{line}: meeting {index + 1} on {date} needs a chapter: "
                        "chapter = \"cbow\", or chapters = [\"cbow\", \"skipgram\"] (not both)")
    key = "chapter" if "chapter" in raw else "chapters"
    chapters = raw[key] if key == "chapters" else [raw[key]]
    if (not isinstance(chapters, list) or not chapters
            or not all(isinstance(c, str) for c in chapters)):
        raise PlanError(f"{where}:{lines.key(index, key)}: {key} must be a chapter's slug in "
                        "quotes, or a list of them")
    for name in ("sections", "presenter", "notes"):
        if name in raw and not isinstance(raw[name], str):
            raise PlanError(f"{where}:{lines.key(index, name)}: {name} must be a string in "
                            f"quotes, e.g. {name} = {_EXAMPLES[name]}")
    covered = []
    for slug in chapters:
        try:
            chapter = registry.chapter(slug)
        except UnknownNameError as exc:
            raise PlanError(f"{where}:{lines.key(index, key)}: meeting on {date}: {exc}") from None
        try:
            sections = select_sections(page_sections(chapter), raw["sections"])
        except SectionError as exc:
            if len(chapters) > 1:
                continue  # a range may lie in some of a meeting's chapters only
            raise PlanError(f"{where}:{lines.key(index, 'sections')}: meeting on {date}: "
                            f"{exc}") from None
        covered.append((slug, tuple(sections)))
    if not covered:
        raise PlanError(f"{where}:{lines.key(index, 'sections')}: meeting on {date}: no section "
                        f"of {', '.join(chapters)} covers {raw['sections']!r} (see 'rindoku "
                        "list sections')")
    if not raw["presenter"].strip():
        raise PlanError(f"{where}:{lines.key(index, 'presenter')}: meeting on {date} has no "
                        "presenter: name one (or write \"to be decided\")")
    return Meeting(date, tuple(chapters), raw["sections"], raw["presenter"].strip(),
                   raw.get("notes", "").strip(), line, tuple(covered))


_EXAMPLES = {"date": "2026-05-14", "sections": '"3.4-3.6"', "presenter": '"Sato"',
             "notes": '"Bring the PTB data set."'}


def _check_order(where: str, meetings: list[Meeting]) -> None:
    """Meetings come in date order, one a day, and no two cover the same section."""
    for before, after in zip(meetings, meetings[1:], strict=False):
        if after.date == before.date:
            raise PlanError(f"{where}:{after.line}: two meetings on {after.date} (the other at "
                            f"line {before.line}): merge them or move one")
        if after.date < before.date:
            raise PlanError(f"{where}:{after.line}: the meeting on {after.date} comes after the "
                            f"one on {before.date} (line {before.line}) in the file: keep the "
                            "meetings in date order")
    seen: dict[tuple[str, str], Meeting] = {}
    for meeting in meetings:
        for slug, sections in meeting.covered:
            for section in sections:
                other = seen.get((slug, section.anchor))
                if other is not None and other is not meeting:
                    raise PlanError(
                        f"{where}:{meeting.line}: the meeting on {meeting.date} covers "
                        f"{section.title!r} ({section.label}, chapter {slug}), which the "
                        f"meeting on {other.date} (line {other.line}) covers too: give each "
                        "section to one meeting")
                seen[(slug, section.anchor)] = meeting


def next_meeting(plan: Plan, today: dt.date) -> Meeting | None:
    """The first meeting on or after ``today``, or None when all are past."""
    return next((m for m in plan.meetings if m.date >= today), None)


def meeting_decks(plan: Plan, registry: Registry, language: str = "en") -> dict[str, Deck]:
    """The deck of every meeting, by the meeting's name, in ``language``."""
    return {m.name: make_deck(registry, list(m.chapters), m.sections, date=m.date,
                              presenter=m.presenter, notes=m.notes, language=language)
            for m in plan.meetings}
