"""Tests of the CBOW chapter: contexts, layers, sampler, models, fast path, examples, exercises."""

from __future__ import annotations

import re
import time
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from rindoku import CheckFailed, GradientCheckError, gradient_check
from rindoku.examples import published_values, run_example
from rindoku.registry import load_registry
from rindoku.testing import attempt_from, with_mistake
from rindoku.trainer import Trainer, unique_params
from rindoku_backprop.functions import sigmoid
from rindoku_cbow import examples
from rindoku_cbow.contexts import context_offsets, convert_one_hot, create_contexts_target
from rindoku_cbow.exercises import (
    CONTEXTS_TARGET,
    EMBEDDING_DOT_BACKWARD,
    EXERCISES,
    SIMPLE_CBOW_BACKWARD,
)
from rindoku_cbow.fast import AliasUnigramSampler, FastCBOW, FusedNegativeSampling, RowBag
from rindoku_cbow.gradcases import GRADIENT_CASES
from rindoku_cbow.layers import Embedding, EmbeddingDot, NegativeSamplingLoss
from rindoku_cbow.models import CBOW, SimpleCBOW
from rindoku_cbow.sampling import UnigramSampler
from rindoku_optimizers.optimizers import Adam
from rindoku_text.sparse import RowSparseGrad, SparseAdam

TOY_CORPUS = np.array([0, 1, 2, 3, 4, 1, 5, 6])  # you say goodbye and i say hello .



# -- contexts and targets --------------------------------------------------------------


def test_contexts_and_target_of_the_toy_sentence():
    """Window 1: each word but the first and last, with its left and right neighbour."""
    contexts, target = create_contexts_target(TOY_CORPUS, window_size=1)
    assert target.tolist() == [1, 2, 3, 4, 1, 5]
    assert contexts.tolist() == [[0, 2], [1, 3], [2, 4], [3, 1], [4, 5], [1, 6]]
    assert contexts.dtype == target.dtype == TOY_CORPUS.dtype


def test_contexts_with_a_wider_window_keep_corpus_order():
    """Window 2: the two words before, then the two after; the offsets name the columns."""
    corpus = np.arange(10, 20)
    contexts, target = create_contexts_target(corpus, window_size=2)
    assert context_offsets(2).tolist() == [-2, -1, 1, 2]
    assert target.tolist() == list(range(12, 18))
    assert contexts[0].tolist() == [10, 11, 13, 14]
    np.testing.assert_array_equal(contexts, target[:, None] + context_offsets(2))


@pytest.mark.parametrize(("corpus", "window", "message"), [
    (np.arange(4), 2, "no position with 2 word"),
    (np.arange(4), 0, "at least 1"),
])
def test_contexts_errors_say_why(corpus, window, message):
    with pytest.raises(ValueError, match=message):
        create_contexts_target(corpus, window)


def test_convert_one_hot():
    """Word ids become rows of the identity matrix, for 1-D and 2-D ids."""
    one_hot = convert_one_hot(np.array([2, 0]), 3)
    assert one_hot.tolist() == [[0, 0, 1], [1, 0, 0]] and one_hot.dtype == np.int32
    contexts, _ = create_contexts_target(TOY_CORPUS, 1)
    one_hot = convert_one_hot(contexts, 7)
    assert one_hot.shape == (6, 2, 7)
    np.testing.assert_array_equal(one_hot.argmax(axis=2), contexts)
    assert np.all(one_hot.sum(axis=2) == 1)


# -- layers --------------------------------------------------------------------------------


@pytest.mark.parametrize("case", GRADIENT_CASES, ids=lambda case: case.name)
def test_gradient_case_passes(case):
    """Every layer's and model's backward agrees with the numerical gradient to 1e-6."""
    report = case.run()
    assert report.comparisons
    assert report.max_error < 1e-6, report.worst.describe()


def test_every_layer_and_model_has_a_case():
    covered = {case.layer for case in GRADIENT_CASES}
    assert covered == {"Embedding", "EmbeddingDot", "NegativeSamplingLoss", "SimpleCBOW", "CBOW"}


def test_embedding_is_a_row_lookup_and_adds_repeated_rows():
    """forward is W[idx]; backward puts dout[i] into row idx[i], adding for repeats."""
    W = np.arange(12.0).reshape(4, 3)
    layer = Embedding(W)
    idx = np.array([1, 3, 1])
    np.testing.assert_array_equal(layer.forward(idx), W[idx])
    grad = layer.grads[0]
    dout = np.array([[1.0, 2, 3], [4, 5, 6], [10, 20, 30]])
    assert layer.backward(dout) is None
    assert layer.grads[0] is grad
    np.testing.assert_array_equal(grad, [[0, 0, 0], [11, 22, 33], [0, 0, 0], [4, 5, 6]])


