"""Answering an exercise in a real browser: autosave, signing in again without losing
text, two tabs, leaving with unsaved text, a lost connection, the length limit, storage,
accessibility and reflow."""

import re

import pytest
from django.contrib.sessions.models import Session
from playwright.sync_api import expect

from reflections.models import ANSWER_MAX_LENGTH, Answer, AnswerVersion, ExerciseResponse
from reflections.services.answers import answer_too_long_message

pytestmark = pytest.mark.django_db(transaction=True)

EXERCISE = "/reflections/exercises/1/"
FIRST = "#answer-individual-responsibilities"
FIRST_STATUS = "#answer-individual-responsibilities-status"
SECOND = "#answer-action-if-concerned"
EXACT_TEXT = "NUL\x00 עברית \u202eشكرا\u202c 👩\u200d👩\u200d👧\u200d👦 🏳️\u200d🌈 end"


def stored(key="individual-responsibilities"):
    return Answer.objects.get(question__key=key).typed_text


def type_into(page, selector, text):
    page.locator(selector).click()
    page.keyboard.type(text)


def expect_saved(page, status=FIRST_STATUS):
    expect(page.locator(status)).to_contain_text("Saved at", timeout=15_000)


def test_answer_saves_while_typing_and_is_there_after_reload(
    course_content, practitioner, new_page
):
    page = new_page(practitioner)
    page.goto(EXERCISE)
    type_into(page, FIRST, "I would talk to my manager first.")
    expect_saved(page)
    page.reload()
    expect(page.locator(FIRST)).to_have_value("I would talk to my manager first.")
    assert stored() == "I would talk to my manager first."


def test_a_missing_answer_error_goes_once_that_answer_saves(course_content, practitioner, new_page):
    page = new_page(practitioner)
    page.goto(EXERCISE)
    type_into(page, FIRST, "Only this one")
    expect_saved(page)
    page.get_by_role("button", name="Submit exercise 1").click()
    second_error = page.locator(f"{SECOND}-error")
    expect(second_error).to_have_text("Answer question 2 before you submit.")
    summary = page.locator("#error-summary")
    expect(summary.get_by_role("link", name="Answer question 2 before you submit.")).to_be_visible()
    items_before = summary.get_by_role("listitem").count()

    type_into(page, SECOND, "Now answered")
    expect_saved(page, f"{SECOND}-status")

    expect(second_error).to_have_count(0)
    expect(page.locator(SECOND)).not_to_have_attribute("aria-invalid", "true")
    expect(page.locator(SECOND)).not_to_have_class(re.compile(r"is-invalid"))
    if items_before > 1:
        expect(summary.get_by_role("listitem")).to_have_count(items_before - 1)
    else:
        expect(summary).to_have_count(0)


def test_leaving_the_field_saves_at_once(course_content, practitioner, new_page):
    page = new_page(practitioner)
    page.goto(EXERCISE)
    type_into(page, FIRST, "Saved on leaving")
    page.keyboard.press("Tab")
    expect_saved(page)
    assert stored() == "Saved on leaving"


def test_typing_writes_nothing_to_browser_storage(course_content, practitioner, new_page):
    page = new_page(practitioner)
    page.goto(EXERCISE)
    type_into(page, FIRST, "Nothing of this in storage")
    expect_saved(page)
    type_into(page, SECOND, "Nor this, unsaved")
    storage = page.evaluate("[localStorage.length, sessionStorage.length]")
    assert storage == [0, 0]


def test_exact_text_round_trips_through_the_page(course_content, practitioner, new_page):
    page = new_page(practitioner)
    page.goto(EXERCISE)
    page.locator(FIRST).evaluate(
        "(el, text) => { el.value = text; el.dispatchEvent(new Event('input')); el.blur(); }",
        EXACT_TEXT,
    )
    expect_saved(page)
    assert stored() == EXACT_TEXT
    page.reload()
    assert page.locator(FIRST).evaluate("el => el.value") == EXACT_TEXT


def test_signed_out_text_saves_after_signing_in_again_in_a_new_tab(
    course_content, practitioner, password, new_context
):
    context = new_context(practitioner)
    page = context.new_page()
    page.goto(EXERCISE)
    type_into(page, FIRST, "Before the session ended.")
    expect_saved(page)

    Session.objects.all().delete()
    type_into(page, FIRST, " Typed after it ended.")
    status = page.locator("[data-page-status]")
    expect(status).to_contain_text("You have been signed out", timeout=15_000)
    expect(page.locator(FIRST_STATUS)).to_contain_text("Not saved")
    expect(page.locator(FIRST)).to_have_value("Before the session ended. Typed after it ended.")

    with context.expect_page() as new_tab:
        status.get_by_role("link", name="Sign in again in a new tab").click()
    sign_in = new_tab.value
    sign_in.get_by_label("Email address").fill(practitioner.email)
    sign_in.get_by_label("Password").fill(password)
    sign_in.get_by_role("button", name="Sign in").click()
    expect(sign_in.get_by_role("heading", level=1)).to_have_text("You are signed in again")
    sign_in.close()

    expect(status).to_contain_text("You are signed in again", timeout=15_000)
    expect_saved(page)
    assert stored() == "Before the session ended. Typed after it ended."


