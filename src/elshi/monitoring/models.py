"""What listening keeps: documents, the mentions found in them, and the items a source could not read."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Document(models.Model):
    """One article or post, stored once per canonical URL (re-imports update it, never duplicate it)."""

    canonical_url = models.URLField(_("URL"), max_length=1000, unique=True)
    source_id = models.CharField(_("source"), max_length=100, db_index=True)
    title = models.TextField(_("title"), blank=True)
    text = models.TextField(_("text"), blank=True)
    published_at = models.DateTimeField(_("published"), db_index=True)
    language = models.CharField(_("language"), max_length=8, db_index=True)
    outlet = models.CharField(_("outlet"), max_length=300, blank=True)
    outlet_country = models.CharField(_("outlet country"), max_length=2, blank=True, db_index=True)
    platform = models.CharField(_("platform"), max_length=30, blank=True)
    content_hash = models.CharField(max_length=64, db_index=True)
    story_id = models.CharField(_("story"), max_length=64, db_index=True)
    gdelt_tone = models.FloatField(
        _("GDELT tone"), null=True, blank=True
    )  # GDELT's own, never mixed with ours
    narratives = models.JSONField(_("narratives"), default=list, blank=True)
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-published_at"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.title[:80] or self.canonical_url


class Mention(models.Model):
    """A country named in a document, with elshi's tone toward it."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="mentions")
    country = models.CharField(_("country"), max_length=2, db_index=True)
    count = models.PositiveIntegerField(_("times named"))
    in_title = models.BooleanField(_("in the title"), default=False)
    tone_label = models.CharField(_("tone"), max_length=10, blank=True)
    tone_score = models.FloatField(_("tone score"), null=True)
    tone_evidence = models.JSONField(default=list, blank=True)
    day = models.DateField(db_index=True)  # the document's UTC day, for the daily index

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["document", "country"], name="one_mention_row_per_country")
        ]
        indexes = [models.Index(fields=["country", "day"])]
        verbose_name = _("mention")
        verbose_name_plural = _("mentions")

    def __str__(self) -> str:
        return f"{self.country} in {self.document_id}"


