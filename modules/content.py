"""Read and check the `content/` folder, without touching the database.

Every problem found is reported with its file, its field and what is wrong, so a
trainer can fix them all in one go. Nothing is written unless the whole tree is
valid: see `services.content_load`.
"""

import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.conf import settings

from .models import Course, Exercise, GlossaryTerm, Lesson, LessonRevision, Part, Question
from .rendering import WORDS_PER_MINUTE, MarkdownContentError, render_markdown

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LESSON_FIELDS = {
    "title",
    "slug",
    "part",
    "order",
    "summary",
    "legal_review",
    "carries_progress_from",
}
LESSON_REQUIRED = {"title", "slug", "part", "order", "summary"}
# Fields a lesson once had, and what to do instead; each is refused with its reason.
LESSON_RETIRED_FIELDS = {
    "minutes": (
        "is no longer set by hand: a lesson's reading time is worked out from its text "
        f"when it is loaded ({WORDS_PER_MINUTE} words a minute, rounded up). Remove this line"
    ),
}
EXERCISE_FIELDS = {
    "number",
    "slug",
    "title",
    "lesson",
    "placement",
    "pairing",
    "minutes",
    "questions",
}
EXERCISE_REQUIRED = {"number", "slug", "title", "lesson", "minutes", "questions"}
QUESTION_FIELDS = {"key", "stage", "kind", "text"}
COURSE_FIELDS = {"title", "short_title", "summary", "audience", "source", "parts"}
COURSE_SOURCE_FIELDS = {"citation"}
PART_FIELDS = {"key", "title"}
GLOSSARY_FIELDS = {"terms"}
GLOSSARY_TERM_FIELDS = {"term", "slug", "links", "definition"}
PLACEMENTS = {"start", "end"}
PAIRINGS = {"pair", "optional", "solo"}
STAGES = {"individual", "pair"}
KINDS = {"text", "commitment"}


def longest(*model_fields):
    """The most characters every one of these (model, field name) columns can hold.

    Read from the models, so a text the loader accepts always fits the database
    (SQLite would store a longer one; PostgreSQL would refuse it half-way through).
    """
    return min(model._meta.get_field(name).max_length for model, name in model_fields)


@dataclass(frozen=True)
class Problem:
    path: str
    field: str
    message: str

    def __str__(self):
        return f"{self.path}: {self.field}: {self.message}"


class ContentError(Exception):
    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass
class CourseSpec:
    title: str
    short_title: str
    summary: str
    audience: str
    source_citation: str
    parts: list[tuple[str, str]]  # [(key, title)]


@dataclass
class LessonSpec:
    path: str
    slug: str
    title: str
    part: str
    order: int
    summary: str
    legal_review: str
    body_markdown: str
    carries_progress_from: str = ""


@dataclass
class QuestionSpec:
    key: str
    order: int
    stage: str
    kind: str
    text_markdown: str


@dataclass
class ExerciseSpec:
    path: str
    number: int
    slug: str
    title: str
    lesson: str
    placement: str
    pairing: str
    minutes: int
    intro_markdown: str
    questions: list[QuestionSpec] = field(default_factory=list)


@dataclass
class GlossarySpec:
    slug: str
    term: str
    definition_markdown: str
    links: list[str] = field(default_factory=list)


@dataclass
class ContentTree:
    course: CourseSpec
    lessons: list[LessonSpec]
    exercises: list[ExerciseSpec]
    # content/glossary.yaml, which a course may leave out.
    glossary: list[GlossarySpec] = field(default_factory=list)


