"""The team managers' pages: what they show, sorting, filtering, searching, pages."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from tests.factories import LessonProgressFactory, TeamFactory
from tests.reflections.factories import ExerciseResponseFactory

from .conftest import complete_lessons

pytestmark = pytest.mark.django_db


def team_url(team, query=""):
    return reverse("team_progress:team", args=[team.pk]) + query


def test_dashboard_counts_members_by_status(
    manager_client, team, member_factory, lessons, exercises
):
    now = timezone.now()
    done = member_factory()
    complete_lessons(done, lessons)
    for exercise in exercises:
        ExerciseResponseFactory(user=done, exercise=exercise, submitted_at=now)
    complete_lessons(member_factory(), lessons[:1])
    stale = member_factory()
    complete_lessons(stale, lessons[:1], at=now - timedelta(days=30))
    member_factory(verified=False)  # not counted: address not verified
    response = manager_client.get(reverse("team_progress:dashboard"))
    assert response.status_code == 200
    summary = response.context["summaries"][0]
    # The manager is in the team too and has not started.
    assert (summary.not_started, summary.in_progress, summary.completed) == (1, 2, 1)
    assert summary.inactive == 1
    assert "Inactive for 30 days or more" in response.content.decode()


def test_dashboard_charts_members_per_lesson_in_order(manager_client, member_factory, lessons):
    complete_lessons(member_factory(), lessons[:2])
    complete_lessons(member_factory(), lessons[:1])
    response = manager_client.get(reverse("team_progress:dashboard"))
    bars = [
        (lesson.title, count) for lesson, count, _ in response.context["summaries"][0].chart_bars()
    ]
    assert bars == [("Lesson 1", 2), ("Lesson 2", 1), ("Lesson 3", 0)]
    assert '<th scope="row">Lesson 1</th><td>2</td>' in response.content.decode()


def test_dashboard_shows_only_managed_teams(manager_client, team, organisation):
    other = TeamFactory(organisation=organisation, name="Fostering")
    response = manager_client.get(reverse("team_progress:dashboard"))
    assert team.name in response.content.decode()
    assert other.name not in response.content.decode()


def test_team_table_columns_and_figures(manager_client, team, member_factory, lessons, exercises):
    member = member_factory(full_name="Jo Bloggs", job_role="Family support worker")
    complete_lessons(member, lessons[:2])
    ExerciseResponseFactory(user=member, exercise=exercises[0], submitted_at=timezone.now())
    body = manager_client.get(team_url(team)).content.decode()
    assert "<caption" in body
    assert '<th scope="col"' in body
    assert "Family support worker" in body
    assert "2 of 3" in body
    assert "1 of 5" in body
    assert "37%" in body


def test_team_table_sorts_by_a_column_and_marks_it(manager_client, team, member_factory, lessons):
    complete_lessons(member_factory(full_name="Aaron Few"), lessons[:1])
    complete_lessons(member_factory(full_name="Zoe Many"), lessons)
    response = manager_client.get(team_url(team, "?sort=lessons&order=desc"))
    names = [member.full_name for member in response.context["page"]]
    assert names[:2] == ["Zoe Many", "Aaron Few"]
    body = response.content.decode()
    assert 'aria-sort="descending"><a href="?sort=lessons&amp;order=asc">Lessons completed' in body
    assert body.count("aria-sort=") == 1


def test_team_table_filters_by_status_and_searches_by_name(
    manager_client, team, member_factory, lessons
):
    complete_lessons(member_factory(full_name="Jo Started"), lessons[:1])
    member_factory(full_name="Jo Waiting")
    response = manager_client.get(team_url(team, "?status=in_progress"))
    assert [m.full_name for m in response.context["page"]] == ["Jo Started"]
    response = manager_client.get(team_url(team, "?q=waiting"))
    assert [m.full_name for m in response.context["page"]] == ["Jo Waiting"]


def test_team_table_has_fifty_a_page(manager_client, team, member_factory):
    for n in range(55):
        member_factory(full_name=f"Member {n:02}")
    response = manager_client.get(team_url(team, "?page=2"))
    assert len(response.context["page"].object_list) == 6  # 55 and the manager
    assert "Page 2 of 2" in response.content.decode()


def test_member_page_shows_dates_of_lessons_and_exercises(
    manager_client, team, member_factory, lessons, exercises
):
    member = member_factory(full_name="Jo Bloggs")
    when = timezone.now().replace(year=2026, month=3, day=4)
    LessonProgressFactory(user=member, lesson=lessons[0], last_viewed_at=when, completed_at=when)
    ExerciseResponseFactory(user=member, exercise=exercises[0], submitted_at=when)
    response = manager_client.get(reverse("team_progress:member", args=[team.pk, member.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count("4 Mar 2026") == 2
    assert "1 of 3 lessons completed and 1 of 5 exercises submitted" in body


def test_each_page_is_recorded_in_the_audit_trail(manager_client, manager, team, member_factory):
    member = member_factory()
    manager_client.get(team_url(team))
    manager_client.get(reverse("team_progress:member", args=[team.pk, member.pk]))
    manager_client.get(reverse("team_progress:team_csv", args=[team.pk]))
    events = AuditEvent.objects.filter(actor=manager).order_by("pk")
    assert [(e.action, e.target_id) for e in events] == [
        ("team_progress.team_viewed", str(team.pk)),
        ("team_progress.member_viewed", str(member.pk)),
        ("team_progress.csv_downloaded", str(team.pk)),
    ]


def test_header_links_to_my_teams_for_managers_only(manager_client, client, practitioner):
    assert "My teams" in manager_client.get(reverse("modules:home")).content.decode()
    client.force_login(practitioner)
    assert "My teams" not in client.get(reverse("modules:home")).content.decode()


def test_pages_need_a_second_factor(client, manager, team):
    client.force_login(manager)
    response = client.get(reverse("team_progress:dashboard"))
    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")


def test_job_role_column_is_left_out_when_nobody_has_one(
    manager_client, manager, team, member_factory
):
    manager.job_role = ""
    manager.save()
    member_factory(job_role="")
    body = manager_client.get(team_url(team)).content.decode()
    assert "Lessons completed" in body
    assert "Job role" not in body


def test_inactive_filter_lists_those_idle_for_the_set_days(
    manager_client, team, member_factory, lessons
):
    complete_lessons(
        member_factory(full_name="Jo Idle"), lessons[:1], at=timezone.now() - timedelta(days=31)
    )
    complete_lessons(member_factory(full_name="Jo Busy"), lessons[:1])
    response = manager_client.get(team_url(team, "?status=inactive"))
    assert [m.full_name for m in response.context["page"]] == ["Jo Idle"]
