"""Engagements (physical, virtual, hybrid), registrations, post plans, and the virtual embassy site."""

from __future__ import annotations

import urllib.parse
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from elshi.common.crypto import decrypt_json, encrypt_json
from elshi.content.models import Campaign, Narrative, Post, pick
from elshi.missions.models import Mission

# The public site speaks the ministry's three languages and each mission's working languages.
SITE_LANGUAGES = ("kk", "ru", "en")


class Kind(models.TextChoices):
    PHYSICAL = "physical", _("physical")
    VIRTUAL = "virtual", _("virtual")
    HYBRID = "hybrid", _("hybrid")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("public: on the virtual embassy, open registration")
    INVITATION = "invitation", _("by invitation")
    INTERNAL = "internal", _("internal")


class Attendance(models.TextChoices):
    IN_PERSON = "in_person", _("in person")
    ONLINE = "online", _("online")


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("confirmed")
    WAITLISTED = "waitlisted", _("on the waiting list")
    CANCELLED = "cancelled", _("cancelled")


class Engagement(models.Model):
    """An event of a mission; times stored in UTC, entered and shown in the mission's time zone."""

    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="engagements")
    kind = models.CharField(_("format"), max_length=10, choices=Kind.choices, default=Kind.PHYSICAL)
    titles = models.JSONField(_("title per language"), default=dict)
    descriptions = models.JSONField(_("description per language"), default=dict, blank=True)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    meeting_link_encrypted = models.TextField(blank=True)  # Fernet, see elshi.common.crypto
    meeting_provider = models.CharField(_("meeting provider"), max_length=20, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveIntegerField(
        _("capacity"),
        null=True,
        blank=True,
        help_text=_("Seats in the room (online seats if virtual). Empty: no limit."),
    )
    partners = models.TextField(_("partners"), blank=True)
    narratives = models.ManyToManyField(Narrative, blank=True, related_name="engagements")
    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.SET_NULL, related_name="engagements"
    )
    visibility = models.CharField(
        _("visibility"), max_length=12, choices=Visibility.choices, default=Visibility.INTERNAL
    )
    consent_text = models.TextField(
        _("consent text"), blank=True, help_text=_("Shown beside the consent box. Empty: the standard text.")
    )
    retention_days = models.PositiveIntegerField(_("keep personal data for (days after the end)"), default=30)
    purged_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["mission", "starts_at"])]
        verbose_name = _("engagement")
        verbose_name_plural = _("engagements")

    def __str__(self) -> str:
        return self.title("en")

    def title(self, language: str) -> str:
        return pick(self.titles, language) or f"#{self.pk}"

    def display_title(self, language: str) -> str:
        """For staff pages: the reader's language, then the mission's first working language, then any."""
        first = self.mission.languages[:1] if self.mission.languages else []
        for code in (language, *first):
            if self.titles.get(code):
                return str(self.titles[code])
        return next((str(t) for t in self.titles.values() if t), f"#{self.pk}")

    def description(self, language: str) -> str:
        return pick(self.descriptions, language) if self.descriptions else ""

    @property
    def languages(self) -> list[str]:
        return [code for code, text in self.titles.items() if text]

    @property
    def modes(self) -> list[str]:
        """The ways to attend that this engagement offers."""
        modes: dict[str, list[str]] = {
            Kind.PHYSICAL: [Attendance.IN_PERSON],
            Kind.VIRTUAL: [Attendance.ONLINE],
            Kind.HYBRID: [Attendance.IN_PERSON, Attendance.ONLINE],
        }
        return modes[self.kind]

    def capacity_bound(self, attendance: str) -> bool:
        """Capacity counts seats in the room; online seats only count for a purely virtual engagement."""
        return attendance == Attendance.IN_PERSON or self.kind == Kind.VIRTUAL

    @property
    def map_url(self) -> str:
        """A link to OpenStreetMap's search (a link, never an embedded map: no external request)."""
        if not self.address:
            return ""
        query = urllib.parse.quote(f"{self.address}")
        return f"https://www.openstreetmap.org/search?query={query}"

    @property
    def meeting_link(self) -> str:
        value: Any = decrypt_json(self.meeting_link_encrypted)
        return str(value or "")

    def set_meeting_link(self, url: str) -> None:
        self.meeting_link_encrypted = encrypt_json(url) if url else ""


class Registration(models.Model):
    """One person's registration: personal data, deleted after the engagement's retention period."""

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="registrations")
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"))
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    attendance = models.CharField(_("attendance"), max_length=10, choices=Attendance.choices)
    language = models.CharField(_("language"), max_length=3)
    status = models.CharField(_("status"), max_length=12, choices=RegistrationStatus.choices)
    consent_text = models.TextField(_("consent given to"))
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # The e-mail (confirmation, waiting list, promotion) goes out from the worker after commit; a
    # failure stays here, shown to the mission's editors with "send again", until a send succeeds.
    last_email_sent_at = models.DateTimeField(_("last e-mail sent"), null=True, blank=True)
    last_email_error = models.TextField(_("last e-mail error"), blank=True)
    last_email_error_at = models.DateTimeField(_("last e-mail failed"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")

    def __str__(self) -> str:
        return f"registration {self.pk} to engagement {self.engagement_id}"


class Slot(models.TextChoices):
    ANNOUNCEMENT = "announcement", _("announcement")
    REMINDER = "reminder", _("reminder")
    LIVE = "live", _("live coverage")
    RECAP = "recap", _("recap")


class PlannedPost(models.Model):
    """A post drafted for an engagement's plan; the post itself follows the normal clearance workflow."""

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="planned_posts")
    post = models.OneToOneField(Post, on_delete=models.CASCADE, related_name="engagement_plan")
    slot = models.CharField(_("slot"), max_length=20, choices=Slot.choices)

    class Meta:
        ordering = ["post__scheduled_at"]

    def __str__(self) -> str:
        return f"{self.slot} of engagement {self.engagement_id}"


class MissionSite(models.Model):
    """A mission's virtual embassy: its message, contacts and consular information per language."""

    mission = models.OneToOneField(Mission, on_delete=models.CASCADE, related_name="site")
    messages = models.JSONField(_("message per language"), default=dict, blank=True)
    contacts = models.JSONField(_("contacts per language"), default=dict, blank=True)
    consular = models.JSONField(_("consular information per language"), default=dict, blank=True)
    is_published = models.BooleanField(_("published"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("virtual embassy")
        verbose_name_plural = _("virtual embassies")

    def __str__(self) -> str:
        return f"virtual embassy of {self.mission.slug}"

    @property
    def languages(self) -> list[str]:
        return list(dict.fromkeys([*SITE_LANGUAGES, *self.mission.languages]))
