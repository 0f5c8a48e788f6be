"""``rindoku data``: list, fetch, verify and path, for the built-in data sets and a
third-party chapter's, with real downloads from a server on 127.0.0.1."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest
from test_data import serve

from rindoku import Chapter, Dataset, hookimpl
from rindoku.cli import main
from rindoku.data import DataFile
from rindoku.registry import load_registry

WORDS = b"alpha beta gamma\n" * 100
COUNTS = b"1 2 3\n" * 100


def sha(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


class ThirdParty:
    """A chapter from another package: one data set of two files, one broken data set."""

    def __init__(self, url: str) -> None:
        self.url = url

    @hookimpl
    def rindoku_chapter(self) -> Chapter:
        return Chapter(slug="extra", number=99, title="Extra", title_ja="おまけ",
                       page=Path("extra.md"))

    @hookimpl
    def rindoku_datasets(self) -> list[Dataset]:
        words = DataFile("extra/words.txt", (f"{self.url}/gone.txt", f"{self.url}/words.txt"),
                         sha(WORDS), size=len(WORDS))
        counts = DataFile("extra/counts.txt", (f"{self.url}/counts.txt",), sha(COUNTS))
        broken = DataFile("extra/broken.txt", (f"{self.url}/words.txt",), sha(COUNTS))
        return [
            Dataset("extra-words", print, "Words and counts.", files=(words, counts),
                    source="made up for a test", licence="CC0"),
            Dataset("extra-broken", print, "Its checksum is not its file's.", files=(broken,),
                    source="made up for a test", licence="CC0"),
            Dataset("extra-generated", print, "Made by its loader.", source="generated"),
        ]


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """An empty cache and no RINDOKU_DATA."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("RINDOKU_DATA", raising=False)
    return tmp_path / "cache" / "rindoku"


@pytest.fixture
def plugin(tmp_path):
    """The third-party chapter, its files served on 127.0.0.1."""
    www = tmp_path / "www"
    www.mkdir()
    (www / "words.txt").write_bytes(WORDS)
    (www / "counts.txt").write_bytes(COUNTS)
    url, httpd = serve(www)
    try:
        yield ThirdParty(url)
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def alone(plugin, cache, monkeypatch):
    """The rindoku command sees only the third-party chapter."""
    monkeypatch.setattr("rindoku.cli.load_registry",
                        lambda: load_registry(entry_points=[], plugins=[("extra", plugin)]))
    return cache


def run(capsys, *args: str) -> tuple[int, str, str]:
    status = main(["data", *args])
    out, err = capsys.readouterr()
    return status, out, err


def row(out: str, name: str) -> list[str]:
    """The words of the table row of data set ``name``."""
    return next(line.split() for line in out.splitlines() if line.split()[:1] == [name])


def test_a_third_party_data_set_is_listed_with_the_built_in_ones(plugin, cache, monkeypatch,
                                                                 capsys):
    monkeypatch.setattr("rindoku.cli.load_registry",
                        lambda: load_registry(plugins=[("extra", plugin)]))
    status, out, err = run(capsys)
    assert status == 0 and err == ""
    assert "looked for in RINDOKU_DATA (not set), then in the cache " in out
    assert row(out, "ptb") == ["ptb", "countbased", "3", "6.0", "MB", "missing", "missing"]
    assert row(out, "word-benchmarks")[:3] == ["word-benchmarks", "countbased", "2"]
    assert row(out, "mnist")[:3] == ["mnist", "cnn", "4"]
    assert row(out, "spiral") == ["spiral", "backprop", "-", "-", "no", "files", "-"]
    assert row(out, "extra-words") == ["extra-words", "extra", "2", "?", "missing", "missing"]
    assert row(out, "dates")[:3] == ["dates", "seq2seq", "1"]
    assert ("run 'rindoku data fetch addition dates extra-broken extra-words mnist ptb "
            "word-benchmarks' ") in out


def test_fetch_downloads_into_the_cache_and_then_finds_it(alone, capsys):
    status, out, err = run(capsys, "fetch", "extra-words")
    assert (status, err) == (0, "")
    assert "extra-words: made up for a test\n  licence: CC0\n" in out
    assert f"extra/words.txt: downloaded to {alone / 'extra' / 'words.txt'}" in out
    assert (alone / "extra" / "counts.txt").read_bytes() == COUNTS
    status, out, _ = run(capsys, "fetch", "extra-words")
    assert status == 0 and out.count("already here, checksum ok") == 2
    status, out, _ = run(capsys)
    assert row(out, "extra-words") == ["extra-words", "extra", "2", "2.3", "kB", "cache", "ok"]
    status, out, _ = run(capsys, "path", "extra-words")
    assert (status, out.split()) == (0, [str(alone / "extra" / "words.txt"),
                                         str(alone / "extra" / "counts.txt")])


