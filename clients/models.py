"""Clients (tenants), their sites and agreements, people and provider teams."""

import hashlib
import secrets
import zoneinfo
from datetime import date, datetime, timedelta

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from itsm.tenancy import CLIENT_SIDE_ROLES, Role, is_provider_staff

from .querysets import (
    AgreementQuerySet,
    ApiTokenQuerySet,
    ClientQuerySet,
    InvitationQuerySet,
    SiteQuerySet,
    UserQuerySet,
)

LANGUAGE_CHOICES = [("zh-hans", "简体中文"), ("en", "English")]


def validate_time_zone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            _("“%(tz)s” is not a known time zone."), params={"tz": value}
        ) from None


class Client(models.Model):
    """A customer organisation that signed a service agreement: the tenant."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")

    name = models.CharField(_("name"), max_length=200, unique=True)
    code = models.CharField(
        _("short code"),
        max_length=10,
        unique=True,
        validators=[RegexValidator(r"^[A-Z][A-Z0-9]{1,9}$", _("2-10 capital letters or digits."))],
        help_text=_("Used in ticket references, e.g. HX-000123."),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.ACTIVE)
    suspension_reason = models.CharField(_("suspension reason"), max_length=300, blank=True)
    contract_start = models.DateField(_("contract start"), null=True, blank=True)
    contract_end = models.DateField(_("contract end"), null=True, blank=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Asia/Shanghai", validators=[validate_time_zone]
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ClientQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("client")
        verbose_name_plural = _("clients")

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    def local_date(self, now: datetime) -> date:
        """The calendar date at the client's offices; agreement periods are in these dates."""
        return now.astimezone(zoneinfo.ZoneInfo(self.time_zone)).date()

    def clean(self):
        if self.contract_start and self.contract_end and self.contract_end < self.contract_start:
            raise ValidationError({"contract_end": _("The contract cannot end before it starts.")})
        if self.status == self.Status.SUSPENDED and not self.suspension_reason.strip():
            # The client's people are shown this reason when they are turned away.
            raise ValidationError(
                {
                    "suspension_reason": _(
                        "Say why the service is suspended; its people will see it."
                    )
                }
            )


