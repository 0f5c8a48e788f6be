"""Tests of the optimizers chapter: its six optimizers, examples, exercises and plugin."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pytest

from rindoku import CheckFailed
from rindoku.examples import run_example
from rindoku.registry import load_registry
from rindoku.testing import attempt_from, with_mistake
from rindoku_backprop import optimizer as backprop_optimizer
from rindoku_optimizers import examples
from rindoku_optimizers.exercises import ADAM, EXERCISES, MOMENTUM
from rindoku_optimizers.optimizers import SGD, AdaGrad, Adam, Momentum, Nesterov, RMSprop

OPTIMIZER_CLASSES = [SGD, Momentum, Nesterov, AdaGrad, RMSprop, Adam]


def steps(optimizer, w: np.ndarray, grads: list[list[float]]) -> list[np.ndarray]:
    """Apply one update per gradient to ``w`` (in place); return w after each step."""
    after = []
    for grad in grads:
        optimizer.update([w], [np.array(grad)])
        after.append(w.copy())
    return after


# -- the first steps, worked out by hand ---------------------------------------------------


def test_sgd_first_steps():
    """SGD: W <- W - lr * g."""
    w = np.array([1.0, -2.0])
    first, second = steps(SGD(lr=0.1), w, [[0.5, 1.0], [-1.0, 2.0]])
    assert first == pytest.approx([1.0 - 0.05, -2.0 - 0.1], abs=1e-15)
    assert second == pytest.approx([0.95 + 0.1, -2.1 - 0.2], abs=1e-15)


def test_sgd_default_learning_rate():
    """SGD() steps with lr = 0.01."""
    w = np.array([1.0])
    steps(SGD(), w, [[2.0]])
    assert w == pytest.approx([0.98])


def test_momentum_first_steps():
    """Momentum: v <- 0.9 v - 0.1 g, W <- W + v; the velocity builds up, then turns."""
    w = np.array([1.0, -2.0])
    after = steps(Momentum(lr=0.1, momentum=0.9), w, [[0.5, 1.0], [0.5, 1.0], [-1.0, 0.0]])
    # v1 = -0.1 * g1 = [-0.05, -0.1]
    assert after[0] == pytest.approx([0.95, -2.1], abs=1e-14)
    # v2 = 0.9 * [-0.05, -0.1] - 0.1 * [0.5, 1.0] = [-0.095, -0.19]
    assert after[1] == pytest.approx([0.95 - 0.095, -2.1 - 0.19], abs=1e-14)
    # v3 = 0.9 * [-0.095, -0.19] - 0.1 * [-1.0, 0.0] = [0.0145, -0.171]
    assert after[2] == pytest.approx([0.855 + 0.0145, -2.29 - 0.171], abs=1e-14)


def test_nesterov_first_steps():
    """Nesterov: v <- 0.9 v - 0.1 g, W <- W + 0.9 v - 0.1 g (v the new velocity)."""
    w = np.array([1.0, -2.0])
    after = steps(Nesterov(lr=0.1, momentum=0.9), w, [[0.5, 1.0], [0.5, 1.0]])
    # v1 = [-0.05, -0.1]; step = 0.9 * v1 - 0.1 * g1 = -(1 + 0.9) * 0.1 * g1 = [-0.095, -0.19]
    assert after[0] == pytest.approx([1.0 - 0.095, -2.0 - 0.19], abs=1e-14)
    # v2 = [-0.095, -0.19]; step = 0.9 * v2 - 0.1 * g2 = [-0.0855 - 0.05, -0.171 - 0.1]
    assert after[1] == pytest.approx([0.905 - 0.1355, -2.19 - 0.271], abs=1e-14)
    # the same step in the form with the old velocity: 0.81 * v1 - 1.9 * 0.1 * g2
    old_velocity_form = [0.905 + 0.81 * -0.05 - 0.19 * 0.5, -2.19 + 0.81 * -0.1 - 0.19 * 1.0]
    assert after[1] == pytest.approx(old_velocity_form, abs=1e-14)


def test_adagrad_first_steps():
    """AdaGrad: h <- h + g*g, W <- W - lr g / (sqrt(h) + 1e-7)."""
    w = np.array([1.0, -2.0])
    after = steps(AdaGrad(lr=0.5), w, [[0.5, 2.0], [0.5, 2.0], [0.0, -2.0]])
    # h1 = [0.25, 4]: each element moves by lr, whatever the size of its gradient
    expected_1 = [1.0 - 0.5 * 0.5 / (0.5 + 1e-7), -2.0 - 0.5 * 2.0 / (2.0 + 1e-7)]
    assert after[0] == pytest.approx(expected_1, rel=1e-14)
    assert after[0] == pytest.approx([0.5, -2.5], abs=1e-6)
    # h2 = [0.5, 8]: the same gradient now gives a step 1/sqrt(2) as large
    expected_2 = [
        expected_1[0] - 0.5 * 0.5 / (math.sqrt(0.5) + 1e-7),
        expected_1[1] - 0.5 * 2.0 / (math.sqrt(8.0) + 1e-7),
    ]
    assert after[1] == pytest.approx(expected_2, rel=1e-14)
    # h3 = [0.5, 12]: a zero gradient leaves its element where it is
    expected_3 = [expected_2[0], expected_2[1] + 0.5 * 2.0 / (math.sqrt(12.0) + 1e-7)]
    assert after[2] == pytest.approx(expected_3, rel=1e-14)


def test_rmsprop_first_steps():
    """RMSprop: h <- 0.9 h + 0.1 g*g, W <- W - lr g / (sqrt(h) + 1e-7)."""
    w = np.array([1.0, -2.0])
    after = steps(RMSprop(lr=0.1, decay_rate=0.9), w, [[0.5, 2.0], [-0.5, 0.0]])
    # h1 = 0.1 * [0.25, 4] = [0.025, 0.4]
    expected_1 = [
        1.0 - 0.1 * 0.5 / (math.sqrt(0.025) + 1e-7),
        -2.0 - 0.1 * 2.0 / (math.sqrt(0.4) + 1e-7),
    ]
    assert after[0] == pytest.approx(expected_1, rel=1e-14)
    assert after[0] == pytest.approx([1.0 - 0.1 * math.sqrt(10), -2.0 - 0.1 * math.sqrt(10)])
    # h2 = 0.9 * [0.025, 0.4] + 0.1 * [0.25, 0] = [0.0475, 0.36]
    expected_2 = [expected_1[0] + 0.1 * 0.5 / (math.sqrt(0.0475) + 1e-7), expected_1[1]]
    assert after[1] == pytest.approx(expected_2, rel=1e-14)


def test_adam_first_steps():
    """Adam: the bias-corrected first step is lr in size in every element."""
    w = np.array([1.0, -2.0])
    after = steps(Adam(lr=0.1), w, [[0.5, -2.0], [0.5, 1.0]])
    # m1 = 0.1 g1, v1 = 0.001 g1^2; m_hat = g1, v_hat = g1^2: a step of lr * sign(g1)
    expected_1 = [1.0 - 0.1 * 0.5 / (0.5 + 1e-8), -2.0 - 0.1 * -2.0 / (2.0 + 1e-8)]
    assert after[0] == pytest.approx(expected_1, rel=1e-14)
    # m2 = 0.9 [0.05, -0.2] + 0.1 [0.5, 1.0] = [0.095, -0.08]
    # v2 = 0.999 [0.00025, 0.004] + 0.001 [0.25, 1.0] = [0.00049975, 0.004996]
    m_hat = [0.095 / (1 - 0.9**2), -0.08 / (1 - 0.9**2)]
    v_hat = [0.00049975 / (1 - 0.999**2), 0.004996 / (1 - 0.999**2)]
    assert m_hat[0] == pytest.approx(0.5) and v_hat[0] == pytest.approx(0.25)
    expected_2 = [
        expected_1[0] - 0.1 * m_hat[0] / (math.sqrt(v_hat[0]) + 1e-8),
        expected_1[1] - 0.1 * m_hat[1] / (math.sqrt(v_hat[1]) + 1e-8),
    ]
    assert after[1] == pytest.approx(expected_2, rel=1e-12)


def test_adam_defaults_are_the_papers():
    """Adam() has lr 0.001, beta1 0.9, beta2 0.999, eps 1e-8; the others the book's defaults."""
    adam = Adam()
    assert (adam.lr, adam.beta1, adam.beta2, adam.eps) == (0.001, 0.9, 0.999, 1e-8)
    assert (Momentum().lr, Momentum().momentum) == (0.01, 0.9)
    assert (Nesterov().lr, Nesterov().momentum) == (0.01, 0.9)
    assert AdaGrad().lr == 0.01
    assert (RMSprop().lr, RMSprop().decay_rate) == (0.01, 0.99)


