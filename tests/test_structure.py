"""The shape of the code, drawn from its imports.

The kernel (``rindoku``) is the framework and imports no chapter and not the
text library; the text library (``rindoku_text``) imports the kernel only; a
chapter imports the kernel, the text library, and the public names of the
chapters it declares in ``Chapter.requires``.  No two packages import each
other, directly or around a loop.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from rindoku.registry import find_cycle, load_registry

ROOT = Path(__file__).resolve().parents[1]
REGISTRY = load_registry()
CHAPTERS = {
    slug: item.value for slug, item in REGISTRY.chapters.items()
}
PACKAGE_OF = {  # chapter slug -> its top-level package
    slug: next(p.module for p in REGISTRY.plugins if p.name == item.plugin).partition(".")[0]
    for slug, item in REGISTRY.chapters.items()
}
KERNEL, TEXT = "rindoku", "rindoku_text"


def package_dir(package: str) -> Path:
    folder = "kernel" if package == KERNEL else "plugins"
    return ROOT / folder / package


def imports_of(package: str) -> list[tuple[Path, int, str, list[str]]]:
    """Every import in the package's files: (file, line, module, names imported from it)."""
    found = []
    for path in sorted(package_dir(package).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found += [(path, node.lineno, alias.name, []) for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.append((path, node.lineno, node.module, [a.name for a in node.names]))
    return found


def rindoku_packages_imported(package: str) -> dict[str, list[str]]:
    """The rindoku packages ``package`` imports, each with where (file:line)."""
    used: dict[str, list[str]] = {}
    for path, line, module, _ in imports_of(package):
        top = module.partition(".")[0]
        if top.startswith(KERNEL) and top != package:
            used.setdefault(top, []).append(f"{path.relative_to(ROOT)}:{line}")
    return used


def test_the_layout_is_kernel_text_library_and_one_package_per_chapter():
    assert package_dir(KERNEL).is_dir() and package_dir(TEXT).is_dir()
    for slug, package in PACKAGE_OF.items():
        assert package == f"rindoku_{slug}"
        assert package_dir(package).is_dir()


def test_the_kernel_imports_no_chapter_and_not_the_text_library():
    assert rindoku_packages_imported(KERNEL) == {}


def test_the_text_library_imports_only_the_kernel():
    assert set(rindoku_packages_imported(TEXT)) <= {KERNEL}


@pytest.mark.parametrize("slug", sorted(CHAPTERS))
def test_a_chapter_imports_only_the_chapters_it_requires(slug):
    """Importing another chapter's code is declaring that chapter in ``requires``."""
    allowed = {KERNEL, TEXT} | {PACKAGE_OF.get(r, f"rindoku_{r}") for r in CHAPTERS[slug].requires}
    undeclared = {
        package: places
        for package, places in rindoku_packages_imported(PACKAGE_OF[slug]).items()
        if package not in allowed
    }
    assert not undeclared, (
        f"chapter {slug!r} imports {sorted(undeclared)} without requiring it: {undeclared}"
    )


@pytest.mark.parametrize("package", [KERNEL, TEXT, *sorted(PACKAGE_OF.values())])
def test_no_private_name_is_imported_from_another_package(package):
    """``from rindoku_cbow.exercises import _get`` reaches into another package's insides."""
    private = [
        f"{path.relative_to(ROOT)}:{line}: {module}.{name}"
        for path, line, module, names in imports_of(package)
        if module.partition(".")[0] != package and module.startswith(KERNEL)
        for name in names + module.split(".")[1:]
        if name.startswith("_") and not name.startswith("__")
    ]
    assert not private, "private names imported across packages:\n" + "\n".join(private)


def test_no_two_packages_depend_on_each_other():
    """The package graph has no cycle (backprop -> optimizers -> backprop would be one)."""
    packages = [KERNEL, TEXT, *PACKAGE_OF.values()]
    graph = {p: set(rindoku_packages_imported(p)) & set(packages) for p in packages}

    cycles = [" -> ".join(c) for p in packages if (c := find_cycle(p, graph))]
    assert not cycles, cycles


def test_requirements_are_installed_and_come_first_in_the_book():
    order = [c.slug for c in REGISTRY.chapter_list()]
    for slug, chapter in CHAPTERS.items():
        for required in chapter.requires:
            assert required in order, f"{slug} requires {required}, which is not installed"
            assert order.index(required) < order.index(slug)


def test_every_shared_build_is_a_fixture_built_once_per_session_or_module():
    """conftest.SHARED_BUILDS puts the tests that use a fixture on one pytest-xdist worker,
    by the fixture's name: each name is a module- or session-scoped fixture of the tests,
    so that renaming one cannot quietly make every worker build it again."""
    from conftest import SHARED_BUILDS

    built_once = set()
    for path in sorted((ROOT / "tests").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if not isinstance(node, ast.FunctionDef):
                continue
            for decorator in node.decorator_list:
                scopes = [keyword.value.value for keyword in getattr(decorator, "keywords", [])
                          if keyword.arg == "scope" and isinstance(keyword.value, ast.Constant)]
                if scopes and scopes[0] in ("module", "session"):
                    built_once.add(node.name)
    assert set(SHARED_BUILDS) <= built_once, set(SHARED_BUILDS) - built_once
