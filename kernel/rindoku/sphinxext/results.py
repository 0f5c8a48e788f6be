"""What the book shows of an example: this build's result, or its record.

A quick example (and a long one when the build runs them, ``rindoku_run_long``)
is run, or taken from the cache; a long one is taken from the cache when a
current result is there, unless that result is the example's record (the run
``rindoku record`` made).  Where the build has no result of its own (a long
example not run, or one whose data set is not here) it shows the example's
record (:mod:`rindoku.records`), when there is one.  The example directive and
the ``{rindoku-value}`` role both ask :func:`outcome_of`, once per example and
build.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sphinx.application import Sphinx

from rindoku.examples import Example
from rindoku.execution import ExampleCache, ExampleResult, example_key
from rindoku.records import Record, is_stale, module_files, runs_only_when_named
from rindoku.sphinxext.state import cache_dir, record_file, records_of, registry_of

__all__ = ["Outcome", "outcome_of"]


@dataclass
class Outcome:
    """An example's result in this build, and the record shown in its place.

    ``result`` is None when the example was not run (a long one); ``record``
    is the record shown instead of a result (none when the build has one);
    ``stale`` says that the example's code has changed since the record was
    made; ``datasets`` are the missing data sets when the run stopped for
    want of data.
    """

    example: Example
    result: ExampleResult | None
    record: Record | None
    stale: bool
    datasets: list[str]
    record_path: Path
    cache_home: Path
    result_path: Path | None = None

    @property
    def missing_data(self) -> bool:
        """True when the run stopped because a data set is not here."""
        return self.result is not None and self.result.data_error is not None

    @property
    def failed(self) -> bool:
        """True when the example raised (for want of data or not)."""
        return self.result is not None and not self.result.ok

    @property
    def values(self) -> dict[str, str]:
        """The values shown: this build's run's, else the record's, else none."""
        if self.result is not None and self.result.ok:
            return self.result.values
        return self.record.values if self.record is not None else {}

    @property
    def values_from(self) -> str:
        """Where :attr:`values` come from, for a message."""
        if self.result is not None and self.result.ok:
            return "its run in this build"
        return "its record" if self.record is not None else "nothing"

    def files(self) -> list[str]:
        """The files whose change makes what is shown out of date.

        The modules the run imported, the record's file (present or not), the
        cache's list of the modules (a ``rindoku run`` of a long example
        changes it), the cached result's file, and the modules the shown record
        imported.
        """
        files = [str(self.record_path), str(self.cache_home / "modules.json")]
        if self.result_path is not None:
            files.append(str(self.result_path))
        if self.result is not None:
            files.extend(self.result.modules.values())
        if self.record is not None:
            files.extend(f for f in module_files(self.record.modules).values() if f)
        return files


def outcome_of(app: Sphinx, example: Example) -> Outcome:
    """The example's :class:`Outcome` in this build: run (or cached) once, then remembered."""
    memo: dict[str, Outcome] | None = getattr(app, "_rindoku_outcomes", None)
    if memo is None:
        memo = app._rindoku_outcomes = {}  # type: ignore[attr-defined]
    if example.id in memo:
        return memo[example.id]
    cache = ExampleCache(cache_dir(app))
    run_now = example.size == "quick" or (app.config.rindoku_run_long
                                          and not runs_only_when_named(example))
    result = cache.run(example) if run_now else cache.lookup(example)
    record = records_of(app).get(example.id)
    if record is not None and record.kind != "example":
        record = None
    if (not run_now and result is not None and record is not None
            and record.key == example_key(example, result.modules)):
        result = None  # the cached result is the recorded run: show it as recorded
    if result is not None and (result.ok or result.data_error is None):
        record = None  # the build has its own result, or a failure to report
    datasets: list[str] = []
    if result is not None and result.data_error is not None:
        datasets = result.datasets or _datasets_in(app, result.error or result.data_error)
    outcome = Outcome(example, result, record,
                      stale=record is not None and is_stale(record, example),
                      datasets=datasets, record_path=record_file(app, example.id),
                      cache_home=cache.root / example.id,
                      result_path=cache.result_file(example, result)
                      if result is not None and result.ok else None)
    memo[example.id] = outcome
    return outcome


def _datasets_in(app: Sphinx, message: str) -> list[str]:
    """The data sets of this book whose files a data error's message names."""
    datasets = registry_of(app).kind("datasets")
    return sorted(name for name, item in datasets.items()
                  if any(f.name in message for f in item.value.files))
