"""The rindoku command in Japanese: --lang ja or a Japanese locale, for every kind of mistake,
the verdicts, the starter file's prompt and the help; the catalog that says it all."""

from __future__ import annotations

import re
import string
from collections.abc import Sequence
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
from babel.messages.pofile import read_po

from rindoku import Chapter, Exercise, hookimpl
from rindoku.cli import main
from rindoku.exercises import CheckFailed
from rindoku.language import (
    DOMAIN,
    LOCALES,
    compiled_catalog,
    language_of_environment,
    page_messages,
    text_width,
    words_for,
    wrap,
)
from rindoku.registry import load_registry

EXERCISE = "backprop.sigmoid-backward"
KERNEL = Path(LOCALES).parent
ROOT = Path(__file__).resolve().parents[1]
CATALOG = LOCALES / "ja" / "LC_MESSAGES" / f"{DOMAIN}.po"


@pytest.fixture(params=["--lang", "LANG"])
def japanese(request, monkeypatch, tmp_path, tmp_path_factory) -> list[str]:
    """Japanese asked for either way: the options that come before a command line.

    ``--lang ja`` on the command line, or ``LANG=ja_JP.UTF-8`` (and no
    LANGUAGE, which would come first) in the environment.  The catalog is
    compiled into a cache of this test's own.
    """
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.chdir(tmp_path)
    if request.param == "--lang":
        return ["--lang", "ja"]
    monkeypatch.delenv("LANGUAGE")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "ja_JP.UTF-8")
    return []


def status_of(argv: Sequence[str]) -> int | str | None:
    """main's exit status, whether it returns it or argparse exits with it."""
    try:
        return main(argv)
    except SystemExit as exit:
        return exit.code


def japanese_error(capsys: pytest.CaptureFixture[str]) -> str:
    """The one line on stderr: a Japanese error, no traceback, no English frame."""
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1, err
    assert err.startswith("rindoku: エラー: "), err
    assert "error:" not in err and "Traceback" not in err
    return err.strip()


# -- every kind of mistake: one Japanese line, status 2 --------------------------------


