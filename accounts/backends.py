from allauth.account.auth_backends import AuthenticationBackend

from .emails import email_normalise
from .models import User


class EmailBackend(AuthenticationBackend):
    """allauth's sign-in by email, with the address always in its normal form, whoever
    calls `authenticate` (the sign-in form, reauthentication or the signed-out page)."""

    def authenticate(self, request, **credentials):
        for name in ("email", "username"):
            if isinstance(credentials.get(name), str):
                credentials[name] = email_normalise(credentials[name])
        return super().authenticate(request, **credentials)

    def get_user(self, user_id):
        """The signed-in person on each request, with whether their address is verified
        and their organisation (named in every page's header) read in the same query."""
        user = (
            User.objects.with_verified_flag()
            .select_related("organisation")
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None
