"""Who may see what on the team managers' pages, decided here and nowhere else.

A team manager sees the teams they manage (`Team.managers`), in their own organisation,
and the active, verified members of those teams: how far each is through the course
and when, never what anyone wrote. Everyone else, and any team or person outside those,
gets `DoesNotExist`, which the views turn into a 404.
"""

from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import NamedTuple, Protocol

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from accounts.models import Team, User
from modules.compiled_queries import Compiled
from modules.models import Course, Exercise, Lesson, LessonProgress
from modules.selectors import course_lessons
from reflections.models import ExerciseResponse
from reflections.progress import (
    CompletionStatus,
    course_completion_for,
    course_totals,
    percent_complete,
)

from .figures import MemberFigures, TeamFigures, teams_figures, teams_summaries
from .models import Nudge, nudge_cutoff

MEMBERS_PER_PAGE = 50

# The member table's columns that sort: the query parameter and the field behind it.
SORTS = {
    "name": "full_name",
    "job_role": "job_role",
    "lessons": "lessons_completed",
    "exercises": "exercises_submitted",
    "percent": "percent_done",
    "started": "started_at",
    "last_activity": "last_activity",
    "completed": "completed_at",
}
INACTIVE = "inactive"
STATUS_LABELS = CompletionStatus.LABELS
STATUS_FILTERS = {**CompletionStatus.LABELS, INACTIVE: "Inactive"}


def _may_manage(manager: User) -> bool:
    """Whether `manager` may see any team at all (then only those of `_managed_by`)."""
    return manager.organisation_id is not None and (
        manager.is_authenticated and manager.is_active and manager.is_team_manager
    )


def _managed_by(manager_id: int, organisation_id: int) -> QuerySet[Team]:
    """The teams the account `manager_id` manages in the organisation `organisation_id`."""
    return Team.objects.filter(managers=manager_id, organisation_id=organisation_id)


def managed_teams(*, manager: User) -> QuerySet[Team]:
    """The teams `manager` manages, in their organisation; none for anyone else."""
    organisation_id = manager.organisation_id
    if organisation_id is None or not _may_manage(manager):
        return Team.objects.none()
    return _managed_by(manager.pk, organisation_id)


def team_get(*, manager: User, team_id: int) -> Team:
    return managed_teams(manager=manager).select_related("organisation").get(pk=team_id)


def _members(team_ids: Iterable[int] | QuerySet[Team]) -> QuerySet[User]:
    """Active, verified people in the teams: only verified addresses count."""
    return User.objects.active().verified().filter(team_id__in=team_ids)


# My teams' two reads of its own, compiled once (modules.compiled_queries): the teams a
# manager manages and the members of those teams, by (manager id, organisation id).
_teams_managed = Compiled(Team, _managed_by, 2)
_members_of_managed = Compiled(
    User,
    lambda manager_id, organisation_id: (
        _members(_managed_by(manager_id, organisation_id)).order_by().values_list("pk", "team_id")
    ),
    2,
)


def _lessons() -> QuerySet[Lesson]:
    return Lesson.objects.in_order().defer("body_markdown", "body_html")


def inactive_cutoff() -> datetime:
    return timezone.now() - timedelta(days=settings.TEAM_INACTIVE_DAYS)


def _inactive() -> Q:
    return Q(completion_status=CompletionStatus.IN_PROGRESS, last_activity__lte=inactive_cutoff())


def is_inactive(figures: MemberFigures, *, cutoff: datetime) -> bool:
    """The rule of `_inactive`, for figures already read (`cutoff`: `inactive_cutoff()`)."""
    return (
        figures.completion_status == CompletionStatus.IN_PROGRESS
        and figures.last_activity is not None
        and figures.last_activity <= cutoff
    )


def _may_nudge() -> Q:
    """Who may be sent a reminder: not started, or inactive, and not reminded within
    NUDGE_INTERVAL_DAYS by anyone (on people annotated by `_with_nudges`)."""
    behind = Q(completion_status=CompletionStatus.NOT_STARTED) | _inactive()
    return behind & Q(nudged_recently=False)


def _with_nudges(members: QuerySet) -> QuerySet:
    """`members` (with their course figures) with `last_nudged_at`, `nudged_recently`
    and `may_nudge`: subqueries, so no query per person."""
    nudges = Nudge.objects.filter(member=OuterRef("pk"))
    return members.annotate(
        last_nudged_at=Subquery(nudges.order_by("-sent_at").values("sent_at")[:1]),
        nudged_recently=Exists(nudges.recent()),
    ).annotate(may_nudge=_may_nudge())


class NudgeFigures(Protocol):
    """A person as `_with_nudges` annotates them."""

    may_nudge: bool
    nudged_recently: bool
    last_nudged_at: datetime | None


