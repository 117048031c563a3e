"""Core domain: people, fiscal years, regions, the official nomenclature, agencies (OPD) and Renja rows.

These models use neither `musrenbang` nor `forum`; those apps build on them.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.formatting import place_label
from core.system_actor import SOURCE_MAX_LENGTH, actor_label, current_system_source


class UserManager(DjangoUserManager):
    """Django's manager, except that a superuser is an administrator unless told otherwise."""

    def create_superuser(self, username, email=None, password=None, **extra_fields):
        # The default role (pembaca OPD) requires an OPD, so `createsuperuser` would violate user_opd_role_has_opd.
        extra_fields.setdefault("role", User.Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """A person who logs in. The role decides what they may see and change (see renja/permissions.py)."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Administrator")
        PERENCANA = "perencana", _("Perencana Bappeda")
        FASILITATOR = "fasilitator", _("Fasilitator forum")
        PETUGAS_OPD = "petugas_opd", _("Petugas OPD")
        PEMBACA_OPD = "pembaca_opd", _("Pembaca OPD (hanya baca)")

    role = models.CharField(_("peran"), max_length=20, choices=Role.choices, default=Role.PEMBACA_OPD)
    opd = models.ForeignKey(
        "renja.Opd", verbose_name=_("OPD"), null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    jabatan = models.CharField(_("jabatan"), max_length=200, blank=True)
    nip = models.CharField(_("NIP"), max_length=18, blank=True)

    objects = UserManager()

    class Meta:
        verbose_name = _("pengguna")
        verbose_name_plural = _("pengguna")
        constraints = [
            models.CheckConstraint(
                name="user_opd_role_has_opd",
                condition=~Q(role__in=["petugas_opd", "pembaca_opd"]) | Q(opd__isnull=False),
                violation_error_message=_("Petugas dan pembaca OPD wajib terikat pada satu OPD."),
            )
        ]

    @property
    def role_label(self) -> str:
        return self.get_role_display()


class FiscalYear(models.Model):
    """A planning year (Renja year N). A locked year refuses every edit."""

    year = models.PositiveSmallIntegerField(_("tahun"), unique=True)
    is_locked = models.BooleanField(_("dikunci"), default=False)
    locked_reason = models.CharField(_("alasan penguncian"), max_length=255, blank=True)
    # Goes up with every change to the year's plan (rows, pick-ups, synonyms): pages compare one number to know
    # whether derived findings are current, instead of aggregating the rows.
    revision = models.PositiveBigIntegerField(default=0, editable=False)
    # The same count narrowed to what one kind of summary reads, so that a write of the other kind leaves it cached:
    # the Renja rows' agency, status, program, pagu and pagu N+1 and the ceilings (the home page and the Renja list's
    # totals), and the usulan (the usulan list's counts). Every plan change raises both unless its writer says it
    # left that kind alone (services.revision.plan_changed).
    rows_revision = models.PositiveBigIntegerField(default=0, editable=False)
    usulan_revision = models.PositiveBigIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("tahun anggaran")
        verbose_name_plural = _("tahun anggaran")
        constraints = [
            models.CheckConstraint(name="fiscalyear_year_range", condition=Q(year__gte=2000) & Q(year__lte=2100))
        ]

    def __str__(self) -> str:
        return str(self.year)


class StageWindow(models.Model):
    """One stage of a year's cycle, with its open/close dates; a stage can be locked on its own."""

    class Stage(models.TextChoices):
        """The stages of a Renja year as the regulation names them, in their order (renja/services/years.py says
        which stage's lock governs which change)."""

        RANCANGAN_AWAL = "rancangan_awal", _("Rancangan Awal Renja")
        RANCANGAN = "rancangan", _("Rancangan Renja")
        FORUM = "forum", _("Forum Perangkat Daerah")
        RANCANGAN_AKHIR = "rancangan_akhir", _("Rancangan Akhir Renja")
        VERIFIKASI = "verifikasi", _("Verifikasi")
        PENETAPAN = "penetapan", _("Penetapan Renja")

    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.CASCADE, related_name="stages")
    stage = models.CharField(_("tahap"), max_length=30, choices=Stage.choices)
    opens_on = models.DateField(_("dibuka"))
    closes_on = models.DateField(_("ditutup"))
    is_locked = models.BooleanField(_("dikunci"), default=False)

    class Meta:
        ordering = ["fiscal_year", "opens_on"]
        verbose_name = _("tahap")
        verbose_name_plural = _("tahap")
        constraints = [
            models.UniqueConstraint(fields=["fiscal_year", "stage"], name="stagewindow_unique_stage"),
            models.CheckConstraint(
                name="stagewindow_dates_ordered",
                condition=Q(closes_on__gte=models.F("opens_on")),
                violation_error_message=_("Tanggal tutup tidak boleh sebelum tanggal buka."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} {self.fiscal_year}"

    def is_open(self, on: datetime.date | None = None) -> bool:
        on = on or timezone.localdate()
        return not self.is_locked and self.opens_on <= on <= self.closes_on


class Wilayah(models.Model):
    """A region by its Kemendagri code: the regency, its kecamatan, and their desa/kelurahan."""

    class Tingkat(models.TextChoices):
        KABUPATEN = "kabupaten", _("Kabupaten/Kota")
        KECAMATAN = "kecamatan", _("Kecamatan")
        DESA = "desa", _("Desa")
        KELURAHAN = "kelurahan", _("Kelurahan")

    kode = models.CharField(_("kode"), max_length=13, unique=True)
    nama = models.CharField(_("nama"), max_length=120)
    tingkat = models.CharField(_("tingkat"), max_length=10, choices=Tingkat.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("induk")
    )

    class Meta:
        ordering = ["kode"]
        verbose_name = _("wilayah")
        verbose_name_plural = _("wilayah")

    def __str__(self) -> str:
        if self.tingkat in (self.Tingkat.DESA, self.Tingkat.KELURAHAN):
            return f"{self.get_tingkat_display()} {self.nama}"
        if self.tingkat == self.Tingkat.KECAMATAN:
            return f"Kec. {self.nama}"
        return self.nama

    @property
    def label(self) -> str:
        """The place with its kind, short, as the Renja screens show it: Kec. Tenggarong, Desa Bukit Biru,
        Kel. Sukarame."""
        return place_label(self.nama, self.tingkat)


class Nomenklatur(models.Model):
    """One node of the official nomenclature (urusan ▸ bidang urusan ▸ program ▸ kegiatan ▸ sub kegiatan).

    Codes beginning `X.XX` are the generic support program every OPD uses under its own bidang urusan.
    A code that disappears from a newer regulation stays, inactive, so older Renja rows keep their meaning.
    """

    class Level(models.TextChoices):
        URUSAN = "urusan", _("Urusan")
        BIDANG_URUSAN = "bidang_urusan", _("Bidang urusan")
        PROGRAM = "program", _("Program")
        KEGIATAN = "kegiatan", _("Kegiatan")
        SUB_KEGIATAN = "sub_kegiatan", _("Sub kegiatan")

    kode = models.CharField(_("kode"), max_length=24, unique=True)
    level = models.CharField(_("tingkat"), max_length=15, choices=Level.choices, db_index=True)
    nama = models.CharField(_("nama"), max_length=500)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("induk")
    )
    kinerja = models.TextField(_("kinerja"), blank=True)
    indikator = models.TextField(_("indikator"), blank=True)
    satuan = models.CharField(_("satuan"), max_length=100, blank=True)
    spm = models.BooleanField(_("SPM"), default=False)
    jenis = models.CharField(_("jenis"), max_length=50, blank=True)
    tag = models.TextField(_("tag"), blank=True)
    pelaksana = models.TextField(_("pelaksana"), blank=True)
    versi = models.CharField(_("versi regulasi"), max_length=120)
    aktif = models.BooleanField(_("berlaku"), default=True)

    class Meta:
        ordering = ["kode"]
        verbose_name = _("nomenklatur")
        verbose_name_plural = _("nomenklatur")

    def __str__(self) -> str:
        return f"{self.kode} {self.nama}"

    @property
    def is_penunjang(self) -> bool:
        return self.kode.startswith("X.XX")


class KelompokSasaran(models.Model):
    """A target group (kelompok sasaran). The list is managed by Bappeda in the admin."""

    slug = models.SlugField(_("kode"), max_length=40, unique=True)
    nama = models.CharField(_("nama"), max_length=100)
    aktif = models.BooleanField(_("aktif"), default=True)
    urutan = models.PositiveSmallIntegerField(_("urutan"), default=100)

    class Meta:
        ordering = ["urutan", "nama"]
        verbose_name = _("kelompok sasaran")
        verbose_name_plural = _("kelompok sasaran")

    def __str__(self) -> str:
        return self.nama


class Opd(models.Model):
    """A regional agency (Perangkat Daerah)."""

    class Jenis(models.TextChoices):
        SEKRETARIAT = "sekretariat", _("Sekretariat")
        INSPEKTORAT = "inspektorat", _("Inspektorat")
        DINAS = "dinas", _("Dinas")
        BADAN = "badan", _("Badan")
        SATPOL_PP = "satpol_pp", _("Satuan Polisi Pamong Praja")
        RSUD = "rsud", _("Rumah Sakit Umum Daerah")
        KECAMATAN = "kecamatan", _("Kecamatan")
        LAINNYA = "lainnya", _("Lainnya")

    singkatan = models.CharField(_("singkatan"), max_length=60, unique=True)
    nama = models.CharField(_("nama"), max_length=200)
    jenis = models.CharField(_("jenis"), max_length=20, choices=Jenis.choices)
    bidang_urusan = models.ManyToManyField(
        Nomenklatur,
        verbose_name=_("bidang urusan"),
        related_name="opds",
        blank=True,
        limit_choices_to={"level": Nomenklatur.Level.BIDANG_URUSAN},
    )
    kepala_nama = models.CharField(_("nama kepala"), max_length=200, blank=True)
    kepala_jabatan = models.CharField(_("jabatan kepala"), max_length=200, blank=True)
    kepala_nip = models.CharField(_("NIP kepala"), max_length=18, blank=True)
    kepala_pangkat = models.CharField(
        _("pangkat/golongan kepala"), max_length=100, blank=True, help_text=_("Misalnya Pembina Utama Muda (IV/c).")
    )
    # Kode unit in the Permendagri 90/2019 form (U.BB.U.BB.U.BB.UU.UUUU: up to three bidang urusan, then the unit
    # and sub-unit). Derived from the bidang urusan when the official code is not known; every list orders by it.
    kode_unit = models.CharField(_("kode unit"), max_length=30, blank=True, db_index=True)
    catatan = models.TextField(_("catatan"), blank=True)
    aktif = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["kode_unit", "singkatan"]
        verbose_name = _("OPD")
        verbose_name_plural = _("OPD")

    def __str__(self) -> str:
        return self.singkatan


class RenjaRow(models.Model):
    """One row of an OPD's Renja for one fiscal year: the editable unit of the plan."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draf")
        DIAJUKAN = "diajukan", _("Diajukan")
        DISEPAKATI = "disepakati", _("Disepakati")
        FINAL = "final", _("Final")

    class SumberDana(models.TextChoices):
        APBD_KAB = "apbd_kab", _("APBD Kabupaten")
        APBD_PROV = "apbd_prov", _("APBD Provinsi")
        APBN = "apbn", _("APBN")
        DAK_FISIK = "dak_fisik", _("DAK Fisik")
        DAK_NON_FISIK = "dak_non_fisik", _("DAK Non-Fisik")
        DBH = "dbh", _("Dana Bagi Hasil")
        BANKEU_PROV = "bankeu_prov", _("Bantuan Keuangan Provinsi")
        LAINNYA = "lainnya", _("Lainnya")

    class SumberData(models.TextChoices):
        """Where a row's beneficiary numbers come from (printed in the Renja table's Catatan Penting)."""

        DTKS = "dtks", _("DTKS")
        DTSEN = "dtsen", _("DTSEN")
        PK = "pk", _("Pendataan Keluarga (PK)")
        EPPGBM = "eppgbm", _("e-PPGBM")
        LAINNYA = "lainnya", _("Lainnya")

    fiscal_year = models.ForeignKey(
        FiscalYear, verbose_name=_("tahun"), on_delete=models.PROTECT, related_name="renja_rows"
    )
    opd = models.ForeignKey(Opd, verbose_name=_("OPD"), on_delete=models.PROTECT, related_name="renja_rows")
    ref = models.CharField(_("ref"), max_length=60)
    sub_kegiatan = models.ForeignKey(
        Nomenklatur,
        verbose_name=_("sub kegiatan"),
        on_delete=models.PROTECT,
        related_name="renja_rows",
        limit_choices_to={"level": Nomenklatur.Level.SUB_KEGIATAN},
    )
    # The code as the OPD uses it: X.XX of the support program replaced by the OPD's bidang urusan.
    kode = models.CharField(_("kode sub kegiatan"), max_length=24, db_index=True)
    # The official name, indicator and unit of the sub kegiatan (copied from the nomenklatur by the services, as
    # `kode` is); the agency's own wording lives in `rincian` and its own extra indicator in `*_opd`.
    nama = models.CharField(_("nama"), max_length=500)
    rincian = models.TextField(_("rincian"), blank=True, help_text=_("Uraian kegiatan menurut OPD."))
    keterangan = models.TextField(_("keterangan"), blank=True)
    indikator = models.TextField(_("indikator"), blank=True)
    target = models.DecimalField(_("target"), max_digits=18, decimal_places=2, null=True, blank=True)
    satuan = models.CharField(_("satuan"), max_length=100, blank=True)
    indikator_opd = models.TextField(_("indikator tambahan OPD"), blank=True)
    target_opd = models.DecimalField(
        _("target indikator tambahan"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    satuan_opd = models.CharField(_("satuan indikator tambahan"), max_length=100, blank=True)
    pagu = models.BigIntegerField(_("pagu indikatif"), default=0)
    target_n1 = models.DecimalField(_("target N+1"), max_digits=18, decimal_places=2, null=True, blank=True)
    pagu_n1 = models.BigIntegerField(_("pagu N+1"), null=True, blank=True)
    lokasi = models.ManyToManyField(Wilayah, verbose_name=_("lokasi"), blank=True, related_name="renja_rows")
    sasaran = models.ManyToManyField(
        KelompokSasaran, verbose_name=_("kelompok sasaran"), blank=True, related_name="renja_rows"
    )
    sumber_dana = models.CharField(
        _("sumber dana"), max_length=20, choices=SumberDana.choices, default=SumberDana.APBD_KAB
    )
    prioritas_nasional = models.BooleanField(_("prioritas nasional"), default=False)
    prioritas_daerah = models.BooleanField(_("prioritas daerah"), default=False)
    quick_win = models.BooleanField(_("quick win"), default=False)
    sumber_data = models.CharField(
        _("sumber data sasaran"), max_length=10, choices=SumberData.choices, blank=True, default=""
    )
    desil = models.PositiveSmallIntegerField(
        _("desil"), null=True, blank=True, help_text=_("Desil DTKS/DTSEN tertinggi yang disasar (1–10).")
    )
    sumber_data_keterangan = models.CharField(_("keterangan sumber data"), max_length=200, blank=True)
    opd_pengampu = models.ForeignKey(
        Opd,
        verbose_name=_("OPD pengampu"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="renja_rows_led",
        help_text=_("Kosong berarti OPD pemilik baris ini yang mengampu."),
    )
    opd_pendukung = models.ManyToManyField(
        Opd, verbose_name=_("OPD pendukung"), blank=True, related_name="renja_rows_supported"
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    # Lower-cased ref, code, names, indicator and description: free-text search reads one column.
    cari = models.TextField(editable=False, default="")
    # Optimistic lock: every saved change increments it; a stale edit is refused.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["fiscal_year", "opd__kode_unit", "opd__singkatan", "kode", "ref"]
        verbose_name = _("baris Renja")
        verbose_name_plural = _("baris Renja")
        constraints = [
            models.UniqueConstraint(fields=["fiscal_year", "ref"], name="renjarow_unique_ref_per_year"),
            models.CheckConstraint(
                name="renjarow_pagu_not_negative",
                condition=Q(pagu__gte=0),
                violation_error_message=_("Pagu tidak boleh negatif."),
            ),
            models.CheckConstraint(
                name="renjarow_pagu_n1_not_negative",
                condition=Q(pagu_n1__isnull=True) | Q(pagu_n1__gte=0),
                violation_error_message=_("Pagu N+1 tidak boleh negatif."),
            ),
            models.CheckConstraint(
                name="renjarow_desil_range",
                condition=Q(desil__isnull=True) | (Q(desil__gte=1) & Q(desil__lte=10)),
                violation_error_message=_("Desil harus 1 sampai 10."),
            ),
        ]
        indexes = [
            models.Index(fields=["fiscal_year", "opd", "status"], name="renjarow_year_opd_status"),
            models.Index(fields=["fiscal_year", "kode"], name="renjarow_year_kode"),
        ]

    def __str__(self) -> str:
        return f"{self.ref} {self.nama}"

    def search_text(self) -> str:
        """The text free-text search looks in (kept in `cari` by the services)."""
        parts = [
            self.ref,
            self.kode,
            self.nama,
            self.rincian,
            self.indikator,
            self.indikator_opd,
            self.keterangan,
            self.sub_kegiatan.nama if self.sub_kegiatan_id else "",
        ]
        return " ".join(p for p in parts if p).lower()

    @property
    def lead_opd(self) -> Opd:
        return self.opd_pengampu or self.opd


class PaguOpd(models.Model):
    """An agency's pagu indikatif for a year: the ceiling Bappeda sets (from the Rancangan Awal RKPD) before the
    forum. The sum of the agency's rows is held against it wherever its plan is shown."""

    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT, related_name="pagu_opd")
    opd = models.ForeignKey(Opd, verbose_name=_("OPD"), on_delete=models.PROTECT, related_name="pagu_opd")
    pagu = models.BigIntegerField(_("pagu indikatif"))
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["fiscal_year", "opd__kode_unit", "opd__singkatan"]
        verbose_name = _("pagu indikatif OPD")
        verbose_name_plural = _("pagu indikatif OPD")
        constraints = [
            models.UniqueConstraint(fields=["fiscal_year", "opd"], name="paguopd_unique_per_year"),
            models.CheckConstraint(
                name="paguopd_not_negative",
                condition=Q(pagu__gte=0),
                violation_error_message=_("Pagu indikatif tidak boleh negatif."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.opd} {self.fiscal_year}: {self.pagu}"


class ProgramIndicator(models.Model):
    """An agency's indicator of a program (outcome) or kegiatan (output) for a year, printed at its level of the
    Renja table."""

    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT, related_name="program_indicators")
    opd = models.ForeignKey(Opd, verbose_name=_("OPD"), on_delete=models.PROTECT, related_name="program_indicators")
    nomenklatur = models.ForeignKey(
        Nomenklatur,
        verbose_name=_("program/kegiatan"),
        on_delete=models.PROTECT,
        related_name="program_indicators",
        limit_choices_to={"level__in": [Nomenklatur.Level.PROGRAM, Nomenklatur.Level.KEGIATAN]},
    )
    # The code as the agency uses it (X.XX replaced by its bidang urusan, as RenjaRow.kode).
    kode = models.CharField(_("kode"), max_length=24)
    indikator = models.TextField(_("indikator"))
    target = models.DecimalField(_("target"), max_digits=18, decimal_places=2, null=True, blank=True)
    satuan = models.CharField(_("satuan"), max_length=100, blank=True)
    target_n1 = models.DecimalField(_("target N+1"), max_digits=18, decimal_places=2, null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["fiscal_year", "opd__kode_unit", "opd__singkatan", "kode", "pk"]
        verbose_name = _("indikator program/kegiatan")
        verbose_name_plural = _("indikator program/kegiatan")
        indexes = [models.Index(fields=["fiscal_year", "opd", "kode"], name="programindicator_year_opd_kode")]

    def __str__(self) -> str:
        return f"{self.kode} {self.indikator}"

    @property
    def is_outcome(self) -> bool:
        """Programs measure outcomes, kegiatan outputs."""
        return self.nomenklatur.level == Nomenklatur.Level.PROGRAM


class StageSnapshot(models.Model):
    """The plan as it stood when a stage of the year closed: one JSON document per stage, not a copy per row.
    The perubahan report compares two of them (or one and the live plan)."""

    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT, related_name="snapshots")
    stage = models.CharField(_("tahap"), max_length=30, choices=StageWindow.Stage.choices)
    taken_at = models.DateTimeField(_("diambil"), default=timezone.now)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(_("sumber"), max_length=SOURCE_MAX_LENGTH, blank=True, default=current_system_source)
    row_count = models.PositiveIntegerField(_("jumlah baris"), default=0)
    total_pagu = models.BigIntegerField(_("jumlah pagu"), default=0)
    # {"rows": {ref: {opd, kode, nama, rincian, indikator, target, satuan, pagu, target_n1, pagu_n1, lokasi: [...],
    #  sumber_dana, status}}, "pagu_opd": {singkatan: pagu}}
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["fiscal_year", "taken_at"]
        verbose_name = _("potret tahap")
        verbose_name_plural = _("potret tahap")
        constraints = [models.UniqueConstraint(fields=["fiscal_year", "stage"], name="stagesnapshot_unique_stage")]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} {self.fiscal_year}"


