"""Tests of the skip-gram chapter: models, fast path, new words, comparison, examples, exercise."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from rindoku import CheckFailed
from rindoku.examples import published_values, run_example
from rindoku.registry import load_registry
from rindoku.testing import attempt_from, with_mistake
from rindoku.trainer import Trainer, unique_params
from rindoku_backprop.functions import cross_entropy_error, softmax
from rindoku_backprop.layers import SoftmaxWithLoss
from rindoku_cbow.contexts import context_offsets, convert_one_hot, create_contexts_target
from rindoku_cbow.fast import AliasUnigramSampler, FastCBOW, context_used
from rindoku_cbow.sampling import UnigramSampler
from rindoku_optimizers.optimizers import Adam
from rindoku_skipgram import examples
from rindoku_skipgram.compare import Result, comparison_table
from rindoku_skipgram.exercises import EXERCISES, SIMPLE_SKIPGRAM
from rindoku_skipgram.fast import FastSkipGram, skipgram_pairs
from rindoku_skipgram.gradcases import GRADIENT_CASES
from rindoku_skipgram.models import SimpleSkipGram, SkipGram
from rindoku_skipgram.vocabulary import FrozenRows, extend_vocabulary, hold_out
from rindoku_text.ptb import vocabulary_of
from rindoku_text.sparse import RowSparseGrad, SparseAdam
from rindoku_text.wordvectors import WordVectors

TOY_CORPUS = np.array([0, 1, 2, 3, 4, 1, 5, 6])  # you say goodbye and i say hello .



def toy_batch():
    """The toy sentence's six examples: contexts (6, 2) ids, target one-hot (6, 7)."""
    contexts, target = create_contexts_target(TOY_CORPUS, 1)
    return contexts, convert_one_hot(target, 7).astype(np.float64)


# -- the models ------------------------------------------------------------------------------


@pytest.mark.parametrize("case", GRADIENT_CASES, ids=lambda case: case.name)
def test_gradient_case_passes(case):
    """Both models' backward agrees with the numerical gradient to 1e-6."""
    report = case.run(np.random.default_rng(0))
    assert report.comparisons
    assert report.max_error < 1e-6, report.worst.describe()


def test_every_model_has_a_case():
    assert {case.layer for case in GRADIENT_CASES} == {"SimpleSkipGram", "SkipGram"}


def test_simple_skipgram_loss_is_the_sum_of_the_context_losses():
    """L = L1 + L2: one softmax cross-entropy per context position, on the same scores."""
    contexts, target = toy_batch()
    model = SimpleSkipGram(7, 4, np.random.default_rng(0), dtype=np.float64)
    for W in model.params:
        W *= 50
    loss = model.forward(contexts, target)
    y = softmax(target @ model.params[0] @ model.params[1])
    l1, l2 = cross_entropy_error(y, contexts[:, 0]), cross_entropy_error(y, contexts[:, 1])
    assert loss == pytest.approx(l1 + l2, rel=1e-12)
    scores = model.predict(target)
    separate = [SoftmaxWithLoss().forward(scores, contexts[:, i]) for i in range(2)]
    assert loss == pytest.approx(sum(separate), rel=1e-12)
    # one-hot contexts give the same loss as label contexts
    assert model.forward(convert_one_hot(contexts, 7), target) == pytest.approx(loss)


def test_simple_skipgram_backward_adds_both_losses_gradients():
    """dW_out = h^T (dL1/ds + dL2/ds): s feeds both loss layers."""
    contexts, target = toy_batch()
    model = SimpleSkipGram(7, 4, np.random.default_rng(1), dtype=np.float64)
    model.forward(contexts, target)
    model.backward()
    y = softmax(target @ model.params[0] @ model.params[1])
    ds = 2 * y
    for i in range(2):
        ds[np.arange(6), contexts[:, i]] -= 1
    ds /= 6
    h = target @ model.params[0]
    np.testing.assert_allclose(model.grads[1], h.T @ ds, rtol=1e-10)
    np.testing.assert_allclose(model.grads[0], target.T @ (ds @ model.params[1].T), rtol=1e-10)