def test_a_wrong_checksum_is_one_line_and_leaves_nothing(alone, capsys):
    status, out, err = run(capsys, "fetch", "--all")
    assert status == 1
    assert "extra/words.txt: downloaded" in out and "extra-generated" not in out
    assert err.count("\n") == 1 and err.startswith(
        "rindoku: error: could not download extra/broken.txt (http://127.0.0.1:")
    assert "wrong checksum: sha256 " in err and "the download was deleted" in err
    assert sorted(p.name for p in (alone / "extra").iterdir()) == ["counts.txt", "words.txt"]


def test_verify_finds_a_damaged_file_and_fetch_replaces_it(alone, capsys):
    assert run(capsys, "fetch", "extra-words")[0] == 0
    status, out, err = run(capsys, "verify", "extra-words")
    assert (status, err) == (0, "")
    assert out.splitlines()[0] == f"ok       extra-words  {alone / 'extra' / 'words.txt'}"
    (alone / "extra" / "counts.txt").write_bytes(b"damaged")
    status, out, err = run(capsys, "verify")
    assert status == 1
    assert f"WRONG    extra-words  {alone / 'extra' / 'counts.txt'}  (sha256 " in out
    assert "missing  extra-broken" in out
    assert err.splitlines() == [
        "rindoku: extra-broken is missing (1 file): run 'rindoku data fetch extra-broken' "
        "(with internet) or set RINDOKU_DATA=DIR",
        "rindoku: extra-words: 1 file(s) with the wrong checksum (extra/counts.txt): "
        "run 'rindoku data fetch extra-words' to download them again",
    ]
    status, out, _ = run(capsys, "fetch", "extra-words")
    assert status == 0 and "(it replaces a damaged copy)" in out
    assert run(capsys, "verify", "extra-words")[0] == 0


def test_rindoku_data_is_looked_in_first_and_never_written(alone, tmp_path, monkeypatch,
                                                           capsys):
    provided = tmp_path / "provided"
    (provided / "extra").mkdir(parents=True)
    (provided / "extra" / "words.txt").write_bytes(WORDS)
    (provided / "extra" / "counts.txt").write_bytes(b"damaged")
    monkeypatch.setenv("RINDOKU_DATA", str(provided))
    status, out, _ = run(capsys)
    assert row(out, "extra-words")[-2:] == ["RINDOKU_DATA", "WRONG"]
    status, out, err = run(capsys, "fetch", "extra-words")
    assert status == 1 and "already here, checksum ok" in out
    assert err == (f"rindoku: error: {provided / 'extra' / 'counts.txt'} has the wrong checksum "
                   f"(sha256 {sha(b'damaged')}, expected {sha(COUNTS)}): replace it, or delete "
                   "it to download it into the cache\n")
    assert (provided / "extra" / "counts.txt").read_bytes() == b"damaged"


def test_path_of_a_missing_data_set_gives_the_remedy(alone, capsys):
    assert run(capsys, "path", "extra-words") == (
        1, "", "rindoku: extra-words is missing (2 files): run 'rindoku data fetch "
               "extra-words' (with internet) or set RINDOKU_DATA=DIR\n")
    assert run(capsys, "path", "extra-generated") == (
        0, "", "rindoku: extra-generated has no files: generated\n")


def test_a_rindoku_data_that_does_not_exist_is_named(alone, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("RINDOKU_DATA", str(tmp_path / "dtaa"))
    note = f"RINDOKU_DATA is set to {tmp_path / 'dtaa'}, which does not exist"
    status, _, err = run(capsys, "path", "extra-words")
    assert status == 1 and err.endswith(f"; {note}\n") and err.count("\n") == 1
    status, _, err = run(capsys)
    assert status == 0 and err == f"rindoku: warning: {note}: only the cache is used\n"


def test_usage_errors_are_one_line_with_exit_status_2(alone, capsys):
    assert run(capsys, "fetch", "extra-wrods") == (
        2, "", "rindoku: error: no data set named 'extra-wrods'; did you mean extra-words? "
               "(see 'rindoku list')\n")
    status, _, err = run(capsys, "fetch")
    assert status == 2 and err.startswith("rindoku: error: name the data sets to fetch")
    status, _, err = run(capsys, "fetch", "--all", "extra-words")
    assert (status, err) == (2, "rindoku: error: give --all or names, not both\n")


def test_a_cache_that_cannot_be_made_is_one_line(alone, tmp_path, monkeypatch, capsys):
    """XDG_CACHE_HOME under a file: what is wrong and what to set, before any download."""
    (tmp_path / "notes.txt").write_text("mine\n")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "notes.txt" / "cache"))
    status, _, err = run(capsys, "fetch", "extra-words")
    assert (status, err) == (
        2, f"rindoku: error: the download cache {tmp_path / 'notes.txt' / 'cache' / 'rindoku'} "
           f"cannot be made: {tmp_path / 'notes.txt'} is a file; set XDG_CACHE_HOME to a "
           "folder you can write in\n")


def test_the_installed_command_says_a_misspelt_name_in_one_line():
    command = [str(Path(sys.executable).with_name("rindoku")), "data", "path", "word-benchmark"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "rindoku: error: no data set named 'word-benchmark'; did you mean word-benchmarks? "
        "(see 'rindoku list')"]
