"""Forum Perangkat Daerah sessions, their attendance and agreements, and the berita acara they end with.

A finalised berita acara is a frozen snapshot (JSON) with a SHA-256 fingerprint and the PDF rendered from it;
once signed, the forum refuses every change. A correction is a new forum version that keeps the old one.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from renja.models import FiscalYear, Opd

nip_validator = RegexValidator(r"^\d{18}$", _("NIP harus 18 angka."))


class Forum(models.Model):
    class Jenis(models.TextChoices):
        FORUM_PD = "forum_pd", _("Forum Perangkat Daerah")
        FORUM_LINTAS_PD = "forum_lintas_pd", _("Forum Lintas Perangkat Daerah")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draf")
        FINAL = "final", _("Final")
        SIGNED = "signed", _("Ditandatangani")

    fiscal_year = models.ForeignKey(
        FiscalYear, verbose_name=_("tahun Renja"), on_delete=models.PROTECT, related_name="forums"
    )
    jenis = models.CharField(_("jenis"), max_length=20, choices=Jenis.choices, default=Jenis.FORUM_LINTAS_PD)
    judul = models.CharField(_("judul"), max_length=300)
    rumpun = models.CharField(_("rumpun"), max_length=200, blank=True)
    tanggal = models.DateField(_("tanggal"))
    mulai = models.TimeField(_("mulai (WITA)"))
    selesai = models.TimeField(_("selesai (WITA)"))
    tempat = models.CharField(_("tempat"), max_length=300)
    pimpinan_nama = models.CharField(_("nama pimpinan sidang"), max_length=200)
    pimpinan_jabatan = models.CharField(_("jabatan pimpinan sidang"), max_length=300)
    pimpinan_nip = models.CharField(_("NIP pimpinan sidang"), max_length=18, validators=[nip_validator])
    pimpinan_pangkat = models.CharField(
        _("pangkat/golongan pimpinan sidang"),
        max_length=100,
        blank=True,
        help_text=_("Misalnya Pembina Utama Muda (IV/c)."),
    )
    fasilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("fasilitator"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="forums",
    )
    opd = models.ManyToManyField(Opd, verbose_name=_("OPD peserta"), related_name="forums")
    # Overlapping programs (from the sync view) the forum is asked to settle.
    overlaps = models.ManyToManyField(
        "sinkronisasi.Overlap", verbose_name=_("program beririsan di agenda"), blank=True, related_name="forums"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, editable=False)
    # A correction of a signed forum points to the version it corrects (that one's `correction`).
    corrects = models.OneToOneField(
        "self",
        verbose_name=_("koreksi dari"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="correction",
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-tanggal", "-id"]
        verbose_name = _("forum")
        verbose_name_plural = _("forum")
        constraints = [
            models.CheckConstraint(
                name="forum_ends_after_start",
                condition=Q(selesai__gt=F("mulai")),
                violation_error_message=_("Waktu selesai harus setelah waktu mulai."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.judul} ({self.tanggal:%d-%m-%Y})"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class Attendance(models.Model):
    """One person on the attendance list (daftar hadir). Name, unsur, jabatan: the official form's columns."""

    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="attendance")
    nama = models.CharField(_("nama"), max_length=200)
    unsur = models.CharField(_("unsur/instansi"), max_length=200)
    jabatan = models.CharField(_("jabatan"), max_length=200, blank=True)
    kontak = models.CharField(_("kontak"), max_length=100, blank=True)
    # The participating agency the person speaks for (their signature represents it), when they come from one.
    opd = models.ForeignKey(
        Opd, verbose_name=_("OPD yang diwakili"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    pangkat = models.CharField(_("pangkat/golongan"), max_length=100, blank=True)
    nip = models.CharField(_("NIP"), max_length=18, blank=True, validators=[nip_validator])
    signs_as_representative = models.BooleanField(_("menandatangani sebagai wakil"), default=False)
    checked_in_at = models.DateTimeField(_("hadir pada"), null=True, blank=True)
    position = models.PositiveIntegerField(_("urutan"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("kehadiran")
        verbose_name_plural = _("daftar hadir")

    def __str__(self) -> str:
        return self.nama


class Clause(models.Model):
    """One numbered clause (KESATU, KEDUA, …) of what the forum agreed (a butir kesepakatan)."""

    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="clauses")
    position = models.PositiveSmallIntegerField(_("urutan"))
    text = models.TextField(_("teks"))

    class Meta:
        ordering = ["position"]
        verbose_name = _("kesepakatan")
        verbose_name_plural = _("kesepakatan")
        constraints = [models.UniqueConstraint(fields=["forum", "position"], name="clause_unique_position")]

    def __str__(self) -> str:
        return f"{self.position}. {self.text[:60]}"


class BeritaAcaraSequence(models.Model):
    """The last number given to a berita acara in a calendar year: numbers follow each other without gaps, taken
    under this row's lock (forum.services.berita_acara_number_next)."""

    tahun = models.PositiveSmallIntegerField(_("tahun"), unique=True)
    last = models.PositiveIntegerField(_("nomor terakhir"), default=0)

    class Meta:
        verbose_name = _("urutan nomor berita acara")
        verbose_name_plural = _("urutan nomor berita acara")

    def __str__(self) -> str:
        return f"{self.tahun}: {self.last}"


class BeritaAcara(models.Model):
    """The frozen minutes of a finalised forum: snapshot, fingerprint, PDF; then who signed it."""

    forum = models.OneToOneField(Forum, on_delete=models.PROTECT, related_name="berita_acara")
    nomor = models.CharField(_("nomor"), max_length=120, unique=True)
    snapshot = models.JSONField()
    sha256 = models.CharField(_("sidik jari SHA-256"), max_length=64, unique=True)
    pdf = models.FileField(upload_to="berita-acara/")
    pdf_sha256 = models.CharField(max_length=64)
    finalised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    finalised_at = models.DateTimeField(default=timezone.now)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_scan = models.FileField(upload_to="berita-acara/ttd/", blank=True)
    signed_scan_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("berita acara")
        verbose_name_plural = _("berita acara")

    def __str__(self) -> str:
        return self.nomor
