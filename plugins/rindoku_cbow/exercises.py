"""The chapter's exercises: contexts and targets, SimpleCBOW's backward, EmbeddingDot's backward.

Each check runs the member's code on small inputs next to the library's own
(:mod:`rindoku_cbow.contexts`, :mod:`rindoku_cbow.models`,
:mod:`rindoku_cbow.layers`) and says which value or gradient differs, where,
and what the usual cause is.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import numpy as np

from rindoku import CheckFailed, Exercise, gradient_check
from rindoku.checks import (
    expect_close,
    expect_gradients,
    get_class,
    get_function,
    show,
    type_name,
)
from rindoku_cbow import contexts as reference_contexts
from rindoku_cbow import layers as reference_layers
from rindoku_cbow import models as reference_models

__all__ = [
    "CONTEXTS_TARGET",
    "EMBEDDING_DOT_BACKWARD",
    "EXERCISES",
    "SIMPLE_CBOW_BACKWARD",
    "check_contexts_target",
    "check_embedding_dot_backward",
    "check_simple_cbow_backward",
]

SOLUTIONS = Path(__file__).parent / "solutions"

CHECK_SEED = 0
"""The seed of the generator the checks draw their test inputs from."""

TOY_CORPUS = np.array([0, 1, 2, 3, 4, 1, 5, 6])
""""You say goodbye and I say hello." as word ids."""


# -- create_contexts_target ------------------------------------------------------------


def _contexts_cases() -> list[tuple[str, np.ndarray, int]]:
    rng = np.random.default_rng(CHECK_SEED)
    return [
        ("the toy corpus", TOY_CORPUS, 1),
        ("the toy corpus", TOY_CORPUS, 2),
        ("the toy corpus", TOY_CORPUS, 3),
        ("a random corpus of 40 words", rng.integers(0, 10, 40), 2),
        ("a random corpus of 40 words", rng.integers(0, 10, 40), 5),
    ]


def check_contexts_target(module: ModuleType) -> None:
    """Check create_contexts_target on the toy corpus and a random one, windows 1 to 5."""
    create_contexts_target = get_function(module, "create_contexts_target")
    for name, corpus, window_size in _contexts_cases():
        where = f"for {name} with window_size={window_size}"
        result = (create_contexts_target(corpus) if window_size == 1
                  else create_contexts_target(corpus, window_size))
        if not isinstance(result, tuple) or len(result) != 2:
            raise CheckFailed(f"create_contexts_target should return (contexts, target); "
                              f"{where} it returned {type_name(result)}")
        contexts, target = (np.asarray(a) for a in result)
        expected_contexts, expected_target = reference_contexts.create_contexts_target(
            corpus, window_size)
        if contexts.ndim == 1 and target.ndim == 2:
            raise CheckFailed("you returned (target, contexts): return (contexts, target), "
                              "contexts first, as the book does")
        if target.shape != expected_target.shape:
            raise CheckFailed(
                f"target has shape {target.shape} {where}; expected {expected_target.shape}: "
                f"a corpus of {len(corpus)} words has {len(expected_target)} positions with "
                f"{window_size} word(s) on each side"
            )
        if not np.array_equal(target, expected_target):
            raise CheckFailed(f"target is wrong {where}.\n  expected:\n{show(expected_target)}"
                              f"\n  got:\n{show(target)}")
        if contexts.shape != expected_contexts.shape:
            raise CheckFailed(
                f"contexts has shape {contexts.shape} {where}; expected "
                f"{expected_contexts.shape}: one row per target, {2 * window_size} words "
                "per row (the target itself is not part of its context)"
            )
        wrong = np.flatnonzero(np.any(contexts != expected_contexts, axis=1))
        if len(wrong):
            i = int(wrong[0])
            position = i + window_size
            raise CheckFailed(
                f"contexts[{i}] is wrong {where}: the target is the word at position "
                f"{position}, so its context is the words at positions {position - window_size} "
                f"to {position + window_size} without {position}, in order: expected "
                f"{expected_contexts[i]}, got {contexts[i]}"
            )


CONTEXTS_TARGET = Exercise(
    id="cbow.contexts-target",
    title="Contexts and targets from a corpus",
    prompt=(
        "Write `create_contexts_target(corpus, window_size=1)`. `corpus` is an array of "
        "word ids $w_0, w_1, \\dots, w_{N-1}$. Every position $t$ with `window_size` "
        "$= m$ words on each side, $m \\le t \\le N - 1 - m$, gives one training example: "
        "the **target** $w_t$ and its **context** "
        "$(w_{t-m}, \\dots, w_{t-1}, w_{t+1}, \\dots, w_{t+m})$. Return `(contexts, target)` "
        "as NumPy arrays: `target` of shape $(N - 2m,)$ and `contexts` of shape "
        "$(N - 2m, 2m)$, the words before the target and then the words after it, in corpus "
        "order. For the toy corpus `[0 1 2 3 4 1 5 6]` and $m = 1$, the first row of "
        "`contexts` is `[0 2]` and the first target `1`."
    ),
    solution_file=SOLUTIONS / "contexts_target.py",
    check=check_contexts_target,
    hints=(
        "The targets are simply the corpus without its first and last `window_size` "
        "words: `corpus[window_size:-window_size]`.",
        "For each target position `idx`, walk the offsets `t` from `-window_size` to "
        "`window_size` and skip `t == 0`: the context words are `corpus[idx + t]`.",
        "Collect each row in a list, then `np.array(contexts)`. For a vectorised version, "
        "add the offsets to a column of positions: "
        "`corpus[positions[:, None] + offsets]`.",
    ),
)


# -- SimpleCBOW.backward ------------------------------------------------------------------


def check_simple_cbow_backward(module: ModuleType) -> None:
    """Check SimpleCBOW.backward against the library's model, layer by layer."""
    SimpleCBOW = get_class(module, "SimpleCBOW")
    contexts, target = reference_contexts.create_contexts_target(TOY_CORPUS, 1)
    contexts = reference_contexts.convert_one_hot(contexts, 7).astype(np.float64)

    theirs = SimpleCBOW(7, 3, np.random.default_rng(CHECK_SEED), dtype=np.float64)
    ours = reference_models.SimpleCBOW(7, 3, np.random.default_rng(CHECK_SEED),
                                       dtype=np.float64)
    for model in (theirs, ours):  # weights large enough for clear gradients
        model.params[0][...] *= 30.0
        model.params[2][...] *= 30.0
    grads_before = list(theirs.grads)
    loss = theirs.forward(contexts, target)
    expect_close(loss, np.asarray(ours.forward(contexts, target)), "the loss of forward")
    theirs.backward()
    ours.backward()

    if any(new is not old for new, old in zip(theirs.grads, grads_before, strict=True)):
        raise CheckFailed("a gradient array in self.grads was replaced: let each layer's "
                          "backward write its gradient in place")
    # in the order backward reaches them: the first wrong one is the one to fix
    names = {2: "out_layer's dW_out (grads[2])", 1: "in_layer1's dW_in (grads[1])",
             0: "in_layer0's dW_in (grads[0])"}
    for i, name in names.items():
        got, expected = theirs.grads[i], ours.grads[i]
        if np.allclose(got, 0) and not np.allclose(expected, 0):
            raise CheckFailed(f"{name} is all zeros: did backward call that layer's backward?")
        if i < 2 and np.allclose(got, 2 * expected):
            raise CheckFailed(f"{name} is twice the right gradient: h is the average "
                              "(h0 + h1) * 0.5, so the gradient that reaches each input "
                              "layer is da * 0.5")
        expect_close(got, expected, name)


