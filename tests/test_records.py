"""Published values, recorded results, and a book that builds without its data."""

from __future__ import annotations

import argparse
import hashlib
import importlib
import json
import re
import sys
from pathlib import Path

import pytest
from conftest import build_book, demo_book, demo_plugin

from rindoku import __version__, publish
from rindoku.cli import cmd_run, main, record_examples
from rindoku.examples import published_values
from rindoku.execution import ExampleCache
from rindoku.records import (
    FORMAT,
    RecordError,
    is_stale,
    load_records,
    machine_summary,
    read_record,
    write_record,
)

PUBLISHING = demo_plugin(
    'def counts(rng):\n    print("counted", 42)\n    plt.plot([0, 1], [0, 1])\n'
    '    plt.title("a line")\n'
    '    publish("answer", 0.0693, "{:.1%}")\n    publish("n", 41)\n    publish("n", 42)',
    'Example("demo.counts", "Counts", counts, size="long")',
).replace("from rindoku import Chapter, Example, hookimpl",
          "import matplotlib.pyplot as plt\n\n"
          "from rindoku import Chapter, Example, hookimpl, publish")
"""A plugin with one long example that prints, draws and publishes two values."""

WORDS = "one two three\n"

NEEDS_DATA = demo_plugin(
    f'WORDS = DataFile("demo/words.txt", ("http://127.0.0.1:9/words.txt",), '
    f'"{hashlib.sha256(WORDS.encode()).hexdigest()}")\n\n\n'
    'def words(rng):\n    print(fetch(WORDS).read_text())\n    publish("count", 3)\n\n\n'
    "@hookimpl\ndef rindoku_datasets():\n"
    '    return [Dataset("demo-set", lambda: None, files=(WORDS,))]',
    'Example("demo.words", "Words", words)',
).replace("from rindoku import Chapter, Example, hookimpl",
          "from rindoku import Chapter, Dataset, Example, hookimpl, publish\n"
          "from rindoku.data import DataFile, fetch")
"""A plugin whose example reads a data file that no server gives (nothing listens on
127.0.0.1:9), declared in its data set 'demo-set'."""


def text_of(page: Path) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page.read_text()))


def with_prose(tmp_path: Path, prose: str) -> None:
    """Add a paragraph to the demo chapter's page."""
    page = tmp_path / "plugin" / "demo.md"
    page.write_text(page.read_text() + "\n" + prose + "\n")


def load_demo(module: str, plugin_dir: Path, monkeypatch: pytest.MonkeyPatch):
    """Import a demo plugin in this process (to run and record its example here)."""
    monkeypatch.syspath_prepend(str(plugin_dir))
    monkeypatch.setenv("PYTHONPATH", str(plugin_dir))
    sys.modules.pop(module, None)
    return importlib.import_module(module)


