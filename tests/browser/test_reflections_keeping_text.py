"""Nothing typed is thrown away, in a real browser: a question removed or a share ended
between loading the page and saving, a save whose reply was lost, and a form posted
with a token that had expired (without JavaScript)."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from modules.models import Exercise, Question
from reflections.models import Answer, AnswerVersion, ExerciseResponse, Share
from reflections.services.sharing import share_end

pytestmark = pytest.mark.django_db(transaction=True)

EXERCISE = "/reflections/exercises/1/"
FIRST = "#answer-individual-responsibilities"
FIRST_STATUS = "#answer-individual-responsibilities-status"
SECOND = "#answer-action-if-concerned"
PAIR = "#answer-compare-answers"
PAIR_STATUS = "#answer-compare-answers-status"
AUTOSAVE_URL = "**/reflections/exercises/1/answers/individual-responsibilities/"


def type_into(page, selector, text):
    page.locator(selector).click()
    page.keyboard.type(text)


def retire(key):
    Question.objects.filter(key=key).update(retired=True, retired_at=timezone.now())


def today_in_words():
    return timezone.localdate().strftime("%-d %B %Y")


# --- A question removed since the page was loaded ----------------------------------------


def test_autosave_to_a_removed_question_says_when_and_keeps_the_text(
    course_content, practitioner, new_page
):
    page = new_page(practitioner)
    page.goto(EXERCISE)
    retire("individual-responsibilities")

    type_into(page, FIRST, "Words for a question that has gone")
    page.keyboard.press("Tab")

    expect(page.locator(FIRST_STATUS)).to_contain_text(
        f"This question was removed from the exercise on {today_in_words()}", timeout=15_000
    )
    expect(page.locator(FIRST)).to_have_value("Words for a question that has gone")
    assert not Answer.objects.exists()


def test_without_javascript_saving_a_removed_question_shows_the_text_and_why(
    course_content, practitioner, new_page
):
    page = new_page(practitioner, java_script_enabled=False)
    page.goto(EXERCISE)
    page.locator(FIRST).fill("Words for a question that has gone")
    page.locator(SECOND).fill("Words for a question still asked")
    retire("individual-responsibilities")

    page.get_by_role("button", name="Save", exact=True).click()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text(
        f"This question was removed from the exercise on {today_in_words()}"
    )
    expect(page.get_by_text("There were no changes to save")).to_have_count(0)
    expect(page.locator("#refused-individual-responsibilities")).to_have_value(
        "Words for a question that has gone"
    )
    assert Answer.objects.get().typed_text == "Words for a question still asked"


def test_submitting_with_a_removed_question_shows_the_text_and_why_accessibly(
    course_content, practitioner, new_page, assert_accessible
):
    page = new_page(practitioner)
    page.goto(EXERCISE)
    page.locator(FIRST).fill("Words for a question that has gone")
    retire("individual-responsibilities")

    page.get_by_role("button", name="Submit exercise 1").click()

    expect(page.get_by_role("alert")).to_contain_text("removed from the exercise")
    expect(page.locator("#refused-individual-responsibilities")).to_have_value(
        "Words for a question that has gone"
    )
    expect(page.get_by_text("You have submitted")).to_have_count(0)
    assert ExerciseResponse.objects.get(user=practitioner).submitted_at is None
    assert_accessible(page)


# --- A share ended since the page was loaded ----------------------------------------------


@pytest.fixture
def revealed_share(practitioner, colleague):
    """Sam and Alex have both submitted exercise 1 and compare answers."""
    exercise = Exercise.objects.get(number=1)
    for person in (practitioner, colleague):
        ExerciseResponse.objects.create(user=person, exercise=exercise, submitted_at=timezone.now())
    return Share.objects.create(
        owner=practitioner, colleague=colleague, exercise=exercise, status=Share.Status.ACCEPTED
    )


def test_a_pair_answer_typed_after_the_colleague_ended_the_share_is_kept(
    course_content, practitioner, colleague, revealed_share, new_page, assert_accessible
):
    page = new_page(practitioner)
    page.goto(EXERCISE)
    share_end(share=revealed_share, user=colleague)

    type_into(page, PAIR, "What we agreed before Alex ended it")
    page.keyboard.press("Tab")

    expect(page.locator(PAIR_STATUS)).to_contain_text("Saved at", timeout=15_000)
    assert Answer.objects.get(question__key="compare-answers").typed_text == (
        "What we agreed before Alex ended it"
    )
    page.reload()
    expect(page.locator("#answer-compare-answers-ended")).to_contain_text(
        "Alex Jones ended comparing answers"
    )
    expect(page.locator(PAIR)).to_have_value("What we agreed before Alex ended it")
    expect(page.locator(PAIR)).to_be_editable()
    assert_accessible(page)


# --- A save whose reply was lost ------------------------------------------------------------


def drop_the_first_reply(page):
    """The first autosave reaches the server and is handled, but its reply never reaches
    the page; later ones go through. Returns the statuses the server answered."""
    answered = []

    def handle(route):
        if not answered:
            response = route.fetch()
            answered.append(response.status)
            route.abort("connectionreset")
        else:
            response = route.fetch()
            answered.append(response.status)
            route.fulfill(response=response)

    page.route(AUTOSAVE_URL, handle)
    return answered


def test_a_save_sent_again_after_its_reply_was_lost_is_saved_without_a_conflict(
    course_content, practitioner, new_page
):
    page = new_page(practitioner)
    page.goto(EXERCISE)
    answered = drop_the_first_reply(page)

    type_into(page, FIRST, "Saved once, though the page never heard")
    page.keyboard.press("Tab")

    expect(page.locator(FIRST_STATUS)).to_contain_text("Saved at", timeout=15_000)
    assert answered == [200, 200]
    expect(page.locator("[data-conflict]")).to_have_count(0)
    answer = Answer.objects.get()
    assert (answer.typed_text, answer.version) == ("Saved once, though the page never heard", 1)
    assert AnswerVersion.objects.filter(answer=answer).count() == 1


def test_typing_on_after_a_lost_reply_saves_without_a_conflict(
    course_content, practitioner, new_page
):
    page = new_page(practitioner)
    page.goto(EXERCISE)
    answered = drop_the_first_reply(page)

    type_into(page, FIRST, "First part")
    page.keyboard.press("Tab")
    expect(page.locator(FIRST_STATUS)).to_contain_text("Not saved", timeout=15_000)
    type_into(page, FIRST, ", and more typed while it was retrying")
    page.keyboard.press("Tab")

    expect(page.locator(FIRST_STATUS)).to_contain_text("Saved at", timeout=15_000)
    expect(page.locator("[data-conflict]")).to_have_count(0)
    assert answered[0] == 200
    assert Answer.objects.get().typed_text == "First part, and more typed while it was retrying"


# --- A stale token without JavaScript --------------------------------------------------------


def test_without_javascript_a_stale_token_shows_the_text_and_a_button_that_saves_it(
    course_content, practitioner, password, new_context, sign_in_again_in_another_tab
):
    context = new_context(practitioner, java_script_enabled=False)
    exercise = context.new_page()
    exercise.goto(EXERCISE)

    # Signing out and in again in another tab replaces the CSRF token.
    sign_in_again_in_another_tab(context, practitioner, password)

    exercise.locator(FIRST).fill("Typed on a page sent before signing in again")
    exercise.get_by_role("button", name="Save", exact=True).click()

    expect(exercise.get_by_role("heading", level=1)).to_have_text("This page had expired")
    expect(exercise.get_by_label("Your answer to question 1")).to_have_value(
        "Typed on a page sent before signing in again"
    )
    assert not Answer.objects.exists()

    exercise.get_by_role("button", name="Save now").click()

    expect(exercise).to_have_url(re.compile(re.escape(EXERCISE) + r"\?saved=1#exercise-saved$"))
    expect(exercise.locator(".messages")).to_contain_text("Saved at")
    assert Answer.objects.get().typed_text == "Typed on a page sent before signing in again"


def test_the_expired_page_is_accessible(course_content, practitioner, new_page, assert_accessible):
    page = new_page(practitioner)
    # The script fetches a token before submitting: hand it one that is no longer valid.
    page.route("**/reflections/csrf-token/", lambda route: route.fulfill(json={"token": "x" * 64}))
    page.goto(EXERCISE)
    page.locator(FIRST).fill("Typed on a page that had expired")

    page.get_by_role("button", name="Submit exercise 1").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("This page had expired")
    expect(page.get_by_label("Your answer to question 1")).to_have_value(
        "Typed on a page that had expired"
    )
    assert_accessible(page)
