"""Book sections, slide marks and decks: ``rindoku list sections`` and ``rindoku slides``."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import BOOK_CACHE, ROOT

from rindoku.cli import main
from rindoku.execution import ExampleCache
from rindoku.language import chapter_catalog, page_messages
from rindoku.records import load_records
from rindoku.registry import load_registry
from rindoku.sections import (
    BookRange,
    SectionError,
    page_sections,
    parse_label,
    select_sections,
)
from rindoku.slides import MarkError, build_decks, deck_markdown, make_deck
from rindoku.slides.deck import Deck
from rindoku.slides.marks import page_blocks, section_slides
from rindoku.slides.sphinx import short_listing, short_output

REGISTRY = load_registry()
CHAPTERS = [c for c in REGISTRY.chapter_list() if Path(c.page).is_file()]
"""The chapters with a page (a chapter without one is an error of the book build)."""
RECORDS = ROOT / "docs" / "records"


def one_error_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1, err
    assert err.startswith("rindoku: error: ")
    return err.strip()


def page(tmp_path: Path, text: str, slug: str = "demo"):
    """A chapter whose page is ``text``."""
    path = tmp_path / f"{slug}.md"
    path.write_text(text, encoding="utf-8")
    return replace(REGISTRY.chapter("cbow"), slug=slug, page=path,
                   terms={"context": "コンテキスト"})


# -- labels -----------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "ranges"), [
    ("2 §3.4", [BookRange(2, (3, 4), (3, 4))]),
    ("2 §4.2.1-4.2.7", [BookRange(2, (4, 2, 1), (4, 2, 7))]),
    ("2 §3.4–3.6", [BookRange(2, (3, 4), (3, 6))]),
    ("1 §5.6, 2 §1.3.4", [BookRange(1, (5, 6), (5, 6)), BookRange(2, (1, 3, 4), (1, 3, 4))]),
    ("2 §3.1, §3.3", [BookRange(2, (3, 1), (3, 1)), BookRange(2, (3, 3), (3, 3))]),
    ("2 §3-4", [BookRange(2, (3,), (4,))]),
])
def test_a_label_names_books_and_sections(text, ranges):
    """A {book} label reads as the book and the sections, a range, or several."""
    assert list(parse_label(text)) == ranges


@pytest.mark.parametrize(("text", "message"), [
    ("3.4", "not a book section"),
    ("§3.4", "names no book"),
    ("2 §3.6-3.4", "ends before it starts"),
    ("2 §three", "not a book section"),
])
def test_a_malformed_label_says_how_to_write_one(text, message):
    with pytest.raises(SectionError, match=message):
        parse_label(text)


def test_every_section_of_every_chapter_page_is_labelled():
    """Every ## of every installed chapter's page names the book sections it covers."""
    for chapter in CHAPTERS:
        sections = page_sections(chapter)
        assert sections, chapter.slug
        assert all(s.ranges for s in sections), chapter.slug
        assert all(s.labelled for s in sections if s.level == 2), chapter.slug


def test_a_heading_without_a_label_is_named_with_its_line(tmp_path):
    chapter = page(tmp_path, "# Demo\n\n## First {book}`2 §3.1`\n\ntext\n\n## Second\n\ntext\n")
    with pytest.raises(SectionError, match=r"demo\.md:7: the section 'Second' has no book "
                                           r"label: end its heading with \{book\}"):
        page_sections(chapter)


def test_a_subsection_without_a_label_covers_what_its_section_covers(tmp_path):
    chapter = page(tmp_path, "# Demo\n\n## First {book}`2 §3.1`\n\n### Inner\n\ntext\n")
    first, inner = page_sections(chapter)
    assert inner.ranges == first.ranges and not inner.labelled
    assert (inner.anchor, inner.level, inner.line) == ("inner", 3, 5)