SIMPLE_CBOW_BACKWARD = Exercise(
    id="cbow.simple-cbow-backward",
    title="The backward pass of SimpleCBOW",
    prompt=(
        "Write `SimpleCBOW.backward(dout=1)`. The forward pass computes "
        "$h = \\tfrac{1}{2}(c_0 W_{in} + c_1 W_{in})$ with two MatMul layers that share "
        "$W_{in}$, then the scores $s = h W_{out}$ (a third MatMul) and the loss with "
        "SoftmaxWithLoss. Go back the same way: `loss_layer.backward(dout)` gives "
        "$\\partial L / \\partial s$, `out_layer.backward` turns it into "
        "$\\partial L / \\partial h$, and because $h$ is an average each input layer receives "
        "$\\tfrac{1}{2} \\partial L / \\partial h$. Every layer writes its own gradient into "
        "its `grads` in place; the Trainer adds the two gradients of the shared $W_{in}$."
    ),
    solution_file=SOLUTIONS / "simple_cbow_backward.py",
    check=check_simple_cbow_backward,
    hints=(
        "Call the layers' `backward` methods in the reverse order of `forward`: "
        "loss_layer, out_layer, then the two input layers.",
        "The multiply-by-0.5 node passes back 0.5 times what it receives: "
        "`da *= 0.5` before the input layers.",
        "Both `self.in_layer0.backward(da)` and `self.in_layer1.backward(da)` must be "
        "called, with the same `da`: each fills its own gradient of $W_{in}$.",
    ),
)


