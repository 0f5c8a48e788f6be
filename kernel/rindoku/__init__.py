"""rindoku: a NumPy deep-learning library, course book and chapter plugins.

A chapter plugin needs only what this module exports::

    from rindoku import Chapter, Example, Exercise, GradientCase, hookimpl

and an example publishes the figures the book's prose cites with
:func:`publish`.
"""

import pluggy

from rindoku.chapter import Chapter, Dataset
from rindoku.examples import Example, publish
from rindoku.exercises import CheckFailed, Exercise
from rindoku.gradient import (
    GradientCase,
    GradientCheckError,
    GradientReport,
    gradient_check,
    numerical_gradient,
)
from rindoku.inputs import check_ids
from rindoku.protocols import Layer, Model, Optimizer
from rindoku.trainer import TrainingStalledWarning

__version__ = "0.1.0"

hookimpl = pluggy.HookimplMarker("rindoku")
"""Marks a function of a chapter plugin as the implementation of a hook."""

__all__ = [
    "Chapter",
    "CheckFailed",
    "Dataset",
    "Example",
    "Exercise",
    "GradientCase",
    "GradientCheckError",
    "GradientReport",
    "Layer",
    "Model",
    "Optimizer",
    "TrainingStalledWarning",
    "check_ids",
    "gradient_check",
    "hookimpl",
    "numerical_gradient",
    "publish",
]
