from django.urls import path

from . import views

app_name = "sinkronisasi"

urlpatterns = [
    path("sinkronisasi/", views.pair_list, name="pair-list"),
    path("sinkronisasi/pasangan/<int:pk>/", views.pair_detail, name="pair-detail"),
    path("sinkronisasi/pasangan/<int:pk>/selesaikan/", views.pair_resolve, name="pair-resolve"),
    path("sinkronisasi/pasangan/<int:pk>/buka/", views.pair_reopen, name="pair-reopen"),
    path("sinkronisasi/pasangan/<int:pk>/komentar/", views.pair_comment, name="pair-comment"),
    path("sinkronisasi/pasangan/<int:pk>/usulkan/", views.pair_propose, name="pair-propose"),
    path(
        "sinkronisasi/pasangan/<int:pk>/usulan/konfirmasi/", views.pair_proposal_confirm, name="pair-proposal-confirm"
    ),
    path("sinkronisasi/pasangan/<int:pk>/usulan/tolak/", views.pair_proposal_decline, name="pair-proposal-decline"),
    path("sinkronisasi/hitung-ulang/", views.recompute, name="recompute"),
    path("sinkronisasi/belum-diambil/", views.orphan_list, name="orphan-list"),
    path("sinkronisasi/sinonim/", views.sinonim_list, name="sinonim-list"),
    path("sinkronisasi/sinonim/<int:pk>/", views.sinonim_edit, name="sinonim-edit"),
    path("sinkronisasi/sinonim/<int:pk>/hapus/", views.sinonim_delete, name="sinonim-delete"),
    path(
        "sinkronisasi/sinonim/<int:pk>/hapus/konfirmasi/", views.sinonim_delete_confirm, name="sinonim-delete-confirm"
    ),
]
