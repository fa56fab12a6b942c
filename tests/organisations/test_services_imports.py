"""Importing a staff list: all or nothing, checked again when applied."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from audit.models import AuditEvent
from organisations.imports import staff_file_read
from organisations.models import StaffImport, StaffInvitation
from organisations.services import (
    StaffImportRefused,
    staff_import_apply,
    staff_import_create,
    staff_invitation_send,
)

pytestmark = pytest.mark.django_db(transaction=True)

GOOD = (
    "name,email,team,job role,role\n"
    "Ann One,ann@example.org,Children in Care,Social worker,Practitioner\n"
    "Ben Two,ben@example.org,,,Team manager\n"
    "Cat Three,cat@example.org,children in care,,\n"
)


def upload(admin, text=GOOD):
    return staff_import_create(admin=admin, rows=staff_file_read(text.encode()))


def test_an_upload_is_kept_for_its_admin_and_organisation(org_admin, team):
    staff_import = upload(org_admin)

    assert (staff_import.created_by, staff_import.organisation) == (org_admin, team.organisation)
    assert [row["name"] for row in staff_import.rows] == ["Ann One", "Ben Two", "Cat Three"]
    assert AuditEvent.objects.get(action="organisation.staff_list_uploaded").detail["rows"] == 3


def test_a_practitioner_cannot_upload(practitioner):
    with pytest.raises(PermissionDenied):
        upload(practitioner)


def test_applying_invites_every_row_and_emails_each(org_admin, team):
    invitations = staff_import_apply(admin=org_admin, staff_import=upload(org_admin))

    assert {(i.email, i.role, i.team_id) for i in invitations} == {
        ("ann@example.org", "practitioner", team.pk),
        ("ben@example.org", "team_manager", None),
        ("cat@example.org", "practitioner", team.pk),
    }
    assert StaffInvitation.objects.count() == 3
    assert sorted(message.to[0] for message in mail.outbox) == [
        "ann@example.org",
        "ben@example.org",
        "cat@example.org",
    ]


def test_applying_deletes_the_staff_list_and_is_audited(org_admin, team):
    staff_import = upload(org_admin)

    staff_import_apply(admin=org_admin, staff_import=staff_import)

    assert not StaffImport.objects.exists()
    assert AuditEvent.objects.filter(action="organisation.invitation_sent").count() == 3
    summary = AuditEvent.objects.get(action="organisation.staff_list_imported")
    assert summary.detail["invited"] == 3


def test_one_failing_row_imports_nothing(org_admin, team):
    text = GOOD + "Dan Four,not-an-address,,,\n"

    with pytest.raises(StaffImportRefused) as refused:
        staff_import_apply(admin=org_admin, staff_import=upload(org_admin, text))

    assert [check.line for check in refused.value.checks if not check.ok] == [5]
    assert not StaffInvitation.objects.exists()
    assert mail.outbox == []
    assert not AuditEvent.objects.filter(action="organisation.invitation_sent").exists()


def test_a_row_that_became_a_problem_since_the_preview_imports_nothing(org_admin, team):
    staff_import = upload(org_admin)
    staff_invitation_send(
        admin=org_admin,
        full_name="Ben Two",
        email="ben@example.org",
        team=None,
        job_role="",
        role="practitioner",
    )
    mail.outbox.clear()

    with pytest.raises(StaffImportRefused):
        staff_import_apply(admin=org_admin, staff_import=staff_import)

    assert list(StaffInvitation.objects.values_list("email", flat=True)) == ["ben@example.org"]
    assert mail.outbox == []


def test_a_team_renamed_since_the_preview_imports_nothing(org_admin, team):
    staff_import = upload(org_admin)
    team.name = "Looked After Children"
    team.save()

    with pytest.raises(StaffImportRefused):
        staff_import_apply(admin=org_admin, staff_import=staff_import)

    assert not StaffInvitation.objects.exists()


def test_another_admin_cannot_apply_someone_elses_staff_list(org_admin, team, elsewhere):
    staff_import = upload(org_admin)

    with pytest.raises(StaffImport.DoesNotExist):
        staff_import_apply(admin=elsewhere["admin"], staff_import=staff_import)

    assert not StaffInvitation.objects.exists()
