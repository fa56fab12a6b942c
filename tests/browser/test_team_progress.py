"""A team manager's pages in the browser: My teams, sorting and filtering the team table,
a member's page, the CSV and sending a reminder, by mouse and by keyboard alone, with no
axe-core violations."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from modules.models import Lesson
from team_progress.models import Nudge
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


def tab_to(page, target, *, limit=80):
    """Press Tab until `target` has the focus, as someone with only a keyboard would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {target}")


@pytest.fixture
def team_with_someone_idle(team_with_progress):
    lessons = list(Lesson.objects.order_by("order")[:1])
    idle = UserFactory(team=team_with_progress, full_name="Dan Idle")
    long_ago = timezone.now() - timedelta(days=40)
    for lesson in lessons:
        LessonProgressFactory(
            user=idle, lesson=lesson, last_viewed_at=long_ago, completed_at=long_ago
        )
    return team_with_progress


def test_a_manager_follows_their_team_and_reminds_someone_with_the_keyboard_alone(
    manager, team_with_someone_idle, new_page, assert_accessible
):
    page = new_page(manager, accept_downloads=True)
    page.goto("/team-progress/")
    assert_accessible(page)

    tab_to(page, page.get_by_role("link", name="Children in Care"))
    page.keyboard.press("Enter")
    table = page.get_by_role("table", name=re.compile("Members of Children in Care"))
    expect(table).to_be_visible()
    assert_accessible(page)

    header = page.get_by_role("columnheader", name=re.compile("Lessons completed"))
    expect(header).not_to_have_attribute("aria-sort", re.compile(".*"))
    tab_to(page, header.get_by_role("link"))
    page.keyboard.press("Enter")
    expect(header).to_have_attribute("aria-sort", "ascending")
    tab_to(page, header.get_by_role("link"))
    page.keyboard.press("Enter")
    expect(header).to_have_attribute("aria-sort", "descending")
    expect(table.get_by_role("row").nth(1)).to_contain_text("Ben Most")

    # The status filter is a GET form: choose "Inactive" by typing, then press Show.
    status = page.get_by_label("Status")
    tab_to(page, status)
    page.keyboard.type("Inactive")
    expect(status).to_have_value("inactive")
    tab_to(page, page.get_by_role("button", name="Show"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"status=inactive"))
    expect(table.get_by_role("row")).to_have_count(2)
    expect(table).to_contain_text("Dan Idle")
    expect(header).to_have_attribute("aria-sort", "descending")
    assert_accessible(page)

    tab_to(page, page.get_by_role("link", name="Dan Idle"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Dan Idle")).to_be_visible()
    expect(page.get_by_text("Last reminded: never.")).to_be_visible()
    assert_accessible(page)
    # The browser's Back (Alt+Left is the browser's own shortcut, which Playwright's
    # keyboard does not reach): the filtered, sorted table as it was.
    page.go_back()
    expect(page).to_have_url(re.compile(r"status=inactive"))

    with page.expect_download() as download:
        tab_to(page, page.get_by_role("link", name=re.compile("Download this table")))
        page.keyboard.press("Enter")
    assert download.value.suggested_filename == f"team-{team_with_someone_idle.pk}-progress.csv"

    checkbox = page.get_by_role("checkbox", name="Remind Dan Idle")
    tab_to(page, checkbox)
    page.keyboard.press("Space")
    expect(checkbox).to_be_checked()
    tab_to(page, page.get_by_role("button", name="Send reminder"))
    page.keyboard.press("Enter")

    expect(page.get_by_role("status")).to_contain_text("Reminder sent to Dan Idle.")
    expect(page).to_have_url(re.compile(r"status=inactive"))
    expect(table).to_contain_text("Reminded today")
    expect(page.get_by_role("checkbox", name="Remind Dan Idle")).to_have_count(0)
    assert_accessible(page)
    assert Nudge.objects.filter(member__full_name="Dan Idle", sent_by=manager).count() == 1
