"""Invitations an organisation administrator sends to staff, and staff lists waiting to
be imported. Both hold the invitee's name and email address: see reflections.export for
when they are erased, and reflections.retention for when they are removed."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.emails import email_normalise
from accounts.models import Organisation, Team, User, name_validator

# The roles an organisation administrator may give. Trainer and administrator are the
# course's own (platform) roles, given only in the Django admin.
ORGANISATION_ROLES = (
    User.Role.PRACTITIONER,
    User.Role.TEAM_MANAGER,
    User.Role.ORGANISATION_ADMIN,
)
ORGANISATION_ROLE_CHOICES = [(role.value, role.label) for role in ORGANISATION_ROLES]

# A staff list waits this long between its upload and "Import": long enough to check
# it, short enough that names and addresses do not linger.
STAFF_IMPORT_HOURS = 24


def _new_token():
    return secrets.token_urlsafe(32)


class StaffInvitationQuerySet(models.QuerySet):
    def unaccepted(self):
        return self.filter(accepted_at__isnull=True)

    def pending(self, *, now=None):
        """Not accepted and not expired: the link still works."""
        return self.unaccepted().filter(created_at__gt=StaffInvitation.expiry_cutoff(now))

    def expired(self, *, now=None):
        return self.unaccepted().filter(created_at__lte=StaffInvitation.expiry_cutoff(now))


class StaffInvitation(models.Model):
    """An organisation administrator's invitation to one person, by email address.

    The link sets a password for a new account, or (signed in) brings an existing
    account with that verified address into the organisation.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="staff_invitations"
    )
    # Stored in its normal form (accounts.emails), as User.email is.
    email = models.EmailField("email address")
    full_name = models.CharField(max_length=150, validators=[name_validator])
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    job_role = models.CharField("job role", max_length=150, blank=True, validators=[name_validator])
    role = models.CharField(
        max_length=20, choices=ORGANISATION_ROLE_CHOICES, default=User.Role.PRACTITIONER
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    token = models.CharField(max_length=64, unique=True, default=_new_token, editable=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    # The account that accepted: the invitation is erased with it.
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="staff_invitations_accepted",
    )

    objects = StaffInvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organisation", "email"])]

    def __str__(self):
        return f"Invitation {self.pk} to {self.organisation}"

    def save(self, *args, **kwargs):
        self.email = email_normalise(self.email)
        super().save(*args, **kwargs)

    @staticmethod
    def expiry_cutoff(now=None):
        """Invitations created at or before this moment have expired."""
        return (now or timezone.now()) - timedelta(days=settings.STAFF_INVITATION_DAYS)

    @property
    def expires_at(self):
        return self.created_at + timedelta(days=settings.STAFF_INVITATION_DAYS)

    @property
    def is_expired(self):
        return self.created_at <= self.expiry_cutoff()


class StaffImportQuerySet(models.QuerySet):
    def unexpired(self, *, now=None):
        return self.filter(created_at__gt=StaffImport.expiry_cutoff(now))

    def expired(self, *, now=None):
        return self.filter(created_at__lte=StaffImport.expiry_cutoff(now))


class StaffImport(models.Model):
    """A staff list uploaded for import, kept between the preview and "Import".

    `rows` holds each non-blank line of the file as it was read (line number and the
    five cells as text); it is checked again on every view and when applied, so nothing
    in it is trusted. Deleted once applied, or removed after STAFF_IMPORT_HOURS.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_imports"
    )
    created_at = models.DateTimeField(default=timezone.now)
    rows = models.JSONField(default=list)

    objects = StaffImportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Staff import {self.pk} ({len(self.rows)} rows)"

    @staticmethod
    def expiry_cutoff(now=None):
        return (now or timezone.now()) - timedelta(hours=STAFF_IMPORT_HOURS)
