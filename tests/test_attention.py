"""Tests of the attention chapter: the layers, AttentionSeq2seq, the fast path, the exercises."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from rindoku import CheckFailed
from rindoku.data import DataError, fetch
from rindoku.examples import published_values, run_example
from rindoku.gradient import numerical_gradient
from rindoku.registry import load_registry
from rindoku.testing import attempt_from, with_mistake
from rindoku.trainer import Trainer
from rindoku_attention import examples
from rindoku_attention.exercises import (
    ATTENTION_WEIGHT_BACKWARD,
    EXERCISES,
    WEIGHT_SUM_BACKWARD,
)
from rindoku_attention.fast import FastAttentionSeq2seq, FastTimeAttention
from rindoku_attention.gradcases import GRADIENT_CASES
from rindoku_attention.layers import Attention, AttentionWeight, TimeAttention, WeightSum
from rindoku_attention.models import AttentionDecoder, AttentionEncoder, AttentionSeq2seq
from rindoku_backprop.functions import softmax
from rindoku_optimizers.optimizers import Adam
from rindoku_seq2seq.evaluation import answers
from rindoku_seq2seq.gradcases import ANSWERS, QUESTIONS, scale_up
from rindoku_seq2seq.sequence import ADDITION, DATE


@pytest.fixture
def seq_data(monkeypatch: pytest.MonkeyPatch) -> Path:
    """RINDOKU_DATA set to the folder that holds seq/date.txt; else skip."""
    from rindoku.data import remedy

    try:
        paths = [fetch(file, download=False) for file in (ADDITION, DATE)]
    except DataError:
        pytest.skip(f"needs the dates data set: {remedy('dates')}")
    folder = paths[1].parents[1]
    monkeypatch.setenv("RINDOKU_DATA", str(folder))
    return folder


# -- the layers -------------------------------------------------------------------------------


@pytest.mark.parametrize("case", GRADIENT_CASES, ids=lambda case: case.name)
def test_gradient_case_passes(case):
    """Every layer's and the model's backward agrees with the numerical gradient to 1e-6."""
    report = case.run()
    assert report.comparisons
    assert report.max_error < 1e-6, report.worst.describe()


def test_attention_weight_is_the_softmax_of_the_dot_products():
    rng = np.random.default_rng(0)
    hs, h = rng.standard_normal((2, 5, 3)), rng.standard_normal((2, 3))
    a = AttentionWeight().forward(hs, h)
    np.testing.assert_allclose(a, softmax(np.einsum("nth,nh->nt", hs, h)))
    np.testing.assert_allclose(a.sum(axis=1), 1.0)


def test_weight_sum_is_the_weighted_sum_of_the_states():
    rng = np.random.default_rng(1)
    hs, a = rng.standard_normal((2, 5, 3)), softmax(rng.standard_normal((2, 5)))
    np.testing.assert_allclose(WeightSum().forward(hs, a), np.einsum("nt,nth->nh", a, hs))
    one_hot = np.eye(5)[[3, 0]]  # all the weight on one position: c is that state
    np.testing.assert_allclose(WeightSum().forward(hs, one_hot), hs[[0, 1], [3, 0]])


def test_time_attention_keeps_every_steps_weights():
    rng = np.random.default_rng(2)
    hs_enc, hs_dec = rng.standard_normal((2, 5, 3)), rng.standard_normal((2, 4, 3))
    layer = TimeAttention()
    out = layer.forward(hs_enc, hs_dec)
    assert out.shape == (2, 4, 3) and len(layer.attention_weights) == 4
    for t in range(4):
        np.testing.assert_allclose(out[:, t], Attention().forward(hs_enc, hs_dec[:, t]))


@pytest.mark.parametrize(("layer", "args", "message"), [
    (WeightSum(), (np.zeros((2, 5, 3)), np.zeros((2, 4))),
     r"^WeightSum\.forward: a has shape \(2, 4\); expected \(N, T\) where N = 2 \(from hs\), "
     r"T = 5 \(from hs\)"),
    (AttentionWeight(), (np.zeros((2, 5, 3)), np.zeros((3, 3))),
     r"^AttentionWeight\.forward: h has shape \(3, 3\); expected \(N, H\) where N = 2"),
    (TimeAttention(), (np.zeros((2, 5, 3)), np.zeros((2, 4, 6))),
     r"^TimeAttention\.forward: hs_dec has shape \(2, 4, 6\); expected \(N, T, H\) where "
     r"N = 2 \(from hs_enc\), H = 3 \(from hs_enc\)"),
])
def test_the_layers_name_an_input_of_the_wrong_shape(layer, args, message):
    with pytest.raises(ValueError, match=message):
        layer.forward(*args)


def test_the_decoders_denc_hs_is_the_gradient_of_the_encoder_states():
    """The encoder states' gradient, which the gradient cases cannot check, numerically."""
    rng = np.random.default_rng(3)
    decoder = AttentionDecoder(6, 3, 4, rng=rng, dtype=np.float64)
    scale_up(decoder)
    xs, enc_hs = ANSWERS[:, :-1], 0.5 * rng.standard_normal((3, 5, 4))
    dscore = rng.standard_normal((3, 3, 6))
    decoder.forward(xs, enc_hs)
    denc_hs = decoder.backward(dscore)
    numerical = numerical_gradient(lambda: float(np.sum(decoder.forward(xs, enc_hs) * dscore)),
                                   enc_hs)
    np.testing.assert_allclose(denc_hs, numerical, rtol=1e-6, atol=1e-9)


