"""Adding a chapter: the scaffold in a checkout and as a separate package, end to end.

The end-to-end tests copy this checkout into a temporary folder, install it into
a fresh virtual environment, and use the ``rindoku`` command there as a member
would: new-chapter, list, plugins, book, and the chapter's own tests.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from rindoku.cli import main
from rindoku.scaffold import ScaffoldError, add_entry_point, new_chapter

ROOT = Path(__file__).resolve().parents[1]
IGNORE = shutil.ignore_patterns(".git", ".nox", ".venv", "_build", "chapters", "*.egg-info",
                                "__pycache__", "rindoku-output", ".pytest_cache", ".ruff_cache",
                                ".mypy_cache")


def copy_checkout(target: Path) -> Path:
    """A copy of this checkout's sources (no build outputs, no environments)."""
    shutil.copytree(ROOT, target, ignore=IGNORE)
    shutil.copytree(ROOT / "chapters", target / "chapters")
    return target


# -- the scaffold itself (fast) -------------------------------------------------------


def test_the_entry_point_is_added_to_the_group(tmp_path):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[project.entry-points.rindoku]\na = "rindoku_a.plugin"\n\n'
                         '[tool.x]\ny = 1\n')
    add_entry_point(pyproject, "rnnlm")
    assert pyproject.read_text() == ('[project.entry-points.rindoku]\na = "rindoku_a.plugin"\n'
                                     'rnnlm = "rindoku_rnnlm.plugin"\n\n[tool.x]\ny = 1\n')


