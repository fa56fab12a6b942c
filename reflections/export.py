"""Everything the service holds about one person: exported as JSON, or erased.

`USER_DATA` is the register of every model that holds a person's data. Export and
erasure both work from it, and a test walks all installed models and fails when one
that points at a person is neither in the register nor in `NOT_ERASED` (with a reason).
"""

from dataclasses import dataclass

from allauth.account.models import EmailAddress, EmailConfirmation
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount, SocialToken
from allauth.usersessions.models import UserSession
from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone

from accounts.models import Notice, User
from audit.logs import EXPORT, security_event
from audit.models import AuditEvent
from audit.services import audit_record
from modules.models import LessonProgress
from organisations.models import StaffInvitation

from .models import (
    Answer,
    AnswerVersion,
    Certificate,
    Commitment,
    ExerciseResponse,
    Share,
    answer_text_decode,
)

FORMAT_VERSION = 1


@dataclass(frozen=True)
class Holding:
    """One model holding a person's data, and the lookups from its rows to that person."""

    model: type
    owner_lookups: tuple

    def rows_of(self, user):
        condition = Q()
        for lookup in self.owner_lookups:
            condition |= Q(**{lookup: user.pk})
        return self.model._default_manager.filter(condition)


# In erasure order: rows that point at others first.
USER_DATA = (
    Holding(AnswerVersion, ("answer__response__user",)),
    Holding(Answer, ("response__user",)),
    Holding(Commitment, ("response__user",)),
    Holding(ExerciseResponse, ("user",)),
    # The certificate of completion. Who revoked one (`revoked_by`, an administrator) is
    # not its holder: that link becomes empty when the administrator's account goes.
    Holding(Certificate, ("user",)),
    Holding(LessonProgress, ("user",)),
    Holding(Share, ("owner", "colleague")),
    # The invitation the person accepted (their name and address as the administrator
    # typed them). Invitations never accepted are linked to nobody: they are removed
    # by the daily retention run (reflections.retention).
    Holding(StaffInvitation, ("accepted_by",)),
    Holding(Notice, ("user",)),
    Holding(EmailConfirmation, ("email_address__user",)),
    Holding(EmailAddress, ("user",)),
    Holding(Authenticator, ("user",)),
    Holding(UserSession, ("user",)),
    Holding(SocialToken, ("account__user",)),
    Holding(SocialAccount, ("user",)),
    Holding(User, ("pk",)),
)

# Models that point at a person but are deliberately kept on erasure, and why.
NOT_ERASED = {
    # A trail of who did what, holding ids and short facts only (never answer text);
    # the actor becomes empty (SET_NULL) when the account goes. Exported all the same.
    "audit.AuditEvent": "ids only; actor is set to null when the account is deleted",
    # The administration site's own history of staff edits: it is removed with the
    # staff member's account (CASCADE) and holds object names, not answers.
    "admin.LogEntry": "staff-only admin history; removed with the account by CASCADE",
    # Lesson text edited by a trainer is course content, not personal data; the author
    # link becomes empty (SET_NULL) so the lesson's history survives.
    "modules.LessonRevision": "course content; author is set to null on deletion",
    # A trainer's unpublished draft, and who checked a lesson's law when: course
    # content too, kept when the trainer's account goes (the link becomes empty).
    "course_editing.LessonDraft": "course content; author is set to null on deletion",
    "course_editing.LegalReview": "course content; reviewer is set to null on deletion",
    # Which people manage a team is organisation structure; the link row is removed
    # with the account.
    "accounts.Team": "team membership of managers; link rows removed with the account",
    # A staff list an organisation administrator uploaded and has not imported yet: other
    # people's names and addresses, not the administrator's own data, so not exported.
    # Removed with the administrator's account (CASCADE), on import, or within a day.
    "organisations.StaffImport": "other people's details; removed with the account by CASCADE",
    # When a team manager reminded a member of the course: each is exported as its audit
    # event; the rows go with the member's account (CASCADE), the sender becomes empty.
    "team_progress.Nudge": "exported as audit events; removed with the member by CASCADE",
}
# Stores that hold a person's data without a foreign key: Django's sessions (ended with
# the person's UserSession rows on deletion; any other stops working once the account
# is gone) and the cache of rate-limit counts (hashed addresses, gone within the hour).
# What each holding and store is, who sees it and how long it is kept: reflections.privacy
# (rendered as the table in docs/privacy.md); the rules that remove it: reflections.retention.