def nudge_note(member: NudgeFigures) -> str:
    """Why there is no reminder to send to `member` (from `team_members` or
    `member_get`) when it is because one was sent recently; empty otherwise."""
    if member.may_nudge or not member.nudged_recently or member.last_nudged_at is None:
        return ""
    days = (timezone.localdate() - timezone.localtime(member.last_nudged_at).date()).days
    if days == 0:
        return "Reminded today"
    return "Reminded yesterday" if days == 1 else f"Reminded {days} days ago"


class ChartLesson(NamedTuple):
    """A lesson as My teams' chart names it."""

    pk: int
    title: str


@dataclass
class TeamSummary:
    team: Team
    counts: Counter = field(default_factory=Counter)
    lesson_counts: list[tuple[ChartLesson, int]] = field(default_factory=list)

    @property
    def members(self) -> int:
        return sum(self.counts[status] for status in CompletionStatus.LABELS)

    @property
    def fingerprint(self) -> tuple:
        """Everything the team's section of My teams shows, as plain values (its
        `{% kept %}` fragment): the same for every manager of the team."""
        figures = (self.members, self.not_started, self.in_progress, self.completed)
        return (self.team.pk, self.team.name, *figures, self.inactive, tuple(self.lesson_counts))

    def chart_bars(self) -> list[tuple[ChartLesson, int, int]]:
        """(lesson, members who completed it, bar width 0 to 100) in reading order."""
        largest = self.members or 1
        return [(lesson, n, round(100 * n / largest)) for lesson, n in self.lesson_counts]

    @property
    def not_started(self) -> int:
        return self.counts[CompletionStatus.NOT_STARTED]

    @property
    def in_progress(self) -> int:
        return self.counts[CompletionStatus.IN_PROGRESS]

    @property
    def completed(self) -> int:
        return self.counts[CompletionStatus.COMPLETED]

    @property
    def inactive(self) -> int:
        return self.counts[INACTIVE]


class TeamCounts(NamedTuple):
    """A team's figures for My teams, as the cache keeps them (team_progress.figures)."""

    statuses: dict[str, int]
    # When each member in progress was last active, earliest first: those inactive at
    # any moment (`is_inactive`) are the ones up to its cutoff.
    in_progress_last_active: list[datetime]
    lessons: dict[int, int]  # lesson id: members who completed it


def _team_counts(figures: TeamFigures, members: list[int]) -> TeamCounts:
    statuses: Counter = Counter()
    last_active = []
    lessons: Counter = Counter()
    for pk in members:
        person = figures.members.get(pk)
        if person is None:  # no longer a member when the figures were worked out
            continue
        statuses[person.completion_status] += 1
        if person.completion_status == CompletionStatus.IN_PROGRESS and person.last_activity:
            last_active.append(person.last_activity)
        lessons.update(person.lessons_done)
    return TeamCounts(dict(statuses), sorted(last_active), dict(lessons))


def team_summaries(*, manager: User, course: Course | None) -> list[TeamSummary]:
    """Each managed team's members by status and per lesson: a fixed number of queries
    (the team's figures come from team_progress.figures, kept while nothing changes).
    `course`: the course row (`course_for_request`), whose lessons are kept between
    requests (`course_lessons`)."""
    organisation_id = manager.organisation_id
    if organisation_id is None or not _may_manage(manager):
        return []
    ids = (manager.pk, organisation_id)
    summaries = {team.pk: TeamSummary(team=team) for team in _teams_managed.objects(*ids)}
    if not summaries:
        return []
    members: dict[int, list[int]] = {team_id: [] for team_id in summaries}
    for pk, team_id in _members_of_managed.rows(*ids):
        if team_id in members:  # not a team given to the manager since the line above
            members[team_id].append(pk)
    kept = teams_summaries(summaries, members=members, summarise=_team_counts)
    ordered = [ChartLesson(lesson.pk, lesson.title) for lesson in course_lessons(course=course)]
    cutoff = inactive_cutoff()
    for team_id, summary in summaries.items():
        counts = kept[team_id]
        summary.counts.update(counts.statuses)
        summary.counts[INACTIVE] = bisect_right(counts.in_progress_last_active, cutoff)
        summary.lesson_counts = [(lesson, counts.lessons.get(lesson.pk, 0)) for lesson in ordered]
    return list(summaries.values())


@dataclass(slots=True)
class MemberRow:
    """One member in the team table and its CSV: their name, course figures and
    reminders (plain data: nothing they wrote)."""

    pk: int
    full_name: str
    job_role: str
    lessons_completed: int
    exercises_submitted: int
    percent_done: int
    started_at: datetime | None
    last_activity: datetime | None
    completed_at: datetime | None
    completion_status: str
    last_nudged_at: datetime | None
    inactive: bool
    nudged_recently: bool
    may_nudge: bool

    @property
    def status_label(self) -> str:
        return CompletionStatus.LABELS[self.completion_status]

    @property
    def nudge_note(self) -> str:
        return nudge_note(self)


@dataclass
class TeamTable:
    members: list[MemberRow]
    totals: tuple[int, int]  # (lessons, exercises) in the course


