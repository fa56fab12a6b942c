"""Two colleagues pairing on exercise 1 through the real pages, each in their own browser."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import OrganisationDomain
from modules.models import Exercise
from reflections.models import Share
from tests.reflections.factories import ShareFactory

pytestmark = pytest.mark.django_db(transaction=True)

EXERCISE = "/reflections/exercises/1/"


def answer(page, number, text):
    page.get_by_label(f"Your answer to question {number}", exact=True).fill(text)


def share_panel(page):
    return page.get_by_role("region", name="Compare answers with a colleague")


def test_full_pair_journey(
    course_content, practitioner, colleague, new_page, live_url, assert_accessible
):
    sam, alex = new_page(practitioner), new_page(colleague)

    # Sam answers questions 1-3 on their own; the pair questions are closed.
    sam.goto(EXERCISE)
    expect(sam.get_by_label("Your answer to question 4", exact=True)).to_be_disabled()
    for number in (1, 2, 3):
        answer(sam, number, f"Sam thinks {number}")
    sam.get_by_role("button", name="Save", exact=True).click()
    expect(share_panel(sam)).to_contain_text("Only you can read your answers")
    assert_accessible(sam)

    # Sam invites Alex by name, using the keyboard in the combobox.
    share_panel(sam).get_by_role(
        "link", name="Compare answers with a colleague on exercise 1"
    ).click()
    assert_accessible(sam)
    search = sam.get_by_role("combobox", name="Colleague's name")
    search.press_sequentially("ale")
    expect(search).to_have_attribute("aria-expanded", "true")
    option = sam.get_by_role("option", name="Alex Jones, Children in Care")
    expect(option).to_be_visible()
    assert_accessible(sam)
    search.press("ArrowDown")
    expect(search).to_have_attribute("aria-activedescendant", option.get_attribute("id"))
    expect(option).to_have_attribute("aria-selected", "true")
    search.press("Enter")
    expect(search).to_have_attribute("aria-expanded", "false")
    expect(sam.get_by_role("status").filter(has_text="Alex Jones chosen")).to_be_attached()
    invite = sam.get_by_role("button", name="Invite Alex Jones")
    sam.keyboard.press("Tab")
    sam.keyboard.press("Tab")
    expect(invite).to_be_focused()
    sam.keyboard.press("Enter")
    expect(sam).to_have_url(re.compile(re.escape(EXERCISE) + "$"))
    expect(sam.get_by_role("status").first).to_contain_text(
        "Request to compare answers saved. The email to Alex Jones is queued"
    )
    expect(share_panel(sam)).to_contain_text("Waiting for their reply")
    assert_accessible(sam)
    assert mail.outbox[0].to == ["alex@example.org"]

    # Alex sees the invitation on My reflections and accepts.
    alex.goto("/reflections/")
    invitations = alex.get_by_role("region", name="Requests to compare answers")
    expect(invitations).to_contain_text(
        "Sam Patel (Children in Care) has asked you to compare answers"
    )
    assert_accessible(alex)
    accept = "Accept Sam Patel's request to compare answers on exercise 1"
    invitations.get_by_role("button", name=accept).click()
    expect(alex).to_have_url(re.compile(re.escape(EXERCISE) + "$"))
    expect(share_panel(alex)).to_contain_text("Neither of you has submitted yet")
    assert_accessible(alex)

    # Alex answers and submits; nothing of Sam's shows yet.
    for number in (1, 2, 3):
        answer(alex, number, f"Alex reckons {number}")
    alex.get_by_role("button", name="Submit exercise 1").click()
    expect(share_panel(alex)).to_contain_text("Sam Patel has not yet")
    expect(alex.get_by_text("Sam thinks 1")).to_have_count(0)

    # Sam submits: both see each other's answers, and the pair questions open.
    sam.reload()
    sam.get_by_role("button", name="Submit exercise 1").click()
    # The submitter is told at once, with a link to the comparison.
    opened = sam.get_by_role("status").filter(has_text="Alex Jones's answers are now open.")
    expect(opened.get_by_role("link", name="Compare your answers side by side")).to_be_visible()
    expect(share_panel(sam)).to_contain_text("Alex reckons 1")
    expect(sam.get_by_text("Who can read this answer: You and Alex Jones").first).to_be_visible()
    assert_accessible(sam)
    answer(sam, 4, "Sam on comparing")
    answer(sam, 5, "Sam will find out")
    sam.get_by_role("button", name="Save", exact=True).click()
    expect(share_panel(sam)).to_contain_text("Alex Jones's answers")

    alex.reload()
    # The partner is told on their next page (and by email), with no answer text.
    notice = alex.get_by_role("status").filter(
        has_text="Sam Patel's answers to exercise 1 are now open"
    )
    expect(notice.get_by_role("link", name="Compare answers")).to_be_visible()
    [opened_email] = [email for email in mail.outbox if "are open" in email.subject]
    assert opened_email.to == ["alex@example.org"]
    assert "Sam thinks" not in opened_email.body
    panel = share_panel(alex)
    expect(panel).to_contain_text("Sam thinks 3")
    expect(panel).to_contain_text("Sam on comparing")
    # A one-line answer shown to read is one line high, not a text box's height.
    one_line = panel.locator(".answer-read").filter(has_text="Sam on comparing")
    assert one_line.bounding_box()["height"] < 48
    answer(alex, 4, "Alex on comparing")
    answer(alex, 5, "Alex will ask")
    alex.get_by_role("button", name="Save", exact=True).click()
    assert_accessible(alex)
    share_panel(alex).get_by_role("link", name="See your answers side by side").click()
    expect(alex.get_by_role("heading", level=1)).to_contain_text("your answers and Sam Patel's")
    expect(alex.get_by_text("Sam on comparing")).to_be_visible()
    assert_accessible(alex)
    detail_url = alex.url

    sam.reload()
    expect(share_panel(sam)).to_contain_text("Alex will ask")

    # Sam ends the share: Alex's view of Sam's answers is gone at once.
    share_panel(sam).get_by_role("link", name="Stop comparing answers with Alex Jones").click()
    assert_accessible(sam)
    sam.get_by_role("button", name="Stop comparing answers").click()
    expect(sam.get_by_role("status").first).to_contain_text("stopped comparing answers")
    expect(sam.get_by_text("Alex reckons 1")).to_have_count(0)

    response = alex.goto(detail_url)
    assert response.status == 404
    # Alex is told who ended it, on the next page he opens and by email.
    expect(
        alex.get_by_role("status").filter(
            has_text="Sam Patel ended comparing answers on exercise 1"
        )
    ).to_be_visible()
    assert [e.to for e in mail.outbox if "has ended" in e.subject] == [["alex@example.org"]]
    alex.goto(EXERCISE)
    expect(alex.get_by_text("Sam thinks 1")).to_have_count(0)
    # Alex's own pair answers stay his: still there, and still his to change.
    pair_answer = alex.get_by_label("Your answer to question 4", exact=True)
    expect(pair_answer).to_be_editable()
    expect(pair_answer).to_have_value("Alex on comparing")
    expect(alex.locator("#answer-compare-answers-ended")).to_contain_text(
        "Sam Patel ended comparing answers"
    )
    assert Share.objects.get().status == Share.Status.ENDED


def test_invited_by_email_registers_through_the_link_and_lands_on_the_exercise(
    course_content, practitioner, team, new_page, live_url, settings, assert_accessible
):
    settings.SITE_URL = live_url
    OrganisationDomain.objects.create(organisation=team.organisation, domain="example.org")
    sam = new_page(practitioner)
    sam.goto("/reflections/exercises/1/share/")
    sam.get_by_label("Their work email address").fill("Robin.New@example.org")
    sam.get_by_role("button", name="Send request by email").click()
    expect(sam.get_by_role("status").first).to_contain_text(
        "Request to compare answers saved. The email to robin.new@"
    )

    [email] = mail.outbox
    link = re.search(r"http\S+/reflections/invitations/\S+/", email.body).group(0)
    robin = new_page()
    robin.goto(link)
    expect(robin.get_by_role("heading", level=1)).to_have_text("Sign in")
    robin.locator("#main").get_by_role("link", name="Create an account").click()
    robin.get_by_label("Full name").fill("Robin New")
    robin.get_by_label("Work email address").fill("robin.new@example.org")
    robin.get_by_label("Job role").fill("Social worker")
    robin.get_by_label("Password*", exact=True).fill("a-Long-new-passphrase-77")
    robin.get_by_label("Password again").fill("a-Long-new-passphrase-77")
    robin.get_by_role("button", name="Create account").click()
    expect(robin.get_by_role("heading", level=1)).to_have_text("Check your email")

    # The link in the verification email proves the address, and returns to the invitation.
    robin.goto(re.search(r"http\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body)[0])
    robin.get_by_role("button", name="Confirm my email address").click()

    expect(robin.get_by_role("heading", level=1)).to_have_text(
        "Compare answers with a colleague on exercise 1"
    )
    expect(robin.get_by_text("Sam Patel")).to_be_visible()
    assert_accessible(robin)
    robin.get_by_role("button", name="Accept and go to the exercise").click()

    expect(robin).to_have_url(re.compile(re.escape(EXERCISE) + "$"))
    expect(share_panel(robin)).to_contain_text("You are comparing answers with Sam Patel")
    share = Share.objects.get()
    assert (share.colleague.email, share.status) == ("robin.new@example.org", "accepted")


def test_without_javascript_a_colleague_is_found_and_picked_from_a_list(
    course_content, practitioner, colleague, new_page, assert_accessible
):
    sam = new_page(practitioner, viewport={"width": 320, "height": 640})
    # The page as it is without the script (axe itself needs JavaScript to run).
    sam.route("**/colleague_search.js", lambda route: route.abort())
    sam.goto("/reflections/exercises/1/share/")
    sam.get_by_label("Colleague's name").fill("jones")
    sam.get_by_role("button", name="Search").click()

    choice = sam.get_by_role("radio", name="Alex Jones, Children in Care")
    expect(choice).to_be_checked()
    assert sam.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(sam)
    sam.get_by_role("button", name="Ask this colleague to compare answers").click()

    expect(sam).to_have_url(re.compile(re.escape(EXERCISE) + "$"))
    assert Share.objects.get().colleague == colleague


def test_the_sender_of_an_expired_invitation_is_told_so_on_an_accessible_page(
    course_content, practitioner, colleague, new_page, assert_accessible
):
    share = ShareFactory(
        owner=practitioner, colleague=colleague, exercise=Exercise.objects.get(number=1)
    )
    Share.objects.filter(pk=share.pk).update(created_at=timezone.now() - timedelta(days=31))
    sam = new_page(practitioner)

    response = sam.goto(f"/reflections/invitations/{share.token}/")

    assert response.status == 410
    expect(sam.get_by_role("heading", level=1)).to_have_text(
        "Your request to compare answers on exercise 1 has expired"
    )
    assert_accessible(sam)
    sam.get_by_role("link", name="Compare answers with a colleague on exercise 1").click()
    expect(sam).to_have_url(re.compile(re.escape(EXERCISE) + "share/$"))
