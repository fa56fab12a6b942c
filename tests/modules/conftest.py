"""A small, valid content tree to load and then break one thing at a time."""

import textwrap
from pathlib import Path

import pytest

from modules.models import Course, Exercise, Lesson, LessonRevision, Part, Question

COURSE_YAML = """\
title: "A small course"
short_title: "Small course"
summary: "A course small enough to read in a test."
audience: "People who write tests."
source:
  citation: "Someone, A. (2017) A resource. A university."
parts:
  - key: introduction
    title: "Introduction"
  - key: part-1
    title: "Part 1: The middle"
"""

FIRST_LESSON = """\
---
title: "First lesson"
slug: first-lesson
part: introduction
order: 1
summary: "Where the course begins."
---
## Opening

The first lesson's text.
"""

SECOND_LESSON = """\
---
title: "Second lesson"
slug: second-lesson
part: part-1
order: 2
summary: "Where the course goes next."
legal_review: "Check the law here."
---
## Middle

The second lesson's text.

```chart
title: "Counted things"
unit: "things"
bars:
  - label: "Fewer"
    value: 5000
    source: "Someone 2013"
  - label: "More"
    value: 40000
    source: "Someone 2016"
```
"""

EXERCISE = """\
---
number: 1
slug: first-exercise
title: "Thinking about the first lesson"
lesson: first-lesson
placement: end
pairing: pair
minutes: 20
questions:
  - key: on-your-own
    stage: individual
    text: "What do you think?"
  - key: together
    stage: pair
    text: "What do you both think?"
---
Answer on your own first.
"""

FILES = {
    "course.yaml": COURSE_YAML,
    "lessons/01-first-lesson.md": FIRST_LESSON,
    "lessons/02-second-lesson.md": SECOND_LESSON,
    "exercises/1-first-exercise.md": EXERCISE,
}


class ContentTree:
    """A content/ folder under tmp_path, with helpers to change one file."""

    def __init__(self, root: Path):
        self.root = root
        for name, text in FILES.items():
            self.write(name, text)

    def write(self, name, text):
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def read(self, name):
        return (self.root / name).read_text(encoding="utf-8")

    def replace(self, name, old, new):
        text = self.read(name)
        assert old in text, f"{old!r} is not in {name}"
        self.write(name, text.replace(old, new, 1))

    def remove(self, name):
        (self.root / name).unlink()


@pytest.fixture
def content_tree(tmp_path):
    return ContentTree(tmp_path / "content")


def database_snapshot():
    """Every row of every content table, as plain values, to compare before and after."""
    models = [Course, Part, Lesson, LessonRevision, Exercise, Question]
    return {
        model.__name__: [
            tuple(sorted(row.items())) for row in model.objects.order_by("pk").values()
        ]
        for model in models
    }
