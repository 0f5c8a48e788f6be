"""What the book's pages give a reader, checked in the built HTML of a one-chapter book:
math from the book itself, listings that compile, hints one by one, figures that
say what they show, glossary links to where a term is introduced."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from conftest import build_book, demo_book

PLUGIN = '''\
import functools
from pathlib import Path

import matplotlib.pyplot as plt

from rindoku import Chapter, Example, Exercise, hookimpl

HERE = Path(__file__).parent


class Adder:
    """Adds."""

    def add(self, a, b):
        """Return a + b.

        The body is indented deeper than this docstring's first line.
        """
        total = a + b
        return total


class Compiled:
    """What a compiling decorator (numba's njit) returns: an object, not a function."""

    def __init__(self, function):
        functools.update_wrapper(self, function)

    def __call__(self, *args):
        return self.__wrapped__(*args)


@Compiled
def double(x):
    """Return 2 x."""
    return 2 * x


def curve(rng):
    print("drawing")
    figure, axes = plt.subplots()
    axes.plot([1, 2, 3])
    axes.set_title("held-out accuracy per epoch")
    axes.set_xlabel("epoch")
    axes.set_ylabel("accuracy")


def check(module):
    pass


@hookimpl
def rindoku_chapter():
    return Chapter(slug="demo", number=9, title="Demo", title_ja="デモ",
                   page=HERE / "demo.md", terms={"loss function": "損失関数"})


@hookimpl
def rindoku_examples():
    return [Example("demo.curve", "A curve", curve)]


@hookimpl
def rindoku_exercises():
    return [Exercise("demo.add", "Add", "Write $a + b$.", HERE / "solution.py", check,
                     hints=("Think of $+$.", "Use the operator.", "`return a + b`"))]
'''

SOLUTION = '''\
def add(a, b):
    # BEGIN SOLUTION: return the sum
    return a + b
    # END SOLUTION
'''

PAGE = """\
# Demo — デモ

## Losses

A **loss function** (損失関数) $L$ says how wrong the network is.

$$
\\begin{split}
\\boldsymbol{y} &= f(x) \\\\
L &= \\tfrac12 \\lVert \\boldsymbol{y} - t \\rVert^2
\\end{split}
$$

```{rindoku-source} rindoku_demo_pages.Adder.add
```

```{rindoku-source} rindoku_demo_pages.double
```

```{rindoku-example} demo.curve
```

```{rindoku-exercise} demo.add
```
"""


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A one-chapter book with a glossary, built once: its html folder."""
    tmp = tmp_path_factory.mktemp("pages")
    docs, env = demo_book(tmp, "rindoku_demo_pages", PLUGIN, "demo.curve")
    plugin_dir = Path(env["PYTHONPATH"])
    (plugin_dir / "demo.md").write_text(PAGE, encoding="utf-8")
    (plugin_dir / "solution.py").write_text(SOLUTION, encoding="utf-8")
    with (docs / "conf.py").open("a") as conf:
        conf.write('extensions.append("sphinx.ext.mathjax")\n'
                   'myst_enable_extensions = ["dollarmath", "amsmath"]\n')
    (docs / "glossary.md").write_text("# Glossary\n\n```{rindoku-glossary}\n```\n")
    (docs / "index.md").write_text("# Test\n\n```{rindoku-chapters}\n```\n\n"
                                   "```{toctree}\n\nglossary\n```\n")
    done = build_book(docs, tmp / "out", "-W", env=env)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return tmp / "out" / "html"


def text_of(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def test_math_comes_from_the_book_not_a_cdn(pages: Path) -> None:
    """The page loads the bundled MathJax; nothing in the book loads a remote URL."""
    page = (pages / "chapters" / "demo.html").read_text(encoding="utf-8")
    assert 'src="../_static/mathjax/tex-svg-full.js' in page
    assert (pages / "_static" / "mathjax" / "tex-svg-full.js").stat().st_size > 1_000_000
    assert (pages / "_static" / "mathjax" / "LICENSE").is_file()
    for file in pages.rglob("*.html"):
        remote = re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="(https?:)?//[^"]+"',
                            file.read_text(encoding="utf-8"))
        assert remote == [], f"{file.name} loads {remote}"


def test_a_methods_listing_is_valid_python(pages: Path) -> None:
    """A method's source is dedented as a whole, so its listing compiles."""
    page = (pages / "chapters" / "demo.html").read_text(encoding="utf-8")
    listing = re.search(r'\(line \d+\).*?<pre>(.*?)</pre>', page, re.S)
    assert listing is not None
    code = text_of(listing.group(1))
    assert code.startswith("def add(self, a, b):")
    compile(code, "listing", "exec")


def test_a_compiled_functions_listing_is_its_python_source(pages: Path) -> None:
    """A function a decorator compiled (numba's njit) is shown as the Python it was written in."""
    page = (pages / "chapters" / "demo.html").read_text(encoding="utf-8")
    listings = [text_of(code) for code in
                re.findall(r'rindoku_demo_pages \(line \d+\).*?<pre>(.*?)</pre>', page, re.S)]
    assert any(code.startswith("@Compiled\ndef double(x):") for code in listings), listings


def test_each_hint_is_its_own_block_and_the_last_says_it_shows_code(pages: Path) -> None:
    page = (pages / "chapters" / "demo.html").read_text(encoding="utf-8")
    summaries = re.findall(r'<details class="[^"]*\brindoku-hint\b[^"]*"[^>]*>\s*'
                           r'<summary>([^<]*)</summary>', page)
    assert summaries == ["Hint 1", "Hint 2", "Hint 3 (last: shows code)"]
    assert len(re.findall(r'<details class="rindoku-details">\s*<summary>Solution<', page)) == 1


def test_a_figure_says_what_it_shows_and_opens_at_full_size(pages: Path) -> None:
    page = (pages / "chapters" / "demo.html").read_text(encoding="utf-8")
    link = re.search(r'<a class="rindoku-figure" href="([^"]+)"[^>]*>\s*<img alt="([^"]+)"',
                     page)
    assert link is not None
    href, alt = link.groups()
    assert html.unescape(alt) == ("demo.curve, figure 1: held-out accuracy per epoch "
                                  "(x: epoch, y: accuracy)")
    assert (pages / "chapters" / href).resolve().read_bytes()[:4] == b"\x89PNG"


def test_the_glossary_links_to_where_the_term_is_introduced(pages: Path) -> None:
    glossary = (pages / "glossary.html").read_text(encoding="utf-8")
    assert 'href="chapters/demo.html#term-loss-function"' in glossary
    page = (pages / "chapters" / "demo.html").read_text(encoding="utf-8")
    paragraph = re.search(r'<p id="term-loss-function">(.*?)</p>', page, re.S)
    assert paragraph is not None and "損失関数" in paragraph.group(1)
