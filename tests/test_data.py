"""Data files: download into the cache with a checksum, mirrors, RINDOKU_DATA, clear errors.

The downloads are real HTTP requests to a server on 127.0.0.1 started by the test.
"""

from __future__ import annotations

import functools
import hashlib
import http.server
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from conftest import missing_data_reason

from rindoku import Dataset
from rindoku.data import (
    DataError,
    DataFile,
    download,
    fetch,
    locate,
    remedy,
    state_of,
)
from rindoku.persistence import remove_stale_temporaries, save_arrays, temporary_beside
from rindoku.registry import load_registry

CONTENT = b"the quick brown fox\n" * 1000
SHA = hashlib.sha256(CONTENT).hexdigest()
OFFLINE = "http://127.0.0.1:9/file.txt"  # the discard port: nothing listens, refused at once


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files without logging each request to stderr."""

    def log_message(self, format: str, *args: object) -> None:
        pass


def serve(folder: Path):
    """Serve ``folder`` over HTTP on 127.0.0.1; returns (base URL, server)."""
    handler = functools.partial(QuietHandler, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02},
                     daemon=True).start()
    return f"http://127.0.0.1:{httpd.server_address[1]}", httpd


@pytest.fixture
def server(tmp_path):
    """A local HTTP server serving file.txt and damaged.txt; yields its base URL."""
    www = tmp_path / "www"
    www.mkdir()
    (www / "file.txt").write_bytes(CONTENT)
    (www / "damaged.txt").write_bytes(CONTENT[:-1])
    url, httpd = serve(www)
    try:
        yield url
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    """An empty cache and no RINDOKU_DATA."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("RINDOKU_DATA", raising=False)
    return tmp_path / "cache" / "rindoku"


def provide(folder: Path, name: str, content: bytes = CONTENT) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


# -- downloading ---------------------------------------------------------------------------


def test_a_file_is_downloaded_once_into_the_cache(server, cache, capsys):
    file = DataFile("demo/file.txt", (f"{server}/file.txt",), SHA, size=len(CONTENT))
    path = fetch(file)
    assert path == cache / "demo" / "file.txt"
    assert path.read_bytes() == CONTENT
    out = capsys.readouterr().out
    assert "downloading demo/file.txt" in out and "20,000/20,000" in out
    assert fetch(DataFile("demo/file.txt", (OFFLINE,), SHA)) == path  # from the cache
    assert [p.name for p in path.parent.iterdir()] == ["file.txt"]


def test_the_next_mirror_is_tried(server, cache):
    """The first URL answers 404: the second one gives the file."""
    file = DataFile("demo/file.txt", (f"{server}/missing.txt", f"{server}/file.txt"), SHA)
    assert fetch(file).read_bytes() == CONTENT


def test_a_wrong_checksum_leaves_nothing_and_says_so(server, cache):
    file = DataFile("demo/file.txt", (f"{server}/damaged.txt", f"{server}/missing.txt"), SHA)
    with pytest.raises(DataError) as info:
        fetch(file)
    summary = info.value.summary
    assert summary.startswith(f"could not download demo/file.txt ({server}/damaged.txt: wrong "
                              f"checksum: sha256 {hashlib.sha256(CONTENT[:-1]).hexdigest()}, "
                              f"expected {SHA}; the download was deleted; "
                              f"{server}/missing.txt: HTTP 404)")
    assert summary.endswith(remedy())
    assert list((cache / "demo").iterdir()) == []  # no file, no .part


def test_download_replaces_a_damaged_cached_file_only_with_a_good_one(server, cache):
    damaged = provide(cache, "demo/file.txt", b"damaged")
    with pytest.raises(DataError, match="wrong checksum"):
        download(DataFile("demo/file.txt", (f"{server}/damaged.txt",), SHA))
    assert damaged.read_bytes() == b"damaged"
    assert download(DataFile("demo/file.txt", (f"{server}/file.txt",), SHA)) == damaged
    assert damaged.read_bytes() == CONTENT


def test_offline_the_message_gives_both_ways(cache):
    file = DataFile("demo/file.txt", (OFFLINE,), SHA)
    with pytest.raises(DataError) as info:
        fetch(file, timeout=2)
    message = str(info.value)
    assert info.value.summary == (f"could not download demo/file.txt ({OFFLINE}: cannot "
                                  "connect): run again (with internet) or set RINDOKU_DATA=DIR")
    assert "connect to the internet and run again" in message
    assert "set RINDOKU_DATA to a directory that holds demo/file.txt" in message
    assert not (cache / "demo" / "file.txt").exists()


def test_a_declared_file_names_its_data_set_in_the_remedy(cache):
    """The library's error and the tests' skip reason give the same one-line remedy."""
    ptb = DataFile("ptb/ptb.train.txt", (OFFLINE,), SHA)
    with pytest.raises(DataError) as info:
        fetch(ptb, download=False)
    assert info.value.summary == ("ptb/ptb.train.txt is not here and downloading is off: "
                                  "run 'rindoku data fetch ptb' (with internet) or set "
                                  "RINDOKU_DATA=DIR")
    assert missing_data_reason("PTB") == ("needs the PTB data set: run 'rindoku data fetch "
                                          "ptb' (with internet) or set RINDOKU_DATA=DIR")


def test_without_downloading_a_missing_file_is_an_error(cache):
    with pytest.raises(DataError, match="downloading is off"):
        fetch(DataFile("demo/file.txt", (OFFLINE,), SHA), download=False)
    with pytest.raises(DataError, match="has no address to download it from"):
        fetch(DataFile("demo/file.txt", (), SHA))


# -- RINDOKU_DATA --------------------------------------------------------------------------


