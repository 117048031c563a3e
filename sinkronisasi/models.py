"""The sync view's stored findings: overlapping pairs of Renja rows, the detector's facts per row, its synonyms.

Findings are computed by services.sync_refresh (incrementally after changes) and read by the page; nothing here is
computed on a page view.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.system_actor import actor_label
from renja.models import FiscalYear, Opd, RenjaRow

from .settlement import Outcome, State, Status, settled_choices, state_of


class SynonymGroup(models.Model):
    """Words planners use for the same thing (daycare ≈ penitipan anak ≈ taman asuh anak). Regency-wide."""

    nama = models.CharField(_("nama kelompok"), max_length=120, unique=True)
    frasa = models.TextField(
        _("frasa"), help_text=_("Satu frasa per baris atau dipisah koma, misalnya: difabel, disabilitas.")
    )
    aktif = models.BooleanField(_("aktif"), default=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["nama"]
        verbose_name = _("kelompok sinonim")
        verbose_name_plural = _("kelompok sinonim")

    def __str__(self) -> str:
        return self.nama

    def phrases(self) -> list[str]:
        raw = self.frasa.replace("\n", ",").replace(";", ",")
        return [p.strip() for p in raw.split(",") if p.strip()]


class RowFeatures(models.Model):
    """What the detector knows of one Renja row, kept so that a change recomputes only the pairs it touches."""

    renja_row = models.OneToOneField(RenjaRow, on_delete=models.CASCADE, primary_key=True, related_name="features")
    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.CASCADE, related_name="+")
    opd = models.ForeignKey(Opd, on_delete=models.CASCADE, related_name="+")
    version = models.PositiveIntegerField()  # the row's version these facts were taken from
    kode = models.CharField(max_length=24)
    penunjang = models.BooleanField(default=False)
    lokasi = models.JSONField(default=list)
    sasaran = models.JSONField(default=list)
    terms = models.JSONField(default=dict)
    usulan = models.JSONField(default=list)  # usulan picked up into the row (active pick-ups)
    # Fingerprint of the fields whose change reopens a resolved pair: sub kegiatan, locations, groups, name, pagu.
    fingerprint = models.CharField(max_length=40)
    # The refresh (SyncState.revision) that wrote these facts: a process that kept an earlier refresh's facts reads
    # only the rows written since.
    revision = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("fitur baris")
        verbose_name_plural = _("fitur baris")
        indexes = [models.Index(fields=["fiscal_year", "revision"], name="rowfeatures_year_revision")]


class SyncState(models.Model):
    """When a year's findings were last computed, and from what (so a page knows whether anything changed)."""

    fiscal_year = models.OneToOneField(FiscalYear, on_delete=models.CASCADE, related_name="sync_state")
    computed_at = models.DateTimeField(null=True, blank=True)
    revision = models.PositiveIntegerField(
        default=0
    )  # counts refreshes that changed something (see RowFeatures.revision)
    full_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    mode = models.CharField(max_length=10, blank=True)
    rows_fingerprint = models.CharField(max_length=120, blank=True)
    pickups_fingerprint = models.CharField(max_length=120, blank=True)
    synonyms_fingerprint = models.CharField(max_length=120, blank=True)
    idf = models.JSONField(default=dict)
    # The year's FiscalYear.revision these findings and counts reflect (None: never recorded): a page compares this
    # one number with the year's instead of recounting, and asks the worker to bring them up to date when it is lower.
    plan_revision = models.PositiveBigIntegerField(null=True, blank=True)
    # The counts every page view shows, grouped finely enough to answer any agency's scope (see selectors):
    # "overlaps": [status, agency_pair, opd_a_id, opd_b_id, n]; "orphans": [kecamatan, cause, opd, opd_id, n, biaya].
    counts = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("status sinkronisasi")
        verbose_name_plural = _("status sinkronisasi")

    def __str__(self) -> str:
        return f"{self.fiscal_year}: {self.computed_at}"


