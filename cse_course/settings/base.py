"""Settings shared by every environment. Values that differ come from the environment."""

import os
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# --- Core --------------------------------------------------------------------

SECRET_KEY = env("SECRET_KEY", default="insecure-local-development-key-change-me")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# A POST with a stale token (signing in again in another tab replaces it) keeps its text.
CSRF_FAILURE_VIEW = "cse_course.views.csrf_failure"

# --- Applications ------------------------------------------------------------

DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]
THIRD_PARTY_APPS = [
    # Accounts: sign-in, registration with email verification, password reset and
    # change, rate limits and reauthentication (account); two-factor sign-in (mfa); the
    # list of a person's sessions (usersessions); single sign-on through an
    # organisation's own OpenID Connect provider (socialaccount).
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "markdownx",
    # Background tasks (the backport of Django 6's tasks framework) and their database
    # backend: every email is queued as a row and sent by `manage.py db_worker`.
    "django_tasks",
    "django_tasks_db",
]
# Dependencies run one way: team_progress (the team managers' pages) -> reflections ->
# modules -> accounts -> audit, course_editing (the trainers' pages) -> modules, and
# organisations (the organisation administrators' pages) -> accounts -> audit. Every
# app that sends email queues it in outbox, which depends on none of them.
LOCAL_APPS = [
    "outbox",
    "audit",
    "accounts",
    "organisations",
    "modules",
    "reflections",
    "team_progress",
    "course_editing",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

# Order matters: security headers first; WhiteNoise serves static files before
# sessions are touched; the session lifetime is checked as soon as the user is known,
# before allauth or any view sees them.
MIDDLEWARE = [
    # First, so every log line of the request (even from the middleware below) has its id.
    "cse_course.logs.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so static files carry it too.
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside CSPMiddleware, so it sees the header CSP writes.
    "cse_course.middleware.ReportingEndpointsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Inside CSPMiddleware, so the form-action it adds is in the header CSP then writes.
    "accounts.middleware.FormActionOriginsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Where its answer is seen by the person's browser only, after every view and every
    # middleware that can sign someone in or out has had its say.
    "cse_course.middleware.PrivateNoStoreMiddleware",
    # Logs each 403, and each 404 from a view (a guessed id), with the route's pattern.
    "accounts.middleware.RefusedAccessLogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.SessionLifetimeMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.SecondFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "cse_course.urls"
WSGI_APPLICATION = "cse_course.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "modules.context_processors.course",
                # Read by the course home (modules), which cannot import reflections.
                "reflections.context_processors.course_certificate",
                "reflections.context_processors.course_standing",
                "accounts.context_processors.account",
                "course_editing.context_processors.editing",
            ],
        },
    },
]

