"""The course home and lesson pages, as a reader sees them."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from modules.models import Lesson, LessonProgress

pytestmark = pytest.mark.django_db(transaction=True)


def outline_item(page, title):
    return page.locator(".course-outline li").filter(has_text=title)


def test_home_shows_each_lesson_state_progress_and_where_to_continue(
    course_content, practitioner, new_page
):
    first, second, third = Lesson.objects.in_order()[:3]
    now = timezone.now()
    LessonProgress.objects.create(
        user=practitioner, lesson=first, last_viewed_at=now, completed_at=now
    )
    LessonProgress.objects.create(
        user=practitioner, lesson=second, last_viewed_at=now + timedelta(minutes=5)
    )
    page = new_page(practitioner)
    page.goto("/")

    expect(outline_item(page, first.title)).to_contain_text("Completed")
    expect(outline_item(page, second.title)).to_contain_text("In progress")
    expect(outline_item(page, third.title)).to_contain_text("Not started")
    expect(page.get_by_text("1 of 17 lessons completed (6%).")).to_be_visible()
    expect(page.locator("progress").first).to_have_attribute("value", "6")
    page.get_by_role("link", name=re.compile("^Continue where you left off")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(second.title)


def test_new_reader_is_offered_the_first_lesson(course_content, practitioner, new_page):
    page = new_page(practitioner)
    page.goto("/")

    page.get_by_role("link", name=re.compile("^Start the course")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("About this course")


def test_lesson_shows_its_exercise_and_every_question(course_content, practitioner, new_page):
    page = new_page(practitioner)
    page.goto("/lessons/your-role-and-responsibilities/")

    exercise = page.get_by_role("region", name=re.compile("^Reflective exercise 1:"))
    expect(exercise).to_be_visible()
    questions = exercise.locator(".exercise-questions > li")
    expect(questions).to_have_count(5)
    expect(questions.nth(0)).to_contain_text("Set out your own responsibilities")
    expect(questions.nth(3)).to_contain_text("With your colleague")
    expect(questions.nth(0)).not_to_contain_text("With your colleague")


def test_lesson_shows_the_resource_box_as_a_call_out(course_content, practitioner, new_page):
    page = new_page(practitioner)
    page.goto("/lessons/defining-cse/")

    box = page.locator(".admonition.box").filter(has_text="Box 1: Key terminology")
    expect(box).to_be_visible()
    expect(box).to_contain_text("child/children")


def test_previous_and_next_links_follow_the_reading_order(course_content, practitioner, new_page):
    first, second, third = Lesson.objects.in_order()[:3]
    page = new_page(practitioner)
    page.goto(first.get_absolute_url())
    pager = page.get_by_role("navigation", name="Previous and next lesson")
    expect(pager.get_by_role("link", name=re.compile("^Previous"))).to_have_count(0)

    pager.get_by_role("link", name=re.compile("^Next")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(second.title)
    pager.get_by_role("link", name=re.compile("^Next")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(third.title)
    pager.get_by_role("link", name=re.compile("^Previous")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(second.title)


def test_last_lesson_has_no_next_link(course_content, practitioner, new_page):
    last = Lesson.objects.in_order().last()
    page = new_page(practitioner)
    page.goto(last.get_absolute_url())

    pager = page.get_by_role("navigation", name="Previous and next lesson")
    expect(pager.get_by_role("link", name=re.compile("^Previous"))).to_have_count(1)
    expect(pager.get_by_role("link", name=re.compile("^Next"))).to_have_count(0)


def test_completed_lesson_can_be_marked_not_complete_again(course_content, practitioner, new_page):
    page = new_page(practitioner)
    page.goto("/lessons/defining-cse/")
    page.get_by_role("button", name="Mark complete and continue").click()
    expect(page).to_have_url(re.compile("/lessons/key-features-of-cse/$"))
    page.goto("/lessons/defining-cse/")
    expect(page.locator(".lesson-state")).to_have_text("Completed")
    expect(page.get_by_text("1 of 17 lessons completed").first).to_be_attached()

    page.get_by_role("button", name="Mark as not complete").click()

    expect(page.get_by_role("status")).to_contain_text("marked as not complete")
    expect(page.locator(".lesson-state")).to_have_text("In progress")
    expect(page.get_by_text("0 of 17 lessons completed").first).to_be_attached()
    # Back where the button was, not at the top of the long lesson.
    expect(page).to_have_url(re.compile("#lesson-end$"))
    expect(page.locator("#lesson-end")).to_be_in_viewport()
    assert page.evaluate("window.scrollY") > 0


def test_outline_beside_a_lesson_marks_the_current_lesson(course_content, practitioner, new_page):
    page = new_page(practitioner)
    page.goto("/lessons/defining-cse/")

    current = page.get_by_role("complementary").locator("[aria-current=page]")

    expect(current).to_have_text("Defining CSE")
