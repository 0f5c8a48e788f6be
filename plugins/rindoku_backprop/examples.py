"""The chapter's worked examples: the apple-shopping graph, the gradient check, the spiral."""

from __future__ import annotations

import numpy as np

from rindoku import publish
from rindoku.trainer import Trainer, accuracy
from rindoku_backprop.datasets import load_spiral
from rindoku_backprop.figures import (
    plot_decision_boundary,
    plot_gradient_check,
    plot_loss,
    plot_shopping_graph,
)
from rindoku_backprop.gradcases import GRADIENT_CASES
from rindoku_backprop.layers import AddLayer, MulLayer
from rindoku_backprop.models import TwoLayerNet
from rindoku_backprop.optimizer import SGD

__all__ = ["apple", "gradient_check_table", "spiral"]


def apple(rng: np.random.Generator) -> None:
    """Buy apples (and oranges) on a computational graph, then go back through it.

    The forward pass computes the price; the backward pass, started with
    d price / d price = 1, gives how much the price changes with each input.
    """
    # 2 apples at 100 yen, plus 10% tax
    apple, apple_num, tax = 100, 2, 1.1
    mul_apple_layer = MulLayer()
    mul_tax_layer = MulLayer()

    apple_price = mul_apple_layer.forward(apple, apple_num)
    price = mul_tax_layer.forward(apple_price, tax)

    dprice = 1
    dapple_price, dtax = mul_tax_layer.backward(dprice)
    dapple, dapple_num = mul_apple_layer.backward(dapple_price)

    print("2 apples at 100 yen, tax 1.1")
    print(f"  forward:  price = {price:g}")
    print(f"  backward: d price / d apple = {dapple:g}, "
          f"d price / d apple_num = {dapple_num:g}, d price / d tax = {dtax:g}")

    # 2 apples at 100 yen and 3 oranges at 150 yen, plus 10% tax
    apple, apple_num, orange, orange_num, tax = 100, 2, 150, 3, 1.1
    mul_apple_layer = MulLayer()
    mul_orange_layer = MulLayer()
    add_apple_orange_layer = AddLayer()
    mul_tax_layer = MulLayer()

    apple_price = mul_apple_layer.forward(apple, apple_num)
    orange_price = mul_orange_layer.forward(orange, orange_num)
    all_price = add_apple_orange_layer.forward(apple_price, orange_price)
    price = mul_tax_layer.forward(all_price, tax)

    dprice = 1
    dall_price, dtax = mul_tax_layer.backward(dprice)
    dapple_price, dorange_price = add_apple_orange_layer.backward(dall_price)
    dorange, dorange_num = mul_orange_layer.backward(dorange_price)
    dapple, dapple_num = mul_apple_layer.backward(dapple_price)

    print("\n2 apples at 100 yen and 3 oranges at 150 yen, tax 1.1")
    print(f"  forward:  price = {price:g}")
    print("  backward:")
    derivatives = {"apple": dapple, "apple_num": dapple_num, "orange": dorange,
                   "orange_num": dorange_num, "tax": dtax}
    for name, value in derivatives.items():
        print(f"    d price / d {name:<10} = {value:g}")

    # the graph: each edge with the value it carries and the derivative of price
    values = {"apple": apple, "apple_num": apple_num, "orange": orange,
              "orange_num": orange_num, "tax": tax, "apple_price": apple_price,
              "orange_price": orange_price, "all_price": all_price, "price": price}
    derivatives |= {"apple_price": dapple_price, "orange_price": dorange_price,
                    "all_price": dall_price, "price": dprice}
    plot_shopping_graph(values, derivatives)


def gradient_check_table(rng: np.random.Generator) -> None:
    """Check every layer's backward against numerical gradients and tabulate the result.

    For each case the worst array (an input or a parameter) and its largest
    relative error are shown; the check passes below the tolerance 1e-6.
    """
    names, errors, passed = [], [], []
    print(f"{'case':<26} {'worst array':<12} {'max rel. error':>14}  passed")
    for case in GRADIENT_CASES:
        report = case.run(rng, raise_on_failure=False)
        worst = report.worst
        assert worst is not None  # every case compares at least one array
        print(f"{case.name:<26} {worst.name:<12} {report.max_error:>14.1e}  "
              f"{'yes' if report.passed else 'NO'}")
        names.append(case.name)
        errors.append(report.max_error)
        if report.passed:
            passed.append(report.max_error)
    publish("worst_error", max(passed), "{:.1e}")  # the worst of the layers that pass

    plot_gradient_check(names, errors, tolerance=1e-6)


def spiral(rng: np.random.Generator) -> None:
    """Train a two-layer net on the spiral data set with mini-batch SGD.

    The kernel's Trainer runs the loop: every epoch visits the 300 points once,
    in a new random order, 30 at a time, and each mini-batch takes one step
    ``param -= lr * grad``.
    """
    x, t = load_spiral(rng)
    model = TwoLayerNet(input_size=2, hidden_size=10, output_size=3, rng=rng)
    trainer = Trainer(model, SGD(lr=1.0), rng=rng)
    trainer.fit(x, t, max_epoch=300, batch_size=30, eval_interval=10)

    train_accuracy = accuracy(model, x, t)
    print(f"training accuracy: {train_accuracy:.3f}")

    plot_loss(trainer, "Training loss of TwoLayerNet on the spiral data set")
    plot_decision_boundary(
        model, x, t, f"Decision boundary (training accuracy {train_accuracy:.1%})"
    )
