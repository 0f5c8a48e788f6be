"""The Trainer, gradient clipping, shared weights, the loss history, and the stall warning."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest

from rindoku.trainer import (
    SATURATED_LOSS,
    LossHistory,
    ShuffledBatches,
    StallWatch,
    Trainer,
    TrainingDivergedError,
    TrainingStalledWarning,
    clip_grads,
    unique_params,
)
from rindoku_backprop.datasets import load_spiral
from rindoku_backprop.layers import MatMul, SoftmaxWithLoss
from rindoku_backprop.models import TwoLayerNet
from rindoku_backprop.optimizer import SGD


class PlainSGD:
    """param -= lr * grad, written here so the tests do not depend on a chapter's optimizer."""

    def __init__(self, lr: float) -> None:
        self.lr = lr
        self.seen: list[list[np.ndarray]] = []

    def update(self, params, grads):
        self.seen.append([g.copy() for g in grads])
        for param, grad in zip(params, grads, strict=True):
            param -= self.lr * grad


class TiedModel:
    """Two MatMul layers sharing one weight array W (declared by passing the same W)."""

    def __init__(self, W: np.ndarray) -> None:
        self.in0, self.in1 = MatMul(W), MatMul(W)
        self.loss_layer = SoftmaxWithLoss()
        self.params = self.in0.params + self.in1.params
        self.grads = self.in0.grads + self.in1.grads

    def predict(self, x):
        return self.in0.forward(x) + self.in1.forward(2 * x)

    def forward(self, x, t):
        return self.loss_layer.forward(self.predict(x), t)

    def backward(self, dout=1):
        ds = self.loss_layer.backward(dout)
        self.in0.backward(ds)
        self.in1.backward(ds)


class NanModel(TiedModel):
    def forward(self, x, t):
        return float("nan")


def spiral_setup(seed: int = 0):
    rng = np.random.default_rng(seed)
    x, t = load_spiral(rng)
    return rng, x, t, TwoLayerNet(2, 10, 3, rng=rng)


def test_fit_trains_the_two_layer_net_and_records_the_losses():
    """The loss goes down, and the history has the book's eval-interval curve."""
    rng, x, t, model = spiral_setup()
    history = Trainer(model, PlainSGD(1.0), rng=rng, progress=False).fit(
        x, t, max_epoch=100, batch_size=30, eval_interval=10)
    assert len(history.epoch_losses) == 100
    assert history.iterations == list(range(10, 1001, 10))
    assert history.losses[-1] < 0.5 * history.losses[0]
    accuracy = np.mean(model.predict(x).argmax(1) == t.argmax(1))
    assert accuracy > 0.8


def test_the_same_seed_gives_the_same_run():
    histories = []
    for _ in range(2):
        rng, x, t, model = spiral_setup(3)
        histories.append(Trainer(model, PlainSGD(1.0), rng=rng, progress=False)
                         .fit(x, t, max_epoch=5, batch_size=30))
    assert histories[0].epoch_losses == histories[1].epoch_losses


def test_held_out_data_is_evaluated_every_epoch():
    rng, x, t, model = spiral_setup()
    history = Trainer(model, PlainSGD(1.0), rng=rng, progress=False).fit(
        x[:240], t[:240], max_epoch=4, batch_size=30, x_val=x[240:], t_val=t[240:])
    assert len(history.val_losses) == len(history.val_accuracies) == 4
    assert all(0 <= a <= 1 for a in history.val_accuracies)


def test_a_shared_weight_is_updated_once_with_the_sum_of_its_gradients():
    """W appears twice in params; the optimizer sees it once, with g0 + g1."""
    rng = np.random.default_rng(0)
    W = rng.standard_normal((4, 3))
    model = TiedModel(W)
    x, t = rng.standard_normal((5, 4)), rng.integers(0, 3, 5)
    before = W.copy()
    optimizer = PlainSGD(0.1)
    Trainer(model, optimizer, rng=rng, progress=False).step(x, t)
    [summed] = optimizer.seen[0]
    np.testing.assert_allclose(summed, model.grads[0] + model.grads[1])
    np.testing.assert_allclose(W, before - 0.1 * (model.grads[0] + model.grads[1]))
    assert model.in0.params[0] is model.in1.params[0] is W


