import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from reflections.models import (
    Answer,
    AnswerVersion,
    Certificate,
    Commitment,
    ExerciseResponse,
    Share,
)
from tests.factories import ExerciseFactory, QuestionFactory, UserFactory


class ExerciseResponseFactory(DjangoModelFactory):
    class Meta:
        model = ExerciseResponse

    user = factory.SubFactory(UserFactory)
    exercise = factory.SubFactory(ExerciseFactory)


class AnswerFactory(DjangoModelFactory):
    """An answer saved once: version 1, with its version-1 history row."""

    class Meta:
        model = Answer
        skip_postgeneration_save = True

    response = factory.SubFactory(ExerciseResponseFactory)
    question = factory.SubFactory(
        QuestionFactory, exercise=factory.SelfAttribute("..response.exercise")
    )
    text = factory.Faker("paragraph")
    version = 1

    @factory.post_generation
    def history(obj, create, extracted, **kwargs):
        if create and obj.version:
            AnswerVersion.objects.create(answer=obj, version=obj.version, text=obj.text)


def _answered_at(share):
    """When the colleague answered: now, for any share no longer waiting for them."""
    return None if share.status == Share.Status.PENDING else timezone.now()


class ShareFactory(DjangoModelFactory):
    """An invitation to pair on an exercise, sent by name to a colleague in the owner's
    team and organisation, or, given `invited_email`, to that address (no colleague yet);
    waiting for an answer unless `status` says otherwise."""

    class Meta:
        model = Share

    exercise = factory.SubFactory(ExerciseFactory)
    owner = factory.SubFactory(UserFactory)
    invited_email = ""
    colleague = factory.Maybe(
        "invited_email",
        yes_declaration=None,
        no_declaration=factory.SubFactory(
            UserFactory,
            team=factory.SelfAttribute("..owner.team"),
            organisation=factory.SelfAttribute("..owner.organisation"),
        ),
    )
    status = Share.Status.PENDING
    responded_at = factory.LazyAttribute(_answered_at)
    ended_at = factory.LazyAttribute(
        lambda share: timezone.now() if share.status == Share.Status.ENDED else None
    )


class CommitmentFactory(DjangoModelFactory):
    """A commitment with both dates set: done within a week, reviewed a week after."""

    class Meta:
        model = Commitment

    response = factory.SubFactory(ExerciseResponseFactory)
    due_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=7))
    review_on = factory.LazyAttribute(lambda row: row.due_on + datetime.timedelta(days=7))


class CertificateFactory(DjangoModelFactory):
    """A certificate as if issued (tests of the issuing itself use the service)."""

    class Meta:
        model = Certificate

    user = factory.SubFactory(UserFactory)
    completed_on = datetime.date(2026, 3, 3)
    cpd_minutes = 185
