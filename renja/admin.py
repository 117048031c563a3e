"""Admin: a support tool for Bappeda's administrators (reference data, users, years). No business actions."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import (
    AuditLog,
    FiscalYear,
    ImportBatch,
    KelompokSasaran,
    Nomenklatur,
    Opd,
    RenjaRow,
    StageSnapshot,
    StageWindow,
    User,
    Wilayah,
)
from .services.revision import summaries_changed_everywhere


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown for support, never changed here: changes go through services (locks, conflicts, audit)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "opd", "is_active"]
    list_filter = ["role", "is_active", "opd"]
    list_select_related = ["opd"]
    fieldsets = BaseUserAdmin.fieldsets + ((_("Peran"), {"fields": ["role", "opd", "jabatan", "nip"]}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + ((_("Peran"), {"fields": ["role", "opd"]}),)


class StageWindowInline(admin.TabularInline):
    model = StageWindow
    extra = 0
    readonly_fields = ["is_locked"]  # locks are set on the Tahun page, where they are audited


@admin.register(FiscalYear)
class FiscalYearAdmin(admin.ModelAdmin):
    list_display = ["year", "is_locked", "locked_reason"]
    readonly_fields = ["is_locked", "locked_reason"]
    inlines = [StageWindowInline]

    def save_model(self, request, obj, form, change):
        if change:
            # Only what the form edits: a plain save would write back the revision counters as this request read
            # them, winding back a write committed meanwhile (cached summaries and the sync view compare them).
            obj.save(update_fields=form.changed_data or ["year"])
        else:
            super().save_model(request, obj, form, change)


@admin.register(StageSnapshot)
class StageSnapshotAdmin(ReadOnlyAdmin):
    """Read-only: snapshots are taken on the Tahun page (or by locking a stage), audited; the document stays out."""

    list_display = ["fiscal_year", "stage", "taken_at", "taken_by", "source", "row_count", "total_pagu"]
    list_filter = ["fiscal_year", "stage"]
    list_select_related = ["fiscal_year", "taken_by"]
    exclude = ["data"]


class ReferenceAdmin(admin.ModelAdmin):
    """Reference data the lists' cached summaries name or group by: a save or delete counts them afresh."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        summaries_changed_everywhere()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        summaries_changed_everywhere()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        summaries_changed_everywhere()


@admin.register(Wilayah)
class WilayahAdmin(ReferenceAdmin):
    list_display = ["kode", "nama", "tingkat", "parent"]
    list_filter = ["tingkat"]
    search_fields = ["kode", "nama"]
    list_select_related = ["parent"]


@admin.register(Nomenklatur)
class NomenklaturAdmin(ReferenceAdmin):
    list_display = ["kode", "nama", "level", "satuan", "versi", "aktif"]
    list_filter = ["level", "aktif", "versi", "spm"]
    search_fields = ["kode", "nama", "indikator"]
    raw_id_fields = ["parent"]


@admin.register(Opd)
class OpdAdmin(ReferenceAdmin):
    list_display = ["singkatan", "nama", "jenis", "kepala_nama", "aktif"]
    list_filter = ["jenis", "aktif"]
    search_fields = ["singkatan", "nama"]
    filter_horizontal = ["bidang_urusan"]


@admin.register(KelompokSasaran)
class KelompokSasaranAdmin(admin.ModelAdmin):
    list_display = ["slug", "nama", "urutan", "aktif"]
    list_editable = ["nama", "urutan", "aktif"]


@admin.register(RenjaRow)
class RenjaRowAdmin(ReadOnlyAdmin):
    """Read-only: rows change through the app so that locks, conflicts and the audit trail hold."""

    list_display = ["ref", "fiscal_year", "opd", "kode", "nama", "pagu", "status"]
    list_filter = ["fiscal_year", "status", "opd"]
    search_fields = ["ref", "kode", "nama"]
    list_select_related = ["fiscal_year", "opd"]


@admin.register(AuditLog)
class AuditLogAdmin(ReadOnlyAdmin):
    list_display = ["at", "action", "object_repr", "by", "source"]
    list_filter = ["action"]
    search_fields = ["object_repr", "action"]
    list_select_related = ["by"]


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ["uploaded_at", "kind", "filename", "fiscal_year", "status", "uploaded_by"]
    list_filter = ["kind", "status"]
    exclude = ["content"]
    readonly_fields = ["kind", "fiscal_year", "filename", "sha256", "status", "summary", "uploaded_by", "uploaded_at"]

    def has_add_permission(self, request):
        return False
