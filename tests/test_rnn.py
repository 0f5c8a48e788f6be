"""Tests of the RNN chapter: layers, batching, perplexity, SimpleRnnlm, examples, exercises."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from rindoku import CheckFailed
from rindoku.examples import published_values, run_example
from rindoku.testing import attempt_from, check_chapter, with_mistake
from rindoku.trainer import Trainer
from rindoku_backprop.functions import softmax
from rindoku_backprop.optimizer import SGD
from rindoku_rnn import examples
from rindoku_rnn.batching import TruncatedBPTTBatches
from rindoku_rnn.exercises import BPTT_BATCHES, EXERCISES, RNN_BACKWARD, TIME_RNN_BACKWARD
from rindoku_rnn.gradcases import GRADIENT_CASES
from rindoku_rnn.layers import RNN, TimeAffine, TimeEmbedding, TimeRNN, TimeSoftmaxWithLoss
from rindoku_rnn.models import SimpleRnnlm
from rindoku_rnn.perplexity import PerplexityError, eval_perplexity


def rnn_weights(rng, D=3, H=4):
    return (rng.standard_normal((D, H)), rng.standard_normal((H, H)), rng.standard_normal(H))


# -- the book's loops, written out, to compare with ------------------------------------------


def book_batches(xs, ts, batch_size, time_size, iterations):
    """ch05/train_custom_loop.py's batching, loops and all, for ``iterations`` mini-batches."""
    data_size = len(xs)
    jump = data_size // batch_size
    offsets = [i * jump for i in range(batch_size)]
    time_idx = 0
    for _ in range(iterations):
        batch_x = np.empty((batch_size, time_size), dtype="i")
        batch_t = np.empty((batch_size, time_size), dtype="i")
        for t in range(time_size):
            for i, offset in enumerate(offsets):
                batch_x[i, t] = xs[(offset + time_idx) % data_size]
                batch_t[i, t] = ts[(offset + time_idx) % data_size]
            time_idx += 1
        yield batch_x, batch_t


def book_eval_perplexity(model, corpus, batch_size, time_size):
    """common/util.py's eval_perplexity, without its printing."""
    corpus_size = len(corpus)
    total_loss = 0
    max_iters = (corpus_size - 1) // (batch_size * time_size)
    jump = (corpus_size - 1) // batch_size
    for iters in range(max_iters):
        xs = np.zeros((batch_size, time_size), dtype=np.int32)
        ts = np.zeros((batch_size, time_size), dtype=np.int32)
        time_offset = iters * time_size
        offsets = [time_offset + (i * jump) for i in range(batch_size)]
        for t in range(time_size):
            for i, offset in enumerate(offsets):
                xs[i, t] = corpus[(offset + t) % corpus_size]
                ts[i, t] = corpus[(offset + t + 1) % corpus_size]
        total_loss += model.forward(xs, ts)
    return np.exp(total_loss / max_iters)


# -- layers ----------------------------------------------------------------------------------


@pytest.mark.parametrize("case", GRADIENT_CASES, ids=lambda case: case.name)
def test_gradient_case_passes(case):
    """Every layer's and the model's backward agrees with the numerical gradient to 1e-6."""
    report = case.run()
    assert report.comparisons
    assert report.max_error < 1e-6, report.worst.describe()


def test_the_chapter_is_sound():
    """The plugin loads, its cases pass, each solution passes its check and each starter fails."""
    check_chapter("rnn")


def test_rnn_is_the_books_equation():
    """h_next = tanh(h_prev Wh + x Wx + b); backward by hand through tanh and both products."""
    rng = np.random.default_rng(0)
    Wx, Wh, b = rnn_weights(rng)
    x, h_prev = rng.standard_normal((2, 3)), rng.standard_normal((2, 4))
    layer = RNN(Wx, Wh, b)
    h_next = layer.forward(x, h_prev)
    np.testing.assert_allclose(h_next, np.tanh(h_prev @ Wh + x @ Wx + b))
    grads = list(layer.grads)
    dh_next = rng.standard_normal((2, 4))
    dx, dh_prev = layer.backward(dh_next)
    dt = dh_next * (1 - h_next**2)
    np.testing.assert_allclose(dx, dt @ Wx.T)
    np.testing.assert_allclose(dh_prev, dt @ Wh.T)
    for grad, expected in zip(layer.grads, [x.T @ dt, h_prev.T @ dt, dt.sum(axis=0)],
                              strict=True):
        np.testing.assert_allclose(grad, expected)
    assert all(a is b for a, b in zip(layer.grads, grads, strict=True))  # written in place