class OverwritingEmbedding(Embedding):
    """A wrong Embedding: ``dW[idx] = dout`` keeps only the last of a repeated row."""

    def backward(self, dout):
        (dW,) = self.grads
        dW[...] = 0
        dW[self.idx] = dout


def test_the_repeated_ids_case_catches_an_overwriting_backward():
    """The gradient check with repeated ids fails on dW[idx] = dout."""
    layer, inputs = GRADIENT_CASES[0].build(np.random.default_rng(0))
    wrong = OverwritingEmbedding(layer.params[0])
    with pytest.raises(GradientCheckError, match=r"params\[0\]"):
        gradient_check(wrong, inputs, wrt=())


def test_embedding_dot_scores_one_row_per_example():
    W = np.array([[1.0, 0], [0, 2], [3, 3]])
    h = np.array([[1.0, 1], [2, 0]])
    layer = EmbeddingDot(W)
    np.testing.assert_array_equal(layer.forward(h, np.array([2, 1])), [6.0, 0.0])
    dh = layer.backward(np.array([1.0, 0.5]))
    np.testing.assert_array_equal(dh, [[3, 3], [0, 1]])
    np.testing.assert_array_equal(layer.grads[0], [[0, 0], [1, 0], [1, 1]])
    assert layer.params[0] is W


@pytest.mark.parametrize("bad", [-1, 8])
def test_embedding_layers_refuse_a_word_id_outside_the_vocabulary(bad):
    """-1 would quietly be the last row of W (NumPy indexing): each layer names itself."""
    W = np.ones((8, 2))
    hint = r"; each word id picks one row of W, one row per word of the vocabulary$"
    with pytest.raises(ValueError, match=rf"^Embedding: word id {bad} is outside 0\.\.7 "
                                         rf"\(8 rows of W\){hint}"):
        Embedding(W).forward(np.array([[0, bad]]))
    with pytest.raises(ValueError, match=rf"^EmbeddingDot: word id {bad} is outside 0\.\.7"):
        EmbeddingDot(W).forward(np.ones((2, 2)), np.array([1, bad]))
    model = CBOW(8, 2, 1, np.arange(8), np.random.default_rng(0), sample_size=2)
    with pytest.raises(ValueError, match=rf"^Embedding: word id {bad} is outside 0\.\.7"):
        model.forward(np.array([[0, 1], [2, bad]]), np.array([1, 2]))
    with pytest.raises(ValueError, match=rf"^NegativeSamplingLoss: target word id {bad} is "
                                         r"outside 0\.\.7"):
        model.forward(np.array([[0, 1], [2, 3]]), np.array([1, bad]))


def test_negative_sampling_refuses_a_corpus_with_words_beyond_w():
    """Negatives are drawn from the corpus: a word id W has no row for is refused at once."""
    with pytest.raises(ValueError, match=r"^NegativeSamplingLoss: corpus word id 5 is outside "
                                         r"0\.\.3 \(4 rows of W\)"):
        NegativeSamplingLoss(np.ones((4, 2)), np.array([0, 1, 5, 2]), rng=np.random.default_rng(0))


def test_negative_sampling_loss_is_the_sum_of_the_sigmoid_losses():
    """Loss = -log s(h·w_target) - sum log(1 - s(h·w_negative)), averaged over the batch."""
    rng = np.random.default_rng(1)
    W = 0.5 * rng.standard_normal((6, 3))
    h = rng.standard_normal((4, 3))
    target = np.array([0, 1, 2, 3])
    negatives = np.array([[1, 2], [0, 5], [4, 4], [2, 1]])
    layer = NegativeSamplingLoss(W, np.arange(6), sample_size=2, rng=rng)
    loss = layer.forward(h, target, negatives)
    positive = -np.log(sigmoid(np.sum(h * W[target], axis=1)) + 1e-7)
    negative = -np.log(1 - sigmoid(np.einsum("nd,nkd->nk", h, W[negatives])) + 1e-7)
    assert loss == pytest.approx(np.mean(positive) + np.sum(negative.mean(axis=0)))
    assert len(layer.params) == 3 and all(p is W for p in layer.params)