# --- Database and cache -------------------------------------------------------

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Seconds a worker keeps its database connection between requests (0: a new connection
# per request). Opening a PostgreSQL connection costs more than serving most pages, so
# production keeps them (600 there unless set); CONN_HEALTH_CHECKS then tests a kept
# connection before a request uses it, so a restarted database costs no request an error.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool(
    "CONN_HEALTH_CHECKS", default=DATABASES["default"]["CONN_MAX_AGE"] > 0
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache holds rate-limit counts, so every app server must share it. REDIS_URL
# (redis://host:6379/0) puts it in Redis, through Django's own backend; otherwise
# CACHE_URL names any cache django-environ knows (production's default is the database,
# dbcache://cse_cache after `manage.py createcachetable`); one process on its own (`./dev
# run`, the tests) keeps it in memory.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL and "CACHE_URL" in os.environ:
    raise ImproperlyConfigured("Set REDIS_URL or CACHE_URL, not both: they name the same cache.")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # A Redis that stops answering fails a request in two seconds instead of
            # holding a worker (and /health/ says so to the load balancer).
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
    # Sessions are read from Redis and written to both, so a page view reads no session
    # row; the database copy keeps everyone signed in if Redis is emptied. Every way the
    # course ends a session goes through the session store, which removes both copies.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

# --- Accounts and authentication ---------------------------------------------

AUTH_USER_MODEL = "accounts.User"
# allauth's backend signs people in by email (in one normal form, see accounts.emails);
# it extends Django's ModelBackend, so permissions work as usual.
AUTHENTICATION_BACKENDS = ["accounts.backends.EmailBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {
        # The default list names username, first_name and last_name, which this User lacks.
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ["email", "full_name"]},
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "modules:home"
LOGOUT_REDIRECT_URL = "account_login"

# Sessions: signed out after SESSION_IDLE_MINUTES without a request (an exercise page
# that autosaves counts as activity) and SESSION_MAX_HOURS after signing in, whatever
# happens (accounts.middleware.SessionLifetimeMiddleware). The cookie lasts until the
# browser closes, and never longer than the absolute lifetime.
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=30)
SESSION_MAX_HOURS = env.int("SESSION_MAX_HOURS", default=8)
SESSION_COOKIE_AGE = SESSION_MAX_HOURS * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# allauth: email is the only sign-in name; registration asks for it once and for the
# password twice; an address must be verified (by a link sent to it) before the account
# can do anything beyond reading the course (accounts.access).
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {
    "login": "accounts.forms.SignInForm",
    "signup": "accounts.forms.RegistrationForm",
    "reset_password": "accounts.forms.PasswordResetForm",
    "add_email": "accounts.forms.AddEmailForm",
    "change_password": "accounts.forms.ChangePasswordForm",
    "set_password": "accounts.forms.SetPasswordForm",
    "reset_password_from_key": "accounts.forms.NewPasswordForm",
    "reauthenticate": "accounts.forms.ReauthenticateForm",
}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False  # a link scanner opening the link confirms nothing
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 3
ACCOUNT_UNIQUE_EMAIL = True
# One address per person: changing it verifies the new one before it replaces the old.
ACCOUNT_CHANGE_EMAIL = True
# Never say whether an address has an account: registration with a known address
# emails its owner instead, and a reset for an unknown address looks the same.
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_GET = False
# A password change keeps this session and ends every other one (accounts.signals).
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"

# Rate limits, counted in the cache (CACHES below): "<count>/<period>/<per>" where per
# is ip (the client address: password spraying across accounts), key (the email
# address, in its normal form) or user. Failed sign-ins: 5 per address in 15 minutes,
# and 10 a minute and 30 an hour from one client address whichever accounts it tries.
# The last three are this course's own, applied by accounts.ratelimits. Invitations
# have their own daily and weekly limits, counted from the invitations themselves.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,30/h/ip,5/15m/key",
    "signup": "5/m/ip,20/h/ip",
    "reset_password": "5/m/ip,20/h/ip,3/h/key",
    "reset_password_from_key": "20/m/ip",
    "reauthenticate": "5/5m/user",
    "change_password": "5/m/user",
    "confirm_email": "1/3m/key",
    "manage_email": "10/h/user",
    "colleague_search": "60/m/user,600/h/ip",
    "account_delete": "5/15m/user,20/h/ip",
    "account_exists_mail": "1/10m/key",
    # Setting a password from an organisation's invitation link (organisations).
    "staff_invitation_accept": "5/m/ip,30/h/ip",
    # Checking a certificate's code on the public verify page (reflections): enough for
    # an employer checking a pile of certificates, far too few to guess codes.
    "certificate_verify": "20/m/ip,100/h/ip",
    # The PDFs (the CPD record, the certificate) take about a second of CPU each to draw:
    # plenty for anyone downloading their own, too few to tie the app servers up.
    "pdf_download": "10/m/user,60/h/user",
    # Browsers' reports of Content-Security-Policy violations (cse_course.csp_report): a
    # page broken by an extension sends a few; more is someone filling the log.
    "csp_report": "30/m/ip,300/h/ip",
}