MISTAKES = [
    (["run", "backprop.spiarl"],
     "'backprop.spiarl' という例はありません。backprop.spiral のことですか?"
     "（'rindoku list' を参照）"),
    (["run", "spiral"], "backprop.spiral または optimizers.spiral のことですか?"),
    (["exercise", "hint", "sigmoid-backwrd"], f"という演習はありません。{EXERCISE} のことですか?"),
    (["data", "path", "word-benchmark"],
     "'word-benchmark' というデータセットはありません。word-benchmarks のことですか?"),
    (["book", "--root", "repo", "--chapters", "cbw"], "という章はありません。cbow のことですか?"),
    (["exercise", "check", EXERCISE, "attempt.py", "--timeout", "0"],
     "--timeout には 0 より大きい有限の秒数を指定してください。指定された値: 0"
     "（'rindoku exercise check --help' を参照）"),
    (["data", "fetch", "ptb", "--timeout", "soon"],
     "--timeout には 0 より大きい有限の秒数を指定してください。指定された値: soon"),
    (["run", "backprop.apple", "--seed", "-1"],
     "--seed には 0 以上の整数を指定してください。指定された値: -1"),
    (["run", "backprop.apple", "--out", "notes.txt/figures"],
     "--out notes.txt/figures はフォルダでなければなりませんが、notes.txt はファイルです。"
     "別の --out を指定してください"),
    (["exercise", "start", EXERCISE, "--file", "notes.txt"],
     "notes.txt はすでにあります。'rindoku exercise check backprop.sigmoid-backward notes.txt' "
     "でチェックするか、最初からやり直すなら --force を付けてください"),
    (["exercise", "start", EXERCISE, "--file", "notes.txt/attempt.py"],
     "notes.txt/attempt.py を書き出せません: notes.txt はフォルダではなくファイルです"),
    (["exercise", "check", EXERCISE, "nope.py"],
     "ファイル 'nope.py' がありません。'rindoku exercise start backprop.sigmoid-backward' で"
     "書き出してください"),
    (["exercise", "check", EXERCISE, "binary.py"],
     "binary.py は UTF-8 でも Shift_JIS でもありません。UTF-8 で保存してください"),
    (["exercise", "check", EXERCISE, "work"], "work はフォルダです。解いた .py ファイルを"),
    (["exercise", "hint", EXERCISE, "99"], f"{EXERCISE} のヒントは 1 から 3 までです"),
    (["record"], "記録する例を指定してください"),
    (["data", "fetch", "--all", "ptb"], "--all と名前は、どちらか一方だけを指定してください"),
    (["book"], "本は rindoku のチェックアウトからビルドします"),
    (["record", "cbow.ptb", "--root", "nowhere"],
     "--root nowhere は rindoku のチェックアウト（docs/conf.py と pyproject.toml のあるフォルダ）"
     "ではありません"),
    (["new-chapter", "backprop", "--no-install"], "章 'backprop' はすでにインストールされています"),
    ([], "次の引数が必要です: COMMAND（'rindoku --help' を参照）"),
    (["frobnicate"], "引数 COMMAND: 'frobnicate' は選べません。選べるのは 'list', "),
    (["list", "widgets"], "引数 kind: 'widgets' は選べません"),
    (["book", "--lng"], "認識できない引数: --lng"),
    (["exercise", "hint", EXERCISE, "two"], "引数 number: int の値として正しくありません: 'two'"),
    (["run"], "次の引数が必要です: id"),
    (["run", "backprop.apple", "--seed"], "引数 --seed: 値を 1 つ指定してください"),
    (["slides", "cbow", "--date", "tomorrow"],
     "--date には 2026-05-14 のような日付を指定してください。指定された値: tomorrow"),
]


@pytest.mark.parametrize(("argv", "words"), MISTAKES,
                         ids=[" ".join(argv) or "(nothing)" for argv, _ in MISTAKES])
def test_every_mistake_is_one_japanese_line_with_status_2(argv, words, japanese, tmp_path,
                                                          capsys):
    """Whatever the mistake, the line says it in Japanese; nothing is written."""
    Path("notes.txt").write_text("mine\n")
    Path("work").mkdir()
    Path("binary.py").write_bytes(b"x = 1\n\x81\n")  # neither UTF-8 nor Shift_JIS
    Path("repo", "docs").mkdir(parents=True)  # a checkout, for --root repo
    Path("repo", "docs", "conf.py").write_text("")
    Path("repo", "pyproject.toml").write_text("")
    before = sorted(p.name for p in tmp_path.iterdir())
    assert status_of([*japanese, *argv]) == 2
    assert words in japanese_error(capsys)
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert Path("notes.txt").read_text() == "mine\n"


def test_lang_may_follow_the_command(tmp_path, monkeypatch, capsys):
    """``rindoku run X --lang ja`` speaks Japanese too, its mistakes included."""
    monkeypatch.chdir(tmp_path)
    assert status_of(["run", "backprop.apple", "--seed", "-1", "--lang", "ja"]) == 2
    assert "0 以上の整数" in japanese_error(capsys)
    assert status_of(["run", "backprop.spiarl", "--lang=ja"]) == 2
    assert "という例はありません" in japanese_error(capsys)


def test_lang_en_wins_over_a_japanese_locale(monkeypatch, capsys):
    monkeypatch.delenv("LANGUAGE")
    monkeypatch.setenv("LANG", "ja_JP.UTF-8")
    assert status_of(["--lang", "en", "run", "backprop.spiarl"]) == 2
    assert capsys.readouterr().err.startswith("rindoku: error: no example named")