class _Checker:
    """Collects problems; each check returns the value, or None when it failed."""

    def __init__(self, root: Path):
        self.root = root
        self.problems = []

    def fail(self, path, name, message):
        self.problems.append(Problem(str(path.relative_to(self.root.parent)), name, message))

    def text(self, path, data, name, max_length=None, *, required=True, where=""):
        """The stripped text; `max_length` comes from the model field it is stored in."""
        value = data.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.fail(path, f"{where}{name}", "is missing")
            return None if required else ""
        if not isinstance(value, str):
            self.fail(path, f"{where}{name}", f"must be text, not {value!r}")
            return None
        value = value.strip()
        if max_length is not None and len(value) > max_length:
            self.fail(
                path,
                f"{where}{name}",
                f"must be at most {max_length} characters, not {len(value)}",
            )
            return None
        return value

    def whole_number(self, path, data, name, low, high):
        value = data.get(name)
        if value is None:
            self.fail(path, name, "is missing")
        elif isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.fail(path, name, f"must be a whole number from {low} to {high}, not {value!r}")
        else:
            return value
        return None

    def slug(self, path, data, name, max_length, *, where=""):
        value = self.text(path, data, name, max_length, where=where)
        if value is not None and not SLUG.match(value):
            self.fail(
                path,
                f"{where}{name}",
                f"{value!r} must use only lower-case letters, digits and hyphens",
            )
            return None
        return value

    def choice(self, path, data, name, choices, default):
        value = data.get(name, default)
        if value not in choices:
            self.fail(path, name, f"{value!r} is not one of: {', '.join(sorted(choices))}")
            return None
        return value

    def unknown_fields(self, path, data, known, where=""):
        for name in sorted(set(data) - known):
            self.fail(path, f"{where}{name}", "is not a field this file can have")

    def markdown(self, path, name, text):
        try:
            render_markdown(text)
        except MarkdownContentError as error:
            self.fail(path, name, str(error))


def split_front_matter(text: str):
    """(front matter dict, body) or raise ValueError saying what is wrong."""
    if not text.startswith("---\n"):
        raise ValueError("the file must start with front matter between two '---' lines")
    end = text.find("\n---", 4)
    if end == -1:
        raise ValueError("the front matter has no closing '---' line")
    try:
        data = yaml.safe_load(text[4:end])
    except yaml.YAMLError as error:
        raise ValueError(f"the front matter is not valid YAML: {error}") from None
    if not isinstance(data, dict):
        raise ValueError("the front matter must be a set of 'field: value' lines")
    return data, text[end + 4 :].lstrip("\n")


def _read_text(check: _Checker, path: Path):
    """The file's text, or None (with the problem noted) when it cannot be read."""
    if path.is_dir():
        check.fail(path, "file", "is a folder, not a file: rename or move it")
        return None
    try:
        # utf-8-sig: a byte-order mark some editors add is not part of the text.
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        check.fail(path, "file", "is not UTF-8 text")
        return None
    except OSError as error:  # a broken link, no permission, ...
        check.fail(path, "file", f"cannot be read: {error.strerror or error}")
        return None
    if "\x00" in text:
        # PostgreSQL cannot store it; say so here rather than fail half-way through.
        check.fail(path, "file", "contains a NUL character")
        return None
    return text


def _read_parts(check: _Checker, path: Path, raw):
    if not isinstance(raw, list):
        raw = []
    parts, seen = [], set()
    for number, part in enumerate(raw, start=1):
        where = f"parts[{number}]"
        if not isinstance(part, dict) or not part.get("key") or not part.get("title"):
            check.fail(path, where, "each part needs a key and a title")
            continue
        check.unknown_fields(path, part, PART_FIELDS, where=f"{where}.")
        key = check.slug(path, part, "key", longest((Part, "key")), where=f"{where}.")
        title = check.text(path, part, "title", longest((Part, "title")), where=f"{where}.")
        if key is None or title is None:
            continue
        if key in seen:
            check.fail(path, f"{where}.key", f"duplicate part key {key!r}")
            continue
        seen.add(key)
        parts.append((key, title))
    if not parts:
        check.fail(path, "parts", "at least one part is needed")
    return parts


