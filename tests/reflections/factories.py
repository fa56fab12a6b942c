import factory
from factory.django import DjangoModelFactory

from reflections.models import Answer, AnswerVersion, ExerciseResponse
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