def test_negative_sampling_loss_draws_the_books_negatives():
    """Four words, three negatives: each row is exactly the three words that are not its target."""
    rng = np.random.default_rng(2)
    layer = NegativeSamplingLoss(np.zeros((4, 2)), np.array([0, 1, 2, 3, 0]), 0.75, 3, rng=rng)
    assert isinstance(layer.sampler, UnigramSampler)
    target = np.array([0, 1, 2, 3] * 50)
    layer.forward(np.ones((200, 2)), target)
    assert layer.negative_sample.shape == (200, 3)
    for row, word in zip(layer.negative_sample, target, strict=True):
        assert sorted(row) == sorted({0, 1, 2, 3} - {word})


# -- the samplers --------------------------------------------------------------------------------


def without(p: np.ndarray, word: int) -> np.ndarray:
    """The probabilities ``p`` with ``word`` left out, renormalised."""
    q = p.copy()
    q[word] = 0
    return q / q.sum()


@pytest.mark.parametrize("sampler_class", [UnigramSampler, AliasUnigramSampler])
def test_sampler_probabilities_are_counts_to_the_power(sampler_class):
    """Both samplers, the book's and the fast path's, draw from counts ** 0.75, normalised."""
    corpus = np.array([0] * 16 + [1] * 1 + [2] * 81)
    sampler = sampler_class(corpus, power=0.75, sample_size=2, rng=np.random.default_rng(0))
    weights = np.array([16, 1, 81]) ** 0.75
    np.testing.assert_allclose(sampler.word_p, weights / weights.sum())


def test_book_sampler_never_repeats_a_word_nor_draws_the_target():
    """Each row: sample_size different words, none of them the row's target."""
    rng = np.random.default_rng(3)
    sampler = UnigramSampler(np.repeat(np.arange(8), [40, 20, 10, 5, 3, 2, 1, 1]),
                             sample_size=5, rng=rng)
    target = rng.integers(0, 8, 2000)
    negative = sampler.get_negative_sample(target)
    assert negative.shape == (2000, 5) and negative.dtype == np.int32
    assert not np.any(negative == target[:, None])
    assert all(len(set(row)) == 5 for row in negative.tolist())


def test_book_sampler_rows_follow_p_drawn_without_replacement():
    """Chi-square tests (fixed seed) of the book's draws against p without the target.

    The first word of a row follows q, the probabilities without the target;
    an ordered pair (a, b) comes with probability q_a q_b / (1 - q_a), as
    drawing a and then b from what is left.
    """
    rng = np.random.default_rng(11)
    sampler = UnigramSampler(np.repeat(np.arange(5), [50, 20, 10, 5, 1]), sample_size=2,
                             rng=rng)
    negative = sampler.get_negative_sample(np.ones(20_000, dtype=int))  # target: word 1
    q = without(sampler.word_p, 1)
    first = np.bincount(negative[:, 0], minlength=5)
    assert first[1] == 0
    others = [0, 2, 3, 4]
    assert stats.chisquare(first[others], q[others] * len(negative)).pvalue > 0.01
    pairs = [(a, b) for a in others for b in others if a != b]
    observed = [np.sum((negative[:, 0] == a) & (negative[:, 1] == b)) for a, b in pairs]
    expected = [q[a] * q[b] / (1 - q[a]) * len(negative) for a, b in pairs]
    assert sum(observed) == len(negative)
    assert stats.chisquare(observed, expected).pvalue > 0.01


def test_fast_sampler_draws_from_the_books_distribution_and_may_repeat():
    """The alias sampler's negatives follow the book's q too, but a row may hold a word twice."""
    corpus = np.repeat(np.arange(5), [50, 20, 10, 5, 1])
    book = UnigramSampler(corpus, sample_size=3, rng=np.random.default_rng(1))
    fast = AliasUnigramSampler(corpus, sample_size=3, rng=np.random.default_rng(1))
    np.testing.assert_array_equal(fast.word_p, book.word_p)
    target = np.zeros(20_000, dtype=int)
    from_book = np.bincount(book.get_negative_sample(target)[:, 0], minlength=5)[1:]
    from_fast = fast.get_negative_sample(target)
    first = np.bincount(from_fast[:, 0], minlength=5)[1:]
    assert stats.chi2_contingency([from_book, first]).pvalue > 0.01
    assert any(len(set(row)) < 3 for row in from_fast.tolist())


def test_alias_table_gives_each_word_exactly_its_probability():
    """Bucket i keeps word i with keep[i] and gives alias[i] otherwise: the totals are p."""
    corpus = np.random.default_rng(0).zipf(1.5, 5000) % 300
    sampler = AliasUnigramSampler(corpus, rng=np.random.default_rng(0))
    V = sampler.vocab_size
    total = sampler.keep / V + np.bincount(sampler.alias, weights=(1 - sampler.keep) / V,
                                           minlength=V)
    np.testing.assert_allclose(total, sampler.word_p, atol=1e-12)