def _read_course(check: _Checker, path: Path):
    if not path.exists():
        check.fail(path, "file", "course.yaml is missing")
        return None
    text = _read_text(check, path)
    if text is None:
        return None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        check.fail(path, "file", f"not valid YAML: {error}")
        return None
    if not isinstance(data, dict):
        check.fail(path, "file", "must be a set of 'field: value' lines")
        return None
    # Unknown fields are refused, as in lessons: export_content could not write them back.
    check.unknown_fields(path, data, COURSE_FIELDS)
    parts = _read_parts(check, path, data.get("parts"))
    source = data.get("source") if isinstance(data.get("source"), dict) else {}
    check.unknown_fields(path, source, COURSE_SOURCE_FIELDS, where="source.")
    return CourseSpec(
        title=check.text(path, data, "title", longest((Course, "title"))) or "",
        short_title=check.text(
            path, data, "short_title", longest((Course, "short_title")), required=False
        )
        or "",
        summary=check.text(path, data, "summary") or "",
        audience=check.text(path, data, "audience") or "",
        source_citation=check.text(path, source, "citation", required=False, where="source.") or "",
        parts=parts,
    )


def _read_glossary_term(check: _Checker, path: Path, number: int, raw):
    where = f"terms[{number}]."
    if not isinstance(raw, dict):
        check.fail(path, f"terms[{number}]", "each term needs a term, a slug and a definition")
        return None
    check.unknown_fields(path, raw, GLOSSARY_TERM_FIELDS, where=where)
    slug = check.slug(path, raw, "slug", longest((GlossaryTerm, "slug")), where=where)
    term = check.text(path, raw, "term", longest((GlossaryTerm, "term")), where=where)
    definition = check.text(path, raw, "definition", where=where)
    links = raw.get("links", [])
    if not isinstance(links, list) or not all(isinstance(p, str) and p.strip() for p in links):
        check.fail(path, f"{where}links", "must be a list of phrases in quotes")
        links = None
    if None in (slug, term, definition, links):
        return None
    check.markdown(path, f"{where}definition", definition)
    return GlossarySpec(slug=slug, term=term, definition_markdown=definition, links=links)


def _read_glossary(check: _Checker, path: Path) -> list[GlossarySpec]:
    """content/glossary.yaml's terms; none when the course has no glossary."""
    if not path.exists():
        return []
    text = _read_text(check, path)
    try:
        data = yaml.safe_load(text) if text is not None else None
    except yaml.YAMLError as error:
        check.fail(path, "file", f"not valid YAML: {error}")
        return []
    if not isinstance(data, dict) or not isinstance(data.get("terms"), list):
        if text is not None:
            check.fail(path, "terms", "the file needs a list of terms under 'terms:'")
        return []
    check.unknown_fields(path, data, GLOSSARY_FIELDS)
    terms = [
        spec
        for number, raw in enumerate(data["terms"], start=1)
        if (spec := _read_glossary_term(check, path, number, raw))
    ]
    seen: set[str] = set()
    for spec in terms:
        if spec.slug in seen:
            check.fail(path, "slug", f"duplicate glossary slug {spec.slug!r}")
        seen.add(spec.slug)
    return terms


def _read_file(check: _Checker, path: Path):
    text = _read_text(check, path)
    if text is None:
        return None, None
    try:
        return split_front_matter(text)
    except ValueError as error:
        check.fail(path, "front matter", str(error))
    return None, None


