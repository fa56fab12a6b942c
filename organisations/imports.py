"""Reading a staff list (CSV) and checking it row by row, before anything is imported.

Python's csv module reads the file: the format is five known columns, so a plain
reader and our own checks say more, in the course's words, than an import framework.
The checks are pure: the selector gives them what the database knows (the
organisation's teams, addresses already members or invited).
"""

import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from accounts.emails import email_normalise
from accounts.models import Team, User, name_validator

from .models import ORGANISATION_ROLES

MAX_FILE_BYTES = 1024 * 1024
MAX_ROWS = 2000
NAME_MAX = 150

# Header cell (in lower case, single-spaced) -> the column it names.
HEADERS = {
    "name": "name",
    "full name": "name",
    "email": "email",
    "email address": "email",
    "team": "team",
    "job role": "job_role",
    "role": "role",
}
COLUMNS = ("name", "email", "team", "job_role", "role")
COLUMN_LIST = "name, email, team, job role, role"

# What may be written in the role column: each role's name or its code, any case.
ROLE_WORDS = {
    **{role.label.casefold(): role.value for role in ORGANISATION_ROLES},
    **{role.value: role.value for role in ORGANISATION_ROLES},
    **{role.value.replace("_", " "): role.value for role in ORGANISATION_ROLES},
    "organisation admin": User.Role.ORGANISATION_ADMIN.value,
}
ROLE_LIST = ", ".join(role.label for role in ORGANISATION_ROLES)


class StaffFileError(Exception):
    """The file cannot be read as a staff list; the message is written for the admin."""


def _header_key(cell: str) -> str:
    return " ".join(cell.replace("_", " ").split()).casefold()


def _columns_of(header: list[str]) -> dict[str, int]:
    positions = {}
    for index, cell in enumerate(header):
        column = HEADERS.get(_header_key(cell))
        if column and column not in positions:
            positions[column] = index
    if "name" not in positions or "email" not in positions:
        raise StaffFileError(
            f"The first row must name the columns: {COLUMN_LIST}. Name and email are needed."
        )
    return positions


def _decode(data: bytes) -> str:
    try:
        # utf-8-sig drops the byte order mark spreadsheet programs put at the start.
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise StaffFileError(
            "The file is not UTF-8 text. In your spreadsheet, save it as "
            '"CSV UTF-8 (comma delimited)" and upload that.'
        ) from None
    if "\x00" in text:
        raise StaffFileError("This is not a CSV file. Save the spreadsheet as CSV and try again.")
    return text


def staff_file_read(data: bytes) -> list[dict]:
    """The staff list in `data` as rows: {"line": n, "name": ..., "email": ..., "team":
    ..., "job_role": ..., "role": ...}, each cell stripped. Blank lines are skipped."""
    if len(data) > MAX_FILE_BYTES:
        raise StaffFileError("The file is larger than 1 MB. Split it into smaller files.")
    lines = [
        (number, cells)
        for number, cells in _csv_lines(_decode(data))
        if any(cell.strip() for cell in cells)
    ]
    if not lines:
        raise StaffFileError(
            f"The file is empty. The first row must name the columns: {COLUMN_LIST}."
        )
    (_, header), body = lines[0], lines[1:]
    positions = _columns_of(header)
    if not body:
        raise StaffFileError("The file has a header row but nobody under it.")
    if len(body) > MAX_ROWS:
        raise StaffFileError(
            f"The file lists {len(body):,} people; at most {MAX_ROWS:,} can be imported at once. "
            "Split it into smaller files."
        )
    return [_row(number, cells, positions) for number, cells in body]


def _csv_lines(text):
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for cells in reader:
            yield reader.line_num, cells
    except csv.Error:
        raise StaffFileError(
            f"Line {reader.line_num} of the file cannot be read as CSV. Check its quotation "
            "marks, or save the spreadsheet as CSV again."
        ) from None


def _row(number, cells, positions):
    row = {"line": number}
    for column in COLUMNS:
        index = positions.get(column)
        row[column] = cells[index].strip() if index is not None and index < len(cells) else ""
    return row


@dataclass
class RowCheck:
    """One row of a staff list, with what it becomes and what is wrong with it."""

    line: int
    name: str
    email: str
    team_name: str
    job_role: str
    role_text: str
    team: Team | None = None
    role: str = User.Role.PRACTITIONER.value
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def role_label(self) -> str:
        return User.Role(self.role).label


@dataclass(frozen=True)
class KnownToOrganisation:
    """What the database says, for checking a staff list: the organisation's teams by
    name (case-folded), and which of the file's addresses are already members of it or
    have an invitation waiting."""

    teams_by_name: dict
    member_emails: frozenset
    invited_emails: frozenset

    def team_list(self) -> str:
        names = sorted(team.name for team in self.teams_by_name.values())
        return ", ".join(names) if names else "(none yet: add teams on the Teams page)"


def _text_problem(label, value, *, required=False):
    if required and not value:
        return f"{label} is missing"
    if len(value) > NAME_MAX:
        return f"{label} is longer than {NAME_MAX} characters"
    try:
        name_validator(value)
    except ValidationError:
        return f"{label} contains a line break or control character"
    return None


def _check_email(check, known, first_line_of):
    email = email_normalise(check.email)
    check.email = email
    try:
        validate_email(email)
    except ValidationError:
        check.problems.append("the email address is not valid" if email else "email is missing")
        return
    if email in first_line_of:
        check.problems.append(f"the same email address as line {first_line_of[email]}")
        return
    first_line_of[email] = check.line
    if email in known.member_emails:
        check.problems.append("already a member of your organisation")
    elif email in known.invited_emails:
        check.problems.append("already invited: that invitation is still waiting")


def _check_team_and_role(check, known):
    if check.team_name:
        check.team = known.teams_by_name.get(check.team_name.casefold())
        if check.team is None:
            check.problems.append(
                f'unknown team "{check.team_name}": use one of {known.team_list()}'
            )
    if check.role_text:
        role = ROLE_WORDS.get(_header_key(check.role_text))
        if role is None:
            check.problems.append(f'unknown role "{check.role_text}": use {ROLE_LIST}')
        else:
            check.role = role


def staff_rows_check(rows: list[dict], *, known: KnownToOrganisation) -> list[RowCheck]:
    """Check every row; each RowCheck lists its problems (none means it can be imported)."""
    first_line_of = {}
    checks = []
    for row in rows:
        check = RowCheck(
            line=row["line"],
            name=row["name"],
            email=row["email"],
            team_name=row["team"],
            job_role=row["job_role"],
            role_text=row["role"],
        )
        for problem in (
            _text_problem("name", check.name, required=True),
            _text_problem("job role", check.job_role),
        ):
            if problem:
                check.problems.append(problem)
        _check_email(check, known, first_line_of)
        _check_team_and_role(check, known)
        checks.append(check)
    return checks
