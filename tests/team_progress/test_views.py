"""The team managers' pages: what they show, sorting, filtering, searching, pages."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from tests.factories import LessonProgressFactory, TeamFactory, UserFactory, second_factor_for
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


def test_a_lesson_taken_out_of_the_course_leaves_the_figures(
    manager_client, member_factory, lessons, exercises
):
    """Lesson 2 is archived after people completed it: it leaves the chart, and someone
    who completed everything else has completed the course."""
    now = timezone.now()
    everything = member_factory(full_name="Everything")
    complete_lessons(everything, lessons)
    for exercise in exercises:
        ExerciseResponseFactory(user=everything, exercise=exercise, submitted_at=now)
    all_but_two = member_factory(full_name="All but lesson 2")
    complete_lessons(all_but_two, [lessons[0], lessons[2]])
    for exercise in exercises:
        ExerciseResponseFactory(user=all_but_two, exercise=exercise, submitted_at=now)
    only_two = member_factory(full_name="Only lesson 2")
    complete_lessons(only_two, lessons[1:2])
    response = manager_client.get(reverse("team_progress:dashboard"))
    summary = response.context["summaries"][0]
    assert (summary.not_started, summary.in_progress, summary.completed) == (1, 2, 1)

    lessons[1].archived_at = now
    lessons[1].save()

    response = manager_client.get(reverse("team_progress:dashboard"))
    assert response.status_code == 200
    summary = response.context["summaries"][0]
    # The manager has not started; "Only lesson 2" began the course, so is in progress.
    assert (summary.not_started, summary.in_progress, summary.completed) == (1, 1, 2)
    bars = [(lesson.title, count) for lesson, count, _ in summary.chart_bars()]
    assert bars == [("Lesson 1", 2), ("Lesson 3", 2)]
    table = manager_client.get(team_url(summary.team, "?sort=name"))
    assert table.status_code == 200
    rows = {m.full_name: (m.lessons_completed, m.completion_status) for m in table.context["page"]}
    assert rows["All but lesson 2"] == (2, "completed")
    assert rows["Only lesson 2"] == (0, "in_progress")


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
    member_url = reverse("team_progress:member", args=[team.pk, member.pk])
    assert f'<a href="{member_url}">Jo Bloggs</a>' in body


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


# --- Reminders (nudges) -------------------------------------------------------------------


def nudge_url(team):
    return reverse("team_progress:nudge", args=[team.pk])


@pytest.fixture
def behind_and_busy(team, member_factory, lessons):
    """Jo Idle (inactive), Jo Waiting (not started) and Jo Busy (active)."""
    idle = member_factory(full_name="Jo Idle")
    complete_lessons(idle, lessons[:1], at=timezone.now() - timedelta(days=31))
    waiting = member_factory(full_name="Jo Waiting")
    busy = member_factory(full_name="Jo Busy")
    complete_lessons(busy, lessons[:1])
    return idle, waiting, busy


def test_team_table_has_a_labelled_checkbox_for_those_who_may_be_reminded(
    manager_client, team, behind_and_busy
):
    idle, waiting, busy = behind_and_busy
    body = manager_client.get(team_url(team)).content.decode()
    assert f'<form method="post" action="{nudge_url(team)}">' in body
    assert "csrfmiddlewaretoken" in body
    for member in (idle, waiting):
        assert f'value="{member.pk}" id="nudge-{member.pk}">' in body
        assert (
            f'<label class="visually-hidden" for="nudge-{member.pk}">Remind {member.full_name}<'
            in body
        )
    assert f'id="nudge-{busy.pk}"' not in body
    assert "Remind Jo Busy" not in body
    assert '<th scope="col">Last reminded</th>' in body
    assert ">Send reminder</button>" in body


def test_sending_reminders_returns_to_the_table_as_it_was(manager_client, team, behind_and_busy):
    idle, waiting, _busy = behind_and_busy
    response = manager_client.post(
        nudge_url(team),
        {"member": [idle.pk, waiting.pk], "back": "status=inactive&sort=name&evil=1&page=1"},
    )
    assert response.status_code == 302
    assert response.url == team_url(team, "?status=inactive&sort=name&page=1")
    page = manager_client.get(response.url)
    assert "Reminder sent to 2 people." in page.content.decode()


def test_the_table_says_who_was_reminded_and_when(manager_client, team, behind_and_busy):
    idle, waiting, _busy = behind_and_busy
    manager_client.post(nudge_url(team), {"member": [idle.pk]})
    body = manager_client.get(team_url(team)).content.decode()
    assert f'id="nudge-{idle.pk}"' not in body
    assert f'id="nudge-{waiting.pk}"' in body
    assert "Reminded today" in body
    assert f"<td>{timezone.localdate().strftime('%-d %b %Y')}</td>" in body


def test_sending_with_nobody_ticked_says_so(manager_client, team, behind_and_busy):
    response = manager_client.post(nudge_url(team), {"back": "q=jo"}, follow=True)
    assert response.redirect_chain == [(team_url(team, "?q=jo"), 302)]
    assert "Tick at least one person to send a reminder to." in response.content.decode()


def test_sending_to_someone_not_due_a_reminder_says_so(manager_client, team, behind_and_busy):
    _idle, _waiting, busy = behind_and_busy
    response = manager_client.post(nudge_url(team), {"member": [busy.pk]}, follow=True)
    body = response.content.decode()
    assert "No reminder sent to 1 person" in body
    assert "Reminder sent" not in body


def test_sending_to_someone_outside_the_team_is_refused_and_audited(
    manager_client, manager, team, organisation, behind_and_busy
):
    idle = behind_and_busy[0]
    outsider = UserFactory(team=TeamFactory(organisation=organisation))
    response = manager_client.post(nudge_url(team), {"member": [idle.pk, outsider.pk]})
    assert response.status_code == 404
    refused = AuditEvent.objects.get(actor=manager, action="team_progress.refused")
    assert refused.detail == {"team_id": team.pk, "member_ids": [outsider.pk]}
    assert not AuditEvent.objects.filter(action="team_progress.nudged").exists()


def test_another_managers_team_cannot_be_sent_reminders(
    manager_client, manager, organisation, member_factory, lessons
):
    other = TeamFactory(organisation=organisation)
    member = member_factory(team=other)
    response = manager_client.post(nudge_url(other), {"member": [member.pk]})
    assert response.status_code == 404
    refused = AuditEvent.objects.get(actor=manager, action="team_progress.refused")
    assert refused.detail == {"team_id": other.pk}


def test_sending_reminders_is_post_only_and_needs_the_csrf_token(manager, team, behind_and_busy):
    second_factor_for(manager)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(manager)
    assert strict.get(nudge_url(team)).status_code == 405
    assert strict.post(nudge_url(team), {"member": [behind_and_busy[0].pk]}).status_code == 403
    assert not AuditEvent.objects.filter(action="team_progress.nudged").exists()


def test_sending_reminders_needs_a_second_factor(client, manager, team, behind_and_busy):
    client.force_login(manager)
    response = client.post(nudge_url(team), {"member": [behind_and_busy[0].pk]})
    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")
    assert not AuditEvent.objects.filter(action="team_progress.nudged").exists()


def test_member_page_offers_a_reminder_and_returns_to_it(manager_client, team, behind_and_busy):
    idle = behind_and_busy[0]
    member_url = reverse("team_progress:member", args=[team.pk, idle.pk])
    body = manager_client.get(member_url).content.decode()
    assert "Last reminded: never." in body
    assert "Send a reminder to Jo Idle</button>" in body
    response = manager_client.post(
        nudge_url(team), {"member": [idle.pk], "back": "member"}, follow=True
    )
    assert response.redirect_chain == [(member_url, 302)]
    body = response.content.decode()
    assert "Reminder sent to Jo Idle." in body
    assert "(reminded today)." in body
    assert "Send a reminder to" not in body


def test_member_page_has_no_reminder_for_someone_active(manager_client, team, behind_and_busy):
    busy = behind_and_busy[2]
    body = manager_client.get(reverse("team_progress:member", args=[team.pk, busy.pk])).content
    assert b"Last reminded: never." in body
    assert b"Send a reminder to" not in body


@pytest.mark.parametrize("value", ["abc", "0", "-3", str(2**63), "1.5"])
def test_sending_with_an_unreadable_id_says_so(manager_client, team, behind_and_busy, value):
    response = manager_client.post(nudge_url(team), {"member": [value]}, follow=True)
    assert response.status_code == 200
    assert "Tick the people to remind in the table, then send." in response.content.decode()
    assert not AuditEvent.objects.filter(action="team_progress.nudged").exists()


def test_sending_to_more_than_a_page_of_people_at_once_is_refused(manager_client, team):
    response = manager_client.post(nudge_url(team), {"member": list(range(1, 52))}, follow=True)
    assert "Send reminders to at most 50 people at once." in response.content.decode()


@pytest.mark.parametrize("back", ["https://elsewhere.example/", "//elsewhere.example", "member"])
def test_sending_returns_only_to_the_managers_pages(manager_client, team, behind_and_busy, back):
    idle, waiting, _busy = behind_and_busy
    response = manager_client.post(nudge_url(team), {"member": [idle.pk, waiting.pk], "back": back})
    assert response.status_code == 302
    assert response.url == team_url(team)
