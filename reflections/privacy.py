"""What each kind of personal data is, who sees it and how long it is kept: the facts
behind the table in docs/privacy.md.

They sit beside the register in reflections.export: `MODEL_FACTS` has an entry for
every model in `USER_DATA` and `NOT_ERASED`, `OTHER_STORES` for the places that hold a
person's data outside a model (sessions, the rate-limit cache, logs, email). Tests fail
when a registered model has no facts here, and when the table in docs/privacy.md is not
the one `privacy_table()` renders, so the register, these facts and the document stay in
step. Periods name the setting that sets them (cse_course/settings/base.py); the rules
that apply them are in reflections.retention.
"""

from dataclasses import dataclass

from django.apps import apps

from .export import NOT_ERASED, USER_DATA


@dataclass(frozen=True)
class Facts:
    what: str  # the kind of data, in a few words
    seen_by: str  # who can see it
    kept: str  # how long, and what removes it
    export_erasure: str  # whether the export holds it, and what erasing the account does
    where: str = ""  # for stores outside a model: where it is


ACCOUNT_LIFETIME = "While the account exists"
EXPORTED_ERASED = "Exported; erased with the account"

MODEL_FACTS = {
    "reflections.AnswerVersion": Facts(
        what="Earlier versions of each answer (answer text); autosaves less than "
        "`ANSWER_HISTORY_COALESCE_MINUTES` (10) apart are kept as one",
        seen_by="The person only (their answer history)",
        kept="While the account exists; the person can delete any earlier version, or "
        "all of them, at any time",
        export_erasure=EXPORTED_ERASED,
    ),
    "reflections.Answer": Facts(
        what="Answers to the reflective exercises (answer text)",
        seen_by="The person; the colleague they pair with, once both have submitted and "
        "while the share lasts. Never managers, trainers or administrators",
        kept=ACCOUNT_LIFETIME,
        export_erasure=EXPORTED_ERASED,
    ),
    "reflections.Commitment": Facts(
        what="The exercise 4 commitment: its dates, the review and how it went",
        seen_by="The person only",
        kept=ACCOUNT_LIFETIME,
        export_erasure=EXPORTED_ERASED,
    ),
    "reflections.ExerciseResponse": Facts(
        what="Which exercises a person has started and submitted, and when",
        seen_by="The person; administrators (dates and states, never answers)",
        kept=ACCOUNT_LIFETIME,
        export_erasure=EXPORTED_ERASED,
    ),
    "reflections.Certificate": Facts(
        what="The certificate of completion: its verification code, the day the course "
        "was completed, the CPD time, when it was issued and whether (and by whom) it "
        "was revoked",
        seen_by="The person; anyone holding its code, on the public verify page (the "
        "name, the course and the date only; whether it was revoked); administrators",
        kept=ACCOUNT_LIFETIME,
        export_erasure="Exported; erased with the account (its code is then not found)",
    ),
    "modules.LessonProgress": Facts(
        what="Lessons opened, last viewed and completed, with dates",
        seen_by="The person; their team's managers (started and completed); administrators",
        kept=ACCOUNT_LIFETIME,
        export_erasure=EXPORTED_ERASED,
    ),
    "reflections.Share": Facts(
        what="Pair-shares and invitations to compare answers: who asked whom, the "
        "exercise, the state and dates; for an invitation by email, the address",
        seen_by="The two people in it (the sender sees the address they typed)",
        kept="An invitation nobody answers expires after `SHARE_INVITATION_DAYS` (30): "
        "one sent to an email address is then deleted, with the address (as is one "
        "withdrawn that long ago); one to a named colleague is marked expired. Others "
        "while both accounts exist",
        export_erasure="Exported (the partner's name, never their answers); erased with "
        "either account",
    ),
    "organisations.StaffInvitation": Facts(
        what="An organisation administrator's invitation to a member of staff: their "
        "name, email address, team, job role and role",
        seen_by="The organisation's administrators; the person it was sent to",
        kept="Accepted: while the account it made exists. Never accepted: it expires "
        "after `STAFF_INVITATION_DAYS` (30) and is removed 30 days after that (until "
        "then the administrators see it as expired and can invite again)",
        export_erasure="The one a person accepted is exported and erased with their "
        "account; one never accepted is linked to nobody and removed as above",
    ),
    "accounts.Notice": Facts(
        what="Notices of what a colleague did while the person was away (accepted, "
        "declined or ended comparing answers; their answers opened): names and the "
        "exercise number, never answer text",
        seen_by="The person, once, on the next page they open",
        kept="While the account exists",
        export_erasure="Exported; erased with the account",
    ),
    "organisations.StaffImport": Facts(
        what="A list of staff uploaded for import (names, email addresses, teams, roles), "
        "kept between its preview and the import",
        seen_by="The organisation administrator who uploaded it",
        kept="Deleted when imported; otherwise removed after a day",
        export_erasure="Not exported (other people's details); removed with the uploader's account",
    ),
    "team_progress.Nudge": Facts(
        what="Reminders of the course a team manager sent: to whom, by whom, in which "
        "team and when (never progress or answers)",
        seen_by="The managers of the person's team (the date of the last one)",
        kept="While the person's account exists",
        export_erasure="Exported as audit events; removed with the person's account (the "
        "sender is set to null when theirs is deleted)",
    ),
    "account.EmailConfirmation": Facts(
        what="Stored email verification links (normally none: links are signed)",
        seen_by="Nobody",
        kept="`ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS` (3)",
        export_erasure="Not exported (a link, not information about the person); erased "
        "with the account",
    ),
    "account.EmailAddress": Facts(
        what="The person's email addresses and whether each is verified",
        seen_by="The person; administrators",
        kept=ACCOUNT_LIFETIME,
        export_erasure=EXPORTED_ERASED,
    ),
    "mfa.Authenticator": Facts(
        what="Two-factor sign-in: the authenticator secret (encrypted) and recovery codes",
        seen_by="Nobody reads the secret; the person and administrators see that it is set up",
        kept="While the account exists, or until the person turns it off",
        export_erasure="Exported without the secret (type and dates); erased with the account",
    ),
    "usersessions.UserSession": Facts(
        what="Each sign-in: client address, browser and when",
        seen_by="The person (their list of sessions); administrators",
        kept="Until the session ends or expires (`SESSION_IDLE_MINUTES`, "
        "`SESSION_MAX_HOURS`), then removed by the daily run",
        export_erasure=EXPORTED_ERASED,
    ),
    "socialaccount.SocialToken": Facts(
        what="Single sign-on access tokens (none are stored: `SOCIALACCOUNT_STORE_TOKENS` is off)",
        seen_by="Nobody",
        kept="Not kept",
        export_erasure="Not exported (a secret); erased with the account",
    ),
    "socialaccount.SocialAccount": Facts(
        what="The link to the person's account at their organisation's single sign-on "
        "service (its id and the details it sent)",
        seen_by="Administrators",
        kept=ACCOUNT_LIFETIME,
        export_erasure=EXPORTED_ERASED,
    ),
    "accounts.User": Facts(
        what="The account: name, email address, job role, organisation, team, role, "
        "password hash, when they joined and last signed in",
        seen_by="The person; colleagues in their organisation (name and team); their "
        "organisation's administrator; administrators",
        kept="Until the person or an administrator deletes it. A registration never "
        "verified is deleted after `UNVERIFIED_ACCOUNT_DAYS` (7); an account unused for "
        "`ACCOUNT_INACTIVE_FLAG_DAYS` (365) is listed for its organisation's "
        "administrator to review",
        export_erasure="Exported (never the password hash); erased",
    ),
    "audit.AuditEvent": Facts(
        what="The audit trail: who did what to which row, with ids and short facts "
        "(never answer text)",
        seen_by="Administrators",
        kept="`AUDIT_RETENTION_DAYS` (2192, six years)",
        export_erasure="Exported; kept on erasure with the actor emptied (the account's "
        "id stays as the target)",
    ),
    "admin.LogEntry": Facts(
        what="The administration site's history of staff edits (names of the rows changed)",
        seen_by="Administrators",
        kept="While the staff member's account exists",
        export_erasure="Not exported; removed with the staff member's account",
    ),
    "modules.LessonRevision": Facts(
        what="Earlier versions of lesson text, with the trainer who wrote them",
        seen_by="Trainers and administrators (the lesson's history in Course editing)",
        kept="As long as the course (it is course content)",
        export_erasure="Not exported; the author is emptied when their account is erased",
    ),
    "course_editing.LegalReview": Facts(
        what="When a lesson's law and guidance were checked, by which trainer, with a note",
        seen_by="Trainers and administrators (Course editing)",
        kept="As long as the course (it is course content)",
        export_erasure="Not exported; the reviewer is emptied when their account is erased",
    ),
    "course_editing.LessonDraft": Facts(
        what="A lesson's unpublished next version, with the trainer who saved it",
        seen_by="Trainers and administrators (Course editing)",
        kept="Until it is published or discarded",
        export_erasure="Not exported; the author is emptied when their account is erased",
    ),
    "accounts.Team": Facts(
        what="Teams, and which people manage each",
        seen_by="The organisation's administrator; administrators",
        kept="While the team exists",
        export_erasure="The team is in the export; a manager's link to it is removed "
        "with their account",
    ),
}

