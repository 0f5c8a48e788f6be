"""The Trainer, gradient clipping, shared weights, and .npz persistence."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from rindoku.persistence import load_params, save_params
from rindoku.trainer import (
    LossHistory,
    Trainer,
    TrainingDivergedError,
    clip_grads,
    unique_params,
)
from rindoku_backprop.datasets import load_spiral
from rindoku_backprop.layers import MatMul, SoftmaxWithLoss
from rindoku_backprop.models import TwoLayerNet


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


def test_model_parameters_round_trip_through_npz(tmp_path):
    _, _, _, model = spiral_setup(1)
    path = save_params(model, tmp_path / "net.npz")
    _, _, _, other = spiral_setup(2)
    load_params(other, path)
    for a, b in zip(model.params, other.params, strict=True):
        np.testing.assert_array_equal(a, b)
    assert [p.name for p in tmp_path.iterdir()] == ["net.npz"]  # no temporary file left


def test_loading_parameters_of_another_model_names_the_mismatch(tmp_path):
    _, _, _, model = spiral_setup()
    path = save_params(model, tmp_path / "net.npz")
    with pytest.raises(ValueError, match=r"parameter 0 has shape \(2, 10\) in the file but "
                                         r"\(2, 5\) in the model"):
        load_params(TwoLayerNet(2, 5, 3, rng=np.random.default_rng(0)), path)


def test_saved_files_are_not_pickles(tmp_path):
    """Object arrays (which need pickle) are refused when loading."""
    path = tmp_path / "evil.npz"
    np.savez(path, param_0=np.array([{"a": 1}], dtype=object))
    with pytest.raises(ValueError, match="pickle"):
        load_params(SimpleNamespace(params=[np.ones(1)], grads=[np.ones(1)]), path)


def test_a_saved_file_gets_ordinary_permissions(tmp_path):
    """The temporary file is private; the saved one is readable like any new file."""
    import os

    umask = os.umask(0o022)
    try:
        path = save_params(SimpleNamespace(params=[np.ones(2)]), tmp_path / "p.npz")
    finally:
        os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o644