class QuarantinedItem(models.Model):
    """An item a source could not read, kept with its reason and its raw form; the rest went on."""

    source_id = models.CharField(_("source"), max_length=100, db_index=True)
    reason = models.TextField(_("reason"))
    location = models.CharField(_("where"), max_length=500, blank=True)
    raw = models.TextField(_("raw item"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.source_id}: {self.reason[:60]}"


class SourceKind(models.TextChoices):
    FEED = "feed", _("news feed (RSS or Atom)")
    SITEMAP = "sitemap", _("news sitemap")
    GDELT = "gdelt", _("GDELT 15-minute updates")
    UPLOAD = "upload", _("file upload")


MIN_EVERY_MINUTES = 1
MAX_EVERY_MINUTES = 7 * 24 * 60


class Source(models.Model):
    """A listening source polled on a schedule, with its health kept for the people who look after it."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=SourceKind.choices, default=SourceKind.FEED)
    url = models.URLField(_("URL"), max_length=1000, blank=True)  # blank for an upload
    every_minutes = models.PositiveIntegerField(
        _("poll every (minutes)"),
        default=30,
        validators=[MinValueValidator(MIN_EVERY_MINUTES), MaxValueValidator(MAX_EVERY_MINUTES)],
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    # What the analyst chose for the kind: a sitemap's article bound, GDELT's streams and countries, an
    # upload's stored file and format.
    options = models.JSONField(default=dict, blank=True)
    # What the poller remembers: conditional-GET validators, the sitemap URLs seen, the last GDELT file
    # imported, an upload's progress and result.
    state = models.JSONField(default=dict, blank=True)
    last_run_at = models.DateTimeField(_("last run"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("last success"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(_("failures in a row"), default=0)
    documents_stored = models.PositiveIntegerField(_("documents stored"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self) -> str:
        return self.name

    @property
    def source_id(self) -> str:
        return f"source:{self.pk}"


class AlertKind(models.TextChoices):
    VOLUME = "volume", _("volume spike")
    NEGATIVITY = "negativity", _("negativity spike")


class AlertState(models.TextChoices):
    OPEN = "open", _("open")
    ACKNOWLEDGED = "acknowledged", _("acknowledged")
    RESOLVED = "resolved", _("resolved")


class Alert(models.Model):
    kind = models.CharField(_("kind"), max_length=12, choices=AlertKind.choices)
    country = models.CharField(_("country"), max_length=2)
    narrative = models.CharField(_("narrative"), max_length=64, blank=True)
    day = models.DateField(_("day"))
    value = models.FloatField(_("value"))
    baseline = models.FloatField(_("baseline"))
    score = models.FloatField(_("robust z-score"))
    state = models.CharField(_("state"), max_length=12, choices=AlertState.choices, default=AlertState.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-day", "-score"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "country", "narrative", "day"], name="one_alert_per_signal_day"
            )
        ]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.country} {self.day}"


class DailyIndex(models.Model):
    """Rollup: one row per UTC day and country, recomputed from the mentions of the days an import touched.

    The dashboard and the index API read these rows, never the raw mentions, so they stay fast at millions
    of mentions. ``stories`` counts distinct stories within the day (summed over a period, a story that ran
    on two days counts twice).
    """

    day = models.DateField()
    country = models.CharField(max_length=2)
    mentions = models.PositiveIntegerField(default=0)  # times named
    documents = models.PositiveIntegerField(default=0)  # mention rows: one per document and country
    stories = models.PositiveIntegerField(default=0)
    toned = models.PositiveIntegerField(default=0)
    positive = models.PositiveIntegerField(default=0)
    negative = models.PositiveIntegerField(default=0)
    tone_sum = models.FloatField(default=0.0)
    tone_n = models.PositiveIntegerField(default=0)
    gdelt_sum = models.FloatField(default=0.0)
    gdelt_n = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["country", "day"], name="one_daily_index_row")]
        indexes = [models.Index(fields=["day"])]

    def __str__(self) -> str:
        return f"{self.country} {self.day}"


class DailyBreakdown(models.Model):
    """Rollup per day, country, outlet country and language (the map and the languages panel)."""

    day = models.DateField()
    country = models.CharField(max_length=2)
    outlet_country = models.CharField(max_length=2, blank=True)
    language = models.CharField(max_length=8, blank=True)
    mentions = models.PositiveIntegerField(default=0)
    documents = models.PositiveIntegerField(default=0)
    toned = models.PositiveIntegerField(default=0)
    positive = models.PositiveIntegerField(default=0)
    negative = models.PositiveIntegerField(default=0)
    tone_sum = models.FloatField(default=0.0)
    tone_n = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["country", "day"]), models.Index(fields=["day"])]

    def __str__(self) -> str:
        return f"{self.country} {self.day} {self.outlet_country} {self.language}"


class DailyNarrative(models.Model):
    """Rollup per day, country and narrative: documents naming the country that carry the narrative."""

    day = models.DateField()
    country = models.CharField(max_length=2)
    narrative = models.CharField(max_length=64)
    documents = models.PositiveIntegerField(default=0)
    negative = models.PositiveIntegerField(default=0)
    toned = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["country", "day"]), models.Index(fields=["day"])]

    def __str__(self) -> str:
        return f"{self.country} {self.day} {self.narrative}"


class DailyOutlet(models.Model):
    """Rollup per day, country and outlet (top outlets)."""

    day = models.DateField()
    country = models.CharField(max_length=2)
    outlet = models.CharField(max_length=300)
    outlet_country = models.CharField(max_length=2, blank=True)
    documents = models.PositiveIntegerField(default=0)
    negative = models.PositiveIntegerField(default=0)
    positive = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["country", "day"]), models.Index(fields=["day"])]

    def __str__(self) -> str:
        return f"{self.country} {self.day} {self.outlet}"


class RelationEvent(models.Model):
    """One GDELT event between two countries (from `elshi listen import --kind gdelt-events`).

    Kept once per GDELT event id; the relations view folds them with ``elshi.sources.relations``.
    """

    event_id = models.BigIntegerField(unique=True)
    day = models.DateField(db_index=True)
    actor1_country = models.CharField(max_length=2, blank=True)
    actor2_country = models.CharField(max_length=2, blank=True)
    actor1_name = models.CharField(max_length=200, blank=True)
    actor2_name = models.CharField(max_length=200, blank=True)
    event_code = models.CharField(max_length=8, blank=True)
    quad_class = models.PositiveSmallIntegerField()
    goldstein = models.FloatField()
    avg_tone = models.FloatField()
    num_mentions = models.PositiveIntegerField(default=1)
    source_url = models.URLField(max_length=1000, blank=True)

    class Meta:
        ordering = ["-day"]
        indexes = [
            models.Index(fields=["actor1_country", "day"]),
            models.Index(fields=["actor2_country", "day"]),
        ]

    def __str__(self) -> str:
        return f"{self.actor1_country}->{self.actor2_country} {self.event_code} {self.day}"


class MonthlyOutlet(models.Model):
    """DailyOutlet summed per calendar month, so top outlets over a year read twelve rows per outlet."""

    month = models.DateField()  # the first day of the month
    country = models.CharField(max_length=2)
    outlet = models.CharField(max_length=300)
    outlet_country = models.CharField(max_length=2, blank=True)
    documents = models.PositiveIntegerField(default=0)
    negative = models.PositiveIntegerField(default=0)
    positive = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["country", "month"]), models.Index(fields=["month"])]

    def __str__(self) -> str:
        return f"{self.country} {self.month:%Y-%m} {self.outlet}"