def _read_lesson(check: _Checker, path: Path, part_keys):
    data, body = _read_file(check, path)
    if data is None:
        return None
    before = len(check.problems)
    check.unknown_fields(path, data, LESSON_FIELDS | set(LESSON_RETIRED_FIELDS))
    for name in sorted(LESSON_RETIRED_FIELDS.keys() & set(data)):
        check.fail(path, name, LESSON_RETIRED_FIELDS[name])
    for name in sorted(LESSON_REQUIRED - set(data)):
        check.fail(path, name, "is missing")
    present = LESSON_REQUIRED & set(data)
    spec = LessonSpec(
        path=str(path),
        slug=check.slug(path, data, "slug", longest((Lesson, "slug")))
        if "slug" in present
        else None,
        title=check.text(path, data, "title", longest((Lesson, "title"), (LessonRevision, "title")))
        if "title" in present
        else None,
        part=data.get("part"),
        order=check.whole_number(path, data, "order", 1, 9999) if "order" in present else None,
        summary=check.text(path, data, "summary", longest((Lesson, "summary")))
        if "summary" in present
        else None,
        legal_review=check.text(path, data, "legal_review", required=False) or "",
        body_markdown=body,
        carries_progress_from=(
            check.slug(path, data, "carries_progress_from", longest((Lesson, "slug")))
            if "carries_progress_from" in data
            else ""
        ),
    )
    if "part" in present and spec.part not in part_keys:
        check.fail(
            path, "part", f"unknown part {spec.part!r}; course.yaml has {', '.join(part_keys)}"
        )
    if not body.strip():
        check.fail(path, "body", "the lesson has no text")
    else:
        check.markdown(path, "body", body)
    return spec if len(check.problems) == before else None


def _read_questions(check: _Checker, path: Path, raw):
    if not isinstance(raw, list) or not raw:
        check.fail(path, "questions", "must be a list of at least one question")
        return []
    if len(raw) > settings.EXERCISE_MAX_QUESTIONS:
        check.fail(
            path,
            "questions",
            f"an exercise can have at most {settings.EXERCISE_MAX_QUESTIONS} questions, "
            f"not {len(raw)}: the largest request the site accepts is worked out from "
            "that number (EXERCISE_MAX_QUESTIONS in the settings)",
        )
        return []
    key_length = longest((Question, "key"))
    questions, keys = [], set()
    for order, item in enumerate(raw, start=1):
        where = f"questions[{order}]"
        if not isinstance(item, dict):
            check.fail(path, where, "each question needs key, stage and text")
            continue
        check.unknown_fields(path, item, QUESTION_FIELDS, where=f"{where}.")
        key = item.get("key")
        if not key:
            check.fail(path, f"{where}.key", "is missing: every question needs a stable key")
            continue
        if not isinstance(key, str) or not SLUG.match(key):
            check.fail(
                path, f"{where}.key", f"{key!r} must use lower-case letters, digits, hyphens"
            )
            continue
        if len(key) > key_length:
            check.fail(
                path, f"{where}.key", f"must be at most {key_length} characters, not {len(key)}"
            )
            continue
        if key in keys:
            check.fail(path, f"{where}.key", f"duplicate question key {key!r}")
            continue
        keys.add(key)
        text = item.get("text")
        if not isinstance(text, str) or not text.strip():
            check.fail(path, f"{where}.text", "is missing")
            continue
        check.markdown(path, f"{where}.text", text)
        questions.append(
            QuestionSpec(
                key=key,
                order=order,
                stage=check.choice(path, item, "stage", STAGES, "individual"),
                kind=check.choice(path, item, "kind", KINDS, "text"),
                text_markdown=text,
            )
        )
    return questions


def _read_exercise(check: _Checker, path: Path):
    data, body = _read_file(check, path)
    if data is None:
        return None
    before = len(check.problems)
    check.unknown_fields(path, data, EXERCISE_FIELDS)
    spec = ExerciseSpec(
        path=str(path),
        number=check.whole_number(path, data, "number", 1, 99),
        slug=check.slug(path, data, "slug", longest((Exercise, "slug"))),
        title=check.text(path, data, "title", longest((Exercise, "title"))),
        lesson=check.text(path, data, "lesson"),
        placement=check.choice(path, data, "placement", PLACEMENTS, "end"),
        pairing=check.choice(path, data, "pairing", PAIRINGS, "solo"),
        minutes=check.whole_number(path, data, "minutes", 1, 180),
        intro_markdown=body,
        questions=_read_questions(check, path, data.get("questions")),
    )
    check.markdown(path, "body", body)
    return spec if len(check.problems) == before else None


