"""A manager sees progress, never what anyone wrote: text planted in a practitioner's
answers, drafts and invitations appears in no response of any manager page or CSV, and
in no reminder email."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from modules.models import Exercise
from outbox.models import EmailDelivery
from reflections.models import AnswerVersion, ExerciseResponse, Share
from tests.factories import second_factor_for
from tests.reflections.conftest import write_with_a_draft
from tests.reflections.factories import ShareFactory

pytestmark = pytest.mark.django_db

PLANTED = "PLANTED-ANSWER-WORDS-7f3c"


@pytest.fixture
def planted(course_content, practitioner, colleague):
    write_with_a_draft(practitioner, 1, PLANTED)
    write_with_a_draft(practitioner, 2, PLANTED, submitted=False)
    ShareFactory(
        owner=practitioner,
        colleague=None,
        invited_email=f"{PLANTED.lower()}@example.org",
        exercise=Exercise.objects.filter(pairing=Exercise.Pairing.PAIR).first(),
    )
    return practitioner


def every_manager_url(team, member):
    return [
        reverse("team_progress:dashboard"),
        reverse("team_progress:team", args=[team.pk]),
        reverse("team_progress:team", args=[team.pk]) + "?status=in_progress&sort=last_activity",
        reverse("team_progress:team_csv", args=[team.pk]),
        reverse("team_progress:member", args=[team.pk, member.pk]),
    ]


def test_the_planted_text_is_stored_where_a_leak_would_find_it(planted):
    assert AnswerVersion.objects.filter(text__contains=PLANTED).count() > 2
    assert Share.objects.filter(invited_email__contains=PLANTED.lower()).exists()


def test_manager_pages_never_show_answer_text(client, manager, team, planted):
    second_factor_for(manager)
    client.force_login(manager)
    for url in every_manager_url(team, planted):
        response = client.get(url)
        body = response.content.decode("utf-8-sig")
        assert response.status_code == 200, url
        assert planted.full_name in body or "Members" in body, url
        assert PLANTED not in body, url
        assert PLANTED.lower() not in body, url


def test_a_reminder_email_never_carries_answer_text(client, manager, team, planted):
    # Idle for longer than TEAM_INACTIVE_DAYS, so the manager may remind them.
    long_ago = timezone.now() - timedelta(days=60)
    ExerciseResponse.objects.filter(user=planted).update(
        created_at=long_ago, last_saved_at=long_ago, submitted_at=long_ago
    )
    second_factor_for(manager)
    client.force_login(manager)
    response = client.post(
        reverse("team_progress:nudge", args=[team.pk]), {"member": [planted.pk]}, follow=True
    )
    assert f"Reminder sent to {planted.full_name}." in response.content.decode()
    [message] = mail.outbox
    assert message.to == [planted.email]
    # The outbox keeps the subject; the body went with the email.
    [delivery] = EmailDelivery.objects.filter(purpose="team_progress/nudge")
    for text in (message.subject, message.body, delivery.subject):
        assert text
        assert PLANTED not in text
        assert PLANTED.lower() not in text
