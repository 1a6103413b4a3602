"""Who must approve a post, in which order, and what each of them decided."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from elshi.content.models import Post
from elshi.missions.models import Channel, Mission, Role


class Policy(models.Model):
    """Ordered approval steps for a mission's posts, or for one of its channels."""

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="clearance_policies")
    channel = models.ForeignKey(
        Channel,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="clearance_policies",
        help_text=_("Leave empty for the mission's default policy."),
    )
    name = models.CharField(_("name"), max_length=200)
    hq_exceptions = models.BooleanField(
        _("HQ exceptions"),
        default=False,
        help_text=_("An HQ person may decide a second step (audited as an exception)."),
    )
    reschedule_window_minutes = models.PositiveIntegerField(
        _("reschedule window (minutes)"),
        default=0,
        help_text=_("A move by at most this much keeps clearance; 0: every move re-clears."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["mission", "channel"], name="one_policy_per_channel")]
        ordering = ["mission__name", "name"]
        verbose_name = _("clearance policy")
        verbose_name_plural = _("clearance policies")

    def __str__(self) -> str:
        return self.name


class StepMode(models.TextChoices):
    ANY = "any", _("any one of them")
    ALL = "all", _("all of them")


class Step(models.Model):
    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("order"))
    role = models.CharField(_("role"), max_length=32, choices=Role.choices, blank=True)
    at_hq = models.BooleanField(
        _("role held at headquarters"),
        default=False,
        help_text=_("The role must be held at an HQ mission rather than at the post's mission."),
    )
    people = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    mode = models.CharField(
        _("who must approve"), max_length=3, choices=StepMode.choices, default=StepMode.ANY
    )

    class Meta:
        ordering = ["policy", "order"]
        constraints = [models.UniqueConstraint(fields=["policy", "order"], name="one_step_per_order")]
        verbose_name = _("step")
        verbose_name_plural = _("steps")

    def __str__(self) -> str:
        return f"{self.policy}: step {self.order}"


class ClearanceState(models.TextChoices):
    OPEN = "open", _("in progress")
    CLEARED = "cleared", _("cleared")
    CHANGES_REQUESTED = "changes_requested", _("changes requested")
    REJECTED = "rejected", _("rejected")
    WITHDRAWN = "withdrawn", _("withdrawn (post edited)")


class Clearance(models.Model):
    """One passage of a post through its policy's steps."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="clearances")
    policy = models.ForeignKey(Policy, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    steps_snapshot = models.JSONField(default=list)  # the steps as they were when submitted
    # The policy's options as they were when submitted, like its steps.
    hq_exceptions = models.BooleanField(default=False)
    reschedule_window_minutes = models.PositiveIntegerField(default=0)
    # The publishing time the approvers cleared: the reschedule window is measured from it, so that
    # several small moves cannot walk a post past an embargo.
    cleared_for = models.DateTimeField(null=True, blank=True)
    current_step = models.PositiveSmallIntegerField(default=0)
    state = models.CharField(max_length=20, choices=ClearanceState.choices, default=ClearanceState.OPEN)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("clearance")
        verbose_name_plural = _("clearances")

    def __str__(self) -> str:
        return f"{self.post} ({self.state})"


class Verdict(models.TextChoices):
    APPROVE = "approve", _("approved")
    REQUEST_CHANGES = "request_changes", _("requested changes")
    REJECT = "reject", _("rejected")


class Decision(models.Model):
    clearance = models.ForeignKey(Clearance, on_delete=models.CASCADE, related_name="decisions")
    step = models.PositiveSmallIntegerField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    verdict = models.CharField(max_length=20, choices=Verdict.choices)
    comment = models.TextField(blank=True)
    # An HQ person deciding a second step of the same clearance, which the policy allowed.
    exception = models.BooleanField(default=False)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at"]
        constraints = [
            models.UniqueConstraint(
                fields=["clearance", "step", "user"], name="one_decision_per_person_per_step"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.verdict} step {self.step}"
