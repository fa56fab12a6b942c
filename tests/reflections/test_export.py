import json
from io import StringIO

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import User
from audit.models import AuditEvent
from modules.models import LessonProgress
from organisations.models import StaffInvitation
from reflections.export import NOT_ERASED, USER_DATA, account_delete, user_data_export
from reflections.models import (
    Answer,
    AnswerVersion,
    Certificate,
    Commitment,
    ExerciseResponse,
    Share,
)
from reflections.services.certificates import certificate_revoke
from tests.factories import UserFactory, second_factor_for
from tests.reflections.factories import CertificateFactory, CommitmentFactory

from .records_data import accepted_share, answer_everything, commitment, complete_lessons

pytestmark = pytest.mark.django_db


def _holds_user_data(model, holders):
    for field in model._meta.get_fields():
        if not (field.is_relation and field.concrete and field.related_model):
            continue
        target = field.related_model
        if target._meta.label == settings.AUTH_USER_MODEL or target in holders:
            return True
    return False


def models_holding_user_data():
    """Every model with a foreign key (or one-to-one, or many-to-many) to a person, or to a
    model that has one, found by walking all installed models."""
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    holders = set()
    while True:
        found = {
            model
            for model in apps.get_models()
            if model is not user_model and model not in holders and _holds_user_data(model, holders)
        }
        if not found:
            return holders
        holders |= found


def test_every_model_holding_a_persons_data_is_exported_and_erased_or_explained():
    registered = {holding.model for holding in USER_DATA}
    missing = [
        model._meta.label
        for model in models_holding_user_data()
        if model not in registered and model._meta.label not in NOT_ERASED
    ]

    assert missing == [], (
        "Add these to reflections.export.USER_DATA (with their export), "
        f"or to NOT_ERASED with a reason: {missing}"
    )


def test_the_walk_finds_the_models_known_to_hold_answers():
    found = models_holding_user_data()

    assert {
        Answer,
        AnswerVersion,
        Certificate,
        Commitment,
        ExerciseResponse,
        Share,
        LessonProgress,
    } <= found


@pytest.fixture
def data(course_content, practitioner, colleague):
    answer_everything(practitioner, "MINE", versions=2)
    answer_everything(colleague, "THEIRS")
    accepted_share(practitioner, colleague, number=1)
    commitment(colleague, text="THEIR-COMMITMENT")
    CommitmentFactory(
        response=ExerciseResponse.objects.get(user=practitioner, exercise__number=4),
        due_on="2030-01-01",
        review_on="2030-02-01",
    )
    complete_lessons(practitioner, 3)
    CertificateFactory(user=practitioner, code="K7QF9M2XPD4R8T3H")
    return practitioner


def test_export_holds_every_answer_with_its_history(data):
    exported = user_data_export(user=data)

    answers = [a for r in exported["exercise_responses"] for a in r["answers"]]
    assert len(answers) == Answer.objects.filter(response__user=data).count()
    first = answers[0]
    assert first["text"].startswith("MINE ")
    assert [v["version"] for v in first["history"]] == [1, 2]
    assert first["history"][0]["text"].endswith("(draft 1)")


def test_export_holds_account_progress_commitments_and_shares(data):
    exported = user_data_export(user=data)

    assert exported["account"]["email"] == "sam@example.org"
    assert exported["account"]["team"] == "Children in Care"
    assert exported["account"]["organisation"] == "Test Borough Council"
    assert len(exported["lesson_progress"]) == 3
    assert set(exported["lesson_progress"][0]) == {
        "lesson",
        "started_at",
        "last_viewed_at",
        "completed_at",
        "read_again_at",  # when they read it again after a trainer asked
    }
    assert exported["commitments"][0]["review_on"] == "2030-02-01"
    assert exported["shares"][0]["partner"] == "Alex Jones"


def test_export_holds_the_certificate(data, administrator):
    certificate_revoke(certificate=data.certificate, actor=administrator, reason="Issued in error")

    exported = user_data_export(user=data)["certificate"]

    assert exported["code"] == "K7QF-9M2X-PD4R-8T3H"
    assert exported["completed_on"] == "2026-03-03"
    assert exported["cpd_minutes"] == 185
    assert exported["revoked_at"] is not None
    assert exported["revoke_reason"] == "Issued in error"
    assert "ada@example.org" not in json.dumps(exported)  # who revoked it is not theirs


def test_no_certificate_is_exported_as_none(practitioner):
    assert user_data_export(user=practitioner)["certificate"] is None


