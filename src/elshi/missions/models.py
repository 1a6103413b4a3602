"""Missions (HQ, embassies, consulates, permanent missions), roles per mission, API tokens."""

from __future__ import annotations

import zoneinfo
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class MissionKind(models.TextChoices):
    HQ = "hq", _("Headquarters")
    EMBASSY = "embassy", _("Embassy")
    CONSULATE = "consulate", _("Consulate")
    PERMANENT_MISSION = "permanent_mission", _("Permanent mission")


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    HQ_EDITOR = "hq_editor", _("HQ editor")
    APPROVER = "approver", _("Approver")
    MISSION_EDITOR = "mission_editor", _("Mission editor")
    ANALYST = "analyst", _("Analyst")
    VIEWER = "viewer", _("Viewer")


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("%(value)s is not an IANA time zone (e.g. Europe/Berlin)."), params={"value": value}
        )


def validate_languages(value: Any) -> None:
    if not isinstance(value, list) or not all(isinstance(v, str) and 2 <= len(v) <= 3 for v in value):
        raise ValidationError(_("Working languages must be a list of ISO 639 codes such as ['de', 'en']."))


country_code = RegexValidator(r"^[A-Z]{2}$", _("Use an ISO 3166-1 alpha-2 code in capitals, e.g. DE."))


class Mission(models.Model):
    slug = models.SlugField(_("slug"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32, choices=MissionKind.choices)
    host_country = models.CharField(_("host country"), max_length=2, validators=[country_code])
    city = models.CharField(_("city"), max_length=120)
    timezone = models.CharField(_("time zone"), max_length=64, validators=[validate_timezone])
    languages = models.JSONField(_("working languages"), default=list, validators=[validate_languages])
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("mission")
        verbose_name_plural = _("missions")

    def __str__(self) -> str:
        return self.name

    @property
    def is_hq(self) -> bool:
        return self.kind == MissionKind.HQ

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)


class Membership(models.Model):
    """A person's role at one mission. One role per person per mission."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "mission"], name="one_role_per_mission")]
        ordering = ["mission__name", "user__username"]
        verbose_name = _("role")
        verbose_name_plural = _("roles")

    def __str__(self) -> str:
        return f"{self.user} @ {self.mission.slug}: {self.role}"


class TokenScope(models.TextChoices):
    """What a bearer token may do; the person's roles still decide where."""

    READ = "read", _("read (GET)")
    WRITE = "write", _("write (create, change, submit)")
    APPROVE = "approve", _("approve (clearance decisions)")
    PUBLISH = "publish", _("publish (send, send again, mark published)")


TOKEN_DAYS_DEFAULT = 90


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only its SHA-256 digest is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"))
    scopes = models.JSONField(_("scopes"), default=list)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"

    def is_expired(self, now: datetime) -> bool:
        return self.expires_at <= now


class SecurityPolicy(models.Model):
    """Ministry-wide security settings: one row, edited by administrators."""

    require_2fa_for_privileged = models.BooleanField(
        _("require two-factor authentication for administrators, approvers and HQ editors"), default=False
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("security policy")
        verbose_name_plural = _("security policy")

    def __str__(self) -> str:
        return "security policy"

    @classmethod
    def current(cls) -> SecurityPolicy:
        # A new installation starts with the policy ELSHI_2FA_DEFAULT says (on unless turned off):
        # secure by default; the field's own default only matters to rows made another way.
        policy, _created = cls.objects.get_or_create(
            pk=1, defaults={"require_2fa_for_privileged": getattr(settings, "ELSHI_2FA_DEFAULT", True)}
        )
        return policy


class Platform(models.TextChoices):
    MASTODON = "mastodon", "Mastodon"
    BLUESKY = "bluesky", "Bluesky"
    TELEGRAM = "telegram", "Telegram"
    X = "x", "X"
    FACEBOOK = "facebook", "Facebook"
    INSTAGRAM = "instagram", "Instagram"
    THREADS = "threads", "Threads"
    LINKEDIN = "linkedin", "LinkedIn"
    TIKTOK = "tiktok", "TikTok"
    YOUTUBE = "youtube", "YouTube"
    WEBHOOK = "webhook", _("Webhook")


class ChannelStatus(models.TextChoices):
    NOT_CONNECTED = "not_connected", _("not connected")
    OK = "ok", _("healthy")
    ERROR = "error", _("last delivery failed")
    NEEDS_RECONNECT = "needs_reconnect", _("needs reconnecting")


class Channel(models.Model):
    """A mission's account on one platform, with its credentials encrypted at rest."""

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="channels")
    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices)
    handle = models.CharField(
        _("account"), max_length=200, help_text=_("e.g. @KazEmbassyDE or t.me/kazembassy_de")
    )
    language = models.CharField(_("main language"), max_length=3, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    sandbox = models.BooleanField(
        _("sandbox"),
        default=False,
        help_text=_("Records deliveries instead of sending them (demos, rehearsals)."),
    )
    settings = models.JSONField(_("settings"), default=dict, blank=True)  # not secret: instance URL, chat id
    secrets_encrypted = models.TextField(blank=True)  # Fernet, see elshi.common.crypto
    token_encrypted = models.TextField(blank=True)
    token_expires_at = models.DateTimeField(_("token expires"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ChannelStatus.choices, default=ChannelStatus.NOT_CONNECTED
    )
    last_error = models.TextField(_("last error"), blank=True)
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True)
    limits = models.JSONField(_("limits read from the platform"), default=dict, blank=True)
    connected_at = models.DateTimeField(_("connected"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["mission__name", "platform", "handle"]
        constraints = [models.UniqueConstraint(fields=["platform", "handle"], name="one_channel_per_account")]
        verbose_name = _("channel")
        verbose_name_plural = _("channels")

    def __str__(self) -> str:
        return f"{self.get_platform_display()} {self.handle}"


class Installation(models.Model):
    """One row describing this installation: when it began and whether it holds demo data."""

    created_at = models.DateTimeField(auto_now_add=True)
    demo_loaded_at = models.DateTimeField(_("demo data loaded"), null=True, blank=True)

    class Meta:
        db_table = "web_installation"  # created by the shell app before it moved here (migration 0004)

    def __str__(self) -> str:
        return "installation"

    @classmethod
    def current(cls) -> Installation:
        installation, _created = cls.objects.get_or_create(pk=1)
        return installation


class Notification(models.Model):
    """An in-app notice for one person: a clearance request, a decision, an alert, a failed delivery."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=40)
    text = models.CharField(max_length=300)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "web_notification"  # created by the shell app before it moved here (migration 0004)
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"], name="web_notific_user_id_b1fcec_idx")]

    def __str__(self) -> str:
        return self.text


class RateCounter(models.Model):
    """One fixed window of one rate limit (``elshi.missions.ratelimit``); rows expire with it."""

    key = models.CharField(max_length=200, unique=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"


class Invitation(models.Model):
    """An e-mailed invitation to join with a role at one mission; only the link's SHA-256 digest is kept."""

    email = models.EmailField(_("e-mail"))
    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="invitations")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="en")
    digest = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.email} -> {self.role}@{self.mission.slug}"

    def is_open(self, now: datetime) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > now


class Preference(models.Model):
    """A person's own settings: the language of the e-mails elshi sends them."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preference")
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="en")

    def __str__(self) -> str:
        return f"{self.user}: {self.language}"