def record_demo(tmp_path: Path, docs: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Record demo.counts into docs/records the way 'rindoku record' does; its record.json."""
    plugin = load_demo("rindoku_demo_rec", tmp_path / "plugin", monkeypatch)
    (example,) = plugin.rindoku_examples()
    assert record_examples([example], docs.parent) == 0
    return docs / "records" / "demo.counts" / "record.json"


# -- publish --------------------------------------------------------------------------


def test_publish_writes_values_and_the_last_one_wins(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    publish("accuracy", 0.5, "{:.0%}")
    publish("accuracy", 0.75, "{:.0%}")
    publish("label", "fast")
    texts, raw = published_values(tmp_path)
    assert texts == {"accuracy": "75%", "label": "fast"}
    assert raw == {"accuracy": 0.75, "label": "fast"}


@pytest.mark.parametrize("name", ["Accuracy", "two words", "", "é"])
def test_publish_rejects_a_name_that_is_not_lower_case_words(tmp_path, monkeypatch, name):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ValueError, match="lower-case letters, digits and underscores"):
        publish(name, 1)


def test_values_reach_the_cache_and_an_old_entry_without_them_still_reads(
        tmp_path, monkeypatch):
    """The worker reads values.json; a result.json written before values existed loads."""
    docs, _ = demo_book(tmp_path, "rindoku_demo_rec", PUBLISHING, "demo.counts")
    plugin = load_demo("rindoku_demo_rec", tmp_path / "plugin", monkeypatch)
    (example,) = plugin.rindoku_examples()
    cache = ExampleCache(tmp_path / "cache")
    result = cache.run(example)
    assert result.ok, result.error
    assert result.values == {"answer": "6.9%", "n": "42"}
    assert cache.lookup(example).values == result.values

    result_file = cache.result_file(example, result)
    data = json.loads(result_file.read_text())
    for key in ("values", "raw", "data_error", "datasets"):
        data.pop(key)
    result_file.write_text(json.dumps(data))
    old = cache.lookup(example)
    assert old is not None and old.values == {} and old.stdout == result.stdout


def test_rindoku_run_prints_what_an_example_published(tmp_path, monkeypatch, capsys):
    demo_book(tmp_path, "rindoku_demo_rec", PUBLISHING, "demo.counts")
    plugin = load_demo("rindoku_demo_rec", tmp_path / "plugin", monkeypatch)
    (example,) = plugin.rindoku_examples()

    class OneExample:
        def example(self, example_id):
            return example

    monkeypatch.chdir(tmp_path)  # not a checkout: nothing is kept for a book
    args = argparse.Namespace(id="demo.counts", out="output", seed=None)
    assert cmd_run(OneExample(), args) == 0
    out = capsys.readouterr().out
    assert "published: answer = 6.9%" in out and "published: n = 42" in out


# -- records ----------------------------------------------------------------------------


def test_a_record_holds_output_figures_values_and_the_machine(tmp_path, monkeypatch):
    docs, _ = demo_book(tmp_path, "rindoku_demo_rec", PUBLISHING, "demo.counts")
    record = read_record(record_demo(tmp_path, docs, monkeypatch).parent)
    assert record.kind == "example" and record.command == "rindoku record demo.counts"
    assert record.stdout == "counted 42\n"
    assert record.values == {"answer": "6.9%", "n": "42"} and record.raw["answer"] == 0.0693
    assert [f["file"] for f in record.figures] == ["figure-1.png"]
    assert "a line" in record.figures[0]["alt"]
    assert record.figure_paths[0].read_bytes()[:4] == b"\x89PNG"
    assert "cores" in record.machine and "BLAS" in record.machine and "load" in record.machine
    assert "numpy" in record.versions and re.match(r"\d{4}-\d\d-\d\dT", record.recorded)
    assert "rindoku_demo_rec" in record.modules
    # nothing else is left beside it (the temporary folder was renamed into place)
    assert [p.name for p in (docs / "records").iterdir()] == ["demo.counts"]
    assert (tmp_path / "docs" / "_build" / "rindoku-cache" / "demo.counts").is_dir()


def test_a_record_goes_stale_when_the_code_it_ran_changes(tmp_path, monkeypatch):
    docs, _ = demo_book(tmp_path, "rindoku_demo_rec", PUBLISHING, "demo.counts")
    record = read_record(record_demo(tmp_path, docs, monkeypatch).parent)
    plugin = sys.modules["rindoku_demo_rec"]
    (example,) = plugin.rindoku_examples()
    assert not is_stale(record, example)
    module = tmp_path / "plugin" / "rindoku_demo_rec.py"
    module.write_text(module.read_text() + "\n# a change\n")
    assert is_stale(record, example)


def good_record(example_id: str = "bench.demo") -> dict:
    return {"format": FORMAT, "rindoku": __version__, "id": example_id, "kind": "benchmark",
            "key": "", "recorded": "2026-12-02T09:00:00Z", "command": "nox -s bench",
            "seed": 0, "seconds": 1.5, "versions": "python 3.11", "machine": machine_summary(),
            "stdout": "fast\n", "figures": [], "values": {"speed": "2.0×"},
            "raw": {"speed": 2.0}}


@pytest.mark.parametrize(("change", "reason"), [
    ({"format": 2}, "format 2"),
    ({"rindoku": "9.0.0"}, "written by rindoku '9.0.0'"),
    ({"values": {"speed": 2.0}}, "'values' must map names to texts"),
    ({"id": "bench.other"}, "the record of 'bench.other'"),
    ({"figures": [{"file": "figure-1.png", "alt": ""}]}, "figure 'figure-1.png' is not"),
])
def test_a_damaged_or_foreign_record_is_refused_by_name(tmp_path, change, reason):
    folder = write_record(tmp_path, good_record())
    data = json.loads((folder / "record.json").read_text())
    (folder / "record.json").write_text(json.dumps({**data, **change}))
    with pytest.raises(RecordError, match=re.escape(reason)) as caught:
        read_record(folder)
    assert caught.value.path == folder / "record.json"
    records, problems = load_records(tmp_path)
    assert records == {} and [p.path for p in problems] == [folder / "record.json"]


def test_unreadable_json_is_a_damaged_record(tmp_path):
    folder = write_record(tmp_path, good_record())
    (folder / "record.json").write_text('{"format": 1, "id": ')
    with pytest.raises(RecordError, match="JSONDecodeError"):
        read_record(folder)


def test_rindoku_record_needs_ids_or_all(capsys):
    assert main(["record"]) == 2
    assert "name the examples to record" in capsys.readouterr().err
    assert main(["record", "--all", "cbow.ptb"]) == 2
    assert main(["book", "--record"]) == 2
    assert "use it with --long" in capsys.readouterr().err


# -- the book ---------------------------------------------------------------------------


def test_the_book_shows_a_record_cites_its_values_and_flags_it_when_stale(
        tmp_path, monkeypatch):
    """A long example not run shows its record under a 'Recorded on' line; the prose's
    value comes from it; a changed key makes the page and the summary say stale."""
    docs, env = demo_book(tmp_path, "rindoku_demo_rec", PUBLISHING, "demo.counts")
    with_prose(tmp_path, "The answer is {rindoku-value}`demo.counts:answer`, "
                         "the speed {rindoku-value}`bench.demo:speed`.")
    record_file = record_demo(tmp_path, docs, monkeypatch)
    write_record(docs / "records", good_record())
    out = tmp_path / "out"
    page = out / "html" / "chapters" / "demo.html"

    done = build_book(docs, out, "-W", env=env)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    text = text_of(page)
    date = json.loads(record_file.read_text())["recorded"][:10]
    assert re.search(rf"Recorded on {date} with rindoku record demo\.counts \([\d.]+ s, "
                     r"\d+ cores, [^)]+\)\.", text), text
    assert "counted 42" in text and "stale" not in text
    assert "The answer is 6.9%, the speed 2.0×." in text
    assert re.search(r'<img [^>]*alt="demo.counts, figure 1: a line', page.read_text())
    assert re.search(r"demo\.counts\s+recorded", done.stdout)
    again = build_book(docs, out, "-W", env=env)
    assert "rindoku: no example needed running" in again.stdout  # nothing re-read

    data = json.loads(record_file.read_text())
    record_file.write_text(json.dumps({**data, "key": "0" * 20}))
    done = build_book(docs, out, "-W", env=env)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert ("This record is stale: the code has changed since it was recorded; run "
            "rindoku record demo.counts to update it.") in text_of(page)
    assert "The answer is 6.9%" in text_of(page)
    assert re.search(r"1 stale record\(s\).*: demo\.counts; update them with "
                     r"'rindoku record demo\.counts'", done.stdout)


def test_a_value_that_does_not_exist_fails_the_build_and_says_what_does(tmp_path, monkeypatch):
    docs, env = demo_book(tmp_path, "rindoku_demo_rec", PUBLISHING, "demo.counts")
    with_prose(tmp_path, "Wrong: {rindoku-value}`demo.counts:answers`, "
                         "{rindoku-value}`demo.count:answer`.")
    record_demo(tmp_path, docs, monkeypatch)
    done = build_book(docs, tmp_path / "out", env=env)
    output = done.stdout + done.stderr
    assert done.returncode != 0
    assert re.search(r"demo\.md:\d+: ERROR: rindoku-value demo\.counts:answers: demo\.counts "
                     r"publishes answer, n; no 'answers'", output), output[-3000:]
    assert "no example named 'demo.count'; did you mean demo.counts?" in output
    assert "2 value reference(s) name nothing published (2 on chapters/demo)" in output


def test_a_damaged_record_is_reported_by_name_and_treated_as_absent(tmp_path):
    docs, env = demo_book(tmp_path, "rindoku_demo_rec", PUBLISHING, "demo.counts")
    (docs / "records" / "demo.counts").mkdir(parents=True)
    (docs / "records" / "demo.counts" / "record.json").write_text("{not json")
    out = tmp_path / "out"
    done = build_book(docs, out, "-W", "--keep-going", env=env)
    output = done.stdout + done.stderr
    assert done.returncode != 0  # a warning: CI fails on a damaged committed record
    assert re.search(r"WARNING: record docs/records/demo\.counts/record\.json is damaged "
                     r"\(JSONDecodeError: .*\): treated as absent", output), output[-3000:]
    assert "This example takes a while" in text_of(out / "html" / "chapters" / "demo.html")


def test_without_its_data_an_example_shows_a_note_and_the_build_says_what_is_missing(
        tmp_path, monkeypatch):
    """No data and no network: the build passes, the page says what to fetch (or shows
    the example's record), and the build's last lines name the data set."""
    docs, env = demo_book(tmp_path, "rindoku_demo_data", NEEDS_DATA, "demo.words")
    with_prose(tmp_path, "It has {rindoku-value}`demo.words:count` words.")
    (tmp_path / "data").mkdir()
    (tmp_path / "xdg").mkdir()
    env = {**env, "RINDOKU_DATA": str(tmp_path / "data"), "XDG_CACHE_HOME": str(tmp_path / "xdg")}
    out = tmp_path / "out"
    done = build_book(docs, out, "-W", env=env)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    text = text_of(out / "html" / "chapters" / "demo.html")
    assert ("This example needs the demo-set data set, which is not here: run rindoku data "
            "fetch demo-set (with internet) or set RINDOKU_DATA=DIR.") in text
    assert "It has [needs the demo-set data set] words." in text
    assert re.search(r"demo\.words\s+no data", done.stdout)
    last = done.stdout.strip().splitlines()[-1]
    assert last == ("rindoku: missing data: demo-set — get them with 'rindoku data fetch "
                    "demo-set' (with internet) or set RINDOKU_DATA=DIR; 0 examples show "
                    "recorded results instead, 1 shows a note, 1 value in the text is missing.")
    assert not list((out / "rindoku-cache" / "demo.words").glob("*/result.json"))

    # recorded where the data was, the example shows its record where it is not
    (tmp_path / "data" / "demo").mkdir()
    (tmp_path / "data" / "demo" / "words.txt").write_text(WORDS)
    monkeypatch.setenv("RINDOKU_DATA", str(tmp_path / "data"))
    plugin = load_demo("rindoku_demo_data", tmp_path / "plugin", monkeypatch)
    assert record_examples(plugin.rindoku_examples(), docs.parent) == 0
    (tmp_path / "data" / "demo" / "words.txt").unlink()
    done = build_book(docs, out, "-W", env=env)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    text = text_of(out / "html" / "chapters" / "demo.html")
    assert re.search(r"Recorded on [\d-]+ with rindoku record demo\.words \(.*\)\. The "
                     r"demo-set data set is not here, so the book shows this recorded run\.",
                     text), text
    assert "one two three" in text and "It has 3 words." in text
    assert done.stdout.strip().splitlines()[-1] == (
        "rindoku: missing data: demo-set — get them with 'rindoku data fetch demo-set' "
        "(with internet) or set RINDOKU_DATA=DIR; 1 example shows recorded results instead.")


def test_rindoku_run_long_must_be_0_or_1(tmp_path):
    docs, env = demo_book(tmp_path, "rindoku_demo_rec", PUBLISHING, "demo.counts")
    done = build_book(docs, tmp_path / "out", "-D", "rindoku_run_long=yes", env=env)
    assert done.returncode != 0
    assert ("rindoku_run_long must be 0 or 1 (or True/False in conf.py), got 'yes'"
            in done.stderr + done.stdout)
    assert "examples of this build" not in done.stdout