# The client address, for rate limits and the session list. Behind reverse proxies,
# TRUSTED_PROXY_COUNT says how many: the client is that many entries from the right
# of X-Forwarded-For. If it is too low, every client looks like the proxy (and one
# person's failures lock everyone out); too high, and clients can choose their own
# address. Without proxies the header is ignored: anyone can send it.
# (allauth reads the address through accounts.adapter.AccountAdapter.get_client_ip.)
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# Two-factor sign-in: an authenticator app (TOTP) with recovery codes. Required for
# team managers, organisation administrators, trainers and administrators when
# REQUIRE_SECOND_FACTOR is on (production and tests; the local run leaves it optional
# so the printed demo accounts sign in with a password).
MFA_ADAPTER = "accounts.adapter.SecondFactorAdapter"
# Authenticator secrets are stored encrypted with this key. It defaults to SECRET_KEY:
# when rotating that, keep the old value here, or everyone must set up their app again.
MFA_ENCRYPTION_KEY = env("MFA_ENCRYPTION_KEY", default=SECRET_KEY)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_FORMS = {
    "authenticate": "accounts.forms.SecondFactorCodeForm",
    "reauthenticate": "accounts.forms.SecondFactorConfirmForm",
    "activate_totp": "accounts.forms.AuthenticatorAppForm",
}
MFA_TOTP_ISSUER = env("MFA_TOTP_ISSUER", default="CSE practice course")
REQUIRE_SECOND_FACTOR = env.bool("REQUIRE_SECOND_FACTOR", default=True)

# The list of a person's own sessions, with the address and browser each signed in
# from. Not tracked on every request: that would write to the database each time.
USERSESSIONS_TRACK_ACTIVITY = False

# Single sign-on: an organisation may sign in through its own OpenID Connect provider
# (configured as a social application in the admin and linked to the organisation).
SOCIALACCOUNT_ADAPTER = "accounts.adapter.SingleSignOnAdapter"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # accounts.adapter links by verified email
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_ONLY = False

# --- Email ---------------------------------------------------------------------

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="CSE course <no-reply@localhost>")
# Seconds to wait on the mail server before an attempt counts as failed (and is tried
# again later): a server that accepts a connection and never answers holds nothing up.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
# Seconds after which an email still not sent, whose task is not waiting to run and has
# been running longer than this (its worker died mid-send, say when the database dropped
# the connection), is queued again by `manage.py outbox_recover` (cron, every 5 minutes).
# Far longer than one attempt can take: ten times EMAIL_TIMEOUT, at least 5 minutes.
EMAIL_RECOVER_AFTER = env.int("EMAIL_RECOVER_AFTER", default=max(10 * EMAIL_TIMEOUT, 300))
# The record of each email sent or given up (address, subject, state) and the background
# task's row are removed by the daily `manage.py apply_retention` after this many days.
EMAIL_RECORD_DAYS = env.int("EMAIL_RECORD_DAYS", default=30)

# --- Background tasks -----------------------------------------------------------
# Every email is queued (outbox.services.email_queue) and sent by the worker,
# `manage.py db_worker`, never inside a request. TASKS_BACKEND may name
# django_tasks.backends.immediate.ImmediateBackend to run each task at once instead
# (`./dev run` and the tests do).

TASKS = {"default": {"BACKEND": env("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend")}}

# --- Internationalisation ----------------------------------------------------

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------
# Third-party front-end packages come from npm (package.json) into node_modules;
# only the files the site uses are exposed, under static/vendor/.

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
]
# Uploaded files: only organisations' logos, checked and re-encoded on upload
# (accounts.logos). In production the proxy in front serves MEDIA_ROOT at MEDIA_URL
# (README.md, "Organisations' logos"); SERVE_MEDIA lets Django serve them itself, for
# `./dev run` and the browser tests.
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=DEBUG)

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Security headers ------------------------------------------------------------
# A strict Content-Security-Policy: no inline script or style anywhere.

