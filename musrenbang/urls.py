from django.urls import path

from . import views

app_name = "musrenbang"

urlpatterns = [
    path("usulan/", views.usulan_list, name="usulan-list"),
    path("usulan/cetak/", views.usulan_print, name="usulan-print"),
    path("usulan/kotak-masuk/", views.inbox, name="inbox"),
    path("usulan/kotak-masuk/surel/", views.inbox_mail, name="inbox-mail"),
    path("usulan/massal/", views.usulan_bulk, name="usulan-bulk"),
    path("usulan/tambah-lokasi-baris/", views.row_places_add, name="row-places-add"),
    path("usulan/impor/", views.usulan_import, name="usulan-import"),
    path("usulan/impor/templat/", views.usulan_import_template, name="usulan-import-template"),
    path("usulan/impor/terapkan/", views.usulan_import_confirm, name="usulan-import-confirm"),
    path("usulan/bawa-ke-tahun-berikut/", views.usulan_carry_over, name="usulan-carry-over"),
    path("usulan/<int:pk>/", views.usulan_detail, name="usulan-detail"),
    path("usulan/<int:pk>/putuskan/", views.usulan_decide, name="usulan-decide"),
    path("usulan/<int:pk>/baris-baru/", views.usulan_new_row, name="usulan-new-row"),
    path("usulan/<int:pk>/teruskan/", views.usulan_route, name="usulan-route"),
    path("usulan/<int:pk>/tanda-terima/", views.usulan_receipt, name="usulan-receipt"),
    path("lacak/", views.track, name="track"),
]
