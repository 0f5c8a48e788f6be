"""The figures' words in every language of the book, from one run.

A chapter's ``figures.py`` wraps each title, axis label and legend entry it
draws in its :class:`Labels`, which pairs the English words with their
translations::

    _ = Labels(ja={
        "epoch": "エポック",
        "loss after {n} epochs": "{n} エポック後の損失",
    })

    ax.set_xlabel(_("epoch"))
    ax.set_title(_("loss after {n} epochs", n=10))

A title the example formats and passes to its figure
(``f"Decision boundary (training accuracy {accuracy:.1%})"``) is translated by
the template it fits, ``"Decision boundary (training accuracy {accuracy})"``,
whose translation gets the same values.

``_()`` returns the English text, which is what the figure shows when it is
drawn; the text remembers its translations (a :class:`Message`).  When the
example has run, :func:`save_figure` saves each figure as it is
(``figure-1.png``) and once more per language its words have
(``figure-1.ja.png``), with the Japanese words and a Japanese font.  So an
example runs once, and its cached result holds a figure per language only
where the figure has words to translate; the book's Japanese edition shows
``figure-1.ja.png`` where there is one (:func:`figure_in`).

Pass values to ``_()`` rather than formatting its result: an f-string around
``_("loss")`` is plain English text again.  Words the figure takes from its
data (the words of a corpus, an optimizer's name) are left as they are.

The Japanese font is IPAexGothic, installed with rindoku by the
``matplotlib-fontja`` package; it is used for the translated words only, as a
fallback after the figure's own font, so digits and Latin letters look the
same in both languages.
"""

from __future__ import annotations

import importlib.util
import re
import string
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

__all__ = [
    "FONTS",
    "Labels",
    "Message",
    "figure_in",
    "figure_translations",
    "save_figure",
    "translated_name",
]

FONTS: dict[str, tuple[str, str]] = {"ja": ("matplotlib_fontja", "fonts/ipaexg.ttf")}
"""For a language whose script the default font lacks: the package that installs
a font for it, and the font file inside the package."""

_LANGUAGE = re.compile(r"^[a-z]{2}(_[A-Z]{2})?$")


class Message(str):
    """English text drawn in a figure that knows its ``translations`` (language → text).

    It stays a :class:`Message` through ``str()``, so matplotlib keeps it as
    the text of a title, a label or a legend entry.
    """

    translations: dict[str, str]

    def __new__(cls, text: str, translations: Mapping[str, str]) -> Message:
        message = super().__new__(cls, text)
        message.translations = dict(translations)
        return message

    def __str__(self) -> str:
        return self

    def in_language(self, language: str) -> str:
        """The text in ``language`` ("en" or one of its translations)."""
        if language == "en":
            return str.__str__(self)
        return self.translations[language]


class Labels:
    """A chapter's figure words and their translations: ``Labels(ja={english: japanese})``.

    Calling it, ``_("loss after {n} epochs", n=10)``, gives the English text
    with its fields filled in (:meth:`str.format`), as a :class:`Message` that
    carries each translation filled in the same way (a value that is a
    :class:`Message` too, ``when=_(when)``, in the same language).  A text with no
    translation is an error that names it, when the figure is drawn.
    """

    def __init__(self, **languages: Mapping[str, str]) -> None:
        for language in languages:
            if not _LANGUAGE.match(language):
                raise ValueError(f"Labels: {language!r} is not a language code; "
                                 "use one like ja=…")
        self.languages = {language: dict(words) for language, words in languages.items()}

    def __call__(self, text: str, **values: Any) -> Message:
        if isinstance(text, Message) and not values:
            return text  # translated already
        translations = {}
        for language, words in self.languages.items():
            if text in words:
                # a value that is a Message itself is put in the same language
                translations[language] = words[text].format(**{
                    name: value.in_language(language) if isinstance(value, Message) else value
                    for name, value in values.items()})
                continue
            filled = None if values else _fill_from(text, words)
            if filled is None:
                raise KeyError(f"figure text {text!r} has no {language!r} translation: add it "
                               f"to the Labels(…) of its figures module")
            translations[language] = filled
        return Message(text.format(**values), translations)