def test_time_rnn_is_rnn_steps_in_a_loop_from_zeros():
    rng = np.random.default_rng(1)
    weights = rnn_weights(rng)
    xs = rng.standard_normal((2, 5, 3))
    hs = TimeRNN(*weights).forward(xs)
    h = np.zeros((2, 4))
    for t in range(5):
        h = RNN(*weights).forward(xs[:, t], h)
        np.testing.assert_allclose(hs[:, t], h)


def test_a_stateful_time_rnn_carries_h_across_calls_and_reset_state_clears_it():
    """Two stateful calls of 3 and 2 steps equal one call of 5; reset_state starts again at 0."""
    rng = np.random.default_rng(2)
    weights = rnn_weights(rng)
    xs = rng.standard_normal((2, 5, 3))
    whole = TimeRNN(*weights).forward(xs)
    layer = TimeRNN(*weights, stateful=True)
    first, second = layer.forward(xs[:, :3]), layer.forward(xs[:, 3:])
    np.testing.assert_allclose(np.concatenate([first, second], axis=1), whole)
    np.testing.assert_allclose(layer.h, whole[:, -1])
    layer.reset_state()
    assert layer.h is None
    np.testing.assert_allclose(layer.forward(xs[:, 3:]), TimeRNN(*weights).forward(xs[:, 3:]))


def test_a_stateless_time_rnn_starts_every_call_from_zeros():
    rng = np.random.default_rng(3)
    layer = TimeRNN(*rnn_weights(rng))
    xs = rng.standard_normal((2, 3, 3))
    np.testing.assert_array_equal(layer.forward(xs), layer.forward(xs))


def test_time_rnn_dh_is_the_gradient_of_the_starting_state():
    """After backward, dh is dL/dh0 for the state set with set_state (numerically)."""
    rng = np.random.default_rng(4)
    layer = TimeRNN(*rnn_weights(rng), stateful=True)
    xs, dhs, h0 = rng.standard_normal((2, 4, 3)), rng.standard_normal((2, 4, 4)), \
        rng.standard_normal((2, 4))

    def loss(h):
        layer.set_state(h.copy())
        return float(np.sum(layer.forward(xs) * dhs))

    loss(h0)
    layer.backward(dhs)
    numerical = np.zeros_like(h0)
    for index in np.ndindex(h0.shape):
        step = np.zeros_like(h0)
        step[index] = 1e-6
        numerical[index] = (loss(h0 + step) - loss(h0 - step)) / 2e-6
    np.testing.assert_allclose(layer.dh, numerical, rtol=1e-5, atol=1e-8)


def test_time_rnn_keeps_the_weights_dtype():
    """float32 weights give float32 states, as the book's dtype='f'; float64 stays float64."""
    for dtype in (np.float32, np.float64):
        weights = [w.astype(dtype) for w in rnn_weights(np.random.default_rng(0))]
        hs = TimeRNN(*weights).forward(np.ones((1, 2, 3), dtype=dtype))
        assert hs.dtype == dtype


def test_the_time_layers_apply_their_layer_to_every_step():
    rng = np.random.default_rng(5)
    W = rng.standard_normal((6, 3))
    xs = np.array([[0, 5, 5], [2, 0, 1]])
    np.testing.assert_array_equal(TimeEmbedding(W).forward(xs), W[xs])
    Wa, ba = rng.standard_normal((3, 4)), rng.standard_normal(4)
    hs = rng.standard_normal((2, 3, 3))
    np.testing.assert_allclose(TimeAffine(Wa, ba).forward(hs), hs @ Wa + ba)


def test_time_embedding_adds_the_gradient_of_a_repeated_word():
    W = np.zeros((4, 2))
    layer = TimeEmbedding(W)
    layer.forward(np.array([[1, 1], [3, 1]]))
    layer.backward(np.arange(8.0).reshape(2, 2, 2))
    np.testing.assert_array_equal(layer.grads[0], [[0, 0], [0 + 2 + 6, 1 + 3 + 7], [0, 0],
                                                   [4, 5]])


