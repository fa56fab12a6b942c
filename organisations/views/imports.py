"""Importing staff from a CSV file: upload, a preview checked row by row, then import
all or nothing."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ..forms import StaffFileForm
from ..selectors import staff_import_checks, staff_import_get
from ..services import StaffImportRefused, staff_import_apply, staff_import_create
from . import admin_only, found_or_404


@admin_only
@require_http_methods(["GET", "POST"])
def import_upload(request):
    form = StaffFileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        staff_import = staff_import_create(admin=request.user, rows=form.rows)
        return redirect("organisation:import_preview", import_id=staff_import.pk)
    status = 400 if form.errors else 200
    return render(request, "organisations/import_upload.html", {"form": form}, status=status)


def _preview(request, staff_import, checks, *, refused=False, status=200):
    problems = [check for check in checks if not check.ok]
    context = {
        "staff_import": staff_import,
        "checks": checks,
        "problem_count": len(problems),
        "ready_count": len(checks) - len(problems),
        "refused": refused,
    }
    return render(request, "organisations/import_preview.html", context, status=status)


@admin_only
@require_GET
def import_preview(request, import_id):
    staff_import = found_or_404(staff_import_get, admin=request.user, import_id=import_id)
    return _preview(request, staff_import, staff_import_checks(staff_import=staff_import))


@admin_only
@require_POST
def import_apply(request, import_id):
    staff_import = found_or_404(staff_import_get, admin=request.user, import_id=import_id)
    try:
        invitations = staff_import_apply(admin=request.user, staff_import=staff_import)
    except StaffImportRefused as refused:
        return _preview(request, staff_import, refused.checks, refused=True, status=400)
    count = len(invitations)
    messages.success(request, f"{count} {'person' if count == 1 else 'people'} invited.")
    return redirect("organisation:members")


urlpatterns = [
    path("import/", import_upload, name="import_upload"),
    path("import/<int:import_id>/", import_preview, name="import_preview"),
    path("import/<int:import_id>/apply/", import_apply, name="import_apply"),
]
