from django.urls import path

from . import views

app_name = "sinkronisasi"

urlpatterns = [
    path("sinkronisasi/", views.overlap_list, name="overlap-list"),
    path("sinkronisasi/pasangan/<int:pk>/", views.overlap_detail, name="overlap-detail"),
    path("sinkronisasi/pasangan/<int:pk>/selesaikan/", views.overlap_settle, name="overlap-settle"),
    path("sinkronisasi/pasangan/<int:pk>/buka/", views.overlap_reopen, name="overlap-reopen"),
    path("sinkronisasi/pasangan/<int:pk>/komentar/", views.overlap_comment, name="overlap-comment"),
    path("sinkronisasi/pasangan/<int:pk>/usulkan/", views.overlap_propose, name="overlap-propose"),
    path(
        "sinkronisasi/pasangan/<int:pk>/usulan/konfirmasi/",
        views.overlap_proposal_confirm,
        name="overlap-proposal-confirm",
    ),
    path(
        "sinkronisasi/pasangan/<int:pk>/usulan/tolak/", views.overlap_proposal_decline, name="overlap-proposal-decline"
    ),
    path("sinkronisasi/hitung-ulang/", views.recompute, name="recompute"),
    path("sinkronisasi/belum-diambil/", views.orphan_list, name="orphan-list"),
    path("sinkronisasi/rumah/<int:pk>/teruskan/", views.home_route, name="home-route"),
    path("sinkronisasi/usulan-ganda/", views.duplicate_list, name="duplicate-list"),
    path(
        "sinkronisasi/usulan-ganda/<int:pk>/gabung/konfirmasi/",
        views.duplicate_merge_confirm,
        name="duplicate-merge-confirm",
    ),
    path("sinkronisasi/usulan-ganda/<int:pk>/gabung/", views.duplicate_merge, name="duplicate-merge"),
    path("sinkronisasi/usulan-ganda/<int:pk>/bukan-ganda/", views.duplicate_dismiss, name="duplicate-dismiss"),
    path("sinkronisasi/sinonim/", views.synonym_group_list, name="synonym-list"),
    path("sinkronisasi/sinonim/<int:pk>/", views.synonym_group_edit, name="synonym-edit"),
    path("sinkronisasi/sinonim/<int:pk>/hapus/", views.synonym_group_delete, name="synonym-delete"),
    path(
        "sinkronisasi/sinonim/<int:pk>/hapus/konfirmasi/",
        views.synonym_group_delete_confirm,
        name="synonym-delete-confirm",
    ),
]
