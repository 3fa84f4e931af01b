"""Tenants (cities and districts), people, roles and the audit log."""

import uuid
import zoneinfo

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UnescoRegion(models.TextChoices):
    AFRICA = "africa", _("Africa")
    ARAB_STATES = "arab_states", _("Arab States")
    ASIA_PACIFIC = "asia_pacific", _("Asia and the Pacific")
    EUROPE_NORTH_AMERICA = "europe_north_america", _("Europe and North America")
    LATIN_AMERICA_CARIBBEAN = "latin_america_caribbean", _("Latin America and the Caribbean")


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("“%(value)s” is not a known time zone."), params={"value": value})


# Path segments the platform uses itself; a city may not take one as its slug.
RESERVED_SLUGS = frozenset(
    {
        "accounts",
        "admin",
        "api",
        "credentials",
        "healthz",
        "i18n",
        "jsi18n",
        "media",
        "network",
        "static",
    }
)


def validate_city_slug(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError(
            _("“%(value)s” is used by the platform itself; choose another address name."),
            params={"value": value},
        )


def validate_language_list(value: object) -> None:
    if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
        raise ValidationError(_("Languages must be a list of language codes."))


class City(models.Model):
    """A member learning city: the tenant every city-scoped record belongs to."""

    slug = models.SlugField(
        _("address name"), max_length=60, unique=True, validators=[validate_city_slug]
    )
    name = models.CharField(_("name"), max_length=120)
    country = models.CharField(_("country"), max_length=80)
    country_code = models.CharField(_("country code"), max_length=2, help_text="ISO 3166-1")
    region = models.CharField(_("UNESCO region"), max_length=32, choices=UnescoRegion.choices)
    population = models.PositiveIntegerField(_("population"))
    area_km2 = models.DecimalField(_("area (km²)"), max_digits=10, decimal_places=2)
    languages = models.JSONField(
        _("languages"),
        default=list,
        validators=[validate_language_list],
        help_text=_("Language codes spoken and taught in the city, most used first."),
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )
    latitude = models.FloatField(
        _("latitude"), validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    longitude = models.FloatField(
        _("longitude"), validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    description = models.TextField(_("description"), blank=True)
    # The description in other languages, as opportunities keep theirs:
    # {"fr": {"description": "..."}}; a language without one shows ``description``.
    translations = models.JSONField(_("translations"), default=dict, blank=True)
    member_since = models.PositiveSmallIntegerField(_("GNLC member since"), null=True, blank=True)
    is_demo = models.BooleanField(
        _("demo data"), default=False, help_text=_("Shown with a visible demo-data label.")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("city")
        verbose_name_plural = _("cities")

    def __str__(self) -> str:
        return self.name

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def primary_language(self) -> str:
        return self.languages[0] if self.languages else "en"

    def description_in(self, language: str) -> str:
        """The description in ``language`` when the city wrote one, else the original."""
        wording = self.translations.get(language) if isinstance(self.translations, dict) else None
        if isinstance(wording, dict) and str(wording.get("description", "")).strip():
            return str(wording["description"])
        return self.description


class District(models.Model):
    """A part of a city with the demographics later capabilities plan with."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="districts")
    slug = models.SlugField(max_length=60)
    name = models.CharField(_("name"), max_length=120)
    latitude = models.FloatField(
        _("latitude"), validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    longitude = models.FloatField(
        _("longitude"), validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    area_km2 = models.DecimalField(_("area (km²)"), max_digits=9, decimal_places=2, default=0)
    population_0_14 = models.PositiveIntegerField(_("children (0–14)"), default=0)
    population_15_24 = models.PositiveIntegerField(_("young people (15–24)"), default=0)
    population_25_64 = models.PositiveIntegerField(_("adults (25–64)"), default=0)
    population_65_plus = models.PositiveIntegerField(_("older people (65+)"), default=0)
    people_with_disabilities = models.PositiveIntegerField(_("people with disabilities"), default=0)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["city", "slug"], name="district_slug_unique_in_city")
        ]
        verbose_name = _("district")
        verbose_name_plural = _("districts")

    def __str__(self) -> str:
        return f"{self.name} ({self.city.name})"

    @property
    def population(self) -> int:
        return (
            self.population_0_14
            + self.population_15_24
            + self.population_25_64
            + self.population_65_plus
        )

    def clean(self) -> None:
        if self.people_with_disabilities > self.population:
            raise ValidationError(
                {
                    "people_with_disabilities": _(
                        "People with disabilities cannot outnumber the district's population."
                    )
                }
            )


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra: object) -> "User":
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person with an account. Email is the login; we keep as little else as we can."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(_("name to show"), max_length=80, blank=True)
    preferred_language = models.CharField(_("preferred language"), max_length=10, blank=True)
    home_city = models.ForeignKey(
        City,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("home city"),
    )
    is_staff = models.BooleanField(_("back-office access"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.display_name or self.email

    def get_full_name(self) -> str:
        return str(self)

    def get_short_name(self) -> str:
        return str(self)


class Role(models.TextChoices):
    """Roles granted per city (or network-wide). Provider staff is granted per provider
    by the catalogue app; every account is a resident."""

    CITY_COORDINATOR = "city_coordinator", _("City coordinator")
    NETWORK_COORDINATOR = "network_coordinator", _("Network coordinator")


class RoleGrant(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    city = models.ForeignKey(
        City,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="role_grants",
        help_text=_("Required for city coordinators; empty for network coordinators."),
    )
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "city"], name="role_grant_unique"),
            models.CheckConstraint(
                condition=(
                    models.Q(role="city_coordinator", city__isnull=False)
                    | models.Q(role="network_coordinator", city__isnull=True)
                ),
                name="role_grant_city_matches_role",
            ),
        ]
        verbose_name = _("role")
        verbose_name_plural = _("roles")

    def __str__(self) -> str:
        where = self.city.name if self.city else _("network")
        return f"{self.user} · {self.get_role_display()} · {where}"


class AuditEvent(models.Model):
    """Who did or saw what. Written by services, never edited."""

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    city = models.ForeignKey(
        City, on_delete=models.CASCADE, null=True, blank=True, related_name="audit_events"
    )
    action = models.CharField(max_length=64)
    target = models.CharField(max_length=200, blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target}"


class SignInCounter(models.Model):
    """How many sign-in attempts one key (an account, or an account at one address) has
    made in the current window: the row ``core.signin`` locks, so that checking the
    limit and counting the attempt are one step even with many requests at once.

    The key is a hash, so the table never holds email addresses or addresses in clear."""

    key = models.CharField(max_length=64, unique=True)
    # Hashes of the account and of the address, so an operator can lift a pause for
    # one account or one address (``learningcity axes_reset_username …``).
    account = models.CharField(max_length=64, db_index=True, default="")
    address = models.CharField(max_length=64, db_index=True, blank=True, default="")
    window_start = models.DateTimeField(default=timezone.now, db_index=True)
    attempts = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.attempts} sign-in attempts since {self.window_start:%Y-%m-%d %H:%M}"
