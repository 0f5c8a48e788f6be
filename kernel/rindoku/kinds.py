"""The kinds of thing a chapter contributes: one table, one row per hook.

The registry collects each kind from its hook, ``rindoku list`` lists the
kinds, and the plugin guide's hook reference is made from this table and the
hook specifications' docstrings.  Adding a kind of contribution is one
specification in :mod:`rindoku.hookspecs` and one :class:`Kind` here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rindoku.chapter import Chapter, Dataset
from rindoku.examples import Example
from rindoku.exercises import Exercise
from rindoku.gradient import GradientCase

__all__ = ["KINDS", "Kind", "kind_of_hook"]


@dataclass(frozen=True)
class Kind:
    """One kind of contribution.

    ``name`` is the registry's attribute and ``rindoku list``'s argument
    (``layers``); ``singular`` is used in messages (``layer``).  ``hook`` returns
    the items; ``item_type`` is what each item must be (``type`` for classes);
    ``key`` gives an item's registered name; ``many`` is False for a hook that
    returns one item rather than a list; ``listed`` is False for a kind that
    ``rindoku list`` does not show (the gradient cases, which the tests run).
    """

    name: str
    singular: str
    hook: str
    item_type: type
    key: Callable[[Any], str]
    many: bool = True
    listed: bool = True


KINDS: tuple[Kind, ...] = (
    Kind("chapters", "chapter", "rindoku_chapter", Chapter, lambda c: c.slug, many=False),
    Kind("layers", "layer", "rindoku_layers", type, lambda cls: cls.__name__),
    Kind("optimizers", "optimizer", "rindoku_optimizers", type, lambda cls: cls.__name__),
    Kind("models", "model", "rindoku_models", type, lambda cls: cls.__name__),
    Kind("datasets", "data set", "rindoku_datasets", Dataset, lambda d: d.name),
    Kind("gradient_cases", "gradient case", "rindoku_gradient_cases", GradientCase,
         lambda g: g.name, listed=False),
    Kind("examples", "example", "rindoku_examples", Example, lambda e: e.id),
    Kind("exercises", "exercise", "rindoku_exercises", Exercise, lambda e: e.id),
)
"""Every kind, in the order ``rindoku list`` shows them."""


def kind_of_hook(hook: str) -> Kind:
    """The kind collected by ``hook``."""
    return next(k for k in KINDS if k.hook == hook)
