"""Every reflections address is sent with Cache-Control: no-store.

A reflections page, JSON answer or download holds someone's private answers (or who
they share with), so no browser history, back-forward cache or proxy may keep a copy.
The walk below reverses every route in the reflections URLconf with real values for
the owner of the data, so a new route is checked without anyone adding it here.
"""

import pytest

from modules.models import Exercise, Question
from reflections.models import AnswerVersion
from tests.reflections.factories import ShareFactory
from tests.reflections.records_data import accepted_share, answer_everything, commitment
from tests.reflections.routes import every_reflections_url, route_names

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_data(course_content, practitioner, colleague):
    """Sam's answers (each saved twice), a commitment, a revealed share of exercise 1 and
    an invitation of exercise 2 that Sam sent."""
    answer_everything(practitioner, "MINE", versions=2)
    answer_everything(colleague, "THEIRS")
    commitment(practitioner, due_in=0, review_in=0)
    revealed = accepted_share(practitioner, colleague, number=1)
    pending = ShareFactory(
        owner=practitioner, colleague=colleague, exercise=Exercise.objects.get(number=2)
    )
    return revealed, pending


def owner_urls(revealed, pending):
    exercises = Exercise.objects.order_by("number")
    questions = Question.objects.current().select_related("exercise")
    earlier = AnswerVersion.objects.earlier().select_related("answer__question__exercise")
    return every_reflections_url(
        {
            ("number",): [{"number": exercise.number} for exercise in exercises],
            ("number", "key"): [
                {"number": question.exercise.number, "key": question.key} for question in questions
            ],
            ("share_id",): [{"share_id": revealed.pk}, {"share_id": pending.pk}],
            ("token",): [{"token": pending.token}],
            ("number", "key", "version"): [
                {
                    "number": row.answer.question.exercise.number,
                    "key": row.answer.question.key,
                    "version": row.version,
                }
                for row in earlier.filter(answer__response__user=revealed.owner)
            ],
        }
    )


def pages_without_no_store(client, urls):
    """(names of the routes that answered, urls whose answer lacks no-store).

    A 404 is left out: it is Django's own not-found page, which holds nothing private
    (a solo exercise has no share page, for instance). Every route must still answer
    at least once, which the callers check.
    """
    answered, missing = set(), []
    for name, url in urls:
        response = client.get(url)
        if response.status_code == 404:
            continue
        answered.add(name)
        if "no-store" not in response.get("Cache-Control", ""):
            missing.append(url)
    return answered, missing


def test_every_reflections_route_is_sent_with_no_store(client, practitioner, owner_data):
    client.force_login(practitioner)

    answered, missing = pages_without_no_store(client, owner_urls(*owner_data))

    assert answered == route_names()
    assert missing == []


def test_the_walk_catches_a_page_sent_without_no_store(client, practitioner, owner_data, settings):
    """Without either guard: the reflections URLconf's own and the site-wide one
    (cse_course.middleware.PrivateNoStoreMiddleware)."""
    settings.ROOT_URLCONF = "tests.reflections.urls_without_no_store"
    settings.MIDDLEWARE = [
        name for name in settings.MIDDLEWARE if not name.endswith("PrivateNoStoreMiddleware")
    ]
    client.force_login(practitioner)
    revealed, pending = owner_data

    answered, missing = pages_without_no_store(client, owner_urls(revealed, pending))

    assert answered == route_names()
    assert f"/reflections/shares/{revealed.pk}/" in missing
    assert "/reflections/cpd-record/" in missing