def _iso(moment):
    return moment.isoformat() if moment else None


def _account(user):
    return {
        "email": user.email,
        "full_name": user.full_name,
        "job_role": user.job_role,
        "role": user.get_role_display(),
        "organisation": user.organisation.name if user.organisation else None,
        "team": user.team.name if user.team else None,
        "date_joined": _iso(user.date_joined),
        "last_login": _iso(user.last_login),
    }


def _lesson_progress(user):
    return [
        {
            "lesson": progress.lesson.title,
            "started_at": _iso(progress.started_at),
            "last_viewed_at": _iso(progress.last_viewed_at),
            "completed_at": _iso(progress.completed_at),
            "read_again_at": _iso(progress.read_again_at),
        }
        for progress in LessonProgress.objects.for_user(user)
        .select_related("lesson")
        .order_by("lesson__order")
    ]


def _responses(user):
    answers = Answer.objects.select_related("question").prefetch_related(
        Prefetch("versions", queryset=AnswerVersion.objects.order_by("version"))
    )
    responses = (
        ExerciseResponse.objects.owned_by(user)
        .select_related("exercise")
        .prefetch_related(Prefetch("answers", queryset=answers))
        .order_by("exercise__number")
    )
    return [
        {
            "exercise": response.exercise.number,
            "exercise_title": response.exercise.title,
            "created_at": _iso(response.created_at),
            "last_saved_at": _iso(response.last_saved_at),
            "submitted_at": _iso(response.submitted_at),
            "answers": [_answer(answer) for answer in response.answers.all()],
        }
        for response in responses
    ]


def _answer(answer):
    return {
        "question": answer.question.key,
        "text": answer.typed_text,
        "version": answer.version,
        "updated_at": _iso(answer.updated_at),
        "history": [
            {"version": v.version, "text": v.typed_text, "saved_at": _iso(v.saved_at)}
            for v in answer.versions.all()
        ],
    }


def _commitments(user):
    return [
        {
            "exercise": commitment.response.exercise.number,
            "due_on": commitment.due_on.isoformat(),
            "review_on": commitment.review_on.isoformat(),
            "review_outcome": answer_text_decode(commitment.review_outcome),
            "reviewed_at": _iso(commitment.reviewed_at),
            "reminder_sent_for": _iso(commitment.reminder_sent_for),
            "updated_at": _iso(commitment.updated_at),
        }
        for commitment in Commitment.objects.filter(response__user=user).select_related(
            "response__exercise"
        )
    ]


def _certificate(user):
    certificate = Certificate.objects.filter(user=user).first()
    if certificate is None:
        return None
    return {
        "code": certificate.code_grouped,
        "completed_on": certificate.completed_on.isoformat(),
        "cpd_minutes": certificate.cpd_minutes,
        "issued_at": _iso(certificate.issued_at),
        "revoked_at": _iso(certificate.revoked_at),
        "revoke_reason": certificate.revoke_reason,
    }


def _shares(user):
    """The shares this person is part of: the partner's name, never the partner's answers."""
    shares = (
        Share.objects.involving(user)
        .select_related("exercise", "owner", "colleague")
        .order_by("created_at")
    )
    rows = []
    for share in shares:
        started = share.owner_id == user.pk
        partner = share.partner_of(user)
        rows.append(
            {
                "exercise": share.exercise.number,
                "you_asked": started,
                "partner": partner.full_name if partner else None,
                "invited_email": share.invited_email if started else "",
                "status": share.get_status_display(),
                "created_at": _iso(share.created_at),
                "responded_at": _iso(share.responded_at),
                "ended_at": _iso(share.ended_at),
            }
        )
    return rows


