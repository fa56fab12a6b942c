"""A practitioner's first visit and return, through the real pages, by mouse and by keyboard."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.models import OrganisationDomain, User
from modules.models import Lesson
from tests.factories import OrganisationFactory, TeamFactory
from tests.reflections.records_data import complete_lessons

pytestmark = pytest.mark.django_db(transaction=True)

EMAIL = "robin.new@example.org"
PASSWORD = "a-Long-new-passphrase-77"
FIRST_LESSON = "/lessons/introduction/"
SECOND_LESSON = "/lessons/your-role-and-responsibilities/"


@pytest.fixture
def teams(course_content, live_url, settings):
    """Two organisations with their teams; addresses at example.org belong to the first."""
    settings.SITE_URL = live_url
    council = OrganisationFactory(name="Northshire County Council")
    OrganisationDomain.objects.create(organisation=council, domain="example.org")
    TeamFactory(organisation=council, name="Duty and Assessment")
    TeamFactory(organisation=council, name="Looked After Children")
    other = OrganisationFactory(name="Westvale Borough Council")
    TeamFactory(organisation=other, name="Early Help")


def emailed_link():
    """The confirmation link in the last email sent."""
    return re.search(r"http\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body)[0]


def url_path(path):
    return re.compile(re.escape(path) + r"$")


# --- With a mouse ----------------------------------------------------------------------


def test_new_user_registers_completes_first_lesson_and_continues_to_the_next(
    teams, new_page, live_url
):
    page = new_page()
    page.goto("/")
    page.get_by_role("link", name="Create an account to start").click()

    page.get_by_label("Full name").fill("Robin New")
    page.get_by_label("Work email address").fill(EMAIL)
    page.get_by_label("Job role").fill("Social worker")
    page.get_by_label("Password*", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")

    page.goto(emailed_link())
    page.get_by_role("button", name="Confirm my email address").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose your team")
    expect(page.get_by_text("Early Help")).to_have_count(0)
    page.get_by_label("Looked After Children").check()
    page.get_by_role("button", name="Choose this team").click()

    expect(page.get_by_role("status").first).to_contain_text("You are in Looked After Children")
    user = User.objects.get(email=EMAIL)
    assert (user.organisation.name, user.team.name) == (
        "Northshire County Council",
        "Looked After Children",
    )

    page.get_by_role("link", name="Start the course").click()
    expect(page).to_have_url(url_path(FIRST_LESSON))
    page.get_by_role("button", name="Mark complete and continue").click()
    expect(page).to_have_url(url_path(SECOND_LESSON))
    expect(page.get_by_role("status")).to_contain_text("Lesson 1 marked complete")

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)

    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password*", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("1 of 17 lessons completed")).to_be_visible()
    page.get_by_role("link", name="Continue where you left off").click()

    expect(page).to_have_url(url_path(SECOND_LESSON))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your role and responsibilities")


# --- With the keyboard alone -----------------------------------------------------------

FOCUS_STYLE = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  return {
    tag: el.tagName.toLowerCase(), id: el.id, text: (el.innerText || '').trim(),
    visible: outline || style.boxShadow !== 'none',
  };
}"""


def focused(page):
    return page.evaluate(FOCUS_STYLE)


def tab_to(page, matches, *, key="Tab", limit=60):
    """Press Tab (or Shift+Tab) until the focused element satisfies `matches`; it must
    show a visible focus indicator when it gets there."""
    for _ in range(limit):
        page.keyboard.press(key)
        element = focused(page)
        if matches(element):
            assert element["visible"], f"focus is not visible on {element}"
            return element
    raise AssertionError(f"{key} never reached the element; focus ended on {focused(page)}")


def by_id(element_id):
    return lambda element: element["id"] == element_id


def by_text(text):
    return lambda element: element["text"].startswith(text)


