"""A manager sees progress, never what anyone wrote: text planted in a practitioner's
answers, drafts and invitations appears in no response of any manager page or CSV."""

import pytest
from django.urls import reverse

from modules.models import Exercise
from reflections.models import AnswerVersion, Share
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
