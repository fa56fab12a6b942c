"""reflections.emails: the invitation and reminder emails are plain text, names as typed."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from reflections.services.records import review_reminders_send
from reflections.services.sharing import share_create
from tests.factories import UserFactory
from tests.reflections.records_data import commitment

pytestmark = pytest.mark.django_db

EXERCISE = {"number": 3, "title": "Children's & young people's voices"}

EMAIL_TEMPLATES = Path(settings.BASE_DIR) / "templates" / "reflections" / "email"


def invitation_from(full_name, team, exercise):
    owner = UserFactory(team=team, full_name=full_name)
    share_create(owner=owner, exercise=exercise, colleague=UserFactory(team=team))
    [email] = mail.outbox
    return email


def test_invitation_subject_shows_an_apostrophe_as_typed(team, exercise):
    email = invitation_from("Siobhán O'Neil", team, exercise)

    assert email.subject == "Siobhán O'Neil asks you to compare answers on reflective exercise 3"


def test_invitation_subject_is_one_line_whatever_the_name_holds(team, exercise):
    email = invitation_from("Siobhán\r\nO'Neil", team, exercise)

    assert email.subject == "Siobhán O'Neil asks you to compare answers on reflective exercise 3"


def test_invitation_body_is_plain_text(team, exercise):
    email = invitation_from("Siobhán O'Neil", team, exercise)

    assert "Siobhán O'Neil has asked you to compare answers" in email.body
    assert "\"Children's & young people's voices\"" in email.body
    assert "&#x27;" not in email.body
    assert "&amp;" not in email.body


def test_review_reminder_is_plain_text(course_content, team):
    person = UserFactory(team=team, full_name="D'Arcy O'Neil")
    commitment(person, due_in=0, review_in=0)

    review_reminders_send(today=timezone.localdate())

    [email] = mail.outbox
    assert email.subject == "Time to review your commitment from the CSE course"
    assert email.body.startswith("Hello D'Arcy,\n")


@pytest.mark.parametrize("path", sorted(EMAIL_TEMPLATES.glob("*.txt")), ids=lambda p: p.name)
def test_every_email_template_turns_html_escaping_off(path):
    text = path.read_text(encoding="utf-8").strip()

    assert text.startswith("{% autoescape off %}")
    assert text.endswith("{% endautoescape %}")