def test_simple_skipgram_learns_the_toy_sentence():
    """The book's run: hidden 5, Adam, 1000 epochs of batch 3; the loss nears its floor 1.85."""
    rng = np.random.default_rng(0)
    contexts, target = create_contexts_target(TOY_CORPUS, 1)
    model = SimpleSkipGram(7, 5, rng=rng)
    history = Trainer(model, Adam(), rng=rng, progress=False).fit(
        convert_one_hot(contexts, 7), convert_one_hot(target, 7), max_epoch=1000, batch_size=3)
    assert history.epoch_losses[0] > 3.8  # 2 log 7 = 3.89 for a uniform guess
    assert history.epoch_losses[-1] < 2.0
    # from "goodbye" the model expects "say" and "and" around it
    p = softmax(model.predict(convert_one_hot(np.array([2]), 7)))[0]
    assert set(np.argsort(-p)[:2]) == {1, 3}


def test_skipgram_shares_w_out_among_its_loss_layers():
    corpus = np.arange(30) % 9
    model = SkipGram(9, 4, 2, corpus, np.random.default_rng(0), sample_size=3)
    W_in, W_out = model.word_vecs, model.loss_layers[0].params[0]
    assert len(model.loss_layers) == 4
    assert model.params[0] is W_in and len(model.params) == 1 + 4 * 4
    assert all(p is W_out for p in model.params[1:])
    params, _ = unique_params(model.params, model.grads)
    assert [p.shape for p in params] == [(9, 4), (9, 4)]


def test_skipgram_draws_the_books_negatives_and_the_fast_path_the_alias_ones():
    """SkipGram's loss layers sample as the book does; FastSkipGram with the alias method."""
    corpus = np.arange(60) % 12
    model = SkipGram(12, 4, 2, corpus, np.random.default_rng(0), sample_size=5)
    assert all(isinstance(layer.sampler, UnigramSampler) for layer in model.loss_layers)
    contexts, target = create_contexts_target(corpus, 2)
    model.forward(contexts, target)
    for i, layer in enumerate(model.loss_layers):
        negative = layer.negative_sample
        assert all(len(set(row)) == 5 for row in negative.tolist())
        assert not np.any(negative == contexts[:, i, None])
    fast = FastSkipGram(12, 4, 2, corpus, np.random.default_rng(0))
    assert isinstance(fast.sampler, AliasUnigramSampler)


def test_skipgram_loss_is_the_sum_of_the_context_positions_losses():
    corpus = np.random.default_rng(0).integers(0, 9, 40)
    contexts, target = create_contexts_target(corpus, 2)
    model = SkipGram(9, 4, 2, corpus, np.random.default_rng(1), sample_size=2,
                     dtype=np.float64)
    negatives = np.stack([layer.sampler.get_negative_sample(contexts[:8, i])
                          for i, layer in enumerate(model.loss_layers)], axis=1)
    loss = model.forward(contexts[:8], target[:8], negatives)
    h = model.word_vecs[target[:8]]
    parts = [layer.forward(h, contexts[:8, i], negatives[:, i])
             for i, layer in enumerate(model.loss_layers)]
    assert loss == pytest.approx(sum(parts), rel=1e-12)


# -- the fast path ------------------------------------------------------------------------------


def small_setup(seed: int = 0, window: int = 3, vocab: int = 40, n: int = 600):
    rng = np.random.default_rng(seed)
    corpus = rng.zipf(1.4, n) % vocab
    corpus[:vocab] = np.arange(vocab)  # every word at least once
    contexts, target = create_contexts_target(corpus, window)
    return corpus, contexts, target


def textbook_negatives(model: SkipGram, contexts: np.ndarray) -> np.ndarray:
    """Negatives for every context position, drawn by the textbook model's own samplers."""
    return np.stack([layer.sampler.get_negative_sample(contexts[:, i])
                     for i, layer in enumerate(model.loss_layers)], axis=1)


def test_skipgram_pairs_follow_the_used_columns():
    contexts = np.array([[1, 2, 3, 4], [5, 6, 7, 8]])
    target = np.array([10, 20])
    used = np.array([[False, True, True, False], [True, True, True, True]])
    example, column, centre, context = skipgram_pairs(contexts, target, used)
    assert example.tolist() == [0, 0, 1, 1, 1, 1]
    assert column.tolist() == [1, 2, 0, 1, 2, 3]
    assert centre.tolist() == [10, 10, 20, 20, 20, 20]
    assert context.tolist() == [2, 3, 5, 6, 7, 8]


