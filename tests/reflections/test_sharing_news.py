"""The other person in a share is told what happened, by email and by a notice on the
next page they open: accepting, declining, ending, and the moment the answers open.
Names and the exercise only: never answer text."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notice
from reflections.models import Answer
from reflections.services.answers import response_submit
from reflections.services.sharing import share_accept, share_create, share_decline, share_end
from tests.reflections.conftest import write

pytestmark = pytest.mark.django_db

SECRET = "PLANTED-ANSWER-7Q2X"


@pytest.fixture
def invited(practitioner, colleague, exercise):
    write(practitioner, exercise, SECRET, submitted=False)
    write(colleague, exercise, SECRET, submitted=False)
    share = share_create(owner=practitioner, exercise=exercise, colleague=colleague)
    mail.outbox.clear()
    return share


def emails_to(person):
    return [email for email in mail.outbox if email.to == [person.email]]


def form(user):
    """The exercise page's form as `user` would send it: their answers as saved."""
    data = {"answer-first": "mine", "version-first": "0", "answer-second": "mine too"}
    data["version-second"] = "0"
    for answer in Answer.objects.filter(response__user=user):
        data[f"answer-{answer.question.key}"] = answer.typed_text
        data[f"version-{answer.question.key}"] = str(answer.version)
    return data


def no_answer_text_anywhere():
    for email in mail.outbox:
        assert SECRET not in email.subject + email.body
    for notice in Notice.objects.all():
        assert SECRET not in notice.text


def test_accepting_tells_the_sender(invited, practitioner, colleague, settings):
    settings.SITE_URL = "https://course.example.org"
    share_accept(share=invited, user=colleague)

    [email] = emails_to(practitioner)
    assert email.subject == "Alex Jones accepted your request to compare answers"
    assert "https://course.example.org/reflections/exercises/7/" in email.body
    [notice] = Notice.objects.filter(user=practitioner)
    assert notice.text == "Alex Jones accepted your request to compare answers on exercise 7."
    assert notice.link_url == "/reflections/exercises/7/"
    assert emails_to(colleague) == []
    assert not Notice.objects.filter(user=colleague).exists()
    no_answer_text_anywhere()


def test_declining_tells_the_sender(invited, practitioner, colleague):
    share_decline(share=invited, user=colleague)

    [email] = emails_to(practitioner)
    assert email.subject == "Alex Jones declined your request to compare answers"
    [notice] = Notice.objects.filter(user=practitioner)
    assert notice.text.startswith("Alex Jones declined your request to compare answers")
    assert "You can ask someone else." in notice.text
    no_answer_text_anywhere()


def test_ending_tells_the_other_person_when_and_that_their_answers_stay(
    invited, practitioner, colleague
):
    share_accept(share=invited, user=colleague)
    mail.outbox.clear()

    share_end(share=invited, user=practitioner)

    [email] = emails_to(colleague)
    assert email.subject == "Comparing answers on exercise 7 has ended"
    today = timezone.localdate()
    expected = f"Sam Patel ended comparing answers on exercise 7 on {today.day} {today:%B %Y}."
    assert expected in email.body
    [notice] = Notice.objects.filter(user=colleague)
    assert notice.text == expected + " Your own answers stay yours."
    assert emails_to(practitioner) == []
    no_answer_text_anywhere()


def test_withdrawing_an_invitation_tells_the_colleague_it_was_withdrawn(
    invited, practitioner, colleague
):
    share_end(share=invited, user=practitioner)

    [notice] = Notice.objects.filter(user=colleague)
    assert notice.text == "Sam Patel withdrew their request to compare answers on exercise 7."
    [email] = emails_to(colleague)
    assert "withdrew" in email.body


def test_the_second_submission_tells_the_first_that_the_answers_are_open(
    invited, practitioner, colleague, exercise, settings
):
    settings.SITE_URL = "https://course.example.org"
    share_accept(share=invited, user=colleague)
    response_submit(user=practitioner, exercise=exercise)
    mail.outbox.clear()
    assert not Notice.objects.filter(text__contains="now open").exists()

    response_submit(user=colleague, exercise=exercise)

    [email] = emails_to(practitioner)
    assert email.subject == "Alex Jones's answers to exercise 7 are open"
    detail = reverse("reflections:share_detail", args=[invited.pk])
    assert f"https://course.example.org{detail}" in email.body
    [notice] = Notice.objects.filter(user=practitioner, text__contains="now open")
    assert notice.link_url == detail
    assert emails_to(colleague) == []
    no_answer_text_anywhere()


def test_accepting_after_both_submitted_tells_the_sender_both_things(
    invited, practitioner, colleague, exercise
):
    response_submit(user=practitioner, exercise=exercise)
    response_submit(user=colleague, exercise=exercise)
    mail.outbox.clear()

    share_accept(share=invited, user=colleague)

    subjects = sorted(email.subject for email in emails_to(practitioner))
    assert subjects == [
        "Alex Jones accepted your request to compare answers",
        "Alex Jones's answers to exercise 7 are open",
    ]
    no_answer_text_anywhere()


def test_the_submitter_is_told_the_answers_are_open_with_a_link(
    invited, practitioner, colleague, exercise, client
):
    share_accept(share=invited, user=colleague)
    response_submit(user=colleague, exercise=exercise)
    client.force_login(practitioner)

    response = client.post(reverse("reflections:submit", args=[7]), form(practitioner), follow=True)

    assert response.status_code == 200
    detail = reverse("reflections:share_detail", args=[invited.pk])
    page = response.content.decode()
    link = f'<a class="alert-link" href="{detail}">Compare your answers side by side</a>'
    assert f"Alex Jones's answers are now open. {link}." in page


def test_submitting_with_nobody_to_compare_with_says_nothing_of_answers(
    practitioner, exercise, client
):
    client.force_login(practitioner)

    response = client.post(reverse("reflections:submit", args=[7]), form(practitioner), follow=True)

    assert response.status_code == 200
    page = response.content.decode()
    assert "You have submitted exercise 7." in page
    assert "now open" not in page
    assert page.count("alert alert-success") == 1