def test_whole_journey_works_with_the_keyboard_alone(teams, new_page, live_url):
    page = new_page()
    page.goto("/")

    # The first Tab reaches the skip link, which moves focus to the main content.
    skip = tab_to(page, lambda element: True, limit=1)
    assert skip["text"] == "Skip to main content"
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "main"
    assert tab_to(page, lambda element: True, limit=1)["text"] == "Create an account to start"
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Create an account")

    tab_to(page, by_id("id_full_name"))
    page.keyboard.type("Robin New")
    tab_to(page, by_id("id_email"), limit=1)
    page.keyboard.type(EMAIL)
    tab_to(page, by_id("id_job_role"), limit=1)
    page.keyboard.type("Social worker")
    tab_to(page, by_id("id_password1"), limit=1)
    page.keyboard.type(PASSWORD)
    tab_to(page, by_id("id_password2"), limit=1)
    page.keyboard.type("a slip of the finger")
    # Back to correct it: Shift+Tab to the first password and forward again.
    tab_to(page, by_id("id_password1"), key="Shift+Tab", limit=1)
    tab_to(page, by_id("id_password2"), limit=1)
    page.keyboard.press("Control+A")
    page.keyboard.type(PASSWORD)
    tab_to(page, by_text("Create account"), limit=1)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")

    page.goto(emailed_link())
    tab_to(page, by_text("Confirm my email address"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose your team")
    # Radio buttons: Tab reaches the group, the arrow keys move within it.
    tab_to(page, lambda element: element["tag"] == "input" and element["id"].startswith("id_team"))
    page.keyboard.press("ArrowDown")
    tab_to(page, by_text("Choose this team"))
    page.keyboard.press("Enter")

    expect(page.get_by_role("status").first).to_contain_text("You are in Looked After Children")
    user = User.objects.get(email=EMAIL)
    assert user.team.name == "Looked After Children"

    tab_to(page, by_text("Start the course"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(url_path(FIRST_LESSON))

    tab_to(page, by_text("Mark complete and continue"))
    page.keyboard.press("Space")
    expect(page).to_have_url(url_path(SECOND_LESSON))
    expect(page.get_by_role("status")).to_contain_text("Lesson 1 marked complete")

    tab_to(page, by_text("Sign out"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")

    tab_to(page, by_id("id_login"))
    page.keyboard.type(EMAIL)
    tab_to(page, by_id("id_password"), limit=1)
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_text("1 of 17 lessons completed")).to_be_visible()

    tab_to(page, by_text("Continue where you left off"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(url_path(SECOND_LESSON))


# --- On a phone ---------------------------------------------------------------------------

PHONE = {"width": 375, "height": 740}


def test_on_a_phone_two_lessons_take_one_button_each(
    course_content, practitioner, new_page, assert_accessible
):
    page = new_page(practitioner, viewport=PHONE)
    page.goto("/")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("^Start the course")).click()
    expect(page).to_have_url(url_path(FIRST_LESSON))

    # The contents are at the top of the lesson, not after it.
    contents = page.locator(".lesson-contents")
    expect(contents.locator("summary")).to_be_in_viewport()
    contents.locator("summary").click()
    current = contents.locator("[aria-current=page]")
    expect(current).to_have_text(page.get_by_role("heading", level=1).inner_text())
    expect(current).to_be_visible()
    assert_accessible(page)
    contents.locator("summary").click()

    page.get_by_role("button", name="Mark complete and continue").click()
    expect(page).to_have_url(url_path(SECOND_LESSON))
    # The confirmation is where the reader lands: at the top of the next lesson.
    expect(page.get_by_role("status")).to_contain_text("Lesson 1 marked complete")
    expect(page.get_by_role("status")).to_be_in_viewport()
    assert_accessible(page)

    page.get_by_role("button", name="Mark complete and continue").click()
    expect(page.get_by_role("status")).to_contain_text("Lesson 2 marked complete")
    expect(page.get_by_role("heading", level=1)).to_have_text("Defining CSE")
    page.get_by_role("link", name="Back to top").click()
    expect(page.get_by_role("heading", level=1)).to_be_in_viewport()

    page.goto("/")
    expect(page.get_by_text("2 of 17 lessons completed")).to_be_visible()
    expect(page.locator(".badge", has_text="Completed")).to_have_count(2)
    expect(page.locator(".badge", has_text="Not started")).to_have_count(0)
    assert_accessible(page)


def test_after_the_last_lesson_with_exercises_open_the_summary_says_what_is_left(
    course_content, practitioner, new_page, assert_accessible
):
    complete_lessons(practitioner, Lesson.objects.count() - 1)
    last = Lesson.objects.order_by("-order").first()
    page = new_page(practitioner, viewport=PHONE)
    page.goto(last.get_absolute_url())

    page.get_by_role("button", name="Mark complete and continue").click()

    expect(page).to_have_url(url_path("/reflections/summary/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your course summary")
    expect(page.get_by_text("You have read every lesson.")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("^Reflective exercise 1:"))).to_be_visible()
    expect(page.get_by_text("Well done")).to_have_count(0)
    assert_accessible(page)

    page.goto("/")
    expect(page.get_by_text("The course is not complete yet.")).to_be_visible()
    assert_accessible(page)
