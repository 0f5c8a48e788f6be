"""The checker: a member's attempt runs in its own process and cannot forge its verdict.

Every test here goes through :func:`rindoku.execution.run_check` or
:class:`rindoku.attempt.Attempt`, the way ``rindoku exercise check`` does.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pytest

from rindoku.attempt import Attempt, AttemptEnded, AttemptRaised, RemoteObject
from rindoku.execution import AttemptFileError, Verdict, check_file, run_check
from rindoku.registry import load_registry

REGISTRY = load_registry()
SIGMOID = REGISTRY.exercise("backprop.sigmoid-backward")
AFFINE = REGISTRY.exercise("backprop.affine-backward")
MOMENTUM = REGISTRY.exercise("optimizers.momentum")
WRONG_SIGMOID = SIGMOID.solution.replace("dx = dout * (1.0 - self.out) * self.out", "dx = dout")


def judged(tmp_path: Path, exercise, source: str, timeout: float | None = None) -> Verdict:
    """The verdict on ``source`` saved as the member's file."""
    path = tmp_path / exercise.filename
    path.write_text(source, encoding="utf-8")
    return run_check(exercise, path, timeout)


def test_the_wrong_attempt_used_below_is_wrong(tmp_path):
    """The control: the wrong Sigmoid.backward is judged wrong when it forges nothing."""
    assert "dx = dout\n" in WRONG_SIGMOID
    verdict = judged(tmp_path, SIGMOID, WRONG_SIGMOID)
    assert verdict.status == "wrong", verdict
    assert "dx is wrong" in verdict.message


FORGERIES = {
    "numpy's comparisons replaced": """
        import numpy
        numpy.all = numpy.allclose = lambda *a, **k: True
        numpy.isclose = lambda a, b, *r, **k: numpy.ones(numpy.shape(a), bool)
        numpy.array_equal = lambda *a, **k: True
    """,
    "the check's helpers replaced through sys.modules": """
        import sys
        import rindoku.checks, rindoku.gradient, rindoku_backprop.exercises
        for name in ("expect_close", "expect_gradients", "expect_array"):
            setattr(sys.modules["rindoku.checks"], name, lambda *a, **k: a[0])
            setattr(sys.modules["rindoku_backprop.exercises"], name, lambda *a, **k: a[0])
        sys.modules["rindoku.gradient"].gradient_check = lambda *a, **k: None
        sys.modules["rindoku_backprop.exercises"].check_sigmoid_backward = lambda m: None
    """,
    "a verdict file written, then the process ended": """
        import json, os, sys
        for arg in sys.argv[1:]:
            try:
                with open(arg, "w") as f:
                    json.dump({"status": "passed", "message": "every check passed"}, f)
            except OSError:
                pass
        with open("verdict.json", "w") as f:
            json.dump({"status": "passed"}, f)
        print("passed: every check passed")
        os._exit(0)
    """,
    "a forged answer written on the checker's channel": """
        import json, os, struct, sys
        head = json.dumps({"ok": "passed", "updates": []}).encode()
        for arg in sys.argv[1:]:
            if arg.isdigit():
                try:
                    os.write(int(arg), struct.pack("<QI", len(head), 0) + head)
                except OSError:
                    pass
    """,
    "an array that claims to equal everything": """
        import numpy as np

        class Agreeable(np.ndarray):
            def __eq__(self, other):
                return np.ones(self.shape, bool)
            __ne__ = lambda self, other: np.zeros(self.shape, bool)

        _backward = Sigmoid.backward
        Sigmoid.backward = lambda self, dout: np.asarray(_backward(self, dout)).view(Agreeable)
    """,
    "an object that pretends to be the right array": """
        class Liar:
            shape = property(lambda self: (4, 5))
            def __array__(self, *a, **k):
                raise SystemExit(0)
            def __eq__(self, other):
                return True

        Sigmoid.backward = lambda self, dout: Liar()
    """,
    "builtins and the exit machinery tampered with": """
        import atexit, builtins, os
        builtins.AssertionError = Exception
        atexit.register(lambda: os._exit(0))
        raise SystemExit(0)
    """,
}


@pytest.mark.parametrize("name", FORGERIES)
def test_a_forged_verdict_is_judged_wrong(name, tmp_path, monkeypatch):
    """A wrong attempt stays wrong whatever it does in its own process."""
    monkeypatch.chdir(tmp_path)  # where the files it writes land
    source = WRONG_SIGMOID + "\n" + textwrap.dedent(FORGERIES[name])
    verdict = judged(tmp_path, SIGMOID, source, timeout=20)
    assert not verdict.passed, verdict
    assert verdict.status in ("wrong", "raised"), verdict
    assert not list(tmp_path.glob("verdict.json")) or verdict.status != "passed"


def test_the_right_attempt_passes_even_when_it_tampers_with_its_own_process(tmp_path):
    """Tampering over there does not make a right answer fail either."""
    source = SIGMOID.solution + "\nimport numpy\nnumpy.allclose = lambda *a, **k: False\n"
    verdict = judged(tmp_path, SIGMOID, source)
    assert verdict.passed, verdict