@pytest.mark.parametrize("mode", ["checkout", "package"])
def test_generated_code_passes_the_lint(tmp_path, mode):
    """The generated chapter follows the project's style (ruff, with its config)."""
    if importlib.util.find_spec("ruff") is None:
        pytest.skip("ruff is not installed here: pip install ruff (the test extra has it)")
    if mode == "checkout":
        root = copy_checkout(tmp_path / "repo")
        new_chapter("rnnlm", "RNN language model", number=9, root=root)
        target = root / "plugins" / "rindoku_rnnlm"
        config = ["--config", str(root / "pyproject.toml")]
    else:
        new_chapter("rnnlm", "RNN language model", number=9, package=tmp_path / "pkg")
        target, config = tmp_path / "pkg", []
    command = [sys.executable, "-m", "ruff", "check", "--no-cache", *config, str(target)]
    done = subprocess.run(command, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout


def test_refuses_an_existing_slug(capsys):
    assert main(["new-chapter", "backprop", "--no-install"]) == 2
    assert "a chapter 'backprop' is already installed" in capsys.readouterr().err


@pytest.mark.parametrize("slug", ["RNN-LM", "2nd", "class", "rnn_lm"])
def test_refuses_an_invalid_name(slug, capsys):
    assert main(["new-chapter", slug, "--no-install"]) == 2
    assert "is not a valid chapter name" in capsys.readouterr().err


def test_refuses_outside_a_checkout(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["new-chapter", "rnnlm", "--no-install"]) == 2
    assert "--package DIR" in capsys.readouterr().err


def test_refuses_to_overwrite(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "notes.txt").write_text("mine")
    with pytest.raises(ScaffoldError, match="is not empty"):
        new_chapter("rnnlm", "RNN", number=9, package=tmp_path / "pkg")
    root = copy_checkout(tmp_path / "repo")
    (root / "chapters" / "rnnlm.md").write_text("# mine\n")
    with pytest.raises(ScaffoldError, match="already exists"):
        new_chapter("rnnlm", "RNN", number=9, root=root)
    assert (root / "chapters" / "rnnlm.md").read_text() == "# mine\n"


# -- end to end, in a fresh virtual environment ---------------------------------------------

BROKEN = {
    "rindoku_broken/__init__.py": "",
    "rindoku_broken/bad_import.py": "import rindoku_this_module_does_not_exist\n",
    "rindoku_broken/wrong_type.py": textwrap.dedent("""\
        from rindoku import hookimpl


        @hookimpl
        def rindoku_layers():
            return "Affine"
        """),
    "rindoku_broken/duplicate.py": textwrap.dedent("""\
        from rindoku import hookimpl


        class Affine:
            params: list = []
            grads: list = []


        @hookimpl
        def rindoku_layers():
            return [Affine]
        """),
    "rindoku_broken/typo.py": textwrap.dedent("""\
        from rindoku import hookimpl


        @hookimpl
        def rindoku_exercize():
            return []
        """),
    "pyproject.toml": textwrap.dedent("""\
        [build-system]
        requires = ["setuptools>=61"]
        build-backend = "setuptools.build_meta"

        [project]
        name = "rindoku-broken"
        version = "0.0.1"

        [project.entry-points.rindoku]
        badimport = "rindoku_broken.bad_import"
        wrongtype = "rindoku_broken.wrong_type"
        duplicate = "rindoku_broken.duplicate"
        typo = "rindoku_broken.typo"

        [tool.setuptools]
        packages = ["rindoku_broken"]
        """),
}


class Env:
    """A fresh virtual environment with a copy of this checkout installed in it.

    uv, where it is on the PATH (nox's own installer), makes the environment and
    installs rindoku in seconds; pip takes about a minute. The environment has pip
    either way, and the tests install a member's chapter with it.
    """

    def __init__(self, base: Path) -> None:
        self.base = base
        self.repo = copy_checkout(base / "repo")
        venv = base / "venv"
        self.bin = venv / "bin"
        uv = shutil.which("uv")
        if uv:
            subprocess.run([uv, "venv", "--quiet", "--seed", "--python", sys.executable,
                            str(venv)], check=True)
            done = subprocess.run([uv, "pip", "install", "--quiet", "--python",
                                   str(self.bin / "python"), "-e", f"{self.repo}[test]"],
                                  capture_output=True, text=True)
            assert done.returncode == 0, done.stderr
        else:
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
            self.pip("install", "-e", f"{self.repo}[test]")

    def pip(self, *args: str) -> None:
        done = self.run("pip", "install", "--quiet", *args[1:]) if args[0] == "install" else None
        assert done is None or done.returncode == 0, done.stdout + done.stderr

    def run(self, program: str, *args: str, cwd: Path | None = None):
        env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
        return subprocess.run([str(self.bin / program), *args], cwd=cwd or self.repo, env=env,
                              capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    return Env(tmp_path_factory.mktemp("e2e"))


@pytest.mark.slow
def test_a_new_chapter_in_the_checkout_works_end_to_end(env):
    """new-chapter, then list, the test suite and the book all have the chapter."""
    done = env.run("rindoku", "new-chapter", "rnnlm", "--title", "RNN language model")
    assert done.returncode == 0, done.stdout + done.stderr
    listing = env.run("rindoku", "list").stdout
    assert "rnnlm" in listing and "rnnlm.demo" in listing and "rnnlm.scale-backward" in listing

    tests = env.run("python", "-m", "pytest", "-q", "tests/test_exercises.py", "-k", "rnnlm")
    assert tests.returncode == 0 and "2 passed" in tests.stdout, tests.stdout[-2000:]

    book = env.run("rindoku", "book", "--chapters", "rnnlm")
    assert book.returncode == 0, book.stdout[-3000:] + book.stderr[-3000:]
    html = env.repo / "docs" / "_build" / "html"
    page = (html / "en" / "chapters" / "rnnlm.html").read_text()
    assert "largest relative error of the gradient" in page and "<img" in page
    assert (html / "ja" / "chapters" / "rnnlm.html").is_file()  # both editions
    assert (html / "index.html").is_file()


@pytest.mark.slow
def test_a_chapter_package_installs_next_to_rindoku(env):
    """A separate package appears in list, plugins and the book, and tests itself."""
    package = env.base / "rindoku-extra"
    done = env.run("rindoku", "new-chapter", "extra", "--title", "An extra chapter",
                   "--package", str(package))
    assert done.returncode == 0, done.stderr
    env.pip("install", str(package))

    assert "extra.scale-backward" in env.run("rindoku", "list").stdout
    plugins = env.run("rindoku", "plugins").stdout
    assert "rindoku-extra 0.1.0" in plugins

    own_tests = env.run("python", "-m", "pytest", "-q", str(package / "tests"), cwd=package)
    assert own_tests.returncode == 0, own_tests.stdout[-2000:]

    book = env.run("rindoku", "book", "--chapters", "backprop,extra")
    assert book.returncode == 0, book.stdout[-3000:] + book.stderr[-3000:]
    html = env.repo / "docs" / "_build" / "html" / "en"
    assert "The ExtraScale layer at work" in (html / "chapters" / "extra.html").read_text()
    index = (html / "index.html").read_text()
    assert index.index("chapters/backprop.html") < index.index("chapters/extra.html")


@pytest.mark.slow
def test_broken_plugins_are_reported_by_name_and_the_others_still_work(env):
    """Import error, wrong type, a taken name, a misspelt hook: each named, nothing else lost."""
    package = env.base / "broken"
    for name, text in BROKEN.items():
        (package / name).parent.mkdir(parents=True, exist_ok=True)
        (package / name).write_text(text)
    env.pip("install", str(package))
    try:
        plugins = env.run("rindoku", "plugins")
        assert plugins.returncode == 1
        out = plugins.stdout
        assert "plugin 'badimport': failed to import" in out
        assert "rindoku_this_module_does_not_exist" in out
        assert "plugin 'wrongtype': rindoku_layers must return a list, got str" in out
        assert "layer 'Affine' is contributed by both 'backprop' and 'duplicate'" in out
        assert "plugin 'typo': implements unknown hook 'rindoku_exercize'" in out

        listing = env.run("rindoku", "list")
        assert listing.returncode == 0 and "backprop.spiral" in listing.stdout
        assert "plugin problem(s)" in listing.stderr
        assert env.run("rindoku", "run", "backprop.apple").returncode == 0

        book = env.run("rindoku", "book", "--chapters", "backprop")
        assert book.returncode != 0
        assert "plugin 'badimport': failed to import" in book.stderr

        contract = env.run("python", "-m", "pytest", "-q", "tests/test_contract.py", "-k",
                           "no_problems")
        assert contract.returncode == 1 and "plugin 'typo'" in contract.stdout
    finally:
        env.run("pip", "uninstall", "--yes", "rindoku-broken")
