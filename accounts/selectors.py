"""Reads about accounts, scoped to the person asking."""

from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session
from django.utils import timezone


def user_session_of(*, user):
    """The signed-in sessions of `user` that are still live (the list a person sees of
    their own), in one query: a session ended or expired elsewhere is left out."""
    live = Session.objects.filter(expire_date__gt=timezone.now()).values("session_key")
    return UserSession.objects.filter(user=user, session_key__in=live).order_by("created_at")