def paper_adam(theta, grads, lr, beta1, beta2, eps):
    """Algorithm 1 of Kingma & Ba, element by element on plain floats."""
    m = [0.0] * len(theta)
    v = [0.0] * len(theta)
    theta = list(theta)
    for t, g in enumerate(grads, start=1):
        for j in range(len(theta)):
            m[j] = beta1 * m[j] + (1 - beta1) * g[j]
            v[j] = beta2 * v[j] + (1 - beta2) * g[j] * g[j]
            m_hat = m[j] / (1 - beta1**t)
            v_hat = v[j] / (1 - beta2**t)
            theta[j] = theta[j] - lr * m_hat / (math.sqrt(v_hat) + eps)
    return theta


def test_adam_matches_the_paper_for_ten_steps():
    """Adam on two arrays agrees with Algorithm 1 written out on floats, step for step."""
    rng = np.random.default_rng(3)
    params = [rng.standard_normal((3, 2)), rng.standard_normal(4)]
    start = [p.copy() for p in params]
    grads = [[rng.standard_normal(p.shape) for p in params] for _ in range(10)]
    adam = Adam(lr=0.05, beta1=0.8, beta2=0.99, eps=1e-6)
    for step in grads:
        adam.update(params, step)
    for i in range(2):
        expected = paper_adam(start[i].ravel().tolist(), [g[i].ravel().tolist() for g in grads],
                              0.05, 0.8, 0.99, 1e-6)
        assert params[i].ravel() == pytest.approx(expected, rel=1e-12, abs=1e-14)
    assert adam.iter == 10