def test_two_tabs_show_both_texts_and_keep_the_merge(
    course_content, practitioner, new_context, assert_accessible
):
    context = new_context(practitioner)
    first_tab, second_tab = context.new_page(), context.new_page()
    first_tab.goto(EXERCISE)
    second_tab.goto(EXERCISE)
    type_into(first_tab, FIRST, "From the first tab")
    expect_saved(first_tab)

    type_into(second_tab, FIRST, "From the second tab")
    conflict = second_tab.locator("[data-conflict]")
    expect(conflict).to_be_visible(timeout=15_000)
    expect(second_tab.locator(FIRST_STATUS)).to_contain_text("Not saved")
    expect(conflict.get_by_label("This tab's text")).to_have_value("From the second tab")
    expect(conflict.get_by_label("The saved text")).to_have_value("From the first tab")
    assert stored() == "From the first tab"
    assert_accessible(second_tab)

    merged = conflict.get_by_label("Combined text: edit it, then save it")
    merged.fill("From both tabs")
    conflict.get_by_role("button", name="Save the combined text").click()
    expect(conflict).to_have_count(0)
    expect_saved(second_tab)
    assert stored() == "From both tabs"
    history = [v.typed_text for v in AnswerVersion.objects.all()]
    assert history == ["From both tabs", "From the first tab"]


def test_two_tabs_keep_the_saved_text(course_content, practitioner, new_context):
    context = new_context(practitioner)
    first_tab, second_tab = context.new_page(), context.new_page()
    first_tab.goto(EXERCISE)
    second_tab.goto(EXERCISE)
    type_into(first_tab, FIRST, "Keep me")
    expect_saved(first_tab)
    type_into(second_tab, FIRST, "Drop me")
    second_tab.get_by_role("button", name="Keep the saved text").click(timeout=15_000)
    expect(second_tab.locator(FIRST)).to_have_value("Keep me")
    second_tab.wait_for_timeout(2500)
    assert stored() == "Keep me"
    assert AnswerVersion.objects.count() == 1


def test_leaving_with_unsaved_text_warns_first(course_content, practitioner, new_page):
    page = new_page(practitioner)
    page.goto(EXERCISE)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    type_into(page, FIRST, "Not saved yet")
    page.close(run_before_unload=True)
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]


def test_leaving_after_saving_does_not_warn(course_content, practitioner, new_page):
    page = new_page(practitioner)
    page.goto(EXERCISE)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    type_into(page, FIRST, "Saved")
    expect_saved(page)
    page.goto("/")
    assert dialogs == []


def test_too_long_answer_says_so_and_keeps_the_text(course_content, practitioner, new_page):
    page = new_page(practitioner)
    page.goto(EXERCISE)
    page.locator(FIRST).evaluate(
        "el => { el.value = 'z'.repeat(20001); el.dispatchEvent(new Event('input')); }"
    )
    expect(page.locator(FIRST_STATUS)).to_contain_text("the limit is 20,000", timeout=15_000)
    assert page.locator(FIRST).evaluate("el => el.value.length") == 20_001
    assert not Answer.objects.exists()


def tab_to(page, is_there):
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate(is_there):
            return
    raise AssertionError("never reached by the keyboard")


def test_saving_with_the_keyboard_only(course_content, practitioner, new_page):
    page = new_page(practitioner)
    page.goto(EXERCISE)
    tab_to(page, f"document.activeElement.id === '{FIRST[1:]}'")
    page.keyboard.type("Typed with the keyboard")
    page.keyboard.press("Tab")
    expect_saved(page)
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("End")
    page.keyboard.type(", then saved with the button")
    tab_to(page, "document.activeElement.matches('[data-save-all]')")
    page.keyboard.press("Enter")
    expect(page.locator(FIRST_STATUS)).to_contain_text("Saved at")
    page.wait_for_function(
        "document.querySelector('[data-answer-version]').value === '2'", timeout=15_000
    )
    assert stored() == "Typed with the keyboard, then saved with the button"


def test_without_javascript_the_save_button_saves(course_content, practitioner, new_page):
    page = new_page(practitioner, java_script_enabled=False)
    page.goto(EXERCISE)
    page.locator(FIRST).fill("Saved with the button")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Saved at")
    expect(page.locator(FIRST)).to_have_value("Saved with the button")
    assert stored() == "Saved with the button"


