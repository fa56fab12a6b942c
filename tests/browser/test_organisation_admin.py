"""An organisation administrator's pages in the browser: a CSV import from upload to
invitations sent, no axe-core violations, and reflow at 320 px."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from organisations.models import StaffInvitation
from tests.factories import TeamFactory, UserFactory, second_factor_for

pytestmark = pytest.mark.django_db(transaction=True)

STAFF = (
    "name,email,team,job role,role\n"
    "Ann One,ann@example.org,Children in Care,Social worker,Practitioner\n"
    "Ben Two,ben@example.org,Children in Care,Social worker,\n"
    "Cat Three,cat@example.org,Assessment,Family support worker,Practitioner\n"
    "Dev Four,dev@example.org,,,Team manager\n"
    "Eve Five,eve@example.org,Assessment,Team leader,Organisation administrator\n"
)
OVERFLOW = "() => document.documentElement.scrollWidth"


@pytest.fixture
def org_admin(team):
    TeamFactory(organisation=team.organisation, name="Assessment")
    admin = UserFactory(
        team=team, full_name="Jordan Evans", email="jordan@example.org", role="organisation_admin"
    )
    second_factor_for(admin)
    return admin


def upload_staff(page, text):
    page.goto("/organisation/import/")
    page.get_by_label("Staff list (CSV file)").set_input_files(
        files=[{"name": "staff.csv", "mimeType": "text/csv", "buffer": text.encode("utf-8")}]
    )
    page.get_by_role("button", name="Upload and check").click()


def test_an_administrator_imports_five_staff_and_five_emails_go(
    org_admin, practitioner, new_page, assert_accessible
):
    page = new_page(org_admin)
    upload_staff(page, STAFF)

    expect(page).to_have_url(re.compile(r"/organisation/import/\d+/$"))
    expect(page.get_by_text("5 people in the file: 5 ready to invite.")).to_be_visible()
    table = page.get_by_role("table", name=re.compile("Each row of your file, checked"))
    expect(table.get_by_role("row")).to_have_count(6)
    assert_accessible(page)

    page.get_by_role("button", name="Import 5 people").click()

    expect(page).to_have_url(re.compile(r"/organisation/$"))
    expect(page.get_by_role("status").first).to_contain_text("5 people invited.")
    assert sorted(message.to[0] for message in mail.outbox) == [
        "ann@example.org",
        "ben@example.org",
        "cat@example.org",
        "dev@example.org",
        "eve@example.org",
    ]
    assert StaffInvitation.objects.count() == 5
    people = page.get_by_role("table", name=re.compile("People in Test Borough Council"))
    expect(people.get_by_role("row", name=re.compile("Eve Five"))).to_contain_text(
        "Invited, not yet accepted"
    )


def test_a_list_with_a_problem_shows_it_and_offers_no_import(
    org_admin, new_page, assert_accessible
):
    page = new_page(org_admin)
    upload_staff(page, STAFF + "Fay Six,ann@example.org,Fostering,,Chief\n")

    row = page.get_by_role("row", name=re.compile("Fay Six"))
    expect(row).to_contain_text("The same email address as line 2")
    expect(row).to_contain_text('Unknown team "Fostering"')
    expect(page.get_by_role("button", name=re.compile("^Import"))).to_have_count(0)
    assert_accessible(page)


ADMIN_PAGES = [
    "/organisation/",
    "/organisation/invite/",
    "/organisation/import/",
    "/organisation/teams/",
]


def test_the_administrators_pages_have_no_violations(
    org_admin, practitioner, new_page, assert_accessible
):
    page = new_page(org_admin)
    for path in [*ADMIN_PAGES, f"/organisation/people/{practitioner.pk}/"]:
        page.goto(path)
        assert_accessible(page)
    # And with errors showing.
    page.goto("/organisation/invite/")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(page)


def test_the_invitation_link_page_has_no_violations(org_admin, team, new_page, assert_accessible):
    invitation = StaffInvitation.objects.create(
        organisation=team.organisation,
        email="nia@example.org",
        full_name="Nia Newcomer",
        team=team,
        invited_by=org_admin,
    )
    page = new_page()
    page.goto(f"/accounts/invitation/{invitation.token}/")
    assert_accessible(page)

    # Crispy forms put an asterisk after a required field's label.
    page.get_by_role("textbox", name=re.compile(r"^Password\*?$")).fill("short")
    page.get_by_role("textbox", name=re.compile(r"^Password again\*?$")).fill("short")
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(page)


def test_the_pages_reflow_at_320px(org_admin, team, practitioner, new_page):
    invitation = StaffInvitation.objects.create(
        organisation=team.organisation, email="nia@example.org", full_name="Nia", team=team
    )
    page = new_page(org_admin, viewport={"width": 320, "height": 640})
    upload_staff(page, STAFF)
    preview = page.url.removeprefix(page.url.split("/organisation/")[0])
    paths = [*ADMIN_PAGES, f"/organisation/people/{practitioner.pk}/", preview]

    wide = []
    for path in paths:
        page.goto(path)
        if page.evaluate(OVERFLOW) > 320:
            wide.append(path)
    signed_out = new_page(viewport={"width": 320, "height": 640})
    signed_out.goto(f"/accounts/invitation/{invitation.token}/")
    if signed_out.evaluate(OVERFLOW) > 320:
        wide.append("invitation link")

    assert wide == []