class Site(models.Model):
    """A branch, outlet or office of the client's network where end users work."""

    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="sites", verbose_name=_("client")
    )
    name = models.CharField(_("name"), max_length=200)
    code = models.CharField(_("code"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = SiteQuerySet.as_manager()

    class Meta:
        ordering = ["client", "name"]
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        constraints = [
            models.UniqueConstraint(
                fields=["client", "name"],
                name="site_unique_name_per_client",
                violation_error_message=_("This client already has a site of this name."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class ServiceCategory(models.Model):
    """A service the provider offers (catalogue shared by all clients)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("service category")
        verbose_name_plural = _("service categories")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "").startswith("en") else self.name_zh


class ServiceAgreement(models.Model):
    """The contract: its period, the services it covers and whom to talk to."""

    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="agreements", verbose_name=_("client")
    )
    name = models.CharField(_("name"), max_length=200)
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"), null=True, blank=True)
    categories = models.ManyToManyField(
        ServiceCategory, verbose_name=_("covered services"), related_name="agreements"
    )
    contact_name = models.CharField(_("client contact"), max_length=100, blank=True)
    contact_email = models.EmailField(_("client contact email"), blank=True)
    contact_phone = models.CharField(_("client contact phone"), max_length=40, blank=True)
    provider_contact = models.CharField(_("provider contact"), max_length=100, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        ordering = ["client", "-start_date"]
        verbose_name = _("service agreement")
        verbose_name_plural = _("service agreements")

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The agreement cannot end before it starts.")})

    def covers(self, day) -> bool:
        return self.start_date <= day and (self.end_date is None or day <= self.end_date)


class ScopedUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """A person: client-side (end user, client manager) or provider staff (agent, admin)."""

    role = models.CharField(_("role"), max_length=20, choices=Role, default=Role.END_USER)
    client = models.ForeignKey(
        Client,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("client"),
    )
    site = models.ForeignKey(
        Site,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("site"),
    )
    is_site_lead = models.BooleanField(
        _("site lead"), default=False, help_text=_("Sees all tickets of their site.")
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    language = models.CharField(
        _("preferred language"), max_length=10, choices=LANGUAGE_CHOICES, default="zh-hans"
    )

    objects = ScopedUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        indexes = [models.Index(fields=["client", "role"])]
        constraints = [
            # One account per address whatever its case: sign-in by email and password reset
            # must name exactly one person.
            models.UniqueConstraint(
                Lower("email"),
                condition=~Q(email=""),
                name="user_unique_email_ci",
                violation_error_message=_("Another account already uses this email address."),
            )
        ]

    def __str__(self) -> str:
        full = self.get_full_name()
        return f"{full} ({self.username})" if full else self.username

    def get_full_name(self) -> str:
        # Chinese names read family name first, without a space (李明); others "Given Family".
        first, last = self.first_name.strip(), self.last_name.strip()
        if any("\u4e00" <= ch <= "\u9fff" for ch in first + last):
            return f"{last}{first}"
        return f"{first} {last}".strip()

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_client_side(self) -> bool:
        return self.role in CLIENT_SIDE_ROLES

    @property
    def is_agent(self) -> bool:
        return self.role == Role.AGENT

    @property
    def is_admin_role(self) -> bool:
        return self.role == Role.ADMIN or self.is_superuser

    @property
    def is_provider_staff(self) -> bool:
        return is_provider_staff(self)

    def served_client_ids(self) -> list[int]:
        """Clients this agent's teams serve; computed once per user object (one query)."""
        if not hasattr(self, "_served_client_ids"):
            self._served_client_ids = list(
                Team.clients.through.objects.filter(team__members=self)
                .values_list("client_id", flat=True)
                .distinct()
            )
        return self._served_client_ids

    def served_client_ids_if_read(self) -> list[int] | None:
        """served_client_ids() if this user object has read them already, else None."""
        return getattr(self, "_served_client_ids", None)

    def access_blocked_reason(self) -> str:
        """Why this person may not use the system now ('' if they may)."""
        if self.role in CLIENT_SIDE_ROLES:
            if self.client_id is None:
                return str(_("Your account is not attached to a client. Contact the provider."))
            if not self.client.is_active:
                reason = self.client.suspension_reason or _("contact your service provider")
                return str(
                    _("Service for %(client)s is suspended (%(reason)s).")
                    % {"client": self.client.name, "reason": reason}
                )
        return ""

    def clean(self):
        super().clean()
        if self.role in CLIENT_SIDE_ROLES and not self.client_id:
            raise ValidationError({"client": _("End users and client managers need a client.")})
        if self.role not in CLIENT_SIDE_ROLES and (self.client_id or self.site_id):
            raise ValidationError({"client": _("Provider staff do not belong to a client.")})
        if self.site_id and self.site.client_id != self.client_id:
            raise ValidationError({"site": _("The site belongs to another client.")})
        if self.is_site_lead and not self.site_id:
            raise ValidationError({"is_site_lead": _("A site lead needs a site.")})


class Team(models.Model):
    """A group of agents; it serves one or more clients."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    lead = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="teams_led",
        verbose_name=_("team lead"),
        limit_choices_to={"role__in": [Role.AGENT, Role.ADMIN]},
    )
    members = models.ManyToManyField(
        User,
        related_name="teams",
        blank=True,
        verbose_name=_("members"),
        limit_choices_to={"role__in": [Role.AGENT, Role.ADMIN]},
    )
    clients = models.ManyToManyField(
        Client, related_name="teams", blank=True, verbose_name=_("clients served")
    )
    email = models.EmailField(_("team email"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


def invitation_token() -> str:
    return secrets.token_urlsafe(32)


INVITATION_VALID_FOR = timedelta(days=7)


def invitation_expiry():
    return timezone.now() + INVITATION_VALID_FOR


class Invitation(models.Model):
    """An emailed, single-use, expiring invitation to join as an end user or client manager."""

    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("client")
    )
    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("site")
    )
    email = models.EmailField(_("email"))
    role = models.CharField(
        _("role"),
        max_length=20,
        choices=[
            (Role.END_USER, Role.END_USER.label),
            (Role.CLIENT_MANAGER, Role.CLIENT_MANAGER.label),
        ],
        default=Role.END_USER,
    )
    language = models.CharField(
        _("language"), max_length=10, choices=LANGUAGE_CHOICES, default="zh-hans"
    )
    token = models.CharField(
        max_length=64,
        unique=True,
        default=invitation_token,
        editable=False,
        verbose_name=_("token"),
    )
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("invited by")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))
    expires_at = models.DateTimeField(default=invitation_expiry, verbose_name=_("expires"))
    accepted_at = models.DateTimeField(null=True, blank=True, verbose_name=_("accepted"))
    accepted_user = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted user"),
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            # One open invitation per address and client (expired ones are replaced on re-invite).
            models.UniqueConstraint(
                "client",
                Lower("email"),
                condition=Q(accepted_at__isnull=True),
                name="invitation_unique_pending_email_ci",
                violation_error_message=_("This address already has a pending invitation."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.client}"

    def is_usable(self, now=None) -> bool:
        return self.accepted_at is None and (now or timezone.now()) < self.expires_at


API_TOKEN_PREFIX = "itsm_"


def api_token_hash(key: str) -> str:
    # Keys are 256 random bits, so a plain SHA-256 cannot be brute-forced; no salt is needed and
    # the hash stays indexable for the lookup on every request.
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    """A personal access token for the API: shown once, stored hashed, revocable."""

    class RevokedBecause(models.TextChoices):
        OWNER = "owner", _("by its owner")
        ADMIN = "admin", _("by an administrator")
        PASSWORD = "password", _("on a password change")
        SUSPENDED = "suspended", _("on suspension of the account or client")

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("owner")
    )
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(
        max_length=64, unique=True, editable=False, verbose_name=_("key hash")
    )
    key_start = models.CharField(_("key starts with"), max_length=12, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_because = models.CharField(
        _("revoked because"), max_length=20, choices=RevokedBecause, blank=True
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        indexes = [models.Index(fields=["user", "revoked_at"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_start}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
