"""Who gets what at every named URL: the expected table of the authorization matrix.

Each entry is (GET, POST): for each role in `world.ROLES` order, the status of a GET, and
of a POST with a valid CSRF token and an empty body, at the URL filled in with the owner's
objects (`urlmatrix.url_for`). A redirect is written "302 <the URL name it goes to>".
`LOGIN` is the sign-in page, `HOME` the course home, `REAUTH` "enter your password
again" (the security pages ask for it; a signed-in client in these tests has not just
typed it), `ADMIN_LOGIN` the administration site's sign-in.

A new named URL fails `test_every_url_has_an_entry_and_every_entry_a_url` until it is
given a row here: say who may open it. The administration site's pages are built below
from one line per model.
"""

from .world import ROLES

LOGIN = "302 account_login"
HOME = "302 modules:home"
REAUTH = "302 account_reauthenticate"
ADMIN_LOGIN = "302 admin:login"
ADMIN_HOME = "302 admin:index"


def row(anonymous, signed_in=None, /, **by_role):
    """The statuses for every role: `anonymous`'s, `signed_in` for every signed-in role
    (the same as anonymous's when not given), except those named in `by_role`."""
    unknown = set(by_role) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {sorted(unknown)}")
    signed_in = anonymous if signed_in is None else signed_in
    return tuple(
        anonymous if role == "anonymous" else by_role.get(role, signed_in) for role in ROLES
    )


