"""Every page of the course itself has zero axe-core violations for WCAG 2.2 A and AA."""

import re

import pytest
from playwright.sync_api import expect

from modules.models import Lesson

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def check_all(assert_accessible):
    """check_all(page, paths): visit each path, then fail once listing every page with
    violations, so one bad page does not hide the others."""

    def check(page, paths):
        failures = []
        for path in paths:
            response = page.goto(path)
            assert response.url.endswith(path), f"{path} redirected to {response.url}"
            try:
                assert_accessible(page)
            except AssertionError as error:
                failures.append(str(error))
        assert failures == [], "\n".join(failures)

    return check


def test_home_page_signed_out_has_no_violations(
    course_content, new_page, live_url, assert_accessible
):
    page = new_page()
    page.goto("/")
    expect(page.get_by_role("link", name="Create an account to start")).to_be_visible()
    assert_accessible(page)


def test_home_page_signed_in_has_no_violations(
    course_content, practitioner, new_page, live_url, assert_accessible
):
    page = new_page(practitioner)
    page.goto("/")
    expect(page.get_by_role("link", name=re.compile("^Start the course"))).to_be_visible()
    assert_accessible(page)


def test_every_lesson_page_has_no_violations(course_content, practitioner, new_page, check_all):
    paths = [lesson.get_absolute_url() for lesson in Lesson.objects.in_order()]
    assert len(paths) == 17
    check_all(new_page(practitioner), paths)


def test_completed_lesson_page_has_no_violations(
    course_content, practitioner, new_page, live_url, assert_accessible
):
    page = new_page(practitioner)
    page.goto("/lessons/defining-cse/")
    page.get_by_role("button", name="Mark complete and continue").click()

    expect(page.get_by_role("status")).to_contain_text("marked complete")
    assert_accessible(page)
    page.goto("/lessons/defining-cse/")
    expect(page.get_by_role("button", name="Mark as not complete")).to_be_visible()
    page.locator(".lesson-contents > summary").click()
    expect(page.locator(".lesson-contents [aria-current=page]")).to_be_visible()
    assert_accessible(page)


def test_not_found_page_has_no_violations(
    course_content, practitioner, new_page, live_url, assert_accessible
):
    page = new_page(practitioner)
    response = page.goto("/lessons/no-such-lesson/")

    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    assert_accessible(page)