# -- EmbeddingDot.backward ----------------------------------------------------------------


def check_embedding_dot_backward(module: ModuleType) -> None:
    """Check EmbeddingDot: forward, dh, and dW with a repeated word id, in place."""
    EmbeddingDot = get_class(module, "EmbeddingDot")
    rng = np.random.default_rng(CHECK_SEED)
    W = rng.standard_normal((6, 3))
    h = rng.standard_normal((5, 3))
    idx = np.array([1, 3, 1, 0, 3])  # words 1 and 3 twice each
    dout = rng.standard_normal(5)

    layer, ours = EmbeddingDot(W.copy()), reference_layers.EmbeddingDot(W.copy())
    expect_close(layer.forward(h, idx), ours.forward(h, idx), "EmbeddingDot.forward(h, idx)")
    grads_before = list(layer.grads)
    try:
        dh = layer.backward(dout)
    except ValueError as exc:
        raise CheckFailed(
            f"EmbeddingDot.backward(dout) raised ValueError: {exc}. dout has shape (N,): "
            "reshape it to (N, 1) so that it multiplies whole rows of h and target_W"
        ) from exc
    expected_dh = ours.backward(dout)
    if len(layer.grads) != 1 or layer.grads[0] is not grads_before[0]:
        raise CheckFailed("self.grads[0] was replaced: the Embedding layer writes dW in place "
                          "into the array both layers share")
    expect_close(dh, expected_dh, "dh, returned by EmbeddingDot.backward(dout)",
                 "dh[i] is dout[i] times the row W[idx[i]] (target_W), not times h.")
    if np.allclose(layer.grads[0], 0):
        raise CheckFailed("dW is all zeros: pass dtarget_W to self.embed.backward, which "
                          "adds each row into dW")
    expect_close(layer.grads[0], ours.grads[0], "dW (self.grads[0])",
                 "Row idx[i] of dW receives dout[i] times h[i], added up for a repeated id.")

    report = gradient_check(EmbeddingDot(W.copy()), [h, idx], rng=rng, raise_on_failure=False)
    expect_gradients(report, {"input 0": "dh", "params[0]": "dW (self.grads[0])"})


EMBEDDING_DOT_BACKWARD = Exercise(
    id="cbow.embedding-dot-backward",
    title="The backward pass of EmbeddingDot",
    prompt=(
        "Write `EmbeddingDot.backward(dout)`. The forward pass looks up one row of the "
        "output weights per example, $t_i = W_{\\mathrm{idx}_i}$ (kept as `target_W`, "
        "shape (N, D)), and returns the scores $s_i = h_i \\cdot t_i$ (N,). With "
        "$g_i = \\partial L / \\partial s_i$ = `dout[i]`, the chain rule gives "
        "$\\partial L / \\partial h_i = g_i\\, t_i$ and "
        "$\\partial L / \\partial t_i = g_i\\, h_i$. Return $dh$ (N, D) and pass "
        "$\\partial L / \\partial t$ to `self.embed.backward`, which adds row $i$ into row "
        "$\\mathrm{idx}_i$ of $dW$ (twice, for a word that appears twice)."
    ),
    solution_file=SOLUTIONS / "embedding_dot_backward.py",
    check=check_embedding_dot_backward,
    hints=(
        "`dout` has shape (N,) and `h` (N, D): `dout.reshape(dout.shape[0], 1)` makes it "
        "a column that multiplies each row.",
        "The score is a product of two things, so each receives `dout` times the *other* "
        "one, like the multiply node of the backprop chapter.",
        "`dtarget_W = dout * h`, then `self.embed.backward(dtarget_W)`, then "
        "`dh = dout * target_W`.",
    ),
)


EXERCISES = [CONTEXTS_TARGET, SIMPLE_CBOW_BACKWARD, EMBEDDING_DOT_BACKWARD]
"""The chapter's exercises, in the order the chapter page gives them."""
