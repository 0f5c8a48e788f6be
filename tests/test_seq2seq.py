"""Tests of the seq2seq chapter: the data, the encoder and decoders, the fast path, training."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from numba import njit

from rindoku import CheckFailed
from rindoku.data import DataError, fetch
from rindoku.examples import published_values, run_example
from rindoku.gradient import numerical_gradient
from rindoku.registry import load_registry
from rindoku.testing import attempt_from, with_mistake
from rindoku.trainer import Trainer, unique_params
from rindoku_backprop.optimizer import SGD
from rindoku_lstm.layers import LSTM
from rindoku_optimizers.optimizers import Adam
from rindoku_seq2seq import examples
from rindoku_seq2seq.evaluation import (
    CountedBatches,
    StepWatch,
    accuracy,
    answers,
    eval_seq2seq,
    train_seq2seq,
)
from rindoku_seq2seq.exercises import EXERCISES, GENERATE, PEEKY_BACKWARD
from rindoku_seq2seq.fast import (
    FastPeekySeq2seq,
    FastSeq2seq,
    InPlaceAdam,
    PrefixTree,
    sum_rows,
)
from rindoku_seq2seq.gradcases import ANSWERS, GRADIENT_CASES, QUESTIONS
from rindoku_seq2seq.kernels import lstm_step_backward, lstm_step_forward
from rindoku_seq2seq.kernels import tanh as compiled_tanh
from rindoku_seq2seq.layers import Decoder, Encoder, PeekyDecoder
from rindoku_seq2seq.models import PeekySeq2seq, Seq2seq
from rindoku_seq2seq.sequence import ADDITION, DATE, SequenceData, from_lines, load_data

LINES = ["16+75  _91  ", "52+607 _659 ", "75+22  _97  ", "63+22  _85  ", "795+3  _798 ",
         "706+796_1502", "8+4    _12  ", "84+317 _401 ", "9+3    _12  ", "6+2    _8   "]
"""The first ten lines of addition.txt."""


@pytest.fixture
def seq_data(monkeypatch: pytest.MonkeyPatch) -> Path:
    """RINDOKU_DATA set to the folder that holds seq/addition.txt and seq/date.txt; else skip."""
    from rindoku.data import remedy

    try:
        paths = [fetch(file, download=False) for file in (ADDITION, DATE)]
    except DataError:
        pytest.skip(f"needs the addition and dates data sets: {remedy('addition')}")
    folder = paths[0].parents[1]
    monkeypatch.setenv("RINDOKU_DATA", str(folder))
    return folder


# -- the data -------------------------------------------------------------------------------


def test_the_vocabulary_is_built_the_books_way():
    """Characters in order of first appearance, line by line, each question before its answer."""
    data = from_lines(LINES, "addition.txt", seed=None)
    assert list(data.char_to_id) == ["1", "6", "+", "7", "5", " ", "_", "9", "2", "0", "3",
                                     "8", "4"]
    assert data.id_to_char == {i: c for c, i in data.char_to_id.items()}
    assert data.start_id == data.char_to_id["_"] == 6
    assert (data.question_length, data.answer_length) == (7, 5)


def test_the_split_holds_out_the_last_tenth_in_the_books_shuffled_order():
    """Without shuffling, the last line is the test set; with the seed, the book's permutation."""
    data = from_lines(LINES, "addition.txt", seed=None)
    assert len(data.x_train) == 9 and len(data.x_test) == 1
    assert data.vocab.decode(data.x_test[0]) == "6+2    "
    assert data.vocab.decode(data.t_test[0]) == "_8   "

    shuffled = from_lines(LINES, "addition.txt", seed=1984)
    state = np.random.get_state()  # the book's calls, on NumPy's global generator
    try:
        np.random.seed(1984)
        order = np.arange(len(LINES))
        np.random.shuffle(order)
    finally:
        np.random.set_state(state)
    np.testing.assert_array_equal(np.concatenate([shuffled.x_train, shuffled.x_test]),
                                  np.concatenate([data.x_train, data.x_test])[order])


