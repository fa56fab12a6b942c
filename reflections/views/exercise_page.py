"""What the exercise page shows, and reading what its form posts: the helpers of the
views in `answering.py` (and the exercise lookup `autosave.py` and `history.py` share).

Nothing here returns a response. Answer text is never put into an error message:
messages name the problem, not the text.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from types import SimpleNamespace

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, QueryDict
from django.template import Context
from django.template.base import render_value_in_context
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe

from modules import course_cache
from modules.formats import day_in_words
from modules.models import Course, Exercise, Question

from ..models import Commitment
from ..records_forms import CommitmentDatesForm
from ..selectors.answers import (
    OwnResponse,
    SubmissionGaps,
    exercise_for_answering,
    question_closed_reason,
    retired_questions_get,
)
from ..selectors.records import commitment_get
from ..selectors.sharing import ExerciseSharing
from ..services.answers import (
    AnswerEdit,
    AnswerRejected,
    ExerciseIncomplete,
    SaveResult,
    answer_text_check,
    answers_save,
    as_shown_in_html,
    response_submit,
)
from ..services.certificates import course_completion_record
from ..services.records import commitment_save


def answering_exercise_or_404(number: int, *, course: Course | None = None) -> Exercise:
    """Any exercise, with its current questions, for answering it; 404 for an unknown
    number. (Sharing asks for a shareable one: `views.sharing.shareable_exercise_or_404`.)

    Given the `course` row the request has read, the exercise is kept between requests
    for its content version (`modules.course_cache`): shared, so read-only."""
    version = course.content_version if course is not None else None
    try:
        return course_cache.kept(
            version, ("exercise", number), lambda: exercise_for_answering(number=number)
        )
    except Exercise.DoesNotExist:
        raise Http404("No such exercise.") from None


def saved_at_label(moment: datetime | None) -> str:
    """'14:32' today, '3 March 2026 at 14:32' before that, in the site's time zone."""
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    time = date_format(local, "H:i")
    if local.date() == timezone.localdate():
        return time
    return f"{day_in_words(local)} at {time}"


# --- The exercise page -------------------------------------------------------------------


@dataclass
class AnswerField:
    """One question on the exercise page, with what its textarea holds."""

    question: Question
    number: int
    text: str
    version: int
    saved_at: datetime | None
    is_open: bool
    error: str = ""
    conflict: SaveResult | None = None
    missing: bool = False
    # Where the page's script saves this answer, and where its earlier versions are.
    autosave_url: str = ""
    history_url: str = ""
    key: str = field(init=False)

    def __post_init__(self) -> None:
        # A plain attribute: the page's template reads it a dozen times per question.
        self.key = self.question.key

    @property
    def anchor(self):
        """The id the page's error summary links to."""
        return f"answer-{self.key}"

    @property
    def text_for_html(self):
        return as_shown_in_html(self.text)

    @property
    def needs_exact_text(self):
        """A NUL cannot travel in HTML: the page's script puts the exact text back."""
        return "\x00" in self.text

    @property
    def saved_at_label(self):
        return saved_at_label(self.saved_at)

    @property
    def conflict_saved_at_label(self):
        return saved_at_label(self.conflict.saved_at) if self.conflict else ""

    @property
    def conflict_text_for_html(self):
        return as_shown_in_html(self.conflict.stored_text) if self.conflict else ""

    @property
    def merged_text_for_html(self):
        return self.text_for_html + "\n\n" + self.conflict_text_for_html

    @property
    def conflict_keeps_saved_first(self) -> bool:
        """An empty text is never the first choice: when this tab's is empty, keeping the
        saved text is the main button."""
        return not self.text.strip()


@dataclass
class Problem:
    """One line of the page's error summary, linking to the field it is about."""

    anchor: str
    error: str


