"""A team manager's pages in the browser: My teams, sorting and filtering the team table,
and a member's page, with no axe-core violations."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import LessonFactory, LessonProgressFactory, UserFactory, second_factor_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def team_with_progress(team, manager):
    second_factor_for(manager)
    lessons = [LessonFactory(title=f"Lesson {n}") for n in range(1, 4)]
    now = timezone.now()
    for name, done in (("Ann Few", 1), ("Ben Most", 3), ("Cat None", 0)):
        member = UserFactory(team=team, full_name=name)
        for lesson in lessons[:done]:
            LessonProgressFactory(user=member, lesson=lesson, last_viewed_at=now, completed_at=now)
    return team


def test_a_manager_follows_their_team_from_dashboard_to_member(
    manager, team_with_progress, new_page, assert_accessible
):
    page = new_page(manager)
    page.goto("/team-progress/")
    expect(page.get_by_role("heading", name="My teams")).to_be_visible()
    expect(page.get_by_role("table", name=re.compile("completed each lesson"))).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Children in Care").click()
    table = page.get_by_role("table", name=re.compile("Members of Children in Care"))
    expect(table).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Lessons completed").click()
    page.get_by_role("link", name="Lessons completed").click()
    header = page.get_by_role("columnheader", name=re.compile("Lessons completed"))
    expect(header).to_have_attribute("aria-sort", "descending")
    expect(table.get_by_role("row").nth(1)).to_contain_text("Ben Most")
    assert_accessible(page)

    page.get_by_label("Status").select_option("not_started")
    page.get_by_role("button", name="Show").click()
    expect(table.get_by_role("row")).to_have_count(3)  # Cat None and the manager
    assert_accessible(page)

    page.get_by_role("link", name="Cat None").click()
    expect(page.get_by_role("heading", name="Cat None")).to_be_visible()
    expect(page.get_by_role("table", name="Lessons")).to_contain_text("Not yet")
    assert_accessible(page)
