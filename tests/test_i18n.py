"""The Japanese edition: figures in both languages from one run, the catalogs, the
editions side by side with a switch between them, and the real book translated."""

from __future__ import annotations

import re
import string
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from babel.messages.extract import extract_from_dir  # noqa: E402
from babel.messages.pofile import read_po  # noqa: E402
from conftest import BOOK_CACHE, build_edition, checkout_files  # noqa: E402

from rindoku.examples import _describe_figure, figure_description  # noqa: E402
from rindoku.i18n import (  # noqa: E402
    Labels,
    Message,
    figure_in,
    figure_translations,
    save_figure,
    translated_name,
)
from rindoku.registry import load_registry  # noqa: E402
from rindoku.scaffold import new_chapter  # noqa: E402
from rindoku.schedule import read_plan  # noqa: E402
from rindoku.sphinxext import translations  # noqa: E402
from rindoku.sphinxext.editions import edition_link  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
LOCALES = ROOT / "docs" / "locales" / "ja" / "LC_MESSAGES"


def read_catalog(path: Path):
    with path.open("rb") as file:
        return read_po(file)


def text_of(page: Path) -> str:
    """A page's text, tags removed and spaces joined."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.read_text(encoding="utf-8")))


# -- figure words ---------------------------------------------------------------------

_ = Labels(ja={
    "epoch": "エポック",
    "loss after {n} epochs": "{n} エポック後の損失",
    "Decision boundary (training accuracy {accuracy})": "決定境界(訓練データの認識精度 {accuracy})",
    "before training": "学習前",
    "filters {when}": "フィルター {when}",
})


def test_a_label_is_english_and_carries_its_translation():
    """_() gives the English text, filled in, that knows its Japanese, filled in alike."""
    label = _("loss after {n} epochs", n=10)
    assert isinstance(label, Message) and label == "loss after 10 epochs"
    assert label.in_language("ja") == "10 エポック後の損失"
    assert label.in_language("en") == "loss after 10 epochs"
    assert isinstance(str(label), Message)  # matplotlib keeps it as the text of a label


def test_a_formatted_title_is_translated_by_the_template_it_fits():
    """A title an example formats is found by its template, with the same values."""
    title = _("Decision boundary (training accuracy 97.3%)")
    assert title.in_language("ja") == "決定境界(訓練データの認識精度 97.3%)"


def test_a_translated_value_goes_into_the_same_language():
    assert _("filters {when}", when=_("before training")).in_language("ja") == "フィルター 学習前"
    assert _("filters before training").in_language("ja") == "フィルター 学習前"


def test_a_word_without_its_translation_is_an_error_that_names_it():
    with pytest.raises(KeyError, match="figure text 'accuracy' has no 'ja' translation"):
        _("accuracy")
    with pytest.raises(ValueError, match="'japanese' is not a language code"):
        Labels(japanese={})


def test_a_figure_is_saved_in_each_language_its_words_have(tmp_path):
    """figure-1.png in English, figure-1.ja.png in Japanese with a font that has the
    glyphs (matplotlib warns of every missing glyph), and the figure is left English."""
    fig, ax = plt.subplots()
    ax.plot([1, 2, 3])
    ax.set_xlabel(_("epoch"))
    ax.set_title(_("loss after {n} epochs", n=3))
    path = tmp_path / "figure-1.png"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph … missing from font(s)" would raise
        saved = save_figure(fig, path, _describe_figure, dpi=50)
    assert saved == {"ja": tmp_path / "figure-1.ja.png"}
    assert figure_description(path) == "loss after 3 epochs (x: epoch)"
    assert figure_description(saved["ja"]) == "3 エポック後の損失 (x: エポック)"
    assert ax.get_xlabel() == "epoch"
    assert figure_translations(path) == saved
    assert figure_in(path, "ja") == saved["ja"] and figure_in(path, "en") == path
    plt.close(fig)


def test_a_figure_without_words_to_translate_is_saved_once(tmp_path):
    fig, ax = plt.subplots()
    ax.plot([1, 2])
    ax.set_xlabel("x")
    assert save_figure(fig, tmp_path / "figure-1.png", _describe_figure, dpi=50) == {}
    assert figure_in(tmp_path / "figure-1.png", "ja") == tmp_path / "figure-1.png"
    assert translated_name("figure-2.png", "ja") == "figure-2.ja.png"
    plt.close(fig)


def test_every_figure_label_of_the_chapters_has_its_japanese():
    """Every chapter's figures module has its Labels, and they give every word in
    Japanese, each template's fields alike: a figures module without them would draw
    English words in the Japanese edition."""
    import importlib

    registry = load_registry()
    for slug in registry.chapters:
        try:
            module = importlib.import_module(f"rindoku_{slug}.figures")
        except ModuleNotFoundError:
            continue
        labels = getattr(module, "_", None)
        assert isinstance(labels, Labels), f"rindoku_{slug}.figures has no _ = Labels(ja={{…}})"
        for english, japanese in labels.languages["ja"].items():
            assert japanese.strip(), f"rindoku_{slug}.figures: {english!r} has no Japanese"
            assert fields(english) == fields(japanese), (slug, english, japanese)


def fields(template: str) -> set[str]:
    return {field for _l, field, _s, _c in string.Formatter().parse(template) if field}


# -- the catalogs -------------------------------------------------------------------


def test_the_extensions_words_are_all_translated():
    """Every _() of the extension (and of the decks') is in its Japanese catalog,
    translated, not fuzzy, and with the same fields: a new sentence of the book's
    machinery cannot stay English."""
    folders = [ROOT / "kernel" / "rindoku" / "sphinxext", ROOT / "kernel" / "rindoku" / "slides"]
    used = {message for folder in folders
            for _f, _l, message, _c, _ctx in extract_from_dir(str(folder), keywords={"_": None})
            if isinstance(message, str)}
    catalog = read_catalog(translations.LOCALES / "ja" / "LC_MESSAGES" / "rindoku.po")
    assert used, "no words found in the extension"
    for text in sorted(used):
        message = catalog.get(text)
        assert message is not None, f"{text!r} is not in rindoku.po: run 'nox -s translations'"
        assert message.string and not message.fuzzy, f"{text!r} is not translated"
        assert fields(text) == fields(message.string), (text, message.string)


def test_the_scaffold_gives_a_separate_chapter_its_catalog(tmp_path):
    """The package's catalog lies beside its page, where the book looks, starts with
    the page's title in Japanese, and is package data."""
    new_chapter("rnnlm", "RNN language models", number=7, title_ja="RNN 言語モデル",
                package=tmp_path / "pkg")
    package = tmp_path / "pkg" / "rindoku_rnnlm"
    po = translations.plugin_catalog(package / "page.md", "rnnlm", "ja")
    assert po == package / "locales" / "ja" / "LC_MESSAGES" / "rnnlm.po" and po.is_file()
    catalog = read_catalog(po)
    assert str(catalog.locale) == "ja"
    assert catalog.get("RNN language models").string == "RNN 言語モデル"
    assert "# RNN language models" in (package / "page.md").read_text()
    assert '"locales/*/LC_MESSAGES/*.po"' in (tmp_path / "pkg" / "pyproject.toml").read_text()


def test_a_scaffolded_package_is_translated_by_its_own_catalog(tmp_path):
    """The Japanese edition of a book with the new package's chapter finds the catalog
    in the package and gives the page its Japanese title."""
    import os

    new_chapter("rnnlm", "RNN language models", number=7, title_ja="RNN 言語モデル",
                package=tmp_path / "pkg")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "conf.py").write_text(
        'extensions = ["myst_parser", "rindoku.sphinxext"]\n'
        'rindoku_plugins = ["rindoku_rnnlm.plugin"]\n'
        "rindoku_installed_plugins = False\n"
        "gettext_compact = False\n"
    )
    (docs / "index.md").write_text("# Test\n\n```{rindoku-chapters}\n```\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "pkg")}
    done = build_edition(docs, tmp_path / "out", "ja", env=env)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    page = (tmp_path / "out" / "html" / "ja" / "chapters" / "rnnlm.html").read_text()
    assert "<h1>RNN 言語モデル" in page
    assert re.search(r"chapters/rnnlm\s+\d+ of \d+ messages untranslated", done.stdout)


# -- a book in two editions -----------------------------------------------------------

EDITION_PLUGIN = '''\
from pathlib import Path

import matplotlib.pyplot as plt

from rindoku import Chapter, Example, hookimpl
from rindoku.i18n import Labels

_ = Labels(ja={"epoch": "エポック", "loss": "損失"})


def draw(rng):
    print("drawn")
    fig, ax = plt.subplots()
    ax.plot(rng.random(5))
    ax.set_xlabel(_("epoch"))
    ax.set_ylabel(_("loss"))


@hookimpl
def rindoku_chapter():
    return Chapter(slug="demo", number=9, title="Demo", title_ja="デモ",
                   page=Path(__file__).with_name("demo.md"), summary="A demo chapter.",
                   terms={"thing": "もの"})


@hookimpl
def rindoku_examples():
    return [Example("demo.draw", "Drawing a loss curve", draw)]
'''

EDITION_PAGE = """\
# Demo

A **thing** (もの) is what this page is about.

This paragraph is left in English.

```{rindoku-example} demo.draw
```
"""

# The plugin's catalog, beside its page: one message fuzzy, one missing.
EDITION_CATALOG = """\
msgid ""
msgstr ""
"Language: ja\\n"
"Content-Type: text/plain; charset=utf-8\\n"

msgid "Demo"
msgstr "デモ"

msgid "A **thing** (もの) is what this page is about."
msgstr "このページは**もの**の話です。"

msgid "Drawing a loss curve"
msgstr "損失の曲線を描く"

#, fuzzy
msgid "Drawing a curve"
msgstr "曲線を描く"
"""


@pytest.fixture(scope="module")
def editions(tmp_path_factory):
    """A one-chapter book built in English, then in Japanese beside it, sharing the
    example cache: (output folder, English build, Japanese build, the plugin folder)."""
    import os

    tmp = tmp_path_factory.mktemp("editions")
    plugin = tmp / "plugin"
    (plugin / "locales" / "ja" / "LC_MESSAGES").mkdir(parents=True)
    (plugin / "rindoku_demo_editions.py").write_text(EDITION_PLUGIN)
    (plugin / "demo.md").write_text(EDITION_PAGE)
    (plugin / "locales" / "ja" / "LC_MESSAGES" / "demo.po").write_text(EDITION_CATALOG)
    docs = tmp / "docs"
    docs.mkdir()
    (docs / "conf.py").write_text(
        'extensions = ["myst_parser", "rindoku.sphinxext"]\n'
        'rindoku_plugins = ["rindoku_demo_editions"]\n'
        "rindoku_installed_plugins = False\n"
        'rindoku_editions = ["en", "ja"]\n'
        'translation_progress_classes = "untranslated"\n'
        "gettext_compact = False\n"
    )
    (docs / "index.md").write_text("# Test\n\n```{rindoku-chapters}\n```\n")
    env = {**os.environ, "PYTHONPATH": str(plugin)}
    out = tmp / "out"
    english = build_edition(docs, out, "en", "-W", env=env)
    assert english.returncode == 0, english.stdout[-2000:] + english.stderr[-2000:]
    japanese = build_edition(docs, out, "ja", "-W", env=env)
    assert japanese.returncode == 0, japanese.stdout[-2000:] + japanese.stderr[-2000:]
    return out, english, japanese, plugin


def test_the_japanese_edition_runs_no_example_again(editions):
    """The example ran for the English edition; the Japanese one takes it from the cache,
    which lies beside the editions' folder, not in what is published."""
    out, english, japanese, _plugin = editions
    assert re.search(r"demo\.draw\s+ran", english.stdout), english.stdout
    assert re.search(r"demo\.draw\s+cached", japanese.stdout), japanese.stdout
    assert (out / "rindoku-cache" / "demo.draw").is_dir()
    assert not list((out / "html").rglob("rindoku-cache"))


def test_each_edition_shows_the_figure_in_its_language(editions):
    out, *_ = editions
    pages = {language: (out / "html" / language / "chapters" / "demo.html").read_text()
             for language in ("en", "ja")}
    images = {language: [(re.search(r'src="([^"]+)"', tag)[1], re.search(r'alt="([^"]*)"', tag)[1])
                         for tag in re.findall(r"<img [^>]+>", page)]
              for language, page in pages.items()}
    (en_src, en_alt), = images["en"]
    (ja_src, ja_alt), = images["ja"]
    assert en_src.endswith("figure-1.png") and "x: epoch, y: loss" in en_alt
    assert ja_src.endswith("figure-1.ja.png") and "x: エポック, y: 損失" in ja_alt
    assert (out / "html" / "ja" / "chapters" / ja_src).resolve().read_bytes()[:4] == b"\x89PNG"


def test_the_japanese_edition_translates_the_page_and_marks_what_is_not(editions):
    """The plugin's own catalog translates its page; the paragraph without a
    translation is marked untranslated; the extension's words are Japanese."""
    out, *_ = editions
    page = (out / "html" / "ja" / "chapters" / "demo.html").read_text()
    text = text_of(out / "html" / "ja" / "chapters" / "demo.html")
    assert "このページは" in text and "損失の曲線を描く" in text
    assert "例:" in text and "出力" in text and "ダウンロード" in text
    untranslated = re.findall(r'<p class="untranslated">(.*?)</p>', page, re.S)
    assert untranslated == ["This paragraph is left in English."]
    english = text_of(out / "html" / "en" / "chapters" / "demo.html")
    assert "A thing (もの) is what" in english and "Example: Drawing a loss curve" in english


def test_the_japanese_build_ends_with_what_is_left_to_translate(editions):
    _out, english, japanese, _plugin = editions
    assert re.search(r"chapters/demo\s+1 of \d+ messages untranslated \(1 fuzzy\), "
                     r"first: 'This paragraph is left in English.'", japanese.stdout)
    assert "nox -s translations" in japanese.stdout
    assert "untranslated" not in english.stdout


def test_each_page_links_to_itself_in_the_other_edition(editions):
    out, *_ = editions
    for language, other in (("en", "ja"), ("ja", "en")):
        for page in ("index.html", "chapters/demo.html"):
            html = (out / "html" / language / page).read_text()
            link = edition_link(page, other)
            # this book's theme has no switch (the course book's template adds one):
            # the page's head names the other edition
            assert f'<link rel="alternate" hreflang="{other}" href="{link}"' in html, page
            assert (out / "html" / language / page).parent.joinpath(link).resolve().is_file()


def test_the_front_page_sends_the_reader_to_an_edition(editions):
    """html/index.html links both editions and picks one by the browser's language,
    with nothing fetched from elsewhere."""
    out, *_ = editions
    front = (out / "html" / "index.html").read_text()
    assert 'href="en/index.html"' in front and 'href="ja/index.html"' in front
    assert "navigator.languages" in front
    assert "http" not in front


def test_the_catalogs_are_compiled_outside_the_sources(editions):
    """Sphinx would write a .mo beside each .po: the plugin's folder keeps only its .po."""
    *_, plugin = editions
    assert sorted(p.name for p in (plugin / "locales").rglob("*.*")) == ["demo.po"]


def test_the_gettext_builder_extracts_the_pages_and_the_plugins_text(editions, tmp_path):
    """The page's catalog gets the page, the example's title; not the extension's words
    (its own catalog has them) nor the figure's description (the figure's own)."""
    import os
    import subprocess
    import sys

    out, *_, plugin = editions
    docs = out.parent / "docs"
    env = {**os.environ, "PYTHONPATH": str(plugin)}
    done = subprocess.run([sys.executable, "-m", "sphinx", "-q", "-b", "gettext", str(docs),
                           str(tmp_path / "pot"), "-d", str(tmp_path / "doctrees")],
                          capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr
    ids = {m.id for m in read_catalog(tmp_path / "pot" / "chapters" / "demo.pot") if m.id}
    assert {"Demo", "This paragraph is left in English.", "Drawing a loss curve"} <= ids
    assert not any("Download" in i or "Output" in i or "epoch" in i for i in ids), ids
    index = {m.id for m in read_catalog(tmp_path / "pot" / "index.pot") if m.id}
    assert "A demo chapter." in index  # the chapter list's summary


# -- the real book's Japanese edition -------------------------------------------------


@pytest.fixture(scope="session")
def real_book_ja(real_book):
    """The real book's Japanese edition, built beside its English one (-W), from the
    same example cache: (output folder, the build)."""
    out, _, _ = real_book
    before = checkout_files()
    done = build_edition(ROOT / "docs", out, "ja", "-W", "--keep-going",
                         "-D", f"rindoku_cache_dir={BOOK_CACHE}")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert checkout_files() - before == set()
    return out, done


@pytest.mark.slow
def test_the_real_japanese_edition_runs_nothing_again(real_book_ja):
    _out, done = real_book_ja
    assert not re.search(r"^\s+\S+\s+ran\s", done.stdout, re.M), done.stdout


@pytest.mark.slow
def test_every_page_of_the_real_book_has_its_catalog_translated(real_book_ja):
    """Each page's catalog gives every message a translation that is not fuzzy."""
    out, _ = real_book_ja
    sources = out / "html" / "ja" / "_sources"  # one per page of the book: <docname>.md.txt
    docnames = sorted(p.relative_to(sources).as_posix().removesuffix(".md.txt")
                      for p in sources.rglob("*.md.txt"))
    assert "index" in docnames and "chapters/cbow" in docnames
    for docname in docnames:
        po = LOCALES / f"{docname}.po"
        assert po.is_file(), f"{docname} has no catalog: run 'nox -s translations'"
        left = [m.id for m in read_catalog(po) if m.id and (not m.string or m.fuzzy)]
        assert left == [], f"{po.relative_to(ROOT)}: {len(left)} untranslated, first {left[0]!r}"


@pytest.mark.slow
def test_the_real_japanese_build_reports_no_page_left_to_translate(real_book_ja):
    """The build's summary names no page: a translator is sent to nothing that is done."""
    _out, done = real_book_ja
    assert "not fully translated" not in done.stdout, done.stdout[-2000:]


@pytest.mark.slow
def test_no_page_of_the_real_japanese_edition_has_an_english_paragraph(real_book_ja):
    """Sphinx marks each message without a translation: no page has one."""
    out, _ = real_book_ja
    for page in sorted((out / "html" / "ja").rglob("*.html")):
        found = re.search(r'<(\w+)[^>]* class="[^"]*\buntranslated\b[^"]*"[^>]*>(.{0,80})',
                          page.read_text(encoding="utf-8"), re.S)
        assert found is None, f"{page.name}: untranslated {found.group(2)!r}"


@pytest.mark.slow
def test_the_japanese_editions_meeting_decks_speak_japanese(real_book_ja):
    """Each meeting's deck in the Japanese edition: its title slide in Japanese, its
    figures drawn in Japanese (no paragraph left in English: the test above)."""
    out, _ = real_book_ja
    plan = read_plan(ROOT / "docs" / "schedule.toml", load_registry())
    figures = {"en": [], "ja": []}
    for meeting in plan.meetings:
        for language in figures:
            html = (out / "html" / language / "slides" / f"{meeting.name}.html").read_text(
                encoding="utf-8")
            figures[language] += re.findall(r'<img[^>]* src="_images/(figure-[^"]+)"', html)
            if language == "ja":
                title = html.split("<h2>")[0]
                assert "巻 §" in title and "rindoku コースブック" in title, meeting.name
    assert any(f.endswith(".ja.png") for f in figures["ja"]), figures["ja"]
    assert not any(f.endswith(".ja.png") for f in figures["en"]), figures["en"]


@pytest.mark.slow
def test_every_real_page_switches_to_itself_in_the_other_edition(real_book_ja):
    out, _ = real_book_ja
    html = out / "html"
    for page in sorted((html / "en").rglob("*.html")):
        uri = page.relative_to(html / "en").as_posix()
        if uri.startswith(("_", "slides/")):  # Sphinx's own files; the decks are no pages
            continue
        for language, other in (("en", "ja"), ("ja", "en")):
            text = (html / language / uri).read_text(encoding="utf-8")
            link = edition_link(uri, other)
            assert f'href="{link}" hreflang="{other}"' in text, (language, uri)
    assert 'href="ja/index.html"' in (html / "index.html").read_text()


@pytest.mark.slow
def test_the_chapters_use_the_glossarys_japanese_terms(real_book_ja):
    """Each chapter's Japanese page uses the glossary's term for each of its entries,
    and keeps it wherever the English gives it beside the English term."""
    out, _ = real_book_ja
    glossary = text_of(out / "html" / "ja" / "glossary.html")
    for chapter in load_registry().chapter_list():
        page = out / "html" / "ja" / "chapters" / f"{chapter.slug}.html"
        if not page.is_file():
            continue
        text = text_of(page)
        po = LOCALES / "chapters" / f"{chapter.slug}.po"
        messages = [m for m in read_catalog(po) if m.id] if po.is_file() else []
        for english, japanese in chapter.terms.items():
            assert japanese in glossary, (chapter.slug, japanese)
            assert japanese in text, f"{chapter.slug}: the page never says {japanese!r}"
            for message in messages:
                if f"({japanese})" in message.id:
                    assert japanese in message.string, (
                        f"{po.name}: {english!r} is {japanese!r} in the glossary, but the "
                        f"translation of {message.id[:60]!r}… does not say it")