# Where browsers send their reports of violations (cse_course.urls, "csp_report"), and
# the name of that endpoint in the Reporting-Endpoints header.
CSP_REPORT_PATH = "/security/csp-report/"
CSP_REPORT_GROUP = "csp-endpoint"
# Reports larger than this are refused (413) unread.
CSP_REPORT_MAX_BYTES = 16 * 1024

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # Bootstrap's stylesheet draws some icons as data: SVG images.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
        # Violations are reported to the course (cse_course.csp_report), which logs them:
        # report-uri for the browsers that only know it, report-to (with the
        # Reporting-Endpoints header, cse_course.middleware) for the rest.
        "report-uri": [CSP_REPORT_PATH],
        "report-to": CSP_REPORT_GROUP,
    },
}
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Browser features the course never uses, denied to every page and anything it could
# embed (django-permissions-policy sends the header on every response).
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in [
        "accelerometer",
        "autoplay",
        "bluetooth",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "interest-cohort",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    ]
}

# --- Forms -------------------------------------------------------------------------

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- The course -----------------------------------------------------------------------

CONTENT_DIR = env.path("CONTENT_DIR", default=BASE_DIR / "content")
# Invitations to compare answers: at most this many from one person a day, and to one
# email address a week (from anyone), so the course cannot be used to pester people.
INVITATIONS_PER_SENDER_PER_DAY = env.int("INVITATIONS_PER_SENDER_PER_DAY", default=20)
INVITATIONS_PER_ADDRESS_PER_WEEK = env.int("INVITATIONS_PER_ADDRESS_PER_WEEK", default=3)
# Organisation administrators: an invitation link works for this many days (the members
# list flags accounts nobody has signed in to for ACCOUNT_INACTIVE_FLAG_DAYS, below).
STAFF_INVITATION_DAYS = env.int("STAFF_INVITATION_DAYS", default=30)
# The public address used in emails (password reset, invitations, review reminders).
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

# --- Request size ----------------------------------------------------------------------

# The largest request the course asks for is the exercise page's form without
# JavaScript, sent with every question in a conflict (its answer was changed in another
# tab meanwhile). Each question then carries this tab's answer and the combined text
# offered to keep (this tab's + the saved one + a blank line): at most 20,000 + 40,002
# characters, as the combined text is posted before it is shortened. Form-encoded, a
# character takes at most 12 bytes: a 4-byte UTF-8 character becomes %F0%9F%98%80 (a
# line break, sent as CRLF, takes 6). With 8 questions: 8 x 60,002 x 12 + 64 KiB =
# 5,825,728 bytes (5.6 MiB). An autosave carries one answer, at most 20,000 x 12 bytes
# even when every character is JSON-escaped as a surrogate pair (\ud83d\ude00), far
# less. A larger body is refused with a 400 and templates/400.html.
EXERCISE_MAX_QUESTIONS = 8  # the content loader refuses more; the course has at most 5
_ANSWER_MAX_LENGTH = 20_000  # reflections.models.ANSWER_MAX_LENGTH (a test checks they agree)
_FORM_BYTES_PER_CHARACTER = 12
_FORM_OVERHEAD = 64 * 1024  # field names, versions, the CSRF token, the sign-in fields
DATA_UPLOAD_MAX_MEMORY_SIZE = (
    EXERCISE_MAX_QUESTIONS
    * (_ANSWER_MAX_LENGTH + 2 * _ANSWER_MAX_LENGTH + 2)
    * _FORM_BYTES_PER_CHARACTER
    + _FORM_OVERHEAD
)
# Django's default of 1,000 fields is left as it is: the exercise page, the largest
# form, sends five per question plus the CSRF token and two dates.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000

# --- Logging -------------------------------------------------------------------------
# Logs carry events and ids, never a practitioner's answer text, a password, a token or
# an email address. Every line has the request's id and the signed-in person's id
# (cse_course.logs). LOG_FORMAT: "json" (one object per line, for a log collector; the
# default) or "plain" (easier to read in a terminal; the local run's default).
# Security events (sign-ins, failed sign-ins, sign-outs, refused accesses, exports, CSP
# violations) go to the "cse.security" logger (audit.logs).

