import re

from allauth.account.models import EmailAddress
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.text import slugify

from .emails import email_normalise

# A name goes into emails and pages: no control characters, so no line breaks that
# could start a new email header or line, and nothing invisible.
name_validator = RegexValidator(
    r"^[^\x00-\x1f\x7f-\x9f\u2028\u2029]*\Z",
    "Use letters, spaces and punctuation only: no line breaks or control characters.",
)


DOMAIN_PATTERN = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}\Z")


def domain_validator(value):
    """A domain name in lower case (international names in their xn-- form)."""
    if not DOMAIN_PATTERN.match(value):
        raise ValidationError(
            "Enter the part of the address after the @, in lower case, such as example.gov.uk."
        )


class Organisation(models.Model):
    """A local authority or teaching partnership that runs the course for its staff."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    password_sign_in = models.BooleanField(
        "password sign-in",
        default=True,
        help_text="Members may sign in with a password. Turn off once the organisation's "
        "own sign-in service (single sign-on) is set up.",
    )
    sso_app = models.OneToOneField(
        "socialaccount.SocialApp",
        verbose_name="single sign-on",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="organisation",
        help_text="The organisation's own OpenID Connect sign-in service, if it has one.",
    )
    # Checked and re-encoded on upload (accounts.logos); shown in every page's header
    # to the organisation's members, with the organisation's name as its text.
    logo = models.ImageField(
        upload_to="organisation-logos/",
        blank=True,
        help_text="Shown in the header of every page the organisation's staff see. A PNG "
        "or JPEG image of at most 200 KB; it is made to fit 400 by 120 pixels.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)
        super().save(*args, **kwargs)


class OrganisationDomain(models.Model):
    """An email domain proven to belong to an organisation: a person who verifies an
    address at it joins that organisation."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="domains")
    domain = models.CharField(
        max_length=253,
        unique=True,
        validators=[domain_validator],
        help_text="The part of staff email addresses after the @, e.g. example.gov.uk. Add "
        "only domains whose addresses the organisation itself gives out.",
    )

    class Meta:
        ordering = ["domain"]

    def __str__(self):
        return self.domain


class Team(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(max_length=200, validators=[name_validator])
    managers = models.ManyToManyField(
        "accounts.User",
        blank=True,
        related_name="managed_teams",
        help_text="Team managers who may see this team's course completion (never answers).",
    )

    class Meta:
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="team_name_unique_in_org")
        ]

    def __str__(self):
        return f"{self.name} ({self.organisation})"


def _verified_address():
    return EmailAddress.objects.filter(user=OuterRef("pk"), verified=True)


class UserQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def verified(self):
        """People who have proven they own an address of theirs (by the link sent to it).
        Until then an account can only read the course: it is in no colleague search,
        no team figure and no invitation."""
        return self.filter(Exists(_verified_address()))

    def with_verified_flag(self):
        """The same rule as `verified()`, as a flag on each person that
        `User.has_verified_email` reads (the signed-in person is loaded this way, so
        checking it costs no query)."""
        return self.annotate(_has_verified_email=Exists(_verified_address()))

    def colleagues_of(self, user):
        """Other active, verified people in the same organisation."""
        if user.organisation_id is None:
            return self.none()
        return (
            self.active()
            .verified()
            .filter(organisation_id=user.organisation_id)
            .exclude(pk=user.pk)
        )

    def organisation_admins(self):
        """Active organisation administrators (of any organisation: filter for one)."""
        return self.active().filter(role=User.Role.ORGANISATION_ADMIN, organisation__isnull=False)

    def with_email(self, email):
        """The account using `email`, compared in its normal form (at most one)."""
        return self.filter(email=email_normalise(email))

    def unverified_registrations(self, *, before):
        """Registrations never verified, made and last signed in to before `before`.

        Only what the registration form makes: an account with an address recorded but
        none verified (an account an administrator creates has no address recorded until
        its owner signs in), with the plain practitioner role (any other role was given
        by an administrator), and never staff or a superuser. An account signed in to
        since `before` is kept, so its owner has the whole period to open the link.
        """
        return (
            self.filter(
                is_staff=False,
                is_superuser=False,
                role=User.Role.PRACTITIONER,
                date_joined__lt=before,
            )
            .filter(Q(last_login__isnull=True) | Q(last_login__lt=before))
            .filter(Exists(EmailAddress.objects.filter(user=OuterRef("pk"))))
            .exclude(Exists(_verified_address()))
        )

    def unused_since(self, moment):
        """Nobody has signed in to these since `moment`: last sign-in before it, or never
        signed in and joined before it."""
        return self.filter(
            Q(last_login__lt=moment) | Q(last_login__isnull=True, date_joined__lt=moment)
        )


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def _create_user(self, email, password, **fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=email_normalise(email), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **fields):
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **fields)

    def create_superuser(self, email, password=None, **fields):
        fields.update(is_staff=True, is_superuser=True, role=User.Role.ADMINISTRATOR)
        return self._create_user(email, password, **fields)

    def get_by_natural_key(self, username):
        return self.get(email=email_normalise(username))