class Overlap(models.Model):
    """One flagged pair of Renja rows of two agencies that plan the same thing, and how planners settled it."""

    Status = Status  # the states and moves are in settlement.py

    fiscal_year = models.ForeignKey(
        FiscalYear, verbose_name=_("tahun"), on_delete=models.CASCADE, related_name="overlaps"
    )
    row_a = models.ForeignKey(RenjaRow, verbose_name=_("baris A"), on_delete=models.CASCADE, related_name="+")
    row_b = models.ForeignKey(RenjaRow, verbose_name=_("baris B"), on_delete=models.CASCADE, related_name="+")
    opd_a = models.ForeignKey(Opd, verbose_name=_("OPD A"), on_delete=models.CASCADE, related_name="+")
    opd_b = models.ForeignKey(Opd, verbose_name=_("OPD B"), on_delete=models.CASCADE, related_name="+")
    # "DP2KB – DP3A": the agency pair, names in order, for grouping and sorting without joins.
    agency_pair = models.CharField(_("pasangan OPD"), max_length=200, default="")
    score = models.FloatField(_("skor"))
    # The detector's signals, with names for display (see selectors.reasons).
    signals = models.JSONField(default=dict)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    opd_pengampu = models.ForeignKey(
        Opd, verbose_name=_("OPD pengampu"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    dropped_row = models.ForeignKey(
        RenjaRow,
        verbose_name=_("baris yang dihapus"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(_("catatan"), blank=True)
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    settled_at = models.DateTimeField(_("diselesaikan"), null=True, blank=True)
    # The rows' fingerprints when the pair was settled: a change to either reopens it.
    fingerprint_a = models.CharField(max_length=40, blank=True)
    fingerprint_b = models.CharField(max_length=40, blank=True)
    reopened_at = models.DateTimeField(_("dibuka lagi"), null=True, blank=True)
    # Who reopened it by hand; empty when the system reopened it because one of the rows changed.
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dibuka lagi oleh"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    found_at = models.DateTimeField(_("ditemukan"), auto_now_add=True)
    # Settled in a berita acara that was signed: the settlement is frozen (never re-settled or reopened) until the
    # pair is put on a later forum's agenda. A change to its rows meanwhile is only marked, for that next forum.
    signed_at = models.DateTimeField(_("ditandatangani"), null=True, blank=True)
    berita_acara_nomor = models.CharField(_("nomor berita acara"), max_length=120, blank=True)
    berita_acara_forum = models.CharField(_("forum"), max_length=300, blank=True)
    changed_after_signing_at = models.DateTimeField(_("berubah setelah ditandatangani"), null=True, blank=True)

    class Meta:
        ordering = ["-score", "row_a_id", "row_b_id"]
        verbose_name = _("program beririsan")
        verbose_name_plural = _("program beririsan")
        constraints = [
            models.UniqueConstraint(fields=["row_a", "row_b"], name="overlap_unique_pair"),
            models.CheckConstraint(name="overlap_ordered_pair", condition=Q(row_a__lt=F("row_b"))),
            models.CheckConstraint(name="overlap_score_range", condition=Q(score__gte=0) & Q(score__lte=1)),
            models.CheckConstraint(
                name="overlap_lead_named",
                condition=~Q(status=Status.COORDINATION) | Q(opd_pengampu__isnull=False),
                violation_error_message=_("Koordinasi memerlukan OPD pengampu."),
            ),
        ]
        indexes = [
            # The page's two orders (by score; by agency pair, then score) read these indexes, not a sort.
            models.Index(fields=["fiscal_year", "status", "-score"], name="overlap_year_status_score"),
            models.Index(fields=["fiscal_year", "status", "agency_pair", "-score"], name="overlap_year_status_group"),
            models.Index(fields=["fiscal_year", "opd_a"], name="overlap_year_opd_a"),
            models.Index(fields=["fiscal_year", "opd_b"], name="overlap_year_opd_b"),
        ]

    def __str__(self) -> str:
        return f"{self.row_a_id} ↔ {self.row_b_id} ({self.score:.2f})"

    @property
    def is_settled(self) -> bool:
        return self.status != Status.OPEN

    @property
    def state(self) -> State:
        """Open, settled or frozen (see settlement.py)."""
        return state_of(self)

    @property
    def is_signed(self) -> bool:
        """Frozen by a signed berita acara (see signed_at)."""
        return self.signed_at is not None

    @property
    def reopened_by_label(self) -> str:
        """Who reopened the pair by hand ("" when the system reopened it after a row changed)."""
        user = self.reopened_by
        return (user.get_full_name() or user.username) if user else ""

    @property
    def settled_by_label(self) -> str:
        return actor_label(self.settled_by, "")


class OverlapComment(models.Model):
    """A comment on a pair by one of its two agencies' officers, or by Bappeda or a facilitator."""

    MAX_TEXT = 2000

    overlap = models.ForeignKey(Overlap, verbose_name=_("pasangan"), on_delete=models.CASCADE, related_name="comments")
    # The commenter's agency when the comment was written (empty for Bappeda and facilitators).
    opd = models.ForeignKey(
        Opd, verbose_name=_("OPD"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("oleh"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("waktu"), auto_now_add=True)
    text = models.TextField(_("komentar"), max_length=MAX_TEXT)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("komentar program beririsan")
        verbose_name_plural = _("komentar program beririsan")
        constraints = [
            models.CheckConstraint(name="overlapcomment_text_not_empty", condition=~Q(text="")),
        ]

    def __str__(self) -> str:
        return f"{self.overlap_id}: {self.text[:40]}"

    @property
    def by_label(self) -> str:
        return self.by.get_full_name() or self.by.username


class OverlapProposal(models.Model):
    """A settlement of a pair proposed by an officer of one of its agencies, for a planner or facilitator to confirm
    (then the pair is settled with these values) or decline with a reason. One open proposal per pair."""

    Outcome = Outcome

    overlap = models.ForeignKey(Overlap, verbose_name=_("pasangan"), on_delete=models.CASCADE, related_name="proposals")
    status = models.CharField(
        _("penyelesaian"),
        max_length=20,
        choices=settled_choices(),
    )
    opd_pengampu = models.ForeignKey(
        Opd, verbose_name=_("OPD pengampu"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    dropped_row = models.ForeignKey(
        RenjaRow,
        verbose_name=_("baris yang diusulkan dihapus"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    note = models.TextField(_("catatan"), blank=True, max_length=2000)
    opd = models.ForeignKey(Opd, verbose_name=_("OPD pengusul"), on_delete=models.PROTECT, related_name="+")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("diusulkan oleh"), on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(_("diusulkan"), auto_now_add=True)
    outcome = models.CharField(_("keputusan"), max_length=20, choices=Outcome.choices, default=Outcome.WAITING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diputuskan oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("diputuskan"), null=True, blank=True)
    reason = models.TextField(_("alasan penolakan"), blank=True, max_length=1000)

    class Meta:
        ordering = ["-proposed_at", "-pk"]
        verbose_name = _("usulan penyelesaian")
        verbose_name_plural = _("usulan penyelesaian")
        constraints = [
            models.UniqueConstraint(
                fields=["overlap"], condition=Q(outcome=Outcome.WAITING), name="overlapproposal_one_open"
            ),
            models.CheckConstraint(
                name="overlapproposal_lead_named",
                condition=~Q(status=Status.COORDINATION) | Q(opd_pengampu__isnull=False),
            ),
            models.CheckConstraint(
                name="overlapproposal_drop_named",
                condition=~Q(status=Status.DUPLICATION) | Q(dropped_row__isnull=False),
            ),
            models.CheckConstraint(
                name="overlapproposal_declined_has_reason", condition=~Q(outcome=Outcome.DECLINED) | ~Q(reason="")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.overlap_id}: {self.status} ({self.outcome})"

    @property
    def is_open(self) -> bool:
        return self.outcome == self.Outcome.WAITING

    @property
    def proposed_by_label(self) -> str:
        return self.proposed_by.get_full_name() or self.proposed_by.username

    @property
    def decided_by_label(self) -> str:
        return actor_label(self.decided_by, "") if self.decided_by_id else ""


class HomeSuggestion(models.Model):
    """A Renja row, of any agency, that plans the work an usulan no agency picked up asks for, in a place that meets
    its desa (sinkronisasi/homes.py); computed by the recompute task, up to three per usulan. A planner's routing to
    the row's agency with the row suggested marks it (`routed_at`); a marked suggestion outlives recomputes, so the
    agency's officer sees it until the usulan is decided."""

    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.CASCADE, related_name="+")
    usulan = models.ForeignKey(
        "musrenbang.Usulan", verbose_name=_("usulan"), on_delete=models.CASCADE, related_name="home_suggestions"
    )
    row = models.ForeignKey(RenjaRow, verbose_name=_("baris Renja"), on_delete=models.CASCADE, related_name="+")
    opd = models.ForeignKey(Opd, verbose_name=_("OPD"), on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField(_("urutan"))
    score = models.FloatField(_("skor"))
    reasons = models.JSONField(default=list)
    routed_at = models.DateTimeField(_("diteruskan"), null=True, blank=True)
    routed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["usulan_id", "rank"]
        verbose_name = _("rumah usulan")
        verbose_name_plural = _("rumah usulan")
        constraints = [models.UniqueConstraint(fields=["usulan", "row"], name="homesuggestion_unique")]
        indexes = [models.Index(fields=["fiscal_year", "routed_at"], name="homesuggestion_year_routed")]

    def __str__(self) -> str:
        return f"{self.usulan_id} → {self.row_id} ({self.score:.2f})"


class DuplicateUsulan(models.Model):
    """Two usulan of one year asking for the same thing in the same desa (sinkronisasi/homes.py), from any sources;
    computed by the recompute task. A planner merges one into the other (the *digabung* decision on its trail) or
    dismisses the pair; a decided pair outlives recomputes."""

    class Status(models.TextChoices):
        OPEN = "terbuka", _("Terbuka")
        MERGED = "digabung", _("Digabung")
        DISMISSED = "bukan_ganda", _("Bukan ganda")

    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.CASCADE, related_name="+")
    usulan_a = models.ForeignKey(
        "musrenbang.Usulan", verbose_name=_("usulan A"), on_delete=models.CASCADE, related_name="+"
    )
    usulan_b = models.ForeignKey(
        "musrenbang.Usulan", verbose_name=_("usulan B"), on_delete=models.CASCADE, related_name="+"
    )
    score = models.FloatField(_("skor"))
    reasons = models.JSONField(default=list)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("diputuskan"), null=True, blank=True)

    class Meta:
        ordering = ["-score", "usulan_a_id", "usulan_b_id"]
        verbose_name = _("usulan ganda")
        verbose_name_plural = _("usulan ganda")
        constraints = [
            models.UniqueConstraint(fields=["usulan_a", "usulan_b"], name="duplicateusulan_unique_pair"),
            models.CheckConstraint(name="duplicateusulan_ordered_pair", condition=Q(usulan_a__lt=F("usulan_b"))),
        ]
        indexes = [models.Index(fields=["fiscal_year", "status", "-score"], name="duplicateusulan_year_status")]

    def __str__(self) -> str:
        return f"{self.usulan_a_id} ≈ {self.usulan_b_id} ({self.score:.2f})"
