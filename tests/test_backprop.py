"""Tests of the backprop chapter: its layers, model, data set, examples and exercises."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from rindoku import CheckFailed, GradientCheckError, gradient_check
from rindoku.examples import published_values, run_example
from rindoku.testing import attempt_from, with_mistake
from rindoku_backprop import examples
from rindoku_backprop.datasets import load_spiral
from rindoku_backprop.exercises import (
    AFFINE_BACKWARD,
    EXERCISES,
    SIGMOID_BACKWARD,
    SOFTMAX_WITH_LOSS_BACKWARD,
)
from rindoku_backprop.functions import cross_entropy_error, sigmoid, softmax
from rindoku_backprop.gradcases import GRADIENT_CASES
from rindoku_backprop.layers import (
    AddLayer,
    Affine,
    MatMul,
    MulLayer,
    Relu,
    Sigmoid,
    SigmoidWithLoss,
    Softmax,
    SoftmaxWithLoss,
)
from rindoku_backprop.models import TwoLayerNet

LAYER_CLASSES = [
    MulLayer, AddLayer, Relu, Sigmoid, Affine, MatMul, Softmax, SoftmaxWithLoss, SigmoidWithLoss,
]


# -- the gradient check ---------------------------------------------------------------


@pytest.mark.parametrize("case", GRADIENT_CASES, ids=lambda case: case.name)
def test_gradient_case_passes(case):
    """Every layer's backward agrees with the numerical gradient to 1e-6."""
    report = case.run()
    assert report.comparisons
    assert report.max_error < 1e-6, report.worst.describe()


def test_every_layer_and_the_model_have_a_case():
    """The cases cover every layer class and TwoLayerNet."""
    covered = {case.layer for case in GRADIENT_CASES}
    assert covered == {cls.__name__ for cls in LAYER_CLASSES} | {"TwoLayerNet"}


def test_gradient_cases_check_the_right_arrays():
    """Both inputs of a graph node are checked; labels and the model's input are not."""
    wrt = {case.name: case.wrt for case in GRADIENT_CASES}
    assert wrt["MulLayer"] == wrt["AddLayer"] == (0, 1)
    assert wrt["SoftmaxWithLoss (labels)"] == wrt["SigmoidWithLoss"] == (0,)
    assert wrt["TwoLayerNet"] == ()
    assert len(GRADIENT_CASES[-1].run().comparisons) == 4  # W1, b1, W2, b2


class ForgetfulSigmoid(Sigmoid):
    """A wrong Sigmoid: its backward forgets the factor (1 - out)."""

    def backward(self, dout):
        return dout * self.out


def test_gradient_check_catches_a_wrong_backward():
    """A backward that forgets a factor fails, and the message names the array and index."""
    x = np.random.default_rng(0).standard_normal((3, 4))
    with pytest.raises(GradientCheckError, match=r"input 0 \(shape \(3, 4\)\) at index \(\d, \d\)"):
        gradient_check(ForgetfulSigmoid(), [x])


