"""One normal form for email addresses."""

import pytest

from accounts.emails import email_domain, email_normalise


@pytest.mark.parametrize(
    ("typed", "normal"),
    [
        ("priya.shah@example.org", "priya.shah@example.org"),
        ("  Priya.Shah@EXAMPLE.org ", "priya.shah@example.org"),
        ("priya.\u017fhah@example.org", "priya.shah@example.org"),  # long s
        ("\uff50riya.shah@example.org", "priya.shah@example.org"),  # fullwidth p
        ("STRASSE@example.org", "strasse@example.org"),
        ("stra\u00dfe@example.org", "strasse@example.org"),  # sharp s folds to ss
    ],
)
def test_addresses_that_are_the_same_letters_have_one_normal_form(typed, normal):
    assert email_normalise(typed) == normal


def test_a_dotless_i_stays_a_different_letter():
    assert email_normalise("pr\u0131ya.shah@example.org") != "priya.shah@example.org"


@pytest.mark.parametrize(
    "typed", ["Priya.\u017fhah@Example.org", "\u212bngstr\u00f6m@example.org", "a@b.c"]
)
def test_normalising_twice_changes_nothing(typed):
    assert email_normalise(email_normalise(typed)) == email_normalise(typed)


def test_the_domain_is_read_in_the_normal_form():
    assert email_domain("Sam@Council.GOV.uk") == "council.gov.uk"
    assert email_domain("no-at-sign") == ""