class CommitmentDates:
    """The commitment's two dates under the commitment question, inside the answers form.

    The form's fields are named `commitment-due_on` and `commitment-review_on`; what was
    typed is shown again as typed when it cannot be saved.
    """

    PREFIX = "commitment"

    def __init__(self, commitment: Commitment | None, data: QueryDict | None = None) -> None:
        self.commitment = commitment
        self.form = CommitmentDatesForm(data, commitment=commitment, prefix=self.PREFIX)
        self.extra_error = ""  # e.g. the dates are needed before submitting
        self.checked = False  # the posted dates went through the form's checks

    def _value(self, name):
        value = self.form[name].value()
        return value.isoformat() if isinstance(value, date) else (value or "")

    def _error(self, name):
        if self.extra_error and name == "due_on":
            return self.extra_error
        errors = self.form.errors.get(name) if self.checked else None
        return errors[0] if errors else ""

    @property
    def due(self):
        return {
            "field": self.form["due_on"],
            "value": self._value("due_on"),
            "error": self._error("due_on"),
        }

    @property
    def review(self):
        return {
            "field": self.form["review_on"],
            "value": self._value("review_on"),
            "error": self._error("review_on"),
        }

    @property
    def saved_at_label(self):
        return saved_at_label(self.commitment.updated_at) if self.commitment else ""

    @property
    def review_is_due(self):
        if self.commitment is None:
            return False
        return self.commitment.is_review_due(today=timezone.localdate())

    def problems(self):
        found = []
        for name in ("due_on", "review_on"):
            error = self._error(name)
            if error:
                label = self.form.fields[name].label
                found.append(Problem(self.form[name].id_for_label, f"{label}: {error}"))
        return found


@dataclass
class RefusedAnswer:
    """Text posted for a question that takes no answers now (removed from the exercise
    since the page was loaded, or a pair question that has closed): shown again on the
    page, with why, so it can be copied. Never a success message."""

    question: Question
    label: str  # "question 3", or "a question removed from the exercise"
    text: str
    reason: str

    @property
    def key(self) -> str:
        return self.question.key

    @property
    def anchor(self) -> str:
        return f"refused-{self.key}"

    @property
    def error(self) -> str:
        return f"Your answer to {self.label} is not saved: {self.reason}"


@dataclass
class Outcome:
    """How saving the posted form went: 200 when everything was saved."""

    status: int = 200
    problems: list[AnswerField | Problem | RefusedAnswer] = field(default_factory=list)
    saved_at: datetime | None = None
    changed: bool = False
    refused: list[RefusedAnswer] = field(default_factory=list)
    course_completed: bool = False  # this submission completed the course

    def failed(self, status, problems=()):
        self.status = max(self.status, status)
        self.problems.extend(problems)

    def saved(self, moment):
        self.changed = True
        self.saved_at = max(filter(None, [self.saved_at, moment]))

    @property
    def ok(self):
        return self.status == 200


# Stands for a question's key in a URL reversed once per page (a slug no key needs).
_ANY_KEY = "any-key"


# What `_per_key_url` has reversed, by name, exercise, URLconf and script prefix.
_per_key_urls: dict[tuple[str, int, str, str], tuple[str, str]] = {}


def _per_key_url(name: str, number: int) -> Callable[[str], str]:
    """The URL `name` of exercise `number` for any question key: reversed once per
    process (as `{% fixed_url %}`), not once per question or page."""
    urls_key = (name, number, str(get_urlconf() or settings.ROOT_URLCONF), get_script_prefix())
    try:
        before, after = _per_key_urls[urls_key]
    except KeyError:
        before, _, after = reverse(name, args=[number, _ANY_KEY]).rpartition(_ANY_KEY)
        _per_key_urls[urls_key] = (before, after)
    return lambda key: f"{before}{key}{after}"


def answer_fields(
    exercise: Exercise, own: OwnResponse, sharing: ExerciseSharing
) -> list[AnswerField]:
    """One AnswerField per current question, holding the saved answer and its links."""
    autosave_url = _per_key_url("reflections:autosave", exercise.number)
    history_url = _per_key_url("reflections:history", exercise.number)
    fields = []
    for number, question in enumerate(exercise.current_questions, start=1):
        answer = own.answer_to(question)
        is_open = sharing.question_is_open(question)
        fields.append(
            AnswerField(
                question=question,
                number=number,
                text=answer.typed_text if answer else "",
                version=answer.version if answer else 0,
                saved_at=answer.updated_at if answer else None,
                is_open=is_open,
                autosave_url=autosave_url(question.key),
                history_url=history_url(question.key),
            )
        )
    return fields


# --- Answer fields rendered once per question ------------------------------------------
#
# Most of an answer field (reflections/_answer_field.html) is the same for everyone: the
# question, its key in a dozen ids, its links. The template is rendered once per
# question, content version and shape (which of its optional parts it shows), with holes
# where the person's own values go; a page fills the holes in. The template stays the
# one description of the field; a field whose parts go beyond the holes (an error, a
# conflict, a text only the script can put back, the commitment's dates) is rendered
# in full.


