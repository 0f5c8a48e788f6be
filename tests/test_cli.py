"""The rindoku command: every command, and the bad inputs a member will type."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
from conftest import demo_book, demo_plugin

from rindoku import Chapter, Example, hookimpl
from rindoku.cli import main
from rindoku.registry import load_registry

EXERCISE = "backprop.sigmoid-backward"


def rindoku(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None
            ) -> subprocess.CompletedProcess[str]:
    """Run the installed console script, as a member would."""
    command = [str(Path(sys.executable).with_name("rindoku")), *args]
    return subprocess.run(command, capture_output=True, text=True, cwd=cwd, env=env,
                          timeout=300)


def status_of(argv: Sequence[str]) -> int | str | None:
    """main's exit status, whether it returns it or argparse exits with it."""
    try:
        return main(argv)
    except SystemExit as exit:
        return exit.code


def one_error_line(capsys: pytest.CaptureFixture[str]) -> str:
    """The one line on stderr, which must be an error and no traceback."""
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1, err
    assert err.startswith("rindoku: error: ")
    return err.strip()


def test_list_shows_every_kind(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    for heading in ("chapters", "layers", "optimizers", "models", "datasets", "examples",
                    "exercises"):
        assert f"\n{heading} (" in f"\n{out}"
    assert "backprop" in out and "誤差逆伝播法" in out
    assert "Affine" in out and "backprop.spiral" in out and EXERCISE in out


def test_list_one_kind(capsys):
    assert main(["list", "examples"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("examples (")
    assert "layers (" not in out


def test_plugins_shows_versions_and_locations(capsys):
    assert main(["plugins"]) == 0
    out = capsys.readouterr().out
    assert "backprop" in out and "rindoku 0.1.0" in out
    assert "rindoku_backprop.plugin" in out and "plugin.py" in out


def test_a_typo_gets_one_line_with_the_closest_id():
    """No traceback: one line on stderr naming the closest ids, exit status 2."""
    done = rindoku("run", "backprop.spiarl")
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "rindoku: error: no example named 'backprop.spiarl'; did you mean backprop.spiral? "
        "(see 'rindoku list')"
    ]


def test_run_prints_output_and_writes_figures(tmp_path):
    done = rindoku("run", "backprop.spiral", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    figures = [line.removeprefix("figure: ") for line in done.stdout.splitlines()
               if line.startswith("figure: ")]
    assert len(figures) == 2
    for figure in figures:
        assert (tmp_path / figure).read_bytes()[:4] == b"\x89PNG"
    assert "accuracy" in done.stdout


def test_exercise_start_writes_the_starter_and_never_overwrites(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["exercise", "start", EXERCISE]) == 0
    path = tmp_path / "backprop_sigmoid_backward.py"
    assert "NotImplementedError" in path.read_text()

    path.write_text("# my work\n")
    assert main(["exercise", "start", EXERCISE]) == 2
    assert "already exists" in capsys.readouterr().err
    assert path.read_text() == "# my work\n"

    assert main(["exercise", "start", EXERCISE, "--force"]) == 0
    assert "NotImplementedError" in path.read_text()


def test_exercise_check_tells_not_attempted_from_passed(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    main(["exercise", "start", EXERCISE])
    capsys.readouterr()
    assert main(["exercise", "check", EXERCISE, "backprop_sigmoid_backward.py"]) == 1
    assert "not attempted" in capsys.readouterr().out

    assert main(["exercise", "solution", EXERCISE]) == 0
    Path("solved.py").write_text(capsys.readouterr().out)
    assert main(["exercise", "check", EXERCISE, "solved.py"]) == 0
    assert "passed" in capsys.readouterr().out


def test_exercise_check_of_a_missing_file(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["exercise", "check", EXERCISE, "nope.py"]) == 2
    assert "rindoku exercise start" in capsys.readouterr().err


def test_exercise_hints(capsys):
    assert main(["exercise", "hint", EXERCISE]) == 0
    out = capsys.readouterr().out
    assert out.startswith("hint 1 of ")
    assert f"rindoku exercise hint {EXERCISE} 2" in out
    assert main(["exercise", "hint", EXERCISE, "--all"]) == 0
    assert "hint 2 of" in capsys.readouterr().out
    assert main(["exercise", "hint", EXERCISE, "99"]) == 2
    assert "has hints 1 to" in capsys.readouterr().err


def test_an_unknown_exercise_suggests_the_closest(capsys):
    assert main(["exercise", "hint", "backprop.sigmoid-backwrd"]) == 2
    assert f"did you mean {EXERCISE}" in capsys.readouterr().err


def test_book_outside_a_checkout_is_refused(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["book"]) == 2
    assert "inside one" in capsys.readouterr().err


@pytest.mark.parametrize(("argv", "words"), [
    ([], "required: COMMAND"),
    (["frobnicate"], "invalid choice: 'frobnicate'"),
    (["list", "widgets"], "invalid choice: 'widgets'"),
    (["book", "--lng"], "unrecognized arguments: --lng"),
    (["exercise", "hint", EXERCISE, "two"], "invalid int value: 'two'"),
])
def test_bad_usage_is_one_line_with_status_2(argv, words, capsys):
    """argparse's mistakes too: one line, with where to read the usage, not a usage block."""
    assert status_of(argv) == 2
    line = one_error_line(capsys)
    assert words in line and "--help')" in line


@pytest.mark.parametrize("seed", ["-1", "1.5", "many"])
def test_a_seed_below_0_or_not_whole_is_refused(seed, capsys):
    """NumPy takes seeds from 0 up: a negative one is the member's mistake, not the example's."""
    assert status_of(["run", "backprop.apple", "--seed", seed]) == 2
    assert f"--seed must be a whole number from 0 up, got {seed}" in one_error_line(capsys)


def test_a_seed_of_any_size_runs(tmp_path, capsys):
    """NumPy's generators take arbitrarily large seeds, so rindoku does too."""
    seed = str(2**80)
    assert main(["run", "backprop.apple", "--seed", seed, "--out", str(tmp_path)]) == 0
    assert f"(seed {seed})" in capsys.readouterr().out


@pytest.mark.parametrize("out", ["notes.txt", "notes.txt/figures"])
def test_run_out_must_be_a_folder(out, tmp_path, monkeypatch, capsys):
    """--out naming a file, or a path under one, is refused before the example runs."""
    monkeypatch.chdir(tmp_path)
    Path("notes.txt").write_text("mine\n")
    assert main(["run", "backprop.apple", "--out", out]) == 2
    out_text, err = capsys.readouterr()
    assert "running" not in out_text
    assert err.splitlines() == [f"rindoku: error: --out {out} must be a folder, but notes.txt "
                                "is a file: choose another --out"]
    assert Path("notes.txt").read_text() == "mine\n"


def test_exercise_start_under_a_file_is_refused(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    Path("notes.txt").write_text("mine\n")
    assert main(["exercise", "start", EXERCISE, "--file", "notes.txt/attempt.py"]) == 2
    line = one_error_line(capsys)
    assert "cannot write notes.txt/attempt.py: notes.txt is a file, not a folder" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


@pytest.mark.parametrize("force", [[], ["--force"]])
def test_exercise_start_into_a_folder_is_refused(force, tmp_path, monkeypatch, capsys):
    """A folder is never replaced, even with --force; nothing is left behind."""
    monkeypatch.chdir(tmp_path)
    Path("work").mkdir()
    assert main(["exercise", "start", EXERCISE, "--file", "work", *force]) == 2
    line = one_error_line(capsys)
    assert "work is a folder" in line and "--file work/backprop_sigmoid_backward.py" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["work"]
    assert list(Path("work").iterdir()) == []


TIMED = [["exercise", "check", EXERCISE, "attempt.py"], ["record", "cbow.ptb"],
         ["data", "fetch", "ptb"]]


@pytest.mark.parametrize("command", TIMED, ids=lambda c: " ".join(c[:2]))
@pytest.mark.parametrize("value", ["nan", "inf", "0", "-5", "soon"])
def test_every_timeout_is_a_finite_number_above_0(command, value, capsys):
    assert status_of([*command, "--timeout", value]) == 2
    assert (f"--timeout must be a finite number of seconds above 0, got {value}"
            in one_error_line(capsys))


@pytest.mark.parametrize(("argv", "suggested"), [
    (["run", "apple"], "did you mean backprop.apple?"),
    (["run", "spiral"], "did you mean backprop.spiral or optimizers.spiral?"),
    (["run", "toy"], "did you mean cbow.toy, countbased.toy or skipgram.toy?"),
    (["exercise", "check", "sigmoid-backward", "f.py"], f"did you mean {EXERCISE}?"),
    (["exercise", "hint", "sigmoid-backwrd"], f"did you mean {EXERCISE}?"),
])
def test_a_bare_name_suggests_the_ids_ending_in_it(argv, suggested, capsys):
    assert main(argv) == 2
    assert suggested in one_error_line(capsys)


class Stage:
    """A throwaway chapter ``slug`` with one example, ``slug.fit``."""

    def __init__(self, slug: str, number: int) -> None:
        self.slug, self.number = slug, number

    @hookimpl
    def rindoku_chapter(self) -> Chapter:
        return Chapter(slug=self.slug, number=self.number, title=self.slug, title_ja="章",
                       page=Path(f"{self.slug}.md"))

    @hookimpl
    def rindoku_examples(self) -> list[Example]:
        return [Example(f"{self.slug}.fit", "Fit", print)]


def test_a_bare_name_of_many_ids_shows_a_few(monkeypatch, capsys):
    stages = [(f"s{n}", Stage(f"s{n}", 90 + n)) for n in range(1, 7)]
    monkeypatch.setattr("rindoku.cli.load_registry",
                        lambda: load_registry(entry_points=[], plugins=stages))
    assert main(["run", "fit"]) == 2
    assert one_error_line(capsys) == (
        "rindoku: error: no example named 'fit'; did you mean s1.fit, s2.fit, s3.fit or "
        "s4.fit (or one of 2 more)? (see 'rindoku list')")


BROKEN = importlib.metadata.EntryPoint(name="broken", value="rindoku_no_such_chapter.plugin",
                                       group="rindoku")


def test_plugins_exits_1_on_a_problem_and_list_warns_in_one_line(monkeypatch, capsys):
    """'plugins' is the place to look: it shows everything and fails; 'list' still works."""
    installed = list(importlib.metadata.entry_points(group="rindoku"))
    monkeypatch.setattr("rindoku.cli.load_registry",
                        lambda: load_registry(entry_points=[*installed, BROKEN]))
    assert main(["plugins"]) == 1
    out = capsys.readouterr().out
    assert "rindoku_backprop.plugin" in out
    assert "problems (1)" in out and "plugin 'broken': failed to import" in out
    assert main(["list", "chapters"]) == 0
    out, err = capsys.readouterr()
    assert "backprop" in out
    assert err == ("rindoku: warning: 1 plugin problem(s); run 'rindoku plugins' for "
                   "details\n")


def test_exercise_check_of_a_folder_or_of_a_file_not_text(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    Path("work").mkdir()
    assert main(["exercise", "check", EXERCISE, "work"]) == 2
    assert "work is a folder" in one_error_line(capsys)
    Path("binary.py").write_bytes(b"x = 1\n\x81\n")  # neither UTF-8 nor Shift_JIS
    assert main(["exercise", "check", EXERCISE, "binary.py"]) == 2
    line = one_error_line(capsys)
    assert "binary.py" in line and "save it as UTF-8" in line


@pytest.mark.parametrize("argv", [["record", "cbow.ptb"], ["book"],
                                  ["new-chapter", "rnnlm", "--no-install"]])
def test_a_root_that_is_not_a_checkout_is_refused(argv, tmp_path, capsys):
    """A misspelt --root is refused before anything runs or is written."""
    assert main([*argv, "--root", str(tmp_path / "nowhere")]) == 2
    assert (f"--root {tmp_path / 'nowhere'} is not a rindoku checkout"
            in one_error_line(capsys))
    assert list(tmp_path.iterdir()) == []


def test_new_chapter_package_must_be_a_folder(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("mine\n")
    assert main(["new-chapter", "rnnlm", "--package", str(tmp_path / "notes.txt")]) == 2
    assert "notes.txt is a file: give a new folder" in one_error_line(capsys)


def test_book_builds_each_edition_of_the_checkout_it_is_given(tmp_path):
    """'rindoku book' builds docs/ of the checkout it is run in, an edition per language
    (docs/_build/html/en and html/ja, html/index.html to choose), in place of a book of
    one language built before the editions."""
    docs, env = demo_book(tmp_path, "rindoku_demo_cli", DEMO_PLUGIN, "demo.hello")
    with (docs / "conf.py").open("a") as conf:
        conf.write('rindoku_editions = ["en", "ja"]\n')
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'copy'\n")
    html = docs / "_build" / "html"
    (html / "chapters").mkdir(parents=True)  # a book of one language, from before
    (html / ".buildinfo").write_text("")
    (html / "chapters" / "demo.html").write_text("old")
    done = rindoku("book", cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert (f"the book is at {html / 'index.html'} ({html / 'en'}, {html / 'ja'})"
            in done.stdout)
    for language in ("en", "ja"):
        page = html / language / "chapters" / "demo.html"
        assert "hello from the demo" in page.read_text()
        assert (docs / "_build" / "doctrees" / language / "index.doctree").is_file()
    assert 'href="ja/index.html"' in (html / "index.html").read_text()
    assert sorted(p.name for p in html.iterdir()) == ["en", "index.html", "ja"]
    assert not (docs / "chapters").exists()  # the page was read where it lies


def a_checkout(root: Path, conf: str = "") -> Path:
    """The least that 'rindoku book' takes for a checkout: docs/conf.py, pyproject.toml."""
    (root / "docs").mkdir()
    (root / "docs" / "conf.py").write_text(conf)
    (root / "pyproject.toml").write_text("")
    return root


def test_book_builds_an_edition_per_language_sharing_the_cache(tmp_path, monkeypatch):
    """One sphinx-build per edition, as 'nox -s book' runs them; options after -- go to each."""
    a_checkout(tmp_path, 'rindoku_editions = ["en", "ja"]\n')
    commands = []
    monkeypatch.setattr("rindoku.cli.subprocess.call",
                        lambda command: commands.append(command) or 0)
    assert main(["book", "--root", str(tmp_path), "--long", "--", "-j", "1"]) == 0
    build = tmp_path / "docs" / "_build"
    assert [command[3:] for command in commands] == [
        ["-W", "--keep-going", "-b", "html", "-D", f"language={language}",
         str(tmp_path / "docs"), str(build / "html" / language),
         "-d", str(build / "doctrees" / language), "-D", "rindoku_run_long=1", "-j", "1"]
        for language in ("en", "ja")]


def test_book_stops_at_the_first_edition_that_fails(tmp_path, monkeypatch):
    a_checkout(tmp_path, 'rindoku_editions = ["en", "ja"]\n')
    commands = []
    monkeypatch.setattr("rindoku.cli.subprocess.call",
                        lambda command: commands.append(command) or 1)
    assert main(["book", "--root", str(tmp_path)]) == 1
    assert len(commands) == 1


def test_book_takes_only_sphinx_options_after_the_dashes(tmp_path, capsys):
    a_checkout(tmp_path)
    assert main(["book", "--root", str(tmp_path), "--", "cbow"]) == 2
    assert "after -- come sphinx-build options" in one_error_line(capsys)


def test_book_chapters_builds_a_book_of_some_chapters(tmp_path, monkeypatch):
    """'rindoku book --chapters cbow' asks for cbow and, through the registry, what it needs
    (a book of one language, into docs/_build/html)."""
    a_checkout(tmp_path)
    commands = []
    monkeypatch.setattr("rindoku.cli.subprocess.call",
                        lambda command: commands.append(command) or 0)
    assert main(["book", "--root", str(tmp_path), "--chapters", "cbow"]) == 0
    assert commands == [[sys.executable, "-m", "sphinx", "-W", "--keep-going", "-b", "html",
                         str(tmp_path / "docs"), str(tmp_path / "docs" / "_build" / "html"),
                         "-D", "rindoku_chapters=cbow"]]


def test_book_chapters_with_a_typo_suggests_the_slug(tmp_path, capsys):
    a_checkout(tmp_path)
    assert main(["book", "--root", str(tmp_path), "--chapters", "cbw"]) == 2
    assert "did you mean cbow" in capsys.readouterr().err


DEMO_PLUGIN = demo_plugin('def hello(rng):\n    print("hello from the demo")',
                          'Example("demo.hello", "Hello", hello)')


def test_book_long_asks_sphinx_to_run_the_long_examples(tmp_path, monkeypatch):
    """'rindoku book --long' passes rindoku_run_long to sphinx-build (built in test_book)."""
    a_checkout(tmp_path)
    commands = []
    monkeypatch.setattr("rindoku.cli.subprocess.call",
                        lambda command: commands.append(command) or 1)
    assert main(["book", "--root", str(tmp_path)]) == 1
    assert main(["book", "--root", str(tmp_path), "--long"]) == 1
    assert "rindoku_run_long=1" not in commands[0]
    assert commands[1][-2:] == ["-D", "rindoku_run_long=1"]


def test_run_without_its_data_says_what_to_do_without_a_traceback(monkeypatch, capsys):
    """A missing data file is the user's to provide: the message, not a traceback wall."""
    from rindoku.data import DataError

    def missing(*args):
        raise DataError("ptb/ptb.train.txt is not here: set RINDOKU_DATA or connect")

    monkeypatch.setattr("rindoku.cli.run_example", missing)
    assert main(["run", "cbow.ptb"]) == 1
    err = capsys.readouterr().err
    assert "example 'cbow.ptb' needs a data file" in err and "set RINDOKU_DATA" in err
    assert "Traceback" not in err