def test_random_window_gives_window_plus_one_pairs_per_target_on_average():
    """Reach r uniform in 1 … w: 2r pairs, w + 1 on average (6 for the book's window 5)."""
    used = context_used(5, 50_000, np.random.default_rng(0))
    assert used.sum(axis=1).mean() == pytest.approx(6, abs=0.05)
    assert np.array_equal(used, np.abs(context_offsets(5)) <= used.sum(axis=1)[:, None] // 2)


def test_fast_path_has_the_textbook_gradients_on_the_same_batch():
    """FastSkipGram with a fixed window computes SkipGram's loss and gradients exactly."""
    corpus, contexts, target = small_setup()
    textbook = SkipGram(40, 8, 3, corpus, np.random.default_rng(1), dtype=np.float64)
    fast = FastSkipGram(40, 8, 3, corpus, np.random.default_rng(1), shrink_window=False,
                        dtype=np.float64)
    params, _ = unique_params(textbook.params, textbook.grads)
    for a, b in zip(params, fast.params, strict=True):
        np.testing.assert_array_equal(a, b)  # the same initial weights

    batch = slice(100, 164)
    negatives = textbook_negatives(textbook, contexts[batch])
    loss = textbook.forward(contexts[batch], target[batch], negatives)
    assert fast.forward(contexts[batch], target[batch], negatives) == pytest.approx(loss, 1e-12)
    textbook.backward()
    fast.backward()
    _, grads = unique_params(textbook.params, textbook.grads)
    for dense, sparse_grad in zip(grads, fast.grads, strict=True):
        assert isinstance(sparse_grad, RowSparseGrad)
        np.testing.assert_allclose(sparse_grad.to_dense(), dense, rtol=1e-10, atol=1e-15)


def test_one_fast_step_equals_one_textbook_step(one_step_with_fixed_negatives):
    """On the first step lazy and dense Adam agree, so both paths end in the same weights."""
    corpus, contexts, target = small_setup()
    textbook = SkipGram(40, 8, 3, corpus, np.random.default_rng(1), dtype=np.float64)
    fast = FastSkipGram(40, 8, 3, corpus, np.random.default_rng(1), shrink_window=False,
                        dtype=np.float64)
    negatives = textbook_negatives(textbook, contexts[:64])

    one_step_with_fixed_negatives(textbook, fast, negatives, contexts[:64], target[:64])


def test_negatives_are_drawn_for_each_pair_without_its_context_word():
    corpus, contexts, target = small_setup()
    model = FastSkipGram(40, 6, 3, corpus, np.random.default_rng(0))
    model.forward(contexts[:200], target[:200])
    _, outputs, normalizer, *_ = model.loss_layer.cache
    assert normalizer == 200  # each position's loss is averaged over the targets
    assert outputs.shape[1] == 6 and 200 * 2 <= len(outputs) <= 200 * 6
    assert not np.any(outputs[:, 1:] == outputs[:, :1])


def test_fast_path_learns_a_small_corpus():
    corpus, contexts, target = small_setup(n=3000)
    rng = np.random.default_rng(0)
    model = FastSkipGram(40, 10, 3, corpus, rng)
    history = Trainer(model, SparseAdam(lr=0.01), rng=rng, progress=False).fit(
        contexts, target, max_epoch=10, batch_size=256)
    assert history.epoch_losses[-1] < 0.8 * history.epoch_losses[0]
    assert model.word_vecs.dtype == np.float32


def test_the_fast_path_refuses_word_ids_outside_the_vocabulary():
    """A context word of -1 would be scored against the last row of W_out: it is refused."""
    corpus, contexts, target = small_setup()
    model = FastSkipGram(40, 8, 3, corpus, np.random.default_rng(0))
    contexts = contexts[:8].copy()
    contexts[2, 4] = -1
    with pytest.raises(ValueError, match=r"^FastSkipGram: context word id -1 is outside "
                                         r"0\.\.39 \(40 words in the vocabulary\)$"):
        model.forward(contexts, target[:8])
    with pytest.raises(ValueError, match=r"^FastSkipGram: corpus word id 30 is outside 0\.\.29"):
        FastSkipGram(30, 8, 3, corpus, np.random.default_rng(0))


def test_a_short_ptb_run_lowers_the_loss(shared_data):
    """Two epochs of the fast path on the first 50,000 targets of PTB."""
    from rindoku_text.ptb import load_data

    corpus, word_to_id, _ = load_data("train")
    contexts, target = create_contexts_target(corpus, 5)
    rng = np.random.default_rng(0)
    model = FastSkipGram(len(word_to_id), 50, 5, corpus, rng)
    history = Trainer(model, SparseAdam(lr=0.01), rng=rng, progress=False).fit(
        contexts[:50_000], target[:50_000], max_epoch=2, batch_size=4096, eval_interval=3)
    assert history.losses[0] > 20.0  # about 6 pairs times 6 log 2 at the start
    assert history.losses[-1] < history.losses[0] - 4.0
    assert history.epoch_losses[1] < history.epoch_losses[0]


# -- new words ----------------------------------------------------------------------------------


def trained_small_model(model_class=FastSkipGram):
    """A fast model trained a little on a small corpus, with its optimizer."""
    corpus, contexts, target = small_setup(n=2000)
    rng = np.random.default_rng(0)
    model = model_class(40, 6, 3, corpus, rng)
    optimizer = SparseAdam(lr=0.01)
    Trainer(model, optimizer, rng=rng, progress=False).fit(contexts, target, 2, batch_size=256)
    return corpus, model, optimizer


@pytest.mark.parametrize("model_class", [FastSkipGram, FastCBOW])
def test_extend_vocabulary_keeps_old_rows_and_adds_new_ones(model_class):
    corpus, model, optimizer = trained_small_model(model_class)
    old = [W.copy() for W in model.params]
    m_before = [m.copy() for m in optimizer.m]
    t_before = [t.copy() for t in optimizer.t]
    word_to_id = {f"w{i}": i for i in range(40)}
    new_corpus = np.concatenate([corpus, [40, 41, 40, 42, 40]])
    new_to_id, id_to_new = extend_vocabulary(model, word_to_id, ["x", "y", "z"], new_corpus,
                                             np.random.default_rng(1), optimizer=optimizer)

    assert new_to_id["x"] == 40 and id_to_new[42] == "z" and len(new_to_id) == 43
    assert model.vocab_size == 43
    for W, before in zip(model.params, old, strict=True):
        assert W.shape == (43, 6) and W.dtype == np.float32
        np.testing.assert_array_equal(W[:40], before)
        assert 0 < np.abs(W[40:]).max() < 0.1  # small, like the first rows at the start
    assert model.word_vecs is model.params[0] is model.loss_layer.params[0]
    assert all(g.shape == (43, 6) for g in model.grads)
    assert model.sampler.vocab_size == 43
    np.testing.assert_allclose(model.sampler.word_p[40] / model.sampler.word_p[41], 3 ** 0.75)
    for m, before, t, steps in zip(optimizer.m, m_before, optimizer.t, t_before, strict=True):
        np.testing.assert_array_equal(m[:40], before)
        assert not m[40:].any() and t[40:].tolist() == [0, 0, 0]
        np.testing.assert_array_equal(t[:40], steps)


def test_training_continues_with_the_new_words():
    """After extend_vocabulary the Trainer goes on, the new rows move and the loss falls."""
    corpus, model, optimizer = trained_small_model()
    word_to_id = {f"w{i}": i for i in range(40)}
    rng = np.random.default_rng(2)
    new_text = np.where(rng.random(len(corpus)) < 0.1, 40 + rng.integers(0, 2, len(corpus)),
                        corpus)
    extend_vocabulary(model, word_to_id, ["x", "y"], new_text, rng, optimizer=optimizer)
    start = model.params[0][40:].copy()
    contexts, target = create_contexts_target(new_text, 3)
    history = Trainer(model, optimizer, rng=rng, progress=False).fit(
        contexts, target, max_epoch=5, batch_size=256)
    assert np.all(np.isfinite(history.epoch_losses))
    assert history.epoch_losses[-1] < history.epoch_losses[0]
    assert not np.allclose(model.params[0][40:], start)
    assert optimizer.t[0][40:].min() > 0


def test_frozen_rows_train_only_the_new_words():
    corpus, model, optimizer = trained_small_model()
    extend_vocabulary(model, {f"w{i}": i for i in range(40)}, ["x"],
                      np.append(corpus, 40), np.random.default_rng(0), optimizer=optimizer)
    old = [W[:40].copy() for W in model.params]
    new_text = np.where(np.arange(len(corpus)) % 7 == 0, 40, corpus)
    contexts, target = create_contexts_target(new_text, 3)
    Trainer(FrozenRows(model, 40), optimizer, rng=np.random.default_rng(0),
            progress=False).fit(contexts, target, max_epoch=2, batch_size=256)
    for W, before in zip(model.params, old, strict=True):
        np.testing.assert_array_equal(W[:40], before)
    assert optimizer.t[0][40] > 0


@pytest.mark.parametrize(("new", "message"), [
    (["x", "w3"], "'w3': already in the vocabulary"),
    (["x", "y", "x"], "'x': given twice"),
])
def test_extend_vocabulary_refuses_words_it_has(new, message):
    _, model, optimizer = trained_small_model()
    with pytest.raises(ValueError, match=message):
        extend_vocabulary(model, {f"w{i}": i for i in range(40)}, new, np.arange(40),
                          np.random.default_rng(0), optimizer=optimizer)


def test_hold_out_and_vocabulary_of():
    text = ["the", "cat", "sat", "on", "the", "mat"]
    assert hold_out(text, {"cat", "mat"}) == ["the", "<unk>", "sat", "on", "the", "<unk>"]
    word_to_id, id_to_word = vocabulary_of(text)
    assert word_to_id == {"the": 0, "cat": 1, "sat": 2, "on": 3, "mat": 4}
    assert id_to_word[4] == "mat"


# -- the comparison ------------------------------------------------------------------------------


def test_comparison_table_has_one_row_per_method():
    from rindoku_text.wordvectors import AnalogyReport, AnalogySection, SimilarityReport

    vectors = WordVectors.from_words(np.eye(3, dtype=np.float32), ["a", "b", "c"])
    analogy = AnalogyReport((AnalogySection("capital", 1, 4, 10),
                             *[AnalogySection(f"s{i}", 0, 0, 0) for i in range(4)],
                             AnalogySection("gram1", 3, 4, 10)))
    similarity = SimilarityReport(0.3, 0.01, 5, 10)
    results = [Result(name, "settings of " + name, seconds, vectors, analogy, similarity)
               for name, seconds in [("count-based (book)", 2.0), ("skip-gram", 60.0)]]
    table = comparison_table(results)
    assert re.search(r"count-based \(book\)\s+2\.0s\s+50\.00%\s+25\.00%\s+75\.00%\s+0\.300", table)
    assert "skip-gram: settings of skip-gram" in table
    assert "8 of 20 Google questions" in table


# -- the plugin and its page ------------------------------------------------------------------


def test_the_chapter_registers_its_models_examples_and_exercises():
    registry = load_registry()
    registry.raise_for_problems()
    chapter = registry.chapter("skipgram")
    assert (chapter.number, chapter.title, chapter.title_ja) == (6, "Skip-gram", "スキップグラム")
    assert chapter.page.is_file() and chapter.source == "Book 2 ch. 3–4"
    assert chapter.terms["skip-gram"] == "スキップグラム"
    for cls in (SimpleSkipGram, SkipGram):
        assert registry.models[cls.__name__].value is cls
    assert not [n for n, item in registry.layers.items() if item.plugin == "skipgram"]
    sizes = {"skipgram.toy": "quick", "skipgram.ptb": "long", "skipgram.compare": "long",
             "skipgram.compare-short": "quick", "skipgram.new-words": "quick"}
    for example_id, size in sizes.items():
        assert registry.example(example_id).size == size
    assert [e.id for e in EXERCISES] == ["skipgram.simple-skipgram"]


def test_no_term_repeats_another_chapters():
    registry = load_registry()
    ours = set(registry.chapter("skipgram").terms)
    for slug, item in registry.chapters.items():
        if slug != "skipgram":
            assert not ours & set(item.value.terms), slug


# -- examples -----------------------------------------------------------------------------------


CHAPTER_PAGES = Path(__file__).resolve().parents[1] / "chapters"


def assert_publishes_what_the_pages_cite(example_id: str, folder: Path) -> None:
    """Each ``{rindoku-value}`EXAMPLE:NAME``` of a chapter page names a value the run published."""
    cited = {name for page in CHAPTER_PAGES.glob("*.md")
             for name in re.findall(rf"\{{rindoku-value\}}`{re.escape(example_id)}:(\w+)`",
                                    page.read_text(encoding="utf-8"))}
    published, _ = published_values(folder)
    assert cited, f"no page cites a value of {example_id}"
    assert not cited - published.keys(), f"{example_id} does not publish {cited - published.keys()}"


def test_toy_example_trains_and_draws(tmp_path, capsys):
    figures = run_example(examples.toy, 0, tmp_path)
    out = capsys.readouterr().out
    first, last = map(float, re.search(r"loss: ([\d.]+) in the first epoch, ([\d.]+)", out)
                      .groups())
    assert first > 3.8 and last < 2.0
    assert "_ goodbye  _" in out
    assert len(figures) == 2
    assert_publishes_what_the_pages_cite("skipgram.toy", tmp_path)


@pytest.mark.slow
def test_compare_short_example_prints_one_table(shared_data, tmp_path, capsys):
    figures = run_example(examples.compare_short, 0, tmp_path)
    out = capsys.readouterr().out
    for name in ["count-based (book)", "count-based (tuned)", "CBOW", "skip-gram"]:
        assert re.search(rf"^{re.escape(name)}\s+[\d.]+s\s+[\d.]+%", out, flags=re.M), name
    assert len(figures) == 2
    assert_publishes_what_the_pages_cite("skipgram.compare-short", tmp_path)


@pytest.mark.slow
def test_new_words_example_learns_them_without_moving_the_old(shared_data, tmp_path, capsys):
    figures = run_example(examples.new_words, 0, tmp_path)
    out = capsys.readouterr().out
    assert len(figures) == 1
    assert re.search(r"^new rows only\s+[\d.]+s\s+100%", out, flags=re.M)
    block = out.split("nearest words to the new words:")[1]
    october = re.search(r"october\n\s+new rows only\s+(.*)", block).group(1)
    months = {"september", "august", "march", "november", "july", "june", "oct.", "april"}
    assert months & set(october.split(", "))
    times = dict(re.findall(r"^(new rows only|from scratch)\s+([\d.]+)s", out, flags=re.M))
    assert float(times["new rows only"]) < float(times["from scratch"])
    assert_publishes_what_the_pages_cite("skipgram.new-words", tmp_path)


# -- the exercise ---------------------------------------------------------------------------


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda exercise: exercise.id)
def test_exercise_metadata(exercise):
    assert exercise.id.startswith("skipgram.")
    assert "$" in exercise.prompt
    assert Path(exercise.solution_file).is_file()
    assert 2 <= len(exercise.hints) <= 3
    assert exercise.starter.count("raise NotImplementedError") == 2  # forward and backward


