"""What the course pages keep in each process between requests: the lessons in reading
order, each lesson's text with its exercises rendered, each exercise with its questions,
and outlines as rendered.

All of it depends on the course content alone, never on who asks: an outline is kept by
the states it shows (see `Outline.fingerprint`), not by whose they are. It is kept for
one `Course.content_version`, which every write to the content changes (see
modules.models), so a page built after a change (a publish, an archive, a move, a
`load_content`) on any app server never shows what was kept before it. Without a course
row nothing is kept.

What is kept is shared by every request of the process: treat it as read-only.
"""

from collections.abc import Callable, Hashable
from typing import TypeVar

T = TypeVar("T")

# Outlines differ by the states they show and the lesson being read: enough room for
# every combination a process is likely to meet, and a bound on its memory (a few MB).
KEPT_MAX = 2000

# (content version, what is kept for it); replaced whole when the version changes.
_kept: tuple[str | None, dict[Hashable, object]] = (None, {})


def kept(version: str | None, key: Hashable, build: Callable[[], T]) -> T:
    """What `build` returns for `key` in the course content at `version`: built once per
    process and version. With no version (no course row), built every time."""
    global _kept
    if version is None:
        return build()
    kept_version, store = _kept
    if kept_version != version:
        store = {}
        _kept = (version, store)
    try:
        return store[key]  # type: ignore[return-value]
    except KeyError:
        pass
    value = build()
    if len(store) >= KEPT_MAX:
        store.clear()
    store[key] = value
    return value


def forget() -> None:
    """Drop everything kept (tests that change the content behind the ORM's back)."""
    global _kept
    _kept = (None, {})
