"""The people who can sign in at the test provider, and the client it knows.

The provider's own accounts, not the course's: a test makes whatever course accounts
its case needs. Each person's email claims are chosen to exercise one rule of
accounts.adapter.SingleSignOnAdapter.
"""

from dataclasses import dataclass

PASSWORD = "provider-passphrase-7"
CLIENT_ID = "cse-course-test-client"
CLIENT_SECRET = "cse-course-test-secret-3d9f0b7c1a"

# The course's SocialApp provider ids the provider accepts callbacks for. The course
# builds its callback address from the request: "testserver" for Django's test client,
# and "localhost" (any port) for the live server the browser tests use.
PROVIDER_IDS = ("northshire", "unlinked")
CALLBACK_HOSTS = ("https://testserver", "http://localhost")


def callback_uris() -> list[str]:
    return [
        f"{host}/accounts/oidc/{provider_id}/login/callback/"
        for host in CALLBACK_HOSTS
        for provider_id in PROVIDER_IDS
    ]


@dataclass(frozen=True)
class Person:
    username: str
    email: str
    name: str
    # True or False is sent as the `email_verified` claim; None leaves the claim out,
    # as Microsoft Entra ID does.
    email_verified: bool | None = True


NEWCOMER = Person("nina", "Nina.New@northshire.gov.uk", "Nina New")
MEMBER = Person("erin", "erin.existing@northshire.gov.uk", "Erin Existing")
MANAGER = Person("priya", "priya.manager@northshire.gov.uk", "Priya Manager")
UNVERIFIED = Person("una", "una.unverified@northshire.gov.uk", "Una Unverified", False)
NO_CLAIM = Person("edna", "edna.entra@northshire.gov.uk", "Edna Entra", None)
ELSEWHERE = Person("wes", "wes@elsewhere.example.com", "Wes Elsewhere")

PEOPLE = (NEWCOMER, MEMBER, MANAGER, UNVERIFIED, NO_CLAIM, ELSEWHERE)
