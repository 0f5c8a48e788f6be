"""Data files: download into the cache with a checksum, mirrors, RINDOKU_DATA, clear errors.

The downloads are real HTTP requests to a server on 127.0.0.1 started by the test.
"""

from __future__ import annotations

import functools
import hashlib
import http.server
import threading

import pytest

from rindoku.data import DataError, DataFile, fetch

CONTENT = b"the quick brown fox\n" * 1000
SHA = hashlib.sha256(CONTENT).hexdigest()


@pytest.fixture
def server(tmp_path):
    """A local HTTP server serving tmp_path/www; yields its base URL."""
    www = tmp_path / "www"
    www.mkdir()
    (www / "file.txt").write_bytes(CONTENT)
    (www / "damaged.txt").write_bytes(CONTENT[:-1])
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(www))
    handler.log_message = lambda *args: None
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    """An empty cache and no RINDOKU_DATA."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("RINDOKU_DATA", raising=False)
    return tmp_path / "cache" / "rindoku"


def test_a_file_is_downloaded_once_into_the_cache(server, cache, capsys):
    file = DataFile("demo/file.txt", (f"{server}/file.txt",), SHA)
    path = fetch(file)
    assert path == cache / "demo" / "file.txt"
    assert path.read_bytes() == CONTENT
    assert "downloading demo/file.txt" in capsys.readouterr().out
    unreachable = DataFile("demo/file.txt", ("http://127.0.0.1:9/file.txt",), SHA)
    assert fetch(unreachable) == path  # from the cache, no request


def test_the_next_mirror_is_tried(server, cache):
    file = DataFile("demo/file.txt", (f"{server}/missing.txt", f"{server}/file.txt"), SHA)
    assert fetch(file).read_bytes() == CONTENT


def test_a_wrong_checksum_leaves_no_file(server, cache):
    file = DataFile("demo/file.txt", (f"{server}/damaged.txt",), SHA)
    with pytest.raises(DataError, match="wrong checksum"):
        fetch(file)
    assert list((cache / "demo").iterdir()) == []


def test_offline_the_message_gives_both_ways(cache):
    file = DataFile("ptb/ptb.train.txt", ("http://127.0.0.1:9/ptb.train.txt",), SHA)
    with pytest.raises(DataError) as info:
        fetch(file, timeout=2)
    message = str(info.value)
    assert "could not download ptb/ptb.train.txt" in message
    assert "connect to the internet and run again" in message
    assert "set RINDOKU_DATA to a directory that holds ptb/ptb.train.txt" in message
    assert not (cache / "ptb" / "ptb.train.txt").exists()


def test_rindoku_data_names_a_directory_laid_out_like_the_cache(tmp_path, monkeypatch):
    provided = tmp_path / "provided"
    (provided / "demo").mkdir(parents=True)
    (provided / "demo" / "file.txt").write_bytes(CONTENT)
    monkeypatch.setenv("RINDOKU_DATA", str(provided))
    file = DataFile("demo/file.txt", ("http://127.0.0.1:9/x",), SHA)
    assert fetch(file, download=False) == provided / "demo" / "file.txt"


def test_a_damaged_provided_file_is_named(tmp_path, monkeypatch):
    provided = tmp_path / "provided"
    (provided / "demo").mkdir(parents=True)
    (provided / "demo" / "file.txt").write_bytes(b"not it")
    monkeypatch.setenv("RINDOKU_DATA", str(provided))
    with pytest.raises(DataError, match=r"file.txt has the wrong checksum .* delete it"):
        fetch(DataFile("demo/file.txt", (), SHA))


def test_without_downloading_a_missing_file_is_an_error(cache):
    with pytest.raises(DataError, match="downloading is off"):
        fetch(DataFile("demo/file.txt", ("http://127.0.0.1:9/x",), SHA), download=False)