def _check_unique(check: _Checker, specs, attribute, label):
    seen = {}
    for spec in specs:
        value = getattr(spec, attribute)
        if value in seen:
            check.fail(
                Path(spec.path),
                attribute,
                f"duplicate {label} {value!r}: {Path(seen[value]).name} has it too",
            )
        else:
            seen[value] = spec.path


def read_content(directory) -> ContentTree:
    """Parse and check the whole folder; raise ContentError listing every problem."""
    root = Path(directory)
    check = _Checker(root)
    course = _read_course(check, root / "course.yaml")
    part_keys = [key for key, _title in course.parts] if course else []
    lesson_paths = sorted((root / "lessons").glob("*.md"))
    if not lesson_paths:
        check.fail(root / "lessons", "file", "there are no lessons")
    lessons = [s for s in (_read_lesson(check, p, part_keys) for p in lesson_paths) if s]
    exercises = [
        s
        for s in (_read_exercise(check, p) for p in sorted((root / "exercises").glob("*.md")))
        if s
    ]
    _check_unique(check, lessons, "slug", "lesson slug")
    _check_unique(check, lessons, "order", "lesson order")
    _check_unique(check, exercises, "number", "exercise number")
    _check_unique(check, exercises, "slug", "exercise slug")
    lesson_slugs = {lesson.slug for lesson in lessons}
    for lesson in lessons:
        source = lesson.carries_progress_from
        if source and (source == lesson.slug or source not in lesson_slugs):
            check.fail(
                Path(lesson.path),
                "carries_progress_from",
                f"{source!r} must be the slug of another lesson in content/lessons "
                "(the lesson this one was split from)",
            )
    for exercise in exercises:
        if exercise.lesson not in lesson_slugs:
            check.fail(Path(exercise.path), "lesson", f"no lesson has the slug {exercise.lesson!r}")
    glossary = _read_glossary(check, root / "glossary.yaml")
    if check.problems:
        raise ContentError(check.problems)
    return ContentTree(course=course, lessons=lessons, exercises=exercises, glossary=glossary)


# --- Writing the folder back ------------------------------------------------------------
# The exact inverse of the reading above: a tree read from files and written back with
# these functions gives the same bytes, so `export_content` after `load_content` leaves
# content/ as it was. content/ is kept in this canonical form.

COURSE_COMMENT = "# The course as a whole: shown on the course home page."
PARTS_COMMENT = "# The outline groups lessons into these parts, in this order."
FOLD_WIDTH = 80  # course.yaml folds its long texts to lines this long, before indenting


def _quoted(value: str) -> str:
    """A YAML double-quoted scalar: the form every title, summary and question uses."""
    out = []
    for character in value:
        if character in '\\"':
            out.append("\\" + character)
        elif character == "\n":
            out.append("\\n")
        elif not character.isprintable():
            code = ord(character)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(character)
    return '"' + "".join(out) + '"'


def _plain_or_quoted(value: str) -> str:
    """Plain for keys and slugs YAML reads back as the same text, quoted otherwise
    (a slug such as `yes` or `123` would come back as a boolean or a number)."""
    plain = SLUG.match(value) and yaml.safe_load(value) == value
    return value if plain else _quoted(value)


def _folded(name: str, value: str) -> str:
    """`name: >-` and the text wrapped beneath it, when that reads back as the same text;
    otherwise the quoted form on one line."""
    lines = textwrap.wrap(
        value, width=FOLD_WIDTH - 2, break_long_words=False, break_on_hyphens=False
    )
    text = f"{name}: >-\n" + "".join(f"  {line}\n" for line in lines)
    if lines and yaml.safe_load(text) == {name: value}:
        return text
    return f"{name}: {_quoted(value)}\n"


def _document(front_matter: list[str], body: str) -> str:
    """Front matter between two `---` lines, a blank line, then the body as it was."""
    head = "---\n" + "".join(front_matter) + "---\n"
    return head + "\n" + body if body else head