def test_time_softmax_with_loss_averages_over_the_positions_not_ignored():
    """The loss is the mean of -log softmax at the counted positions; -1 positions add nothing."""
    rng = np.random.default_rng(6)
    xs = rng.standard_normal((2, 3, 5))
    ts = np.array([[1, 4, -1], [0, -1, 2]])
    layer = TimeSoftmaxWithLoss()
    loss = layer.forward(xs, ts)
    ys = softmax(xs)
    counted = [(n, t) for n in range(2) for t in range(3) if ts[n, t] != -1]
    assert loss == pytest.approx(-np.mean([np.log(ys[n, t, ts[n, t]]) for n, t in counted]))
    dxs = layer.backward()
    np.testing.assert_array_equal(dxs[0, 2], 0)
    np.testing.assert_array_equal(dxs[1, 1], 0)
    expected = ys[0, 0].copy()
    expected[1] -= 1
    np.testing.assert_allclose(dxs[0, 0], expected / len(counted))
    one_hot = np.eye(5)[np.array([[1, 4, 3], [0, 2, 2]])]
    assert TimeSoftmaxWithLoss().forward(xs, one_hot) == pytest.approx(
        TimeSoftmaxWithLoss().forward(xs, np.array([[1, 4, 3], [0, 2, 2]])))


# -- bad input ------------------------------------------------------------------------------


W_RNN = rnn_weights(np.random.default_rng(0))  # D = 3, H = 4


@pytest.mark.parametrize(("call", "message"), [
    (lambda: RNN(*W_RNN).forward(np.ones((2, 5)), np.ones((2, 4))),
     r"^RNN\.forward: x has shape \(2, 5\); expected \(N, 3\): pass an array of that shape$"),
    (lambda: RNN(*W_RNN).forward(np.ones((2, 3)), np.ones((3, 4))),
     r"^RNN\.forward: h_prev has shape \(3, 4\); expected \(N, 4\) where N = 2 \(from x\)"),
    (lambda: TimeRNN(*W_RNN).forward(np.ones((2, 3))),
     r"^TimeRNN\.forward: xs has shape \(2, 3\); expected \(N, T, 3\)"),
    (lambda: TimeEmbedding(np.ones((5, 2))).forward(np.array([1, 2])),
     r"^TimeEmbedding\.forward: xs has shape \(2,\); expected \(N, T\)"),
    (lambda: TimeEmbedding(np.ones((5, 2))).forward(np.array([[1, 5]])),
     r"^TimeEmbedding\.forward: word id 5 is outside 0\.\.4 \(5 rows of W\)"),
    (lambda: TimeEmbedding(np.ones((5, 2))).forward(np.array([[1.0, 2.0]])),
     r"^TimeEmbedding\.forward: word ids must be integers, not float64"),
    (lambda: TimeAffine(np.ones((4, 6)), np.ones(6)).forward(np.ones((2, 3, 5))),
     r"^TimeAffine\.forward: x has shape \(2, 3, 5\); expected \(N, T, 4\)"),
    (lambda: TimeSoftmaxWithLoss().forward(np.ones((2, 3, 5)), np.zeros((3, 2), dtype=int)),
     r"^TimeSoftmaxWithLoss\.forward: ts has shape \(3, 2\); expected \(2, 3\)"),
    (lambda: TimeSoftmaxWithLoss().forward(np.ones((2, 3, 5)), np.full((2, 3), 7)),
     r"^TimeSoftmaxWithLoss\.forward: label 7 is outside 0\.\.4 \(5 words\), and it is "
     r"not -1, the ignore label"),
    (lambda: TimeSoftmaxWithLoss().forward(np.ones((6, 5)), np.zeros((2, 3), dtype=int)),
     r"^TimeSoftmaxWithLoss\.forward: xs has shape \(6, 5\); expected \(N, T, V\)"),
], ids=["rnn-x", "rnn-h", "timernn", "embedding-shape", "embedding-id", "embedding-float",
        "affine", "softmax-ts", "softmax-id", "softmax-xs"])
