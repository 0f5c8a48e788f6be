"""The meeting plan (docs/schedule.toml): its checks, ``rindoku schedule``, the Schedule page."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from conftest import ROOT

from rindoku.cli import main
from rindoku.registry import load_registry
from rindoku.schedule import PlanError, next_meeting, read_plan

REGISTRY = load_registry()
SAMPLE = ROOT / "docs" / "schedule.toml"

MEETING = """
[[meeting]]
date = {date}
chapter = "{chapter}"
sections = "{sections}"
presenter = "Sato"
"""


def plan_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "schedule.toml"
    path.write_text(text, encoding="utf-8")
    return path


def meetings(*rows: tuple[str, str, str]) -> str:
    return 'title = "test"\n' + "".join(
        MEETING.format(date=d, chapter=c, sections=s) for d, c, s in rows)


def test_the_sample_plan_reads_in_date_order():
    plan = read_plan(SAMPLE, REGISTRY)
    assert len(plan.meetings) >= 6
    dates = [m.date for m in plan.meetings]
    assert dates == sorted(dates)
    cbow = next(m for m in plan.meetings if m.chapters == ("cbow", "skipgram")
                and m.sections == "3.4-3.6")
    assert cbow.span == "Book 2 §3.4–3.6"
    titles = [s.title for _, sections in cbow.covered for s in sections]
    assert "SimpleCBOW on one sentence" in titles and "Count-based against inference-based" \
        in titles


def test_the_next_meeting_is_the_first_not_yet_past():
    plan = read_plan(SAMPLE, REGISTRY)
    first, second = plan.meetings[:2]
    assert next_meeting(plan, first.date) is first
    assert next_meeting(plan, first.date + dt.timedelta(days=1)) is second
    assert next_meeting(plan, plan.meetings[-1].date + dt.timedelta(days=1)) is None


# every mistake is one PlanError naming the file's line and what to do
@pytest.mark.parametrize(("text", "line", "message"), [
    ('title = "x"\n[[meeting]\ndate = 2026-01-01\n', 2, "not valid TOML"),
    ('titel = "x"\n' + MEETING.format(date="2026-01-08", chapter="cbow", sections="3.4"),
     1, "unknown key 'titel' at the top: did you mean 'title'?"),
    (meetings(("2026-01-08", "cbow", "3.4")).replace("presenter", "presentor"),
     7, "meeting 1 has an unknown key 'presentor': did you mean 'presenter'?"),
    (meetings(("2026-01-08", "cbow", "3.4")).replace('presenter = "Sato"\n', ""),
     3, "meeting 1 has no presenter: add presenter = \"Sato\""),
    (meetings(("'2026-01-08'", "cbow", "3.4")), 4, "the date must be a TOML date without "
                                                    "quotes"),
    (meetings(("2026-01-08", "cbwo", "3.4")), 5, "no chapter named 'cbwo'; did you mean "
                                                 "cbow"),
    (meetings(("2026-01-08", "cbow", "9.1")), 6, "no section of chapter 'cbow' covers book 2 "
                                                 "§9.1; its sections cover"),
    (meetings(("2026-01-08", "cbow", "3.4"), ("2026-01-01", "cbow", "3.5")), 9,
     "the meeting on 2026-01-01 comes after the one on 2026-01-08 \\(line 3\\) in the file: "
     "keep the meetings in date order"),
    (meetings(("2026-01-08", "cbow", "3.4"), ("2026-01-08", "cbow", "3.5")), 9,
     "two meetings on 2026-01-08"),
    (meetings(("2026-01-08", "cbow", "3.4-3.5"), ("2026-01-15", "cbow", "3.5.1")), 9,
     "the meeting on 2026-01-15 covers 'CBOW as probabilities' .* which the meeting on "
     "2026-01-08 \\(line 3\\) covers too: give each section to one meeting"),
    ('title = "x"\n', 1, "the plan has no meetings"),
    (meetings(("2026-01-08", "cbow", "3.4")).replace('chapter = "cbow"',
                                                    'chapter = "cbow"\nchapters = ["cbow"]'),
     3, "needs a chapter: chapter = \"cbow\", or chapters = .* \\(not both\\)"),
])
def test_each_mistake_in_a_plan_is_one_line_naming_its_line(tmp_path, text, line, message):
    path = plan_file(tmp_path, text)
    with pytest.raises(PlanError) as caught:
        read_plan(path, REGISTRY)
    error = str(caught.value)
    assert "\n" not in error
    assert error.startswith(f"{path}:{line}: "), error
    assert re.search(message, error), error


def test_a_missing_plan_file_is_named(tmp_path):
    with pytest.raises(PlanError, match="no such plan file"):
        read_plan(tmp_path / "schedule.toml", REGISTRY)


def test_schedule_prints_the_next_meeting_and_what_to_read(capsys):
    plan = read_plan(SAMPLE, REGISTRY)
    meeting = next(m for m in plan.meetings if m.chapters == ("cbow", "skipgram"))
    day_before = meeting.date - dt.timedelta(days=1)
    assert main(["schedule", "--today", day_before.isoformat()]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"next meeting: {meeting.date:%a %Y-%m-%d} (tomorrow), presenter "
                          f"{meeting.presenter}\n  Book 2 §3.4–3.6\n")
    assert "read before it:" in out
    assert re.search(r"2 §3\.4 +SimpleCBOW on one sentence +#simplecbow-on-one-sentence", out)
    assert "rindoku slides cbow skipgram --sections 3.4-3.6" in out
    assert f"slides/{meeting.date}.html" in out


def test_schedule_all_lists_every_meeting(capsys):
    assert main(["schedule", "--all", "--today", "2000-01-01"]) == 0
    out = capsys.readouterr().out.splitlines()
    plan = read_plan(SAMPLE, REGISTRY)
    assert len(out) == 1 + len(plan.meetings)
    assert out[1].startswith(" → ")  # the next meeting is marked


def test_schedule_after_the_last_meeting_says_so(capsys):
    assert main(["schedule", "--today", "2999-01-01"]) == 0
    assert capsys.readouterr().out.startswith("no meeting after 2999-01-01")


def test_schedule_with_a_broken_plan_is_one_line(tmp_path, capsys):
    path = plan_file(tmp_path, meetings(("2026-01-08", "cbwo", "3.4")))
    assert main(["schedule", "--plan", str(path)]) == 2
    err = capsys.readouterr().err
    assert err == f"rindoku: error: {path}:5: meeting on 2026-01-08: no chapter named 'cbwo'; " \
                  "did you mean cbow? (see 'rindoku list')\n"


@pytest.mark.slow
def test_the_book_has_a_schedule_page_and_a_deck_for_every_meeting(real_book):
    """The Schedule page lists each meeting, links its sections and its deck, which exists."""
    out, done, _ = real_book
    html = out / "html" / "en"  # the English edition, as nox -s book lays it out
    page = (html / "schedule.html").read_text(encoding="utf-8")
    plan = read_plan(SAMPLE, REGISTRY)
    for meeting in plan.meetings:
        assert f"{meeting.date:%a %Y-%m-%d}" in page and meeting.presenter in page
        assert f'href="slides/{meeting.name}.html"' in page
        deck = html / "slides" / f"{meeting.name}.html"
        assert deck.is_file()
        assert meeting.span in deck.read_text(encoding="utf-8").split("<h2>")[0]
        for slug, sections in meeting.covered:
            for section in sections:
                if section.level == 2:
                    assert f'href="chapters/{slug}.html#{section.anchor}"' in page
    assert (html / "slides" / "_static" / "revealjs" / "dist" / "reveal.js").is_file()
    assert "meeting decks" in done.stdout