def test_pages_have_no_accessibility_violations(
    course_content, practitioner, new_page, assert_accessible
):
    page = new_page(practitioner)
    page.goto("/reflections/")
    assert_accessible(page)
    page.goto(EXERCISE)
    assert_accessible(page)
    type_into(page, FIRST, "A status message is showing")
    expect_saved(page)
    assert_accessible(page)
    page.goto("/reflections/exercises/1/answers/individual-responsibilities/history/")
    expect(page.get_by_text("Version 1 (current)")).to_be_visible()
    assert_accessible(page)


def test_exercise_page_reflows_at_320_pixels(course_content, practitioner, new_page):
    page = new_page(practitioner, viewport={"width": 320, "height": 640})
    for number in range(1, 6):
        page.goto(f"/reflections/exercises/{number}/")
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, number


def test_without_javascript_signed_out_save_keeps_the_text_and_saves_after_signing_in(
    course_content, practitioner, password, new_page
):
    page = new_page(practitioner, java_script_enabled=False)
    page.goto(EXERCISE)
    page.locator(FIRST).fill("Typed while the session ran out.\nSecond line.")
    Session.objects.all().delete()
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("You were signed out")
    expect(page.get_by_label("Your answer to question 1")).to_have_value(
        "Typed while the session ran out.\nSecond line."
    )
    assert not Answer.objects.exists()
    page.get_by_label("Email address").fill(practitioner.email)
    page.get_by_label("Password").fill("not my password")
    page.get_by_role("button", name="Sign in and save").click()
    expect(page.get_by_role("alert")).to_contain_text("do not match an account")

    page.get_by_label("Email address").fill(practitioner.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in and save").click()

    expect(page).to_have_url(re.compile(re.escape(EXERCISE) + r"\?saved=1#exercise-saved$"))
    expect(page.locator(".messages")).to_contain_text("Signed in again and saved")
    expect(page.locator(FIRST)).to_have_value("Typed while the session ran out.\nSecond line.")
    assert stored() == "Typed while the session ran out.\nSecond line."


def test_signed_out_page_is_accessible(course_content, practitioner, new_page, assert_accessible):
    page = new_page(practitioner)
    page.goto(EXERCISE)
    Session.objects.all().delete()
    page.locator(FIRST).fill("Submitted after the session ended")
    page.locator("[data-submit-exercise]").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("You were signed out")
    expect(page.get_by_label("Your answer to question 1")).to_have_value(
        "Submitted after the session ended"
    )
    assert_accessible(page)
    page.get_by_label("Email address").fill(practitioner.email)
    page.get_by_label("Password").fill("not my password")
    page.get_by_role("button", name="Sign in and submit").click()
    expect(page.get_by_role("alert")).to_contain_text("do not match an account")
    assert_accessible(page)
    page.set_viewport_size({"width": 320, "height": 640})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


# --- A lost connection ------------------------------------------------------------------

AUTOSAVE_URL = "**/reflections/exercises/1/answers/individual-responsibilities/"
GAVE_UP = (
    "Not saved: could not reach the course. Your text is still here. "
    "Copy it somewhere safe, or try again."
)


def lose_the_connection(page):
    """Every autosave of the first answer fails with a connection reset; returns the list
    each attempt is added to."""
    attempts = []

    def reset(route):
        attempts.append(route.request.method)
        route.abort("connectionreset")

    page.route(AUTOSAVE_URL, reset)
    return attempts


def run_the_clock(page, *, until, most=12):
    """Move the page's (installed) clock on by half a minute at a time, letting each
    failed request come back in between, until `until` is visible."""
    for _ in range(most):
        if until.is_visible():
            return
        page.clock.run_for(30_000)
        page.wait_for_timeout(150)
    expect(until).to_be_visible()


def give_up_saving(page, text):
    page.clock.install()
    page.goto(EXERCISE)
    attempts = lose_the_connection(page)
    type_into(page, FIRST, text)
    page.keyboard.press("Tab")  # leaving the field tries at once
    status = page.locator(FIRST_STATUS)
    run_the_clock(page, until=page.get_by_text(GAVE_UP))
    expect(status).to_have_text(GAVE_UP)
    # Bounded: however long the page then stays open, it sends nothing more by itself.
    for _ in range(5):
        page.clock.run_for(60_000)
        page.wait_for_timeout(50)
    assert attempts == ["POST"] * 5
    expect(page.locator(FIRST)).to_have_value(text)
    page.unroute(AUTOSAVE_URL)
    return attempts


def test_lost_connection_tries_five_times_then_says_so_and_saves_on_try_again(
    course_content, practitioner, new_page, assert_accessible
):
    page = new_page(practitioner)
    give_up_saving(page, "Typed while the connection was down")
    try_again = page.locator("#field-individual-responsibilities").get_by_role(
        "button", name="Try again"
    )
    expect(try_again).to_be_visible()
    assert_accessible(page)
    assert page.evaluate("[localStorage.length, sessionStorage.length]") == [0, 0]
    assert not Answer.objects.exists()

    try_again.click()
    expect_saved(page)
    expect(try_again).to_be_hidden()
    expect(page.locator(FIRST)).to_be_focused()
    assert stored() == "Typed while the connection was down"


def test_lost_connection_saves_on_the_next_change_once_it_is_back(
    course_content, practitioner, new_page
):
    page = new_page(practitioner)
    give_up_saving(page, "Typed while the connection was down")
    type_into(page, FIRST, ", and after it came back.")
    page.clock.run_for(2_500)
    expect_saved(page)
    assert stored() == "Typed while the connection was down, and after it came back."


# --- The length limit -------------------------------------------------------------------


def test_over_long_answer_is_never_sent_says_why_and_keeps_the_text(
    course_content, practitioner, new_page, assert_accessible
):
    page = new_page(practitioner)
    page.goto(EXERCISE)
    sent = []
    page.on("request", lambda request: sent.append(f"{request.method} {request.url}"))
    text = "z" * (ANSWER_MAX_LENGTH + 1)
    page.locator(FIRST).fill(text)  # as a paste: one input event with all of it
    # Nothing cuts it short: the field has no maxlength.
    expect(page.locator(FIRST)).to_have_value(text)
    message = answer_too_long_message(length="20,001")  # the server's own words
    status = page.locator(FIRST_STATUS)
    expect(status).to_have_text(f"Not saved: {message}", timeout=15_000)
    expect(page.locator("#answer-individual-responsibilities-count")).to_have_text(
        "20,001 of 20,000 characters: 1 too many"
    )

    # Submitting is stopped with the message beside the answer, which gets the focus.
    page.locator(SECOND).focus()
    page.get_by_role("button", name="Submit exercise 1").click()
    error = page.locator("#answer-individual-responsibilities-too-long")
    expect(error).to_have_text(message)
    expect(page.locator(FIRST)).to_be_focused()
    expect(page.locator(FIRST)).to_have_attribute("aria-invalid", "true")
    expect(page).to_have_url(re.compile(re.escape(EXERCISE) + "$"))
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(FIRST)).to_be_focused()
    expect(status).to_have_text(f"Not saved: {message}")
    assert_accessible(page)
    assert [request for request in sent if not request.startswith("GET ")] == []
    assert not Answer.objects.exists()
    expect(page.locator(FIRST)).to_have_value(text)

    # One character fewer is within the limit: the message goes and the answer saves.
    page.keyboard.press("End")
    page.keyboard.press("Backspace")
    expect(error).to_have_count(0)
    expect(page.locator(FIRST)).not_to_have_attribute("aria-invalid", "true")
    expect_saved(page)
    assert stored() == "z" * ANSWER_MAX_LENGTH