def test_sections_are_chosen_by_book_range():
    cbow = page_sections(REGISTRY.chapter("cbow"))
    titles = [s.title for s in select_sections(cbow, "3.4-3.6")]
    assert titles == ["CBOW as probabilities", "SimpleCBOW on one sentence"]
    # the chapters' whole range takes the key terms and the exercises too
    assert [s.title for s in select_sections(cbow, "3-4")][-2:] == ["Key terms", "Exercises"]
    assert "Key terms" not in [s.title for s in select_sections(cbow, "3")]
    backprop = page_sections(REGISTRY.chapter("backprop"))
    assert [s.title for s in select_sections(backprop, "2:4.2.3")] == ["Sigmoid with Loss"]


def test_sections_are_chosen_by_anchor():
    cbow = page_sections(REGISTRY.chapter("cbow"))
    titles = [s.title for s in select_sections(cbow, "the-cbow-model..simplecbow-on-one-sentence")]
    assert titles == ["The CBOW model", "CBOW as probabilities", "SimpleCBOW on one sentence"]
    with pytest.raises(SectionError, match="no section #the-cbow-modle; did you mean "
                                           "#the-cbow-model"):
        select_sections(cbow, "the-cbow-modle")


def test_a_range_that_no_section_covers_says_what_the_chapter_covers():
    cbow = page_sections(REGISTRY.chapter("cbow"))
    with pytest.raises(SectionError, match=r"no section of chapter 'cbow' covers book 2 §9\.1; "
                                           r"its sections cover 2 §3\.1\.1–3\.1\.2, "):
        select_sections(cbow, "9.1")


def test_a_range_in_two_books_asks_which(tmp_path):
    chapter = page(tmp_path, "# Demo\n\n## A {book}`1 §3.1`\n\n## B {book}`2 §3.1`\n")
    with pytest.raises(SectionError, match=r"covers §3\.1 of books 1 and 2: name one, e\.g\. "
                                           r"2:3\.1"):
        select_sections(page_sections(chapter), "3.1")
    assert [s.title for s in select_sections(page_sections(chapter), "1:3.1")] == ["A"]