def test_wrong_input_names_the_layer_and_both_shapes(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_a_kept_state_of_another_batch_size_says_to_reset():
    layer = TimeRNN(*W_RNN, stateful=True)
    layer.forward(np.ones((20, 2, 3)))
    with pytest.raises(ValueError, match=r"h has shape \(20, 4\); expected \(10, 4\): the "
                                         r"hidden state .* call reset_state\(\)"):
        layer.forward(np.ones((10, 2, 3)))


def test_a_wrong_gradient_shape_is_named_in_backward():
    layer = TimeRNN(*W_RNN)
    layer.forward(np.ones((2, 5, 3)))
    with pytest.raises(ValueError, match=r"^TimeRNN\.backward: dhs has shape \(2, 4, 4\); "
                                         r"expected \(2, 5, 4\)"):
        layer.backward(np.ones((2, 4, 4)))


# -- batching --------------------------------------------------------------------------------


@pytest.mark.parametrize(("data_size", "batch_size", "time_size"),
                         [(999, 10, 5), (30, 3, 4), (929_588, 20, 35), (17, 1, 5)])
def test_batches_are_the_books_and_the_time_index_carries_on(data_size, batch_size, time_size):
    """Offsets i * (len(xs) // batch_size); more than two epochs, wrapping round, as the book."""
    xs = np.arange(data_size)
    ts = xs + 1
    batches = TruncatedBPTTBatches(xs, ts, batch_size, time_size)
    assert batches.offsets.tolist() == [i * (data_size // batch_size) for i in range(batch_size)]
    assert batches.iterations == data_size // (batch_size * time_size)
    calls = min(2 * batches.iterations + 3, 50)
    for call, (book_x, book_t) in enumerate(book_batches(xs, ts, batch_size, time_size, calls)):
        batch_x, batch_t = batches.get_batch()
        np.testing.assert_array_equal(batch_x, book_x)
        np.testing.assert_array_equal(batch_t, book_t)
        assert batches.time_idx == (call + 1) * time_size


def test_from_corpus_labels_each_word_with_the_next():
    corpus = np.array([5, 6, 7, 8, 9, 10, 11])
    batch_x, batch_t = TruncatedBPTTBatches.from_corpus(corpus, 2, 2).get_batch()
    assert batch_x.tolist() == [[5, 6], [8, 9]]
    assert batch_t.tolist() == [[6, 7], [9, 10]]


def test_an_epoch_yields_its_iterations_and_reset_starts_again():
    batches = TruncatedBPTTBatches.from_corpus(np.arange(41), 2, 4)
    epoch = list(batches.epoch())
    assert len(epoch) == batches.iterations == 5
    assert batches.time_idx == 20
    batches.reset()
    np.testing.assert_array_equal(batches.get_batch()[0], epoch[0][0])


@pytest.mark.parametrize(("size", "batch_size", "time_size", "message"), [
    (10, 2, 11, r"^time_size 11 is longer than the corpus \(10 input words\): use a time_size "
                r"of at most 10"),
    (10, 11, 1, r"^batch_size 11 leaves no stream: 10 input words cut into 11 streams give 0 "
                r"words each; use a batch_size of at most 10"),
    (10, 3, 4, r"^time_size 4 is longer than each of the 3 streams \(3 words each\), so an "
               r"epoch has no mini-batch: use a time_size of at most 3, or a batch_size of at "
               r"most 2"),
    (10, 0, 4, r"batch_size \(0\) and time_size \(4\) must be at least 1"),
])
def test_batch_sizes_that_leave_no_batch_say_what_to_change(size, batch_size, time_size,
                                                            message):
    with pytest.raises(ValueError, match=message):
        TruncatedBPTTBatches(np.arange(size), np.arange(size), batch_size, time_size)


def test_inputs_and_labels_of_different_lengths_are_refused():
    with pytest.raises(ValueError, match=r"xs has 10 words but ts has 9"):
        TruncatedBPTTBatches(np.arange(10), np.arange(9), 2, 2)


# -- the model, the trainer and the perplexity ------------------------------------------------


def test_the_trainer_with_bptt_batches_is_the_books_training_loop():
    """Trainer.fit_batches + TruncatedBPTTBatches does what ch05/train_custom_loop.py does."""
    corpus = np.random.default_rng(7).integers(0, 12, 200)
    xs, ts = corpus[:-1], corpus[1:]
    book = SimpleRnnlm(12, 5, 6, np.random.default_rng(0), dtype=np.float64)
    optimizer = SGD(0.1)
    iterations = len(xs) // (4 * 5)
    for batch_x, batch_t in book_batches(xs, ts, 4, 5, 3 * iterations):
        book.forward(batch_x, batch_t)
        book.backward()
        optimizer.update(book.params, book.grads)

    ours = SimpleRnnlm(12, 5, 6, np.random.default_rng(0), dtype=np.float64)
    Trainer(ours, SGD(0.1), rng=np.random.default_rng(1), progress=False).fit_batches(
        TruncatedBPTTBatches(xs, ts, 4, 5), max_epoch=3)
    for theirs, mine in zip(book.params, ours.params, strict=True):
        np.testing.assert_array_equal(mine, theirs)


def test_eval_perplexity_is_the_books():
    corpus = np.random.default_rng(8).integers(0, 12, 300)
    model = SimpleRnnlm(12, 5, 6, np.random.default_rng(0), dtype=np.float64)
    model.params[0][...] *= 100  # word vectors that matter
    expected = book_eval_perplexity(model, corpus, 4, 7)
    model.reset_state()
    assert eval_perplexity(model, corpus, 4, 7, progress=False) == pytest.approx(expected,
                                                                                rel=1e-12)
    assert model.rnn_layer.h is None  # reset afterwards, so training can go on


class Uniform:
    """A language model that gives every one of V words the same probability."""

    def __init__(self, V):
        self.V = V
        self.calls = []

    def forward(self, xs, ts, train_flg=True):
        self.calls.append(train_flg)
        return float(np.log(self.V))


def test_a_uniform_model_has_the_vocabulary_size_as_perplexity(capsys):
    """Perplexity reads as the number of words chosen among; train_flg=False where taken."""
    model = Uniform(37)
    assert eval_perplexity(model, np.arange(100), 3, 5) == pytest.approx(37)
    assert model.calls == [False] * 6
    assert "perplexity: 6/6" in capsys.readouterr().out


def test_a_perplexity_that_is_not_a_number_is_an_error():
    model = SimpleRnnlm(5, 2, 3, np.random.default_rng(0), dtype=np.float64)
    model.params[-2][...] = np.inf
    message = r"^the perplexity became (nan|inf) at batch 1 of 2: .*smaller learning rate"
    with np.errstate(invalid="ignore"), pytest.raises(PerplexityError, match=message):
        eval_perplexity(model, np.arange(41) % 5, 2, 10, progress=False)


def test_simple_rnnlm_scores_every_word_at_every_step():
    model = SimpleRnnlm(9, 4, 5, np.random.default_rng(0))
    xs = np.array([[0, 3, 8], [1, 1, 2]])
    assert model.predict(xs).shape == (2, 3, 9)
    assert model.params[0].dtype == np.float32
    assert model.rnn_layer.stateful and model.rnn_layer.h is not None
    model.reset_state()
    assert model.rnn_layer.h is None


# -- examples ---------------------------------------------------------------------------------


CHAPTER_PAGES = Path(__file__).resolve().parents[1] / "chapters"


def assert_publishes_what_the_pages_cite(example_id: str, folder: Path) -> None:
    """Each ``{rindoku-value}`EXAMPLE:NAME``` of a chapter page names a value the run published."""
    cited = {name for page in CHAPTER_PAGES.glob("*.md")
             for name in re.findall(rf"\{{rindoku-value\}}`{re.escape(example_id)}:(\w+)`",
                                    page.read_text(encoding="utf-8"))}
    published, _ = published_values(folder)
    assert cited, f"no page cites a value of {example_id}"
    assert not cited - published.keys(), f"{example_id} does not publish {cited - published.keys()}"


def test_the_bptt_example_prints_the_streams_and_draws_them(shared_data, tmp_path, capsys):
    figures = run_example(examples.bptt_batches, 0, tmp_path)
    out = capsys.readouterr().out
    assert "stream 0: pierre <unk> N years" in out
    assert "stream 1: rudolph <unk> N years" in out  # the 4th batch of stream 1
    assert len(figures) == 1
    _, published = published_values(tmp_path)
    assert (published["iterations"], published["jump"], published["unread"]) == (19, 99, 49)
    assert_publishes_what_the_pages_cite("rnn.bptt-batches", tmp_path)


def test_the_simple_rnnlm_example_lowers_the_perplexity(shared_data, tmp_path, capsys):
    """The book's ch05 run: perplexity from about the vocabulary size to below 9 in 100 epochs."""
    figures = run_example(examples.simple_rnnlm, 0, tmp_path)
    out = capsys.readouterr().out
    assert "vocabulary 418" in out
    _, published = published_values(tmp_path)
    # measured with seeds 0 to 3: 368 to 395, then 5.2 to 6.1 after 100 epochs
    assert published["first_perplexity"] > 300 and published["last_perplexity"] < 9
    assert published["eval_perplexity"] < 12  # measured: 7.2 to 8.1
    assert len(figures) == 1
    assert_publishes_what_the_pages_cite("rnn.simple-rnnlm", tmp_path)


# -- exercises ---------------------------------------------------------------------------------


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda exercise: exercise.id)
def test_exercise_metadata(exercise):
    assert exercise.id.startswith("rnn.")
    assert Path(exercise.solution_file).is_file()
    assert 2 <= len(exercise.hints) <= 3


@pytest.mark.parametrize(("exercise", "message"), [
    (RNN_BACKWARD, "no class RNN"),
    (TIME_RNN_BACKWARD, "no class TimeRNN"),
    (BPTT_BATCHES, "no class TruncatedBPTTBatches"),
], ids=lambda value: getattr(value, "id", ""))
def test_check_names_what_is_missing(exercise, message):
    with pytest.raises(CheckFailed, match=message):
        exercise.check(attempt_from("import numpy as np\n"))


@pytest.mark.parametrize(("old", "new", "message"), [
    ("return dx, dh_prev", "return dh_prev, dx", r"returned \(dh_prev, dx\)"),
    ("dt = dh_next * (1 - h_next ** 2)", "dt = dh_next", r"skip tanh"),
    ("dh_prev = np.dot(dt, Wh.T)", "dh_prev = np.dot(dt, Wh)", r"dh_prev is dt Wh, not dt Wh\.T"),
    ("        self.grads[1][...] = dWh\n", "", r"dWh \(self.grads\[1\]\) is still all zeros"),
    ("self.grads[0][...] = dWx", "self.grads[0] = dWx", r"self.grads\[0\] was replaced"),
    ("return dx, dh_prev", "return dx", r"should return two arrays, \(dx, dh_prev\)"),
    ("dx = np.dot(dt, Wx.T)", "dx = np.dot(dt, Wx.T) * 2", r"dx, returned by .* is wrong"),
])
def test_rnn_check_names_the_mistake(old, new, message):
    with pytest.raises(CheckFailed, match=message):
        RNN_BACKWARD.check(with_mistake(RNN_BACKWARD, old, new))


@pytest.mark.parametrize(("old", "new", "message"), [
    ("layer.backward(dhs[:, t, :] + dh)", "layer.backward(dhs[:, t, :])",
     r"right at the last step only.*dhs\[:, t, :\] \+ dh"),
    ("for t in reversed(range(T)):", "for t in range(T):", r"dxs\[:, \d, :\] is wrong.*reversed"),
    ("grads[i] += grad", "grads[i] = grad.copy()", r"dWx \(self.grads\[0\]\) holds one step's"),
    ("        self.dh = dh\n", "", r"self.dh is None"),
    ("self.grads[i][...] = grad", "self.grads[i] = grad", r"self.grads\[0\] was replaced"),
    ("        return dxs\n", "", r"returned None: end it with return dxs"),
])
def test_time_rnn_check_names_the_mistake(old, new, message):
    with pytest.raises(CheckFailed, match=message):
        TIME_RNN_BACKWARD.check(with_mistake(TIME_RNN_BACKWARD, old, new))


@pytest.mark.parametrize(("old", "new", "message"), [
    ("jump = data_size // batch_size", "jump = self.time_size",
     r"self.offsets is \[0, 4, 8\] .*expected \[0, 10, 20\]: the streams start jump"),
    ("            self.time_idx += 1\n", "", r"every column of batch_x .* is the same word"),
    ("(offset + self.time_idx) % data_size]", "offset + self.time_idx]",
     r"raised IndexError .*wraps round"),
    ("return batch_x, batch_t", "return batch_t, batch_x", r"returned \(batch_t, batch_x\)"),
    ("batch_x[i, time] = self.xs[(offset + self.time_idx) % data_size]",
     "batch_x[i, time] = self.xs[(offset + time) % data_size]",
     r"call 2 .* returned the same words as the call before: each call goes on"),
    ("jump = data_size // batch_size", "jump = data_size // batch_size + 1",
     r"self.offsets is \[0, 11, 22\] .*expected \[0, 10, 20\]"),
    ("batch_x[i, time] = self.xs[(offset + self.time_idx) % data_size]",
     "batch_x[i, time] = self.xs[(offset + self.time_idx + 1) % data_size]",
     r"batch_x from get_batch\(\) call 1 .* reads the corpus positions\n\[\[1, 2, 3, 4\]"),
])
def test_bptt_check_names_the_mistake(old, new, message):
    with pytest.raises(CheckFailed, match=message):
        BPTT_BATCHES.check(with_mistake(BPTT_BATCHES, old, new))


def test_bptt_check_accepts_the_vectorised_version():
    """The library's own get_batch, one array of indices instead of loops, passes too."""
    module = attempt_from(
        "import numpy as np\n"
        "from rindoku_rnn.batching import TruncatedBPTTBatches\n")
    BPTT_BATCHES.check(module)
