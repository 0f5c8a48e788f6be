"""Tests of the LSTM chapter: layers, models, the fast path, generation, examples, exercises."""

from __future__ import annotations

import numpy as np
import pytest

from rindoku import CheckFailed, GradientCheckError, gradient_check
from rindoku.examples import published_values, run_example
from rindoku.gradient import numerical_gradient
from rindoku.persistence import load_params, save_params
from rindoku.registry import load_registry
from rindoku.testing import attempt_from, check_chapter, with_mistake
from rindoku.trainer import Trainer, unique_params
from rindoku_backprop.functions import sigmoid
from rindoku_backprop.optimizer import SGD
from rindoku_lstm import examples
from rindoku_lstm.exercises import LSTM_BACKWARD, MISTAKES, WEIGHT_TYING
from rindoku_lstm.fast import (
    FastBetterRnnlm,
    FastRnnlm,
    FastTimeEmbedding,
    FastTimeLSTM,
    FusedSoftmaxLoss,
    InPlaceSGD,
)
from rindoku_lstm.generation import generate, to_text
from rindoku_lstm.gradcases import GRADIENT_CASES, TOY_TS, TOY_XS
from rindoku_lstm.layers import LSTM, TimeDropout, TimeLSTM, TimeTiedAffine
from rindoku_lstm.models import BetterRnnlm, Rnnlm
from rindoku_rnn.layers import TimeAffine, TimeEmbedding, TimeSoftmaxWithLoss
from rindoku_text.sparse import RowSparseGrad


def lstm_weights(rng, D=3, H=4, scale=0.5):
    return (scale * rng.standard_normal((D, 4 * H)), scale * rng.standard_normal((H, 4 * H)),
            0.1 * rng.standard_normal(4 * H))


def dense(grad):
    return grad.to_dense() if isinstance(grad, RowSparseGrad) else np.asarray(grad)


# -- the book's equations, written out gate by gate -------------------------------------------


def lstm_equations(x, h_prev, c_prev, Wx, Wh, b):
    """Book 2 section 6.3's equations, with a weight matrix per gate (f, g, i, o)."""
    H = h_prev.shape[1]
    gate = {name: (Wx[:, k * H:(k + 1) * H], Wh[:, k * H:(k + 1) * H], b[k * H:(k + 1) * H])
            for k, name in enumerate("fgio")}

    def pre(name):
        wx, wh, bias = gate[name]
        return x @ wx + h_prev @ wh + bias

    f, g, i, o = sigmoid(pre("f")), np.tanh(pre("g")), sigmoid(pre("i")), sigmoid(pre("o"))
    c = f * c_prev + g * i
    return o * np.tanh(c), c


