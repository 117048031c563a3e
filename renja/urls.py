"""Root URLs of the project, and the renja app's own."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from core.security import ThrottledAdminAuthenticationForm, ThrottledAuthenticationForm

from . import views

renja_patterns = [
    path("", views.home, name="home"),
    path("renja/", views.row_list, name="row-list"),
    path("renja/cetak/", views.row_print, name="row-print"),
    path("renja/baru/", views.row_create, name="row-create"),
    path("renja/<int:pk>/", views.row_detail, name="row-detail"),
    path("renja/<int:pk>/ubah/", views.row_edit, name="row-edit"),
    path("renja/<int:pk>/status/", views.row_status, name="row-status"),
    path("renja/<int:pk>/status/konfirmasi/", views.row_status_confirm, name="row-status-confirm"),
    path("renja/impor/", views.import_upload, name="import-upload"),
    path("renja/impor/templat/", views.import_template, name="import-template"),
    path("renja/impor/<int:pk>/terapkan/", views.import_confirm, name="import-confirm"),
    path("nomenklatur/", views.nomenklatur_list, name="nomenklatur-list"),
    path("tahun/", views.year_list, name="year-list"),
    path("tahun/<int:pk>/kunci/", views.year_lock, name="year-lock"),
    path("tahap/<int:pk>/kunci/", views.stage_lock, name="stage-lock"),
    path("tahun/<int:pk>/potret/", views.stage_snapshot_take, name="stage-snapshot-take"),
    path("renja/perubahan/", views.change_report, name="perubahan"),
    path("renja/perubahan/xlsx/", views.change_report_xlsx, name="perubahan-xlsx"),
    path("opd/", views.opd_list, name="opd-list"),
    path("opd/<int:pk>/", views.opd_edit, name="opd-edit"),
    path("renja/dokumen/", views.dokumen, name="dokumen"),
    path("renja/dokumen/<int:pk>/pdf/", views.dokumen_pdf, name="dokumen-pdf"),
    path("renja/dokumen/<int:pk>/xlsx/", views.dokumen_xlsx, name="dokumen-xlsx"),
    path("pagu-opd/", views.pagu_opd_list, name="pagu-opd-list"),
    path("pagu-opd/<int:opd>/ubah/", views.pagu_opd_edit, name="pagu-opd-edit"),
    path("pagu-opd/impor/", views.pagu_opd_upload, name="pagu-opd-upload"),
    path("pagu-opd/impor/terapkan/", views.pagu_opd_confirm, name="pagu-opd-confirm"),
    path("indikator-program/", views.program_indicator_index, name="program-indicator-index"),
    path("indikator-program/opd/<int:opd>/", views.program_indicator_list, name="program-indicator-list"),
    path("indikator-program/opd/<int:opd>/tambah/", views.program_indicator_create, name="program-indicator-create"),
    path("indikator-program/<int:pk>/ubah/", views.program_indicator_edit, name="program-indicator-edit"),
    path("indikator-program/<int:pk>/hapus/", views.program_indicator_delete, name="program-indicator-delete"),
]

urlpatterns = [
    path("", include((renja_patterns, "renja"))),
    path("", include("musrenbang.urls")),
    path("", include("sinkronisasi.urls")),
    path("", include("forum.urls")),
    path(
        "akun/masuk/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=ThrottledAuthenticationForm),
        name="login",
    ),
    path("akun/keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("akun/sandi/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("akun/sandi/selesai/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

admin.site.site_header = settings.PEMDA["nama"] + " · Renja"
admin.site.site_title = "Renja"
# /admin/login/ counts failures against the same throttle as /akun/masuk/ (one counter per name and address).
admin.site.login_form = ThrottledAdminAuthenticationForm
