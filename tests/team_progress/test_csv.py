"""The team table as CSV: UTF-8 with a byte order mark, ISO dates, and no formulas."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from team_progress.csv_export import cell_neutralise

from .conftest import complete_lessons

pytestmark = pytest.mark.django_db


def download(client, team, query=""):
    response = client.get(reverse("team_progress:team_csv", args=[team.pk]) + query)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    return response.content


def rows(content):
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_csv_is_utf8_with_a_byte_order_mark(manager_client, team, member_factory):
    member_factory(full_name="Zoë Ñúñez-Łukasik 山田")
    content = download(manager_client, team)
    assert content.startswith(b"\xef\xbb\xbf")
    assert [row[0] for row in rows(content) if row[0].startswith("Zo")] == [
        "Zoë Ñúñez-Łukasik 山田"
    ]


def test_csv_dates_are_iso(manager_client, team, member_factory, lessons):
    member = member_factory(full_name="Jo Bloggs")
    complete_lessons(member, lessons[:1])
    row = next(row for row in rows(download(manager_client, team)) if row[0] == "Jo Bloggs")
    today = timezone.localdate().isoformat()
    assert row[8:11] == [today, today, ""]


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_cells_a_spreadsheet_would_run_are_neutralised(manager_client, team, member_factory, start):
    member_factory(full_name=f"{start}HYPERLINK(1)", job_role=f"{start}cmd|' /C calc'!A0")
    content = download(manager_client, team)
    row = next(row for row in rows(content) if "HYPERLINK" in row[0])
    assert row[0] == f"'{start}HYPERLINK(1)"
    assert row[1] == f"'{start}cmd|' /C calc'!A0"


def test_ordinary_cells_are_unchanged():
    assert cell_neutralise("Jo Bloggs") == "Jo Bloggs"
    assert cell_neutralise(42) == "42"
    assert cell_neutralise(None) == ""


def test_csv_follows_the_status_filter(manager_client, team, member_factory, lessons):
    complete_lessons(member_factory(full_name="Jo Started"), lessons[:1])
    names = [row[0] for row in rows(download(manager_client, team, "?status=in_progress"))[1:]]
    assert names == ["Jo Started"]
