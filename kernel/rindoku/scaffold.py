"""``rindoku new-chapter``: a working chapter plugin from templates.

In a rindoku checkout it writes ``plugins/rindoku_<slug>/``, the page
``chapters/<slug>.md`` and the chapter's entry point in ``pyproject.toml``.
With ``package=DIR`` it writes the same chapter as a separate pip-installable
package instead (its own ``pyproject.toml``, its page as package data, its own
tests, and the catalog of its page's Japanese edition beside the page,
``locales/ja/LC_MESSAGES/<slug>.po``, see :mod:`rindoku.sphinxext.translations`).
The templates are in ``rindoku/templates/chapter``.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass
from pathlib import Path
from string import Template

from rindoku.chapter import SLUG_PATTERN

__all__ = ["ScaffoldError", "add_entry_point", "new_chapter"]

TEMPLATES = Path(__file__).parent / "templates" / "chapter"

# template -> where it goes inside the chapter's package
PACKAGE_FILES = {
    "__init__.py.tmpl": "__init__.py",
    "plugin.py.tmpl": "plugin.py",
    "layers.py.tmpl": "layers.py",
    "gradcases.py.tmpl": "gradcases.py",
    "examples.py.tmpl": "examples.py",
    "exercises.py.tmpl": "exercises.py",
    "solution.py.tmpl": "solutions/scale_backward.py",
}


class ScaffoldError(ValueError):
    """The chapter cannot be created; the message says why and what to do."""


@dataclass(frozen=True)
class ChapterSpec:
    """What the templates are filled with."""

    slug: str
    title: str
    title_ja: str
    number: int

    @property
    def package(self) -> str:
        return f"rindoku_{self.slug}"

    @property
    def camel(self) -> str:
        return self.slug[0].upper() + self.slug[1:]

    def fill(self, template: str, page_expression: str, separate: bool) -> str:
        """The template filled in; ``separate`` for a package outside the checkout,
        where ``rindoku`` is a third-party import in its own import block."""
        text = (TEMPLATES / template).read_text(encoding="utf-8")
        return Template(text).substitute(
            kernel_gap="" if separate else "\n",
            import_gap="\n" if separate else "",
            slug=self.slug,
            title=self.title.replace('"', "'"),
            title_ja=self.title_ja.replace('"', "'"),
            number=self.number,
            package=self.package,
            Camel=self.camel,
            summary=f"{self.title.replace(chr(34), chr(39))}.",
            page_expression=page_expression,
        )


def check_slug(slug: str) -> None:
    """Refuse a slug that cannot name a chapter (and its package ``rindoku_<slug>``)."""
    if not SLUG_PATTERN.match(slug) or keyword.iskeyword(slug):
        raise ScaffoldError(
            f"{slug!r} is not a valid chapter name: use lower-case letters and digits, "
            "starting with a letter (for example 'rnnlm')"
        )


def add_entry_point(pyproject: Path, slug: str) -> None:
    """Add ``<slug> = "rindoku_<slug>.plugin"`` to the ``rindoku`` entry point group."""
    text = pyproject.read_text(encoding="utf-8")
    header = "[project.entry-points.rindoku]"
    if header not in text:
        raise ScaffoldError(f"{pyproject} has no {header} table to add the chapter to")
    start = text.index(header) + len(header)
    next_table = re.search(r"^\[", text[start:], flags=re.MULTILINE)
    end = start + next_table.start() if next_table else len(text)
    body = text[start:end].rstrip("\n")
    rest = text[end:]
    line = f'{slug} = "rindoku_{slug}.plugin"'
    text = text[:start] + body + "\n" + line + "\n" + ("\n" + rest if rest else "")
    pyproject.write_text(text, encoding="utf-8")


def _write(files: dict[Path, str]) -> list[Path]:
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return list(files)


def new_chapter(
    slug: str,
    title: str,
    *,
    number: int,
    title_ja: str = "",
    root: Path | None = None,
    package: Path | None = None,
) -> list[Path]:
    """Write a new chapter plugin; return the files written.

    Exactly one of ``root`` (a rindoku checkout) and ``package`` (a folder for
    a separate package) is given.  Nothing is written if anything would be
    overwritten.
    """
    check_slug(slug)
    spec = ChapterSpec(slug, title, title_ja or title, number)
    if package is not None:
        return _new_package(spec, Path(package))
    assert root is not None
    plugin_dir = root / "plugins" / spec.package
    page = root / "chapters" / f"{slug}.md"
    for existing in (plugin_dir, page):
        if existing.exists():
            raise ScaffoldError(f"{existing} already exists: chapter {slug!r} is taken, "
                                "choose another name")
    in_repo = 'Path(__file__).resolve().parents[2] / "chapters" / ' + f'"{slug}.md"'
    files = {plugin_dir / target: spec.fill(template, in_repo, separate=False)
             for template, target in PACKAGE_FILES.items()}
    files[page] = spec.fill("page.md.tmpl", in_repo, separate=False)
    written = _write(files)
    add_entry_point(root / "pyproject.toml", slug)
    return [*written, root / "pyproject.toml"]


def _new_package(spec: ChapterSpec, folder: Path) -> list[Path]:
    if folder.exists() and any(folder.iterdir()):
        raise ScaffoldError(f"{folder} is not empty: give a new folder for the package")
    shipped = 'Path(__file__).with_name("page.md")'
    package_dir = folder / spec.package
    files = {package_dir / target: spec.fill(template, shipped, separate=True)
             for template, target in PACKAGE_FILES.items()}
    extra = {
        "page.md.tmpl": package_dir / "page.md",
        "pyproject.toml.tmpl": folder / "pyproject.toml",
        "README.md.tmpl": folder / "README.md",
        "test_package.py.tmpl": folder / "tests" / f"test_{spec.slug}.py",
        "catalog.po.tmpl": package_dir / "locales" / "ja" / "LC_MESSAGES" / f"{spec.slug}.po",
    }
    for template, path in extra.items():
        files[path] = spec.fill(template, shipped, separate=True)
    return _write(files)
