"""The claims the test provider sends about a person, in the ID token and from the
userinfo endpoint alike."""

from oauth2_provider.oauth2_validators import OAuth2Validator

# Provider accounts in these groups send email_verified false, or leave it out.
UNVERIFIED_GROUP = "email-unverified"
NO_CLAIM_GROUP = "no-email-verified-claim"


class ClaimsValidator(OAuth2Validator):
    def get_additional_claims(self, request):
        user = request.user
        groups = set(user.groups.values_list("name", flat=True))
        claims = {"name": user.first_name, "email": user.email}
        if NO_CLAIM_GROUP not in groups:
            claims["email_verified"] = UNVERIFIED_GROUP not in groups
        return claims