def test_the_chapter_imports_no_other_chapter():
    """Every module of rindoku_backprop loads without any other chapter: it requires none."""
    code = (
        "import importlib, pkgutil, sys, rindoku_backprop\n"
        "for info in pkgutil.iter_modules(rindoku_backprop.__path__):\n"
        "    importlib.import_module('rindoku_backprop.' + info.name)\n"
        "print(sorted({m.split('.')[0] for m in sys.modules if m.startswith('rindoku_')}))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "['rindoku_backprop']"


# -- functions --------------------------------------------------------------------


def test_sigmoid_values():
    """sigmoid(0) is 1/2 and sigmoid(-x) = 1 - sigmoid(x)."""
    x = np.array([-2.0, 0.0, 3.0])
    assert sigmoid(x) == pytest.approx([1 / (1 + np.exp(2)), 0.5, 1 / (1 + np.exp(-3))])
    assert sigmoid(-x) == pytest.approx(1 - sigmoid(x))


def test_softmax_values():
    """softmax matches exp(x) / sum(exp(x)) worked out by hand, for 1-D and 2-D input."""
    e = np.e
    assert softmax(np.array([0.0, 1.0])) == pytest.approx([1 / (1 + e), e / (1 + e)])
    x = np.array([[0.0, 0.0, 0.0], [1.0, 2.0, 3.0]])
    expected = [[1 / 3] * 3, np.array([e, e**2, e**3]) / (e + e**2 + e**3)]
    assert softmax(x) == pytest.approx(np.array(expected))


def test_softmax_is_stable_for_large_scores():
    """Scores in the thousands give finite probabilities: the maximum is subtracted first."""
    with np.errstate(over="raise"):
        y = softmax(np.array([[1000.0, 1001.0, 1002.0], [-1000.0, 0.0, 1000.0]]))
    assert np.all(np.isfinite(y))
    assert y[0] == pytest.approx(softmax(np.array([0.0, 1.0, 2.0])))
    assert y[1] == pytest.approx([0.0, 0.0, 1.0])


def test_cross_entropy_error_values():
    """The error is -log of the correct class's probability, averaged over the batch."""
    y = np.array([[0.1, 0.6, 0.3], [0.8, 0.1, 0.1]])
    expected = -(np.log(0.6 + 1e-7) + np.log(0.8 + 1e-7)) / 2
    assert cross_entropy_error(y, np.array([1, 0])) == pytest.approx(expected)
    assert cross_entropy_error(y, np.array([[0, 1, 0], [1, 0, 0]])) == pytest.approx(expected)
    assert cross_entropy_error(y[0], np.array([0, 1, 0])) == pytest.approx(-np.log(0.6 + 1e-7))


# -- layers -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "cls",
    [cls for cls in LAYER_CLASSES if cls not in (Affine, MatMul)],
    ids=lambda cls: cls.__name__,
)
def test_layers_without_weights_have_empty_lists(cls):
    """A layer without weights has empty params and grads lists."""
    layer = cls()
    assert layer.params == [] and layer.grads == []


def test_relu_backward_leaves_dout_alone():
    """Relu.backward returns a new array; the book's version zeroes dout itself."""
    x = np.array([[-1.0, 2.0], [3.0, -4.0]])
    dout = np.ones((2, 2))
    layer = Relu()
    assert np.array_equal(layer.forward(x), [[0.0, 2.0], [3.0, 0.0]])
    assert np.array_equal(layer.backward(dout), [[0.0, 1.0], [1.0, 0.0]])
    assert np.all(dout == 1.0)


def test_mul_and_add_layers_on_numbers():
    """The apple graph: 100 yen x 2 apples x tax 1.1, and back."""
    mul_apple, mul_tax = MulLayer(), MulLayer()
    price = mul_tax.forward(mul_apple.forward(100, 2), 1.1)
    dapple_price, dtax = mul_tax.backward(1)
    dapple, dapple_num = mul_apple.backward(dapple_price)
    assert (price, dapple, dapple_num, dtax) == pytest.approx((220, 2.2, 110, 200))
    assert AddLayer().backward(1.5) == (1.5, 1.5)


def test_softmax_with_loss_labels_equal_one_hot():
    """Labels and one-hot labels give the same loss and the same dx."""
    rng = np.random.default_rng(1)
    x, t = rng.standard_normal((5, 4)), np.array([0, 3, 1, 1, 2])
    with_labels, with_one_hot = SoftmaxWithLoss(), SoftmaxWithLoss()
    loss = with_labels.forward(x, t)
    assert with_one_hot.forward(x, np.eye(4, dtype=int)[t]) == pytest.approx(loss)
    assert loss == pytest.approx(cross_entropy_error(softmax(x), t))
    assert with_one_hot.backward() == pytest.approx(with_labels.backward())


def test_softmax_with_loss_backward_is_y_minus_t_over_n():
    """dx = dout * (softmax(x) - one-hot t) / N."""
    x, t = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]]), np.array([2, 0])
    layer = SoftmaxWithLoss()
    layer.forward(x, t)
    assert layer.backward(2.0) == pytest.approx(2.0 * (softmax(x) - np.eye(3)[t]) / 2)


