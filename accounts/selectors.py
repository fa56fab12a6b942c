"""Reads about accounts, scoped to the person asking."""

from allauth.socialaccount.models import SocialApp
from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session
from django.utils import timezone

from .models import Organisation


def user_session_of(*, user):
    """The signed-in sessions of `user` that are still live (the list a person sees of
    their own), in one query: a session ended or expired elsewhere is left out."""
    live = Session.objects.filter(expire_date__gt=timezone.now()).values("session_key")
    return UserSession.objects.filter(user=user, session_key__in=live).order_by("created_at")


def organisation_for_sso_app(*, app) -> Organisation | None:
    """The organisation whose single sign-on `app` is, or None (an app configured in
    settings rather than the database, or one no organisation has been given)."""
    if app is None or app.pk is None:
        return None
    return Organisation.objects.filter(sso_app_id=app.pk).first()


def sso_apps_for_sign_in():
    """The sign-in services the sign-in page offers: those given to an organisation."""
    return SocialApp.objects.filter(organisation__isnull=False).order_by("name")
