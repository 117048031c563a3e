from django.urls import path

from . import views

app_name = "forum"

urlpatterns = [
    path("forum/", views.forum_list, name="forum-list"),
    path("forum/baru/", views.forum_create, name="forum-create"),
    path("forum/<int:pk>/", views.forum_detail, name="forum-detail"),
    path("forum/<int:pk>/ubah/", views.forum_edit, name="forum-edit"),
    path("forum/<int:pk>/hadir/", views.attendee_add, name="attendee-add"),
    path("forum/<int:pk>/hadir/<int:person>/datang/", views.attendee_check_in, name="attendee-check-in"),
    path("forum/<int:pk>/hadir/<int:person>/hapus/", views.attendee_remove, name="attendee-remove"),
    path(
        "forum/<int:pk>/hadir/<int:person>/hapus/konfirmasi/",
        views.attendee_remove_confirm,
        name="attendee-remove-confirm",
    ),
    path("forum/<int:pk>/kesepakatan/", views.clauses_save, name="clauses-save"),
    path("forum/<int:pk>/finalkan/", views.forum_finalise, name="forum-finalise"),
    path("forum/<int:pk>/finalkan/konfirmasi/", views.forum_finalise_confirm, name="forum-finalise-confirm"),
    path("forum/<int:pk>/usulan/bawa-kabupaten/", views.usulan_carry, name="usulan-carry"),
    path("forum/<int:pk>/usulan/bawa-kabupaten/konfirmasi/", views.usulan_carry_confirm, name="usulan-carry-confirm"),
    path("forum/<int:pk>/usulan/<int:usulan>/teruskan/", views.usulan_reroute, name="usulan-reroute"),
    path("forum/<int:pk>/tandatangani/", views.forum_sign, name="forum-sign"),
    path("forum/<int:pk>/koreksi/", views.forum_correct, name="forum-correct"),
    path("forum/<int:pk>/berita-acara.pdf", views.forum_pdf, name="forum-pdf"),
    path("forum/<int:pk>/berita-acara/buat-lagi/", views.forum_pdf_again, name="forum-pdf-again"),
    path("forum/agenda-beririsan/<int:overlap>/", views.agenda_overlap, name="agenda-overlap"),
    path(
        "forum/<int:pk>/agenda-beririsan/<int:overlap>/hapus/",
        views.agenda_overlap_remove,
        name="agenda-overlap-remove",
    ),
    path(
        "forum/<int:pk>/agenda-beririsan/<int:overlap>/hapus/konfirmasi/",
        views.agenda_overlap_remove_confirm,
        name="agenda-overlap-remove-confirm",
    ),
    path("verifikasi/", views.verify, name="verify"),
    path("verifikasi/<str:sha>/", views.verify_detail, name="verify-detail"),
]