def test_sigmoid_with_loss_values():
    """The binary loss is the cross-entropy of [1 - y, y]; dx = (y - t) / N."""
    x, t = np.array([0.0, 2.0]), np.array([1, 0])
    layer = SigmoidWithLoss()
    loss = layer.forward(x, t)
    y = sigmoid(x)
    assert loss == pytest.approx(-(np.log(y[0] + 1e-7) + np.log(1 - y[1] + 1e-7)) / 2)
    assert layer.backward() == pytest.approx((y - t) / 2)


@pytest.mark.parametrize(("label", "shown"), [(-1, "-1"), (3, "3")])
def test_softmax_with_loss_refuses_a_label_outside_its_classes(label, shown):
    """-1 would quietly be the last class (NumPy indexing), 3 an IndexError deep inside."""
    x = np.zeros((2, 3))
    with pytest.raises(ValueError, match=rf"^SoftmaxWithLoss: label {shown} is outside 0\.\.2 "
                                         r"\(3 classes\); labels are class indices$"):
        SoftmaxWithLoss().forward(x, np.array([0, label]))


def test_softmax_with_loss_refuses_float_labels():
    with pytest.raises(ValueError, match="^SoftmaxWithLoss: labels must be integers, not float64"):
        SoftmaxWithLoss().forward(np.zeros((2, 3)), np.array([0.0, 2.0]))


@pytest.mark.parametrize("label", [-1, 2])
def test_sigmoid_with_loss_takes_only_0_and_1(label):
    with pytest.raises(ValueError, match=rf"^SigmoidWithLoss: label {label} is outside 0\.\.1 "
                                         r"\(2 classes\); labels are 0 or 1$"):
        SigmoidWithLoss().forward(np.zeros(3), np.array([1, 0, label]))


def test_training_on_a_bad_label_stops_at_the_loss_layer():
    """The Trainer's mini-batches reach SoftmaxWithLoss, which names the label."""
    from rindoku.trainer import Trainer
    from rindoku_backprop.optimizer import SGD

    rng = np.random.default_rng(0)
    x, t = load_spiral(rng)
    labels = t.argmax(axis=1)
    labels[7] = -1
    model = TwoLayerNet(2, 10, 3, rng=rng)
    with pytest.raises(ValueError, match=r"SoftmaxWithLoss: label -1 is outside 0\.\.2"):
        Trainer(model, SGD(lr=1.0), rng=rng, progress=False).fit(x, labels, max_epoch=1,
                                                                  batch_size=300)


@pytest.mark.parametrize("cls", [Affine, MatMul], ids=lambda cls: cls.__name__)
def test_gradients_are_written_in_place(cls):
    """backward overwrites the arrays in grads; it never replaces them."""
    rng = np.random.default_rng(2)
    W, b = rng.standard_normal((4, 3)), rng.standard_normal(3)
    layer = Affine(W, b) if cls is Affine else MatMul(W)
    grads = list(layer.grads)
    assert layer.params[0] is W
    x = rng.standard_normal((5, 4))
    layer.forward(x)
    dx = layer.backward(np.ones((5, 3)))
    assert dx.shape == x.shape
    assert all(new is old for new, old in zip(layer.grads, grads, strict=True))
    assert layer.grads[0] == pytest.approx(x.T @ np.ones((5, 3)))
    if cls is Affine:
        assert layer.grads[1] == pytest.approx(np.full(3, 5.0))


def test_two_layer_net_gathers_the_layers_arrays():
    """The model's params and grads are the layers' own arrays, not copies."""
    net = TwoLayerNet(2, 10, 3, rng=np.random.default_rng(0))
    layer_params = [p for layer in net.layers for p in layer.params]
    layer_grads = [g for layer in net.layers for g in layer.grads]
    assert [p.shape for p in net.params] == [(2, 10), (10,), (10, 3), (3,)]
    assert all(a is b for a, b in zip(net.params, layer_params, strict=True))
    assert all(a is b for a, b in zip(net.grads, layer_grads, strict=True))
    assert net.predict(np.zeros((7, 2))).shape == (7, 3)


