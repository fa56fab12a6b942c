"""Single sign-on through an organisation's own OpenID Connect provider: what the
provider says about a person, and what follows for password sign-in.

The rules for accepting a sign-in are in accounts.adapter.SingleSignOnAdapter; the
writes it makes are in accounts.services.
"""

import re
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from .emails import email_normalise

# SocialApp.settings key: treat the provider's email address as verified when it sends
# no `email_verified` claim at all. Microsoft Entra ID never sends one; a tenant-specific
# Entra app (server_url https://login.microsoftonline.com/<tenant>/v2.0) only gives out
# addresses the council's tenant controls. An explicit `email_verified: false` is always
# refused, whatever this says.
TRUST_EMAIL = "trust_email"

_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


class Refusal(StrEnum):
    """Why a sign-in through a provider was refused (templates/socialaccount/sso_refused.html
    words each one for the person)."""

    NOT_LINKED = "not_linked"  # the SocialApp belongs to no organisation
    EMAIL_UNVERIFIED = "email_unverified"  # no address, or not verified by the provider
    OTHER_DOMAIN = "other_domain"  # the address is not at one of the organisation's domains
    OTHER_ORGANISATION = "other_organisation"  # the account belongs to another organisation
    CONNECT = "connect"  # linking from a signed-in account's settings: never allowed


@dataclass(frozen=True)
class ProviderIdentity:
    """What the provider said about the person signing in."""

    email: str  # in its normal form; "" when the provider sent none
    email_verified: bool
    full_name: str


def _claims(sociallogin) -> dict:
    # As allauth's OpenID Connect provider reads them: the userinfo response when it was
    # fetched, else the ID token's claims. Both come straight from the provider.
    data = sociallogin.account.extra_data or {}
    return data.get("userinfo") or data.get("id_token") or {}


def _claim_true(value) -> bool:
    # Some providers send the JSON string "true" rather than the boolean.
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def _valid_email(value) -> str:
    """`value` in its normal form if it is an email address, else ""."""
    if not isinstance(value, str):
        return ""
    email = email_normalise(value)
    try:
        validate_email(email)
    except ValidationError:
        return ""
    return email


def provider_identity(sociallogin) -> ProviderIdentity:
    claims = _claims(sociallogin)
    email = _valid_email(claims.get("email"))
    if "email_verified" in claims:
        verified = _claim_true(claims["email_verified"])
    else:
        verified = sociallogin.provider.app.settings.get(TRUST_EMAIL) is True
    return ProviderIdentity(
        email=email, email_verified=bool(email) and verified, full_name=_full_name(claims, email)
    )


def _full_name(claims: dict, email: str) -> str:
    """The `name` claim (or given and family names), made safe for User.full_name: no
    control characters, at most 150 characters; the address's local part if empty."""
    name = claims.get("name")
    if not isinstance(name, str) or not name.strip():
        parts = [claims.get("given_name"), claims.get("family_name")]
        name = " ".join(part for part in parts if isinstance(part, str))
    name = " ".join(_CONTROL_CHARACTERS.sub(" ", name).split())[:150].strip()
    return name or email.partition("@")[0][:150]


def sso_authorization_origin(app) -> str | None:
    """The origin of `app`'s authorization endpoint, where the sign-in button's form
    ends up (after our redirect). Read from the configuration, not fetched: the
    endpoint is on the server_url's origin for Entra ID and most providers; an
    `openid_configuration_overrides` entry says otherwise."""
    overrides = app.settings.get("openid_configuration_overrides") or {}
    url = overrides.get("authorization_endpoint") or app.settings.get("server_url") or ""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def organisation_sign_in_service(organisation) -> str | None:
    """The name of the service `organisation`'s members must sign in through, because it
    has turned password sign-in off; None when they may use a password."""
    if organisation is None or organisation.password_sign_in:
        return None
    return organisation.sso_app.name if organisation.sso_app_id else "its own service"


def password_sign_in_service(user) -> str | None:
    """The service `user` must sign in through (see organisation_sign_in_service)."""
    return organisation_sign_in_service(user.organisation if user.organisation_id else None)


def password_sign_in_refusal(user) -> str | None:
    """What a person is told when they may not sign in with a password (None when they
    may). Shown only once the password has been checked, so it tells nothing to someone
    who does not know it."""
    service = password_sign_in_service(user)
    if service is None:
        return None
    return f"Your organisation signs in through {service}: use the button below."