def test_a_language_that_is_not_offered_is_refused_in_the_locale_s(monkeypatch, capsys):
    monkeypatch.delenv("LANGUAGE")
    monkeypatch.setenv("LANG", "ja_JP.UTF-8")
    assert status_of(["--lang", "fr", "list"]) == 2
    assert "引数 --lang: 'fr' は選べません。選べるのは 'en', 'ja' です" in japanese_error(capsys)


@pytest.mark.parametrize(("environ", "language"), [
    ({"LANG": "ja_JP.UTF-8"}, "ja"),
    ({"LANG": "ja_JP.eucJP"}, "ja"),
    ({"LC_MESSAGES": "ja_JP.UTF-8", "LANG": "en_GB.UTF-8"}, "ja"),
    ({"LC_ALL": "C", "LANG": "ja_JP.UTF-8"}, "en"),
    ({"LANGUAGE": "ja:en", "LANG": "C.UTF-8"}, "ja"),
    ({"LANGUAGE": "en_US:ja", "LANG": "ja_JP.UTF-8"}, "en"),
    ({"LANGUAGE": "", "LANG": "ja_JP.UTF-8"}, "ja"),
    ({"LANG": "C.UTF-8"}, "en"),
    ({}, "en"),
])
def test_the_locale_decides_as_for_gettext(environ, language):
    """The first of LANGUAGE, LC_ALL, LC_MESSAGES, LANG that is set decides."""
    assert language_of_environment(environ) == language


# -- verdicts -----------------------------------------------------------------------


def verdict(japanese: list[str], text: str | bytes, capsys, *options: str) -> tuple[int, str]:
    """Check ``text`` as an attempt at the sigmoid exercise: the status and what is printed."""
    path = Path("attempt.py")
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    status = main([*japanese, "exercise", "check", EXERCISE, str(path), *options])
    out, err = capsys.readouterr()
    assert err == ""
    return status, out


def solution(capsys) -> str:
    assert main(["exercise", "solution", EXERCISE]) == 0
    return capsys.readouterr().out


def test_a_passing_attempt_is_told_in_japanese(japanese, capsys):
    status, out = verdict(japanese, solution(capsys), capsys)
    assert (status, out) == (0, f"{EXERCISE}: 合格: すべてのチェックに通りました\n")


def test_a_wrong_attempt_keeps_the_chapter_s_message_in_the_japanese_verdict(japanese, capsys):
    """The chapter's own words about the mistake stay English; the verdict around them is not."""
    wrong = solution(capsys).replace("(1.0 - self.out) * self.out", "self.out")
    status, out = verdict(japanese, wrong + 'print("done")\n', capsys)
    assert status == 1
    assert out.startswith(f"{EXERCISE}: 誤り: ")
    assert "numerical" in out  # the gradient check's own message
    assert "\n\nファイルが表示した内容:\ndone\n" in out


def test_an_unchanged_starter_and_an_unwritten_todo_are_told_in_japanese(japanese, capsys):
    """The file as 'exercise start' writes it is 未着手; changed, but with its TODO, 例外発生."""
    assert main([*japanese, "exercise", "start", EXERCISE, "--file", "attempt.py"]) == 0
    capsys.readouterr()
    assert main([*japanese, "exercise", "check", EXERCISE, "attempt.py"]) == 1
    assert capsys.readouterr().out.startswith(
        f"{EXERCISE}: 未着手: attempt.py はひな形のままです。TODO の部分を書いてください"
        f"（行き詰まったら 'rindoku exercise hint {EXERCISE}'）")
    started = Path("attempt.py").read_text()
    status, out = verdict(japanese, started + "\nANSWER = 42\n", capsys)
    assert status == 1
    assert out.startswith(f"{EXERCISE}: 例外発生: TODO の部分がまだ書かれていません:\n")


