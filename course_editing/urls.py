"""The trainers' pages, mounted at /course-editing/. The namespace is in
accounts.middleware.PRIVILEGED_NAMESPACES: no page here opens without a second factor.

django-markdownx's two addresses (its preview and its upload) are mounted here, behind
the same check as every other page, and nowhere else: `markdownx.urls` is never
included. MARKDOWNX_URLS_PATH and MARKDOWNX_UPLOAD_URLS_PATH in the settings name them.
"""

from django.urls import path

from . import views

app_name = "course_editing"

urlpatterns = [
    path("", views.home, name="home"),
    path("lessons/<slug:slug>/edit/", views.lesson_edit, name="edit"),
    path("lessons/<slug:slug>/draft/", views.draft_view, name="draft"),
    path("lessons/<slug:slug>/draft/publish/", views.draft_publish, name="publish"),
    path("lessons/<slug:slug>/draft/discard/", views.draft_discard, name="discard"),
    path("lessons/<slug:slug>/history/", views.history, name="history"),
    path("lessons/<slug:slug>/history/compare/", views.revision_diff, name="diff"),
    path(
        "lessons/<slug:slug>/history/<int:revision_id>/revert/",
        views.revision_revert,
        name="revert",
    ),
    path("lessons/<slug:slug>/legal-review/", views.legal_review, name="legal_review"),
    path("lessons/<slug:slug>/archive/", views.lesson_archive, name="archive"),
    path("lessons/<slug:slug>/move/", views.lesson_move, name="move"),
    path("exercises/<int:number>/edit/", views.exercise_edit, name="exercise_edit"),
    path("parts/<slug:part>/new-lesson/", views.lesson_create, name="lesson_create"),
    path("markdownx/markdownify/", views.markdownify, name="markdownx_markdownify"),
    path("markdownx/upload/", views.upload, name="markdownx_upload"),
]