# The course's own pages and allauth's. Practitioners' objects in the URL are the owner's:
# anyone else gets 404 on them (or, on a page about one's own answers, such as an
# answer's history, the page about their own).
COURSE = {
    "modules:home": (
        row(200),
        row(200),
    ),
    "modules:glossary": (
        row(200),
        row(200),
    ),
    "modules:lesson": (
        row(LOGIN, 200),
        row(LOGIN, 200),
    ),
    "modules:lesson_complete": (
        row(LOGIN, 405),
        row(
            LOGIN,
            "302 reflections:course_summary",
            colleague="302 reflections:course_completed",
            former_colleague="302 reflections:course_completed",
        ),
    ),
    "modules:lesson_read_again": (
        row(LOGIN, 405),
        row(LOGIN, "302 modules:lesson"),
    ),
    "account_signup": (
        row(200, HOME),
        row(200, HOME),
    ),
    "usersessions_list": (
        row(LOGIN, 200),
        row(LOGIN, "302 usersessions_list"),
    ),
    "sso_connections": (
        row(404),
        row(404),
    ),
    "sso_signup": (
        row(404),
        row(404),
    ),
    "staff_invitation:accept": (
        row(200),
        row(400, 409),
    ),
    "accounts:overview": (
        row(LOGIN, 200),
        row(LOGIN, 405),
    ),
    "accounts:team_choose": (
        row(LOGIN, HOME),
        row(LOGIN, HOME),
    ),
    "accounts:session_end": (
        row(LOGIN, 405),
        row(LOGIN, 404, owner="302 usersessions_list"),
    ),
    "account_login": (
        row(200, HOME),
        row(200, HOME),
    ),
    "account_logout": (
        row(LOGIN, 200),
        row(LOGIN),
    ),
    "account_inactive": (
        row(200),
        row(405),
    ),
    "account_reauthenticate": (
        row(LOGIN, 200),
        row(LOGIN, 200),
    ),
    "account_request_reauthentication_code": (
        row(LOGIN, 200),
        row(LOGIN, 200),
    ),
    "account_confirm_reauthentication_code": (
        row(LOGIN, "302 account_request_reauthentication_code"),
        row(LOGIN, "302 account_request_reauthentication_code"),
    ),
    "account_email": (
        row(LOGIN, 200),
        row(LOGIN, "302 account_email"),
    ),
    "account_email_verification_sent": (
        row(200),
        row(405),
    ),
    "account_change_password": (
        row(LOGIN, 200),
        row(LOGIN, 200),
    ),
    "account_set_password": (
        row(LOGIN, "302 account_change_password"),
        row(LOGIN, "302 account_change_password"),
    ),
    "account_reset_password": (
        row(200),
        row(200),
    ),
    "account_confirm_login_code": (
        row(LOGIN, HOME),
        row(LOGIN, HOME),
    ),
    "account_confirm_email": (
        row(200),
        row(404),
    ),
    "account_reset_password_from_key_done": (
        row(200),
        row(405),
    ),
    "account_reset_password_from_key": (
        row(200),
        row(200),
    ),
    "account_reset_password_done": (
        row(200),
        row(405),
    ),
    "mfa_index": (
        row(LOGIN, 200),
        row(LOGIN, 405),
    ),
    "mfa_authenticate": (
        row(LOGIN, HOME),
        row(LOGIN, HOME),
    ),
    "mfa_reauthenticate": (
        row(
            LOGIN,
            200,
            owner=REAUTH,
            other_practitioner=REAUTH,
            colleague=REAUTH,
            former_colleague=REAUTH,
        ),
        row(
            LOGIN,
            200,
            owner=REAUTH,
            other_practitioner=REAUTH,
            colleague=REAUTH,
            former_colleague=REAUTH,
        ),
    ),
    "mfa_activate_totp": (
        row(LOGIN, REAUTH),
        row(LOGIN, REAUTH),
    ),
    "mfa_deactivate_totp": (
        row(LOGIN, REAUTH, owner=404, other_practitioner=404, colleague=404, former_colleague=404),
        row(LOGIN, REAUTH, owner=404, other_practitioner=404, colleague=404, former_colleague=404),
    ),
    "mfa_view_recovery_codes": (
        row(LOGIN, REAUTH, owner=404, other_practitioner=404, colleague=404, former_colleague=404),
        row(LOGIN, 405),
    ),
    "mfa_generate_recovery_codes": (
        row(LOGIN, REAUTH),
        row(LOGIN, REAUTH),
    ),
    "mfa_download_recovery_codes": (
        row(LOGIN, REAUTH, owner=404, other_practitioner=404, colleague=404, former_colleague=404),
        row(LOGIN, REAUTH, owner=404, other_practitioner=404, colleague=404, former_colleague=404),
    ),
    "socialaccount_login_cancelled": (
        row(200),
        row(405),
    ),
    "socialaccount_login_error": (
        row(401),
        row(405),
    ),
    "socialaccount_signup": (
        row(404),
        row(404),
    ),
    "socialaccount_connections": (
        row(404),
        row(404),
    ),
    "openid_connect_login": (
        row(404),
        row(404),
    ),
    "openid_connect_callback": (
        row(404),
        row(404),
    ),
    "reflections:mine": (
        row(LOGIN, 200),
        row(LOGIN, 405),
    ),
    "reflections:signed_in": (
        row(LOGIN, 200),
        row(LOGIN, 405),
    ),
    "reflections:exercise": (
        row(LOGIN, 200),
        row(200, "302 reflections:exercise"),
    ),
    "reflections:submit": (
        row(LOGIN, 405),
        row(200, "302 reflections:exercise"),
    ),
    "reflections:sign_in_and_save": (
        row(405),
        row(200, "302 reflections:exercise"),
    ),
    "reflections:history": (
        row(LOGIN, 200),
        row(LOGIN, 405),
    ),
    "reflections:history_clear": (
        row(LOGIN, 404, owner=200, colleague=200, former_colleague=200),
        row(
            LOGIN,
            404,
            owner="302 reflections:history",
            colleague="302 reflections:history",
            former_colleague="302 reflections:history",
        ),
    ),
    "reflections:version_delete": (
        row(LOGIN, 404, owner=200, colleague=200, former_colleague=200),
        row(
            LOGIN,
            404,
            owner="302 reflections:history",
            colleague="302 reflections:history",
            former_colleague="302 reflections:history",
        ),
    ),
    "reflections:csrf_token": (
        row(200),
        row(405),
    ),
    "reflections:autosave": (
        row(405),
        row(401, 400),
    ),
    "reflections:commitment_autosave": (
        row(405),
        row(401, 404),
    ),
    "reflections:share_start": (
        row(LOGIN, 200),
        row(LOGIN, 400),
    ),
    "reflections:colleague_search": (
        row(401, 200),
        row(405),
    ),
    "reflections:invitation": (
        row(LOGIN, 404, colleague="302 reflections:exercise"),
        row(LOGIN, 404, colleague="302 reflections:exercise"),
    ),
    "reflections:invitation [ended share]": (
        row(LOGIN, 404),
        row(LOGIN, 404),
    ),
    "reflections:share_detail": (
        row(LOGIN, 404, owner=200, colleague=200),
        row(LOGIN, 405),
    ),
    "reflections:share_detail [ended share]": (
        row(LOGIN, 404),
        row(LOGIN, 405),
    ),
    "reflections:share_end": (
        row(LOGIN, 404, owner=200, colleague=200),
        row(LOGIN, 404, owner="302 reflections:exercise", colleague="302 reflections:exercise"),
    ),
    "reflections:share_end [ended share]": (
        row(LOGIN, 404),
        row(LOGIN, 404),
    ),
    "reflections:invitation_email_resend": (
        row(LOGIN, 405),
        row(LOGIN, 404, owner="302 reflections:exercise", colleague="302 reflections:exercise"),
    ),
    "reflections:invitation_email_resend [ended share]": (
        row(LOGIN, 405),
        row(LOGIN, 404),
    ),
    "reflections:commitment_review": (
        row(LOGIN, 405),
        row(LOGIN, 404, owner=400),
    ),
    "reflections:cpd_record": (
        row(LOGIN, 200),
        row(LOGIN, 200),
    ),
    "reflections:cpd_record_pdf": (
        row(LOGIN, 200),
        row(LOGIN, 200),
    ),
    "reflections:data_export": (
        row(LOGIN, 200),
        row(LOGIN, 200),
    ),
    "reflections:account_delete": (
        row(LOGIN, 200),
        row(LOGIN, 400),
    ),
    "reflections:account_deleted": (
        row(200),
        row(200),
    ),
    "reflections:course_completed": (
        row(LOGIN, HOME, owner=200),
        row(LOGIN, HOME, owner=200),
    ),
    "reflections:course_summary": (
        row(LOGIN, 200),
        row(LOGIN, 200),
    ),
    "reflections:certificate": (
        row(LOGIN, HOME, owner=200),
        row(LOGIN, HOME, owner=200),
    ),
    "reflections:certificate_pdf": (
        row(LOGIN, HOME, owner=200),
        row(LOGIN, HOME, owner=200),
    ),
    "verify:form": (
        row(200),
        row(200),
    ),
    "verify:code": (
        row(200),
        row(200),
    ),
    # The load balancers' check: says "ok" to anyone, and changes nothing.
    "health": (
        row(200),
        row(405),
    ),
    # Browsers' CSP violation reports: POST only, and only as a report's JSON (a form is
    # refused unread), from anyone (cse_course/csp_report.py).
    "csp_report": (
        row(405),
        row(415),
    ),
    "organisation:members": (
        row(LOGIN, 403, org_admin=200, other_org_admin=200),
        row(LOGIN, 403, org_admin=405, other_org_admin=405),
    ),
    "organisation:person": (
        row(LOGIN, 403, org_admin=200, other_org_admin=404),
        row(LOGIN, 403, org_admin=405, other_org_admin=405),
    ),
    "organisation:person_team": (
        row(LOGIN, 403, org_admin=405, other_org_admin=405),
        row(LOGIN, 403, org_admin="302 organisation:person", other_org_admin=404),
    ),
    "organisation:person_managed_teams": (
        row(LOGIN, 403, org_admin=405, other_org_admin=405),
        row(LOGIN, 403, org_admin="302 organisation:person", other_org_admin=404),
    ),
    "organisation:person_role": (
        row(LOGIN, 403, org_admin=405, other_org_admin=405),
        row(LOGIN, 403, org_admin=400, other_org_admin=404),
    ),
    "organisation:person_deactivate": (
        row(LOGIN, 403, org_admin=200, other_org_admin=404),
        row(LOGIN, 403, org_admin="302 organisation:person", other_org_admin=404),
    ),
    "organisation:person_reactivate": (
        row(LOGIN, 403, org_admin=405, other_org_admin=405),
        row(LOGIN, 403, org_admin=400, other_org_admin=404),
    ),
    "organisation:invite": (
        row(LOGIN, 403, org_admin=200, other_org_admin=200),
        row(LOGIN, 403, org_admin=200, other_org_admin=200),
    ),
    "organisation:invitation_withdraw": (
        row(LOGIN, 403, org_admin=405, other_org_admin=405),
        row(LOGIN, 403, org_admin="302 organisation:members", other_org_admin=404),
    ),
    "organisation:import_upload": (
        row(LOGIN, 403, org_admin=200, other_org_admin=200),
        row(LOGIN, 403, org_admin=200, other_org_admin=200),
    ),
    "organisation:import_preview": (
        row(LOGIN, 403, org_admin=200, other_org_admin=404),
        row(LOGIN, 403, org_admin=405, other_org_admin=405),
    ),
    "organisation:import_apply": (
        row(LOGIN, 403, org_admin=405, other_org_admin=405),
        row(LOGIN, 403, org_admin="302 organisation:members", other_org_admin=404),
    ),
    "organisation:teams": (
        row(LOGIN, 403, org_admin=200, other_org_admin=200),
        row(LOGIN, 403, org_admin=200, other_org_admin=200),
    ),
    "organisation:team_rename": (
        row(LOGIN, 403, org_admin=200, other_org_admin=404),
        row(LOGIN, 403, org_admin=200, other_org_admin=404),
    ),
    "team_progress:dashboard": (
        row(LOGIN, 200),
        row(LOGIN, 405),
    ),
    "team_progress:team": (
        row(LOGIN, 404, manager=200),
        row(LOGIN, 405),
    ),
    "team_progress:team_csv": (
        row(LOGIN, 404, manager=200),
        row(LOGIN, 405),
    ),
    "team_progress:member": (
        row(LOGIN, 404, manager=200),
        row(LOGIN, 405),
    ),
    "team_progress:nudge": (
        row(LOGIN, 405),
        row(LOGIN, 404, manager="302 team_progress:team"),
    ),
    "course_editing:home": (
        row(LOGIN, 404, trainer=200, administrator=200),
        row(LOGIN, 404, trainer=405, administrator=405),
    ),
    "course_editing:edit": (
        row(LOGIN, 404, trainer=200, administrator=200),
        row(LOGIN, 404, trainer=400, administrator=400),
    ),
    "course_editing:draft": (
        row(LOGIN, 404, trainer="302 course_editing:edit", administrator="302 course_editing:edit"),
        row(LOGIN, 404, trainer=405, administrator=405),
    ),
    "course_editing:publish": (
        row(LOGIN, 404, trainer=405, administrator=405),
        row(
            LOGIN, 404, trainer="302 course_editing:draft", administrator="302 course_editing:draft"
        ),
    ),
    "course_editing:discard": (
        row(LOGIN, 404, trainer=405, administrator=405),
        row(
            LOGIN, 404, trainer="302 course_editing:draft", administrator="302 course_editing:draft"
        ),
    ),
    "course_editing:history": (
        row(LOGIN, 404, trainer=200, administrator=200),
        row(LOGIN, 404, trainer=405, administrator=405),
    ),
    "course_editing:diff": (
        row(LOGIN, 404, trainer=200, administrator=200),
        row(LOGIN, 404, trainer=405, administrator=405),
    ),
    "course_editing:revert": (
        row(LOGIN, 404, trainer=405, administrator=405),
        row(
            LOGIN,
            404,
            trainer="302 course_editing:history",
            administrator="302 course_editing:history",
        ),
    ),
    "course_editing:legal_review": (
        row(LOGIN, 404, trainer=405, administrator=405),
        row(
            LOGIN,
            404,
            trainer="302 course_editing:history",
            administrator="302 course_editing:history",
        ),
    ),
    "course_editing:archive": (
        row(LOGIN, 404, trainer=405, administrator=405),
        row(
            LOGIN,
            404,
            trainer="302 course_editing:history",
            administrator="302 course_editing:history",
        ),
    ),
    "course_editing:move": (
        row(LOGIN, 404, trainer=405, administrator=405),
        row(LOGIN, 404),
    ),
    "course_editing:exercise_edit": (
        row(LOGIN, 404, trainer=200, administrator=200),
        row(LOGIN, 404, trainer=400, administrator=400),
    ),
    "course_editing:lesson_create": (
        row(LOGIN, 404, trainer=200, administrator=200),
        row(LOGIN, 404, trainer=400, administrator=400),
    ),
    "course_editing:markdownx_markdownify": (
        row(LOGIN, 404, trainer=405, administrator=405),
        row(LOGIN, 404, trainer=200, administrator=200),
    ),
    "course_editing:markdownx_upload": (
        row(LOGIN, 404),
        row(LOGIN, 404),
    ),
}

