"""Reading a staff list and checking its rows (organisations.imports)."""

import pytest

from accounts.models import Team
from organisations.imports import (
    MAX_ROWS,
    KnownToOrganisation,
    StaffFileError,
    staff_file_read,
    staff_rows_check,
)

HEADER = "name,email,team,job role,role\n"


def read(text, *, encoding="utf-8"):
    return staff_file_read(text.encode(encoding))


def known(*, teams=("Children in Care", "Assessment"), members=(), invited=()):
    return KnownToOrganisation(
        teams_by_name={name.casefold(): Team(name=name) for name in teams},
        member_emails=frozenset(members),
        invited_emails=frozenset(invited),
    )


def check_one(line, **kwargs):
    [check] = staff_rows_check(read(HEADER + line), known=known(**kwargs))
    return check


def test_rows_are_read_by_their_header_names_in_any_order():
    rows = read("Role,Email,Name,Job Role,Team\nPractitioner,sam@example.org,Sam Patel,SW,A\n")

    assert rows == [
        {
            "line": 2,
            "name": "Sam Patel",
            "email": "sam@example.org",
            "team": "A",
            "job_role": "SW",
            "role": "Practitioner",
        }
    ]


def test_a_byte_order_mark_and_blank_lines_are_ignored():
    text = "\ufeff" + HEADER + "\n,,,,\nSam Patel,sam@example.org,,,\n\n"

    rows = read(text)

    assert [(row["line"], row["name"]) for row in rows] == [(4, "Sam Patel")]


def test_a_file_without_the_name_and_email_headers_is_refused():
    with pytest.raises(StaffFileError, match="first row must name the columns"):
        read("Sam Patel,sam@example.org\n")


def test_a_file_that_is_not_utf8_is_refused_with_how_to_save_it():
    with pytest.raises(StaffFileError, match="CSV UTF-8"):
        read(HEADER + "Zoë Brown,zoe@example.org,,,\n", encoding="latin-1")


def test_a_file_with_only_a_header_is_refused():
    with pytest.raises(StaffFileError, match="nobody under it"):
        read(HEADER)


def test_more_than_the_row_limit_is_refused():
    lines = "".join(f"P {n},p{n}@example.org,,,\n" for n in range(MAX_ROWS + 1))

    with pytest.raises(StaffFileError, match="at most 2,000"):
        read(HEADER + lines)


def test_the_row_limit_itself_is_accepted():
    lines = "".join(f"P {n},p{n}@example.org,,,\n" for n in range(MAX_ROWS))

    assert len(read(HEADER + lines)) == MAX_ROWS


def test_a_file_over_one_megabyte_is_refused():
    with pytest.raises(StaffFileError, match="larger than 1 MB"):
        staff_file_read(HEADER.encode() + b"x" * (1024 * 1024))


def test_a_good_row_is_ready_with_its_team_and_role():
    check = check_one("Sam Patel,SAM@Example.org,children in care,Social worker,team manager")

    assert check.ok
    assert (check.email, check.team.name, check.role) == (
        "sam@example.org",
        "Children in Care",
        "team_manager",
    )


def test_an_empty_role_means_practitioner_and_an_empty_team_is_allowed():
    check = check_one("Sam Patel,sam@example.org,,,")

    assert check.ok
    assert (check.team, check.role) == (None, "practitioner")


def test_a_bad_email_is_a_problem():
    assert check_one("Sam Patel,sam-at-example.org,,,").problems == [
        "the email address is not valid"
    ]


def test_an_unknown_team_is_a_problem_that_lists_the_teams():
    [problem] = check_one("Sam Patel,sam@example.org,Fostering,,").problems

    assert problem == 'unknown team "Fostering": use one of Assessment, Children in Care'


def test_an_unknown_role_is_a_problem():
    [problem] = check_one("Sam Patel,sam@example.org,,,Trainer").problems

    assert problem.startswith('unknown role "Trainer": use Practitioner, Team manager')


def test_a_name_with_a_control_character_is_a_problem():
    check = check_one('"Sam\x07 Patel",sam@example.org,,,')

    assert check.problems == ["name contains a line break or control character"]


def test_a_name_with_a_line_break_is_a_problem():
    check = check_one('"Sam\nPatel",sam@example.org,,,')

    assert check.problems == ["name contains a line break or control character"]


def test_a_missing_name_is_a_problem():
    assert check_one(",sam@example.org,,,").problems == ["name is missing"]


def test_the_same_email_twice_in_the_file_is_a_problem_on_the_second():
    rows = read(HEADER + "Sam Patel,sam@example.org,,,\nSam P,SAM@example.org,,,\n")

    first, second = staff_rows_check(rows, known=known())

    assert first.ok
    assert second.problems == ["the same email address as line 2"]


def test_an_address_already_invited_and_pending_is_a_problem():
    check = check_one("Sam Patel,sam@example.org,,,", invited={"sam@example.org"})

    assert check.problems == ["already invited: that invitation is still waiting"]


def test_an_address_already_a_member_is_a_problem():
    check = check_one("Sam Patel,sam@example.org,,,", members={"sam@example.org"})

    assert check.problems == ["already a member of your organisation"]
