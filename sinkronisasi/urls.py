from django.urls import path

from . import views

app_name = "sinkronisasi"

urlpatterns = [
    path("sinkronisasi/", views.overlap_list, name="pair-list"),
    path("sinkronisasi/pasangan/<int:pk>/", views.overlap_detail, name="pair-detail"),
    path("sinkronisasi/pasangan/<int:pk>/selesaikan/", views.overlap_resolve, name="pair-resolve"),
    path("sinkronisasi/pasangan/<int:pk>/buka/", views.overlap_reopen, name="pair-reopen"),
    path("sinkronisasi/pasangan/<int:pk>/komentar/", views.overlap_comment, name="pair-comment"),
    path("sinkronisasi/pasangan/<int:pk>/usulkan/", views.overlap_propose, name="pair-propose"),
    path(
        "sinkronisasi/pasangan/<int:pk>/usulan/konfirmasi/",
        views.overlap_proposal_confirm,
        name="pair-proposal-confirm",
    ),
    path("sinkronisasi/pasangan/<int:pk>/usulan/tolak/", views.overlap_proposal_decline, name="pair-proposal-decline"),
    path("sinkronisasi/hitung-ulang/", views.recompute, name="recompute"),
    path("sinkronisasi/belum-diambil/", views.orphan_list, name="orphan-list"),
    path("sinkronisasi/sinonim/", views.synonym_group_list, name="sinonim-list"),
    path("sinkronisasi/sinonim/<int:pk>/", views.synonym_group_edit, name="sinonim-edit"),
    path("sinkronisasi/sinonim/<int:pk>/hapus/", views.synonym_group_delete, name="sinonim-delete"),
    path(
        "sinkronisasi/sinonim/<int:pk>/hapus/konfirmasi/",
        views.synonym_group_delete_confirm,
        name="sinonim-delete-confirm",
    ),
]