# The administration site: everyone but an administrator (staff and superuser, with a
# second factor) is sent to its sign-in. What an administrator gets, by kind of page.
EDITABLE = {
    "changelist": (200, 200),
    "add": (200, 200),
    "history": (200, 200),
    "delete": (200, 200),
    "change": (200, 200),
}
# A record nobody edits by hand: it can be read, never added or changed.
READ_ONLY = EDITABLE | {"add": (403, 403), "delete": (403, 403), "change": (200, 403)}
# No row of it in the test world: the pages about one row go back to the index.
NO_ROW = {"history": (ADMIN_HOME, ADMIN_HOME), "change": (ADMIN_HOME, 403)}

ADMIN_MODELS = {
    "auth_group": EDITABLE,
    "usersessions_usersession": EDITABLE,
    "socialaccount_socialapp": EDITABLE,
    "socialaccount_socialtoken": EDITABLE,
    "socialaccount_socialaccount": EDITABLE,
    "django_tasks_database_dbtaskresult": READ_ONLY | NO_ROW,
    "audit_auditevent": READ_ONLY,
    "accounts_organisation": EDITABLE,
    "accounts_team": EDITABLE,
    "accounts_user": EDITABLE,
    "account_emailaddress": EDITABLE,
    "modules_course": EDITABLE,
    "modules_part": EDITABLE,
    "modules_lesson": EDITABLE,
    "modules_exercise": EDITABLE,
    "modules_lessonprogress": EDITABLE,
    # Answers are deleted with their person, never written in the admin.
    "reflections_exerciseresponse": READ_ONLY | {"delete": (200, 200)},
    # A certificate is revoked (deleted) here, never issued or changed.
    "reflections_certificate": READ_ONLY | {"delete": (200, 200)},
}