def course_file_text(course: CourseSpec) -> str:
    lines = [COURSE_COMMENT + "\n", f"title: {_quoted(course.title)}\n"]
    if course.short_title:
        lines.append(f"short_title: {_quoted(course.short_title)}\n")
    lines.append(_folded("summary", course.summary))
    lines.append(_folded("audience", course.audience))
    if course.source_citation:
        lines.append(
            "source:\n" + textwrap.indent(_folded("citation", course.source_citation), "  ")
        )
    lines.append(PARTS_COMMENT + "\nparts:\n")
    for key, title in course.parts:
        lines.append(f"  - key: {_plain_or_quoted(key)}\n    title: {_quoted(title)}\n")
    return "".join(lines)


def lesson_file_name(lesson: LessonSpec) -> str:
    return f"{lesson.order:02d}-{lesson.slug}.md"


def lesson_file_text(lesson: LessonSpec) -> str:
    lines = [
        f"title: {_quoted(lesson.title)}\n",
        f"slug: {_plain_or_quoted(lesson.slug)}\n",
        f"part: {_plain_or_quoted(lesson.part)}\n",
        f"order: {lesson.order}\n",
    ]
    if lesson.carries_progress_from:
        lines.append(f"carries_progress_from: {_plain_or_quoted(lesson.carries_progress_from)}\n")
    lines.append(f"summary: {_quoted(lesson.summary)}\n")
    if lesson.legal_review:
        lines.append(f"legal_review: {_quoted(lesson.legal_review)}\n")
    return _document(lines, lesson.body_markdown)


def exercise_file_name(exercise: ExerciseSpec) -> str:
    return f"{exercise.number}-{exercise.slug}.md"


def exercise_file_text(exercise: ExerciseSpec) -> str:
    lines = [
        f"number: {exercise.number}\n",
        f"slug: {_plain_or_quoted(exercise.slug)}\n",
        f"title: {_quoted(exercise.title)}\n",
        f"lesson: {_plain_or_quoted(exercise.lesson)}\n",
        f"placement: {exercise.placement}\n",
        f"pairing: {exercise.pairing}\n",
        f"minutes: {exercise.minutes}\n",
        "questions:\n",
    ]
    for question in sorted(exercise.questions, key=lambda q: q.order):
        lines.append(f"  - key: {_plain_or_quoted(question.key)}\n")
        lines.append(f"    stage: {question.stage}\n")
        if question.kind != "text":
            lines.append(f"    kind: {question.kind}\n")
        lines.append(f"    text: {_quoted(question.text_markdown)}\n")
    return _document(lines, exercise.intro_markdown)


GLOSSARY_COMMENT = (
    "# The glossary: terms the course uses with a particular meaning, in its own words.\n"
    "# Shown at /glossary/. In each lesson, the first use of one of a term's `links`\n"
    "# phrases links to it (abbreviations match as written, other phrases in any case).\n"
)


def glossary_file_text(glossary: list[GlossarySpec]) -> str:
    lines = [GLOSSARY_COMMENT, "terms:\n"]
    for spec in glossary:
        entry = [f"term: {_quoted(spec.term)}\n", f"slug: {_plain_or_quoted(spec.slug)}\n"]
        if spec.links:
            entry.append(f"links: [{', '.join(_quoted(phrase) for phrase in spec.links)}]\n")
        entry.append(_folded("definition", spec.definition_markdown))
        text = textwrap.indent("".join(entry), "    ")
        lines.append("  - " + text[4:])
    return "".join(lines)


def content_files(tree: ContentTree) -> dict[str, str]:
    """Every file of the tree, by its path inside the content folder, with its text."""
    files = {"course.yaml": course_file_text(tree.course)}
    for lesson in tree.lessons:
        files[f"lessons/{lesson_file_name(lesson)}"] = lesson_file_text(lesson)
    for exercise in tree.exercises:
        files[f"exercises/{exercise_file_name(exercise)}"] = exercise_file_text(exercise)
    if tree.glossary:
        files["glossary.yaml"] = glossary_file_text(tree.glossary)
    return files
