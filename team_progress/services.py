"""Writes for the team managers' pages: sending reminders (nudges).

Who may be reminded is decided in team_progress.selectors: a member of a team the
manager manages, active and verified, who has not started the course or has done
nothing in it for TEAM_INACTIVE_DAYS, and whom nobody has reminded in
NUDGE_INTERVAL_DAYS. The email says only that the manager reminds them of the course,
with a link to it: nothing of their progress.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.urls import reverse

from accounts.mail import message_build, site_link
from accounts.models import Team, User
from audit.services import audit_record_many
from outbox.services import email_queue

from . import selectors
from .models import Nudge


class NudgeRefused(ObjectDoesNotExist):
    """A person asked for is not a member of a team the manager manages (or the team is
    not theirs): nothing is sent."""

    def __init__(self, member_ids: Iterable[int]):
        self.member_ids = sorted(member_ids)
        super().__init__("Not in your team.")


@dataclass
class NudgeResult:
    sent: list[User] = field(default_factory=list)
    # Members of the team who were asked for but are not due a reminder: in progress
    # and active, completed, or reminded within NUDGE_INTERVAL_DAYS.
    not_due: list[User] = field(default_factory=list)


@transaction.atomic
def nudges_send(*, manager: User, team: Team, member_ids: Iterable[int]) -> NudgeResult:
    """Remind each of `member_ids` who may be reminded, by email; record each reminder
    (a Nudge and an audit event). Raise NudgeRefused, sending nothing, when any of them
    is not a member of `team` or `manager` does not manage it.

    The people asked for are locked first (in order of id), so two managers sending at
    once cannot both remind the same person: the second sees the first's Nudge."""
    wanted = set(member_ids)
    team = selectors.team_get(manager=manager, team_id=team.pk)
    list(
        User.objects.select_for_update()
        .filter(pk__in=wanted, team_id=team.pk)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    members = list(
        selectors.managed_members(manager=manager, team=team).filter(pk__in=wanted).order_by("pk")
    )
    missing = wanted - {member.pk for member in members}
    if missing:
        raise NudgeRefused(missing)
    result = NudgeResult()
    for member in members:
        if member.may_nudge:
            _nudge(manager=manager, team=team, member=member)
            result.sent.append(member)
        else:
            result.not_due.append(member)
    audit_record_many(
        action="team_progress.nudged",
        actor=manager,
        targets=[(member, {"team_id": team.pk}) for member in result.sent],
    )
    return result


def _nudge(*, manager: User, team: Team, member: User) -> Nudge:
    context = {
        "name": member.get_short_name(),
        "sender": manager.get_full_name() or manager.email,
        "link": site_link(reverse("modules:home")),
    }
    message = message_build(
        subject_template="team_progress/email/nudge_subject.txt",
        body_template="team_progress/email/nudge.txt",
        context=context,
        to=member.email,
    )
    delivery = email_queue(message=message, purpose="team_progress/nudge")
    return Nudge.objects.create(member=member, team=team, sent_by=manager, email=delivery)
