"""Importing staff through the pages: upload, preview, import."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from organisations.models import StaffImport, StaffInvitation

pytestmark = pytest.mark.django_db

UPLOAD = reverse("organisation:import_upload")
GOOD = (
    "\ufeffname,email,team,job role,role\r\n"
    "Ann One,ann@example.org,Children in Care,Social worker,Practitioner\r\n"
    "\r\n"
    "Ben Two,ben@example.org,,,Team manager\r\n"
)


def csv_file(text, name="staff.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def upload(client, text=GOOD):
    return client.post(UPLOAD, {"file": csv_file(text)})


def preview_url(staff_import):
    return reverse("organisation:import_preview", args=[staff_import.pk])


def test_uploading_leads_to_the_preview(org_client):
    response = upload(org_client)

    staff_import = StaffImport.objects.get()
    assert response.status_code == 302
    assert response.url == preview_url(staff_import)


def test_the_preview_shows_each_row_checked_and_offers_the_import(org_client):
    upload(org_client)

    response = org_client.get(preview_url(StaffImport.objects.get()))

    body = response.content.decode()
    assert response.status_code == 200
    assert "2 people in the file: 2 ready to invite." in body
    assert "Import 2 people" in body
    assert body.count(">Ready<") == 2


def test_a_preview_with_a_problem_names_it_and_offers_no_import(org_client, team):
    upload(org_client, GOOD + "Cat Three,cat@example.org,Fostering,,\r\n")

    body = org_client.get(preview_url(StaffImport.objects.get())).content.decode()

    assert "1 with a problem" in body
    assert "Unknown team &quot;Fostering&quot;: use one of Children in Care" in body
    assert "Import 3 people" not in body


def test_importing_invites_everyone_and_says_how_many(
    org_client, django_capture_on_commit_callbacks
):
    upload(org_client)
    apply_url = reverse("organisation:import_apply", args=[StaffImport.objects.get().pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = org_client.post(apply_url, follow=True)

    assert response.redirect_chain == [(reverse("organisation:members"), 302)]
    assert [str(m) for m in response.context["messages"]] == ["2 people invited."]
    assert StaffInvitation.objects.count() == 2
    assert len(mail.outbox) == 2


def test_importing_a_list_with_a_problem_imports_nothing_and_says_so(org_client):
    upload(org_client, GOOD + "Dan Four,ann@example.org,,,\r\n")
    apply_url = reverse("organisation:import_apply", args=[StaffImport.objects.get().pk])

    response = org_client.post(apply_url)

    assert response.status_code == 400
    assert "Nothing was imported" in response.content.decode()
    assert not StaffInvitation.objects.exists()


def test_a_file_that_cannot_be_read_is_a_form_error(org_client):
    response = org_client.post(
        UPLOAD,
        {
            "file": SimpleUploadedFile(
                "staff.csv", "name,email\nZoë,z@example.org\n".encode("latin-1")
            )
        },
    )

    assert response.status_code == 400
    assert "CSV UTF-8" in response.content.decode()
    assert not StaffImport.objects.exists()


def test_a_file_over_one_megabyte_is_a_form_error(org_client):
    big = "name,email\n" + "x" * (1024 * 1024)

    response = upload(org_client, big)

    assert response.status_code == 400
    assert "larger than 1 MB" in response.content.decode()


def test_another_admins_staff_list_is_not_found(org_client, elsewhere, client):
    upload(org_client)
    staff_import = StaffImport.objects.get()
    client.force_login(elsewhere["admin"])

    assert client.get(preview_url(staff_import)).status_code == 404
    apply_url = reverse("organisation:import_apply", args=[staff_import.pk])
    assert client.post(apply_url).status_code == 404
    assert not StaffInvitation.objects.exists()