def test_a_line_without_an_answer_mark_is_named():
    with pytest.raises(ValueError, match=r"^date\.txt, line 2 \('August 19, 2003'\) has no "
                                         r"'_': each line is a question, then '_' and the "
                                         r"answer$"):
        from_lines(["2/10/93 _1993-02-10", "August 19, 2003"], "date.txt")


def test_a_line_of_another_width_is_named():
    with pytest.raises(ValueError, match=r"line 2 \('1\+2 _3  '\): question and answer have 4 "
                                         r"and 4 characters, those of line 1 7 and 5: pad "):
        from_lines(["16+75  _91  ", "1+2 _3  "], "addition.txt")


def test_encoding_names_a_character_outside_the_vocabulary():
    vocab = from_lines(LINES, "addition.txt", seed=None).vocab
    np.testing.assert_array_equal(vocab.encode("16+7"), [0, 1, 2, 3])
    assert vocab.decode([0, 1, 2, 3]) == "16+7"
    with pytest.raises(ValueError, match=r"^the character '-' of '16-75' is not in the "
                                         r"vocabulary of addition\.txt \(13 characters: "):
        vocab.encode("16-75")


def test_encoding_a_question_of_the_wrong_length_says_how_to_pad_it():
    vocab = from_lines(LINES, "addition.txt", seed=None).vocab
    with pytest.raises(ValueError, match=r"^'1\+2' has 3 characters; the sequences of "
                                         r"addition\.txt have 7: pad with spaces or cut it to "
                                         r"7, e\.g\. '1\+2    '$"):
        vocab.encode("1+2", length=7)


def test_load_data_names_the_files_it_knows():
    with pytest.raises(ValueError, match="'addition.txt' and 'date.txt', not 'dates.txt'"):
        load_data("dates.txt")


def test_both_data_sets_load_with_the_books_sizes(seq_data):
    addition = load_data("addition.txt")
    assert isinstance(addition, SequenceData)
    assert addition.x_train.shape == (45_000, 7) and addition.t_test.shape == (5_000, 5)
    assert len(addition.vocab) == 13 and np.all(addition.t_train[:, 0] == addition.start_id)
    dates = load_data("date.txt")
    assert dates.x_train.shape == (45_000, 29) and dates.t_train.shape == (45_000, 11)
    assert len(dates.vocab) == 59
    assert dates.vocab.decode(dates.t_test[0])[0] == "_"
    declared = load_registry().kind("datasets")["dates"].value.load()  # as `rindoku data` knows it
    np.testing.assert_array_equal(declared.x_test, dates.x_test)


def test_the_data_sets_are_declared_with_checksums_and_the_books_urls():
    datasets = load_registry().kind("datasets")
    for name, file in [("addition", ADDITION), ("dates", DATE)]:
        item = datasets[name]
        assert item.plugin == load_registry().chapters["seq2seq"].plugin
        assert item.value.files == (file,)
        assert file.urls[0].startswith(
            "https://raw.githubusercontent.com/oreilly-japan/deep-learning-from-scratch-2/")
        assert "MIT" in item.value.licence
    assert ADDITION.sha256 == "34e0746f5014c11311c9452ee9050bf14e38eca44ec4aaf4d81eba2b38674009"
    assert DATE.sha256 == "62e66a301ce8537868e725512d2a45663fc366526b7e42028cb703bda2b1c79a"


# -- the textbook layers and models ------------------------------------------------------


@pytest.mark.parametrize("case", GRADIENT_CASES, ids=lambda case: case.name)
def test_gradient_case_passes(case):
    """Every layer's and model's backward agrees with the numerical gradient to 1e-6."""
    report = case.run()
    assert report.comparisons
    assert report.max_error < 1e-6, report.worst.describe()


@pytest.mark.parametrize("Decoder_class", [Decoder, PeekyDecoder])
def test_a_decoders_dh_is_the_gradient_of_its_h(Decoder_class):
    """dh, which the gradient cases cannot check (it is the second input's), numerically."""
    rng = np.random.default_rng(3)
    decoder = Decoder_class(6, 3, 4, rng=rng, dtype=np.float64)
    decoder.params[0][...] *= 50.0
    xs, h = ANSWERS[:, :-1], rng.standard_normal((3, 4))
    dscore = rng.standard_normal((3, 3, 6))
    decoder.forward(xs, h)
    dh = decoder.backward(dscore)
    numerical = numerical_gradient(lambda: float(np.sum(decoder.forward(xs, h) * dscore)), h)
    np.testing.assert_allclose(dh, numerical, rtol=1e-6, atol=1e-9)