def test_alias_sampler_draws_from_its_distribution():
    """A chi-square test of 200,000 draws against word_p does not reject (fixed seed)."""
    rng = np.random.default_rng(12345)
    corpus = rng.zipf(1.3, 20000) % 50  # 50 words, very unequal counts
    sampler = AliasUnigramSampler(corpus, power=0.75, sample_size=5, rng=rng)
    draws = sampler.sample(200_000)
    observed = np.bincount(draws, minlength=sampler.vocab_size)
    expected = sampler.word_p * len(draws)
    result = stats.chisquare(observed, expected)
    assert result.pvalue > 0.01, result


def test_alias_negatives_never_equal_the_target_and_follow_p_without_it():
    """With the most frequent word as target, the negatives are p without it, renormalised."""
    rng = np.random.default_rng(7)
    corpus = np.repeat(np.arange(5), [50, 20, 10, 5, 1])
    sampler = AliasUnigramSampler(corpus, power=0.75, sample_size=4, rng=rng)
    target = np.zeros(50_000, dtype=int)  # word 0: about 45% of all draws collide
    negative = sampler.get_negative_sample(target)
    assert negative.shape == (50_000, 4)
    assert not np.any(negative == 0)
    observed = np.bincount(negative.ravel(), minlength=5)[1:]
    assert stats.chisquare(observed, without(sampler.word_p, 0)[1:] * negative.size).pvalue > 0.01


def test_alias_negatives_for_mixed_targets_skip_each_rows_own_target():
    rng = np.random.default_rng(3)
    sampler = AliasUnigramSampler(np.array([0, 0, 0, 1, 2]), sample_size=6, rng=rng)
    target = rng.integers(0, 3, 1000)
    negative = sampler.get_negative_sample(target)
    assert not np.any(negative == target[:, None])
    assert set(np.unique(negative)) == {0, 1, 2}


@pytest.mark.parametrize("sampler_class", [UnigramSampler, AliasUnigramSampler])
def test_the_same_generator_seed_gives_the_same_negatives(sampler_class):
    corpus = np.arange(20) % 7
    draws = [sampler_class(corpus, rng=np.random.default_rng(5)).get_negative_sample(
        np.arange(7)) for _ in range(2)]
    np.testing.assert_array_equal(*draws)


def test_the_book_sampler_needs_more_words_than_negatives():
    """Five negatives, all different and none the target, need six words."""
    with pytest.raises(ValueError, match=r"holds 5 different words; 5 negatives .* at least 6"):
        UnigramSampler(np.arange(5), sample_size=5, rng=np.random.default_rng(0))


def test_the_alias_sampler_needs_two_words():
    with pytest.raises(ValueError, match="at least two different words"):
        AliasUnigramSampler(np.zeros(5, dtype=int), rng=np.random.default_rng(0))


# -- the models ------------------------------------------------------------------------------


def test_simple_cbow_shares_w_in_between_its_input_layers():
    """W_in is declared shared (the same array twice in params); the Trainer updates it once."""
    model = SimpleCBOW(7, 5, rng=np.random.default_rng(0))
    assert model.params[0] is model.params[1] is model.word_vecs
    assert model.params[0].dtype == np.float32
    params, _ = unique_params(model.params, model.grads)
    assert [p.shape for p in params] == [(7, 5), (5, 7)]


def test_simple_cbow_learns_the_toy_sentence():
    """The book's run: hidden 5, Adam, 1000 epochs of batch 3; the loss ends below 0.7."""
    rng = np.random.default_rng(0)
    contexts, target = create_contexts_target(TOY_CORPUS, 1)
    model = SimpleCBOW(7, 5, rng=rng)
    history = Trainer(model, Adam(), rng=rng, progress=False).fit(
        convert_one_hot(contexts, 7), convert_one_hot(target, 7), max_epoch=1000, batch_size=3)
    assert history.epoch_losses[0] > 1.9
    assert history.epoch_losses[-1] < 0.7
    # "you _ goodbye" and "say _ ." are unambiguous: the model gets them right
    predicted = model.predict(convert_one_hot(contexts, 7)).argmax(axis=1)
    assert predicted[0] == 1 and predicted[5] == 5


