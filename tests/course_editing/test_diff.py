import re

from django.utils.html import escape

from course_editing.diff import text_diff, words_diff


def test_only_the_changed_words_are_marked():
    old, new = words_diff("The 2017 guidance applies.", "The 2023 guidance applies.")
    assert old == "The <del>2017</del> guidance applies."
    assert new == "The <ins>2023</ins> guidance applies."


def test_everything_is_escaped_before_it_is_marked():
    before, after = "<b>bold</b> & more", '<script>alert("x")</script> & more'
    old, new = words_diff(before, after)
    unmarked = re.compile(r"</?(ins|del)>")
    assert unmarked.sub("", old) == escape(before)
    assert unmarked.sub("", new) == escape(after)
    assert "<script>" not in new
    assert "<b>" not in old


def test_rows_pair_changed_lines_and_mark_added_and_removed_ones():
    rows = text_diff("one\ntwo\nthree", "one\ntoo\nthree\nfour")
    assert [row.kind for row in rows] == ["equal", "changed", "equal", "added"]
    assert rows[1].old_html == "<del>two</del>"
    assert rows[1].new_html == "<ins>too</ins>"
    assert rows[3].new_number == 4
    assert rows[3].new_html == "<ins>four</ins>"
    removed = text_diff("a\nb", "a")
    assert [row.kind for row in removed] == ["equal", "removed"]


def test_long_unchanged_runs_are_folded():
    old = "\n".join(f"line {n}" for n in range(20))
    new = old.replace("line 10", "line ten")
    rows = text_diff(old, new)
    assert [row.kind for row in rows] == ["fold"] + ["equal"] * 2 + ["changed"] + ["equal"] * 2 + [
        "fold"
    ]
    assert (rows[0].folded, rows[-1].folded) == (8, 7)


def test_the_same_text_has_no_rows():
    assert text_diff("same", "same") == []