# -- the data set --------------------------------------------------------------------


def test_load_spiral_shapes_and_labels():
    """300 points in the unit disc, 100 per class, one-hot labels."""
    x, t = load_spiral(np.random.default_rng(0))
    assert x.shape == (300, 2) and x.dtype == np.float64
    assert t.shape == (300, 3)
    assert np.all(t.sum(axis=1) == 1)
    assert list(t.sum(axis=0)) == [100, 100, 100]
    assert np.all(np.hypot(x[:, 0], x[:, 1]) < 1.0)
    x, t = load_spiral(np.random.default_rng(0), n_per_class=20, n_classes=4)
    assert x.shape == (80, 2) and t.shape == (80, 4)


def test_load_spiral_is_deterministic():
    """The same seed gives the same points; another seed gives other points."""
    x1, t1 = load_spiral(np.random.default_rng(7))
    x2, t2 = load_spiral(np.random.default_rng(7))
    x3, _ = load_spiral(np.random.default_rng(8))
    assert np.array_equal(x1, x2) and np.array_equal(t1, t2)
    assert not np.array_equal(x1, x3)


# -- examples ----------------------------------------------------------------------


CHAPTER_PAGES = Path(__file__).resolve().parents[1] / "chapters"


def assert_publishes_what_the_pages_cite(example_id: str, folder: Path) -> None:
    """Each ``{rindoku-value}`EXAMPLE:NAME``` of a chapter page names a value the run published."""
    cited = {name for page in CHAPTER_PAGES.glob("*.md")
             for name in re.findall(rf"\{{rindoku-value\}}`{re.escape(example_id)}:(\w+)`",
                                    page.read_text(encoding="utf-8"))}
    published, _ = published_values(folder)
    assert cited, f"no page cites a value of {example_id}"
    assert not cited - published.keys(), f"{example_id} does not publish {cited - published.keys()}"


def test_apple_example_prints_the_book_values(tmp_path, capsys):
    """The apple graphs give 220 and 715 and the derivatives of the book."""
    figures = run_example(examples.apple, 0, tmp_path)
    out = capsys.readouterr().out
    assert "price = 220" in out and "price = 715" in out
    for name, value in [("apple", "2.2"), ("apple_num", "110"), ("orange", "3.3"),
                        ("orange_num", "165"), ("tax", "650")]:
        assert re.search(rf"d price / d {name}\s+= {value}\b", out), name
    assert "d price / d tax = 200" in out
    assert len(figures) == 1


def test_gradient_check_example_passes_every_case(tmp_path, capsys):
    """The table lists every case, and every case passes."""
    run_example(examples.gradient_check_table, 0, tmp_path)
    rows = capsys.readouterr().out.splitlines()[1:]
    assert len(rows) == len(GRADIENT_CASES)
    assert all(row.endswith("yes") for row in rows)
    assert_publishes_what_the_pages_cite("backprop.gradient-check", tmp_path)


def test_spiral_example_learns_the_spiral(tmp_path, capsys):
    """TwoLayerNet trained as in the example classifies over 90% of the spiral correctly."""
    figures = run_example(examples.spiral, 0, tmp_path)
    out = capsys.readouterr().out
    accuracy = float(re.search(r"training accuracy: ([\d.]+)", out).group(1))
    assert accuracy > 0.9
    losses = [float(v) for v in re.findall(r"epoch \d+, loss ([\d.]+)", out)]
    assert len(losses) == 10 and losses[-1] < losses[0]
    assert [path.name for path in figures] == ["figure-1.png", "figure-2.png"]


# -- exercises ---------------------------------------------------------------------


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda exercise: exercise.id)
def test_exercise_metadata(exercise):
    """Each exercise has a prompt with math, its solution file and a few hints."""
    assert exercise.id.startswith("backprop.")
    assert "$" in exercise.prompt
    assert Path(exercise.solution_file).is_file()
    assert 2 <= len(exercise.hints) <= 3


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda exercise: exercise.id)
def test_check_names_a_missing_class(exercise):
    """A file without the class gets a message naming the class."""
    with pytest.raises(CheckFailed, match=r"your file defines no class \w+"):
        exercise.check(attempt_from("import numpy as np\n"))


