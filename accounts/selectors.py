"""Reads about accounts, scoped to the person asking."""

from datetime import datetime, timedelta

from allauth.socialaccount.models import SocialApp
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count, QuerySet
from django.utils import timezone

from .models import Organisation, User


def user_session_of(*, user: User) -> QuerySet[UserSession]:
    """The signed-in sessions of `user` that are still live (the list a person sees of
    their own), in one query: a session ended or expired elsewhere is left out."""
    live = Session.objects.filter(expire_date__gt=timezone.now()).values("session_key")
    return UserSession.objects.filter(user=user, session_key__in=live).order_by("created_at")


def organisation_for_sso_app(*, app: SocialApp | None) -> Organisation | None:
    """The organisation whose single sign-on `app` is, or None (an app configured in
    settings rather than the database, or one no organisation has been given)."""
    if app is None or app.pk is None:
        return None
    return Organisation.objects.filter(sso_app_id=app.pk).first()


def sso_apps_for_sign_in() -> QuerySet[SocialApp]:
    """The sign-in services the sign-in page offers: those given to an organisation."""
    return SocialApp.objects.filter(organisation__isnull=False).order_by("name")


# --- Accounts nobody uses ----------------------------------------------------------------
# An account nobody has signed in to for ACCOUNT_INACTIVE_FLAG_DAYS is shown to its
# organisation's administrator to review (and counted by `manage.py apply_retention`);
# it is never deleted automatically: only the organisation knows whether the person
# has left.


def account_inactive_cutoff(*, now: datetime | None = None) -> datetime:
    """Accounts not signed in to since this moment are inactive."""
    days = settings.ACCOUNT_INACTIVE_FLAG_DAYS
    if days < 1:
        raise ImproperlyConfigured("ACCOUNT_INACTIVE_FLAG_DAYS must be at least 1.")
    return (now or timezone.now()) - timedelta(days=days)


def accounts_inactive_for(
    *, organisation: Organisation, now: datetime | None = None
) -> QuerySet[User]:
    """Members of `organisation` nobody has signed in to for ACCOUNT_INACTIVE_FLAG_DAYS
    (never signed in counts from the day they joined), deactivated ones included, by
    name. For that organisation's administrator: never another organisation's people."""
    cutoff = account_inactive_cutoff(now=now)
    return (
        User.objects.filter(organisation=organisation)
        .unused_since(cutoff)
        .select_related("team")
        .order_by("full_name", "pk")
    )


def accounts_inactive_counts(*, now: datetime | None = None) -> list[tuple[str | None, int]]:
    """How many inactive accounts each organisation has, as (name, count) by name, in one
    query; people who belong to no organisation come last, named None."""
    cutoff = account_inactive_cutoff(now=now)
    rows = (
        User.objects.unused_since(cutoff)
        .values("organisation__name")
        .annotate(count=Count("pk"))
        .order_by("organisation__name")
    )
    counts = [(row["organisation__name"], row["count"]) for row in rows]
    return sorted(counts, key=lambda pair: (pair[0] is None, pair[0] or ""))