def _fill_from(text: str, words: Mapping[str, str]) -> str | None:
    """The translation of ``text``, an English text some template of ``words`` made.

    A title an example formats and passes to its figure ("Decision boundary
    (training accuracy 97.3%)") is translated by the template it fits
    ("Decision boundary (training accuracy {accuracy})"), whose translation
    gets the same field values, as the English text shows them (a value that
    is itself one of ``words`` in its translation).
    """
    formatter = string.Formatter()
    for template, translation in words.items():
        pattern: list[str] = []
        fields: set[str] = set()
        for literal, field, _spec, _conversion in formatter.parse(template):
            pattern.append(re.escape(literal))
            if field is not None:
                if not field.isidentifier():
                    break
                pattern.append(f"(?P={field})" if field in fields else f"(?P<{field}>.+?)")
                fields.add(field)
        else:
            found = re.fullmatch("".join(pattern), text, re.DOTALL) if fields else None
            if found is not None:  # a value that is a word of the Labels too is translated
                return "".join(literal + (words.get(found[field], found[field])
                                          if field is not None else "")
                               for literal, field, _spec, _conversion
                               in formatter.parse(translation))
    return None


def translated_name(name: str, language: str) -> str:
    """``figure-1.png`` in ``language``: ``figure-1.ja.png`` ("en": the name itself)."""
    if language == "en":
        return name
    stem, dot, suffix = name.rpartition(".")
    return f"{stem}.{language}.{suffix}" if dot else f"{name}.{language}"


def figure_in(path: Path, language: str) -> Path:
    """The figure ``path`` in ``language`` where it was saved in it, else ``path``."""
    variant = Path(path).with_name(translated_name(Path(path).name, language))
    return variant if variant.is_file() else Path(path)


def figure_translations(path: Path) -> dict[str, Path]:
    """Every translation saved beside the figure ``path``, by language."""
    path = Path(path)
    found = {}
    for variant in path.parent.glob(f"{path.stem}.*{path.suffix}"):
        language = variant.name[len(path.stem) + 1:-len(path.suffix)]
        if _LANGUAGE.match(language):
            found[language] = variant
    return found


def _font_family(language: str) -> str | None:
    """Register the font ``language`` needs with matplotlib; its family name, or None."""
    if language not in FONTS:
        return None
    from matplotlib import font_manager

    package, file = FONTS[language]
    # found without importing the package: importing it changes matplotlib's defaults
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"the {language!r} figures need the font package {package!r}: "
                           "reinstall rindoku (pip install -e .)")
    path = Path(next(iter(spec.submodule_search_locations))) / file
    font_manager.fontManager.addfont(str(path))
    return str(font_manager.FontProperties(fname=str(path)).get_name())


def save_figure(figure: Any, path: Path, describe: Callable[[Any], str],
                **options: Any) -> dict[str, Path]:
    """Save ``figure`` to ``path``, and in each language its words have beside it.

    ``describe(figure)`` says what the figure shows (saved as the PNG's
    ``Description``); ``options`` go to :meth:`matplotlib.figure.Figure.savefig`.
    Returns the translations saved, by language.  The figure is left in English.
    """
    from matplotlib.text import Text

    path = Path(path)
    figure.savefig(path, metadata={"Description": describe(figure)}, **options)
    texts = [text for text in figure.findobj(Text) if isinstance(text.get_text(), Message)]
    languages = sorted({language for text in texts for language in text.get_text().translations})
    saved = {}
    for language in languages:
        family = _font_family(language)
        originals = [(text, text.get_text(), text.get_fontfamily()) for text in texts]
        try:
            for text, message, families in originals:
                if language in message.translations:
                    text.set_text(message.in_language(language))
                    if family is not None:
                        text.set_fontfamily([*families, family])
            variant = path.with_name(translated_name(path.name, language))
            figure.savefig(variant, metadata={"Description": describe(figure)}, **options)
            saved[language] = variant
        finally:
            for text, message, families in originals:
                text.set_text(message)
                text.set_fontfamily(families)
    return saved
