"""A readable side-by-side diff of two versions of a lesson's Markdown.

Lines are matched with difflib; within a changed line the words that differ are
wrapped in <del> (the older text) and <ins> (the newer). Every piece of text is escaped
here before it is marked safe: a trainer's Markdown may hold any markup at all.
"""

import difflib
import re
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Unchanged lines shown around each change; longer unchanged runs are folded away.
CONTEXT_LINES = 2
_TOKENS = re.compile(r"\s+|\w+|[^\w\s]")
EMPTY = SafeString("")


@dataclass(frozen=True)
class DiffRow:
    kind: str  # "equal", "changed", "removed", "added" or "fold"
    old_number: int | None = None
    old_html: SafeString = EMPTY
    new_number: int | None = None
    new_html: SafeString = EMPTY
    folded: int = 0  # for a "fold": how many unchanged lines it stands for


def _tokens(line: str) -> list[str]:
    return _TOKENS.findall(line)


def _marked(tokens: list[str], tag: str) -> str:
    text = escape("".join(tokens))
    return f"<{tag}>{text}</{tag}>" if text.strip() else text


def words_diff(old: str, new: str) -> tuple[SafeString, SafeString]:
    """The two lines as escaped HTML, with the words that differ marked."""
    old_tokens, new_tokens = _tokens(old), _tokens(new)
    matcher = difflib.SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    old_html, new_html = [], []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            old_html.append(escape("".join(old_tokens[i1:i2])))
            new_html.append(escape("".join(new_tokens[j1:j2])))
            continue
        if i2 > i1:
            old_html.append(_marked(old_tokens[i1:i2], "del"))
        if j2 > j1:
            new_html.append(_marked(new_tokens[j1:j2], "ins"))
    return mark_safe("".join(old_html)), mark_safe("".join(new_html))  # noqa: S308 (escaped)


def _line(text: str, tag: str) -> SafeString:
    return mark_safe(_marked([text], tag))  # noqa: S308 (escaped in _marked)


def _rows(old_lines: list[str], new_lines: list[str]) -> list[DiffRow]:
    rows = []
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            rows += [
                DiffRow("equal", i + 1, escape(old_lines[i]), j + 1, escape(new_lines[j]))
                for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
            ]
            continue
        paired = min(i2 - i1, j2 - j1) if op == "replace" else 0
        for offset in range(paired):
            old_html, new_html = words_diff(old_lines[i1 + offset], new_lines[j1 + offset])
            rows.append(DiffRow("changed", i1 + offset + 1, old_html, j1 + offset + 1, new_html))
        rows += [
            DiffRow("removed", old_number=i + 1, old_html=_line(old_lines[i], "del"))
            for i in range(i1 + paired, i2)
        ]
        rows += [
            DiffRow("added", new_number=j + 1, new_html=_line(new_lines[j], "ins"))
            for j in range(j1 + paired, j2)
        ]
    return rows


def _folded(rows: list[DiffRow]) -> list[DiffRow]:
    """Unchanged lines more than CONTEXT_LINES away from any change become one fold."""
    changed = [n for n, row in enumerate(rows) if row.kind != "equal"]
    keep = {
        n
        for at in changed
        for n in range(at - CONTEXT_LINES, at + CONTEXT_LINES + 1)
        if 0 <= n < len(rows)
    }
    result: list[DiffRow] = []
    for n, row in enumerate(rows):
        if n in keep or row.kind != "equal":
            result.append(row)
        elif result and result[-1].kind == "fold":
            result[-1] = DiffRow("fold", folded=result[-1].folded + 1)
        else:
            result.append(DiffRow("fold", folded=1))
    return result


def text_diff(old: str, new: str) -> list[DiffRow]:
    """Side-by-side rows from `old` to `new`; [] when they are the same."""
    if old == new:
        return []
    return _folded(_rows(old.splitlines(), new.splitlines()))