def test_cbow_layers_share_their_weights():
    corpus = np.arange(30) % 9
    model = CBOW(9, 4, 2, corpus, np.random.default_rng(0), sample_size=3)
    W_in, W_out = model.word_vecs, model.ns_loss.params[0]
    assert len(model.params) == 4 + 4 and all(p is W_in for p in model.params[:4])
    assert all(p is W_out for p in model.params[4:])
    contexts, target = create_contexts_target(corpus, 2)
    assert model.predict(contexts[:3]).shape == (3, 9)
    np.testing.assert_allclose(model.predict(contexts[:3]),
                               W_in[contexts[:3]].mean(axis=1) @ W_out.T, rtol=1e-6)


# -- the fast path ------------------------------------------------------------------------------


def small_setup(seed: int = 0, window: int = 3, vocab: int = 40, n: int = 600):
    rng = np.random.default_rng(seed)
    corpus = rng.zipf(1.4, n) % vocab
    corpus[:vocab] = np.arange(vocab)  # every word at least once
    contexts, target = create_contexts_target(corpus, window)
    return corpus, contexts, target


def test_row_bag_is_a_weighted_sum_of_rows_and_its_transpose():
    rng = np.random.default_rng(0)
    W = rng.standard_normal((10, 4))
    index = np.array([[1, 2, 2], [3, 1, 9], [0, 0, 5]])
    weights = np.array([[0.5, 0.25, 0.25], [1.0, 0.0, 2.0], [1.0, 1.0, 0.0]])
    bag = RowBag(index, weights, 10)
    np.testing.assert_allclose(bag.gather(W), np.einsum("ec,ecd->ed", weights, W[index]))
    assert bag.rows.tolist() == [0, 1, 2, 3, 9]  # 5 appears only with weight 0
    d = rng.standard_normal((3, 4))
    dense = np.zeros((10, 4))
    np.add.at(dense, index.ravel(), (weights[..., None] * d[:, None, :]).reshape(-1, 4))
    np.testing.assert_allclose(bag.scatter(d), dense[bag.rows])


def test_fast_path_has_the_textbook_gradients_on_the_same_batch():
    """FastCBOW without word2vec's changes computes CBOW's loss and gradients exactly."""
    corpus, contexts, target = small_setup()
    textbook = CBOW(40, 8, 3, corpus, np.random.default_rng(1), dtype=np.float64)
    fast = FastCBOW(40, 8, 3, corpus, np.random.default_rng(1), shrink_window=False,
                    full_error=False, dtype=np.float64)
    params, _ = unique_params(textbook.params, textbook.grads)
    for a, b in zip(params, fast.params, strict=True):
        np.testing.assert_array_equal(a, b)  # the same initial weights

    batch = slice(100, 164)
    negatives = textbook.ns_loss.sampler.get_negative_sample(target[batch])
    loss = textbook.forward(contexts[batch], target[batch], negatives)
    assert fast.forward(contexts[batch], target[batch], negatives) == pytest.approx(loss, 1e-12)
    textbook.backward()
    fast.backward()
    _, grads = unique_params(textbook.params, textbook.grads)
    for dense, sparse_grad in zip(grads, fast.grads, strict=True):
        assert isinstance(sparse_grad, RowSparseGrad)
        np.testing.assert_allclose(sparse_grad.to_dense(), dense, rtol=1e-10, atol=1e-15)
        touched = np.flatnonzero(np.any(dense != 0, axis=1))
        assert set(touched) <= set(sparse_grad.rows.tolist())


def test_word2vec_full_error_gives_each_context_word_all_of_dh():
    """With full_error and a fixed window, dW_in is the exact gradient times 2 window."""
    corpus, contexts, target = small_setup(window=2)
    exact = FastCBOW(40, 6, 2, corpus, np.random.default_rng(0), shrink_window=False,
                     full_error=False, dtype=np.float64)
    word2vec = FastCBOW(40, 6, 2, corpus, np.random.default_rng(0), shrink_window=False,
                        full_error=True, dtype=np.float64)
    negatives = exact.sampler.get_negative_sample(target[:50])
    for model in (exact, word2vec):
        model.forward(contexts[:50], target[:50], negatives)
        model.backward()
    np.testing.assert_allclose(word2vec.grads[0].values, 4 * exact.grads[0].values)
    np.testing.assert_allclose(word2vec.grads[1].values, exact.grads[1].values)


def test_window_shrinking_uses_1_to_window_words_on_each_side():
    corpus, _, _ = small_setup()
    model = FastCBOW(40, 6, 3, corpus, np.random.default_rng(0))
    used = model.context_used(30_000)
    reach = used.sum(axis=1) // 2
    assert np.array_equal(used, np.abs(context_offsets(3)) <= reach[:, None])
    counts = np.bincount(reach, minlength=4)[1:]
    assert stats.chisquare(counts).pvalue > 0.01  # 1, 2 and 3 equally often


