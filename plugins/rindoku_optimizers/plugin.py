"""The optimizers chapter's hook implementations: what it contributes to rindoku.

Each hook imports what it returns, so that asking for the chapter list does
not import the examples (and matplotlib with them).  Optimizers are not
layers: they have no backward pass, so the chapter has no gradient cases.
"""

from __future__ import annotations

from pathlib import Path

from rindoku import Chapter, Example, Exercise, hookimpl


@hookimpl
def rindoku_chapter() -> Chapter:
    """The chapter's metadata and its page."""
    return Chapter(
        slug="optimizers",
        requires=("backprop",),
        number=2,
        title="Optimizers",
        title_ja="重みの更新",
        page=Path(__file__).resolve().parents[2] / "chapters" / "optimizers.md",
        summary=(
            "Six ways to turn gradients into a weight update, from SGD to Adam, "
            "compared on a long narrow valley and on training the two-layer net."
        ),
        source="Book 1 ch. 6",
        terms={
            "weight update": "重みの更新",
            "optimization": "最適化",
            "stochastic gradient descent (SGD)": "確率的勾配降下法",
            "learning rate": "学習係数",
            "learning rate decay": "学習係数の減衰",
            "momentum": "モーメンタム",
            "velocity": "速度",
            "AdaGrad": "AdaGrad",
            "RMSprop": "RMSprop",
            "exponential moving average": "指数移動平均",
            "Adam": "Adam",
            "bias correction": "バイアス補正",
            "hyperparameter": "ハイパーパラメータ",
            "epoch": "エポック",
            "gradient clipping": "勾配クリッピング",
        },
    )


@hookimpl
def rindoku_optimizers() -> list[type]:
    """The six optimizers, in the order the page introduces them.

    ``SGD`` is defined in the backprop chapter, which uses it but does not
    register it: it is registered once, here, with the other five.
    """
    from rindoku_backprop.optimizer import SGD
    from rindoku_optimizers import optimizers

    return [
        SGD,
        optimizers.Momentum,
        optimizers.Nesterov,
        optimizers.AdaGrad,
        optimizers.RMSprop,
        optimizers.Adam,
    ]


@hookimpl
def rindoku_examples() -> list[Example]:
    """The worked examples, in the order the page shows them."""
    from rindoku_optimizers import examples

    return [
        Example(
            "optimizers.trajectories",
            "Six optimizers on f(x, y) = x²/20 + y²",
            examples.trajectories,
        ),
        Example(
            "optimizers.spiral",
            "The two-layer net trained with each optimizer",
            examples.spiral,
        ),
    ]


@hookimpl
def rindoku_exercises() -> list[Exercise]:
    """The Momentum and Adam exercises."""
    from rindoku_optimizers.exercises import EXERCISES

    return EXERCISES