def test_unique_params_keeps_unshared_gradients_as_they_are():
    a, b = np.ones(2), np.ones(3)
    ga, gb, ga2 = np.full(2, 1.0), np.full(3, 2.0), np.full(2, 3.0)
    params, grads = unique_params([a, b, a], [ga, gb, ga2])
    assert params[0] is a and params[1] is b and len(params) == 2
    assert grads[1] is gb
    np.testing.assert_array_equal(grads[0], [4.0, 4.0])
    np.testing.assert_array_equal(ga, [1.0, 1.0])  # the layer's own gradient is untouched


def test_clip_grads_scales_to_the_max_norm_and_keeps_direction():
    grads = [np.array([3.0, 0.0]), np.array([4.0])]
    norm = clip_grads(grads, max_norm=1.0)
    assert norm == pytest.approx(5.0)
    assert np.sqrt(sum((g**2).sum() for g in grads)) == pytest.approx(1.0, rel=1e-5)
    np.testing.assert_allclose(grads[0], [0.6, 0.0], rtol=1e-5)
    small = [np.array([0.1])]
    clip_grads(small, max_norm=1.0)
    assert small[0][0] == 0.1


def test_fit_clips_with_max_grad():
    rng = np.random.default_rng(0)
    model = TiedModel(rng.standard_normal((4, 3)) * 10)
    optimizer = PlainSGD(0.1)
    Trainer(model, optimizer, rng=rng, progress=False).fit(
        rng.standard_normal((8, 4)), rng.integers(0, 3, 8), max_epoch=1, batch_size=4,
        max_grad=0.01)
    for grads in optimizer.seen:
        assert np.sqrt(sum((g**2).sum() for g in grads)) <= 0.01 + 1e-9


def test_a_nan_loss_stops_training_saying_when_and_why():
    rng = np.random.default_rng(0)
    trainer = Trainer(NanModel(np.ones((4, 3))), PlainSGD(0.1), rng=rng, progress=False)
    with pytest.raises(TrainingDivergedError, match=r"loss became nan at epoch 1, iteration 1"
                                                    r".*learning rate.*max_grad"):
        trainer.fit(np.ones((8, 4)), np.zeros(8, dtype=int), max_epoch=2, batch_size=4)


@pytest.mark.parametrize(("rows_t", "batch", "message"), [
    (7, 4, "x has 8 rows but t has 7"),
    (8, 16, "batch_size 16 is larger than the data"),
])
def test_bad_shapes_are_named(rows_t, batch, message):
    trainer = Trainer(TiedModel(np.ones((4, 3))), PlainSGD(0.1),
                      rng=np.random.default_rng(0), progress=False)
    with pytest.raises(ValueError, match=message):
        trainer.fit(np.ones((8, 4)), np.zeros(rows_t, dtype=int), batch_size=batch)


def test_the_progress_log_is_plain_outside_a_terminal(capsys):
    rng, x, t, model = spiral_setup()
    Trainer(model, PlainSGD(1.0), rng=rng).fit(x, t, max_epoch=4, batch_size=30)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("train: 4/40, epoch 1, loss ")
    assert lines[-1].startswith("train: 40/40, epoch 4, loss ")
    assert len(lines) == 10


def test_the_progress_can_count_rows_instead_of_iterations(capsys):
    """unit="words" counts the rows of x, so the speed reads as rows (words) per second."""
    rng, x, t, model = spiral_setup()
    Trainer(model, PlainSGD(1.0), rng=rng, unit="words").fit(x, t, max_epoch=4, batch_size=30)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("train: 120/1,200, epoch 1, loss ")
    assert lines[-1].startswith("train: 1,200/1,200, epoch 4, loss ")
    assert len(lines) == 10



