"""The course book: built by Sphinx, with executed examples, exercises and the chapter list."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from conftest import BOOK_CACHE, build_book, build_edition, demo_book, demo_plugin

ROOT = Path(__file__).resolve().parents[1]



@pytest.fixture
def book(real_book):
    """The real book's English edition, built once per test session (see conftest):
    (its folder, the build)."""
    out, done, _ = real_book
    return out / "html" / "en", done


@pytest.mark.slow
def test_the_index_lists_the_chapters_from_the_registry(book):
    html, _ = book
    index = (html / "index.html").read_text()
    assert 'href="chapters/backprop.html"' in index
    assert "誤差逆伝播法" in index


@pytest.mark.slow
def test_the_backprop_page_has_executed_output_and_figures(book):
    """The spiral example's printed accuracy and its two figures are on the page."""
    html, _ = book
    page = (html / "chapters" / "backprop.html").read_text()
    assert "accuracy" in page
    images = re.findall(r'<img[^>]+src="\.\./(_images/[^"]+\.png)"', page)
    assert len(images) >= 3
    for image in images:
        assert (html / image).read_bytes()[:4] == b"\x89PNG"


@pytest.mark.slow
def test_the_backprop_page_shows_real_source_and_hidden_solutions(book):
    html, _ = book
    page = (html / "chapters" / "backprop.html").read_text()
    space = r'(<span class="w"> </span>| )'
    assert re.search(rf'class</span>{space}<span class="nc">Affine</span>', page)
    assert page.count('<details class="rindoku-details"') >= 3
    assert "NotImplementedError" in page  # the starter code
    assert 'download="" href="../_downloads/' in page
    assert "backprop_spiral.py" in page


@pytest.mark.slow
def test_the_glossary_is_made_from_the_chapters(book):
    html, _ = book
    glossary = (html / "glossary.html").read_text()
    assert "計算グラフ" in glossary and "computational graph" in glossary


@pytest.mark.slow
def test_the_build_ends_with_a_summary_of_examples(book):
    _, done = book
    assert "rindoku: examples of this build" in done.stdout
    assert re.search(r"backprop\.spiral\s+(ran|cached)", done.stdout)


@pytest.mark.slow
def test_a_rebuild_without_changes_runs_no_example(real_book):
    """Everything is cached: the second build reads no page and runs nothing."""
    out, _, _ = real_book
    done = build_edition(ROOT / "docs", out, "en", "-W", "--keep-going",
                         "-D", f"rindoku_cache_dir={BOOK_CACHE}")  # as the first build
    assert done.returncode == 0, done.stderr
    assert "rindoku: no example needed running" in done.stdout


@pytest.mark.slow
def test_the_build_leaves_the_checkout_as_it_was(real_book):
    """No chapter page is copied into docs/ and no example writes into the checkout."""
    _, _, added = real_book
    assert added == set(), f"the book build left these in the checkout: {sorted(added)}"
    assert not (ROOT / "docs" / "chapters").exists()


BROKEN_PLUGIN = demo_plugin(
    'def explode(rng):\n    print("about to fail")\n'
    '    raise RuntimeError("the example is broken")',
    'Example("demo.explode", "Explodes", explode)',
)


def test_an_example_that_raises_fails_the_build_and_is_named(tmp_path):
    """The failure is at the example's line, with its traceback, and in the summary."""
    docs, env = demo_book(tmp_path, "rindoku_demo_broken", BROKEN_PLUGIN, "demo.explode")
    done = build_book(docs, tmp_path / "out", env=env)
    output = done.stdout + done.stderr
    assert done.returncode != 0
    assert "demo.md:3" in output or "chapters/demo.md:3" in output
    assert "RuntimeError: the example is broken" in output
    assert re.search(r"demo\.explode\s+FAILED", output)
    assert "1 example(s) raised: demo.explode" in output


LONG_PLUGIN = demo_plugin(
    "def slow(rng):\n    print(\"the long run's result\")",
    'Example("demo.slow", "Slow", slow, size="long")',
)


def test_long_examples_run_only_when_the_build_asks(tmp_path):
    """By default the page says how to see a long example; -D rindoku_run_long=1 runs it."""
    docs, env = demo_book(tmp_path, "rindoku_demo_long", LONG_PLUGIN, "demo.slow")
    page = tmp_path / "out" / "html" / "chapters" / "demo.html"

    done = build_book(docs, tmp_path / "out", "-W", env=env)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    text = re.sub(r"<[^>]+>", "", page.read_text())
    assert "This example takes a while" in text and "rindoku book --long" in text
    assert "rindoku-output" not in page.read_text()  # no output box
    assert re.search(r"demo\.slow\s+not run \(long\)", done.stdout)

    done = build_book(docs, tmp_path / "out", "-W", "-D", "rindoku_run_long=1", env=env)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    output = re.search(r'class="rindoku-output.*?</pre>', page.read_text(), re.S)
    assert output and "result" in output.group()
    assert re.search(r"demo\.slow\s+ran", done.stdout)


def reuse_results_that_read_no_data(cache: Path) -> None:
    """Copy into ``cache`` the checkout's book results of the examples that fetched no data
    file (:attr:`~rindoku.execution.ExampleResult.read` is ``[]``; None, not known, is not
    taken).

    Such a result is what a run without the data sets gives too, so a build that reuses
    them still runs every example that reads data, and finds it missing.
    """
    from rindoku.execution import ExampleCache
    from rindoku.registry import load_registry

    book, own = ExampleCache(BOOK_CACHE), ExampleCache(cache)
    for contribution in load_registry().kind("examples").values():
        example = contribution.value
        result = book.lookup(example)
        if result is not None and result.ok and result.read == []:
            own.store(example, result)


@pytest.mark.slow
def test_the_book_builds_without_any_data_and_says_what_is_missing(tmp_path):
    """No data set anywhere and no network: the book still builds with -W, and its last
    lines name the missing data sets and the command that gets them."""
    (tmp_path / "data").mkdir()
    (tmp_path / "xdg").mkdir()
    env = {**os.environ, "RINDOKU_DATA": str(tmp_path / "data"),
           "XDG_CACHE_HOME": str(tmp_path / "xdg")}
    # a cache of its own: the checkout's holds results of runs that had the data, of
    # which only those that read none are taken
    reuse_results_that_read_no_data(tmp_path / "cache")
    done = build_book(ROOT / "docs", tmp_path / "out", "-W", "--keep-going",
                      "-D", f"rindoku_cache_dir={tmp_path / 'cache'}", env=env)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    last = done.stdout.strip().splitlines()[-1]
    assert last.startswith("rindoku: missing data: addition, dates, ptb"), last
    assert "rindoku data fetch addition dates ptb" in last and "RINDOKU_DATA=DIR" in last
    page = (tmp_path / "out" / "html" / "chapters" / "countbased.html").read_text()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page))
    assert "data set is not here" in text or "which is not here: run rindoku data fetch" in text
