"""Admin: read-only (forums change through the services; signed documents never change)."""

from django.contrib import admin

from renja.admin import ReadOnlyAdmin

from .models import Attendance, BeritaAcara, Clause, Forum


@admin.register(Forum)
class ForumAdmin(ReadOnlyAdmin):
    list_display = ["judul", "tanggal", "jenis", "status"]
    list_filter = ["status", "jenis"]


@admin.register(BeritaAcara)
class BeritaAcaraAdmin(ReadOnlyAdmin):
    list_display = ["nomor", "forum", "finalised_at", "signed_at"]
    exclude = ["snapshot"]
    list_select_related = ["forum"]


admin.site.register(Attendance, ReadOnlyAdmin)
admin.site.register(Clause, ReadOnlyAdmin)
