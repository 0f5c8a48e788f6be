"""The ``{rindoku-value}`` role: a figure in the prose, taken from a run.

``{rindoku-value}`cbow.ptb:analogy``` inserts the text of the value ``analogy``
that the example ``cbow.ptb`` published (:func:`rindoku.publish`): from this
build's run of it (or its cached result), else from its record.
``{rindoku-value}`bench.cbow:fast_epoch_seconds``` reads a benchmark's record.
A reference to an example, record or value that does not exist is an error at
the page's line, which names what exists, and fails the build.

When the example could not run for want of data and has no record, the value
reads "[needs the ptb data set]" and the build's last lines say what is
missing, like the example's own page.
"""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from docutils.nodes import Node, system_message
from sphinx.util import logging
from sphinx.util.docutils import SphinxRole

from rindoku.execution import file_digests
from rindoku.registry import UnknownNameError, closest_names
from rindoku.sphinxext.results import outcome_of
from rindoku.sphinxext.state import (
    book_state,
    record_file,
    records_of,
    registry_of,
    shown_path,
)

logger = logging.getLogger(__name__)

BENCHMARK_PREFIX = "bench."


UNITS = {"ja": {"ms": "ミリ秒", "s": "秒", "seconds": "秒", "minute": "分", "minutes": "分",
               "hour": "時間", "hours": "時間", "times": "倍", "words": "語"}}
"""The unit words a published value may end in, by language: an example publishes
``"{:.0f} minutes"`` once, and each edition reads it in its own words."""


def localised(text: str, language: str | None) -> str:
    """``text`` (a published value) with its trailing unit in ``language``'s words."""
    number, space, unit = text.rpartition(" ")
    words = UNITS.get(language or "", {})
    return f"{number}{space}{words[unit]}" if space and unit in words else text


class ValueRole(SphinxRole):
    """``{rindoku-value}`EXAMPLE_ID:NAME``` — the formatted value NAME of a run."""

    def run(self) -> tuple[list[Node], list[system_message]]:
        reference = self.text.strip()
        source_id, _, name = reference.rpartition(":")
        entry: dict[str, object] = {"ref": reference, "error": False, "data": None}
        files: list[str] = []
        if not source_id or not name:
            return self._fail(entry, f"{reference!r} is not EXAMPLE_ID:NAME "
                                     "(e.g. cbow.ptb:analogy)")
        if source_id.startswith(BENCHMARK_PREFIX):
            record = records_of(self.env.app).get(source_id)
            files.append(str(record_file(self.env.app, source_id)))
            entry["files"] = file_digests(files)
            if record is None:
                known = sorted(r for r in records_of(self.env.app)
                               if r.startswith(BENCHMARK_PREFIX))
                hint = closest_names(source_id, known)
                where = shown_path(self.env.app, record_file(self.env.app, source_id))
                return self._fail(entry, f"no record of the benchmark {source_id!r} ({where})"
                                         + (f"; did you mean {' or '.join(hint)}?" if hint else "")
                                         + f" (benchmark records: {', '.join(known) or 'none'}; "
                                         "'nox -s bench' writes them)")
            values, origin = record.values, "its record"
        else:
            try:
                example = registry_of(self.env.app).example(source_id)
            except UnknownNameError as exc:
                entry["files"] = {}
                return self._fail(entry, str(exc))
            outcome = outcome_of(self.env.app, example)
            files.extend(outcome.files())
            entry["files"] = file_digests(f for f in files if f)
            if outcome.missing_data and outcome.record is None:
                entry["data"] = outcome.datasets
                sets = "data sets" if len(outcome.datasets) > 1 else "data set"
                text = (f"[needs the {' and '.join(outcome.datasets)} {sets}]"
                        if outcome.datasets else "[needs data]")
                return self._show(entry, text, ["rindoku-value", "rindoku-no-data"])
            if outcome.failed and not outcome.missing_data:
                return self._fail(entry, f"example {source_id!r} raised, so it has no "
                                         f"value {name!r} (its error is reported where it is "
                                         "shown)")
            values, origin = outcome.values, outcome.values_from
            if outcome.result is None and outcome.record is None:
                return self._fail(entry, f"example {source_id!r} is long and neither ran in "
                                         f"this build nor has a record: run 'rindoku record "
                                         f"{source_id}' (or build with 'rindoku book --long')")
        for file in files:  # a file that is not there would re-read the page every time
            if file.endswith(("record.json", "result.json")) and Path(file).is_file():
                self.env.note_dependency(file)
        if name not in values:
            published = ", ".join(sorted(values)) or "nothing"
            return self._fail(entry, f"{source_id} publishes {published}; no {name!r} "
                                     f"(the values of {origin})")
        return self._show(entry, localised(values[name], self.env.config.language),
                          ["rindoku-value"])

    def _show(self, entry: dict[str, object], text: str, classes: list[str]
              ) -> tuple[list[Node], list[system_message]]:
        book_state(self.env).values.setdefault(self.env.docname, []).append(entry)
        return [nodes.inline(self.rawtext, text, classes=classes)], []

    def _fail(self, entry: dict[str, object], message: str
              ) -> tuple[list[Node], list[system_message]]:
        """An error at the page's line; the build fails at its end."""
        entry["error"] = True
        entry.setdefault("files", {})
        logger.error("rindoku-value %s: %s", entry["ref"], message, location=self.get_location())
        book_state(self.env).values.setdefault(self.env.docname, []).append(entry)
        return [nodes.literal(self.rawtext, str(entry["ref"]), classes=["rindoku-value-error"])], []
