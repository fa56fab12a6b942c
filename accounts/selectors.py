"""Reads about accounts, scoped to the person asking."""

from allauth.usersessions.models import UserSession


def user_session_of(*, user):
    """The signed-in sessions of `user` (the list a person sees of their own)."""
    return UserSession.objects.filter(user=user)