def test_sigmoid_check_names_the_wrong_gradient():
    """A Sigmoid backward that forgets (1 - y) fails on dx, with the index and both values."""
    module = with_mistake(SIGMOID_BACKWARD, "dx = dout * (1.0 - self.out) * self.out",
                    "dx = dout * self.out")
    with pytest.raises(CheckFailed, match=r"(?s)dx is wrong.*at index \(\d, \d\).*numerical"):
        SIGMOID_BACKWARD.check(module)


def test_sigmoid_check_catches_none_and_wrong_shapes():
    """A backward that returns nothing, or dx transposed, gets a clear message."""
    module = with_mistake(SIGMOID_BACKWARD, "return dx", "return None")
    with pytest.raises(CheckFailed, match="returned None"):
        SIGMOID_BACKWARD.check(module)
    module = with_mistake(SIGMOID_BACKWARD, "return dx", "return dx.T")
    with pytest.raises(CheckFailed, match=r"shape \(4, 3\); expected \(3, 4\)"):
        SIGMOID_BACKWARD.check(module)


def test_sigmoid_check_catches_a_wrong_forward():
    """A forward with the wrong sign is reported before the backward is looked at."""
    module = with_mistake(SIGMOID_BACKWARD, "out = 1 / (1 + np.exp(-x))",
                          "out = 1 / (1 + np.exp(x))")
    with pytest.raises(CheckFailed, match=r"Sigmoid.forward\(x\) is wrong"):
        SIGMOID_BACKWARD.check(module)


def test_affine_check_requires_grads_in_place():
    """Rebinding self.grads[0] is caught and the message says how to write in place."""
    module = with_mistake(AFFINE_BACKWARD, "self.grads[0][...] = dW", "self.grads[0] = dW")
    with pytest.raises(CheckFailed, match=r"self.grads\[0\]\[...\] in place"):
        AFFINE_BACKWARD.check(module)


def test_affine_check_names_db():
    """A db that sums the wrong way is reported as db, with its index."""
    module = with_mistake(AFFINE_BACKWARD, "db = np.sum(dout, axis=0)",
                          "db = np.sum(dout, axis=0) / 2")
    with pytest.raises(CheckFailed, match=r"(?s)db is wrong.*params\[1\] \(shape \(3,\)\)"):
        AFFINE_BACKWARD.check(module)


def test_affine_check_names_dw():
    """A dW with the wrong sign is reported as dW."""
    module = with_mistake(AFFINE_BACKWARD, "dW = np.dot(self.x.T, dout)",
                          "dW = -np.dot(self.x.T, dout)")
    with pytest.raises(CheckFailed, match=r"(?s)dW is wrong.*params\[0\]"):
        AFFINE_BACKWARD.check(module)


def test_affine_check_catches_a_missing_return():
    """An Affine backward that returns None gets a clear message."""
    module = with_mistake(AFFINE_BACKWARD, "return dx", "return None")
    with pytest.raises(CheckFailed, match=r"Affine.backward\(dout\) returned None"):
        AFFINE_BACKWARD.check(module)


def test_softmax_with_loss_check_requires_the_average():
    """Forgetting to divide by the batch size is reported on dx."""
    module = with_mistake(SOFTMAX_WITH_LOSS_BACKWARD, "dx = dx / batch_size", "dx = dx")
    with pytest.raises(CheckFailed, match=r"(?s)dx is wrong.*relative error"):
        SOFTMAX_WITH_LOSS_BACKWARD.check(module)


def test_softmax_with_loss_check_requires_dout():
    """Ignoring dout passes the gradient check (dout = 1 there) but not the dout check."""
    module = with_mistake(SOFTMAX_WITH_LOSS_BACKWARD, "dx *= dout", "dx *= 1")
    with pytest.raises(CheckFailed, match="multiply the gradient by dout"):
        SOFTMAX_WITH_LOSS_BACKWARD.check(module)
