"""Each team member's course figures, worked out once and kept in Django's cache until
the data behind them changes.

Working the figures out for a team of hundreds is one large query (a dozen subqueries a
person); reading a handful of counts and latest moments over the team's rows is small.
So each page first reads the team's *fingerprint* (`_fingerprints`: one query over the
team's lesson progress, exercise responses and reminders, and the course's lessons and
exercises), and uses the figures kept in the cache only when they were worked out at
the same fingerprint. Every change a page must show moves the fingerprint at once: a
lesson completed or undone, opened or read, an exercise begun, saved, submitted or
reopened, a reminder sent, a lesson archived, restored or added, an exercise added or
removed. Nothing has to remember to clear the cache, and several app servers sharing one
cache (`CACHE_URL`) agree.

Who is in the team is never kept: each page reads the team's members (active, verified)
afresh, and takes from the cache only the figures of those people, by account id. A
member who joins is missing from the kept figures, which are then worked out again. The
cache holds figures and moments only, keyed by team, never a name or anything written.
Which rows count and what "complete" means stay in reflections.progress
(`course_completion_for`); who may see a team is decided by team_progress.selectors
before anything here is read.
"""

import functools
import hashlib
import time
from collections.abc import Callable, Collection, Iterable
from datetime import datetime
from typing import NamedTuple, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import connections, router
from django.db.models import Model, OuterRef, Subquery

from accounts.models import Team, User
from modules.models import Exercise, Lesson, LessonProgress
from reflections.models import ExerciseResponse
from reflections.progress import course_completion_for

from .models import Nudge

# Bump when the shape of what is kept changes, so old entries are never read.
_KEY = "team_progress:figures:v1:{team_id}"
_SUMMARY_KEY = "team_progress:summary:v1:{team_id}"
Summary = TypeVar("Summary")


class CourseTotals(NamedTuple):
    lessons: int  # current lessons
    exercises: int


class MemberFigures(NamedTuple):
    """One person's figures, as `course_completion_for` works them out (plain data, so
    the cache can keep it)."""

    lessons_completed: int
    exercises_submitted: int
    started_at: datetime | None
    last_activity: datetime | None
    completed_at: datetime | None
    completion_status: str
    last_nudged_at: datetime | None
    lessons_done: tuple[int, ...]  # ids of the lessons completed (archived ones too)


class TeamFigures(NamedTuple):
    totals: CourseTotals
    members: dict[int, MemberFigures]  # by account id


def _column(model: type[Model], name: str, quote: Callable[[str], str]) -> str:
    return quote(model._meta.get_field(name).column)


def _in_team(vendor: str, users: str, user_id: str, user_team: str) -> str:
    """The condition "is one of the team's accounts" (its one parameter: the team's id)
    by which the fingerprint picks each table's rows. PostgreSQL is given the ids as an
    array: with `IN (subquery)` it reads every row of the table and joins, while
    `= ANY(array)` reads only the team's rows through the index on the person's id (for
    a team of 500 among 2,000 people, the fingerprint then takes about half the time)."""
    ids = f"SELECT u.{user_id} FROM {users} u WHERE u.{user_team} = %s"  # noqa: S608
    return f"= ANY(ARRAY({ids}))" if vendor == "postgresql" else f"IN ({ids})"


