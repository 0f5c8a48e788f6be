"""The chapter's exercise: SimpleSkipGram's forward and backward passes.

The check runs the member's model next to the library's
(:class:`rindoku_skipgram.models.SimpleSkipGram`) on the toy sentence, with the
same weights, and compares the loss and both gradients; then it checks the
member's gradients against the numerical gradient.  Each failure names the
value and, for an array, its worst element, and says what the usual cause is.
Fetching the class and comparing arrays is :mod:`rindoku.checks`'s work.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from rindoku import CheckFailed, Exercise, gradient_check
from rindoku.checks import expect_close, expect_gradients, get_class
from rindoku_cbow.contexts import convert_one_hot, create_contexts_target
from rindoku_skipgram import models as reference_models

__all__ = ["EXERCISES", "SIMPLE_SKIPGRAM", "check_simple_skipgram"]

SOLUTIONS = Path(__file__).parent / "solutions"

CHECK_SEED = 0
"""The seed of the generator the check draws the weights from."""

TOY_CORPUS = np.array([0, 1, 2, 3, 4, 1, 5, 6])
""""You say goodbye and I say hello." as word ids."""

SCALE = 30.0
"""The check multiplies the 0.01-scale initial weights by this, for clear gradients."""


def _toy_batch() -> tuple[np.ndarray, np.ndarray]:
    """The six examples of the toy sentence, one-hot: contexts (6, 2, 7), target (6, 7)."""
    contexts, target = create_contexts_target(TOY_CORPUS, window_size=1)
    return convert_one_hot(contexts, 7), convert_one_hot(target, 7).astype(np.float64)


def _model(cls: type) -> Any:
    """``cls(7, 3, rng, dtype=float64)`` with the check's seed and scaled-up weights."""
    model = cls(7, 3, np.random.default_rng(CHECK_SEED), dtype=np.float64)
    for W in model.params:
        W[...] *= SCALE
    return model


def check_simple_skipgram(module: ModuleType) -> None:
    """Check SimpleSkipGram's loss and gradients against the library's and the numerical ones."""
    SimpleSkipGram = get_class(module, "SimpleSkipGram")
    contexts, target = _toy_batch()
    theirs, ours = _model(SimpleSkipGram), _model(reference_models.SimpleSkipGram)

    # the loss: the sum of the two context positions' losses
    loss = theirs.forward(contexts, target)
    s = ours.predict(target)
    l1 = ours.loss_layer1.forward(s, contexts[:, 0])
    l2 = ours.loss_layer2.forward(s, contexts[:, 1])
    expected = ours.forward(contexts, target)
    if loss is None:
        raise CheckFailed("forward returned None: did you forget to return the loss?")
    if np.ndim(loss) != 0:
        raise CheckFailed(f"forward returned an array of shape {np.shape(loss)}; the loss is "
                          "one number, l1 + l2")
    if not np.isclose(loss, expected, rtol=1e-9):
        hint = "check that each loss layer compares s with its own column of contexts"
        for wrong, cause in [(l1, "it is only the first context position's loss L1"),
                             (l2, "it is only the second context position's loss L2"),
                             ((l1 + l2) / 2, "it is the average of L1 and L2")]:
            if np.isclose(loss, wrong, rtol=1e-9):
                hint = (f"{cause}; skip-gram adds the losses of its context positions, "
                        "loss = l1 + l2")
        raise CheckFailed(f"the loss of forward is {float(loss):.6g}, expected "
                          f"{expected:.6g}: {hint}")

    # the gradients, in the order backward reaches them
    grads_before = list(theirs.grads)
    theirs.backward()
    ours.backward()
    if any(new is not old for new, old in zip(theirs.grads, grads_before, strict=True)):
        raise CheckFailed("a gradient array in self.grads was replaced: let each MatMul's "
                          "backward write its gradient in place")
    h = target @ ours.params[0]
    dW_out_one = h.T @ ours.loss_layer1.backward(1)  # what reaches W_out from L1 alone
    names = {1: "out_layer's dW_out (grads[1])", 0: "in_layer's dW_in (grads[0])"}
    for i, name in names.items():
        got, wanted = np.asarray(theirs.grads[i]), ours.grads[i]
        if np.allclose(got, 0) and not np.allclose(wanted, 0):
            raise CheckFailed(f"{name} is all zeros: did backward call that layer's backward?")
        if i == 1 and np.allclose(got, dW_out_one):
            raise CheckFailed(f"{name} holds only loss_layer1's gradient: both losses use the "
                              "same scores s, so ds = dl1 + dl2")
        if np.allclose(got, wanted / 2):
            raise CheckFailed(f"{name} is half the right gradient: the loss is l1 + l2, not "
                              "their average, so ds = dl1 + dl2")
        expect_close(got, wanted, name)

    # and against the numerical gradient, on a fresh model
    report = gradient_check(_model(SimpleSkipGram), [contexts, target], wrt=(),
                            raise_on_failure=False)
    expect_gradients(report, {"params[0]": "dW_in (grads[0])", "params[1]": "dW_out (grads[1])"})


SIMPLE_SKIPGRAM = Exercise(
    id="skipgram.simple-skipgram",
    title="The forward and backward passes of SimpleSkipGram",
    prompt=(
        "Write `SimpleSkipGram.forward(contexts, target)` and `backward(dout=1)`. The target's "
        "one-hot vector $c_t$ goes through the input MatMul, $h = c_t W_{in}$, and the output "
        "MatMul gives one score per word, $s = h W_{out}$. The same scores serve both context "
        "positions: `loss_layer1` compares them with the word before the target "
        "(`contexts[:, 0]`), `loss_layer2` with the word after it (`contexts[:, 1]`), and the "
        "model's loss is the sum $L = L_1 + L_2$. Going back, each loss layer gives its "
        "$\\partial L_i / \\partial s$; since $s$ feeds both, "
        "$\\partial L / \\partial s = \\partial L_1 / \\partial s + \\partial L_2 / \\partial s$, "
        "which goes back through the output layer and then the input layer. Each MatMul writes "
        "its own gradient into its `grads` in place."
    ),
    solution_file=SOLUTIONS / "simple_skipgram.py",
    check=check_simple_skipgram,
    hints=(
        "forward: `h = self.in_layer.forward(target)`, `s = self.out_layer.forward(h)`, then "
        "one `forward(s, contexts[:, i])` per loss layer, and return the sum.",
        "A value used twice in the forward pass receives the sum of the gradients from both "
        "uses (the repeat node of the computational graph): `ds = dl1 + dl2`.",
        "backward: `dl1 = self.loss_layer1.backward(dout)`, the same for `loss_layer2`, then "
        "`dh = self.out_layer.backward(ds)` and `self.in_layer.backward(dh)`.",
    ),
)


EXERCISES = [SIMPLE_SKIPGRAM]
"""The chapter's exercises, in the order the chapter page gives them."""