def test_the_attention_encoder_hands_over_every_state():
    encoder = AttentionEncoder(6, 3, 4, rng=np.random.default_rng(0))
    hs = encoder.forward(QUESTIONS)
    assert hs.shape == (3, 5, 4)


def test_generate_answers_one_question_and_says_so():
    model = AttentionSeq2seq(6, 3, 4, rng=np.random.default_rng(0))
    assert len(model.generate(QUESTIONS[[1]], 0, 3)) == 3
    with pytest.raises(ValueError, match=r"^AttentionDecoder\.generate: h has shape \(3, 4\); "
                                         r"expected \(1, H\)"):
        model.generate(QUESTIONS, 0, 3)


# -- the fast path --------------------------------------------------------------------------


def test_fast_time_attention_has_the_textbooks_values_and_gradients():
    rng = np.random.default_rng(4)
    hs_enc, hs_dec = rng.standard_normal((3, 6, 4)), rng.standard_normal((3, 5, 4))
    dout = rng.standard_normal((3, 5, 4))
    textbook, fast = TimeAttention(), FastTimeAttention()
    np.testing.assert_allclose(fast.forward(hs_enc, hs_dec), textbook.forward(hs_enc, hs_dec),
                               rtol=1e-12)
    np.testing.assert_allclose(fast.attention_weights,
                               np.stack(textbook.attention_weights, axis=1), rtol=1e-12)
    for a, b in zip(textbook.backward(dout), fast.backward(dout), strict=True):
        np.testing.assert_allclose(b, a, rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("reverse", [False, True])
def test_the_fast_path_has_the_textbooks_loss_gradients_answers_and_weights(reverse):
    rng = np.random.default_rng(5)
    xs = rng.integers(0, 9, (30, 8))
    xs[:, 5:] = 8  # padding at the end of every question, at the start once reversed
    xs[:10, 3:5] = 8
    xs = xs[:, ::-1] if reverse else xs
    ts = np.column_stack([np.full(30, 9), rng.integers(0, 9, (30, 5))])
    textbook = AttentionSeq2seq(10, 5, 8, rng=np.random.default_rng(1), dtype=np.float64)
    fast = FastAttentionSeq2seq(10, 5, 8, rng=np.random.default_rng(1), dtype=np.float64)
    for model in (textbook, fast):
        scale_up(model.encoder, model.decoder)

    assert fast.forward(xs, ts) == pytest.approx(textbook.forward(xs, ts), rel=1e-13)
    np.testing.assert_allclose(fast.decoder.attention.attention_weights,
                               np.stack(textbook.decoder.attention.attention_weights, axis=1),
                               rtol=1e-10, atol=1e-15)
    textbook.backward()
    fast.backward()
    for a, b in zip(textbook.grads, fast.grads, strict=True):
        np.testing.assert_allclose(b, a, rtol=1e-9, atol=1e-13)

    sampled = fast.generate(xs, 9, 5)
    weights = fast.decoder.attention.attention_weights
    assert weights.shape == (30, 5, 8)
    for i in range(30):
        assert sampled[i].tolist() == textbook.generate(xs[[i]], 9, 5)
    # the textbook decoder kept the weights of its last step, question 29's
    np.testing.assert_allclose(weights[29, -1], textbook.decoder.attention.attention_weights[0][0],
                               rtol=1e-10)


def test_one_fast_training_step_equals_one_textbook_step():
    rng = np.random.default_rng(6)
    xs, ts = rng.integers(0, 10, (16, 7)), rng.integers(0, 10, (16, 5))
    textbook = AttentionSeq2seq(10, 4, 6, rng=np.random.default_rng(0), dtype=np.float64)
    fast = FastAttentionSeq2seq(10, 4, 6, rng=np.random.default_rng(0), dtype=np.float64)
    for model in (textbook, fast):
        Trainer(model, Adam(), rng=np.random.default_rng(0), progress=False).step(xs, ts, 0.5)
    for a, b in zip(textbook.params, fast.params, strict=True):
        np.testing.assert_allclose(b, a, rtol=1e-10, atol=1e-13)


def test_the_fast_path_answers_in_batches_as_the_textbook_does_one_by_one():
    rng = np.random.default_rng(7)
    x = rng.integers(0, 6, (25, 5))
    textbook = AttentionSeq2seq(6, 3, 4, rng=np.random.default_rng(0))
    fast = FastAttentionSeq2seq(6, 3, 4, rng=np.random.default_rng(0))
    np.testing.assert_array_equal(answers(fast, x, 0, 4, batch_size=10),
                                  answers(textbook, x, 0, 4))


def test_the_fast_path_names_an_input_of_the_wrong_shape():
    model = FastAttentionSeq2seq(6, 3, 4, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"^FastAttentionDecoder\.forward: enc_hs has shape "
                                         r"\(3, 5, 2\); expected \(N, T_enc, 4\)"):
        model.decoder.forward(ANSWERS, np.zeros((3, 5, 2), dtype=np.float32))


# -- the plugin, its examples and its exercises ------------------------------------------


def test_the_chapter_registers_its_layers_model_examples_and_exercises():
    registry = load_registry()
    registry.raise_for_problems()
    chapter = registry.chapter("attention")
    assert (chapter.number, chapter.requires) == (10, ("backprop", "optimizers", "rnn", "lstm",
                                                       "seq2seq"))
    assert chapter.page.is_file()
    for cls in (WeightSum, AttentionWeight, Attention, TimeAttention, AttentionEncoder,
                AttentionDecoder):
        assert registry.layers[cls.__name__].value is cls
    assert registry.models["AttentionSeq2seq"].value is AttentionSeq2seq
    assert registry.example("attention.dates").size == "long"
    assert [e.id for e in EXERCISES] == ["attention.weight-sum-backward",
                                         "attention.attention-weight-backward"]


CHAPTER_PAGES = Path(__file__).resolve().parents[1] / "chapters"


def assert_publishes_what_the_pages_cite(example_id: str, folder: Path) -> None:
    """Each ``{rindoku-value}`EXAMPLE:NAME``` of a chapter page names a value the run published."""
    cited = {name for page in CHAPTER_PAGES.glob("*.md")
             for name in re.findall(rf"\{{rindoku-value\}}`{re.escape(example_id)}:(\w+)`",
                                    page.read_text(encoding="utf-8"))}
    published, _ = published_values(folder)
    assert cited, f"no page cites a value of {example_id}"
    assert not cited - published.keys(), f"{example_id} does not publish {cited - published.keys()}"


def test_the_weights_example_puts_most_weight_on_the_similar_state(tmp_path, capsys):
    figures = run_example(examples.weights, 0, tmp_path)
    out = capsys.readouterr().out
    weights = [float(w) for w in re.search(r"weights a = softmax\(scores\) = \[([^\]]+)\]",
                                           out).group(1).split()]
    assert np.argmax(weights) == 2 and len(figures) == 1
    assert_publishes_what_the_pages_cite("attention.weights", tmp_path)


def test_the_dates_data_example_shows_the_formats(seq_data, tmp_path, capsys):
    run_example(examples.dates_data, 0, tmp_path)
    out = capsys.readouterr().out
    assert "59 characters in the vocabulary" in out and "-> '_1972-02-07'" in out
    assert_publishes_what_the_pages_cite("attention.dates-data", tmp_path)


@pytest.mark.slow
def test_the_textbook_and_fast_example_agrees_and_times_both(seq_data, tmp_path, capsys):
    run_example(examples.textbook_and_fast, 0, tmp_path)
    out = capsys.readouterr().out
    textbook, fast = re.search(r"loss of one mini-batch: textbook ([\d.]+), fast ([\d.]+)",
                               out).groups()
    assert textbook == fast
    assert_publishes_what_the_pages_cite("attention.textbook-and-fast", tmp_path)


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda exercise: exercise.id)
def test_exercise_metadata(exercise):
    assert exercise.id.startswith("attention.")
    assert "$" in exercise.prompt
    assert Path(exercise.solution_file).is_file()
    assert 2 <= len(exercise.hints) <= 3


