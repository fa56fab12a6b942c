from django.db import transaction

from audit.services import audit_record

from .models import Organisation, Team, User


@transaction.atomic
def user_register(
    *,
    email: str,
    password: str,
    full_name: str,
    organisation: Organisation,
    team: Team,
    job_role: str,
) -> User:
    """Create a practitioner's account. Existing emails are refused by the caller's form."""
    user = User.objects.create_user(
        email=email,
        password=password,
        full_name=full_name,
        organisation=organisation,
        team=team,
        job_role=job_role,
    )
    audit_record(action="account.registered", actor=user, target=user)
    return user