# -- every optimizer -------------------------------------------------------------------


QUADRATIC_A = np.array([[3.0, 1.0], [1.0, 2.0]])
QUADRATIC_B = np.array([1.0, -1.0])


@pytest.mark.parametrize(
    ("cls", "lr", "n_steps"),
    [
        (SGD, 0.2, 100),
        (Momentum, 0.05, 300),
        (Nesterov, 0.05, 200),
        (AdaGrad, 0.5, 300),
        (RMSprop, 0.01, 1000),
        (Adam, 0.05, 500),
    ],
    ids=lambda value: value.__name__ if isinstance(value, type) else str(value),
)
def test_minimises_a_convex_quadratic(cls, lr, n_steps):
    """From (2, 2), f(w) = w'Aw/2 - b'w is minimised to within 1e-4 of w* = A^-1 b."""
    optimizer = cls(lr=lr)
    w = np.array([2.0, 2.0])
    for _ in range(n_steps):
        optimizer.update([w], [QUADRATIC_A @ w - QUADRATIC_B])
    w_star = np.array([3.0, -4.0]) / 5.0  # A^-1 b = [[2, -1], [-1, 3]] b / det A, det A = 5
    assert np.allclose(QUADRATIC_A @ w_star, QUADRATIC_B)
    assert np.max(np.abs(w - w_star)) < 1e-4


@pytest.mark.parametrize("cls", OPTIMIZER_CLASSES, ids=lambda cls: cls.__name__)
def test_update_is_in_place(cls):
    """update changes the arrays of params themselves, returns None and leaves grads alone."""
    rng = np.random.default_rng(4)
    params = [rng.standard_normal((3, 2)), rng.standard_normal(2)]
    arrays = list(params)
    grads = [rng.standard_normal((3, 2)), rng.standard_normal(2)]
    grads_before = [g.copy() for g in grads]
    before = [p.copy() for p in params]
    optimizer = cls()
    for _ in range(2):
        assert optimizer.update(params, grads) is None
    assert all(new is old for new, old in zip(params, arrays, strict=True))
    assert all(not np.array_equal(p, b) for p, b in zip(params, before, strict=True))
    assert all(np.array_equal(g, b) for g, b in zip(grads, grads_before, strict=True))


@pytest.mark.parametrize("cls", OPTIMIZER_CLASSES[1:], ids=lambda cls: cls.__name__)
def test_state_is_made_on_the_first_update(cls):
    """The state is None until the first update, then one array per parameter, of its shape."""
    optimizer = cls()
    names = [n for n in ("v", "h", "m") if hasattr(optimizer, n)]
    assert names and all(getattr(optimizer, n) is None for n in names)
    params = [np.zeros((3, 2)), np.zeros(5)]
    optimizer.update(params, [np.ones((3, 2)), np.ones(5)])
    for name in names:
        assert [s.shape for s in getattr(optimizer, name)] == [(3, 2), (5,)]


@pytest.mark.parametrize("cls", OPTIMIZER_CLASSES, ids=lambda cls: cls.__name__)
def test_docstring_gives_the_update_rule(cls):
    """Each optimizer's docstring has its update rule with an arrow."""
    assert "←" in cls.__doc__


