"""The records pages in a real browser: the commitment's dates and review by keyboard,
the CPD record page and PDF, the data download and deleting an account."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from reflections.models import Commitment, answer_text_decode
from tests.reflections.records_data import accepted_share, answer_everything, commitment

pytestmark = pytest.mark.django_db(transaction=True)


def tab_to(page, locator, limit=80):
    """Press Tab until `locator` has the focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if locator.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError("Never reached by Tab")


def day_equals_month(*, after):
    """The next date like 3 March: typed digits mean the same in day-first and month-first
    order, whatever locale the browser gives its date inputs."""
    day = after + timedelta(days=1)
    while day.day != day.month:
        day += timedelta(days=1)
    return day


@pytest.fixture
def owner(course_content, practitioner, colleague):
    answer_everything(practitioner, "MINE")
    answer_everything(colleague, "THEIRS")
    accepted_share(practitioner, colleague, number=1)
    return practitioner


def test_commitment_dates_typed_by_keyboard_only_save_themselves(owner, new_page):
    page = new_page(owner, locale="en-GB")
    page.goto("/reflections/exercises/4/")
    due = day_equals_month(after=timezone.localdate())
    review = day_equals_month(after=due)

    tab_to(page, page.get_by_label("The date by which you will have done it"))
    page.keyboard.type(due.strftime("%d%m%Y"))
    tab_to(page, page.get_by_label("When you will come back to review your progress"))
    page.keyboard.type(review.strftime("%d%m%Y"))
    page.keyboard.press("Tab")

    status = page.locator("#commitment-dates-status")
    expect(status).to_contain_text("Dates saved at", timeout=15_000)
    saved = Commitment.objects.get(response__user=owner)
    assert (saved.due_on, saved.review_on) == (due, review)
    page.reload()
    expect(page.get_by_label("When you will come back to review your progress")).to_have_value(
        review.isoformat()
    )


def test_dates_the_script_cannot_save_say_why(owner, new_page, assert_accessible):
    page = new_page(owner, locale="en-GB")
    page.goto("/reflections/exercises/4/")
    later = timezone.localdate() + timedelta(days=9)
    page.get_by_label("The date by which you will have done it").fill(later.isoformat())
    page.get_by_label("When you will come back to review your progress").fill(
        timezone.localdate().isoformat()
    )
    page.keyboard.press("Tab")

    status = page.locator("#commitment-dates-status")
    expect(status).to_contain_text("Not saved: Your review date is before", timeout=15_000)
    review = page.get_by_label("When you will come back to review your progress")
    expect(review).to_have_attribute("aria-invalid", "true")
    assert not Commitment.objects.exists()
    assert_accessible(page)


def test_bad_dates_posted_show_an_error_summary_and_keep_everything(owner, new_page):
    page = new_page(owner, locale="en-GB", java_script_enabled=False)
    page.goto("/reflections/exercises/4/")
    past = timezone.localdate() - timedelta(days=2)
    page.locator("#answer-priority-action").fill("I will run a team session")
    page.get_by_label("The date by which you will have done it").fill(past.isoformat())
    page.get_by_label("When you will come back to review your progress").fill(past.isoformat())
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    expect(page.get_by_role("alert")).to_contain_text("This date is in the past")
    expect(page.get_by_label("The date by which you will have done it")).to_have_value(
        past.isoformat()
    )
    expect(page.locator("#answer-priority-action")).to_have_value("I will run a team session")
    assert not Commitment.objects.exists()


def test_exercise_4_page_with_a_date_error_is_accessible(owner, new_page, assert_accessible):
    page = new_page(owner, locale="en-GB")
    page.goto("/reflections/exercises/4/")
    assert_accessible(page)
    page.locator("[data-submit-exercise]").click()

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Enter the dates for your commitment before you submit.")
    alert.get_by_role("link", name="The date by which you will have done it").click()
    expect(page.get_by_label("The date by which you will have done it")).to_be_focused()
    assert_accessible(page)


def test_review_prompt_answered_by_keyboard_only(owner, new_page, assert_accessible):
    commitment(owner, due_in=0, review_in=0, text="MY-COMMITMENT")
    page = new_page(owner)
    page.goto("/reflections/")
    expect(page.get_by_text("Your review date has come")).to_be_visible()
    assert_accessible(page)

    tab_to(page, page.get_by_label("How did it go?"))
    page.keyboard.type("I ran a team session on CSE indicators.")
    tab_to(page, page.get_by_role("button", name="Save your review"))
    page.keyboard.press("Enter")

    expect(page.locator(".messages")).to_contain_text("Your review is saved")
    expect(page.get_by_label("How did it go?")).to_have_value(
        "I ran a team session on CSE indicators."
    )
    row = Commitment.objects.get(response__user=owner)
    assert answer_text_decode(row.review_outcome) == "I ran a team session on CSE indicators."


def test_too_long_review_comes_back_with_the_text(owner, new_page, assert_accessible):
    commitment(owner, due_in=0, review_in=0)
    page = new_page(owner)
    page.goto("/reflections/")
    long_text = "x" * 20_010
    page.get_by_label("How did it go?").fill(long_text)
    page.get_by_role("button", name="Save your review").click()

    expect(page.get_by_role("alert")).to_contain_text("too long")
    expect(page.get_by_label("How did it go?")).to_have_value(long_text)
    assert_accessible(page)


def test_cpd_record_page_is_printable_and_downloads_the_pdf(owner, new_page, assert_accessible):
    page = new_page(owner)
    page.goto("/reflections/")
    page.get_by_role("link", name="Your CPD record for this course").click()

    for heading in ("Type of activity", "What I learnt", "Reflection with a peer"):
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    expect(page.locator("main")).to_contain_text("MINE compare-answers")
    expect(page.locator("main")).to_contain_text("Alex Jones")
    expect(page.locator("main")).not_to_contain_text("THEIRS")
    assert_accessible(page)

    page.emulate_media(media="print")
    expect(page.get_by_role("link", name="Download this record as a PDF")).to_be_hidden()
    page.emulate_media(media="screen")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download this record as a PDF").click()
    assert download.value.suggested_filename.startswith("cpd-record-")
    assert download.value.suggested_filename.endswith(".pdf")


def test_cpd_record_reflows_at_320_pixels(owner, new_page):
    page = new_page(owner, viewport={"width": 320, "height": 640})
    page.goto("/reflections/cpd-record/")

    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320


def test_data_download_holds_only_the_persons_own_data(owner, new_page):
    page = new_page(owner)
    page.goto("/reflections/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download all your data").click()

    with open(download.value.path(), encoding="utf-8") as exported:
        data = json.load(exported)
    assert data["account"]["email"] == "sam@example.org"
    assert "THEIRS" not in json.dumps(data)


def test_account_deletion_asks_for_the_password_then_erases(
    owner, new_page, password, assert_accessible
):
    page = new_page(owner)
    page.goto("/reflections/")
    page.get_by_role("link", name="Delete your account").click()
    assert_accessible(page)

    page.get_by_label("Your password").fill("not my password")
    page.get_by_role("button", name="Delete my account and everything in it").click()
    expect(page.get_by_role("alert")).to_contain_text("Nothing has been deleted")
    assert_accessible(page)

    page.get_by_label("Your password").fill(password)
    page.get_by_role("button", name="Delete my account and everything in it").click()
    expect(page.get_by_role("heading", name="Your account has been deleted")).to_be_visible()
    assert_accessible(page)
    assert not User.objects.filter(email="sam@example.org").exists()