def _hole(name: str) -> str:
    """Stands for value `name`: private-use characters that no template or course text
    holds and HTML escaping leaves as they are."""
    return f"\ue000{name}\ue001"


_HOLES = re.compile("\ue000(\\w+)\ue001")
# A template's own context for filling the holes: values shown as `{{ value }}` shows them.
_FILL_CONTEXT = Context(autoescape=True)


def _field_shell(field: AnswerField, *, pair_ended: bool) -> tuple[str, ...] | None:
    """The field's template with holes: literal text and hole names, alternating. None
    should the question's own text hold a hole's characters (it is rendered in full)."""
    if _hole("")[0] in field.question.text_html + field.key:
        return None
    stand_in = SimpleNamespace(
        key=field.key,
        question=field.question,
        number=field.number,
        is_open=field.is_open,
        autosave_url=field.autosave_url,
        history_url=field.history_url,
        error="",
        conflict=None,
        needs_exact_text=False,
        text_for_html=_hole("text"),
        version=_hole("version") if field.version else 0,
        saved_at=bool(field.saved_at),
        saved_at_label=_hole("saved_at"),
    )
    sharing = SimpleNamespace(
        ended_share=pair_ended, ended_by=_hole("ended_by"), readers_label=_hole("readers")
    )
    html = render_to_string(
        "reflections/_answer_field.html", {"field": stand_in, "sharing": sharing, "dates": None}
    )
    return tuple(_HOLES.split(html))


def answer_field_html(
    field: AnswerField, sharing: ExerciseSharing, dates: CommitmentDates | None, *, version
) -> str:
    """reflections/_answer_field.html for `field`, from its question's shell kept for the
    course content at `version`; "" when the field must be rendered in full."""
    is_commitment = field.question.kind == Question.Kind.COMMITMENT
    if field.error or field.conflict or field.needs_exact_text or (is_commitment and dates):
        return ""
    pair_ended = bool(sharing.ended_share)
    shape = (field.is_open, pair_ended, bool(field.saved_at), bool(field.version))
    key = ("answer_field", field.question.pk, field.number, field.autosave_url, *shape)
    shell = course_cache.kept(version, key, lambda: _field_shell(field, pair_ended=pair_ended))
    if shell is None:
        return ""
    values: dict[str, Callable[[], object]] = {
        "text": lambda: field.text_for_html,
        "version": lambda: field.version,
        "saved_at": lambda: field.saved_at_label,
        "ended_by": lambda: sharing.ended_by,
        "readers": lambda: sharing.readers_label,
    }
    parts = list(shell)
    for index in range(1, len(parts), 2):
        parts[index] = render_value_in_context(values[parts[index]](), _FILL_CONTEXT)
    return mark_safe("".join(parts))  # noqa: S308 (the template's output; each value escaped)


def answer_conflict_template(*, version) -> str:
    """The empty conflict the page's script copies (reflections/_answer_conflict.html
    without a field): the same on every page, so kept per content version."""
    return course_cache.kept(
        version,
        "answer_conflict_template",
        lambda: render_to_string("reflections/_answer_conflict.html", {"field": None}),
    )


def exercise_html(exercise: Exercise, *, version) -> dict[str, str]:
    """The parts of the exercise page that show the course content alone (where the
    exercise sits, its title and introduction, where its form posts), kept per content
    version and script prefix (its links are reversed once)."""

    def build():
        context = {"exercise": exercise}
        return {
            "heading": render_to_string("reflections/_exercise_heading.html", context),
            "intro": render_to_string("reflections/_exercise_intro.html", context),
            "action_url": reverse("reflections:exercise", args=[exercise.number]),
            "submit_url": reverse("reflections:submit", args=[exercise.number]),
            # Where signing in again from the page's script lands.
            "signed_in_url": reverse("reflections:signed_in"),
        }

    key = ("exercise_html", exercise.number, get_script_prefix())
    return course_cache.kept(version, key, build)


def share_panel_html(sharing: ExerciseSharing, exercise: Exercise, *, version) -> str:
    """reflections/_share_panel.html when no share concerns the viewer, kept per content
    version: then it shows the exercise alone (how comparing works, and how to start).
    "" otherwise: the page renders the panel in full."""
    if sharing != ExerciseSharing(shareable=sharing.shareable):
        return ""
    return course_cache.kept(
        version,
        ("share_panel_unshared", exercise.number, sharing.shareable, get_script_prefix()),
        lambda: render_to_string(
            "reflections/_share_panel.html", {"sharing": sharing, "exercise": exercise}
        ),
    )