def test_fused_negative_sampling_gradients_match_numerical():
    """The fused layer's row-sparse gradients pass the gradient check, densified."""
    rng = np.random.default_rng(4)
    W_in, W_out = 0.3 * rng.standard_normal((12, 4)), 0.3 * rng.standard_normal((12, 4))
    bag = RowBag(rng.integers(0, 12, (5, 3)), rng.uniform(0.1, 1, (5, 3)), 12)
    outputs = rng.integers(0, 12, (5, 3))
    layer = FusedNegativeSampling(W_in, W_out)
    layer.forward(bag, outputs, normalizer=5)
    layer.backward()
    analytic = [g.to_dense() for g in layer.grads]
    for W, grad in zip(layer.params, analytic, strict=True):
        numerical = np.zeros_like(W)
        for idx in np.ndindex(W.shape):
            original = W[idx]
            W[idx] = original + 1e-6
            plus = layer.forward(bag, outputs, 5)
            W[idx] = original - 1e-6
            minus = layer.forward(bag, outputs, 5)
            W[idx] = original
            numerical[idx] = (plus - minus) / 2e-6
        np.testing.assert_allclose(grad, numerical, rtol=1e-4, atol=1e-8)


def test_sparse_adam_on_arrays_is_adam():
    rng = np.random.default_rng(0)
    params = [rng.standard_normal((5, 3)), rng.standard_normal(4)]
    copies = [p.copy() for p in params]
    adam, sparse_adam = Adam(lr=0.01), SparseAdam(lr=0.01)
    for _ in range(5):
        grads = [rng.standard_normal(p.shape) for p in params]
        adam.update(params, grads)
        sparse_adam.update(copies, [g.copy() for g in grads])
    for a, b in zip(params, copies, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12)


def test_sparse_adam_updates_only_the_listed_rows():
    """Rows not in the gradient keep weights, moments and step count; the others step."""
    rng = np.random.default_rng(0)
    W = rng.standard_normal((6, 3))
    before = W.copy()
    optimizer = SparseAdam(lr=0.1)
    grad = RowSparseGrad(W.shape, W.dtype)
    grad.set(np.array([1, 4]), rng.standard_normal((2, 3)))
    optimizer.update([W], [grad])
    grad.set(np.array([4]), rng.standard_normal((1, 3)))
    optimizer.update([W], [grad])
    np.testing.assert_array_equal(W[[0, 2, 3, 5]], before[[0, 2, 3, 5]])
    assert optimizer.t[0].tolist() == [0, 1, 0, 0, 2, 0]
    # row 1 took one Adam step of size lr in each element (m_hat / sqrt(v_hat) = sign g)
    np.testing.assert_allclose(np.abs(W[1] - before[1]), 0.1, rtol=1e-6)
    assert np.all(optimizer.m[0][[0, 2, 3, 5]] == 0)


def test_one_fast_step_equals_one_textbook_step(one_step_with_fixed_negatives):
    """On the first step lazy and dense Adam agree, so both paths end in the same weights."""
    corpus, contexts, target = small_setup()
    textbook = CBOW(40, 8, 3, corpus, np.random.default_rng(1), dtype=np.float64)
    fast = FastCBOW(40, 8, 3, corpus, np.random.default_rng(1), shrink_window=False,
                    full_error=False, dtype=np.float64)
    negatives = textbook.ns_loss.sampler.get_negative_sample(target[:64])

    one_step_with_fixed_negatives(textbook, fast, negatives, contexts[:64], target[:64])


def test_fast_path_learns_a_small_corpus():
    """The Trainer drives FastCBOW and SparseAdam; the loss falls."""
    corpus, contexts, target = small_setup(n=3000)
    rng = np.random.default_rng(0)
    model = FastCBOW(40, 10, 3, corpus, rng)
    history = Trainer(model, SparseAdam(lr=0.01), rng=rng, progress=False).fit(
        contexts, target, max_epoch=10, batch_size=256)
    assert history.epoch_losses[-1] < 0.8 * history.epoch_losses[0]
    assert model.word_vecs.dtype == np.float32