def test_the_encoder_hands_over_its_last_hidden_state():
    encoder = Encoder(6, 3, 4, rng=np.random.default_rng(0))
    h = encoder.forward(QUESTIONS)
    assert h.shape == (3, 4) and h.dtype == np.float32
    np.testing.assert_array_equal(h, encoder.hs[:, -1])
    assert not encoder.lstm.stateful


def test_seq2seq_reads_the_answer_shifted_by_one():
    """The decoder reads ts[:, :-1] and is scored on ts[:, 1:]: its loss is the decoder's."""
    model = Seq2seq(6, 3, 4, rng=np.random.default_rng(0), dtype=np.float64)
    loss = model.forward(QUESTIONS, ANSWERS)
    score = model.decoder.forward(ANSWERS[:, :-1], model.encoder.forward(QUESTIONS))
    y = np.exp(score) / np.exp(score).sum(axis=2, keepdims=True)
    expected = -np.mean(np.log(np.take_along_axis(y, ANSWERS[:, 1:, None], axis=2)))
    assert loss == pytest.approx(expected)


def test_generate_writes_the_best_character_and_feeds_it_back():
    """The book's greedy decoding: each character the decoder's highest score given the last."""
    model = PeekySeq2seq(6, 3, 4, rng=np.random.default_rng(1), dtype=np.float64)
    model.decoder.params[0][...] *= 100.0
    sampled = model.generate(QUESTIONS[[0]], 0, 5)
    assert len(sampled) == 5 and all(isinstance(i, int) for i in sampled)
    h = model.encoder.forward(QUESTIONS[[0]])
    inputs = np.array([[0, *sampled[:-1]]])  # what generate fed the decoder
    scores = model.decoder.forward(inputs, h)
    assert scores[0].argmax(axis=1).tolist() == sampled


@pytest.mark.parametrize("model_class", [Seq2seq, PeekySeq2seq])
def test_generate_answers_one_question_and_says_so(model_class):
    model = model_class(6, 3, 4, rng=np.random.default_rng(0))
    name = model.decoder.__class__.__name__
    with pytest.raises(ValueError, match=rf"^{name}\.generate: h has shape \(3, 4\); expected "
                                         r"\(1, H\): the book's generate answers one question "
                                         r"at a time, so pass one row, x\[\[i\]\], not a batch$"):
        model.generate(QUESTIONS, 0, 4)


def test_questions_and_answers_of_different_batches_are_refused():
    model = Seq2seq(6, 3, 4, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"^Seq2seq\.forward: ts has shape \(2, 4\); expected "
                                         r"\(N, T'\) where N = 3 \(from xs\)"):
        model.forward(QUESTIONS, ANSWERS[:2])
    with pytest.raises(ValueError, match=r"ts needs at least 2 columns"):
        model.forward(QUESTIONS, ANSWERS[:, :1])


def test_a_character_id_outside_the_vocabulary_is_refused():
    model = Seq2seq(6, 3, 4, rng=np.random.default_rng(0))
    questions = QUESTIONS.copy()
    questions[1, 2] = 6
    with pytest.raises(ValueError, match=r"^TimeEmbedding\.forward: word id 6 is outside 0\.\.5"):
        model.forward(questions, ANSWERS)


# -- the fast path ---------------------------------------------------------------------------


def test_the_prefix_tree_groups_questions_that_start_alike():
    xs = np.array([[5, 5, 1], [5, 5, 2], [5, 3, 1], [4, 4, 4]])
    tree = PrefixTree(xs, vocab_size=6)
    assert tree.sizes.tolist() == [2, 3, 4]  # {4, 5}, {44, 53, 55}, all four
    assert tree.rows[0, 0] == tree.rows[1, 0] == tree.rows[2, 0]  # all start with 5
    assert tree.rows[0, 1] == tree.rows[1, 1] != tree.rows[2, 1]
    assert len(set(tree.rows[:, 2])) == 4
    for t in range(1, 3):  # each group continues its parent, the group of its first t ids
        parents = tree.parents[t][tree.group[:, t]]
        np.testing.assert_array_equal(parents, tree.group[:, t - 1])
    np.testing.assert_array_equal(tree.packed_inputs[tree.rows], xs)