def _invitations(user):
    """The organisation invitation this person accepted, as the administrator wrote it."""
    invitations = (
        StaffInvitation.objects.filter(accepted_by=user)
        .select_related("organisation", "team")
        .order_by("accepted_at")
    )
    return [
        {
            "organisation": invitation.organisation.name,
            "email": invitation.email,
            "full_name": invitation.full_name,
            "team": invitation.team.name if invitation.team else None,
            "job_role": invitation.job_role,
            "role": invitation.get_role_display(),
            "invited_at": _iso(invitation.created_at),
            "accepted_at": _iso(invitation.accepted_at),
        }
        for invitation in invitations
    ]


def _sign_in(user):
    """How this person signs in: addresses, second factor, sessions, single sign-on. Never
    a secret (no password hash, authenticator secret or recovery code)."""
    return {
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in EmailAddress.objects.filter(user=user).order_by("pk")
        ],
        "second_factor": [
            {
                "type": authenticator.get_type_display(),
                "created_at": _iso(authenticator.created_at),
                "last_used_at": _iso(authenticator.last_used_at),
            }
            for authenticator in Authenticator.objects.filter(user=user).order_by("pk")
        ],
        "sessions": [
            {
                "signed_in_at": _iso(session.created_at),
                "ip_address": session.ip,
                "browser": session.user_agent,
            }
            for session in UserSession.objects.filter(user=user).order_by("created_at")
        ],
        "single_sign_on": [
            {"provider": account.provider, "account_id": account.uid}
            for account in SocialAccount.objects.filter(user=user).order_by("pk")
        ],
    }


def _notices(user):
    return [
        {
            "text": notice.text,
            "created_at": _iso(notice.created_at),
            "shown_at": _iso(notice.shown_at),
        }
        for notice in Notice.objects.filter(user=user)
    ]


def _audit_events(user):
    events = AuditEvent.objects.filter(
        Q(actor=user) | Q(target_type=User._meta.label_lower, target_id=str(user.pk))
    ).order_by("created_at", "id")
    return [
        {
            "at": _iso(event.created_at),
            "action": event.action,
            "target_type": event.target_type,
            "target_id": event.target_id,
            "detail": event.detail,
        }
        for event in events
    ]


def user_data_export(*, user) -> dict:
    """All of `user`'s own data (a fixed number of queries, whatever its size)."""
    user = User.objects.select_related("organisation", "team").get(pk=user.pk)
    return {
        "format_version": FORMAT_VERSION,
        "exported_at": _iso(timezone.now()),
        "account": _account(user),
        "sign_in": _sign_in(user),
        "lesson_progress": _lesson_progress(user),
        "exercise_responses": _responses(user),
        "commitments": _commitments(user),
        "certificate": _certificate(user),
        "shares": _shares(user),
        "organisation_invitations": _invitations(user),
        "notices": _notices(user),
        "audit_events": _audit_events(user),
    }


@transaction.atomic
def user_data_export_record(*, user, actor=None, via="download") -> dict:
    """Export `user`'s data and note that it was exported (ids only)."""
    data = user_data_export(user=user)
    audit_record(action="account.data_exported", actor=actor or user, target=user, via=via)
    security_event(EXPORT, user=actor or user, kind="data_json", account_id=user.pk, via=via)
    return data


@transaction.atomic
def account_delete(*, user, via: str | None = None) -> None:
    """Erase `user`'s answers, history, commitments, certificate, progress and shares, then
    the account.

    Live shares end first, so from this moment a partner gets nothing (404). The audit
    event keeps the account's id and counts only (and `via`, when something other than
    the person asked: the retention run). The account is deleted rather than
    anonymised: nothing it held is needed once the person has gone, and a deleted row
    cannot leak.
    """
    live_share_ids = list(Share.objects.involving(user).live().values_list("pk", flat=True))
    Share.objects.filter(pk__in=live_share_ids).update(
        status=Share.Status.ENDED, ended_at=timezone.now()
    )
    erased = {}
    for holding in USER_DATA:
        if holding.model is User:
            # Recorded while the row still exists; only its id is kept.
            audit_record(
                action="account.deleted",
                target=user,
                # The account row goes next: its id stays here, where nothing removes it.
                user_id=user.pk,
                shares_ended=live_share_ids,
                erased=erased,
                **({"via": via} if via else {}),
            )
        _count, by_model = holding.rows_of(user).delete()
        erased[holding.model._meta.label] = by_model.get(holding.model._meta.label, 0)
