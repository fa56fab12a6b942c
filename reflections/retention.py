"""How long personal data is kept: every retention rule, and the one daily run of them all.

`RULES` is the whole list. Each rule is a function, named for what it removes, that
takes the moment of the run and returns how many rows it removed (or, for invitations
to a named colleague, marked expired). `manage.py apply_retention` walks the list once a
day and prints one line per rule; `retention_apply` is that walk. docs/privacy.md says
how long each kind of data is kept and why, and a test keeps it in step with the
erasure register in reflections.export.

A rule lives with the code that writes its data, when there is such code: invitations
in reflections.services.sharing (sending an invitation needs the same rule), the records
of emails and the background tasks that send them in outbox.services, and audit events
in audit.services. The others are here: they act on what Django and allauth keep
about signing in, which no app of ours writes, and on unverified registrations, which
are erased through the register in reflections.export, so they belong to the app
highest in the dependency order.

Two runs at once (a slow run overlapping the next, or the cron line on two servers)
never remove a row twice, and the counts they print add up to the rows removed.
Invitations, sessions, sign-in records, confirmation links, email records and task rows
each go in one DELETE statement whose rows are taken with FOR UPDATE SKIP LOCKED (an
email record's invitation loses its link to it first): a row the other run holds is left
to it, so neither waits for the other and they cannot deadlock. Unverified accounts
are taken the same way before they are erased. Invitations to a named colleague are
marked, audit events and expired cache entries removed, each in one conditional
statement: a row both runs reach is changed by the first, and the second, once the
first commits, finds it no longer matches and does not count it. A second run removes
nothing: every rule selects by its own condition, which a removed row no longer meets.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import import_module

from allauth.account import app_settings as account_settings
from allauth.account.models import EmailConfirmation
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, router, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from audit.services import audit_purge_expired, audit_record
from organisations.models import StaffImport, StaffInvitation
from organisations.services import EXPIRED_INVITATIONS_KEPT_DAYS
from outbox.services import email_records_purge, task_results_purge

from .export import account_delete
from .models import Share, share_invitation_cutoff
from .services.sharing import share_invitations_expire


def _delete_unlocked(rows) -> int:
    """Delete `rows` in one statement, leaving any row another transaction holds to it;
    return how many went. Only for models nothing points at and no signal watches, so
    the DELETE is the one statement Django runs."""
    model = rows.model
    with transaction.atomic(using=router.db_for_write(model)):
        taken = rows.order_by().select_for_update(skip_locked=True).values("pk")
        _total, by_model = model._default_manager.filter(pk__in=taken).delete()
    return by_model.get(model._meta.label, 0)


# --- Invitations to compare answers -------------------------------------------------------


def email_invitations_purge(*, now: datetime) -> int:
    """Invitations sent to an email address that nobody accepted or declined within
    SHARE_INVITATION_DAYS, expired or withdrawn: deleted, and the address with them.
    (One that was answered names the person who answered; it stays with their shares.)"""
    cutoff = share_invitation_cutoff(now=now)
    return _delete_unlocked(Share.objects.unanswered_by_email().sent_before(cutoff))


def named_invitations_expire(*, now: datetime) -> int:
    """Invitations to a named colleague not answered within SHARE_INVITATION_DAYS: marked
    expired and kept (the row holds no address; the sender's record keeps that they
    asked, and it goes when either account does)."""
    return share_invitations_expire(now=now)


# --- Registrations never verified ---------------------------------------------------------


def unverified_account_cutoff(*, now: datetime) -> datetime:
    days = settings.UNVERIFIED_ACCOUNT_DAYS
    if days < 1:
        raise ImproperlyConfigured("UNVERIFIED_ACCOUNT_DAYS must be at least 1.")
    return now - timedelta(days=days)


def unverified_accounts_purge(*, now: datetime) -> int:
    """Registrations whose address was never verified, UNVERIFIED_ACCOUNT_DAYS after they
    were made and last signed in to (see `User.objects.unverified_registrations`).

    Each is erased through `account_delete`, so everything in the register goes and an
    `account.deleted` audit event says why. Such an account can hold little (answers,
    invitations and colleague search all need a verified address), but it may have
    lesson progress and sign-in records, and whatever the register gains later is
    erased here too without this rule changing. That costs 34 statements an account
    (registrations are few, and are limited per client address), where one bulk DELETE
    would bypass the register and its audit event.
    """
    cutoff = unverified_account_cutoff(now=now)
    with transaction.atomic():
        registrations = User.objects.unverified_registrations(before=cutoff)
        people = list(registrations.select_for_update(skip_locked=True).order_by("pk"))
        for person in people:
            account_delete(user=person, via="retention: unverified registration")
    return len(people)


# --- Sign-in records ----------------------------------------------------------------------


def _session_model():
    """The model of the configured session store, or None when sessions are not kept in
    the database (the course keeps them there: Django's default store)."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    return store.get_model_class() if hasattr(store, "get_model_class") else None


def sessions_purge(*, now: datetime) -> int:
    """Sessions past their expiry (what `manage.py clearsessions` removes): a session
    holds who is signed in and the sign-in clock, and stops working when it expires."""
    model = _session_model()
    if model is None:
        import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
        return 0
    return _delete_unlocked(model.objects.filter(expire_date__lt=now))


def user_sessions_purge(*, now: datetime) -> int:
    """allauth's record of each sign-in (client address, browser), once its session has
    ended or expired: the person's list of sessions already leaves these out."""
    model = _session_model()
    if model is None:
        return 0
    live = model.objects.filter(expire_date__gte=now).values("session_key")
    return _delete_unlocked(UserSession.objects.exclude(session_key__in=live))


def email_confirmations_purge(*, now: datetime) -> int:
    """Stored email verification links past ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS (sent
    that long ago, or made that long ago and never sent). The course's links are signed
    rather than stored, so this table is normally empty; rows made another way go too."""
    cutoff = now - timedelta(days=account_settings.EMAIL_CONFIRMATION_EXPIRE_DAYS)
    expired = Q(sent__lt=cutoff) | Q(sent__isnull=True, created__lt=cutoff)
    return _delete_unlocked(EmailConfirmation.objects.filter(expired))


def rate_limit_counts_purge(*, now: datetime) -> int:
    """Expired entries of a database cache, where rate-limit counts are kept by client
    address, account and (hashed) email address. A database cache removes an expired
    entry only when it is read again or the table overflows; other caches expire
    entries themselves, so there is nothing to do for them."""
    cache = caches["default"]
    if not isinstance(cache, DatabaseCache):
        return 0
    database = router.db_for_write(cache.cache_model_class)
    connection = connections[database]
    table = connection.ops.quote_name(cache.cache_model_class._meta.db_table)
    expires = connection.ops.quote_name("expires")
    with transaction.atomic(using=database), connection.cursor() as cursor:
        # One statement, as DatabaseCache's own culling does; nothing points at the table.
        cursor.execute(
            f"DELETE FROM {table} WHERE {expires} < %s",  # noqa: S608 (quoted names only)
            [connection.ops.adapt_datetimefield_value(now.replace(microsecond=0))],
        )
        return cursor.rowcount


# --- An organisation's staff invitations and imports ---------------------------------------


def staff_invitations_purge(*, now: datetime) -> int:
    """Invitations from an organisation administrator never accepted: removed, with the
    name and address, EXPIRED_INVITATIONS_KEPT_DAYS after they expired (until then the
    administrator sees them as expired and can invite again). An accepted one stays with
    the account it made and is erased with it."""
    kept_from = now - timedelta(days=EXPIRED_INVITATIONS_KEPT_DAYS)
    return _delete_unlocked(StaffInvitation.objects.expired(now=kept_from))


def staff_imports_purge(*, now: datetime) -> int:
    """Staff lists uploaded for import and never imported (organisations.StaffImport),
    after STAFF_IMPORT_HOURS: they hold other people's names and addresses."""
    return _delete_unlocked(StaffImport.objects.expired(now=now))


# --- Audit events -------------------------------------------------------------------------


def audit_events_purge(*, now: datetime) -> int:
    """Audit events older than AUDIT_RETENTION_DAYS (audit.services.audit_purge_expired)."""
    return audit_purge_expired(now=now)


# --- The daily run ------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    label: str  # what the count is of, as the daily run prints it
    apply: Callable[..., int]

    @property
    def name(self):
        return self.apply.__name__


RULES = (
    Rule("Expired invitations to compare answers removed", email_invitations_purge),
    Rule("Invitations to a named colleague marked expired", named_invitations_expire),
    Rule("Unverified registrations removed", unverified_accounts_purge),
    Rule("Expired sessions removed", sessions_purge),
    Rule("Sign-in records of ended sessions removed", user_sessions_purge),
    Rule("Expired email confirmation links removed", email_confirmations_purge),
    Rule("Expired rate-limit counts removed", rate_limit_counts_purge),
    Rule("Staff invitations never accepted removed", staff_invitations_purge),
    Rule("Staff lists never imported removed", staff_imports_purge),
    # outbox.services: what the queue keeps of each email, and the worker's task rows.
    Rule("Records of emails sent or given up removed", email_records_purge),
    Rule("Finished background tasks removed", task_results_purge),
    # Last, so the audit events the run itself writes are never candidates.
    Rule("Audit events past their retention period removed", audit_events_purge),
)


@dataclass(frozen=True)
class Outcome:
    rule: Rule
    count: int = 0
    error: Exception | None = None


def retention_apply(*, now: datetime | None = None) -> list[Outcome]:
    """Apply every rule at `now`, in the order of RULES; what each did.

    Each rule commits on its own, and one that fails does not stop the others: its
    error is in its outcome, and the next run takes up what it left. The run is audited
    with the counts (rule names and numbers only) when it changed anything.
    """
    now = now or timezone.now()
    outcomes = []
    for rule in RULES:
        try:
            outcomes.append(Outcome(rule=rule, count=rule.apply(now=now)))
        except Exception as error:  # reported by the command, which then fails
            outcomes.append(Outcome(rule=rule, error=error))
    counts = {outcome.rule.name: outcome.count for outcome in outcomes if outcome.count}
    if counts:
        audit_record(action="retention.applied", **counts)
    return outcomes