@pytest.mark.parametrize(("exercise", "message"), [
    (WEIGHT_SUM_BACKWARD, "no class WeightSum"),
    (ATTENTION_WEIGHT_BACKWARD, "no class AttentionWeight"),
], ids=lambda value: getattr(value, "id", ""))
def test_check_names_what_is_missing(exercise, message):
    with pytest.raises(CheckFailed, match=message):
        exercise.check(attempt_from("import numpy as np\n"))


@pytest.mark.parametrize(("old", "new", "message"), [
    ("dhs = dt * ar", "dhs = dt", r"dhs is dc repeated over the T positions"),
    ("dar = dt * hs", "dar = dt", r"da sums dc over H without multiplying by hs"),
    ("return dhs, da", "return da, dhs", r"returned \(da, dhs\): return \(dhs, da\)"),
    ("da = np.sum(dar, axis=2)", "da = np.sum(dar, axis=1)",
     r"WeightSum\.backward\(dc\) returned an array of shape \(2, 3\); expected \(2, 5\) for da"),
    ("dhs = dt * ar", "dhs = dt * ar * 2", r"dhs, returned by WeightSum\.backward\(dc\) is wrong"),
])
def test_weight_sum_check_names_the_mistake(old, new, message):
    with pytest.raises(CheckFailed, match=message):
        WEIGHT_SUM_BACKWARD.check(with_mistake(WEIGHT_SUM_BACKWARD, old, new))


