"""The benchmark's organisation and its sign-ins.

`organisation_seed` builds a realistic organisation in a few seconds (bulk-created):
practitioners in teams, one team much larger than the rest with a team manager (who has
set up two-factor sign-in), and progress and answers spread across the course with a
fixed random seed, so every run measures the same data.

`sign_ins_create` signs people in without the sign-in page: it writes sessions holding
what Django, allauth and accounts.middleware keep after a real sign-in (with the second
factor for the manager), and returns the cookies a load generator sends.
"""

import random
import time
from dataclasses import dataclass
from datetime import timedelta
from importlib import import_module

from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.middleware.csrf import CSRF_SESSION_KEY, _get_new_csrf_string
from django.utils import timezone

from accounts.middleware import session_start
from accounts.models import Organisation, Team, User
from modules.models import Exercise, Lesson, LessonProgress, Question
from reflections.models import Answer, AnswerVersion, ExerciseResponse
from reflections.services.answers import answer_save

ORGANISATION_NAME = "Benchmark Borough Council"
EMAIL_DOMAIN = "bench.example.org"
MANAGER_EMAIL = f"manager@{EMAIL_DOMAIN}"
ANSWER_TEXT = "A reflection of some length, as practitioners write them. " * 6


@dataclass(frozen=True)
class SeededOrganisation:
    organisation: Organisation
    large_team: Team
    manager: User
    practitioners: int


@transaction.atomic
def organisation_seed(
    *, practitioners: int = 2_000, teams: int = 40, large_team: int = 500, seed: int = 2017
) -> SeededOrganisation:
    """Create the organisation (the course must be loaded first). A fifth of the
    practitioners have not started, a third have finished, the rest are part way; each
    has answered the exercises of the lessons they have reached, with one history entry
    per answer, and half of those part way have submitted them."""
    if not 0 < large_team <= practitioners or teams < 2:
        raise ValueError("Need at least two teams and a large team no bigger than everyone.")
    chance = random.Random(seed)
    now = timezone.now()
    organisation = Organisation.objects.create(name=ORGANISATION_NAME)
    all_teams = Team.objects.bulk_create(
        Team(organisation=organisation, name=f"Team {n:02}") for n in range(1, teams + 1)
    )
    large, others = all_teams[0], all_teams[1:]
    share, left = divmod(practitioners - large_team, len(others))
    sizes = [large_team] + [share + (n < left) for n in range(len(others))]
    people = User.objects.bulk_create(
        User(
            email=f"practitioner-{team_number:02}-{n:04}@{EMAIL_DOMAIN}",
            full_name=f"Practitioner {team_number:02}-{n:04}",
            job_role=chance.choice(["Social worker", "Senior practitioner", "Family support"]),
            organisation=organisation,
            team=team,
            password=make_password(None),  # unusable: bench signs in through sessions
        )
        for team_number, (team, size) in enumerate(zip(all_teams, sizes, strict=True), 1)
        for n in range(size)
    )
    manager = User.objects.create(
        email=MANAGER_EMAIL,
        full_name="Benchmark Manager",
        role=User.Role.TEAM_MANAGER,
        organisation=organisation,
        team=large,
        password=make_password(None),
    )
    large.managers.add(manager)
    EmailAddress.objects.bulk_create(
        EmailAddress(user=person, email=person.email, primary=True, verified=True)
        for person in [*people, manager]
    )
    TOTP.activate(manager, generate_totp_secret())
    RecoveryCodes.activate(manager)
    _progress_seed(people, chance=chance, now=now)
    return SeededOrganisation(organisation, large, manager, len(people))


def _progress_seed(people, *, chance: random.Random, now) -> None:
    lessons = list(Lesson.objects.order_by("part__order", "order"))
    exercises = list(Exercise.objects.order_by("number"))
    questions = {
        exercise.pk: list(Question.objects.filter(exercise=exercise, stage="individual"))
        for exercise in exercises
    }
    progress, responses = [], []
    for person in people:
        roll = chance.random()
        if roll < 0.2:
            done = 0
        elif roll > 0.67:
            done = len(lessons)
        else:
            done = chance.randrange(1, len(lessons))
        seen = now - timedelta(days=chance.randrange(0, 90), minutes=chance.randrange(0, 1440))
        reached = lessons[:done]
        progress.extend(
            LessonProgress(user=person, lesson=lesson, last_viewed_at=seen, completed_at=seen)
            for lesson in reached
        )
        for exercise in exercises:
            if exercise.lesson in reached:
                submitted = seen if done == len(lessons) or chance.random() < 0.5 else None
                responses.append(
                    ExerciseResponse(
                        user=person, exercise=exercise, last_saved_at=seen, submitted_at=submitted
                    )
                )
    LessonProgress.objects.bulk_create(progress, batch_size=5_000)
    ExerciseResponse.objects.bulk_create(responses, batch_size=5_000)
    answers = Answer.objects.bulk_create(
        (
            Answer(response=response, question=question, text=ANSWER_TEXT, version=1)
            for response in responses
            for question in questions[response.exercise_id]
        ),
        batch_size=5_000,
    )
    AnswerVersion.objects.bulk_create(
        (
            AnswerVersion(answer=answer, version=1, text=ANSWER_TEXT, kind=AnswerVersion.Kind.SAVE)
            for answer in answers
        ),
        batch_size=5_000,
    )


@dataclass(frozen=True)
class SignIn:
    """What a load generator sends to be `user`: a Cookie header and the CSRF token."""

    user: User
    cookie: str
    csrf_token: str


def sign_in_create(user: User, *, second_factor: bool = False) -> SignIn:
    """A session as a real sign-in leaves it (password, and the authenticator app when
    `second_factor`), and a CSRF cookie."""
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    now = time.time()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    methods = [{"method": "password", "at": now, "email": user.email}]
    if second_factor:
        authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
        methods.append({"method": "mfa", "at": now, "id": authenticator.pk, "type": "totp"})
    store[AUTHENTICATION_METHODS_SESSION_KEY] = methods
    session_start(store, now=now)
    token = _get_new_csrf_string()
    if settings.CSRF_USE_SESSIONS:
        store[CSRF_SESSION_KEY] = token
    store.create()
    cookie = f"{settings.SESSION_COOKIE_NAME}={store.session_key}"
    if not settings.CSRF_USE_SESSIONS:
        cookie += f"; {settings.CSRF_COOKIE_NAME}={token}"
    return SignIn(user=user, cookie=cookie, csrf_token=token)


def practitioners_for_load(count: int) -> list[User]:
    """`count` practitioners of the organisation, spread over its teams."""
    people = list(
        User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}", role=User.Role.PRACTITIONER)
        .order_by("email")
        .only("pk", "email", "password")
    )
    if len(people) < count:
        raise ValueError(f"Only {len(people)} practitioners to sign in, {count} wanted.")
    step = len(people) // count
    return [people[n * step] for n in range(count)]


def answer_version_prepare(user: User, question: Question) -> int:
    """Save `user`'s answer to `question` once through the course's own service, and
    return the version the next save must be based on."""
    current = (
        Answer.objects.filter(response__user=user, question=question)
        .values_list("version", flat=True)
        .first()
    )
    result = answer_save(
        user=user,
        exercise=question.exercise,
        question=question,
        text=f"Benchmark starting text for {user.pk}.",
        base_version=current or 0,
        kind=AnswerVersion.Kind.SAVE,
    )
    return result.version
