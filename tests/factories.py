import time

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from factory.django import DjangoModelFactory

from accounts.models import Organisation, Team, User
from modules.models import Course, Exercise, Lesson, LessonProgress, Part, Question

PASSWORD = "a-Long-test-passphrase-42"


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Borough Council {n}")


class TeamFactory(DjangoModelFactory):
    class Meta:
        model = Team

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Team {n}")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name", locale="en_GB")
    team = factory.SubFactory(TeamFactory)
    organisation = factory.SelfAttribute("team.organisation")
    job_role = "Social worker"
    role = User.Role.PRACTITIONER
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        """Whether the person has opened the link sent to their address: yes unless a
        test says `verified=False` (an unverified account can only read the course)."""
        if create:
            EmailAddress.objects.create(
                user=obj, email=obj.email, primary=True, verified=extracted is not False
            )


class CourseFactory(DjangoModelFactory):
    """The course row: with it, the course pages keep what they show between requests
    (modules.course_cache), as in production."""

    class Meta:
        model = Course

    title = "A test course"
    summary = "What the course is about."
    audience = "Practitioners."
    source_citation = "Someone, A. (2017) A resource."


class PartFactory(DjangoModelFactory):
    class Meta:
        model = Part

    key = factory.Sequence(lambda n: f"part-{n}")
    title = factory.Sequence(lambda n: f"Part {n}")
    order = factory.Sequence(lambda n: n + 1)


class LessonFactory(DjangoModelFactory):
    class Meta:
        model = Lesson

    slug = factory.Sequence(lambda n: f"lesson-{n}")
    title = factory.Sequence(lambda n: f"Lesson {n}")
    part = factory.SubFactory(PartFactory)
    order = factory.Sequence(lambda n: n + 1)
    summary = "What this lesson covers."
    body_markdown = "## A heading\n\nSome lesson text."


class ExerciseFactory(DjangoModelFactory):
    class Meta:
        model = Exercise

    number = factory.Sequence(lambda n: n + 1)
    slug = factory.Sequence(lambda n: f"exercise-{n}")
    title = factory.Sequence(lambda n: f"Exercise {n}")
    lesson = factory.SubFactory(LessonFactory)
    pairing = Exercise.Pairing.PAIR
    minutes = 20
    intro_markdown = "Think on your own first."


class QuestionFactory(DjangoModelFactory):
    class Meta:
        model = Question

    exercise = factory.SubFactory(ExerciseFactory)
    key = factory.Sequence(lambda n: f"question-{n}")
    order = factory.Sequence(lambda n: n + 1)
    stage = Question.Stage.INDIVIDUAL
    text_markdown = "What do you think?"


class LessonProgressFactory(DjangoModelFactory):
    class Meta:
        model = LessonProgress

    user = factory.SubFactory(UserFactory)
    lesson = factory.SubFactory(LessonFactory)
    last_viewed_at = factory.Faker("date_time_this_year", tzinfo=__import__("datetime").UTC)


def second_factor_for(user) -> str:
    """Turn on two-factor sign-in (an authenticator app) for `user`, as enrolling on the
    page would; returns the app's secret, from which a test can compute codes."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    return secret


def totp_code(secret: str, *, at=None) -> str:
    """The six-digit code an authenticator app shows for `secret` now (or `at`)."""
    counter = int((time.time() if at is None else at) // 30)
    return format_hotp_value(hotp_value(secret, counter))