@functools.lru_cache(maxsize=32)
def _fingerprint_statement(teams: int, vendor: str) -> str:
    """The fingerprint's SQL for `teams` teams, written once per number of teams (a
    page would otherwise spend more compiling six querysets than the database spends
    running them). Every value is a parameter: each team's id, four times over."""
    quote = connections[router.db_for_read(LessonProgress)].ops.quote_name

    def table(model: type[Model]) -> str:
        return quote(model._meta.db_table)

    def col(model: type[Model], name: str) -> str:
        return _column(model, name, quote)

    in_team = _in_team(vendor, table(User), col(User, "id"), col(User, "team"))

    def of_team(model: type[Model], person: str, figures: str) -> str:
        """`model`'s rows for the people in one team, counted."""
        # Only quoted table and column names are written into the text (S608).
        return f"(SELECT {figures} FROM {table(model)} x WHERE x.{col(model, person)} {in_team})"  # noqa: S608

    lp, er = LessonProgress, ExerciseResponse
    progress = of_team(
        lp,
        "user",
        f"COUNT(*) AS n, COUNT(x.{col(lp, 'completed_at')}) AS done, "
        f"MAX(x.{col(lp, 'last_viewed_at')}) AS viewed, MAX(x.{col(lp, 'completed_at')}) AS ended",
    )
    responses = of_team(
        er,
        "user",
        f"COUNT(*) AS n, COUNT(x.{col(er, 'submitted_at')}) AS done, "
        f"MAX(x.{col(er, 'last_saved_at')}) AS viewed, MAX(x.{col(er, 'submitted_at')}) AS ended",
    )
    nudges = of_team(Nudge, "member", f"COUNT(*) AS n, MAX(x.{col(Nudge, 'sent_at')}) AS ended")
    lesson, archived = table(Lesson), col(Lesson, "archived_at")
    team_id = col(Team, "id")
    # One row per team that exists: its id, then its figures over its people's rows.
    per_team = (
        f"SELECT t.{team_id} AS team, p.n AS pn, p.done AS pdone, p.viewed AS pviewed, "  # noqa: S608
        f"p.ended AS pended, r.n AS rn, r.done AS rdone, r.viewed AS rviewed, "
        f"r.ended AS rended, g.n AS gn, g.ended AS gended "
        f"FROM {table(Team)} t, {progress} p, {responses} r, {nudges} g "
        f"WHERE t.{team_id} = %s"
    )
    # The course's totals: current lessons (Lesson.objects.current(): not archived) and
    # exercises, as reflections.progress.course_totals counts them; then every lesson
    # and the latest archiving, so a lesson archived, restored or added moves them.
    return (
        f"SELECT (SELECT COUNT(*) FROM {lesson} WHERE {archived} IS NULL), "  # noqa: S608
        f"(SELECT COUNT(*) FROM {table(Exercise)}), "
        f"(SELECT COUNT(*) FROM {lesson}), (SELECT MAX({archived}) FROM {lesson}), "
        f"f.team, f.pn, f.pdone, f.pviewed, f.pended, f.rn, f.rdone, f.rviewed, f.rended, "
        f"f.gn, f.gended FROM ({' UNION ALL '.join([per_team] * teams)}) f"
    )


def _fingerprints(team_ids: Collection[int]) -> tuple[CourseTotals, dict[int, tuple]]:
    """The course's totals and, for each of `team_ids`, a tuple that changes whenever
    anything its members' figures depend on changes: one query.

    Counts catch rows added or removed and moments cleared (a lesson marked not
    complete, an answer reopened); the latest moments catch every other write, since
    each sets its moment to now."""
    ids = list(team_ids)
    database = router.db_for_read(LessonProgress)
    statement = _fingerprint_statement(len(ids), connections[database].vendor)
    with connections[database].cursor() as cursor:
        cursor.execute(statement, [value for team_id in ids for value in [team_id] * 4])
        rows = cursor.fetchall()
    if not rows:  # no such team: the course's figures still count
        return CourseTotals(*_course_totals()), {}
    first = rows[0]
    return CourseTotals(lessons=first[0], exercises=first[1]), {row[4]: row for row in rows}


def _course_totals() -> tuple[int, int]:
    return Lesson.objects.current().count(), Exercise.objects.count()


def _worked_out(team_id: int, totals: CourseTotals) -> dict[int, MemberFigures]:
    """Every member's figures, from the one definition in reflections.progress: two
    queries."""
    members = User.objects.active().verified().filter(team_id=team_id)
    nudges = Nudge.objects.filter(member=OuterRef("pk")).order_by("-sent_at")
    rows = (
        course_completion_for(members, lessons=totals.lessons, exercises=totals.exercises)
        .annotate(
            last_nudged_at=Subquery(nudges.values("sent_at")[:1]),
        )
        .order_by()
        .values_list(
            "pk",
            "lessons_completed",
            "exercises_submitted",
            "started_at",
            "last_activity",
            "completed_at",
            "completion_status",
            "last_nudged_at",
        )
    )
    done: dict[int, list[int]] = {}
    for user_id, lesson_id in (
        LessonProgress.objects.completed()
        .filter(user__in=members)
        .order_by()
        .values_list("user_id", "lesson_id")
    ):
        done.setdefault(user_id, []).append(lesson_id)
    return {
        pk: MemberFigures(*figures, lessons_done=tuple(done.get(pk, ()))) for pk, *figures in rows
    }


