"""The team figures kept in the cache (team_progress.figures): read from the cache while
nothing behind them changes, and worked out again at once after every change a manager's
page must show, however it is made. Each test reads the figures first (so they are kept),
makes one change through the service that makes it in the course, and reads again."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from modules.selectors import course_get
from modules.services import (
    lesson_archive,
    progress_mark_complete,
    progress_mark_incomplete,
    progress_record_view,
)
from organisations.services import member_team_set
from reflections.models import ExerciseResponse
from reflections.progress import course_totals
from reflections.services.answers import answer_save, response_submit
from team_progress import figures as figures_module
from team_progress.selectors import team_members, team_summaries
from team_progress.services import nudges_send
from tests.factories import (
    ExerciseFactory,
    LessonFactory,
    QuestionFactory,
    TeamFactory,
    UserFactory,
    second_factor_for,
)

from .conftest import complete_lessons

pytestmark = pytest.mark.django_db


@pytest.fixture
def worked_out(monkeypatch):
    """How many times the figures were worked out from the database (not the cache)."""
    calls = []
    original = figures_module._worked_out

    def counting(team_id, totals):
        calls.append(team_id)
        return original(team_id, totals)

    monkeypatch.setattr(figures_module, "_worked_out", counting)
    return calls


@pytest.fixture
def idle(member_factory, lessons):
    """Jo Idle: the first lesson completed 40 days ago, nothing since."""
    person = member_factory(full_name="Jo Idle")
    complete_lessons(person, lessons[:1], at=timezone.now() - timedelta(days=40))
    return person


def row(team, name):
    return next(member for member in team_members(team=team) if member.full_name == name)


def summary(manager):
    [only] = team_summaries(manager=manager, course=course_get())
    per_lesson = [count for _lesson, count in only.lesson_counts]
    return only.members, only.not_started, only.in_progress, only.inactive, per_lesson


def test_unchanged_figures_come_from_the_cache(
    manager, team, idle, worked_out, django_assert_max_num_queries
):
    assert row(team, "Jo Idle").lessons_completed == 1
    assert summary(manager) == (2, 1, 1, 1, [1, 0, 0])
    assert worked_out == [team.pk]
    # Kept: the members, the fingerprint and the cache (no figures worked out).
    with django_assert_max_num_queries(2):
        assert row(team, "Jo Idle").lessons_completed == 1
    assert summary(manager) == (2, 1, 1, 1, [1, 0, 0])
    assert worked_out == [team.pk]


@pytest.mark.usefixtures("exercises")
def test_the_fingerprint_counts_the_course_as_reflections_progress_does(team, lessons, trainer):
    LessonFactory(title="Archived lesson").archived_at = None
    lesson_archive(lesson=lessons[0], actor=trainer)
    totals, fingerprints = figures_module._fingerprints([team.pk])
    assert tuple(totals) == course_totals() == (3, 5)
    assert set(fingerprints) == {team.pk}


def test_my_teams_reads_only_its_summary_from_the_cache(manager, team, idle, worked_out):
    assert summary(manager) == (2, 1, 1, 1, [1, 0, 0])
    cache.delete(figures_module._KEY.format(team_id=team.pk))
    assert summary(manager) == (2, 1, 1, 1, [1, 0, 0])
    assert worked_out == [team.pk]


def test_a_lesson_completed_shows_at_once(manager, team, idle, lessons, worked_out):
    assert summary(manager) == (2, 1, 1, 1, [1, 0, 0])
    progress_mark_complete(user=idle, lesson=lessons[1])
    assert summary(manager) == (2, 1, 1, 0, [1, 1, 0])
    jo = row(team, "Jo Idle")
    assert (jo.lessons_completed, jo.inactive, jo.may_nudge) == (2, False, False)
    assert len(worked_out) == 2


def test_a_lesson_marked_not_complete_shows_at_once(manager, team, idle, lessons):
    # Completed before the other one: undoing it leaves every latest moment as it was.
    complete_lessons(idle, lessons[1:2], at=timezone.now() - timedelta(days=50))
    assert summary(manager)[-1] == [1, 1, 0]
    progress_mark_incomplete(user=idle, lesson=lessons[1])
    assert summary(manager)[-1] == [1, 0, 0]
    assert row(team, "Jo Idle").lessons_completed == 1


def test_a_lesson_opened_shows_at_once(manager, team, idle, lessons):
    assert row(team, "Jo Idle").inactive is True
    progress_record_view(user=idle, lesson=lessons[2])
    jo = row(team, "Jo Idle")
    assert (jo.inactive, jo.last_activity.date()) == (False, timezone.localdate())
    assert summary(manager)[3] == 0


def test_an_exercise_saved_and_submitted_shows_at_once(manager, team, idle, lessons, exercises):
    exercise = exercises[0]
    question = QuestionFactory(exercise=exercise)
    assert row(team, "Jo Idle").inactive is True
    answer_save(user=idle, exercise=exercise, question=question, text="Thinking", base_version=0)
    jo = row(team, "Jo Idle")
    assert (jo.inactive, jo.exercises_submitted) == (False, 0)
    response_submit(user=idle, exercise=exercise)
    assert row(team, "Jo Idle").exercises_submitted == 1
    # Reopened (the submission cleared), however it is done.
    ExerciseResponse.objects.filter(user=idle).update(submitted_at=None)
    assert row(team, "Jo Idle").exercises_submitted == 0


def test_a_reminder_sent_shows_at_once(manager, team, idle):
    jo = row(team, "Jo Idle")
    assert (jo.may_nudge, jo.last_nudged_at) == (True, None)
    nudges_send(manager=manager, team=team, member_ids=[idle.pk])
    jo = row(team, "Jo Idle")
    assert (jo.may_nudge, jo.nudged_recently, jo.nudge_note) == (False, True, "Reminded today")


def test_joining_leaving_and_moving_show_at_once(manager, team, organisation, idle, lessons):
    admin = UserFactory(team=None, organisation=organisation, role="organisation_admin")
    assert summary(manager)[0] == 2
    newcomer = UserFactory(team=team, full_name="New Comer")
    complete_lessons(newcomer, lessons)
    assert summary(manager) == (3, 1, 1, 1, [2, 1, 1])
    assert row(team, "New Comer").completion_status == "completed"
    member_team_set(admin=admin, person=idle, team=None)
    assert summary(manager) == (2, 1, 0, 0, [1, 1, 1])
    other = TeamFactory(organisation=organisation, name="Assessment")
    member_team_set(admin=admin, person=newcomer, team=other)
    assert summary(manager) == (1, 1, 0, 0, [0, 0, 0])
    assert [member.full_name for member in team_members(team=other)] == ["New Comer"]


def test_an_unverified_or_deactivated_member_leaves_the_figures_at_once(manager, team, idle):
    assert summary(manager)[0] == 2
    idle.emailaddress_set.update(verified=False)
    assert summary(manager)[0] == 1
    idle.emailaddress_set.update(verified=True)
    assert summary(manager)[0] == 2
    type(idle).objects.filter(pk=idle.pk).update(is_active=False)
    assert summary(manager)[0] == 1


def test_a_name_changed_shows_at_once(team, idle):
    assert row(team, "Jo Idle").pk == idle.pk
    type(idle).objects.filter(pk=idle.pk).update(full_name="Jo Busy")
    assert row(team, "Jo Busy").pk == idle.pk


@pytest.mark.usefixtures("exercises")
def test_a_lesson_archived_or_added_shows_at_once(manager, team, idle, lessons, trainer):
    complete_lessons(idle, lessons[1:])
    assert row(team, "Jo Idle").completion_status == "in_progress"  # exercises left
    jo = row(team, "Jo Idle")
    assert (jo.lessons_completed, jo.percent_done) == (3, 37)  # 3 of 3 lessons, 0 of 5
    lesson_archive(lesson=lessons[0], actor=trainer)
    jo = row(team, "Jo Idle")
    assert (jo.lessons_completed, jo.percent_done) == (2, 28)  # 2 of 2 lessons, 0 of 5
    assert len(summary(manager)[-1]) == 2
    LessonFactory(title="A new lesson")
    jo = row(team, "Jo Idle")
    assert (jo.lessons_completed, jo.percent_done) == (2, 25)  # 2 of 3 lessons, 0 of 5
    assert summary(manager)[-1] == [1, 1, 0]


@pytest.mark.usefixtures("exercises")
def test_an_exercise_added_shows_at_once(team, idle, lessons):
    complete_lessons(idle, lessons[1:])
    assert row(team, "Jo Idle").percent_done == 37
    ExerciseFactory(lesson=lessons[0])
    assert row(team, "Jo Idle").percent_done == 33  # 3 of 9


def test_time_passing_is_read_at_each_request(manager, team, idle, settings, worked_out):
    """Inactive and "reminded recently" depend on the day, not on the data: they are
    worked out from the kept moments each time, so they change with nothing changed."""
    settings.TEAM_INACTIVE_DAYS = 50
    assert (row(team, "Jo Idle").inactive, summary(manager)[3]) == (False, 0)
    settings.TEAM_INACTIVE_DAYS = 39
    assert (row(team, "Jo Idle").inactive, summary(manager)[3]) == (True, 1)
    assert worked_out == [team.pk]


@pytest.fixture
def other_team(organisation, lessons):
    """Another team of the same organisation, its own manager and a member who has
    completed every lesson."""
    other = TeamFactory(organisation=organisation, name="Assessment")
    other.other_manager = UserFactory(team=other, role="team_manager", full_name="Rowan Green")
    other.managers.add(other.other_manager)
    complete_lessons(UserFactory(team=other, full_name="Kim Other"), lessons)
    return other


def test_each_team_has_its_own_figures(client, manager, team, idle, other_team):
    assert summary(manager) == (2, 1, 1, 1, [1, 0, 0])
    assert summary(other_team.other_manager) == (2, 1, 0, 0, [1, 1, 1])
    assert {m.full_name for m in team_members(team=team)} == {"Priya Shah", "Jo Idle"}
    assert {m.full_name for m in team_members(team=other_team)} == {"Rowan Green", "Kim Other"}
    # The other team's page is still refused, with its figures in the cache.
    second_factor_for(manager)
    client.force_login(manager)
    assert client.get(reverse("team_progress:team", args=[other_team.pk])).status_code == 404
    assert client.get(reverse("team_progress:team_csv", args=[other_team.pk])).status_code == 404
    page = client.get(reverse("team_progress:team", args=[team.pk])).content.decode()
    assert "Jo Idle" in page
    assert "Kim Other" not in page


def test_the_cache_keeps_figures_by_account_id_never_names(team, idle):
    team_members(team=team)
    fingerprint, kept = cache.get(figures_module._KEY.format(team_id=team.pk))
    assert set(kept.members) == {idle.pk, *team.members.values_list("pk", flat=True)}
    assert "Jo Idle" not in repr((fingerprint, kept))
    assert idle.email not in repr((fingerprint, kept))


def test_figures_kept_from_another_state_are_not_used(team, idle, lessons):
    """A kept entry is used only at the fingerprint it was worked out at."""
    assert row(team, "Jo Idle").lessons_completed == 1
    key = figures_module._KEY.format(team_id=team.pk)
    fingerprint, kept = cache.get(key)
    progress_mark_complete(user=idle, lesson=lessons[1])
    assert row(team, "Jo Idle").lessons_completed == 2
    # Put the old entry back, as a slower server might: its fingerprint no longer
    # matches, so it is not read.
    cache.set(key, (fingerprint, kept))
    assert row(team, "Jo Idle").lessons_completed == 2


def test_someone_who_leaves_while_the_figures_are_worked_out_is_left_out(
    monkeypatch, manager, team, idle
):
    """Read as a member, gone by the time the figures are worked out (unverified,
    deactivated or moved in between): left out of the page rather than failing it."""
    original = figures_module._worked_out

    def without_jo(team_id, totals):
        members = original(team_id, totals)
        del members[idle.pk]
        return members

    monkeypatch.setattr(figures_module, "_worked_out", without_jo)
    assert [member.full_name for member in team_members(team=team)] == ["Priya Shah"]
    cache.clear()
    assert summary(manager)[:3] == (1, 1, 0)


def test_a_manager_of_two_teams_sees_each_with_its_own_figures(
    manager, team, idle, other_team, lessons, worked_out
):
    other_team.managers.add(manager)

    def both():
        return {
            summary.team.name: (summary.members, summary.completed, summary.inactive)
            for summary in team_summaries(manager=manager, course=course_get())
        }

    assert both() == {"Children in Care": (2, 0, 1), "Assessment": (2, 1, 0)}
    progress_mark_complete(user=idle, lesson=lessons[1])  # only the first team changes
    assert both() == {"Children in Care": (2, 0, 0), "Assessment": (2, 1, 0)}
    assert sorted(worked_out) == sorted([team.pk, other_team.pk, team.pk])


def test_a_summary_read_once_is_used_again_without_asking_the_cache(
    manager, team, idle, lessons, monkeypatch
):
    assert summary(manager) == (2, 1, 1, 1, [1, 0, 0])

    def unreachable(*_args, **_kwargs):
        raise AssertionError("the cache was asked for the summary")

    monkeypatch.setattr(figures_module.cache, "get_many", unreachable)
    assert summary(manager) == (2, 1, 1, 1, [1, 0, 0])  # the same stamp: kept here
    monkeypatch.undo()
    complete_lessons(idle, lessons[1:2])  # a new stamp: the summary kept here is not used
    assert summary(manager) == (2, 1, 1, 0, [1, 1, 0])


def test_a_summary_kept_here_ends_when_the_cache_would_drop_it(
    manager, team, idle, settings, worked_out
):
    settings.TEAM_FIGURES_CACHE_SECONDS = 0
    assert summary(manager) == (2, 1, 1, 1, [1, 0, 0])
    cache.clear()
    assert summary(manager) == (2, 1, 1, 1, [1, 0, 0])
    assert worked_out == [team.pk, team.pk]
