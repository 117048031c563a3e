"""Admin: read-only views of usulan and their trail (changes go through the services)."""

from django.contrib import admin

from renja.admin import ReadOnlyAdmin

from .models import Decision, Pickup, Usulan


@admin.register(Usulan)
class UsulanAdmin(ReadOnlyAdmin):
    list_display = ["id_usulan", "fiscal_year", "desa", "opd_tujuan", "status", "anggaran"]
    list_filter = ["fiscal_year", "status", "sumber"]
    search_fields = ["id_usulan", "kode_lacak", "usulan"]
    list_select_related = ["fiscal_year", "desa", "opd_tujuan"]


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ["usulan", "level", "kind", "opd", "at", "by"]
    list_filter = ["level", "kind"]
    list_select_related = ["usulan", "opd", "by"]


@admin.register(Pickup)
class PickupAdmin(ReadOnlyAdmin):
    list_display = ["usulan", "renja_row", "anggaran", "at", "dibatalkan_oleh"]
    list_select_related = ["usulan", "renja_row"]
