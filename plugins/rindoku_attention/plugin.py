"""The attention chapter's hook implementations: what it contributes to rindoku.

Each hook imports what it returns, so that asking for the chapter list does
not import the examples (and matplotlib with them).  The encoder, the
Seq2seq model and the date data set come from the seq2seq chapter, the Time
layers from the RNN and LSTM chapters, Softmax from the backprop chapter and
Adam from the optimizers chapter.
"""

from __future__ import annotations

from pathlib import Path

from rindoku import Chapter, Example, Exercise, GradientCase, hookimpl


@hookimpl
def rindoku_chapter() -> Chapter:
    """The chapter's metadata and its page."""
    return Chapter(
        slug="attention",
        requires=("backprop", "optimizers", "rnn", "lstm", "seq2seq"),
        number=10,
        title="Attention",
        title_ja="Attention",
        page=Path(__file__).resolve().parents[2] / "chapters" / "attention.md",
        summary=(
            "The decoder looks back at every position of the input: attention weights "
            "from dot products and softmax, a weighted sum of the encoder's states, and a "
            "seq2seq that learns to write dates in ISO form, with its attention drawn as "
            "heat maps."
        ),
        source="Book 2 ch. 8",
        terms={
            "attention": "注意機構",
            "alignment": "アライメント",
            "attention weight": "アテンションの重み",
            "weighted sum": "重み付き和",
            "context vector": "コンテキストベクトル",
            "dot product (similarity)": "内積",
            "bidirectional LSTM": "双方向LSTM",
            "skip connection": "スキップコネクション",
            "date format conversion": "日付フォーマットの変換",
        },
    )


@hookimpl
def rindoku_layers() -> list[type]:
    """The attention layers, the encoder that hands over every state, and its decoder."""
    from rindoku_attention import layers, models

    return [layers.WeightSum, layers.AttentionWeight, layers.Attention, layers.TimeAttention,
            models.AttentionEncoder, models.AttentionDecoder]


@hookimpl
def rindoku_models() -> list[type]:
    """AttentionSeq2seq."""
    from rindoku_attention.models import AttentionSeq2seq

    return [AttentionSeq2seq]


@hookimpl
def rindoku_gradient_cases() -> list[GradientCase]:
    """A case for every layer and for the model."""
    from rindoku_attention.gradcases import GRADIENT_CASES

    return GRADIENT_CASES


@hookimpl
def rindoku_examples() -> list[Example]:
    """The worked examples, in the order the page shows them."""
    from rindoku_attention import examples

    return [
        Example("attention.dates-data", "The date data set", examples.dates_data),
        Example("attention.weights", "Attention at one step, by hand", examples.weights),
        Example("attention.textbook-and-fast",
                "One mini-batch on both paths, and the time of an epoch",
                examples.textbook_and_fast),
        Example("attention.dates", "Dates to ISO form with attention, and what it looks at",
                examples.dates, size="long", timeout=1800.0),
        Example("attention.peeky-dates", "The same dates with the peeky seq2seq",
                examples.peeky_dates, size="long", timeout=1800.0),
    ]


@hookimpl
def rindoku_exercises() -> list[Exercise]:
    """The backward passes of WeightSum and AttentionWeight."""
    from rindoku_attention.exercises import EXERCISES

    return EXERCISES