class AuditLog(models.Model):
    """One entry per change of any audited object: who, when, what action, which fields old → new."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=255)
    action = models.CharField(_("aksi"), max_length=60)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_entries"
    )
    at = models.DateTimeField(_("waktu"), default=timezone.now)
    version = models.PositiveIntegerField(null=True, blank=True)
    # {"field": [old, new], …} with display values, so history reads without further queries.
    changes = models.JSONField(default=dict, blank=True)
    data = models.JSONField(default=dict, blank=True)
    # For an entry no person wrote: the command, task or cause (see renja/system_actor.py).
    source = models.CharField(_("sumber"), max_length=SOURCE_MAX_LENGTH, blank=True, default=current_system_source)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("catatan audit")
        verbose_name_plural = _("catatan audit")
        indexes = [models.Index(fields=["content_type", "object_id", "at"], name="auditlog_object_at")]

    def __str__(self) -> str:
        return f"{self.action} {self.object_repr}"

    @property
    def actor_label(self) -> str:
        return actor_label(self.by, self.source)


class ImportBatch(models.Model):
    """An uploaded file (Renja rows or usulan) kept while it waits for confirmation, and afterwards as a record.

    Both imports stage the same way (renja/services/imports.py: import_batch_stage, import_batch_confirm): the
    preview checks the file, the confirmation checks it again and writes it, once, by the user who uploaded it."""

    class Kind(models.TextChoices):
        RENJA = "renja", _("Baris Renja")
        USULAN = "usulan", _("Usulan")

    class Status(models.TextChoices):
        PREVIEW = "preview", _("Menunggu konfirmasi")
        APPLIED = "applied", _("Diterapkan")
        REJECTED = "rejected", _("Ditolak")

    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices, default=Kind.RENJA)
    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT, related_name="import_batches")
    filename = models.CharField(_("nama berkas"), max_length=255)
    sha256 = models.CharField(max_length=64)
    content = models.BinaryField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREVIEW)
    summary = models.JSONField(default=dict, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("impor berkas")
        verbose_name_plural = _("impor berkas")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.filename} ({self.fiscal_year})"
