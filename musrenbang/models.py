"""Usulan (village, district, Pokir and agency proposals), their immutable decision trail, and their pick-up
into Renja rows. Builds on renja's agencies, regions, target groups and rows."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.system_actor import SOURCE_MAX_LENGTH, actor_label, current_system_source
from renja.models import FiscalYear, KelompokSasaran, Nomenklatur, Opd, RenjaRow, Wilayah

from . import decisions


class Usulan(models.Model):
    """One proposal. Its status is derived from its decision trail by the services, never edited by hand."""

    class Sumber(models.TextChoices):
        MUSRENBANG_DESA = "musrenbang_desa", _("Musrenbang desa")
        MUSRENBANG_KECAMATAN = "musrenbang_kecamatan", _("Musrenbang kecamatan")
        POKIR = "pokir", _("Pokir DPRD")
        OPD = "opd", _("Usulan OPD")
        FORUM = "forum", _("Forum Perangkat Daerah")

    class Jenis(models.TextChoices):
        FISIK = "fisik", _("Fisik")
        NON_FISIK = "non_fisik", _("Non-fisik")

    # One status per decision type (the type of the last step), and baru before any: musrenbang/decisions.py.
    Status = models.TextChoices("Status", decisions.STATUS_CHOICES)

    fiscal_year = models.ForeignKey(
        FiscalYear, verbose_name=_("tahun"), on_delete=models.PROTECT, related_name="usulan"
    )
    id_usulan = models.CharField(_("ID usulan"), max_length=40)
    sumber = models.CharField(_("sumber"), max_length=25, choices=Sumber.choices, default=Sumber.MUSRENBANG_DESA)
    pengusul = models.CharField(_("pengusul"), max_length=200, blank=True)
    anggota_dprd = models.CharField(_("anggota DPRD"), max_length=200, blank=True)
    fraksi = models.CharField(_("fraksi"), max_length=100, blank=True)
    dapil = models.CharField(_("daerah pemilihan"), max_length=100, blank=True)
    desa = models.ForeignKey(
        Wilayah,
        verbose_name=_("desa/kelurahan"),
        on_delete=models.PROTECT,
        related_name="usulan",
        limit_choices_to={"tingkat__in": ["desa", "kelurahan"]},
    )
    alamat = models.TextField(_("alamat"), blank=True)
    latitude = models.DecimalField(_("lintang"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("bujur"), max_digits=9, decimal_places=6, null=True, blank=True)
    permasalahan = models.TextField(_("permasalahan"), blank=True)
    usulan = models.TextField(_("usulan"))
    uraian = models.TextField(_("uraian"), blank=True)
    bidang_urusan = models.ForeignKey(
        Nomenklatur,
        verbose_name=_("bidang urusan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="usulan",
        limit_choices_to={"level": Nomenklatur.Level.BIDANG_URUSAN},
    )
    jenis = models.CharField(_("jenis"), max_length=10, choices=Jenis.choices, default=Jenis.FISIK)
    volume = models.DecimalField(_("volume"), max_digits=14, decimal_places=2, null=True, blank=True)
    satuan = models.CharField(_("satuan"), max_length=60, blank=True)
    harga_satuan = models.BigIntegerField(_("harga satuan"), null=True, blank=True)
    anggaran = models.BigIntegerField(_("perkiraan biaya"), default=0)
    prioritas = models.PositiveSmallIntegerField(_("prioritas di kecamatan"), null=True, blank=True)
    sasaran = models.ManyToManyField(
        KelompokSasaran, verbose_name=_("kelompok sasaran"), blank=True, related_name="usulan"
    )
    opd_awal = models.ForeignKey(
        Opd,
        verbose_name=_("OPD tujuan awal"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="usulan_awal",
    )
    opd_tujuan = models.ForeignKey(
        Opd, verbose_name=_("OPD tujuan"), null=True, blank=True, on_delete=models.PROTECT, related_name="usulan_masuk"
    )
    # Kept by the decision services from the trail (see services.status_from_trail); never set by hand.
    status = models.CharField(_("status"), max_length=30, choices=Status.choices, default=Status.BARU, editable=False)
    # Also from the trail: when its last step was taken, and the usulan it was merged into (if that was the step).
    diputuskan_pada = models.DateTimeField(_("langkah terakhir"), null=True, blank=True, editable=False)
    digabung_ke = models.ForeignKey(
        "self",
        verbose_name=_("digabung ke"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="digabungan",
        editable=False,
    )
    kode_lacak = models.CharField(_("kode lacak"), max_length=16, unique=True)
    asal = models.ForeignKey(
        "self",
        verbose_name=_("usulan asal (tahun lalu)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lanjutan",
    )
    cari = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        ordering = ["fiscal_year", "id_usulan"]
        verbose_name = _("usulan")
        verbose_name_plural = _("usulan")
        constraints = [
            models.UniqueConstraint(fields=["fiscal_year", "id_usulan"], name="usulan_unique_id_per_year"),
            models.CheckConstraint(name="usulan_anggaran_not_negative", condition=Q(anggaran__gte=0)),
            models.CheckConstraint(
                name="usulan_volume_not_negative", condition=Q(volume__isnull=True) | Q(volume__gte=0)
            ),
        ]
        indexes = [
            models.Index(fields=["fiscal_year", "opd_tujuan", "status"], name="usulan_year_opd_status"),
            models.Index(fields=["fiscal_year", "status"], name="usulan_year_status"),
        ]

    def __str__(self) -> str:
        return f"{self.id_usulan} {self.usulan[:60]}"

    def search_text(self) -> str:
        parts = [
            self.id_usulan,
            self.kode_lacak,
            self.usulan,
            self.permasalahan,
            self.uraian,
            self.pengusul,
            self.alamat,
        ]
        return " ".join(p for p in parts if p).lower()

    @property
    def is_decided(self) -> bool:
        return self.status not in decisions.UNDECIDED


class Decision(models.Model):
    """One decision on an usulan. Written once by a service and never changed or deleted."""

    Level = models.TextChoices("Level", decisions.Level.CHOICES)
    # The decision types and their rules: musrenbang/decisions.py.
    Kind = models.TextChoices("Kind", decisions.DECISION_CHOICES)

    usulan = models.ForeignKey(Usulan, on_delete=models.PROTECT, related_name="decisions")
    level = models.CharField(_("tingkat"), max_length=25, choices=Level.choices)
    kind = models.CharField(_("keputusan"), max_length=30, choices=Kind.choices)
    # For diteruskan: the agency it was routed to. For a decision: the agency that decided.
    opd = models.ForeignKey(
        Opd, verbose_name=_("OPD"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    volume = models.DecimalField(_("volume disesuaikan"), max_digits=14, decimal_places=2, null=True, blank=True)
    anggaran = models.BigIntegerField(_("biaya disesuaikan"), null=True, blank=True)
    alasan = models.TextField(_("alasan"), blank=True)
    # The kecamatan's priority rank, given with its step (level kecamatan) only.
    prioritas = models.PositiveSmallIntegerField(_("peringkat di kecamatan"), null=True, blank=True)
    digabung_ke_usulan = models.ForeignKey(
        Usulan,
        verbose_name=_("digabung ke usulan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_in",
    )
    digabung_ke_renja = models.ForeignKey(
        RenjaRow,
        verbose_name=_("digabung ke baris Renja"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # For a decision no person recorded (an import from the command line): the command (see renja/system_actor.py).
    source = models.CharField(_("sumber"), max_length=SOURCE_MAX_LENGTH, blank=True, default=current_system_source)
    at = models.DateTimeField(_("waktu"), default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("keputusan")
        verbose_name_plural = _("keputusan")
        constraints = [
            models.CheckConstraint(
                name="decision_reason_required",
                condition=~Q(kind__in=decisions.reason_required_values()) | ~Q(alasan=""),
                violation_error_message=_(
                    "Alasan wajib diisi untuk keputusan ditolak, dikembalikan, digabung, ditutup dan tidak diteruskan."
                ),
            ),
            models.CheckConstraint(
                name="decision_merge_has_target",
                condition=~Q(kind=decisions.MERGED)
                | Q(digabung_ke_usulan__isnull=False)
                | Q(digabung_ke_renja__isnull=False),
            ),
            models.CheckConstraint(
                name="decision_rank_at_kecamatan",
                condition=Q(prioritas__isnull=True) | Q(level=decisions.Level.KECAMATAN),
            ),
        ]
        indexes = [models.Index(fields=["usulan", "at"], name="decision_usulan_at")]

    def __str__(self) -> str:
        return f"{self.usulan.id_usulan}: {self.get_kind_display()} ({self.get_level_display()})"

    @property
    def actor_label(self) -> str:
        return actor_label(self.by, self.source)


class Pickup(models.Model):
    """An usulan picked up into a Renja row, with the volume and cost allocated to that row."""

    usulan = models.ForeignKey(Usulan, on_delete=models.PROTECT, related_name="pickups")
    renja_row = models.ForeignKey(
        RenjaRow, verbose_name=_("baris Renja"), on_delete=models.PROTECT, related_name="pickups"
    )
    volume = models.DecimalField(_("volume"), max_digits=14, decimal_places=2, null=True, blank=True)
    anggaran = models.BigIntegerField(_("biaya"), default=0)
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="pickups")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    # A later decision that is not an acceptance ends the pick-up; the row stays as a record.
    dibatalkan_oleh = models.ForeignKey(
        Decision, null=True, blank=True, on_delete=models.PROTECT, related_name="cancelled_pickups"
    )

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("pengambilan usulan")
        verbose_name_plural = _("pengambilan usulan")
        constraints = [
            models.UniqueConstraint(
                fields=["usulan", "renja_row"],
                condition=Q(dibatalkan_oleh__isnull=True),
                name="pickup_unique_active_row",
            ),
            models.CheckConstraint(name="pickup_anggaran_not_negative", condition=Q(anggaran__gte=0)),
        ]

    def __str__(self) -> str:
        return f"{self.usulan.id_usulan} → {self.renja_row.ref}"


class InboxVisit(models.Model):
    """When an officer last opened their agency's inbox: usulan routed to it after that are new to them."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inbox_visit")
    seen_at = models.DateTimeField(_("terakhir membuka kotak masuk"))

    class Meta:
        verbose_name = _("kunjungan kotak masuk")
        verbose_name_plural = _("kunjungan kotak masuk")

    def __str__(self) -> str:
        return f"{self.user} · {self.seen_at:%Y-%m-%d %H:%M}"


class InboxMail(models.Model):
    """How an officer wants to hear of usulan routed to their agency: not at all, at once, or in a daily digest."""

    class Mode(models.TextChoices):
        TIDAK = "tidak", _("Tidak dikirimi surel")
        SEGERA = "segera", _("Surel setiap kali usulan diteruskan")
        HARIAN = "harian", _("Ringkasan harian")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inbox_mail")
    mode = models.CharField(_("surel usulan masuk"), max_length=10, choices=Mode.choices, default=Mode.TIDAK)
    # The daily digest covers usulan routed after this (the first one: the last day).
    digest_sent_at = models.DateTimeField(_("ringkasan terakhir dikirim"), null=True, blank=True)

    class Meta:
        verbose_name = _("surel kotak masuk")
        verbose_name_plural = _("surel kotak masuk")

    def __str__(self) -> str:
        return f"{self.user} · {self.mode}"
