"""``python -m rindoku.slides PLAN OUT --cache DIR --records DIR``: every meeting's deck.

``--language ja`` makes the Japanese edition's decks.

The book build runs it in a process of its own once the book is built
(:mod:`rindoku.sphinxext.schedule`), so that the decks show the book's results.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from rindoku.registry import load_registry
from rindoku.schedule import PlanError, meeting_decks, read_plan
from rindoku.slides.build import DeckBuildError, build_decks
from rindoku.slides.deck import LANGUAGES


def main(argv: Sequence[str] | None = None) -> int:
    """Build the decks of every meeting of a plan (what the book build runs)."""
    parser = argparse.ArgumentParser(prog="python -m rindoku.slides")
    parser.add_argument("plan", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--cache", type=Path, required=True)
    parser.add_argument("--records", type=Path, required=True)
    parser.add_argument("--language", choices=LANGUAGES, default="en")
    args = parser.parse_args(argv)
    registry = load_registry()
    try:
        plan = read_plan(args.plan, registry)
        pages = build_decks(meeting_decks(plan, registry, args.language), args.out,
                            cache=args.cache, records=args.records, cached_only=True)
    except (PlanError, DeckBuildError) as exc:
        print(f"rindoku: error: {exc}", file=sys.stderr)
        return 1
    print(f"rindoku: {len(pages)} deck(s) in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