def test_a_syntax_error_and_an_exception_are_told_in_japanese(japanese, capsys):
    status, out = verdict(japanese, "def broken(:\n", capsys)
    assert status == 1
    assert out.startswith(f"{EXERCISE}: 構文エラー: attempt.py の 1 行目: invalid syntax")
    status, out = verdict(japanese, solution(capsys).replace("return dx", "return dx[99]"),
                          capsys)
    assert status == 1
    assert out.startswith(f"{EXERCISE}: 例外発生: コードが例外を送出しました:\n")
    assert "IndexError" in out


def test_a_process_that_ends_itself_is_told_in_japanese(japanese, capsys):
    status, out = verdict(japanese, "import os\nos._exit(3)\n", capsys)
    assert status == 1
    assert out.startswith(f"{EXERCISE}: 例外発生: チェックが終わる前にプロセスが終了しました"
                          "（終了コード 3）。ファイルが sys.exit() や os._exit() を呼んで"
                          "いませんか?")


def test_an_endless_loop_is_told_in_japanese(japanese, capsys):
    status, out = verdict(japanese, "while True:\n    pass\n", capsys, "--timeout", "1")
    assert status == 1
    assert out.startswith(f"{EXERCISE}: 時間切れ: チェックが 1 秒以内に終わりませんでした。"
                          "終わらないループ")


def test_a_shift_jis_file_is_read_and_its_encoding_named_in_japanese(japanese, capsys):
    text = "# 日本語のコメント\n" + solution(capsys)
    status, out = verdict(japanese, text.encode("cp932"), capsys)
    assert status == 0
    assert out.endswith("\n\n（ファイルが UTF-8 ではないため、Shift_JIS (CP932) として"
                        "読みました）\n")


# -- the starter file and the hints ---------------------------------------------------------


def book_translation(english: str) -> str:
    """What the backprop page's Japanese catalog makes of ``english`` (it must translate it)."""
    po = ROOT / "docs" / "locales" / "ja" / "LC_MESSAGES" / "chapters" / "backprop.po"
    return page_messages(po)[english]


def test_exercise_start_writes_the_prompt_in_japanese(japanese, capsys):
    """The title and prompt come from the chapter page's Japanese catalog, as comments."""
    exercise = load_registry().exercise(EXERCISE)
    title, prompt = book_translation(exercise.title), book_translation(exercise.prompt)
    assert main([*japanese, "exercise", "start", EXERCISE]) == 0
    path = Path("backprop_sigmoid_backward.py")
    assert capsys.readouterr().out.splitlines() == [
        f"{path} を書き出しました: {title}",
        f"TODO の部分を書いたら、次を実行してください: rindoku exercise check {EXERCISE} {path}"]
    text = path.read_text(encoding="utf-8")
    header, code = text.split("\n\n\"\"\"", 1)
    lines = header.splitlines()
    assert lines[0] == f"# 演習 {EXERCISE}: {title}"
    written = "".join(line.removeprefix("# ") for line in lines[2:-3])
    assert written.replace(" ", "") == prompt.replace(" ", "")  # wrapped, whole
    assert all(line.startswith("#") for line in lines)
    assert all(text_width(line) <= 88 for line in lines[:-2])  # the commands are not wrapped
    assert lines[-2:] == [f"# 確かめる: rindoku exercise check {EXERCISE} {path}",
                          f"# 行き詰まったら: rindoku exercise hint {EXERCISE}"]
    assert "raise NotImplementedError" in code


def test_exercise_start_in_english_writes_the_english_prompt(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["exercise", "start", EXERCISE]) == 0
    text = Path("backprop_sigmoid_backward.py").read_text()
    assert text.startswith(f"# Exercise {EXERCISE}: The backward pass of Sigmoid\n#\n"
                           "# Write `Sigmoid.backward(dout)`.")


def test_the_hints_are_shown_in_japanese(japanese, capsys):
    hint = book_translation(load_registry().exercise(EXERCISE).hints[0])
    assert main([*japanese, "exercise", "hint", EXERCISE]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"ヒント 1/3: {hint}", f"（次のヒント: rindoku exercise hint {EXERCISE} 2）"]


