"""Hook specifications: everything a chapter plugin can contribute.

A chapter plugin is a module with functions marked ``@hookimpl`` whose names
are taken from this module; it implements only the hooks it needs.  Loading
the plugins (:func:`rindoku.registry.load_registry`) calls no hook: each hook
is called once per plugin, lazily, the first time its kind is asked for
(``registry.examples``), so listing the chapters does not import every
chapter's examples.  Every hook returns plain values; the registry checks
their types and names, and reports a problem against the plugin's name.
Each hook is one row of :data:`rindoku.kinds.KINDS`, which the registry,
``rindoku list`` and the plugin guide's reference are driven from.

Names must be unique across plugins: two chapters contributing a layer called
``Affine`` is an error that names both.  Example and exercise ids start with the
contributing chapter's slug (``backprop.spiral``).

pluggy's ``tryfirst``, ``trylast`` and wrapper marks are refused: the registry
calls every plugin's hooks once, in load order, and merges what they return.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from rindoku.chapter import Chapter, Dataset
    from rindoku.examples import Example
    from rindoku.exercises import Exercise
    from rindoku.gradient import GradientCase

PROJECT = "rindoku"

hookspec = pluggy.HookspecMarker(PROJECT)


# -- what the chapter is ----------------------------------------------------


@hookspec
def rindoku_chapter() -> Chapter:
    """Return the chapter's metadata: slug, number, titles, requirements and its MyST page.

    The book orders chapters by ``number``, each after the chapters it
    ``requires``, and includes each chapter's ``page``.
    """


# -- library code -------------------------------------------------------------


@hookspec
def rindoku_layers() -> list[type]:
    """Return the layer classes the chapter defines (registered by class name).

    Each class follows :class:`rindoku.protocols.Layer`.  Every registered layer
    must be covered by at least one case from :func:`rindoku_gradient_cases`.
    """


@hookspec
def rindoku_optimizers() -> list[type]:
    """Return the optimizer classes the chapter defines (registered by class name).

    Each class follows :class:`rindoku.protocols.Optimizer`.
    """


@hookspec
def rindoku_models() -> list[type]:
    """Return the model classes the chapter defines (registered by class name).

    A model is a layer whose ``forward(x, t)`` returns the loss.
    """


@hookspec
def rindoku_datasets() -> list[Dataset]:
    """Return the data sets the chapter provides, as :class:`rindoku.chapter.Dataset`.

    A data set names the files it needs (each a :class:`rindoku.data.DataFile`
    with its URLs, mirrors and SHA-256), where it comes from and its licence:
    ``rindoku data`` lists and fetches every declared data set.
    """


@hookspec
def rindoku_gradient_cases() -> list[GradientCase]:
    """Return gradient-check cases for the chapter's layers and models.

    The test suite runs :func:`rindoku.gradient.gradient_check` on every case,
    so each registered layer is checked against its numerical gradient.
    """


# -- course material ------------------------------------------------------------


@hookspec
def rindoku_examples() -> list[Example]:
    """Return the chapter's worked examples, as :class:`rindoku.examples.Example`.

    The book runs quick examples at build time; ``rindoku run ID`` runs any of
    them in the terminal.
    """


@hookspec
def rindoku_exercises() -> list[Exercise]:
    """Return the chapter's exercises, as :class:`rindoku.exercises.Exercise`.

    The test suite proves that each reference solution passes its check and
    that the starter code does not.
    """
