"""A team's section of My teams, kept as rendered by what it shows ({% kept %} with
`TeamSummary.fingerprint`)."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from modules.models import Course, Lesson

from .conftest import complete_lessons

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def course_row(db):
    """Fragments are kept for a course content version, which the course row holds."""
    return Course.objects.create(title="A course", summary="s", audience="a", source_citation="c")


def dashboard(client):
    return client.get(reverse("team_progress:dashboard")).content.decode()


def section(summary):
    """The section rendered afresh, as it was before it was kept."""
    return render_to_string(
        "team_progress/_team_summary.html", {"summary": summary, "inactive_days": 14}
    )


def test_the_kept_section_is_the_section_rendered_afresh(
    manager_client, member_factory, lessons, settings
):
    settings.TEAM_INACTIVE_DAYS = 14
    complete_lessons(member_factory(), lessons[:2])
    dashboard(manager_client)  # rendered and kept
    response = manager_client.get(reverse("team_progress:dashboard"))  # kept
    [summary] = response.context["summaries"]
    assert section(summary).strip() in response.content.decode()


def test_a_changed_name_figure_or_lesson_title_shows_at_once(
    manager_client, team, member_factory, lessons
):
    member = member_factory()
    assert "Lesson 1</th><td>0</td>" in dashboard(manager_client)
    complete_lessons(member, lessons[:1])
    assert "Lesson 1</th><td>1</td>" in dashboard(manager_client)
    team.name = "Renamed team"
    team.save()
    assert "Members of Renamed team who" in dashboard(manager_client)
    Lesson.objects.filter(pk=lessons[0].pk).update(title="Retitled")
    assert "Retitled</th><td>1</td>" in dashboard(manager_client)