class OwnCatalog:
    """A chapter from outside the book whose page comes with its own Japanese catalog,
    which translates the prompt's first paragraph and the title, not the second paragraph."""

    def __init__(self, folder: Path) -> None:
        self.page = folder / "demo.md"
        self.page.write_text("# Demo\n")
        self.solution = folder / "square.py"
        self.solution.write_text('"""Square a number."""\n\n\ndef square(x):\n'
                                 "    # BEGIN SOLUTION\n    return x * x\n    # END SOLUTION\n")
        po = folder / "locales" / "ja" / "LC_MESSAGES" / "demo.po"
        po.parent.mkdir(parents=True)
        po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
                      'msgid "Squares"\nmsgstr "2 乗"\n\n'
                      'msgid "Write `square(x)`, which returns x times itself."\n'
                      'msgstr "x 自身との積を返す `square(x)` を書いてください。"\n\n'
                      '#, fuzzy\nmsgid "The check tries 3."\nmsgstr "古い訳"\n',
                      encoding="utf-8")

    @hookimpl
    def rindoku_chapter(self) -> Chapter:
        return Chapter(slug="demo", number=90, title="Demo", title_ja="デモ", page=self.page)

    @hookimpl
    def rindoku_exercises(self) -> list[Exercise]:
        def check(module):
            if module.square(3) != 9:
                raise CheckFailed("square(3) is not 9")

        return [Exercise("demo.square", "Squares",
                         "Write `square(x)`, which returns x times itself.\n\n"
                         "The check tries 3.", self.solution, check, hints=("x * x",))]


def test_a_chapter_from_outside_the_book_brings_its_catalog(japanese, tmp_path, monkeypatch,
                                                            capsys):
    """Its page's catalog translates what it can; the rest (and a fuzzy message) is English."""
    plugin = OwnCatalog(tmp_path)
    monkeypatch.setattr("rindoku.cli.load_registry",
                        lambda: load_registry(entry_points=[], plugins=[("demo", plugin)]))
    assert main([*japanese, "exercise", "start", "demo.square"]) == 0
    header = Path("demo_square.py").read_text(encoding="utf-8").split('"""')[0]
    assert header.splitlines()[:5] == [
        "# 演習 demo.square: 2 乗", "#", "# x 自身との積を返す `square(x)` を書いてください。",
        "#", "# The check tries 3."]
    capsys.readouterr()
    assert main([*japanese, "exercise", "hint", "demo.square"]) == 0
    assert capsys.readouterr().out == "ヒント 1/1: x * x\n"


# -- help and listings -----------------------------------------------------------------