ADMIN_SITE = {
    "admin:index": (200, 200),
    "admin:password_change": (200, 200),
    "admin:password_change_done": (200, 405),
    "admin:autocomplete": (403, 405),
    "admin:jsi18n": (200, 405),
    "admin:view_on_site": ("302 modules:lesson", "302 modules:lesson"),
    "admin:app_list": (200, 200),
    "admin:auth_user_password_change": (200, 200),
}


def _admin_rows():
    rows = {}
    administrator_gets = dict(ADMIN_SITE)
    for model, pages in ADMIN_MODELS.items():
        for page, statuses in pages.items():
            administrator_gets[f"admin:{model}_{page}"] = statuses
    for name, (get, post) in administrator_gets.items():
        rows[name] = (row(ADMIN_LOGIN, administrator=get), row(ADMIN_LOGIN, administrator=post))
    # Its sign-in is the course's (signed-in people who are not staff are refused, not
    # asked to sign in again); signing out there is a POST.
    rows["admin:login"] = (
        row(LOGIN, 403, administrator=ADMIN_HOME),
        row(LOGIN, 403, administrator=200),
    )
    rows["admin:logout"] = (
        row(ADMIN_HOME, administrator=405),
        row(ADMIN_HOME, administrator=LOGIN),
    )
    return rows


TABLE = COURSE | _admin_rows()


# Statuses that mean a role is refused before the view does anything.
REFUSED = frozenset({403, 404, 405, LOGIN, ADMIN_LOGIN, ADMIN_HOME})


def poster(key: str) -> str:
    """The first role whose POST to `key` reaches the view (the owner when none does)."""
    posts = TABLE[key][1]
    return next(
        (role for role, status in zip(ROLES, posts, strict=True) if status not in REFUSED),
        "owner",
    )


# Addresses without a name cannot be reversed into the matrix. Only these may exist, each
# a redirect or a file server that decides nothing about people's records.
UNNAMED_PREFIXES = {
    "admin/": "the administration site's shortcut to a change page, and its catch-all "
    "(both behind its sign-in)",
    "accounts/social/": "allauth's old addresses, redirecting to the current ones",
    "^media/": "organisations' logos, served by Django only when SERVE_MEDIA is on",
}


def unknown_unnamed(patterns) -> list[str]:
    """The unnamed patterns that are none of the kinds above."""
    return [pattern for pattern in patterns if not pattern.startswith(tuple(UNNAMED_PREFIXES))]