def test_sum_rows_adds_repeated_rows():
    values = np.arange(12.0).reshape(4, 3)
    np.testing.assert_array_equal(sum_rows(np.array([2, 0, 2, 2]), values, 3),
                                  [[3, 4, 5], [0, 0, 0], [15, 18, 21]])


PAIRS = [(Seq2seq, FastSeq2seq), (PeekySeq2seq, FastPeekySeq2seq)]


@pytest.mark.parametrize(("textbook_class", "fast_class"), PAIRS,
                         ids=lambda cls: cls.__name__)
@pytest.mark.parametrize("reverse", [False, True])
def test_the_fast_path_has_the_textbooks_loss_gradients_and_answers(textbook_class, fast_class,
                                                                    reverse):
    """Same seed, same weights; on a batch whose questions share beginnings, the same numbers."""
    rng = np.random.default_rng(5)
    xs = rng.integers(0, 9, (40, 7))
    xs[:20, :3] = [0, 0, 1]  # half the batch starts alike
    xs[20:30, :5] = 0  # and a quarter with five of the same character
    xs = xs[:, ::-1] if reverse else xs
    ts = np.column_stack([np.full(40, 9), rng.integers(0, 9, (40, 4))])
    textbook = textbook_class(10, 5, 8, rng=np.random.default_rng(1), dtype=np.float64)
    fast = fast_class(10, 5, 8, rng=np.random.default_rng(1), dtype=np.float64)
    for a, b in zip(textbook.params, fast.params, strict=True):
        np.testing.assert_array_equal(a, b)
    for model in (textbook, fast):  # weights that make every part matter
        model.params[0][...] *= 50.0

    assert fast.forward(xs, ts) == pytest.approx(textbook.forward(xs, ts), rel=1e-13)
    textbook.backward()
    fast.backward()
    for a, b in zip(textbook.grads, fast.grads, strict=True):
        np.testing.assert_allclose(b, a, rtol=1e-9, atol=1e-13)
    sampled = fast.generate(xs, 9, 4)
    assert sampled.shape == (40, 4)
    assert sampled.tolist() == [textbook.generate(xs[[i]], 9, 4) for i in range(40)]


def test_one_fast_training_step_equals_one_textbook_step():
    """The Trainer with Adam and clipping moves both models' weights alike."""
    rng = np.random.default_rng(2)
    xs, ts = rng.integers(0, 10, (16, 6)), rng.integers(0, 10, (16, 5))
    textbook = PeekySeq2seq(10, 4, 6, rng=np.random.default_rng(0), dtype=np.float64)
    fast = FastPeekySeq2seq(10, 4, 6, rng=np.random.default_rng(0), dtype=np.float64)
    for model in (textbook, fast):
        Trainer(model, Adam(), rng=np.random.default_rng(0), progress=False).step(xs, ts, 0.5)
    for a, b in zip(textbook.params, fast.params, strict=True):
        np.testing.assert_allclose(b, a, rtol=1e-10, atol=1e-13)


def test_the_fast_path_refuses_a_character_id_outside_the_vocabulary():
    model = FastSeq2seq(6, 3, 4, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"^FastEncoder\.forward: character id -1 is outside "
                                         r"0\.\.5 \(6 rows of embed_W\)$"):
        model.forward(QUESTIONS - 1, ANSWERS)
    with pytest.raises(ValueError, match=r"^FastDecoder\.forward: character id 7 is outside"):
        model.forward(QUESTIONS, ANSWERS + 2)


def test_the_fast_decoder_generates_for_a_batch_of_the_encoders_size():
    model = FastPeekySeq2seq(6, 3, 4, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"^FastPeekyDecoder\.generate: h has shape \(3, 5\); "
                                         r"expected \(N, 4\)"):
        model.decoder.generate(np.zeros((3, 5), dtype=np.float32), 0, 4)


