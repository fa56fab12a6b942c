"""One small organisation in which every role the security tests sign in as has its
place, and every object a URL can name belongs to one practitioner, the owner.

Built once per test module (see `conftest.py`): the tests that use it run each request
in a savepoint they roll back, so no request sees what another changed.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from allauth.usersessions.models import UserSession
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.utils import timezone

from accounts.models import User
from audit.services import audit_record
from modules.models import Course, Question
from organisations.models import StaffImport, StaffInvitation
from reflections.models import AnswerVersion, Share
from tests.factories import (
    PASSWORD,
    ExerciseFactory,
    LessonFactory,
    LessonProgressFactory,
    OrganisationFactory,
    QuestionFactory,
    TeamFactory,
    UserFactory,
    second_factor_for,
)
from tests.reflections.factories import (
    AnswerFactory,
    CertificateFactory,
    CommitmentFactory,
    ExerciseResponseFactory,
    ShareFactory,
)

# Every role, in the order the matrix lists them.
ROLES = (
    "anonymous",
    "owner",  # a practitioner with answers, a share, a commitment and a certificate
    "other_practitioner",  # in the owner's team, sharing nothing with them
    "colleague",  # the owner's partner on exercise 1, answers revealed
    "former_colleague",  # the owner's partner on exercise 1 until the share ended
    "manager",  # the owner's team manager
    "other_manager",  # the manager of another team in the same organisation
    "trainer",
    "org_admin",  # the organisation's administrator
    "other_org_admin",  # the administrator of another organisation
    "administrator",  # staff and superuser
)

PRIVILEGED = (
    "manager",
    "other_manager",
    "trainer",
    "org_admin",
    "other_org_admin",
    "administrator",
)


@dataclass
class World:
    people: dict[str, User] = field(default_factory=dict)
    secrets: dict[str, str] = field(default_factory=dict)
    objects: dict[str, object] = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.objects[name]
        except KeyError:
            raise AttributeError(name) from None


def _answered(user, exercise, label):
    """`user`'s submitted response to `exercise`: each answer saved twice, so version 1
    is an earlier version in its history."""
    response = ExerciseResponseFactory(user=user, exercise=exercise, submitted_at=timezone.now())
    for question in exercise.questions.filter(stage=Question.Stage.INDIVIDUAL):
        answer = AnswerFactory(
            response=response, question=question, text=f"{label} on {question.key}", version=2
        )
        AnswerVersion.objects.create(answer=answer, version=1, text=f"{label} draft")
    return response


def _privileged(world, key, role, **fields):
    """A person in a role that needs a second factor, with it set up (its secret kept,
    so a test can compute codes)."""
    user = UserFactory(role=role, **fields)
    world.secrets[key] = second_factor_for(user)
    return user


def _other_browser(user):
    """`user` signed in on another browser too: the session and allauth's record of it."""
    key = "owner-other-browser"
    Session.objects.create(
        session_key=key, session_data="", expire_date=timezone.now() + timedelta(hours=8)
    )
    return UserSession.objects.create(
        user=user, session_key=key, ip="192.0.2.10", user_agent="Firefox"
    )


def world_build() -> World:
    world = World()
    organisation = OrganisationFactory(name="Test Borough Council")
    team = TeamFactory(organisation=organisation, name="Children in Care")
    other_team = TeamFactory(organisation=organisation, name="Assessment")
    lesson = LessonFactory(slug="the-law", title="The law")
    exercise = ExerciseFactory(number=1, lesson=lesson, title="Thinking about the law")
    QuestionFactory(exercise=exercise, key="first", order=1)
    QuestionFactory(exercise=exercise, key="together", order=2, stage=Question.Stage.PAIR)

    owner = UserFactory(team=team, full_name="Sam Owner", email="sam@example.org")
    colleague = UserFactory(team=team, full_name="Alex Colleague")
    former = UserFactory(team=team, full_name="Kim Former")
    other = UserFactory(team=team, full_name="Jo Other")
    manager = _privileged(world, "manager", User.Role.TEAM_MANAGER, team=team)
    team.managers.add(manager)
    other_manager = _privileged(world, "other_manager", User.Role.TEAM_MANAGER, team=other_team)
    other_team.managers.add(other_manager)
    trainer = _privileged(world, "trainer", User.Role.TRAINER, team=other_team)
    org_admin = _privileged(world, "org_admin", User.Role.ORGANISATION_ADMIN, team=other_team)
    elsewhere = TeamFactory(organisation=OrganisationFactory(name="Other County Council"))
    other_org_admin = _privileged(
        world, "other_org_admin", User.Role.ORGANISATION_ADMIN, team=elsewhere
    )
    administrator = _privileged(
        world,
        "administrator",
        User.Role.ADMINISTRATOR,
        team=None,
        organisation=None,
        is_staff=True,
        is_superuser=True,
    )

    response = _answered(owner, exercise, "Sam")
    _answered(colleague, exercise, "Alex")
    _answered(former, exercise, "Kim")
    share = ShareFactory(
        owner=owner, colleague=colleague, exercise=exercise, status=Share.Status.ACCEPTED
    )
    ended_share = ShareFactory(
        owner=owner, colleague=former, exercise=exercise, status=Share.Status.ENDED, ended_by=owner
    )
    world.people = {
        "owner": owner,
        "other_practitioner": other,
        "colleague": colleague,
        "former_colleague": former,
        "manager": manager,
        "other_manager": other_manager,
        "trainer": trainer,
        "org_admin": org_admin,
        "other_org_admin": other_org_admin,
        "administrator": administrator,
    }
    world.objects = {
        "organisation": organisation,
        "team": team,
        "lesson": lesson,
        "exercise": exercise,
        "share": share,
        "ended_share": ended_share,
        "commitment": CommitmentFactory(response=response),
        "certificate": CertificateFactory(user=owner),
        "revision": lesson.revisions.create(
            title=lesson.title, body_markdown=lesson.body_markdown, source="file"
        ),
        "staff_invitation": StaffInvitation.objects.create(
            organisation=organisation,
            email="new.person@example.org",
            full_name="New Person",
            team=team,
            invited_by=org_admin,
        ),
        "staff_import": StaffImport.objects.create(
            organisation=organisation, created_by=org_admin, rows=[]
        ),
        "owner_session": _other_browser(owner),
    }
    _admin_rows(world)
    return world


def _admin_rows(world):
    """A row for each model the administration site lists, so that its pages about one
    row open on a real one: the owner's where the row is someone's."""
    owner = world.people["owner"]
    Group.objects.create(name="Reviewers")
    Course.objects.create(title="CSE", summary="S", audience="A", source_citation="Sen, R. (2017)")
    LessonProgressFactory(user=owner, lesson=world.lesson)
    audit_record(action="test.event", actor=owner)
    app = SocialApp.objects.create(
        provider="openid_connect", provider_id="council", name="Council", client_id="c"
    )
    account = SocialAccount.objects.create(user=owner, provider="council", uid="sam")
    SocialToken.objects.create(app=app, account=account, token="not-a-token")


__all__ = ["PASSWORD", "PRIVILEGED", "ROLES", "World", "world_build"]