def test_list_sections_prints_numbers_titles_and_anchors(capsys):
    assert main(["list", "sections", "cbow"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("cbow — ")
    assert re.search(r"2 §3\.2 +The CBOW model +chapters/cbow\.html#the-cbow-model\n", out)
    assert "2 §3.1.3, §3.3" in out


def test_list_sections_of_an_unknown_chapter_is_one_line(capsys):
    assert main(["list", "sections", "cbwo"]) == 2
    assert "no chapter named 'cbwo'" in one_error_line(capsys)


# -- marks ------------------------------------------------------------------------------

def test_a_page_that_marks_slides_marks_every_section():
    """Once a page marks slides, every one of its sections with text of its own has a
    marked block (a heading right above a subsection makes a divider slide)."""
    for chapter in CHAPTERS:
        if not any(b.mark for b in page_blocks(chapter)):
            continue
        deck = make_deck(REGISTRY, [chapter.slug], None)
        bare = [s.section.title for s in deck.slides() if not s.blocks and s.notes]
        assert not bare, f"{chapter.slug}: sections with nothing marked: {bare}"


def test_marks_make_slides_and_the_prose_makes_notes(tmp_path):
    chapter = page(tmp_path, """# Demo

## First {book}`2 §3.1`

The words before the formula, about the コンテキスト.

% slide
$$
a = b
$$

% slide+
- one
- two

Unmarked prose.

% slide: Its own title
```{rindoku-source} rindoku_backprop.layers.Relu
```

Closing words.
""")
    section = page_sections(chapter)[0]
    slides = section_slides(chapter, section, 99)
    assert [s.title for s in slides] == ["First", "Its own title"]
    assert slides[0].blocks == ["$$\na = b\n$$", "- one\n- two"]
    assert slides[0].notes == ["The words before the formula, about the コンテキスト."]
    assert slides[1].notes == ["Unmarked prose.", "Closing words."]
    assert slides[0].first and not slides[1].first


def test_a_mark_gives_its_slide_a_japanese_title_after_a_bar(tmp_path):
    chapter = page(tmp_path, "# Demo\n\n## First {book}`2 §3.1`\n\n"
                             "% slide: Its own title | 独自の題名\n$$\na\n$$\n")
    slide = section_slides(chapter, page_sections(chapter)[0], 99)[0]
    assert (slide.title, slide.title_ja, slide.own_title) == ("Its own title", "独自の題名", True)


def test_every_slide_with_its_own_title_has_it_in_japanese():
    """A Japanese deck needs the title a mark gives in both languages (``| 題名``)."""
    for chapter in CHAPTERS:
        for slide in make_deck(REGISTRY, [chapter.slug], None).slides():
            assert not slide.own_title or slide.title_ja, \
                f"{chapter.slug}: '% slide: {slide.title}' has no '| 日本語' title"


def test_every_chapter_page_marks_its_slides():
    """A chapter's deck shows its formulas, code and figures, not its headings alone."""
    unmarked = [c.slug for c in CHAPTERS if not any(b.mark for b in page_blocks(c))]
    assert unmarked == [], f"pages with no '% slide' mark: {unmarked}"


def test_a_slide_plus_with_nothing_above_is_named_with_its_line(tmp_path):
    chapter = page(tmp_path, "# Demo\n\n## First {book}`2 §3.1`\n\n% slide+\n$$\na\n$$\n")
    with pytest.raises(MarkError, match=r"demo\.md:5: '% slide\+' adds to the slide above it"):
        section_slides(chapter, page_sections(chapter)[0], 99)


def test_a_listing_loses_its_docstrings_and_is_cut():
    source = 'def f(x):\n    """Doc.\n\n    More.\n    """\n\n\n    return x\n'
    assert short_listing(source) == ("def f(x):\n\n    return x", 0)
    long = "def g():\n" + "".join(f"    a{i} = {i}\n" for i in range(30))
    text, cut = short_listing(long, max_lines=10)
    assert len(text.splitlines()) == 10 and text.endswith("    ...")
    assert cut == 31 - 9


def test_long_output_keeps_its_first_and_last_lines():
    text = "\n".join(f"line {i}" for i in range(40))
    short = short_output(text, max_lines=10).splitlines()
    assert len(short) == 10
    assert short[0] == "line 0" and short[-1] == "line 39" and "(31 more lines)" in short[3]


def test_the_deck_document_has_a_title_slide_badges_terms_and_notes():
    deck = make_deck(REGISTRY, ["cbow"], "3.4-3.6", presenter="佐藤")
    text = deck_markdown(deck)
    assert text.startswith("# CBOW")
    assert ":sections: Book 2 §3.4–3.6" in text and ":presenter: 佐藤" in text
    assert "## CBOW as probabilities {book}`2 §3.5.1`" in text
    assert "likelihood = 尤度" in text            # the section's terms
    assert "```{rindoku-example} cbow.toy" in text  # the page's own directive
    assert "```{rindoku-slide-notes}" in text


def test_a_japanese_deck_is_titled_in_japanese():
    """The chapter's Japanese title, the badge's words, the mark's Japanese title, and a
    section's heading as the page's catalog translates it."""
    deck = make_deck(REGISTRY, ["cbow"], "3.1.3-3.5", language="ja", presenter="佐藤")
    text = deck_markdown(deck)
    cbow = REGISTRY.chapter("cbow")
    messages = page_messages(chapter_catalog(Path(cbow.page), "cbow", "ja"))
    assert text.startswith(f"# {cbow.title_ja} — {cbow.title}\n")
    assert ":sections: 2巻 §3.1.3–3.5" in text and deck.span == "2巻 §3.1.3–3.5"
    assert "## コンテキストとターゲット {book}`2 §3.1.3, 2 §3.3`" in text  # the mark's
    heading = "CBOW as probabilities {book}`2 §3.5.1`"
    assert messages[heading] != heading and f"## {messages[heading]}\n" in text
    english = deck_markdown(make_deck(REGISTRY, ["cbow"], "3.1.3-3.5"))
    assert "## Contexts and targets {book}" in english and f"## {heading}\n" in english


def test_a_deck_speaks_english_or_japanese(tmp_path):
    with pytest.raises(ValueError, match="a deck speaks en or ja, not 'fr'"):
        make_deck(REGISTRY, ["cbow"], "3.4", language="fr")
    decks = {"en": make_deck(REGISTRY, ["cbow"], "3.4"),
             "ja": make_deck(REGISTRY, ["cbow"], "3.4", language="ja")}
    with pytest.raises(ValueError, match="the decks of one build speak one language"):
        build_decks(decks, tmp_path, cache=BOOK_CACHE, records=RECORDS)


# -- decks ------------------------------------------------------------------------------

def _slides_html(page: Path) -> list[str]:
    """The HTML of each slide after the title slide, in order (one ``<h2>`` each)."""
    return page.read_text(encoding="utf-8").split("<h2>")[1:]


def _figures_shown(example_id: str) -> int:
    """How many figures the book shows for an example: its cached result's, or its record's."""
    example = REGISTRY.example(example_id)
    result = ExampleCache(BOOK_CACHE).lookup(example)
    if result is not None and result.ok:
        return len(result.figures)
    record = load_records(RECORDS)[0].get(example_id)
    return len(record.figure_paths) if record is not None else 0


def _check_deck(deck: Deck, page: Path) -> None:
    """Each slide shows its blocks' formulas, and its examples' figures."""
    slides = deck.slides()
    html = _slides_html(page)
    assert len(html) == len(slides)
    for slide, body in zip(slides, html, strict=True):
        shown = "\n".join(slide.blocks)
        formulas = len(re.findall(r"^\$\$", shown, re.M)) // 2
        assert len(re.findall(r'<div class="[^"]*\bmath\b', body)) >= formulas, slide.title
        for example_id in re.findall(r"\{rindoku-example\} (\S+)", shown):
            assert body.count("<img") >= _figures_shown(example_id), (slide.title, example_id)
        assert '<span class="rindoku-book"' in body.split("</h2>")[0]
    assets = page.parent / "_static"
    for asset in ("revealjs/dist/reveal.js", "revealjs/plugin/notes/notes.js",
                  "mathjax/tex-svg-full.js", "rindoku-slides.css", "rindoku-slides.js"):
        assert (assets / asset).is_file(), asset
    for url in re.findall(r'(?:src|href)="([^"]+)"', page.read_text(encoding="utf-8")):
        assert not url.startswith(("http:", "https:", "//")), url
        if not url.startswith("#"):
            assert (page.parent / url.split("?")[0]).is_file(), url


def test_rindoku_slides_builds_a_deck_from_the_books_results(tmp_path, capsys):
    """The deck of CBOW §3.4–3.6: the title slide, the formulas, the toy run's figures."""
    out = tmp_path / "deck"
    status = main(["slides", "cbow", "--sections", "3.4-3.6", "--out", str(out),
                   "--presenter", "佐藤", "--date", "2026-12-17"])
    assert status == 0, capsys.readouterr().err
    assert f"the deck is at {out / 'index.html'}" in capsys.readouterr().out
    page = out / "index.html"
    title = page.read_text(encoding="utf-8").split("<h2>")[0]
    assert "Book 2 §3.4–3.6" in title and "2026-12-17 · 佐藤" in title
    assert "Noto Sans CJK JP" in title
    deck = make_deck(REGISTRY, ["cbow"], "3.4-3.6")
    _check_deck(deck, page)
    html = page.read_text(encoding="utf-8")
    assert html.count('<aside class="notes">') == len(deck.slides())
    assert "教師ラベル" in html  # a term, English beside Japanese


def _untranslated(html: str) -> list[str]:
    """The start of each element that Sphinx marks as left without its translation."""
    return [m.group(0)[:160] for m in
            re.finditer(r'<\w+[^>]* class="[^"]*\buntranslated\b[^>]*>[^<]*', html)]


def test_rindoku_slides_in_japanese_translates_the_deck(tmp_path, capsys):
    """--lang ja: the title slide's words, every slide and note from the page's catalog,
    the figures drawn in Japanese."""
    out = tmp_path / "deck"
    status = main(["--lang", "ja", "slides", "cbow", "--sections", "3.4-3.6", "--out", str(out)])
    assert status == 0, capsys.readouterr().err
    page = out / "index.html"
    html = page.read_text(encoding="utf-8")
    title = html.split("<h2>")[0]
    assert "2巻 §3.4–3.6" in title and "rindoku コースブック" in title
    _check_deck(make_deck(REGISTRY, ["cbow"], "3.4-3.6", language="ja"), page)
    assert _untranslated(html) == [] and 'class="translated' in html
    assert "コンテキストが与えられたとき" in html  # a note, as the Japanese edition has it
    figures = re.findall(r'<img[^>]* src="([^"]+)"', html)
    assert figures and all(f.endswith(".ja.png") for f in figures), figures


def test_slides_with_a_range_that_covers_nothing_is_one_line(capsys):
    assert main(["slides", "cbow", "--sections", "9.1"]) == 2
    assert "no section of chapter 'cbow' covers book 2 §9.1" in one_error_line(capsys)


def test_slides_of_an_unknown_chapter_is_one_line(capsys):
    assert main(["slides", "cbwo", "--sections", "3.4"]) == 2
    assert "no chapter named 'cbwo'" in one_error_line(capsys)


def test_pdf_without_chromium_says_how_to_get_it(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("RINDOKU_CHROMIUM", str(tmp_path / "no-such-chrome"))
    assert main(["slides", "cbow", "--sections", "3.4", "--pdf", "--out", str(tmp_path)]) == 2
    assert "--pdf prints the deck with a headless Chromium, and none was found: install it" \
        in one_error_line(capsys)


def test_slides_outside_a_checkout_is_one_line(capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    assert main(["slides", "cbow", "--sections", "3.4"]) == 2
    assert "decks are made from a rindoku checkout" in one_error_line(capsys)


@pytest.mark.slow
def test_a_deck_of_each_chapters_full_range_shows_its_formulas_and_figures(tmp_path):
    """Every chapter's whole deck builds, in one run, from the book's cache and records."""
    decks = {c.slug: make_deck(REGISTRY, [c.slug], None) for c in CHAPTERS}
    pages = build_decks(decks, tmp_path, cache=BOOK_CACHE, records=RECORDS)
    for slug, deck in decks.items():
        _check_deck(deck, pages[slug])


@pytest.mark.slow
def test_every_chapters_japanese_deck_is_translated(tmp_path):
    """Every chapter's whole deck in Japanese: each slide as in English, and no paragraph,
    list or note that the page's catalog leaves in English."""
    decks = {c.slug: make_deck(REGISTRY, [c.slug], None, language="ja") for c in CHAPTERS}
    pages = build_decks(decks, tmp_path, cache=BOOK_CACHE, records=RECORDS)
    for slug, deck in decks.items():
        _check_deck(deck, pages[slug])
        assert _untranslated(pages[slug].read_text(encoding="utf-8")) == [], slug


@pytest.mark.slow
def test_pdf_of_a_deck(tmp_path):
    """--pdf prints the deck to a PDF, where a Chromium is installed."""
    from rindoku.slides import chromium

    if chromium() is None:
        pytest.skip("no headless Chromium (apt-get install chromium)")
    done = subprocess.run([str(Path(sys.executable).with_name("rindoku")), "slides", "cbow",
                           "--sections", "3.5", "--pdf", "--out", str(tmp_path)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    pdf = tmp_path / "cbow-3.5.pdf"
    assert pdf.read_bytes().startswith(b"%PDF") and b"/Type /Page" in pdf.read_bytes()