def test_the_compiled_float32_tanh_is_tanh_to_float32_precision():
    """The rational tanh of the compiled loops: within 3e-7 of tanh, NaN kept, ±1 at ±inf;
    in float64, tanh itself."""
    x = np.concatenate([np.linspace(-12, 12, 200_001), [0, 1e-30, np.inf, -np.inf, np.nan]])
    x = x.astype(np.float32)
    out = tanh_array(x)
    exact = np.tanh(x.astype(np.float64))
    np.testing.assert_allclose(out[:-1], exact[:-1], rtol=3e-7, atol=3e-7)
    assert out[-1] != out[-1]  # NaN
    assert out.dtype == np.float32
    np.testing.assert_allclose(tanh_array(x.astype(np.float64))[:-1], exact[:-1], rtol=1e-15)


@njit
def tanh_array(x):
    """The compiled tanh of every element of the 1-D array x."""
    out = np.empty_like(x)
    for k in range(len(x)):
        out[k] = compiled_tanh(x[k])
    return out


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_a_compiled_lstm_step_is_the_lstm_layers_step(dtype):
    """Forward and backward, with the textbook LSTM layer in float64 as the reference:
    to rounding in float64, within float32's precision in float32."""
    rng = np.random.default_rng(3)
    N, D, H = 6, 3, 5
    Wx, Wh, b = (rng.standard_normal(shape) for shape in [(D, 4 * H), (H, 4 * H), (4 * H,)])
    x, h_prev, c_prev = (rng.standard_normal((N, k)) for k in (D, H, H))
    dh_next, dc_next = rng.standard_normal((N, H)), rng.standard_normal((N, H))
    layer = LSTM(Wx, Wh, b)
    h, c = layer.forward(x, h_prev, c_prev)
    _, _, dc_prev = layer.backward(dh_next, dc_next)

    cast = [a.astype(dtype) for a in (x @ Wx + b, h_prev @ Wh, c_prev)]
    gates, dA = np.empty((N, 4 * H), dtype), np.empty((N, 4 * H), dtype)
    cs, tanh_cs, hs = (np.empty((N, H), dtype) for _ in range(3))
    lstm_step_forward(*cast, gates, cs, tanh_cs, hs)
    dc = dc_next.astype(dtype)
    lstm_step_backward(dh_next.astype(dtype), dc, gates, cast[2], tanh_cs, dA)
    rtol = 1e-12 if dtype == np.float64 else 1e-5
    np.testing.assert_allclose(hs, h, rtol=rtol, atol=rtol)
    np.testing.assert_allclose(cs, c, rtol=rtol, atol=rtol)
    np.testing.assert_allclose(dc, dc_prev, rtol=rtol, atol=rtol)
    np.testing.assert_allclose(dA @ Wh.T, layer.backward(dh_next, dc_next)[1], rtol=rtol * 10,
                               atol=rtol * 10)


def test_the_float32_fast_path_agrees_with_the_textbook_in_float64():
    """The model trained in rindoku's runs: float32, with the compiled float32 tanh."""
    rng = np.random.default_rng(4)
    xs, ts = rng.integers(0, 10, (32, 7)), rng.integers(0, 10, (32, 5))
    textbook = PeekySeq2seq(10, 5, 8, rng=np.random.default_rng(1), dtype=np.float64)
    fast = FastPeekySeq2seq(10, 5, 8, rng=np.random.default_rng(1), dtype=np.float32)
    assert fast.forward(xs, ts) == pytest.approx(textbook.forward(xs, ts), rel=1e-5)
    textbook.backward()
    fast.backward()
    for a, b in zip(textbook.grads, fast.grads, strict=True):
        np.testing.assert_allclose(b, a, rtol=1e-3, atol=1e-5)