def test_loss_history_round_trips_through_npz(tmp_path):
    history = LossHistory(10, [10, 20], [1.0, 0.5], [0.9], [0.8], [0.7])
    path = history.save(tmp_path / "history")
    assert path.name == "history.npz"
    assert LossHistory.load(path) == history


def test_a_far_too_large_learning_rate_warns_once_naming_the_epoch():
    """lr=1e8 saturates the net's predictions; the warning names the epoch and the rate."""
    rng, x, t, model = spiral_setup()
    trainer = Trainer(model, SGD(lr=1e8), rng=rng, progress=False)
    with pytest.warns(TrainingStalledWarning) as record, np.errstate(over="ignore"):
        trainer.fit(x, t, max_epoch=30, batch_size=30, eval_interval=10)
    [stalled] = [w for w in record if w.category is TrainingStalledWarning]
    assert re.match(r"epoch 3, iteration 1: .* whole multiple of -log\(1e-7\) ≈ 16\.118 per "
                    r"label: every prediction is saturated.*; the learning rate \(lr=1e\+08\) is "
                    r"probably too large: try one 10 times smaller$", str(stalled.message))


def test_the_book_s_learning_rate_does_not_warn():
    """The spiral example's own settings (lr=1.0, 300 epochs of 30) train without a warning."""
    rng, x, t, model = spiral_setup()
    with warnings.catch_warnings():
        warnings.simplefilter("error", TrainingStalledWarning)
        Trainer(model, SGD(lr=1.0), rng=rng, progress=False).fit(
            x, t, max_epoch=300, batch_size=30, eval_interval=10)


def test_the_warning_is_on_the_progress_log(capsys):
    rng, x, t, model = spiral_setup()
    with pytest.warns(TrainingStalledWarning), np.errstate(over="ignore"):
        Trainer(model, SGD(lr=1e8), rng=rng).fit(x, t, max_epoch=4, batch_size=30)
    lines = capsys.readouterr().out.splitlines()
    assert [line for line in lines if line.startswith("warning:")] == [
        line for line in lines if line.startswith("warning: epoch 3, iteration 1: the loss of")]
    assert len(lines) == 11  # the ten progress lines and the warning


class ConstantLoss:
    """A model whose loss never moves, with gradients ``grad`` (for the stall rule)."""

    def __init__(self, grad: float) -> None:
        self.params, self.grads = [np.ones(3)], [np.full(3, grad)]

    def forward(self, x, t):
        return 2.5

    def backward(self, dout=1):
        return None


def test_a_loss_that_does_not_move_although_the_gradients_are_not_zero_warns():
    """Five equal points of the loss curve with non-zero gradients: the steps change nothing."""
    trainer = Trainer(ConstantLoss(0.5), PlainSGD(0.1), rng=np.random.default_rng(0),
                      progress=False)
    with pytest.warns(TrainingStalledWarning, match=r"^epoch 5, iteration 1: the loss has stayed "
                                                    r"at 2\.5000 for 5 evaluations although the "
                                                    r"gradients are not zero; the learning rate "
                                                    r"\(lr=0\.1\) is probably too large"):
        trainer.fit(np.ones((8, 1)), np.zeros(8, dtype=int), max_epoch=8, batch_size=8,
                    eval_interval=1)