def test_rindoku_data_is_looked_in_first(tmp_path, cache, monkeypatch):
    provided = provide(tmp_path / "provided", "demo/file.txt")
    provide(cache, "demo/file.txt", b"another copy")
    monkeypatch.setenv("RINDOKU_DATA", str(tmp_path / "provided"))
    file = DataFile("demo/file.txt", (OFFLINE,), SHA)
    assert fetch(file, download=False) == provided
    assert locate(file) == (provided, "RINDOKU_DATA")


def test_a_damaged_provided_file_is_named(tmp_path, monkeypatch):
    damaged = provide(tmp_path / "provided", "demo/file.txt", b"not it")
    monkeypatch.setenv("RINDOKU_DATA", str(tmp_path / "provided"))
    with pytest.raises(DataError, match=f"{damaged} has the wrong checksum .* delete it"):
        fetch(DataFile("demo/file.txt", (), SHA))


def test_a_rindoku_data_that_does_not_exist_is_named_in_every_error(tmp_path, cache,
                                                                    monkeypatch):
    missing = tmp_path / "dtaa"
    monkeypatch.setenv("RINDOKU_DATA", str(missing))
    note = f"; RINDOKU_DATA is set to {missing}, which does not exist"
    with pytest.raises(DataError) as info:
        fetch(DataFile("demo/file.txt", (OFFLINE,), SHA), download=False)
    assert info.value.summary.endswith(note)
    provide(cache, "demo/file.txt", b"damaged")
    with pytest.raises(DataError) as info:
        fetch(DataFile("demo/file.txt", (OFFLINE,), SHA))
    assert "has the wrong checksum" in info.value.summary
    assert info.value.summary.endswith(note)


# -- what rindoku data shows ---------------------------------------------------------------


def test_state_of_says_where_a_file_is_and_whether_it_is_right(tmp_path, cache, monkeypatch):
    file = DataFile("demo/file.txt", (OFFLINE,), SHA, size=len(CONTENT))
    assert state_of(file).checksum == "missing" and state_of(file).size == len(CONTENT)
    path = provide(cache, "demo/file.txt")
    state = state_of(file)
    assert (state.path, state.where, state.checksum, state.actual) == (path, "cache", "ok", SHA)
    assert state_of(file, hash_limit=100).checksum == "not checked"
    path.write_bytes(CONTENT[:-1] + b"?")  # same size, other bytes
    assert state_of(file).checksum == "WRONG"
    path.write_bytes(b"short")
    assert state_of(file, hash_limit=100).checksum == "WRONG"  # by its size, without hashing


def test_every_declared_data_set_says_where_its_files_come_from():
    """A data set with files has a source and a licence line, and each file a size."""
    datasets = {name: item.value for name, item in load_registry().datasets.items()}
    assert {"ptb", "word-benchmarks", "mnist"} <= {n for n, d in datasets.items() if d.files}
    assert [f.name for f in datasets["word-benchmarks"].files] == [
        "eval/questions-words.txt", "eval/wordsim353.tsv"]
    for name, dataset in datasets.items():
        assert dataset.source, name
        if dataset.files:
            assert dataset.licence, name
            assert all(f.size > 0 and f.urls for f in dataset.files), name


def test_dataset_and_datafile_refuse_malformed_declarations():
    file = DataFile("demo/file.txt", (), SHA.upper())
    assert file.sha256 == SHA
    with pytest.raises(ValueError, match="must be a relative path"):
        DataFile("../file.txt", (), SHA)
    with pytest.raises(ValueError, match="64 hexadecimal digits"):
        DataFile("demo/file.txt", (), "abc")
    with pytest.raises(TypeError, match="urls must be a tuple"):
        DataFile("demo/file.txt", "http://example.org/file.txt", SHA)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="files must be a tuple of DataFile"):
        Dataset("demo", print, files=file)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="lower-case words joined by hyphens"):
        Dataset("Demo Data", print)
    assert Dataset("demo-data", print, files=[file]).files == (file,)  # type: ignore[arg-type]


# -- leftover temporary files --------------------------------------------------------------


def dead_pid() -> int:
    """The id of a process that has finished."""
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    return int(done.stdout)


def test_leftovers_of_killed_processes_are_removed_by_the_next_download(server, cache):
    """Stale: its process is gone, or untouched for an hour; a live writer's file stays."""
    folder = cache / "demo"
    handle, live = temporary_beside(folder / "file.txt", ".part")
    os.close(handle)
    host_pid = Path(live).name.split(".")[-3]  # ".file.txt.<host>-<pid>.<random>.part"
    host = host_pid.rpartition("-")[0]
    dead = provide(folder, f".file.txt.{host}-{dead_pid()}.abcd1234.part")
    old = provide(folder, f".other.npz.{host}-{os.getpid()}.abcd1234.tmp")
    hour_ago = time.time() - 3700
    os.utime(old, (hour_ago, hour_ago))
    elsewhere = provide(folder, ".file.txt.otherhost-1.abcd1234.part")  # another machine's
    mine = provide(folder, ".notes.tmp")  # not named like ours: never touched
    fetch(DataFile("demo/file.txt", (f"{server}/file.txt",), SHA))
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [Path(live).name, elsewhere.name, mine.name, "file.txt"])
    assert not dead.exists() and not old.exists()
    os.utime(elsewhere, (hour_ago, hour_ago))
    assert remove_stale_temporaries(folder) == [elsewhere]


def test_save_arrays_removes_stale_leftovers_too(tmp_path):
    handle, live = temporary_beside(tmp_path / "params.npz", ".tmp")
    os.close(handle)
    stale = Path(live.replace(".tmp", "x.tmp"))
    os.rename(live, stale)
    hour_ago = time.time() - 3700
    os.utime(stale, (hour_ago, hour_ago))
    save_arrays(tmp_path / "params.npz", w=np.zeros(3))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["params.npz"]
