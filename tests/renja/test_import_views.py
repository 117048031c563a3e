import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from renja.models import ImportBatch, RenjaRow

from .test_import import GOOD, csv_bytes, refs  # noqa: F401  (fixture)


def upload(client, year, content: bytes, name: str = "renja.csv"):
    return client.post(
        reverse("renja:import-upload"), {"berkas": SimpleUploadedFile(name, content), "tahun": year.year}
    )


def test_upload_shows_preview_and_writes_nothing_until_confirmed(client, refs, year, planner):  # noqa: F811
    client.force_login(planner)
    response = upload(client, year, GOOD)
    assert response.status_code == 200
    assert "3 baris baru" in response.content.decode()
    assert not RenjaRow.objects.exists()
    batch = ImportBatch.objects.get()
    response = client.post(reverse("renja:import-confirm", args=[batch.pk]))
    assert response.status_code == 302
    assert RenjaRow.objects.count() == 3
    batch.refresh_from_db()
    assert batch.status == "applied"
    # Confirming twice does nothing more.
    client.post(reverse("renja:import-confirm", args=[batch.pk]))
    assert RenjaRow.objects.count() == 3


def test_upload_with_errors_lists_them_in_indonesian(client, refs, year, planner):  # noqa: F811
    client.force_login(planner)
    response = upload(client, year, csv_bytes("R-1,Dinsos,9.9,Nama,,,,-1,,,,"))
    assert response.status_code == 422
    html = response.content.decode()
    assert "Berkas ditolak: 2 galat" in html and "tidak boleh negatif" in html and "tidak ada dalam nomenklatur" in html
    assert not RenjaRow.objects.exists()
    assert ImportBatch.objects.get().status == "rejected"


def test_upload_refuses_other_file_types_and_big_files(client, refs, year, planner, settings):  # noqa: F811
    client.force_login(planner)
    response = upload(client, year, b"%PDF-1.4", name="renja.pdf")
    assert "Hanya berkas .csv atau .xlsx" in response.content.decode()
    settings.RENJA_IMPORT_MAX_BYTES = 10
    response = upload(client, year, GOOD)
    assert "Berkas terlalu besar" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_another_user_cannot_confirm_my_upload(client, refs, year, planner, opd_a_editor):  # noqa: F811
    client.force_login(planner)
    upload(client, year, GOOD)
    batch = ImportBatch.objects.get()
    client.force_login(opd_a_editor)
    assert client.post(reverse("renja:import-confirm", args=[batch.pk])).status_code == 404
    assert not RenjaRow.objects.exists()


@pytest.mark.parametrize("who", ["facilitator", "opd_a_viewer"])
def test_readers_cannot_import(client, request, refs, year, who):  # noqa: F811
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("renja:import-upload")).status_code == 403
    assert upload(client, year, GOOD).status_code == 403
    assert not RenjaRow.objects.exists()


def test_the_upload_page_lists_every_column_the_import_reads_with_what_it_holds(client, year, planner):
    from renja.services.imports import ALL_COLUMNS, REQUIRED_COLUMNS

    client.force_login(planner)
    html = client.get(reverse("renja:import-upload")).content.decode()
    for name in ALL_COLUMNS:
        assert f"<code>{name}</code>{' *' if name in REQUIRED_COLUMNS else ''}</td>" in html
    assert "<code>nama</code></td><td>Rincian kegiatan menurut OPD" in html  # optional now, and the rincian
    assert "Prakiraan maju: pagu tahun berikutnya" in html
