"""The rindoku command: every command, and the bad inputs a member will type."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import demo_book, demo_plugin

from rindoku.cli import main

EXERCISE = "backprop.sigmoid-backward"


def rindoku(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None
            ) -> subprocess.CompletedProcess[str]:
    """Run the installed console script, as a member would."""
    command = [str(Path(sys.executable).with_name("rindoku")), *args]
    return subprocess.run(command, capture_output=True, text=True, cwd=cwd, env=env,
                          timeout=300)


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


@pytest.mark.parametrize("argv", [[], ["frobnicate"], ["list", "widgets"]])
def test_bad_usage_exits_with_status_2(argv, capsys):
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2


def test_book_builds_the_checkout_it_is_given(tmp_path):
    """'rindoku book' builds docs/ of the checkout it is run in, into docs/_build/html."""
    docs, env = demo_book(tmp_path, "rindoku_demo_cli", DEMO_PLUGIN, "demo.hello")
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'copy'\n")
    done = rindoku("book", cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "the book is at" in done.stdout
    page = docs / "_build" / "html" / "chapters" / "demo.html"
    assert "hello from the demo" in page.read_text()
    assert not (docs / "chapters").exists()  # the page was read where it lies


def test_book_chapters_builds_a_book_of_some_chapters(tmp_path, monkeypatch):
    """'rindoku book --chapters cbow' asks for cbow and, through the registry, what it needs."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "conf.py").write_text("")
    (tmp_path / "pyproject.toml").write_text("")
    commands = []
    monkeypatch.setattr("rindoku.cli.subprocess.call",
                        lambda command: commands.append(command) or 0)
    assert main(["book", "--root", str(tmp_path), "--chapters", "cbow"]) == 0
    assert commands[0][-2:] == ["-D", "rindoku_chapters=cbow"]


def test_book_chapters_with_a_typo_suggests_the_slug(tmp_path, capsys):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "conf.py").write_text("")
    (tmp_path / "pyproject.toml").write_text("")
    assert main(["book", "--root", str(tmp_path), "--chapters", "cbw"]) == 2
    assert "did you mean cbow" in capsys.readouterr().err


DEMO_PLUGIN = demo_plugin('def hello(rng):\n    print("hello from the demo")',
                          'Example("demo.hello", "Hello", hello)')


def test_book_long_asks_sphinx_to_run_the_long_examples(tmp_path, monkeypatch):
    """'rindoku book --long' passes rindoku_run_long to sphinx-build (built in test_book)."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "conf.py").write_text("")
    (tmp_path / "pyproject.toml").write_text("")
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
