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


# Rendered fragments ({% kept %}): bounded by their size, as a lesson's can be long.
FRAGMENTS_MAX_CHARACTERS = 20_000_000
_fragments: tuple[str | None, dict[Hashable, str], list[int]] = (None, {}, [0])


def kept_fragment(version: str, key: Hashable, build: Callable[[], str]) -> str:
    """The fragment `build` renders for `key` in the course content at `version`: built
    once per process and version while there is room."""
    global _fragments
    kept_version, store, size = _fragments
    if kept_version != version:
        store, size = {}, [0]
        _fragments = (version, store, size)
    try:
        return store[key]
    except KeyError:
        pass
    html = build()
    if size[0] + len(html) > FRAGMENTS_MAX_CHARACTERS:
        store.clear()
        size[0] = 0
    store[key] = html
    size[0] += len(html)
    return html


def forget() -> None:
    """Drop everything kept (tests that change the content behind the ORM's back)."""
    global _kept, _fragments
    _kept = (None, {})
    _fragments = (None, {}, [0])