def has_commitment(exercise: Exercise) -> bool:
    return any(q.kind == Question.Kind.COMMITMENT for q in exercise.current_questions)


def commitment_dates(
    request: HttpRequest, exercise: Exercise, data: QueryDict | None = None
) -> CommitmentDates | None:
    """The commitment dates of an exercise with a commitment question, else None."""
    if not has_commitment(exercise):
        return None
    commitment = commitment_get(user=request.user, exercise_number=exercise.number)
    names = [f"{CommitmentDates.PREFIX}-{name}" for name in ("due_on", "review_on")]
    if data is not None and not any(name in data for name in names):
        data = None  # a form without the dates: show the saved ones
    return CommitmentDates(commitment, data)


# --- The form without JavaScript ---------------------------------------------------------


def _posted_text(request: HttpRequest, key: str) -> str | None:
    """The answer posted for question `key`, line breaks as the page has them."""
    text = request.POST.get(f"answer-{key}")
    # Browsers send a textarea's line breaks as CRLF; its value on the page uses LF.
    return None if text is None else text.replace("\r\n", "\n")


def _refused_answers(request, exercise, fields, own):
    """What the form posted for questions that take no answers now and differs from
    what is stored: pair questions that have closed, and questions retired since the
    page was loaded (the form still names them)."""
    refused = []
    for answer_field in fields:
        text = _posted_text(request, answer_field.key)
        if answer_field.is_open or text is None or text == answer_field.text_for_html:
            continue
        reason = question_closed_reason(
            user=request.user,
            exercise=exercise,
            question=answer_field.question,
            pair_questions_open=False,
        )
        refused.append(
            RefusedAnswer(
                answer_field.question, f"question {answer_field.number}", text, reason or ""
            )
        )
    current = {answer_field.key for answer_field in fields}
    posted = {name.removeprefix("answer-") for name in request.POST if name.startswith("answer-")}
    for question in retired_questions_get(exercise=exercise, keys=posted - current):
        text = _posted_text(request, question.key) or ""
        answer = own.answer_to(question)
        if text == as_shown_in_html(answer.typed_text if answer else ""):
            continue
        reason = question_closed_reason(
            user=request.user, exercise=exercise, question=question, pair_questions_open=False
        )
        refused.append(
            RefusedAnswer(question, "a question removed from the exercise", text, reason or "")
        )
    return refused


def _posted_edit(request, field):
    """The edit the form asks for on `field`, or None to leave it alone."""
    name = f"answer-{field.key}"
    if not field.is_open or name not in request.POST:
        return None
    # Browsers send a textarea's line breaks as CRLF; its value on the page uses LF.
    text = request.POST[name].replace("\r\n", "\n")
    base = request.POST.get(f"version-{field.key}", "")
    choice = request.POST.get(f"resolve-{field.key}")
    if choice == "saved":
        return None
    if choice in ("mine", "merged"):
        base = request.POST.get(f"saved-version-{field.key}", "")
        if choice == "merged":
            text = request.POST.get(f"merged-{field.key}", "").replace("\r\n", "\n")
    # Shown again as posted if anything goes wrong, so nothing typed is lost.
    field.text = text
    if not base.isdecimal():
        raise ValueError("The form was incomplete. Please save again.")
    field.version = int(base)
    return AnswerEdit(
        question=field.question, text=text, base_version=int(base), from_html_form=True
    )


