"""The LSTM chapter's hook implementations: what it contributes to rindoku.

Each hook imports what it returns, so that asking for the chapter list does
not import the examples (and matplotlib with them).  The Time layers the
models share with SimpleRnnlm, truncated BPTT's batches and the perplexity
come from the RNN chapter; sigmoid and SGD from the backprop chapter.
"""

from __future__ import annotations

from pathlib import Path

from rindoku import Chapter, Example, Exercise, GradientCase, hookimpl


@hookimpl
def rindoku_chapter() -> Chapter:
    """The chapter's metadata and its page."""
    return Chapter(
        slug="lstm",
        requires=("backprop", "rnn"),
        number=8,
        title="Gated RNNs: LSTM",
        title_ja="ゲート付きRNN",
        page=Path(__file__).resolve().parents[2] / "chapters" / "lstm.md",
        summary=(
            "Why a plain RNN forgets: gradients that explode or vanish over many steps, "
            "and gradient clipping. The LSTM's memory cell and gates, language models "
            "with one and two LSTM layers, dropout and weight tying trained on PTB, and "
            "text sampled from them."
        ),
        source="Book 2 ch. 6, 7.1",
        terms={
            "vanishing gradient": "勾配消失",
            "exploding gradient": "勾配爆発",
            "gradient clipping": "勾配クリッピング",
            "gate": "ゲート",
            "memory cell": "記憶セル",
            "forget gate": "forget ゲート",
            "input gate": "input ゲート",
            "output gate": "output ゲート",
            "Hadamard product": "アダマール積",
            "overfitting": "過学習",
            "dropout": "ドロップアウト",
            "weight tying (shared weights)": "重み共有",
            "text generation": "文章生成",
        },
    )


@hookimpl
def rindoku_layers() -> list[type]:
    """LSTM, TimeLSTM, TimeDropout and TimeTiedAffine, each gradient-checked."""
    from rindoku_lstm import layers

    return [layers.LSTM, layers.TimeLSTM, layers.TimeDropout, layers.TimeTiedAffine]


@hookimpl
def rindoku_models() -> list[type]:
    """Rnnlm (one LSTM layer) and BetterRnnlm (two, dropout, tied weights)."""
    from rindoku_lstm.models import BetterRnnlm, Rnnlm

    return [Rnnlm, BetterRnnlm]


@hookimpl
def rindoku_gradient_cases() -> list[GradientCase]:
    """A case for every layer and for both models."""
    from rindoku_lstm.gradcases import GRADIENT_CASES

    return GRADIENT_CASES


@hookimpl
def rindoku_examples() -> list[Example]:
    """The worked examples, in the order the page shows them."""
    from rindoku_lstm import examples

    return [
        Example("lstm.gradient-norms", "Exploding and vanishing gradients, and clipping",
                examples.gradient_norms),
        Example("lstm.ptb-slice", "Rnnlm on 5,000 words of PTB: the textbook and the fast path",
                examples.ptb_slice),
        Example("lstm.ptb", "Rnnlm on PTB with the book's settings, 4 epochs", examples.ptb,
                size="long", timeout=3600.0),
        Example("lstm.ptb-better", "BetterRnnlm on PTB in half an hour on two cores",
                examples.ptb_better, size="long", timeout=7200.0),
        Example("lstm.ptb-book", "BetterRnnlm with the book's settings: 650 units, 40 epochs",
                examples.ptb_book, size="long", timeout=7 * 24 * 3600.0),
    ]


@hookimpl
def rindoku_exercises() -> list[Exercise]:
    """LSTM's backward pass, and the gradient of a tied matrix."""
    from rindoku_lstm.exercises import EXERCISES

    return EXERCISES