# -- the plugin ------------------------------------------------------------------------


def test_the_chapter_registers_its_optimizers_examples_and_exercises():
    """The registry holds the chapter, its six optimizers, two examples and two exercises."""
    registry = load_registry()
    assert [p for p in registry.problems if p.plugin in ("backprop", "optimizers")] == []
    chapter = registry.chapter("optimizers")
    assert (chapter.number, chapter.title) == (2, "Optimizers")
    assert chapter.page.is_file()
    assert chapter.terms["stochastic gradient descent (SGD)"] == "確率的勾配降下法"
    for cls in OPTIMIZER_CLASSES:
        assert registry.optimizers[cls.__name__].value is cls
        assert registry.optimizers[cls.__name__].plugin == "optimizers"
    assert registry.example("optimizers.trajectories").function is examples.trajectories
    assert registry.example("optimizers.spiral").function is examples.spiral
    assert registry.exercise("optimizers.momentum") is MOMENTUM
    assert registry.exercise("optimizers.adam") is ADAM


def test_sgd_lives_in_backprop_and_is_the_same_class_here():
    """SGD is the backprop chapter's class; rindoku_optimizers.optimizers.SGD is that class."""
    assert SGD is backprop_optimizer.SGD
    assert SGD.__module__ == "rindoku_backprop.optimizer"


# -- examples --------------------------------------------------------------------------


def test_trajectories_example_prints_every_optimizer(tmp_path, capsys):
    """One figure; a row per optimizer; every one ends nearer the minimum than it started."""
    figures = run_example(examples.trajectories, 0, tmp_path)
    rows = capsys.readouterr().out.splitlines()[1:]
    assert [row.split()[0] for row in rows] == [cls.__name__ for cls in OPTIMIZER_CLASSES]
    start_f = 7.0**2 / 20 + 2.0**2
    for row in rows:
        assert float(row.split()[-1]) < start_f / 20, row
    assert [path.name for path in figures] == ["figure-1.png"]


def test_spiral_example_trains_with_every_optimizer(tmp_path, capsys):
    """One figure; every optimizer brings the net above 90% training accuracy."""
    figures = run_example(examples.spiral, 0, tmp_path)
    rows = capsys.readouterr().out.splitlines()[1:]
    assert [row.split()[0] for row in rows] == [cls.__name__ for cls in OPTIMIZER_CLASSES]
    for row in rows:
        loss, accuracy = (float(v) for v in row.split()[-2:])
        assert loss < 0.3 and accuracy > 0.9, row
    assert [path.name for path in figures] == ["figure-1.png"]


# -- exercises -------------------------------------------------------------------------


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda exercise: exercise.id)
def test_exercise_metadata(exercise):
    """Each exercise has a prompt with math, its solution file and a few hints."""
    assert exercise.id in {"optimizers.momentum", "optimizers.adam"}
    assert "$" in exercise.prompt
    assert Path(exercise.solution_file).is_file()
    assert 2 <= len(exercise.hints) <= 3


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda exercise: exercise.id)
def test_check_names_a_missing_class(exercise):
    """A file without the class gets a message naming the class."""
    with pytest.raises(CheckFailed, match=r"your file defines no class (Momentum|Adam)"):
        exercise.check(attempt_from("import numpy as np\n"))


def test_momentum_check_catches_a_flipped_velocity():
    """A velocity that adds the gradient fails at step 1, naming the array and element."""
    module = with_mistake(MOMENTUM, "- self.lr * grads[i]", "+ self.lr * grads[i]")
    with pytest.raises(
        CheckFailed,
        match=r"(?s)params\[0\] \(shape \(4, 3\)\) is wrong after step 1 of 6\.\n"
        r"  worst element: params\[0\]\[\d, \d\]: expected -?\d+\.\d+, got -?\d+\.\d+\n"
        r"  the step it should have taken: [+-]\d.*the step it took: [+-]\d",
    ):
        MOMENTUM.check(module)


def test_momentum_check_catches_a_velocity_that_never_decays():
    """Ignoring self.momentum is caught at step 2, when the old velocity first counts."""
    module = with_mistake(MOMENTUM, "self.momentum * self.v[i]", "self.v[i]")
    with pytest.raises(CheckFailed, match=r"params\[0\] \(shape \(4, 3\)\) is wrong after step 2"):
        MOMENTUM.check(module)