def _row(
    pk: int,
    name: str,
    job_role: str,
    figures: MemberFigures,
    totals: tuple[int, int],
    *,
    cutoffs: tuple[datetime, datetime],
) -> MemberRow:
    inactive_at, nudge_at = cutoffs
    inactive = is_inactive(figures, cutoff=inactive_at)
    # The rule of `_may_nudge` and `NudgeQuerySet.recent`, on figures already read.
    recent = figures.last_nudged_at is not None and figures.last_nudged_at > nudge_at
    behind = figures.completion_status == CompletionStatus.NOT_STARTED or inactive
    return MemberRow(
        pk=pk,
        full_name=name,
        job_role=job_role,
        lessons_completed=figures.lessons_completed,
        exercises_submitted=figures.exercises_submitted,
        percent_done=percent_complete(
            lessons_completed=figures.lessons_completed,
            exercises_submitted=figures.exercises_submitted,
            totals=totals,
        ),
        started_at=figures.started_at,
        last_activity=figures.last_activity,
        completed_at=figures.completed_at,
        completion_status=figures.completion_status,
        last_nudged_at=figures.last_nudged_at,
        inactive=inactive,
        nudged_recently=recent,
        may_nudge=behind and not recent,
    )


def team_table(
    *, team: Team, status: str = "", query: str = "", sort: str = "name", descending: bool = False
) -> TeamTable:
    """`team`'s members with their course figures and reminders, filtered and sorted
    (nulls last, then by name and id). Call only with a team from `team_get`, which
    checked the manager. The members are read afresh; their figures come from
    team_progress.figures."""
    people = list(_members([team.pk]).order_by().values_list("pk", "full_name", "job_role"))
    kept = teams_figures([team.pk], members={team.pk: [pk for pk, _name, _role in people]})
    figures = kept[team.pk]
    totals = (figures.totals.lessons, figures.totals.exercises)
    cutoffs = (inactive_cutoff(), nudge_cutoff())
    rows = [
        _row(pk, name, job_role, figures.members[pk], totals, cutoffs=cutoffs)
        for pk, name, job_role in people
        # Someone who stopped being a member (unverified, deactivated, moved) between
        # reading the members and working their figures out is left out.
        if pk in figures.members
    ]
    if status == INACTIVE:
        rows = [row for row in rows if row.inactive]
    elif status in CompletionStatus.LABELS:
        rows = [row for row in rows if row.completion_status == status]
    if query:
        wanted = query.casefold()
        rows = [row for row in rows if wanted in row.full_name.casefold()]
    rows.sort(key=lambda row: (row.full_name, row.pk))
    field_name = SORTS.get(sort, "full_name")
    present = [row for row in rows if getattr(row, field_name) is not None]
    present.sort(key=lambda row: getattr(row, field_name), reverse=descending)
    missing = [row for row in rows if getattr(row, field_name) is None]
    return TeamTable(members=present + missing, totals=totals)


def team_members(
    *, team: Team, status: str = "", query: str = "", sort: str = "name", descending: bool = False
) -> list[MemberRow]:
    """The rows of `team_table`."""
    return team_table(
        team=team, status=status, query=query, sort=sort, descending=descending
    ).members


def team_members_page(*, members: list[MemberRow], page_number: int | str) -> Page:
    return Paginator(members, MEMBERS_PER_PAGE).get_page(page_number)


def member_get(*, manager: User, team: Team, member_id: int) -> User:
    """One member of a team `manager` manages (team from `team_get`)."""
    return managed_members(manager=manager, team=team).get(pk=member_id)


def managed_members(*, manager: User, team: Team) -> QuerySet:
    """The members of `team` (from `team_get`) if `manager` manages it, with their course
    figures and reminders (`may_nudge`); nobody otherwise."""
    lessons, exercises = course_totals()
    members = _with_nudges(
        course_completion_for(_members([team.pk]), lessons=lessons, exercises=exercises)
    )
    return members.filter(team__in=managed_teams(manager=manager))


@dataclass
class MemberProgress:
    member: User
    lessons: list[tuple[Lesson, datetime | None]]
    exercises: list[tuple[Exercise, datetime | None]]


def member_progress(*, member: User) -> MemberProgress:
    """When `member` completed each lesson and submitted each exercise: dates only,
    nothing they wrote (`member` from `member_get`)."""
    completed = dict(
        LessonProgress.objects.completed()
        .filter(user=member)
        .values_list("lesson_id", "completed_at")
    )
    submitted = dict(
        ExerciseResponse.objects.submitted()
        .filter(user=member)
        .values_list("exercise_id", "submitted_at")
    )
    return MemberProgress(
        member=member,
        lessons=[(lesson, completed.get(lesson.pk)) for lesson in _lessons()],
        exercises=[(exercise, submitted.get(exercise.pk)) for exercise in Exercise.objects.all()],
    )
