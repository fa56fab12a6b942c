from django.db import transaction

from audit.services import audit_record

from .emails import email_domain
from .models import OrganisationDomain, Team, User


@transaction.atomic
def membership_from_verified_email(*, user: User, email: str) -> bool:
    """A person who has just verified `email` joins the organisation that owns its
    domain, if they belong to none yet. Returns whether they joined.

    Belonging is proven, never chosen: only a verified address (or an invitation from
    the organisation's administrator) makes someone a member.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.organisation_id is not None:
        return False
    domain = OrganisationDomain.objects.filter(domain=email_domain(email)).first()
    if domain is None:
        return False
    user.organisation_id = domain.organisation_id
    user.team = None
    user.save(update_fields=["organisation", "team"])
    audit_record(
        action="organisation.joined",
        actor=user,
        target=user,
        organisation=domain.organisation_id,
        via="verified email domain",
    )
    return True


class TeamChoiceError(Exception):
    """The team cannot be chosen; the message is written for the person."""


@transaction.atomic
def team_choose(*, user: User, team: Team) -> User:
    """A new member picks their team, once. Later moves are for their organisation's
    administrator."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.team_id is not None:
        raise TeamChoiceError(
            "Your team is already set. Your organisation's administrator can change it."
        )
    if user.organisation_id is None or team.organisation_id != user.organisation_id:
        raise TeamChoiceError("Choose one of your organisation's teams.")
    user.team = team
    user.save(update_fields=["team"])
    audit_record(action="account.team_chosen", actor=user, target=user, team=team.pk)
    return user
