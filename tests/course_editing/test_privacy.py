"""Trainers keep the course correct and never read anyone's answers: distinctive text
written by a practitioner (answers, earlier drafts, a commitment's review, a share
invitation) appears on no course-editing page, reached with every lesson, exercise,
part and version there is. A positive check beside it proves the pages were read and
that text put where a trainer may see it would be found."""

import pytest
from django.urls import reverse

from course_editing import urls as editing_urls
from modules.models import Exercise, Lesson, LessonRevision, Part
from reflections.models import ExerciseResponse, Share
from tests.factories import UserFactory, second_factor_for
from tests.reflections.conftest import write_with_a_draft
from tests.reflections.factories import CommitmentFactory, ShareFactory

pytestmark = pytest.mark.django_db

PLANTED = "ZEBRA-QUARTZ-PRIVATE-WORDS"


def every_editing_url():
    """Each course-editing GET address, with every value its parameters can take."""
    lessons = list(Lesson.objects.all())
    values = {
        "slug": [lesson.slug for lesson in lessons],
        "number": list(Exercise.objects.values_list("number", flat=True)),
        "part": list(Part.objects.values_list("key", flat=True)),
    }
    urls = []
    for pattern in editing_urls.urlpatterns:
        keys = set(pattern.pattern.converters)
        name = f"course_editing:{pattern.name}"
        if keys == {"slug", "revision_id"}:
            continue  # POST only (revert): reached below through the history pages
        if not keys:
            urls.append(reverse(name))
            continue
        (key,) = keys
        urls.extend(reverse(name, kwargs={key: value}) for value in values[key])
    revisions = LessonRevision.objects.values_list("lesson__slug", "pk")
    urls.extend(
        f"{reverse('course_editing:diff', args=[slug])}?from={pk}" for slug, pk in revisions
    )
    return urls


def editing_pages(client, person):
    client.force_login(person)
    return {url: client.get(url) for url in every_editing_url()}


@pytest.fixture
def planted(course_content, practitioner, colleague):
    """Sam's answers to every exercise (with earlier drafts), the review of a
    commitment, and an invitation to share sent to an address, all holding PLANTED."""
    for exercise in Exercise.objects.all():
        write_with_a_draft(practitioner, exercise.number, PLANTED)
    CommitmentFactory(
        response=ExerciseResponse.objects.filter(user=practitioner).first(),
        review_outcome=f"{PLANTED} review",
    )
    ShareFactory(
        owner=practitioner,
        exercise=Exercise.objects.get(number=1),
        invited_email=f"{PLANTED.lower()}@example.org",
    )
    ShareFactory(
        owner=practitioner,
        colleague=colleague,
        exercise=Exercise.objects.get(number=2),
        status=Share.Status.ACCEPTED,
    )


@pytest.mark.parametrize("role", ["trainer", "administrator"])
def test_no_course_editing_page_shows_a_practitioners_words(client, planted, role):
    if role == "administrator":
        person = UserFactory(role=role, team=None, organisation=None)
    else:
        person = UserFactory(role=role)
    second_factor_for(person)

    pages = editing_pages(client, person)

    shown = [url for url, response in pages.items() if response.status_code == 200]
    assert len(shown) > 50  # every lesson's pages, every exercise's, every part's
    for url, response in pages.items():
        assert PLANTED not in response.content.decode(), url
        assert PLANTED.lower() not in response.content.decode(), url


def test_the_check_would_catch_the_words_on_a_trainers_page(client, planted):
    """Put where trainers do see text (a question), the same words are found."""
    trainer = UserFactory(role="trainer")
    second_factor_for(trainer)
    question = Exercise.objects.get(number=1).questions.first()
    question.text_markdown = PLANTED
    question.save()

    pages = editing_pages(client, trainer)

    assert any(PLANTED in response.content.decode() for response in pages.values())