def test_in_place_adam_is_the_optimizers_chapters_adam():
    """Five steps, a learning rate changed on the way: the same weights as Adam's."""
    rng = np.random.default_rng(0)
    params = [rng.standard_normal((5, 3)), rng.standard_normal(4)]
    copies = [p.copy() for p in params]
    adam, in_place = Adam(lr=0.01), InPlaceAdam(lr=0.01)
    for step in range(5):
        grads = [rng.standard_normal(p.shape) for p in params]
        adam.lr = in_place.lr = 0.01 / (step + 1)
        adam.update(params, [g.copy() for g in grads])
        in_place.update(copies, [g.copy() for g in grads])
    for a, b in zip(params, copies, strict=True):
        np.testing.assert_allclose(b, a, rtol=1e-12)


def test_in_place_adam_refuses_a_parameter_it_could_not_update_in_place():
    params = [np.zeros((4, 3)).T]
    with pytest.raises(ValueError, match=r"^InPlaceAdam: parameter 0 \(3, 4\) is not one "
                                         r"C-ordered block; make it with np.ascontiguousarray$"):
        InPlaceAdam().update(params, [np.ones((3, 4))])


# -- evaluation and training ----------------------------------------------------------------


def test_counted_batches_moves_the_bar_once_per_batch_trained_on():
    """The bar moves after each batch, and the source's batches pass as they are."""

    class Bar:
        def __init__(self):
            self.n = 0

        def update(self, n):
            self.n += n

    class Source:
        iterations, rows = 3, 2

        def epoch(self, rng):
            for i in range(3):
                yield np.full(2, i), np.full(2, -i)

    bar = Bar()
    counted = CountedBatches(Source(), bar)
    assert (counted.iterations, counted.rows) == (3, 2)
    seen = []
    for x, _ in counted.epoch(np.random.default_rng(0)):
        seen.append((int(x[0]), bar.n))  # the bar has not moved for this batch yet
    assert seen == [(0, 0), (1, 1), (2, 2)] and bar.n == 3


def test_eval_seq2seq_marks_the_answer_and_turns_a_reversed_question_back(capsys):
    data = from_lines(LINES, "addition.txt", seed=None)
    model = FastPeekySeq2seq(13, 4, 8, rng=np.random.default_rng(0))
    question, correct = data.x_train[[0]][:, ::-1], data.t_train[[0]]
    right = eval_seq2seq(model, question, correct, data.id_to_char, verbose=True,
                         is_reverse=True)
    guess = answers(model, question, data.start_id, 4)[0]
    out = capsys.readouterr().out.splitlines()
    assert out[:2] == ["Q 16+75  ", "T 91  "]
    assert out[2] == ("☑ " if right else "☒ ") + data.vocab.decode(guess)
    assert right == int(data.vocab.decode(guess) == "91  ")


def test_accuracy_counts_answers_right_in_every_character():
    """Both paths give the same answers, and accuracy is the share equal to t[:, 1:]."""
    rng = np.random.default_rng(4)
    x, t = rng.integers(0, 6, (30, 5)), rng.integers(0, 6, (30, 4))
    t[:, 0] = 0
    textbook = Seq2seq(6, 3, 4, rng=np.random.default_rng(0))
    fast = FastSeq2seq(6, 3, 4, rng=np.random.default_rng(0))
    guess = answers(textbook, x, 0, 3)
    np.testing.assert_array_equal(answers(fast, x, 0, 3, batch_size=7), guess)
    t[:12, 1:] = guess[:12]  # make 12 answers right
    t[0, 1] = (guess[0, 0] + 1) % 6  # and one of them wrong in its first character
    expected = np.mean(np.all(guess == t[:, 1:], axis=1))
    assert accuracy(fast, x, t) == accuracy(textbook, x, t) == pytest.approx(expected)
    assert expected >= 11 / 30


def test_step_watch_records_the_gradient_and_the_step():
    """With SGD the step is lr times the gradient; the watch passes lr through."""
    watch = StepWatch(SGD(lr=0.1))
    params = [np.ones((2, 2)), np.ones(3)]
    watch.update(params, [np.full((2, 2), 3.0), np.full(3, 4.0)])
    assert watch.grad_norms == [pytest.approx(np.sqrt(4 * 9 + 3 * 16))]
    assert watch.step_norms == [pytest.approx(0.1 * watch.grad_norms[0])]
    watch.lr = 0.5
    assert watch.optimizer.lr == 0.5 == watch.lr