def test_momentum_check_requires_params_in_place():
    """Rebinding params[i] is reported, with how to write the update in place."""
    module = with_mistake(MOMENTUM, "params[i] += self.v[i]", "params[i] = params[i] + self.v[i]")
    with pytest.raises(CheckFailed, match=r"replaced params\[0\] with a new array at step 1"):
        MOMENTUM.check(module)


def test_momentum_check_catches_a_loop_variable_update():
    """Updating a loop variable leaves the arrays unchanged, and the message says so."""
    module = with_mistake(
        MOMENTUM,
        "            params[i] += self.v[i]",
        "            param = params[i]\n            param = param + self.v[i]",
    )
    with pytest.raises(CheckFailed, match=r"left params\[0\] \(shape \(4, 3\)\) unchanged"):
        MOMENTUM.check(module)


def test_momentum_check_requires_no_return_value():
    """An update that returns the params is told to return nothing."""
    module = with_mistake(MOMENTUM, "params[i] += self.v[i]",
                    "params[i] += self.v[i]\n        return params")
    with pytest.raises(CheckFailed, match=r"Momentum.update returned list at step 1 of 6"):
        MOMENTUM.check(module)


def test_momentum_check_forbids_changing_grads():
    """Scaling grads[i] in place is reported: an optimizer only reads the gradients."""
    module = with_mistake(
        MOMENTUM,
        "self.v[i] = self.momentum * self.v[i] - self.lr * grads[i]",
        "grads[i] *= self.lr\n            self.v[i] = self.momentum * self.v[i] - grads[i]",
    )
    with pytest.raises(CheckFailed, match=r"Momentum.update changed grads\[0\] at step 1"):
        MOMENTUM.check(module)


def test_adam_check_requires_the_bias_correction():
    """Adam without bias correction is wrong from step 1, and the message shows both steps."""
    module = with_mistake(ADAM, "m_hat = self.m[i] / (1 - self.beta1**self.iter)",
                          "m_hat = self.m[i]")
    module_source = ADAM.solution.replace(
        "m_hat = self.m[i] / (1 - self.beta1**self.iter)", "m_hat = self.m[i]"
    ).replace("v_hat = self.v[i] / (1 - self.beta2**self.iter)", "v_hat = self.v[i]")
    for attempt in [module, attempt_from(module_source)]:
        with pytest.raises(CheckFailed, match=r"(?s)is wrong after step 1 of 6.*step it took"):
            ADAM.check(attempt)


def test_adam_check_catches_a_step_counted_per_array():
    """Counting t once per array instead of once per update is caught."""
    module = with_mistake(
        ADAM,
        "        self.iter += 1\n        for i in range(len(params)):\n",
        "        for i in range(len(params)):\n            self.iter += 1\n",
    )
    with pytest.raises(CheckFailed, match=r"params\[1\] \(shape \(3,\)\) is wrong after step 1"):
        ADAM.check(module)


def test_adam_check_catches_a_missing_eps():
    """Without eps, the zero gradient gives 0/0 = nan, and the message says what nan means."""
    module = with_mistake(ADAM, "(np.sqrt(v_hat) + self.eps)", "np.sqrt(v_hat)")
    with np.errstate(invalid="ignore"), pytest.raises(
        CheckFailed, match=r"(?s)params\[0\]\[0, 0\]: expected .*, got nan.*division by zero"
    ):
        ADAM.check(module)


def test_adam_check_accepts_the_books_equivalent_form():
    """The book's form (bias correction folded into the learning rate) also passes."""
    module = with_mistake(
        ADAM,
        ADAM.solution[ADAM.solution.index("        self.iter += 1"):],
        "        self.iter += 1\n"
        "        lr_t = self.lr * np.sqrt(1.0 - self.beta2**self.iter) "
        "/ (1.0 - self.beta1**self.iter)\n"
        "        for i in range(len(params)):\n"
        "            self.m[i] += (1 - self.beta1) * (grads[i] - self.m[i])\n"
        "            self.v[i] += (1 - self.beta2) * (grads[i] ** 2 - self.v[i])\n"
        "            params[i] -= lr_t * self.m[i] / (np.sqrt(self.v[i]) + 1e-7)\n",
    )
    ADAM.check(module)


def test_check_messages_name_the_hyperparameters_on_a_bad_init():
    """An __init__ that does not take the starter's arguments is reported with them."""
    module = with_mistake(MOMENTUM, "def __init__(self, lr=0.01, momentum=0.9):",
                    "def __init__(self, lr=0.01):\n        momentum = 0.9")
    with pytest.raises(CheckFailed, match=re.escape("Momentum(lr=0.1, momentum=0.8) failed")):
        MOMENTUM.check(module)