def _kept_or_worked_out(
    team_id: int, entry, fingerprint: tuple | None, wanted: list[int], totals: CourseTotals
) -> TeamFigures:
    if (
        entry is not None
        and entry[0] == fingerprint
        and all(pk in entry[1].members for pk in wanted)
    ):
        return entry[1]
    figures = TeamFigures(totals=totals, members=_worked_out(team_id, totals))
    cache.set(
        _KEY.format(team_id=team_id), (fingerprint, figures), settings.TEAM_FIGURES_CACHE_SECONDS
    )
    return figures


def teams_figures(
    team_ids: Iterable[int], *, members: dict[int, list[int]]
) -> dict[int, TeamFigures]:
    """The figures of each team's `members` (account ids, read afresh by the caller),
    from the cache when nothing behind them changed, worked out (and kept) otherwise.
    Call only with teams the signed-in manager manages (team_progress.selectors)."""
    ids = list(team_ids)
    totals, fingerprints = _fingerprints(ids)
    keys = {team_id: _KEY.format(team_id=team_id) for team_id in ids}
    kept = cache.get_many(list(keys.values()))
    return {
        team_id: _kept_or_worked_out(
            team_id,
            kept.get(keys[team_id]),
            fingerprints.get(team_id),
            members.get(team_id, []),
            totals,
        )
        for team_id in ids
    }


def _members_signature(pks: list[int]) -> str:
    """Who is in the team, in a few bytes: the same people give the same signature."""
    return hashlib.blake2b(",".join(map(str, sorted(pks))).encode(), digest_size=16).hexdigest()


# The summaries this process read or worked out last, by (team id, `summarise`): each
# with the stamp (fingerprint, members) it holds for, so one found here is used only
# at that same stamp, as one from the cache is, without asking the cache for it, and
# no longer than the cache would keep one stored when this process read or worked it
# out (the monotonic clock's moment it ends). One entry a team (a few KB): emptied
# when there are more, which bounds its memory.
_SUMMARIES_HERE_MAX = 1000
_summaries_here: dict[tuple[int, Callable], tuple[tuple, object, float]] = {}


def teams_summaries(
    team_ids: Iterable[int],
    *,
    members: dict[int, list[int]],
    summarise: Callable[[TeamFigures, list[int]], Summary],
) -> dict[int, Summary]:
    """`summarise(figures, members)` for each team, kept in the cache beside the figures
    for the same fingerprint and the same members (and in this process: shared by its
    requests, so read-only), so a page that shows only a team's totals reads neither the
    figures nor the members' rows again. What `summarise` returns must be plain data,
    the same at any moment (a count that depends on the time is worked out from it by
    the caller)."""
    ids = list(team_ids)
    totals, fingerprints = _fingerprints(ids)
    stamps = {
        team_id: (fingerprints.get(team_id), _members_signature(members.get(team_id, [])))
        for team_id in ids
    }
    result: dict[int, Summary] = {}
    now = time.monotonic()
    for team_id in ids:
        here = _summaries_here.get((team_id, summarise))
        if here is not None and here[0] == stamps[team_id] and now < here[2]:
            result[team_id] = here[1]  # type: ignore[assignment]
    missing = [team_id for team_id in ids if team_id not in result]
    keys = {team_id: _SUMMARY_KEY.format(team_id=team_id) for team_id in missing}
    kept = cache.get_many(list(keys.values())) if keys else {}
    for team_id in missing:
        stamp = stamps[team_id]
        entry = kept.get(keys[team_id])
        if entry is not None and entry[0] == stamp:
            result[team_id] = entry[1]
        else:
            wanted = members.get(team_id, [])
            figures = _kept_or_worked_out(
                team_id, cache.get(_KEY.format(team_id=team_id)), stamp[0], wanted, totals
            )
            result[team_id] = summarise(figures, wanted)
            cache.set(keys[team_id], (stamp, result[team_id]), settings.TEAM_FIGURES_CACHE_SECONDS)
        if len(_summaries_here) >= _SUMMARIES_HERE_MAX:
            _summaries_here.clear()
        ends = now + settings.TEAM_FIGURES_CACHE_SECONDS
        _summaries_here[(team_id, summarise)] = (stamp, result[team_id], ends)
    return result