def test_the_learning_rate_falls_to_a_tenth_after_epoch_15():
    lrs = [examples.stable_lr(epoch) for epoch in range(25)]
    assert lrs[:15] == [0.001] * 15
    assert all(b < a for a, b in zip(lrs[14:], lrs[15:], strict=False))
    assert lrs[-1] == pytest.approx(0.0001)


def test_train_seq2seq_prints_each_epoch_and_returns_the_curves(capsys):
    data = from_lines(LINES * 30, "addition.txt", seed=1984)
    rng = np.random.default_rng(0)
    model = FastPeekySeq2seq(len(data.vocab), 4, 8, rng=rng)
    run = train_seq2seq(model, data, 3, rng=rng, name="tiny", reverse=True, batch_size=27,
                        lr=lambda epoch: 0.01 / (epoch + 1), eval_interval=5)
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if line.startswith("tiny epoch")]
    assert len(lines) == 3
    assert re.match(r"tiny epoch  1: loss \d\.\d{4}, accuracy \d+\.\d %( \| \S+ → \S+ [☑☒]){3}$",
                    lines[0])
    assert run.lrs == [0.01, 0.005, pytest.approx(0.01 / 3)]
    assert len(run.accuracies) == len(run.losses) == 3 and run.losses[-1] < run.losses[0]
    assert len(run.iteration_losses) == 3 * (10 // 5)  # 270 lines, 10 batches an epoch
    assert run.summary().startswith(f"tiny: accuracy {run.last:.1%}".replace("%", " %"))


@pytest.mark.slow
def test_a_short_training_lowers_the_held_out_loss(seq_data):
    """Reversed + peeky, 3 epochs on 9,000 sums: the loss on held-out sums falls from log 13."""
    data = load_data("addition.txt")
    small = SequenceData(data.x_train[:9000], data.t_train[:9000], data.x_test[:1000],
                         data.t_test[:1000], data.vocab)
    rng = np.random.default_rng(0)
    model = FastPeekySeq2seq(13, 16, 128, rng=rng)
    held_out = (small.x_test[:, ::-1], small.t_test)
    before = model.forward(*held_out)
    run = train_seq2seq(model, small, 3, rng=rng, reverse=True, progress=False,
                        optimizer=InPlaceAdam())
    assert before > 2.4  # about log 13: every character as likely as any other
    assert model.forward(*held_out) < 1.9
    assert run.losses[-1] < run.losses[0]


# -- the plugin, its examples and its exercises ------------------------------------------


def test_the_chapter_registers_its_layers_models_examples_and_exercises():
    registry = load_registry()
    registry.raise_for_problems()
    chapter = registry.chapter("seq2seq")
    assert (chapter.number, chapter.requires) == (9, ("optimizers", "rnn", "lstm"))
    assert chapter.page.is_file()
    assert chapter.terms["teacher forcing"] == "教師強制"
    for cls in (Encoder, Decoder, PeekyDecoder):
        assert registry.layers[cls.__name__].value is cls
    for cls in (Seq2seq, PeekySeq2seq):
        assert registry.models[cls.__name__].value is cls
    sizes = {e.id: e.size for e in (registry.example(i) for i in registry.examples)
             if e.id.startswith("seq2seq.")}
    assert sizes == {"seq2seq.data": "quick", "seq2seq.textbook-and-fast": "quick",
                     "seq2seq.addition": "long", "seq2seq.stable-peeky": "long"}
    assert [e.id for e in EXERCISES] == ["seq2seq.generate", "seq2seq.peeky-backward"]


CHAPTER_PAGES = Path(__file__).resolve().parents[1] / "chapters"


def assert_publishes_what_the_pages_cite(example_id: str, folder: Path) -> None:
    """Each ``{rindoku-value}`EXAMPLE:NAME``` of a chapter page names a value the run published."""
    cited = {name for page in CHAPTER_PAGES.glob("*.md")
             for name in re.findall(rf"\{{rindoku-value\}}`{re.escape(example_id)}:(\w+)`",
                                    page.read_text(encoding="utf-8"))}
    published, _ = published_values(folder)
    assert cited, f"no page cites a value of {example_id}"
    assert not cited - published.keys(), f"{example_id} does not publish {cited - published.keys()}"


def test_the_data_example_shows_the_vocabulary_and_the_split(seq_data, tmp_path, capsys):
    run_example(examples.data, 0, tmp_path)
    out = capsys.readouterr().out
    assert "45,000 questions to train on, 5,000 held out" in out
    assert "'1':0  '6':1  '+':2" in out
    assert_publishes_what_the_pages_cite("seq2seq.data", tmp_path)


@pytest.mark.slow
def test_the_textbook_and_fast_example_agrees_and_times_both(seq_data, tmp_path, capsys):
    run_example(examples.textbook_and_fast, 0, tmp_path)
    out = capsys.readouterr().out
    textbook, fast = re.search(r"loss of one mini-batch: textbook ([\d.]+), fast ([\d.]+)",
                               out).groups()
    assert textbook == fast
    assert "100 held-out questions: 100 the same" in out
    assert_publishes_what_the_pages_cite("seq2seq.textbook-and-fast", tmp_path)


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda exercise: exercise.id)
def test_exercise_metadata(exercise):
    assert exercise.id.startswith("seq2seq.")
    assert Path(exercise.solution_file).is_file()
    assert 2 <= len(exercise.hints) <= 3