def save_posted_answers(request, exercise, fields, outcome, *, own):
    """Save the posted answers, noting in `outcome` what happened. Text for a question
    that takes no answers now is refused, with why (409), and the rest saved."""
    outcome.refused = _refused_answers(request, exercise, fields, own)
    if outcome.refused:
        outcome.failed(409, outcome.refused)
    edits, problems = [], []
    try:
        for answer_field in fields:
            edit = _posted_edit(request, answer_field)
            if edit is None:
                continue
            try:
                answer_text_check(edit.text)
            except AnswerRejected as rejected:
                answer_field.error = rejected.message
                problems.append(answer_field)
            edits.append(edit)
    except ValueError as problem:
        messages.error(request, str(problem))
        outcome.failed(400)
        return
    if problems:
        outcome.failed(400, problems)
        return
    if not edits:
        return
    results = answers_save(user=request.user, exercise=exercise, edits=edits)
    conflicts = []
    for answer_field in fields:
        result = results.get(answer_field.question.pk)
        if result is None:
            continue
        answer_field.saved_at = result.saved_at
        if result.is_conflict:
            answer_field.conflict = result
            answer_field.error = (
                f"Question {answer_field.number} was changed in another tab or window. "
                "Both texts are shown; choose which to keep."
            )
            conflicts.append(answer_field)
        else:
            answer_field.version = result.version
            if result.status == SaveResult.SAVED:
                outcome.saved(result.saved_at)
    if conflicts:
        outcome.failed(409, conflicts)


def save_posted_dates(request, exercise, dates, outcome):
    """Save the commitment dates the form carries, through the same checks as everywhere.

    Both left empty before any dates were saved means "not yet": nothing to do.
    """
    if dates is None:
        return
    names = [f"{CommitmentDates.PREFIX}-{name}" for name in ("due_on", "review_on")]
    if not any(name in request.POST for name in names):
        return
    posted = [request.POST.get(name, "").strip() for name in names]
    if not any(posted) and dates.commitment is None:
        return
    dates.checked = True
    if not dates.form.is_valid():
        outcome.failed(400, dates.problems())
        return
    saved = commitment_save(
        user=request.user,
        exercise=exercise,
        due_on=dates.form.cleaned_data["due_on"],
        review_on=dates.form.cleaned_data["review_on"],
    )
    dates.commitment = saved.commitment
    if saved.changed:
        outcome.saved(saved.commitment.updated_at)


def submit_posted(request, exercise, fields, dates, outcome):
    """Submit the exercise; what is still missing is marked on the page's fields. When
    this submission completed the course, the outcome says so (the certificate is issued
    now) and the course-completed page is shown next."""
    try:
        response_submit(user=request.user, exercise=exercise)
    except ExerciseIncomplete as incomplete:
        gaps = SubmissionGaps(incomplete.questions, dates_missing=incomplete.dates_missing)
        outcome.failed(400, gaps_mark(fields, dates, gaps))
        return
    outcome.course_completed = course_completion_record(user=request.user)


def gaps_mark(fields, dates, gaps: SubmissionGaps) -> list:
    """Mark each field that submitting still needs, and return them as the page's
    problems, in page order."""
    missing = {question.pk for question in gaps.questions}
    problems = []
    for answer_field in fields:
        if answer_field.question.pk in missing:
            answer_field.missing = True
            answer_field.error = f"Answer question {answer_field.number} before you submit."
            problems.append(answer_field)
    if gaps.dates_missing and dates is not None:
        dates.extra_error = "Enter the dates for your commitment before you submit."
        problems.extend(dates.problems())
    return problems


# --- Signed out while the page was open -------------------------------------------------


@dataclass
class CarriedAnswer:
    """An answer the signed-out page shows (read-only) and carries to the sign-in."""

    number: int
    question: Question
    text: str
    merged: str = ""

    @property
    def key(self):
        return self.question.key


def carried(request, exercise):
    """What the signed-out page carries: the exercise form's own fields, as posted."""
    # Every answer field posted, a question's retired since the page was loaded included:
    # the save after signing in says why that one cannot be stored, and shows it.
    prefixes = ("answer-", "version-", "resolve-", "saved-version-", "merged-")
    names = [name for name in request.POST if name.startswith(prefixes)]
    names += [f"{CommitmentDates.PREFIX}-due_on", f"{CommitmentDates.PREFIX}-review_on"]
    hidden = [(name, request.POST[name]) for name in names if name in request.POST]
    answers = []
    for number, question in enumerate(exercise.current_questions, start=1):
        name = f"answer-{question.key}"
        if name not in request.POST:
            continue
        merged = ""
        if request.POST.get(f"resolve-{question.key}") == "merged":
            merged = request.POST.get(f"merged-{question.key}", "")
        answers.append(CarriedAnswer(number, question, request.POST[name], merged))
    dates = [
        (CommitmentDatesForm.base_fields[name].label, request.POST.get(f"commitment-{name}", ""))
        for name in ("due_on", "review_on")
        if request.POST.get(f"commitment-{name}", "").strip()
    ]
    return hidden, answers, dates