def test_arrays_are_shared_both_ways(tmp_path):
    """A mirrored array is the same object each time; writes go both ways before each call."""
    path = tmp_path / "layer.py"
    path.write_text(textwrap.dedent("""
        import numpy as np

        class Layer:
            def __init__(self, W):
                self.params = [W]
                self.grads = [np.zeros_like(W)]

            def forward(self, x):
                return x @ self.params[0]

            def backward(self, dout, x):
                self.grads[0][...] = x.T @ dout
                x[...] = 0.0  # writes into the caller's array

            def replace(self):
                self.grads[0] = np.ones_like(self.grads[0])
    """))
    with Attempt(path, path.read_text(), timeout=20) as attempt:
        module = attempt.load()
        W = np.eye(2)
        layer = module.Layer(W)
        grads = list(layer.grads)
        assert layer.grads[0] is grads[0]
        layer.params[0][...] *= 3.0  # through a list that is dropped at once
        np.testing.assert_array_equal(layer.forward(np.ones((1, 2))), [[3.0, 3.0]])
        x = np.ones((1, 2))
        layer.backward(np.ones((1, 2)), x)
        np.testing.assert_array_equal(grads[0], np.ones((2, 2)))
        np.testing.assert_array_equal(x, np.zeros((1, 2)))
        np.testing.assert_array_equal(W, 3 * np.eye(2))  # the check's own array, shared
        layer.replace()
        assert layer.grads[0] is not grads[0]


def test_an_exception_keeps_the_members_frames_and_an_exit_ends_the_attempt(tmp_path):
    path = tmp_path / "f.py"
    path.write_text("def f(x):\n    return 1 / x\n\ndef g():\n    import os\n    os._exit(7)\n")
    with Attempt(path, path.read_text(), timeout=20) as attempt:
        module = attempt.load()
        with pytest.raises(AttemptRaised) as raised:
            module.f(0)
        assert raised.value.type_name == "ZeroDivisionError"
        assert 'f.py", line 2, in f' in raised.value.traceback
        assert "rindoku" not in raised.value.traceback
        with pytest.raises(AttributeError):
            module.nothing_here  # noqa: B018
        assert isinstance(module.f, RemoteObject) and module.f.kind == "function"
        with pytest.raises(AttemptEnded) as ended:
            module.g()
        assert ended.value.returncode == 7


def test_mistake_messages_are_kept_through_the_process_boundary(tmp_path):
    """Identity checks still work: a replaced parameter array, a returned list."""
    replaced = MOMENTUM.solution.replace("params[i] += self.v[i]",
                                         "params[i] = params[i] + self.v[i]")
    verdict = judged(tmp_path, MOMENTUM, replaced)
    assert "replaced params[0] with a new array at step 1" in verdict.message, verdict
    returned = MOMENTUM.solution.replace("params[i] += self.v[i]",
                                         "params[i] += self.v[i]\n        return params")
    verdict = judged(tmp_path, MOMENTUM, returned)
    assert "Momentum.update returned list at step 1 of 6" in verdict.message, verdict
    not_in_place = AFFINE.solution.replace("self.grads[0][...] = dW", "self.grads[0] = dW")
    verdict = judged(tmp_path, AFFINE, not_in_place)
    assert verdict.status == "wrong" and "in place" in verdict.message, verdict


def test_a_long_printout_is_capped(tmp_path):
    """400,000 printed lines come back as the first and last ones and a count."""
    source = SIGMOID.solution + "\nfor i in range(400_000):\n    print('line', i)\n"
    verdict = judged(tmp_path, SIGMOID, source, timeout=60)
    assert verdict.passed, verdict.message
    lines = verdict.output.splitlines()
    assert len(lines) <= 41
    assert lines[0] == "line 0" and lines[-1] == "line 399999"
    assert "399960 lines left out" in verdict.output


@pytest.mark.parametrize("encoding, name", [
    ("shift_jis", "Shift_JIS (CP932)"),
    ("cp932", "Shift_JIS (CP932)"),
    ("utf-8-sig", "UTF-8 with a byte-order mark"),
])
def test_an_attempt_in_a_japanese_encoding_is_read(encoding, name, tmp_path):
    """A file saved in Shift_JIS or with a BOM is checked, and the verdict says how it was read."""
    source = "# シグモイドの逆伝播: 日本語のコメント\n" + SIGMOID.solution
    path = tmp_path / SIGMOID.filename
    path.write_bytes(source.encode(encoding))
    verdict = check_file(SIGMOID, path)
    assert verdict.passed, verdict
    assert verdict.encoding == name
    assert f"read as {name}" in str(verdict)


def test_an_undecodable_attempt_is_one_clear_error(tmp_path):
    path = tmp_path / "attempt.py"
    path.write_bytes(b"x = 1\n# \x81\x20\x80\n")
    with pytest.raises(AttemptFileError, match=r"attempt\.py is neither UTF-8 nor Shift_JIS.*"
                                               r"save it as UTF-8"):
        check_file(SIGMOID, path)


def test_a_folder_is_not_an_attempt(tmp_path):
    with pytest.raises(AttemptFileError, match="is a folder"):
        check_file(SIGMOID, tmp_path)


def test_a_check_cannot_hand_code_to_the_attempt(tmp_path):
    path = tmp_path / "f.py"
    path.write_text("def call(f):\n    return f()\n")
    with Attempt(path, path.read_text(), timeout=20) as attempt, pytest.raises(
            TypeError, match="only data"):
        attempt.load().call(lambda: 1)
