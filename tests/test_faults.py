"""Fault injection: signals to running commands, two builds at once (slow, Linux).

Each scenario starts a real ``rindoku`` command or book build in a process of
its own, marked by an environment variable that its worker processes inherit,
interrupts it, and then looks in ``/proc`` for any worker left behind.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from conftest import demo_book, demo_plugin

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="reads /proc (Linux)"),
]

GRACE = 2.0
"""Seconds within which every worker of an ended command must be gone."""

ENDLESS = "def sigmoid(x):\n    return x\n\nwhile True:\n    pass\n"


def workers(marker: str) -> list[int]:
    """The live ``rindoku._worker`` processes whose environment carries ``marker``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
            environ = (entry / "environ").read_bytes()
            state = (entry / "stat").read_text().split(")")[-1].split()[0]
        except OSError:
            continue
        if b"rindoku._worker" in cmdline and marker.encode() in environ and state != "Z":
            found.append(int(entry.name))
    return found


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def start(command: list[str], marker: str, env: dict[str, str] | None = None,
          cwd: Path | None = None) -> subprocess.Popen[bytes]:
    """Start ``command`` as a terminal would: its own process group, like a foreground job."""
    env = dict(env or os.environ, RINDOKU_FAULT_MARK=marker)
    return subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)


def interrupt(process: subprocess.Popen[bytes], how: str) -> None:
    """Ctrl-C (SIGINT to the job's group), SIGTERM or SIGKILL to the command."""
    if how == "SIGINT":
        os.killpg(process.pid, signal.SIGINT)
    else:
        os.kill(process.pid, getattr(signal, how))
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        raise


SIGNALS = ["SIGINT", "SIGTERM", "SIGKILL"]


@pytest.mark.parametrize("how", SIGNALS)
def test_an_interrupted_check_leaves_no_worker(how, tmp_path):
    """`rindoku exercise check` on an endless attempt, interrupted: its worker is gone in 2 s."""
    attempt = tmp_path / "endless.py"
    attempt.write_text(ENDLESS)
    marker = uuid.uuid4().hex
    command = [sys.executable, "-m", "rindoku.cli", "exercise", "check",
               "backprop.sigmoid-backward", str(attempt), "--timeout", "300"]
    process = start(command, marker, cwd=tmp_path)
    try:
        assert wait_for(lambda: workers(marker), 30), "the worker never started"
        interrupt(process, how)
        assert wait_for(lambda: not workers(marker), GRACE), f"left running: {workers(marker)}"
    finally:
        for pid in workers(marker):
            os.kill(pid, signal.SIGKILL)
    # and the next check runs as usual
    from rindoku.registry import load_registry

    exercise = load_registry().exercise("backprop.sigmoid-backward")
    attempt.write_text(exercise.solution)
    done = subprocess.run([*command[:-2], "--timeout", "60"], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "passed" in done.stdout


SLOW_EXAMPLE = '''
def slow(rng):
    """Waits until the file GO exists, then prints."""
    import time
    from pathlib import Path

    while not Path(GO).exists():
        time.sleep(0.05)
    print("went")
'''


def slow_book(tmp_path: Path) -> tuple[Path, dict[str, str], Path]:
    """A one-example book whose example waits for a file; returns docs, env and that file."""
    go = tmp_path / "go"
    function = f"GO = {str(go)!r}\n\n" + SLOW_EXAMPLE
    plugin = demo_plugin(function, 'Example("demo.slow", "Slow", slow, timeout=600)')
    docs, env = demo_book(tmp_path, "demo_slow", plugin, "demo.slow")
    return docs, env, go


def sphinx(docs: Path, out: Path, cache: Path) -> list[str]:
    return [sys.executable, "-m", "sphinx", "-b", "html", "-q", str(docs), str(out / "html"),
            "-d", str(out / "doctrees"), "-D", f"rindoku_cache_dir={cache}"]


@pytest.mark.parametrize("how", SIGNALS)
def test_an_interrupted_book_build_leaves_no_worker(how, tmp_path):
    """A book build stopped mid-example: no worker in 2 s, and the next build succeeds."""
    docs, env, go = slow_book(tmp_path)
    cache = tmp_path / "cache"
    marker = uuid.uuid4().hex
    process = start(sphinx(docs, tmp_path / "out", cache), marker, env)
    try:
        assert wait_for(lambda: workers(marker), 60), "the example's worker never started"
        interrupt(process, how)
        assert wait_for(lambda: not workers(marker), GRACE), f"left running: {workers(marker)}"
    finally:
        for pid in workers(marker):
            os.kill(pid, signal.SIGKILL)
    go.touch()
    done = subprocess.run(sphinx(docs, tmp_path / "out", cache), env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "went" in (tmp_path / "out" / "html" / "chapters" / "demo.html").read_text()
    leftovers = [p.name for p in (cache / "demo.slow").glob("run-*")]
    assert leftovers == [], f"scratch folders of the stopped build are still there: {leftovers}"


def test_two_builds_at_once_share_the_cache(tmp_path):
    """Two builds of one book with one example cache, at once: both succeed, same pages.

    The example runs once; the second build waits for its result and reads it.
    """
    docs, env, go = slow_book(tmp_path)
    cache = tmp_path / "cache"
    first = subprocess.Popen(sphinx(docs, tmp_path / "one", cache), env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    second = subprocess.Popen(sphinx(docs, tmp_path / "two", cache), env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    time.sleep(3.0)  # both are running, and one of them holds the example
    go.touch()
    outputs = [p.communicate(timeout=300)[0] for p in (first, second)]
    assert [first.returncode, second.returncode] == [0, 0], outputs
    pages = [(tmp_path / name / "html" / "chapters" / "demo.html").read_text()
             for name in ("one", "two")]
    assert "went" in pages[0]
    assert pages[0] == pages[1]
    results = list((cache / "demo.slow").glob("*/result.json"))
    assert len(results) == 1
