"""One normal form for email addresses, used wherever an address is stored or compared.

Unicode NFKC, then case-folded: `priya.ſhah@example.org` (long s) and
`PRIYA.SHAH@example.org` are the same address as `priya.shah@example.org`, so they
share one account and one count of failed sign-ins. Characters that are not the same
letter stay different (`prıya`, with a dotless ı, is another address). Registration,
sign-in, password reset, invitations, imports and rate limits all call this, and
`User.email` is stored in this form under a unique constraint.
"""

import unicodedata


def email_normalise(email: str) -> str:
    # NFKC again after case-folding, so that normalising twice changes nothing.
    folded = unicodedata.normalize("NFKC", email.strip()).casefold()
    return unicodedata.normalize("NFKC", folded)


def email_domain(email: str) -> str:
    """The part after the last @, in normal form ("" when there is none)."""
    _, at, domain = email_normalise(email).rpartition("@")
    return domain if at else ""