def test_lstm_forward_is_the_books_equations():
    """One LSTM step gives h_t = o ⊙ tanh(c_t), c_t = f ⊙ c_{t-1} + g ⊙ i, gate by gate."""
    rng = np.random.default_rng(0)
    Wx, Wh, b = lstm_weights(rng, D=5, H=3)
    x, h, c = rng.standard_normal((4, 5)), rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    h_next, c_next = LSTM(Wx, Wh, b).forward(x, h, c)
    expected_h, expected_c = lstm_equations(x, h, c, Wx, Wh, b)
    np.testing.assert_allclose(h_next, expected_h, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(c_next, expected_c, rtol=1e-13, atol=1e-15)


def test_time_lstm_is_the_equations_step_after_step_and_carries_its_state():
    """TimeLSTM applies the equations T times; stateful, the next call goes on from h and c."""
    rng = np.random.default_rng(1)
    Wx, Wh, b = lstm_weights(rng, D=3, H=4)
    xs = rng.standard_normal((2, 10, 3))
    layer = TimeLSTM(Wx, Wh, b, stateful=True)
    hs = np.concatenate([layer.forward(xs[:, :6]), layer.forward(xs[:, 6:])], axis=1)
    h = c = np.zeros((2, 4))
    for t in range(10):
        h, c = lstm_equations(xs[:, t], h, c, Wx, Wh, b)
        np.testing.assert_allclose(hs[:, t], h, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(layer.c, c, rtol=1e-12)
    layer.reset_state()
    np.testing.assert_allclose(layer.forward(xs[:, :6]), hs[:, :6], rtol=1e-13)


def test_time_lstm_not_stateful_starts_from_zeros_every_call():
    rng = np.random.default_rng(2)
    layer = TimeLSTM(*lstm_weights(rng))
    xs = rng.standard_normal((2, 4, 3))
    np.testing.assert_array_equal(layer.forward(xs), layer.forward(xs))


@pytest.mark.parametrize("case", GRADIENT_CASES, ids=lambda case: case.name)
def test_gradient_case_passes(case):
    """Every layer's and model's backward agrees with the numerical gradient to 1e-6."""
    report = case.run()
    assert report.comparisons
    assert report.max_error < 1e-6, report.worst.describe()


def test_the_chapter_is_sound():
    """Loads cleanly; every gradient case passes; solutions pass and starters fail."""
    check_chapter("lstm")


def test_the_gradient_check_catches_an_lstm_that_forgets_dc_next():
    """Negative control: a backward pass that leaves the next step's cell gradient out fails."""

    class Forgetful(LSTM):
        def backward(self, dh_next, dc_next):
            return super().backward(dh_next, np.zeros_like(dc_next))

    rng = np.random.default_rng(0)
    layer = Forgetful(*lstm_weights(rng))
    inputs = [rng.standard_normal((2, 3)), rng.standard_normal((2, 4)),
              rng.standard_normal((2, 4))]
    with pytest.raises(GradientCheckError, match="Forgetful"):
        gradient_check(layer, inputs, wrt=(0, 1, 2), rng=rng)


def test_lstm_backward_writes_gradients_in_place():
    rng = np.random.default_rng(3)
    layer = TimeLSTM(*lstm_weights(rng))
    before = list(layer.grads)
    layer.forward(rng.standard_normal((2, 5, 3)))
    layer.backward(rng.standard_normal((2, 5, 4)))
    assert all(a is b for a, b in zip(layer.grads, before, strict=True))
    assert all(np.any(g) for g in layer.grads)


# -- bad input ------------------------------------------------------------------------------


def test_lstm_weights_of_the_wrong_shape_are_named():
    rng = np.random.default_rng(0)
    Wx, Wh, b = lstm_weights(rng, D=3, H=4)
    with pytest.raises(ValueError, match=r"^LSTM: Wx has shape \(3, 12\); expected \(D, 16\)"):
        LSTM(Wx[:, :12], Wh, b)
    with pytest.raises(ValueError, match=r"^TimeLSTM: b has shape \(4,\); expected \(16,?\)"):
        TimeLSTM(Wx, Wh, b[:4])


def test_lstm_inputs_of_the_wrong_shape_are_named():
    rng = np.random.default_rng(0)
    layer = LSTM(*lstm_weights(rng, D=3, H=4))
    with pytest.raises(ValueError, match=r"^LSTM.forward: h_prev has shape \(2, 3\); "
                                         r"expected \(N, 4\)"):
        layer.forward(np.zeros((2, 3)), np.zeros((2, 3)), np.zeros((2, 4)))
    time_layer = TimeLSTM(*lstm_weights(rng, D=3, H=4))
    with pytest.raises(ValueError, match=r"^TimeLSTM.forward: xs has shape \(2, 3\); "
                                         r"expected \(N, T, 3\)"):
        time_layer.forward(np.zeros((2, 3)))


def test_a_stateful_lstm_names_a_batch_size_that_changed():
    rng = np.random.default_rng(0)
    for cls in (TimeLSTM, FastTimeLSTM):
        layer = cls(*lstm_weights(rng), stateful=True)
        layer.forward(np.zeros((2, 5, 3)))
        with pytest.raises(ValueError, match=r"h has shape \(2, 4\); expected \(3, 4\).*"
                                             r"reset_state\(\)"):
            layer.forward(np.zeros((3, 5, 3)))


def test_tied_affine_names_wrong_shapes():
    with pytest.raises(ValueError, match=r"^TimeTiedAffine: b has shape \(4,\); expected \(V,?\)"):
        TimeTiedAffine(np.zeros((5, 3)), np.zeros(4))
    layer = TimeTiedAffine(np.zeros((5, 3)), np.zeros(5))
    with pytest.raises(ValueError, match=r"^TimeTiedAffine.forward: x has shape \(2, 4, 5\)"):
        layer.forward(np.zeros((2, 4, 5)))


def test_fast_layers_name_wrong_input():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match=r"^FastTimeLSTM.forward: xs has shape"):
        FastTimeLSTM(*lstm_weights(rng)).forward(np.zeros((2, 5, 7)))
    with pytest.raises(ValueError, match=r"^FastTimeEmbedding.forward: word id 9 is outside 0..4"):
        FastTimeEmbedding(np.zeros((5, 3))).forward(np.array([[1, 9]]))
    loss = FusedSoftmaxLoss(np.zeros((4, 6)))
    with pytest.raises(ValueError, match=r"^FusedSoftmaxLoss.forward: label 6 is outside 0..5"):
        loss.forward(np.zeros((1, 2, 3)), np.array([[0, 6]]))


def test_better_rnnlm_needs_equal_sizes_to_tie():
    for cls in (BetterRnnlm, FastBetterRnnlm):
        with pytest.raises(ValueError, match="use wordvec_size == hidden_size"):
            cls(10, 4, 5, rng=np.random.default_rng(0))


def test_dropout_ratio_out_of_range_is_refused():
    with pytest.raises(ValueError, match=r"^TimeDropout: dropout_ratio is 1.0"):
        TimeDropout(1.0, rng=np.random.default_rng(0))


# -- dropout and weight tying -------------------------------------------------------------------


def test_dropout_drops_the_ratio_and_scales_the_rest_while_training_only():
    layer = TimeDropout(0.3, rng=np.random.default_rng(0))
    xs = np.ones((20, 35, 50))
    out = layer.forward(xs)
    kept = out != 0
    assert abs(kept.mean() - 0.7) < 0.01
    np.testing.assert_allclose(out[kept], 1 / 0.7)
    np.testing.assert_array_equal(layer.backward(xs), out)  # the same units, the same scale
    layer.train_flg = False
    assert layer.forward(xs) is xs
    assert layer.backward(xs) is xs


def test_better_rnnlm_declares_its_tied_matrix_by_sharing_the_array():
    model = BetterRnnlm(10, 4, 4, rng=np.random.default_rng(0))
    embedding, output = model.layers[0], model.layers[-1]
    assert embedding.params[0] is output.params[0]
    assert sum(p is embedding.params[0] for p in model.params) == 2


def test_the_trainer_adds_the_tied_matrix_two_gradients():
    """unique_params gives the tied matrix once, with the embedding's plus the output's part."""
    model = BetterRnnlm(10, 4, 4, rng=np.random.default_rng(0), dtype=np.float64)
    model.forward(TOY_XS, TOY_TS)
    model.backward()
    params, grads = unique_params(model.params, model.grads)
    assert len(params) == len(model.params) - 1
    embed_grad, output_grad = model.layers[0].grads[0], model.layers[-1].grads[0]
    np.testing.assert_allclose(grads[0], embed_grad + output_grad)


def test_better_rnnlm_gradient_with_dropout_on():
    """With dropout on (the same masks for every evaluation), backward is the numerical gradient."""
    rng = np.random.default_rng(0)
    model = BetterRnnlm(7, 4, 4, dropout_ratio=0.3, rng=rng, dtype=np.float64)
    for layer in model.lstm_layers:
        layer.stateful = False
    model.params[0][...] *= 200.0
    for W in model.params[1:7]:
        W *= 2.0

    def loss():
        for seed, layer in enumerate(model.drop_layers):  # the same units every time
            layer.rng = np.random.default_rng(seed)
        return model.forward(TOY_XS, TOY_TS, train_flg=True)

    loss()
    model.backward()
    params, grads = unique_params(model.params, model.grads)
    for param, grad in zip(params, grads, strict=True):
        numerical = numerical_gradient(loss, param)
        np.testing.assert_allclose(grad, numerical, rtol=1e-5, atol=1e-9 * np.abs(numerical).max())


# -- the fast path ---------------------------------------------------------------------------------


def same_weights(textbook, fast):
    for a, b in zip(textbook.params, fast.params, strict=True):
        np.testing.assert_array_equal(a, b)


def compare_steps(textbook, fast, vocab_size, steps, rtol, rng, **forward):
    """Run both models on the same batches (stateful); compare losses and summed gradients."""
    for _ in range(steps):
        xs = rng.integers(0, vocab_size, (3, 5))
        ts = rng.integers(0, vocab_size, (3, 5))
        loss_textbook = textbook.forward(xs, ts, **forward)
        loss_fast = fast.forward(xs, ts, **forward)
        np.testing.assert_allclose(loss_fast, loss_textbook, rtol=rtol)
        textbook.backward()
        fast.backward()
        _, grads_textbook = unique_params(textbook.params, textbook.grads)
        _, grads_fast = unique_params(fast.params, fast.grads)
        for a, b in zip(grads_textbook, grads_fast, strict=True):
            a, b = dense(a), dense(b)
            np.testing.assert_allclose(b, a, rtol=rtol, atol=rtol * np.abs(a).max())


@pytest.mark.parametrize(("textbook_class", "fast_class", "options"), [
    (Rnnlm, FastRnnlm, {}),
    (BetterRnnlm, FastBetterRnnlm, {"dropout_ratio": 0.4}),
], ids=["Rnnlm", "BetterRnnlm"])
@pytest.mark.parametrize(("dtype", "rtol"), [(np.float64, 1e-11), (np.float32, 2e-5)],
                         ids=["float64", "float32"])
def test_the_fast_path_equals_the_textbook_path(textbook_class, fast_class, options, dtype, rtol):
    """Same seed, same weights; then the same losses and gradients, batch after batch.

    float64: equal to rounding (1e-11).  float32: the two compute in another
    order, so they agree to float32's rounding, 2e-5 relative.  The state is
    carried from batch to batch and BetterRnnlm's dropout is on.
    """
    V = 23
    textbook = textbook_class(V, 6, 6, **options, rng=np.random.default_rng(5), dtype=dtype)
    fast = fast_class(V, 6, 6, **options, rng=np.random.default_rng(5), dtype=dtype)
    same_weights(textbook, fast)
    compare_steps(textbook, fast, V, 4, rtol, np.random.default_rng(6))


def test_the_fast_better_rnnlm_without_dropout_equals_the_textbook_one():
    textbook = BetterRnnlm(15, 5, 5, rng=np.random.default_rng(1), dtype=np.float64)
    fast = FastBetterRnnlm(15, 5, 5, rng=np.random.default_rng(1), dtype=np.float64)
    compare_steps(textbook, fast, 15, 2, 1e-11, np.random.default_rng(2), train_flg=False)
    textbook.reset_state()
    fast.reset_state()
    np.testing.assert_allclose(fast.predict(TOY_XS), textbook.predict(TOY_XS), rtol=1e-11)


def test_one_training_step_of_each_path_gives_the_same_weights():
    """Trainer.step with clipping: SGD on the textbook path, InPlaceSGD on the fast one."""
    rng = np.random.default_rng(0)
    textbook = BetterRnnlm(30, 8, 8, rng=np.random.default_rng(3), dtype=np.float64)
    fast = FastBetterRnnlm(30, 8, 8, rng=np.random.default_rng(3), dtype=np.float64)
    xs, ts = rng.integers(0, 30, (4, 7)), rng.integers(0, 30, (4, 7))
    for model, optimizer in [(textbook, SGD(20.0)), (fast, InPlaceSGD(20.0))]:
        Trainer(model, optimizer, rng=rng, progress=False).step(xs, ts, max_grad=0.25)
    same_weights_close = zip(unique_params(textbook.params, textbook.grads)[0],
                             unique_params(fast.params, fast.grads)[0], strict=True)
    for a, b in same_weights_close:
        np.testing.assert_allclose(b, a, rtol=1e-11, atol=1e-14)


def test_fast_time_lstm_equals_time_lstm_with_its_state_and_dh():
    rng = np.random.default_rng(4)
    weights = lstm_weights(rng, D=5, H=3)
    ours, fast = TimeLSTM(*weights, stateful=True), FastTimeLSTM(*weights, stateful=True)
    for _ in range(2):
        xs, dhs = rng.standard_normal((4, 6, 5)), rng.standard_normal((4, 6, 3))
        np.testing.assert_allclose(fast.forward(xs), ours.forward(xs), rtol=1e-12)
        np.testing.assert_allclose(fast.backward(dhs), ours.backward(dhs), rtol=1e-11,
                                   atol=1e-14)
        for a, b in zip(ours.grads, fast.grads, strict=True):
            np.testing.assert_allclose(b, a, rtol=1e-11)
        np.testing.assert_allclose(fast.dh, ours.dh, rtol=1e-11)
        np.testing.assert_allclose(fast.c, ours.c, rtol=1e-12)


@pytest.mark.parametrize("tied", [False, True], ids=["TimeAffine", "TimeTiedAffine"])
def test_fused_softmax_loss_equals_affine_and_softmax_with_ignored_labels(tied):
    """The fused layer gives TimeAffine (or TimeTiedAffine) + TimeSoftmaxWithLoss's loss,
    dW, db and dx, with -1 labels left out."""
    rng = np.random.default_rng(7)
    N, T, H, V = 3, 4, 5, 9
    W, b = rng.standard_normal((V, H) if tied else (H, V)), rng.standard_normal(V)
    Wb = np.column_stack([W, b]) if tied else np.vstack([W, b])
    affine = TimeTiedAffine(W, b) if tied else TimeAffine(W, b)
    softmax_loss, fused = TimeSoftmaxWithLoss(), FusedSoftmaxLoss(Wb, tied=tied)
    hs = rng.standard_normal((N, T, H))
    ts = rng.integers(0, V, (N, T))
    ts[0, 1] = ts[2, 3] = -1
    expected = softmax_loss.forward(affine.forward(hs), ts)
    np.testing.assert_allclose(fused.forward(hs, ts), expected, rtol=1e-13)
    expected_dhs = affine.backward(softmax_loss.backward(2.0))
    np.testing.assert_allclose(fused.backward(2.0), expected_dhs, rtol=1e-12, atol=1e-15)
    for a, b in zip(affine.grads, fused.grads, strict=True):
        np.testing.assert_allclose(b, a, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(fused.scores_of(hs), affine.forward(hs), rtol=1e-13)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_fused_softmax_loss_shifts_the_rows_whose_exp_overflows(dtype):
    """Scores in the thousands overflow exp; those rows are shifted by their maximum, as
    softmax's are, and the loss is the float64 textbook loss (float32 softmax gives inf)."""
    rng = np.random.default_rng(8)
    W = rng.standard_normal((4, 6))
    hs = rng.standard_normal((2, 3, 3))
    hs[1, 2] *= 1000.0  # one position's scores in the thousands
    ts = rng.integers(0, 6, (2, 3))
    affine, softmax_loss = TimeAffine(W[:3], W[3]), TimeSoftmaxWithLoss()
    expected = softmax_loss.forward(affine.forward(hs), ts)
    fused = FusedSoftmaxLoss(W.astype(dtype))
    loss = fused.forward(hs.astype(dtype), ts)
    assert np.isfinite(loss)
    np.testing.assert_allclose(loss, expected, rtol=1e-5 if dtype == np.float32 else 1e-12)
    expected_dhs = affine.backward(softmax_loss.backward())
    np.testing.assert_allclose(fused.backward(), expected_dhs, rtol=1e-4, atol=1e-6)


def test_fast_embedding_gradient_is_row_sparse_with_repeats_added():
    rng = np.random.default_rng(9)
    W = rng.standard_normal((6, 3))
    xs = np.array([[0, 2, 2, 5], [2, 0, 4, 2]])
    dout = rng.standard_normal((2, 4, 3))
    ours, fast = TimeEmbedding(W), FastTimeEmbedding(W)
    np.testing.assert_array_equal(fast.forward(xs), ours.forward(xs))
    ours.backward(dout)
    fast.backward(dout)
    assert sorted(fast.grads[0].rows.tolist()) == [0, 2, 4, 5]
    np.testing.assert_allclose(fast.grads[0].to_dense(), ours.grads[0], rtol=1e-13)


@pytest.mark.parametrize("fast_class", [FastRnnlm, FastBetterRnnlm])
def test_the_fast_models_pass_the_gradient_check(fast_class):
    """Independently of the textbook path: the fast models' gradients are the numerical ones."""
    rng = np.random.default_rng(0)
    model = fast_class(7, 4, 4, rng=rng, dtype=np.float64)
    layers = model.lstm_layers if hasattr(model, "lstm_layers") else [model.lstm_layer]
    for layer in layers:
        layer.stateful = False
    model.params[0][...] *= 200.0 if fast_class is FastBetterRnnlm else 50.0
    for W in model.params[1:-2]:
        W *= 2.0
    inputs = [TOY_XS, TOY_TS] + ([False] if fast_class is FastBetterRnnlm else [])
    report = gradient_check(model, inputs, wrt=(), rng=rng, raise_on_failure=False)
    assert report.max_error < 1e-6, report.worst.describe()


def test_in_place_sgd_moves_only_the_rows_of_a_sparse_gradient():
    W, V = np.ones((5, 2)), np.ones(3)
    grad = RowSparseGrad(W.shape, W.dtype)
    grad.set(np.array([1, 3]), np.full((2, 2), 2.0))
    InPlaceSGD(0.5).update([W, V], [grad, np.full(3, 4.0)])
    np.testing.assert_array_equal(W[:, 0], [1, 0, 1, 0, 1])
    np.testing.assert_array_equal(V, [-1, -1, -1])


def test_weights_saved_from_the_fast_path_load_into_the_textbook_model(tmp_path):
    fast = FastBetterRnnlm(12, 5, 5, rng=np.random.default_rng(1))
    fast.params[1][...] += 0.5  # not the initial weights
    path = save_params(fast, tmp_path / "better.npz")
    textbook = BetterRnnlm(12, 5, 5, rng=np.random.default_rng(2))
    load_params(textbook, path)
    same_weights(textbook, fast)
    scores = textbook.predict(TOY_XS)
    np.testing.assert_allclose(fast.predict(TOY_XS), scores, rtol=1e-4,
                               atol=1e-5 * np.abs(scores).max())


# -- generation --------------------------------------------------------------------------------


def test_generate_samples_from_the_model_and_never_a_skipped_word():
    model = Rnnlm(12, 4, 4, rng=np.random.default_rng(0))
    skip = [3, 4, 5]
    word_ids = generate(model, 7, skip, sample_size=60, rng=np.random.default_rng(1))
    assert len(word_ids) == 60 and word_ids[0] == 7
    assert not set(word_ids[1:]) & set(skip)
    assert len(set(word_ids)) > 4  # sampled, not always the likeliest word
    again = generate(model, 7, skip, sample_size=60, rng=np.random.default_rng(1))
    assert again == word_ids  # the same generator, the same text: the state was reset


def test_generate_follows_the_models_probabilities():
    """A model that puts almost all its probability on one next word generates that word."""
    model = FastRnnlm(6, 3, 3, rng=np.random.default_rng(0), dtype=np.float64)
    model.params[-1][...] = [0, 0, 0, 0, 30.0, 0]  # the output bias: word 4 every time
    assert generate(model, 1, sample_size=5, rng=np.random.default_rng(0)) == [1, 4, 4, 4, 4]


def test_generate_names_an_id_outside_the_vocabulary():
    model = Rnnlm(12, 4, 4, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"^generate: start_id holds 12, which is not a word id "
                                         r"of the model's vocabulary \(0..11\)"):
        generate(model, 12, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"^generate: skip_ids holds -1"):
        generate(model, 0, [-1], rng=np.random.default_rng(0))


def test_to_text_ends_sentences():
    assert to_text([0, 1, 2, 0], {0: "you", 1: "say", 2: "<eos>"}) == "you say.\n you"


# -- examples ---------------------------------------------------------------------------------


def test_gradient_norms_example_shows_exploding_and_vanishing(tmp_path):
    figures = run_example(examples.gradient_norms, 0, tmp_path)
    texts, raw = published_values(tmp_path)
    assert raw["drawn_singular_value"] > 1 > raw["scaled_singular_value"]
    assert raw["drawn_norm_20"] > 100 and raw["scaled_norm_20"] < 0.01
    assert raw["clip_before"] > 5
    assert len(figures) == 1


@pytest.mark.slow
def test_ptb_slice_example_runs_both_paths(shared_data, tmp_path):
    run_example(examples.ptb_slice, 0, tmp_path)
    _, raw = published_values(tmp_path)
    assert raw["last_perplexity"] < 200
    assert raw["difference"] < 0.1  # float32 rounding grows over 140 steps of lr 20, a little


@pytest.mark.slow
def test_the_fast_path_learns_ptb(shared_data):
    """Three epochs of the book's settings on 20,000 words of PTB bring the perplexity on the
    next 5,000 below 690: under the 738 of a model that knows only the words' frequencies
    (two runs measured 580 and 635, with one BLAS thread and with two)."""
    from rindoku_rnn.batching import TruncatedBPTTBatches
    from rindoku_rnn.perplexity import eval_perplexity
    from rindoku_text.ptb import load_data

    corpus, _, _ = load_data("train")
    train, held_out = corpus[:20000], corpus[20000:25000]
    vocab_size = int(corpus[:25000].max() + 1)
    counts = np.bincount(train, minlength=vocab_size) + 1.0  # add-one unigram model
    unigram = np.exp(-np.mean(np.log(counts[held_out[1:]] / counts.sum())))
    assert unigram > 730
    rng = np.random.default_rng(0)
    model = FastRnnlm(vocab_size, 100, 100, rng=rng)
    trainer = Trainer(model, InPlaceSGD(20.0), rng=rng, progress=False)
    trainer.fit_batches(TruncatedBPTTBatches.from_corpus(train, 20, 35), max_epoch=3,
                        max_grad=0.25)
    assert eval_perplexity(model, held_out, progress=False) < 690


# -- exercises ---------------------------------------------------------------------------------


def test_lstm_backward_solution_passes_and_starter_does_not():
    LSTM_BACKWARD.check(attempt_from(LSTM_BACKWARD.solution))
    with pytest.raises(NotImplementedError):
        LSTM_BACKWARD.check(attempt_from(LSTM_BACKWARD.starter))


@pytest.mark.parametrize(("old", "new", "message"), [
    ("ds = dc_next + (dh_next * o) * (1 - tanh_c_next ** 2)",
     "ds = (dh_next * o) * (1 - tanh_c_next ** 2)", "ds leaves out dc_next"),
    ("ds = dc_next + (dh_next * o) * (1 - tanh_c_next ** 2)", "ds = dc_next + 0 * o",
     "leaves out the path through h_next"),
    ("(dh_next * o) * (1 - tanh_c_next ** 2)", "(dh_next * o)", "forgets tanh's derivative"),
    ("dc_prev = ds * f", "dc_prev = ds", "through the forget gate"),
    ("        di *= i * (1 - i)\n        df *= f * (1 - f)\n        do *= o * (1 - o)\n"
     "        dg *= (1 - g ** 2)\n", "", "stop before their activations"),
    ("np.hstack((df, dg, di, do))", "np.hstack((df, di, dg, do))",
     "in the order f, i, g, o"),
    ("return dx, dh_prev, dc_prev", "return dx, dc_prev, dh_prev", "are swapped"),
    ("dh_prev = np.dot(dA, Wh.T)", "dh_prev = np.dot(dA, Wx.T)", "Wh, not Wx"),
    ("self.grads[0][...] = dWx", "self.grads[0] = dWx", "replaced by a new array"),
])
def test_lstm_backward_check_names_the_mistake(old, new, message):
    attempt = with_mistake(LSTM_BACKWARD, old, new)
    with pytest.raises(CheckFailed, match=message):
        LSTM_BACKWARD.check(attempt)


def test_every_listed_lstm_mistake_is_caught_by_a_test():
    assert len(MISTAKES) == 5  # each has a row in the test above


@pytest.mark.parametrize(("old", "new", "message"), [
    ("    np.add.at(dW, xs, dh)  # the embedding: row xs[n] receives dh[n], repeats added\n", "",
     "only the output layer's part"),
    ("dW = np.dot(dscore.T, h)", "dW = np.zeros_like(W)", "only the embedding's part"),
    ("np.add.at(dW, xs, dh)", "dW[xs] += dh", "np.add.at"),
    ("dW = np.dot(dscore.T, h)  # the output layer: s = h W^T, so dW = dscore^T h\n\n"
     "    dh = np.dot(dscore, W)  # what the output layer sends back to h\n"
     "    np.add.at(dW, xs, dh)", "dW = np.dot(h.T, dscore)", "W transposed"),
    ("return dW", "return -dW", "the sign is wrong"),
])
def test_weight_tying_check_names_the_mistake(old, new, message):
    attempt = with_mistake(WEIGHT_TYING, old, new)
    with pytest.raises(CheckFailed, match=message):
        WEIGHT_TYING.check(attempt)


def test_the_tied_gradient_is_the_numerical_gradient():
    """The exercise's reference answer is the gradient of sum(dscore * W[xs] W^T)."""
    from rindoku_lstm.exercises import tied_weight_grad

    rng = np.random.default_rng(0)
    W, xs = rng.standard_normal((7, 3)), np.array([2, 5, 2, 0, 2, 6])
    dscore = rng.standard_normal((6, 7))
    numerical = numerical_gradient(lambda: float(np.sum(dscore * (W[xs] @ W.T))), W)
    np.testing.assert_allclose(tied_weight_grad(W, xs, dscore), numerical, rtol=1e-7)


def test_the_books_own_run_of_hours_is_run_only_when_named():
    """`rindoku record --all` and `rindoku book --long` leave out the 40-epoch run."""
    from rindoku.cli import _long_examples
    from rindoku.records import runs_only_when_named

    registry = load_registry()
    assert runs_only_when_named(registry.example("lstm.ptb-book"))
    assert not runs_only_when_named(registry.example("lstm.ptb-better"))
    ids = [example.id for example in _long_examples(registry)]
    assert "lstm.ptb-better" in ids and "lstm.ptb-book" not in ids