def test_help_is_in_japanese(japanese, capsys):
    assert status_of([*japanese, "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("使い方: rindoku [-h] [--lang {en,ja}] [--version] COMMAND ...")
    for words in ("コースブックの例と演習を実行します。", "位置引数:", "オプション:",
                  "このヘルプを表示して終了する", "例をターミナルで実行する",
                  "演習を始める、チェックする、ヒントを見る"):
        assert words in out
    assert status_of([*japanese, "exercise", "check", "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("使い方: rindoku exercise check")
    assert "打ち切るまでの秒数" in out and "自分で解いたファイル（.py）" in out
    assert max(text_width(line) for line in out.splitlines()) <= 80


def test_list_plugins_and_data_have_japanese_headings(japanese, capsys, monkeypatch):
    monkeypatch.delenv("RINDOKU_DATA", raising=False)
    assert main([*japanese, "list"]) == 0
    out = capsys.readouterr().out
    for heading in ("章", "レイヤ", "オプティマイザ", "モデル", "データセット", "例", "演習"):
        assert f"\n{heading} (" in f"\n{out}"
    assert "（前提: backprop）" in out
    assert main([*japanese, "plugins"]) == 0
    out = capsys.readouterr().out
    assert "\nプラグイン (" in out and "\n章 (" in out and "、本の順" in out
    assert main([*japanese, "data"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("データセット (")
    header = next(line for line in out.splitlines() if "名前" in line)
    assert header.split() == ["名前", "章", "ファイル数", "サイズ", "場所", "チェックサム"]


def test_schedule_speaks_japanese(japanese, capsys):
    plan = ROOT / "docs" / "schedule.toml"
    assert main([*japanese, "schedule", "--plan", str(plan), "--today", "2000-01-01"]) == 0
    out = capsys.readouterr().out
    assert re.match(r"次の回: \d+ 日後、\d{4}-\d\d-\d\d（[月火水木金土日]）。発表者: ", out)
    assert "\n事前に読むところ:\n" in out and "\nスライド: rindoku slides " in out


# -- the catalog -------------------------------------------------------------------------


def code_messages() -> set[str | tuple[str, str]]:
    """Every message the command's code marks for translation."""
    messages: set[str | tuple[str, str]] = set()
    for source in (KERNEL / "cli.py", KERNEL / "execution.py"):
        for _line, message, _comments, _context in extract_from_file(
                "python", str(source), keywords={**DEFAULT_KEYWORDS, "_": None}):
            messages.add(message)
    return messages


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_the_japanese_catalog_translates_every_message_of_the_code():
    """A new English message cannot stay English in Japanese: 'nox -s translations' adds it
    here, and this test fails until it is translated."""
    with CATALOG.open("rb") as file:
        catalog = read_po(file)
    translated = {m.id: m for m in catalog if m.id}
    missing = sorted(map(str, code_messages() - set(translated)))
    assert not missing, f"not in {CATALOG.name} (run 'nox -s translations'): {missing}"
    for message in translated.values():
        assert not message.fuzzy, f"fuzzy: {message.id!r}"
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        for text in strings:
            assert text, f"untranslated: {message.id!r}"
            assert fields(text) == fields(ids[0]), f"other placeholders: {message.id!r}"


def test_the_catalog_is_compiled_into_the_cache_and_again_when_it_changes(tmp_path):
    """No .mo beside the sources; an edited catalog is compiled again; a read-only cache
    still works (in memory)."""
    assert not list(LOCALES.rglob("*.mo"))
    po = tmp_path / "rindoku-cli.po"
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
                  'msgid "passed"\nmsgstr "合格"\n', encoding="utf-8")
    cache = tmp_path / "cache"
    first = compiled_catalog(po, cache)
    assert [p.read_bytes() for p in cache.iterdir()] == [first]
    po.write_text(po.read_text(encoding="utf-8").replace("合格", "合格です"), encoding="utf-8")
    second = compiled_catalog(po, cache)
    assert second != first and [p.read_bytes() for p in cache.iterdir()] == [second]
    (tmp_path / "file").write_text("")
    assert compiled_catalog(po, tmp_path / "file" / "cache") == second


def test_words_for_english_are_the_code_s_own(tmp_path):
    assert words_for("en", tmp_path).gettext("passed") == "passed"
    assert words_for("ja", tmp_path).gettext("passed") == "合格"
    assert list(tmp_path.iterdir())  # compiled here


@pytest.mark.parametrize(("text", "width", "lines"), [
    ("one two three four", 9, ["one two", "three", "four"]),
    ("ひな形のファイルを書き出します。", 10, ["ひな形のフ", "ァイルを書", "き出します。"]),
    ("これは `self.out` です。", 12, ["これは", "`self.out`", "です。"]),
    ("入手（fetch）、確認（verify）", 16, ["入手（fetch）、", "確認（verify）"]),
    ("a-very-long-word-indeed x", 8, ["a-very-long-word-indeed", "x"]),
])
def test_wrap_breaks_japanese_between_characters_and_english_at_spaces(text, width, lines):
    """No line is wider than ``width`` columns unless one word is; 。、） never start a line
    and （ never ends one."""
    assert wrap(text, width) == lines