LOG_FORMAT = env("LOG_FORMAT", default="json")
if LOG_FORMAT not in ("json", "plain"):
    raise ImproperlyConfigured('LOG_FORMAT must be "json" or "plain".')

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request": {"()": "cse_course.logs.RequestContextFilter"}},
    "formatters": {
        "json": {"()": "cse_course.logs.JsonFormatter"},
        "plain": {
            "format": "{asctime} {levelname} {name} [{request_id} user={user_id}] {message}",
            "style": "{",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Request bodies never reach the log, even on errors.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        # The PDF font subsetter reports every table it prunes.
        "fontTools": {"level": "WARNING"},
    },
}

# The trainers' Markdown editor previews through the same sanitising renderer as the course.
MARKDOWNX_MARKDOWNIFY_FUNCTION = "modules.rendering.render_markdown"
# The editor's preview is mounted only inside the trainers' area (course_editing.urls),
# behind the same check as its pages; nothing is uploaded (the upload address refuses).
MARKDOWNX_URLS_PATH = "/course-editing/markdownx/markdownify/"
MARKDOWNX_UPLOAD_URLS_PATH = "/course-editing/markdownx/upload/"
# A lesson whose law was last checked longer ago than this is flagged to trainers.
LEGAL_REVIEW_MONTHS = env.int("LEGAL_REVIEW_MONTHS", default=12)

# --- Audit trail -------------------------------------------------------------------------
# Audit events are kept for six years, the usual limitation period for claims in England
# and Wales, counted as 6 x 365 days plus the two leap days six years can hold, so no
# event goes early. The daily `manage.py apply_retention` removes older ones; nothing
# else removes an audit event.
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=6 * 365 + 2)

# --- Answer history ------------------------------------------------------------------
# Autosaves of one answer less than this many minutes after the last one are kept as a
# single history entry, so the history holds what was meant rather than every pause in
# typing (0 keeps each autosave). A Save button press and a submit keep their own entry.
ANSWER_HISTORY_COALESCE_MINUTES = env.int("ANSWER_HISTORY_COALESCE_MINUTES", default=10)

# --- Retention -------------------------------------------------------------------------------
# How long personal data is kept before `manage.py apply_retention` (daily, from cron)
# removes it; every rule is in reflections/retention.py, and docs/privacy.md lists every
# kind of data with its period.
#
# An invitation to compare answers that nobody answers expires after this many days:
# one sent to an email address is then deleted (with the address), one sent to a named
# colleague is marked expired. At least 7 (the weekly per-address limit counts them).
SHARE_INVITATION_DAYS = env.int("SHARE_INVITATION_DAYS", default=30)
# A registration whose address is never verified is deleted this many days after it was
# made (and after its last sign-in): the verification link itself lasts three days.
UNVERIFIED_ACCOUNT_DAYS = env.int("UNVERIFIED_ACCOUNT_DAYS", default=7)
# Accounts nobody has signed in to for this many days are listed for their
# organisation's administrator to review; they are never deleted automatically.
ACCOUNT_INACTIVE_FLAG_DAYS = env.int("ACCOUNT_INACTIVE_FLAG_DAYS", default=365)
# A team member who has started the course but done nothing in it for this many days is
# counted as inactive on their team manager's page.
TEAM_INACTIVE_DAYS = env.int("TEAM_INACTIVE_DAYS", default=30)
# A team member is sent at most one reminder (a nudge from a team manager) in this many
# days, whoever sends it.
NUDGE_INTERVAL_DAYS = env.int("NUDGE_INTERVAL_DAYS", default=7)
# The team managers' pages keep each team's figures (counts and moments by account id,
# no names) in the cache for at most this many seconds; any change to the data behind
# them is seen at once, whatever this is (team_progress.figures).
TEAM_FIGURES_CACHE_SECONDS = env.int("TEAM_FIGURES_CACHE_SECONDS", default=3600)