OTHER_STORES = {
    "Sessions": Facts(
        where="Django's session store (table `django_session`; with `REDIS_URL`, a copy "
        "in Redis too)",
        what="Who is signed in to a browser, and since when",
        seen_by="Nobody (the server reads it on each request)",
        kept="Until sign-out, `SESSION_IDLE_MINUTES` (30) without a request or "
        "`SESSION_MAX_HOURS` (8) after signing in; expired ones removed by the daily run",
        export_erasure="Not exported (the sign-in records are); stops working when the "
        "account is erased, removed once expired",
    ),
    "Rate-limit counts": Facts(
        where="The cache (Redis with `REDIS_URL`, otherwise `CACHE_URL`: in production the "
        "table `cse_cache` unless set)",
        what="Recent attempts, counted per client address, account id and hashed email address",
        seen_by="Nobody",
        kept="The longest limit's period (an hour); expired entries removed by the daily run",
        export_erasure="Not exported; expire on their own within the hour",
    ),
    "Team figures": Facts(
        where="The cache (Redis with `REDIS_URL`, otherwise `CACHE_URL`), one entry a team "
        "(team_progress.figures)",
        what="Each team member's course figures by account id: lessons and exercises done, "
        "when they started, were last active and completed, when last reminded, and which "
        "lessons they completed; no names, no answer text",
        seen_by="The team's managers, on their pages (the same figures the database gives)",
        kept="Until the data behind them changes (then worked out again) or "
        "`TEAM_FIGURES_CACHE_SECONDS` (an hour) pass",
        export_erasure="Not exported (the figures' sources are); an erased person is in no "
        "team, so never shown, and their entry goes within the hour",
    ),
    "Logs": Facts(
        where="The app server's standard error (`LOG_LEVEL`, `LOG_FORMAT`), kept by the host",
        what="Events, ids and errors, each line with its request's id and the signed-in "
        "person's id; sign-ins, failed sign-ins (the account's id, never the address typed), "
        "sign-outs, refused accesses and exports, with who and when; never answer text, "
        "request bodies, email addresses, passwords or tokens",
        seen_by="The people who run the service",
        kept="As long as the host keeps logs: set it to 30 days or less",
        export_erasure="Not exported; age out with the host's log retention",
    ),
    "Email": Facts(
        where="The course's outbox (tables `outbox_emaildelivery` and "
        "`django_tasks_database_dbtaskresult`), the mail server of `EMAIL_URL`, and the "
        "recipient's mailbox",
        what="Verification and password links, invitations (the sender's name and the "
        "exercise), review reminders, news of comparing answers (a colleague accepted, "
        "declined or ended; answers opened) and account notices; never answer text. The "
        "outbox "
        "keeps each email's address, subject and whether it was delivered; the task that "
        "sends it names only the email's id",
        seen_by="The recipient; the sender of an invitation sees whether its email could "
        "be delivered; the people who run the service",
        kept="The message until it is sent or given up (at most about 15 hours of retries), "
        "then emptied; the address, subject and state `EMAIL_RECORD_DAYS` (30) after "
        "that, then removed by the daily run with the task rows; the mail provider's own "
        "retention applies",
        export_erasure="Not exported; the outbox's records age out as above; not erasable "
        "from a mailbox",
    ),
}

HEADER = (
    "| Data | Where | Who can see it | How long it is kept | Export and erasure |",
    "| --- | --- | --- | --- | --- |",
)


def registered_labels() -> list[str]:
    """Every model of the register: those erased, in erasure order, then those kept."""
    return [holding.model._meta.label for holding in USER_DATA] + list(NOT_ERASED)


def _row(what, where, facts):
    return f"| {what} | {where} | {facts.seen_by} | {facts.kept} | {facts.export_erasure} |"


def privacy_table() -> list[str]:
    """The table of docs/privacy.md, one line a row (with its header)."""
    rows = list(HEADER)
    for label in registered_labels():
        facts = MODEL_FACTS[label]
        table = apps.get_model(label)._meta.db_table
        rows.append(_row(facts.what, f"`{label}` (table `{table}`)", facts))
    for name, facts in OTHER_STORES.items():
        rows.append(_row(f"{name}: {facts.what}", facts.where, facts))
    return rows