def test_a_constant_loss_with_zero_gradients_does_not_warn():
    """No gradient at all is not a learning-rate problem: no warning."""
    trainer = Trainer(ConstantLoss(0.0), PlainSGD(0.1), rng=np.random.default_rng(0),
                      progress=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error", TrainingStalledWarning)
        trainer.fit(np.ones((8, 1)), np.zeros(8, dtype=int), max_epoch=8, batch_size=8,
                    eval_interval=1)


def test_the_watch_recognises_saturated_float32_losses_of_a_large_batch():
    """4,096 labels, float32 scores far apart: the loss is k * 16.118 / 4096 up to rounding."""
    rng = np.random.default_rng(0)
    scores = (1e7 * rng.standard_normal((4096, 10))).astype(np.float32)
    labels = rng.integers(0, 10, 4096)
    loss = SoftmaxWithLoss().forward(scores, labels)
    assert loss == pytest.approx(SATURATED_LOSS * np.mean(scores.argmax(1) != labels), rel=1e-5)
    watch = StallWatch(saturated_steps=3)
    assert [watch.step(loss, labels.size) is None for _ in range(4)] == [True, True, False, True]
    healthy = StallWatch(saturated_steps=1)
    assert healthy.step(loss + 0.01, labels.size) is None


# -- batch sources and perplexity ------------------------------------------------------------


class InOrder:
    """A batch source that yields fixed mini-batches in order and counts its epochs."""

    def __init__(self, batches, rows=1):
        self.batches, self.rows = batches, rows
        self.iterations = len(batches)
        self.epochs = 0

    def epoch(self, rng):
        self.epochs += 1
        yield from self.batches


class Recording(TiedModel):
    """TiedModel that remembers the x of every forward call."""

    def __init__(self, W):
        super().__init__(W)
        self.seen = []

    def forward(self, x, t):
        self.seen.append(x.copy())
        return super().forward(x, t)


def test_fit_is_fit_batches_with_shuffled_batches():
    """fit(x, t) and fit_batches(ShuffledBatches(x, t)) train the same run, step for step."""
    histories = []
    for use_source in (False, True):
        rng, x, t, model = spiral_setup()
        trainer = Trainer(model, PlainSGD(1.0), rng=rng, progress=False)
        if use_source:
            histories.append(trainer.fit_batches(ShuffledBatches(x, t, 30), max_epoch=3))
        else:
            histories.append(trainer.fit(x, t, max_epoch=3, batch_size=30))
    assert histories[0].losses == histories[1].losses
    assert histories[0].epoch_losses == histories[1].epoch_losses


def test_fit_batches_trains_on_the_sources_batches_in_order_every_epoch():
    rng = np.random.default_rng(0)
    batches = [(np.full((2, 4), float(i)), np.array([0, 1])) for i in range(3)]
    source = InOrder(batches)
    model = Recording(0.1 * rng.standard_normal((4, 3)))
    history = Trainer(model, PlainSGD(0.1), rng=rng, progress=False).fit_batches(
        source, max_epoch=2, eval_interval=3)
    assert source.epochs == 2
    assert [x[0, 0] for x in model.seen] == [0, 1, 2, 0, 1, 2]
    assert len(history.epoch_losses) == 2 and history.iterations == [3, 6]


def test_perplexity_is_the_exponential_of_the_average_loss(capsys):
    """perplexity=True: the history's perplexities are exp(losses), and the log shows them."""
    rng = np.random.default_rng(0)
    batches = [(rng.standard_normal((5, 4)), rng.integers(0, 3, 5)) for _ in range(4)]
    model = TiedModel(0.1 * rng.standard_normal((4, 3)))
    trainer = Trainer(model, PlainSGD(0.1), rng=rng, perplexity=True, unit="words")
    history = trainer.fit_batches(InOrder(batches, rows=5), max_epoch=5, eval_interval=4)
    np.testing.assert_allclose(history.perplexities, np.exp(history.losses))
    np.testing.assert_allclose(history.epoch_perplexities, np.exp(history.epoch_losses))
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1].startswith("train: 100/100, epoch 5, perplexity ")
    shown = float(lines[-1].rpartition(" ")[2])
    assert shown == pytest.approx(history.epoch_perplexities[-1], abs=0.01)
    ax = trainer.plot()
    assert ax.get_ylabel() == "perplexity" and ax.get_title() == "training perplexity"