def test_a_certificate_goes_with_its_holder_not_with_who_revoked_it(data, administrator):
    certificate_revoke(certificate=data.certificate, actor=administrator)

    account_delete(user=administrator)

    certificate = Certificate.objects.get(user=data)
    assert certificate.is_revoked
    assert certificate.revoked_by is None
    account_delete(user=data)
    assert not Certificate.objects.exists()


def test_export_never_holds_the_colleagues_answers(data):
    text = json.dumps(user_data_export(user=data))

    assert "THEIRS" not in text
    assert "THEIR-COMMITMENT" not in text


def test_export_holds_audit_events_about_the_person(data):
    AuditEvent.objects.create(
        action="account.registered", actor=data, target_type="accounts.user", target_id=str(data.pk)
    )

    exported = user_data_export(user=data)

    assert [e["action"] for e in exported["audit_events"]] == ["account.registered"]


def test_export_says_how_the_person_signs_in_without_any_secret(data):
    second_factor_for(data)

    exported = user_data_export(user=data)

    sign_in = exported["sign_in"]
    assert sign_in["email_addresses"] == [{"email": data.email, "verified": True, "primary": True}]
    assert [factor["type"] for factor in sign_in["second_factor"]] == [
        "TOTP Authenticator",
        "Recovery codes",
    ]
    text = json.dumps(exported)
    assert data.password not in text
    assert "secret" not in text.lower()


def test_export_runs_a_fixed_number_of_queries(data, django_assert_max_num_queries):
    # The account, progress, answers, commitments, the certificate, shares, organisation
    # invitations, notices, audit events and four about signing in (addresses, second
    # factor, sessions, single sign-on).
    with django_assert_max_num_queries(15):
        exported = user_data_export(user=data)
    assert len(exported["shares"]) == 1
    answer_everything(UserFactory(), "MORE")
    for number in (2, 3):
        accepted_share(data, UserFactory(), number=number)

    # The account, progress, answers, commitments, the certificate, shares, organisation
    # invitations, notices, audit events and four about signing in (addresses, second
    # factor, sessions, single sign-on).
    with django_assert_max_num_queries(15):
        exported = user_data_export(user=data)
    assert len(exported["shares"]) == 3
    answers = [a for r in exported["exercise_responses"] for a in r["answers"]]
    assert len(answers) == Answer.objects.filter(response__user=data).count()
    assert "MORE" not in json.dumps(exported)


def test_export_user_data_command_prints_the_json_and_audits(data):
    out = StringIO()

    call_command("export_user_data", "SAM@example.org", stdout=out)

    assert json.loads(out.getvalue())["account"]["full_name"] == "Sam Patel"
    event = AuditEvent.objects.get(action="account.data_exported")
    assert event.detail == {"via": "export_user_data command"}


def test_export_user_data_command_refuses_an_unknown_email(db):
    with pytest.raises(CommandError):
        call_command("export_user_data", "nobody@example.org", stdout=StringIO())


def test_account_delete_erases_everything_registered(data):
    account_delete(user=data)

    for holding in USER_DATA:
        assert not holding.rows_of(User(pk=data.pk)).exists(), holding.model._meta.label


def test_account_delete_leaves_the_colleagues_answers(data, colleague):
    count = Answer.objects.filter(response__user=colleague).count()

    account_delete(user=data)

    assert Answer.objects.filter(response__user=colleague).count() == count
    assert not Share.objects.involving(colleague).exists()


def test_account_delete_is_audited_without_personal_text(data):
    user_id = data.pk

    account_delete(user=data)

    event = AuditEvent.objects.get(action="account.deleted")
    assert event.target_id == str(user_id)
    assert event.detail["user_id"] == user_id
    assert event.actor is None
    stored = json.dumps(event.detail)
    assert "sam" not in stored.lower()
    assert "MINE" not in stored


def test_the_invitation_a_person_accepted_is_exported_and_erased(data, team):
    invitation = StaffInvitation.objects.create(
        organisation=team.organisation,
        email=data.email,
        full_name="Sam Patel",
        team=team,
        accepted_by=data,
        accepted_at="2026-01-02T03:04:05Z",
    )

    [exported] = user_data_export(user=data)["organisation_invitations"]
    account_delete(user=data)

    assert (exported["organisation"], exported["team"]) == (
        "Test Borough Council",
        "Children in Care",
    )
    assert not StaffInvitation.objects.filter(pk=invitation.pk).exists()