@pytest.mark.parametrize(("where", "message"), [
    ("contexts", r"context word id -1 is outside 0\.\.39 \(40 words in the vocabulary\)"),
    ("target", r"target word id -1 is outside 0\.\.39 \(40 words in the vocabulary\)"),
    ("negatives", r"negative sample word id 40 is outside 0\.\.39 \(40 words in the "
                  r"vocabulary\)"),
])
def test_the_fast_path_refuses_word_ids_outside_the_vocabulary(where, message):
    """The fused step indexes W_out with the ids, where -1 would be the last word."""
    corpus, contexts, target = small_setup()
    model = FastCBOW(40, 8, 3, corpus, np.random.default_rng(0))
    contexts, target = contexts[:8].copy(), target[:8].copy()
    negatives = np.ones((8, 5), dtype=int)
    {"contexts": contexts, "target": target}.get(where, negatives)[1, ...] = (
        40 if where == "negatives" else -1)
    before = [p.copy() for p in model.params]
    with pytest.raises(ValueError, match=rf"^FastCBOW: {message}$"):
        model.forward(contexts, target, negatives)
    assert all(np.array_equal(a, b) for a, b in zip(before, model.params, strict=True))


def test_the_fast_path_refuses_a_corpus_beyond_its_vocabulary():
    corpus, _, _ = small_setup()
    with pytest.raises(ValueError, match=r"^FastCBOW: corpus word id 30 is outside 0\.\.29 "
                                         r"\(30 words in the vocabulary\)$"):
        FastCBOW(30, 8, 3, corpus, np.random.default_rng(0))


def test_a_short_ptb_run_lowers_the_loss(shared_data):
    """Two epochs of the fast path on the first 100,000 targets of PTB."""
    from rindoku_text.ptb import load_data

    corpus, word_to_id, _ = load_data("train")
    contexts, target = create_contexts_target(corpus, 5)
    rng = np.random.default_rng(0)
    model = FastCBOW(len(word_to_id), 50, 5, corpus, rng)
    history = Trainer(model, SparseAdam(lr=0.01), rng=rng, progress=False).fit(
        contexts[:100_000], target[:100_000], max_epoch=2, batch_size=4096, eval_interval=4)
    assert history.losses[0] > 4.0  # about 6 log 2 at the start
    assert history.losses[-1] < history.losses[0] - 1.0
    assert history.epoch_losses[1] < history.epoch_losses[0]


@pytest.mark.slow
def test_ten_fast_epochs_on_ptb_reach_the_quality_bar(shared_data):
    """The book's settings, 10 epochs: analogy at least 3.8% and WordSim353 at least 0.22."""
    from rindoku_text.ptb import load_data
    from rindoku_text.wordvectors import WordVectors, evaluate_analogy, evaluate_wordsim353

    corpus, word_to_id, id_to_word = load_data("train")
    contexts, target = create_contexts_target(corpus, 5)
    rng = np.random.default_rng(0)
    model = FastCBOW(len(word_to_id), 100, 5, corpus, rng)
    start = time.perf_counter()
    Trainer(model, SparseAdam(lr=examples.FAST_LR), rng=rng, progress=False).fit(
        contexts, target, max_epoch=10, batch_size=examples.FAST_BATCH_SIZE)
    seconds = time.perf_counter() - start
    vectors = WordVectors(model.word_vecs, word_to_id, id_to_word)
    analogy, similarity = evaluate_analogy(vectors), evaluate_wordsim353(vectors)
    assert analogy.accuracy >= 0.038, analogy.summary()
    assert similarity.spearman >= 0.22, similarity.summary()
    assert seconds < 120  # 5 s an epoch on two cores, with room for a busy machine


# -- the plugin and its page ------------------------------------------------------------------


def test_the_chapter_registers_its_layers_models_examples_and_exercises():
    registry = load_registry()
    registry.raise_for_problems()
    chapter = registry.chapter("cbow")
    assert (chapter.number, chapter.title, chapter.title_ja) == (
        5, "CBOW and negative sampling", "word2vec (CBOW)")
    assert chapter.page.is_file()
    assert chapter.terms["negative sampling"] == "負例サンプリング"
    for cls in (Embedding, EmbeddingDot, NegativeSamplingLoss):
        assert registry.layers[cls.__name__].value is cls
    assert "MatMul" not in {n for n, i in registry.layers.items() if i.plugin == "cbow"}
    for cls in (SimpleCBOW, CBOW):
        assert registry.models[cls.__name__].value is cls
    assert registry.example("cbow.toy").size == "quick"
    assert registry.example("cbow.ptb-short").size == "quick"
    assert registry.example("cbow.ptb").size == "long"
    assert [e.id for e in EXERCISES] == [
        "cbow.contexts-target", "cbow.simple-cbow-backward", "cbow.embedding-dot-backward"]


def test_no_term_repeats_another_chapters():
    registry = load_registry()
    ours = set(registry.chapter("cbow").terms)
    for slug, item in registry.chapters.items():
        if slug != "cbow":
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
    assert first > 1.9 and last < 0.7
    assert "you _ goodbye" in out and "-> say" in out
    assert len(figures) == 2
    assert_publishes_what_the_pages_cite("cbow.toy", tmp_path)


