"""One broken thing per case: how to break the small tree, and the problem it must give.

Each case is (id, change, file, field, words in the message). `change` takes the
ContentTree from conftest and breaks exactly one thing in it.
"""

LESSON_1 = "lessons/01-first-lesson.md"
LESSON_2 = "lessons/02-second-lesson.md"
EXERCISE_1 = "exercises/1-first-exercise.md"


def _missing(field_line):
    return lambda tree: tree.replace(LESSON_1, field_line + "\n", "")


BROKEN_CASES = [
    (
        "missing front matter",
        lambda tree: tree.write(LESSON_1, "## Opening\n\nText with no front matter.\n"),
        LESSON_1,
        "front matter",
        "must start with front matter",
    ),
    (
        "unterminated front matter",
        lambda tree: tree.replace(LESSON_1, '"Where the course begins."\n---\n', '"x"\n'),
        LESSON_1,
        "front matter",
        "no closing '---' line",
    ),
    (
        "invalid yaml",
        lambda tree: tree.replace(LESSON_1, 'title: "First lesson"', 'title: "First lesson'),
        LESSON_1,
        "front matter",
        "not valid YAML",
    ),
    (
        "front matter that is not fields",
        lambda tree: tree.write(LESSON_1, "---\n- a list item\n---\n## Opening\n\nText.\n"),
        LESSON_1,
        "front matter",
        "must be a set of 'field: value' lines",
    ),
    ("missing title", _missing('title: "First lesson"'), LESSON_1, "title", "is missing"),
    ("missing slug", _missing("slug: first-lesson"), LESSON_1, "slug", "is missing"),
    ("missing part", _missing("part: introduction"), LESSON_1, "part", "is missing"),
    ("missing order", _missing("order: 1"), LESSON_1, "order", "is missing"),
    (
        "missing summary",
        _missing('summary: "Where the course begins."'),
        LESSON_1,
        "summary",
        "is missing",
    ),
    (
        "empty title",
        lambda tree: tree.replace(LESSON_1, 'title: "First lesson"', 'title: ""'),
        LESSON_1,
        "title",
        "is missing",
    ),
    (
        "unknown field",
        lambda tree: tree.replace(LESSON_1, "order: 1\n", "order: 1\ncolour: blue\n"),
        LESSON_1,
        "colour",
        "is not a field this file can have",
    ),
    (
        "slug with capitals",
        lambda tree: tree.replace(LESSON_1, "slug: first-lesson", "slug: First_Lesson"),
        LESSON_1,
        "slug",
        "lower-case letters, digits and hyphens",
    ),
    (
        "duplicate slug",
        lambda tree: tree.replace(LESSON_2, "slug: second-lesson", "slug: first-lesson"),
        LESSON_2,
        "slug",
        "duplicate lesson slug 'first-lesson': 01-first-lesson.md has it too",
    ),
    (
        "duplicate order",
        lambda tree: tree.replace(LESSON_2, "order: 2", "order: 1"),
        LESSON_2,
        "order",
        "duplicate lesson order 1: 01-first-lesson.md has it too",
    ),
    (
        "unknown part",
        lambda tree: tree.replace(LESSON_2, "part: part-1", "part: part-9"),
        LESSON_2,
        "part",
        "unknown part 'part-9'",
    ),
    (
        "empty body",
        lambda tree: tree.replace(LESSON_1, "## Opening\n\nThe first lesson's text.\n", ""),
        LESSON_1,
        "body",
        "the lesson has no text",
    ),
    (
        "hand-set reading time",
        lambda tree: tree.replace(LESSON_1, "order: 1", "order: 1\nminutes: 5"),
        LESSON_1,
        "minutes",
        "is no longer set by hand: a lesson's reading time is worked out from its text",
    ),
    (
        "non-integer order",
        lambda tree: tree.replace(LESSON_1, "order: 1", 'order: "first"'),
        LESSON_1,
        "order",
        "must be a whole number",
    ),
    (
        "over-long summary",
        lambda tree: tree.replace(
            LESSON_1, 'summary: "Where the course begins."', f'summary: "{"word " * 70}"'
        ),
        LESSON_1,
        "summary",
        "at most 300 characters",
    ),
    (
        "chart bar value not a number",
        lambda tree: tree.replace(LESSON_2, "value: 5000", 'value: "lots"'),
        LESSON_2,
        "body",
        "chart bar 1 needs a whole-number value",
    ),
    (
        "chart bar without a label",
        lambda tree: tree.replace(LESSON_2, 'label: "More"', 'note: "More"'),
        LESSON_2,
        "body",
        "chart bar 2 needs a label",
    ),
    (
        "chart without bars",
        lambda tree: tree.replace(LESSON_2, "bars:", "columns:"),
        LESSON_2,
        "body",
        "a chart needs a title and a list of bars",
    ),
    (
        "chart data not yaml",
        lambda tree: tree.replace(LESSON_2, 'title: "Counted things"', 'title: "Counted'),
        LESSON_2,
        "body",
        "a chart's data is not valid YAML",
    ),
    (
        "question without a key",
        lambda tree: tree.replace(EXERCISE_1, "  - key: together\n    stage", "  - stage"),
        EXERCISE_1,
        "questions[2].key",
        "is missing: every question needs a stable key",
    ),
    (
        "duplicate question key",
        lambda tree: tree.replace(EXERCISE_1, "key: together", "key: on-your-own"),
        EXERCISE_1,
        "questions[2].key",
        "duplicate question key 'on-your-own'",
    ),
    (
        "question without text",
        lambda tree: tree.replace(EXERCISE_1, 'text: "What do you both think?"', "text: ''"),
        EXERCISE_1,
        "questions[2].text",
        "is missing",
    ),
    (
        "unknown question stage",
        lambda tree: tree.replace(EXERCISE_1, "stage: pair", "stage: group"),
        EXERCISE_1,
        "stage",
        "'group' is not one of: individual, pair",
    ),
    (
        "unknown question field",
        lambda tree: tree.replace(EXERCISE_1, "stage: pair", "stage: pair\n    hint: no"),
        EXERCISE_1,
        "questions[2].hint",
        "is not a field this file can have",
    ),
    (
        "progress carried from an unknown lesson",
        lambda tree: tree.replace(LESSON_2, "order: 2", "order: 2\ncarries_progress_from: gone"),
        LESSON_2,
        "carries_progress_from",
        "'gone' must be the slug of another lesson in content/lessons",
    ),
    (
        "progress carried from itself",
        lambda tree: tree.replace(
            LESSON_2, "order: 2", "order: 2\ncarries_progress_from: second-lesson"
        ),
        LESSON_2,
        "carries_progress_from",
        "'second-lesson' must be the slug of another lesson",
    ),
    (
        "progress carried from a slug that is not one",
        lambda tree: tree.replace(
            LESSON_2, "order: 2", "order: 2\ncarries_progress_from: First Lesson"
        ),
        LESSON_2,
        "carries_progress_from",
        "must use only lower-case letters, digits and hyphens",
    ),
    (
        "exercise without questions",
        lambda tree: tree.write(
            EXERCISE_1, tree.read(EXERCISE_1).split("questions:")[0] + "questions: []\n---\nText.\n"
        ),
        EXERCISE_1,
        "questions",
        "must be a list of at least one question",
    ),
    (
        "exercise pointing at an unknown lesson",
        lambda tree: tree.replace(EXERCISE_1, "lesson: first-lesson", "lesson: no-such-lesson"),
        EXERCISE_1,
        "lesson",
        "no lesson has the slug 'no-such-lesson'",
    ),
    (
        "exercise with unknown pairing",
        lambda tree: tree.replace(EXERCISE_1, "pairing: pair", "pairing: trio"),
        EXERCISE_1,
        "pairing",
        "'trio' is not one of: optional, pair, solo",
    ),
    (
        "exercise with non-integer minutes",
        lambda tree: tree.replace(EXERCISE_1, "minutes: 20", "minutes: twenty"),
        EXERCISE_1,
        "minutes",
        "must be a whole number",
    ),
]

CASE_IDS = [case[0] for case in BROKEN_CASES]