class User(AbstractBaseUser, PermissionsMixin):
    """A person using the course. Everyone can take the course; the role adds duties."""

    class Role(models.TextChoices):
        PRACTITIONER = "practitioner", "Practitioner"
        TEAM_MANAGER = "team_manager", "Team manager"
        ORGANISATION_ADMIN = "organisation_admin", "Organisation administrator"
        TRAINER = "trainer", "Trainer"
        ADMINISTRATOR = "administrator", "Administrator"

    # Roles that see other people's progress, change other people's accounts or the
    # course itself: these sign in with a second factor (accounts.access).
    PRIVILEGED_ROLES = frozenset(
        {Role.TEAM_MANAGER, Role.ORGANISATION_ADMIN, Role.TRAINER, Role.ADMINISTRATOR}
    )

    # Stored in its normal form (accounts.emails), so the unique constraint is on it.
    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=150, validators=[name_validator])
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    job_role = models.CharField("job role", max_length=150, blank=True, validators=[name_validator])
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PRACTITIONER)
    is_staff = models.BooleanField(
        default=False, help_text="May sign in to the administration site."
    )
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    # Set when a notice waits for this person (Notice), so that a page costs a query
    # for notices only when there is one to show.
    has_notices = models.BooleanField(default=False, editable=False)
    # Set when a certificate of completion is issued to this person (reflections), so
    # that the course home costs a query for it only when there is one to show.
    has_certificate = models.BooleanField(default=False, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]

    def __str__(self):
        return self.full_name or self.email

    def clean(self):
        super().clean()
        self.email = email_normalise(self.email)

    def save(self, *args, **kwargs):
        self.email = email_normalise(self.email)
        super().save(*args, **kwargs)

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def is_organisation_admin(self):
        return self.role == self.Role.ORGANISATION_ADMIN and self.organisation_id is not None

    @property
    def is_team_manager(self):
        """Managers see their teams' course progress (team_progress), never answers."""
        return self.role == self.Role.TEAM_MANAGER and self.organisation_id is not None

    @property
    def is_privileged(self):
        """Sees or changes more than their own work: needs a second factor."""
        return self.role in self.PRIVILEGED_ROLES or self.is_staff or self.is_superuser

    @property
    def has_verified_email(self):
        """Whether this person has proven an address of theirs; see UserQuerySet.verified."""
        if not hasattr(self, "_has_verified_email"):
            self._has_verified_email = (
                self.pk is not None and type(self).objects.verified().filter(pk=self.pk).exists()
            )
        return self._has_verified_email


class NoticeQuerySet(models.QuerySet):
    def waiting(self):
        """Not yet shown."""
        return self.filter(shown_at__isnull=True)


class Notice(models.Model):
    """Something that happened to a person while they were away, shown once on the next
    page they open: that a colleague accepted, declined or ended comparing answers, or
    that their answers are open. Names and exercise numbers only, never answer text."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notices")
    text = models.CharField(max_length=300)
    link_url = models.CharField(max_length=200, blank=True)
    link_text = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    shown_at = models.DateTimeField(null=True, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(
                fields=["user"], condition=models.Q(shown_at__isnull=True), name="notice_waiting"
            )
        ]

    def __str__(self):
        return self.text