@pytest.mark.slow
def test_ptb_short_example_compares_both_paths(shared_data, tmp_path, capsys):
    figures = run_example(examples.ptb_short, 0, tmp_path)
    out = capsys.readouterr().out
    speeds = {name: float(v.replace(",", "")) for name, v in
              re.findall(r"^(textbook|fast)\s+([\d,]+)", out, flags=re.M)}
    assert speeds["fast"] > 10 * speeds["textbook"]
    fast_log = out.split("the fast path")[1]
    losses = [float(v) for v in re.findall(r"epoch 1, loss ([\d.]+)", fast_log)]
    assert losses[-1] < losses[0]
    assert len(figures) == 1
    assert_publishes_what_the_pages_cite("cbow.ptb-short", tmp_path)


# -- exercises -------------------------------------------------------------------------------------


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda exercise: exercise.id)
def test_exercise_metadata(exercise):
    assert exercise.id.startswith("cbow.")
    assert "$" in exercise.prompt
    assert Path(exercise.solution_file).is_file()
    assert 2 <= len(exercise.hints) <= 3


@pytest.mark.parametrize(("exercise", "message"), [
    (CONTEXTS_TARGET, "no function create_contexts_target"),
    (SIMPLE_CBOW_BACKWARD, "no class SimpleCBOW"),
    (EMBEDDING_DOT_BACKWARD, "no class EmbeddingDot"),
], ids=lambda value: getattr(value, "id", ""))
def test_check_names_what_is_missing(exercise, message):
    with pytest.raises(CheckFailed, match=message):
        exercise.check(attempt_from("import numpy as np\n"))


def test_contexts_check_accepts_a_vectorised_version():
    module = attempt_from(
        "import numpy as np\n"
        "def create_contexts_target(corpus, window_size=1):\n"
        "    offsets = np.r_[np.arange(-window_size, 0), np.arange(1, window_size + 1)]\n"
        "    positions = np.arange(window_size, len(corpus) - window_size)\n"
        "    return corpus[positions[:, None] + offsets], corpus[positions]\n")
    CONTEXTS_TARGET.check(module)


@pytest.mark.parametrize(("old", "new", "message"), [
    ("if t == 0:\n                continue", "if False:\n                continue",
     r"contexts has shape \(6, 3\).*target itself is not part"),
    ("target = corpus[window_size:-window_size]", "target = corpus[window_size:]",
     r"target has shape \(7,\)"),
    ("cs.append(corpus[idx + t])", "cs.append(corpus[idx - t])",
     r"contexts\[0\] is wrong .*expected \[0 2\], got \[2 0\]"),
    ("return np.array(contexts), np.array(target)", "return np.array(target), np.array(contexts)",
     r"return \(contexts, target\)"),
])
def test_contexts_check_names_the_mistake(old, new, message):
    with pytest.raises(CheckFailed, match=message):
        CONTEXTS_TARGET.check(with_mistake(CONTEXTS_TARGET, old, new))


@pytest.mark.parametrize(("old", "new", "message"), [
    ("        da *= 0.5\n", "", r"twice the right gradient.*da \* 0.5"),
    ("        self.in_layer1.backward(da)\n", "", r"in_layer1's dW_in .* all zeros"),
    ("ds = self.loss_layer.backward(dout)", "ds = -self.loss_layer.backward(dout)",
     r"out_layer's dW_out \(grads\[2\]\) is wrong"),
])
def test_simple_cbow_check_names_the_wrong_gradient(old, new, message):
    with pytest.raises(CheckFailed, match=message):
        SIMPLE_CBOW_BACKWARD.check(with_mistake(SIMPLE_CBOW_BACKWARD, old, new))


@pytest.mark.parametrize(("old", "new", "message"), [
    ("dh = dout * target_W", "dh = dout * h", r"dh, returned by .* is wrong.*not times h"),
    ("        self.embed.backward(dtarget_W)\n", "", r"dW is all zeros"),
    ("        dout = dout.reshape(dout.shape[0], 1)\n", "", r"reshape it to \(N, 1\)"),
    ("dtarget_W = dout * h", "dtarget_W = dout * target_W", r"dW \(self.grads\[0\]\) is wrong"),
])
def test_embedding_dot_check_names_the_mistake(old, new, message):
    with pytest.raises(CheckFailed, match=message):
        EMBEDDING_DOT_BACKWARD.check(with_mistake(EMBEDDING_DOT_BACKWARD, old, new))