@pytest.mark.parametrize(("exercise", "message"), [
    (GENERATE, "no class Decoder"),
    (PEEKY_BACKWARD, "no class PeekyDecoder"),
], ids=lambda value: getattr(value, "id", ""))
def test_check_names_what_is_missing(exercise, message):
    with pytest.raises(CheckFailed, match=message):
        exercise.check(attempt_from("import numpy as np\n"))


@pytest.mark.parametrize(("old", "new", "message"), [
    ("x = np.array(sample_id).reshape((1, 1))", "x = np.array(start_id).reshape((1, 1))",
     r"every step read start_id"),
    ("        self.lstm.set_state(h)\n", "", r"the LSTM did not start from h"),
    ("sampled = []", "sampled = [start_id]", r"start_id is the decoder's first input"),
    ("        return sampled\n", "", r"returned None: end it with return sampled"),
])
def test_generate_check_names_the_mistake(old, new, message):
    with pytest.raises(CheckFailed, match=message):
        GENERATE.check(with_mistake(GENERATE, old, new))


@pytest.mark.parametrize(("old", "new", "message"), [
    ("dh = self.lstm.dh + np.sum(dhs, axis=1)", "dh = np.sum(dhs, axis=1)",
     r"lacks the gradient of the LSTM's first state"),
    ("dhs = dhs0 + dhs1", "dhs = dhs1", r"lacks what h received through the output layer"),
    ("dhs = dhs0 + dhs1", "dhs = dhs0", r"lacks what h received as the LSTM's input"),
    ("dh = self.lstm.dh + np.sum(dhs, axis=1)", "dh = self.lstm.dh + np.sum(dhs, axis=1) / 2",
     r"dh, returned by PeekyDecoder\.backward\(dscore\) is wrong"),
])
def test_peeky_backward_check_names_the_mistake(old, new, message):
    with pytest.raises(CheckFailed, match=message):
        PEEKY_BACKWARD.check(with_mistake(PEEKY_BACKWARD, old, new))


def test_peeky_backward_check_accepts_a_different_way_to_sum():
    """A correct backward written otherwise (slices summed directly) passes."""
    module = with_mistake(
        PEEKY_BACKWARD,
        "        dhs = dhs0 + dhs1\n        dh = self.lstm.dh + np.sum(dhs, axis=1)\n",
        "        dh = self.lstm.dh + dhs0.sum(axis=1) + dhs1.sum(axis=1)\n")
    PEEKY_BACKWARD.check(module)


def test_unique_params_sees_no_shared_weight():
    """Seq2seq shares nothing: every array of params once."""
    model = PeekySeq2seq(6, 3, 4, rng=np.random.default_rng(0))
    params, _ = unique_params(model.params, model.grads)
    assert len(params) == len(model.params) == 10