def test_check_names_what_is_missing():
    with pytest.raises(CheckFailed, match="no class SimpleSkipGram"):
        SIMPLE_SKIPGRAM.check(attempt_from("import numpy as np\n"))


@pytest.mark.parametrize(("old", "new", "message"), [
    ("loss = l1 + l2", "loss = l1", r"only the first context position's loss L1"),
    ("loss = l1 + l2", "loss = (l1 + l2) / 2", r"average of L1 and L2"),
    ("l2 = self.loss_layer2.forward(s, contexts[:, 1])",
     "l2 = self.loss_layer2.forward(s, contexts[:, 0])", r"its own column of contexts"),
    ("        return loss\n", "", r"forward returned None"),
    ("ds = dl1 + dl2", "ds = dl1", r"dW_out \(grads\[1\]\) holds only loss_layer1's gradient"),
    ("ds = dl1 + dl2", "ds = (dl1 + dl2) / 2", r"half the right gradient"),
    ("        self.in_layer.backward(dh)\n", "", r"dW_in \(grads\[0\]\) is all zeros"),
    ("dh = self.out_layer.backward(ds)", "dh = 2 * self.out_layer.backward(ds)",
     r"dW_in \(grads\[0\]\) is wrong: at index \(\d, \d\) it is"),
])
def test_check_names_the_mistake(old, new, message):
    with pytest.raises(CheckFailed, match=message):
        SIMPLE_SKIPGRAM.check(with_mistake(SIMPLE_SKIPGRAM, old, new))


def test_check_falls_back_on_the_numerical_gradient():
    """Right against the library's model, wrong on the fresh one: the gradient check catches it."""
    source = SIMPLE_SKIPGRAM.solution.replace(
        "        self.in_layer.backward(dh)\n        return None",
        "        self.in_layer.backward(dh)\n"
        "        type(self).calls = getattr(type(self), 'calls', 0) + 1\n"
        "        if type(self).calls > 1:\n"
        "            self.grads[0][...] += 1.0\n"
        "        return None")
    message = (r"(?s)dW_in \(grads\[0\]\) is wrong: it disagrees with the numerical gradient"
               r".*worst element: params\[0\] .* at index")
    with pytest.raises(CheckFailed, match=message):
        SIMPLE_SKIPGRAM.check(attempt_from(source))
