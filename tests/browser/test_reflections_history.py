"""An answer's history in a real browser: deleting one earlier version and deleting all
of them, by keyboard, checked with axe, and without JavaScript."""

import pytest
from playwright.sync_api import expect

from modules.models import Question
from reflections.models import AnswerVersion
from reflections.services.answers import answer_save

pytestmark = pytest.mark.django_db(transaction=True)

KEY = "individual-responsibilities"
HISTORY = f"/reflections/exercises/1/answers/{KEY}/history/"


@pytest.fixture
def saved_three_times(course_content, practitioner):
    question = Question.objects.get(exercise__number=1, key=KEY)
    texts = ["I told Child X's teacher", "I told the teacher", "I told the teacher and my manager"]
    for base, text in enumerate(texts):
        answer_save(
            user=practitioner,
            exercise=question.exercise,
            question=question,
            text=text,
            base_version=base,
        )


def tab_to(page, locator, limit=80):
    """Press Tab until `locator` has the focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if locator.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError("Never reached by Tab")


def remaining():
    return list(AnswerVersion.objects.values_list("version", flat=True))


def test_deleting_a_version_by_keyboard(
    saved_three_times, practitioner, new_page, assert_accessible
):
    page = new_page(practitioner)
    page.goto(HISTORY)
    assert_accessible(page)

    tab_to(page, page.get_by_role("link", name="Delete version 1"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete version 1 of your answer?")
    expect(page.get_by_text("I told Child X's teacher")).to_be_visible()
    assert_accessible(page)

    tab_to(page, page.get_by_role("button", name="Delete version 1"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Version 1 of your answer is deleted")
    expect(page.get_by_text("I told Child X's teacher")).to_have_count(0)
    assert_accessible(page)
    assert remaining() == [3, 2]


def test_deleting_every_earlier_version_by_keyboard(
    saved_three_times, practitioner, new_page, assert_accessible
):
    page = new_page(practitioner)
    page.goto(HISTORY)

    tab_to(page, page.get_by_role("link", name="delete all earlier versions"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Delete all earlier versions of your answer?"
    )
    assert_accessible(page)

    tab_to(page, page.get_by_role("button", name="Delete 2 earlier versions"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Your current answer is kept.")
    assert_accessible(page)
    assert remaining() == [3]


def test_cancelling_deletes_nothing(saved_three_times, practitioner, new_page):
    page = new_page(practitioner)
    page.goto(HISTORY)
    page.get_by_role("link", name="Delete version 2").click()

    page.get_by_role("link", name="Cancel and go back to the earlier versions").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Earlier versions of your answer")
    assert remaining() == [3, 2, 1]


def test_deleting_works_without_javascript(saved_three_times, practitioner, new_page):
    page = new_page(practitioner, java_script_enabled=False)
    page.goto(HISTORY)

    page.get_by_role("link", name="Delete version 2").click()
    page.get_by_role("button", name="Delete version 2").click()
    page.get_by_role("link", name="delete all earlier versions").click()
    page.get_by_role("button", name="Delete the earlier version").click()

    expect(page.get_by_role("status")).to_contain_text("1 earlier version of your answer deleted")
    assert remaining() == [3]