def test_length_is_counted_in_characters_as_the_server_counts_them(
    course_content, practitioner, new_page
):
    # Each of these is one character but two UTF-16 code units in the browser.
    text = "\U0001f642" * ANSWER_MAX_LENGTH
    page = new_page(practitioner)
    page.goto(EXERCISE)
    page.locator(FIRST).fill(text)
    expect(page.locator("#answer-individual-responsibilities-count")).to_have_text(
        "20,000 of 20,000 characters"
    )
    page.locator(FIRST).blur()
    expect_saved(page)
    assert stored() == text


# --- Signing in again in another tab, then submitting ------------------------------------


def test_submit_after_signing_in_again_in_another_tab_keeps_everything(
    course_content, practitioner, password, new_context, sign_in_again_in_another_tab
):
    context = new_context(practitioner)
    exercise = context.new_page()
    exercise.goto(EXERCISE)

    sign_in_again_in_another_tab(context, practitioner, password)

    answers = {number: f"Answer {number}, typed after signing in again" for number in (1, 2, 3)}
    for number, text in answers.items():
        exercise.get_by_label(f"Your answer to question {number}", exact=True).fill(text)
    exercise.get_by_role("button", name="Submit exercise 1").click()

    expect(exercise.locator(".messages")).to_contain_text("You have submitted exercise 1")
    for number, text in answers.items():
        expect(
            exercise.get_by_label(f"Your answer to question {number}", exact=True)
        ).to_have_value(text)
    assert ExerciseResponse.objects.get(user=practitioner).submitted_at is not None
    saved = sorted(Answer.objects.values_list("text", flat=True))
    assert saved == list(answers.values())
