"""The email a person gets when their organisation's administrator changes their role."""

import pytest
from django.core import mail

from organisations.services import member_role_set

pytestmark = pytest.mark.django_db


def test_it_names_the_organisations_administrator_as_the_one_who_changed_it(
    org_admin, practitioner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        member_role_set(admin=org_admin, person=practitioner, role="team_manager")

    [email] = mail.outbox
    assert email.to == [practitioner.email]
    assert f"{org_admin.full_name}, your organisation's administrator, changed" in email.body
    assert "a course administrator" not in email.body
