"""Whose answers can be read, by whom, on every reflections address.

A practitioner's answers are readable by them, and by a colleague only through an
accepted, revealed, not-ended share of that exercise. Each test writes distinctive
text, visits every reflections URL (with every exercise number, question key, share
id and invitation token there is) as one role, and checks the text is absent; a
positive check beside it proves the text would show up if it leaked.
"""

import pytest
from django.urls import reverse

from modules.models import Exercise
from reflections.models import AnswerVersion, Share
from tests.factories import UserFactory
from tests.reflections import routes
from tests.reflections.conftest import write_with_a_draft
from tests.reflections.factories import ShareFactory

pytestmark = pytest.mark.django_db

SAM_EX1 = "SAM-EXERCISE-ONE-WORDS"
SAM_EX2 = "SAM-EXERCISE-TWO-WORDS"
ALEX_EX1 = "ALEX-EXERCISE-ONE-WORDS"


def every_reflections_url(share):
    """Each reflections route, filled in with every value its parameters can take: every
    exercise, question, share, invitation, and every earlier version anyone has."""
    exercises = Exercise.objects.prefetch_related("questions")
    earlier = AnswerVersion.objects.earlier().values_list(
        "answer__question__exercise__number", "answer__question__key", "version"
    )
    kwargs_for = {
        ("number",): [{"number": exercise.number} for exercise in exercises],
        ("number", "key"): [
            {"number": exercise.number, "key": question.key}
            for exercise in exercises
            for question in exercise.questions.all()
        ],
        ("share_id",): [{"share_id": share.pk}],
        ("token",): [{"token": share.token}],
        ("number", "key", "version"): [
            {"number": number, "key": key, "version": version}
            for number, key, version in sorted(set(earlier))
        ],
    }
    return [url for _name, url in routes.every_reflections_url(kwargs_for)]


def page_texts(client, user, share):
    client.force_login(user)
    urls = [
        *every_reflections_url(share),
        reverse("modules:home"),
        Exercise.objects.get(number=1).lesson.get_absolute_url(),
        "/admin/reflections/exerciseresponse/",
    ]
    return {url: client.get(url).content.decode("utf-8", errors="replace") for url in urls}


def assert_nowhere(client, user, share, *texts):
    pages = page_texts(client, user, share)
    assert len(pages) > 25
    for url, body in pages.items():
        for text in texts:
            assert text not in body, f"{text} visible to {user} at {url}"


def assert_share_urls_not_found(client, user, share):
    client.force_login(user)
    for name, arg in (
        ("reflections:share_detail", share.pk),
        ("reflections:share_end", share.pk),
        ("reflections:invitation", share.token),
    ):
        assert client.get(reverse(name, args=[arg])).status_code == 404, name
    assert client.post(reverse("reflections:share_end", args=[share.pk])).status_code == 404


def exercise_page(client, user, number):
    client.force_login(user)
    return client.get(reverse("reflections:exercise", args=[number])).content.decode()


@pytest.fixture
def revealed(course_content, practitioner, colleague):
    """Sam and Alex share exercise 1, both submitted; Sam also answered exercise 2."""
    write_with_a_draft(practitioner, 1, SAM_EX1)
    write_with_a_draft(practitioner, 2, SAM_EX2)
    write_with_a_draft(colleague, 1, ALEX_EX1)
    write_with_a_draft(colleague, 2, "ALEX-EXERCISE-TWO-WORDS")
    return ShareFactory(
        owner=practitioner,
        colleague=colleague,
        exercise=Exercise.objects.get(number=1),
        status=Share.Status.ACCEPTED,
    )


@pytest.fixture
def superuser(administrator):
    """A superuser with a second factor, as the admin site requires (tests/conftest.py)."""
    return administrator


def test_the_owner_reads_their_own_answers(client, practitioner, revealed):
    assert SAM_EX1 in exercise_page(client, practitioner, 1)
    assert SAM_EX2 in exercise_page(client, practitioner, 2)


def test_the_owner_reads_their_own_earlier_versions(client, practitioner, revealed):
    client.force_login(practitioner)
    key = Exercise.objects.get(number=2).questions.first().key
    for name, args in (("history", [2, key]), ("version_delete", [2, key, 1])):
        html = client.get(reverse(f"reflections:{name}", args=args)).content.decode()
        assert f"{SAM_EX2} draft" in html, name


def test_the_colleague_reads_them_through_a_revealed_share(client, colleague, revealed):
    assert SAM_EX1 in exercise_page(client, colleague, 1)
    detail = reverse("reflections:share_detail", args=[revealed.pk])
    assert SAM_EX1 in client.get(detail).content.decode()


def test_a_colleague_sharing_exercise_1_cannot_read_exercise_2(client, colleague, revealed):
    assert_nowhere(client, colleague, revealed, SAM_EX2)


def test_another_practitioner_in_the_team_reads_nothing_and_guesses_get_404(client, team, revealed):
    guesser = UserFactory(team=team)

    assert_nowhere(client, guesser, revealed, SAM_EX1, SAM_EX2, ALEX_EX1)
    assert_share_urls_not_found(client, guesser, revealed)


def test_a_practitioner_in_another_organisation_reads_nothing(client, revealed):
    outsider = UserFactory()

    assert_nowhere(client, outsider, revealed, SAM_EX1, SAM_EX2, ALEX_EX1)
    assert_share_urls_not_found(client, outsider, revealed)


@pytest.mark.parametrize("role", ["manager", "trainer", "superuser"])
def test_managers_trainers_and_administrators_read_nothing(client, revealed, role, request):
    person = request.getfixturevalue(role)

    assert_nowhere(client, person, revealed, SAM_EX1, SAM_EX2, ALEX_EX1)
    assert_share_urls_not_found(client, person, revealed)


def test_the_colleague_reads_nothing_before_both_have_submitted(
    client, course_content, practitioner, colleague
):
    write_with_a_draft(practitioner, 1, SAM_EX1)
    write_with_a_draft(colleague, 1, ALEX_EX1, submitted=False)
    share = ShareFactory(
        owner=practitioner,
        colleague=colleague,
        exercise=Exercise.objects.get(number=1),
        status=Share.Status.ACCEPTED,
    )

    assert_nowhere(client, colleague, share, SAM_EX1)
    assert_nowhere(client, practitioner, share, ALEX_EX1)


def test_the_colleague_reads_nothing_while_the_invitation_is_pending(
    client, course_content, practitioner, colleague
):
    write_with_a_draft(practitioner, 1, SAM_EX1)
    write_with_a_draft(colleague, 1, ALEX_EX1)
    share = ShareFactory(
        owner=practitioner, colleague=colleague, exercise=Exercise.objects.get(number=1)
    )

    assert_nowhere(client, colleague, share, SAM_EX1)
    assert_nowhere(client, practitioner, share, ALEX_EX1)


@pytest.mark.parametrize("ender", ["practitioner", "colleague"])
def test_after_the_share_ends_neither_reads_the_other_at_once(
    client, practitioner, colleague, revealed, ender, request
):
    assert SAM_EX1 in exercise_page(client, colleague, 1)
    client.force_login(request.getfixturevalue(ender))
    client.post(reverse("reflections:share_end", args=[revealed.pk]))

    assert_nowhere(client, colleague, revealed, SAM_EX1)
    assert_nowhere(client, practitioner, revealed, ALEX_EX1)
    for person in (practitioner, colleague):
        client.force_login(person)
        detail = reverse("reflections:share_detail", args=[revealed.pk])
        assert client.get(detail).status_code == 404