@pytest.mark.parametrize(("old", "new", "message"), [
    ("ds = self.softmax.backward(da)", "ds = da", r"the gradients skip softmax"),
    ("dhs = dt * hr", "dhs = dt * hs", r"dhs is ds times hs"),
    ("dh = np.sum(dhr, axis=1)", "dh = np.sum(dhr, axis=2)",
     r"returned an array of shape \(2, 5\); expected \(2, 3\) for dh"),
    ("return dhs, dh", "return dh, dhs", r"returned \(dh, dhs\): return \(dhs, dh\)"),
    ("dh = np.sum(dhr, axis=1)", "dh = -np.sum(dhr, axis=1)",
     r"dh, returned by AttentionWeight\.backward\(da\) is wrong"),
])
def test_attention_weight_check_names_the_mistake(old, new, message):
    with pytest.raises(CheckFailed, match=message):
        ATTENTION_WEIGHT_BACKWARD.check(with_mistake(ATTENTION_WEIGHT_BACKWARD, old, new))


def test_the_checks_accept_a_version_written_with_einsum():
    """Another correct way to write the backward passes passes."""
    module = attempt_from(
        "import numpy as np\n"
        "from rindoku_attention.layers import WeightSum as Base\n"
        "class WeightSum(Base):\n"
        "    def backward(self, dc):\n"
        "        hs, ar = self.cache\n"
        "        return dc[:, None, :] * ar, np.einsum('nh,nth->nt', dc, hs)\n")
    WEIGHT_SUM_BACKWARD.check(module)
