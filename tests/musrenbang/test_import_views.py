"""The usulan upload screens: a file is staged in the database (ImportBatch, kind usulan) while its preview is shown,
confirmed once by its uploader, and nothing is written before."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from musrenbang.models import Usulan
from renja.models import ImportBatch

from .test_import import GOOD, refs  # noqa: F401  (fixture)


def upload(client, year, content: bytes, name: str = "usulan.csv"):
    return client.post(
        reverse("musrenbang:usulan-import"), {"berkas": SimpleUploadedFile(name, content), "tahun": year.year}
    )


def confirm(client, batch_id):
    return client.post(reverse("musrenbang:usulan-import-confirm"), {"batch": batch_id})


def test_preview_stages_the_file_and_confirming_imports_it_once(client, refs, year, planner):  # noqa: F811
    client.force_login(planner)
    response = upload(client, year, GOOD)
    assert response.status_code == 200 and "5 usulan baru" in response.content.decode()
    batch = ImportBatch.objects.get()
    assert (batch.kind, batch.status, bytes(batch.content)) == ("usulan", "preview", GOOD)
    assert f'name="batch" value="{batch.pk}"' in response.content.decode()
    assert not Usulan.objects.exists()
    response = confirm(client, batch.pk)
    assert response.status_code == 302 and Usulan.objects.count() == 5
    batch.refresh_from_db()
    assert batch.status == "applied" and batch.summary["baru"] == 5
    response = confirm(client, batch.pk)
    assert response.status_code == 302
    assert "sudah diproses" in client.get(response.url).content.decode()
    assert Usulan.objects.count() == 5


def test_a_rejected_file_is_listed_and_kept_without_its_content(client, refs, year, planner):  # noqa: F811
    client.force_login(planner)
    response = upload(client, year, b"id_usulan,kode_desa,usulan\nX-1,99.99,Jalan\n")
    assert response.status_code == 422 and "ditolak: 1 galat" in response.content.decode()
    batch = ImportBatch.objects.get()
    assert batch.status == "rejected" and bytes(batch.content) == b""


def test_another_user_cannot_confirm_my_upload(client, refs, year, planner, django_user_model):  # noqa: F811
    client.force_login(planner)
    upload(client, year, GOOD)
    batch = ImportBatch.objects.get()
    other = django_user_model.objects.create_user(username="perencana2", password="x", role=planner.role)
    client.force_login(other)
    response = confirm(client, batch.pk)
    assert response.status_code == 302
    assert "Tidak ada impor yang menunggu konfirmasi" in client.get(response.url).content.decode()
    assert not Usulan.objects.exists()


def test_confirming_nothing_or_a_renja_batch_is_refused(client, refs, year, planner):  # noqa: F811
    client.force_login(planner)
    renja = ImportBatch.objects.create(fiscal_year=year, filename="r.csv", sha256="", content=b"", uploaded_by=planner)
    for value in ("", "x", renja.pk):
        response = confirm(client, value)
        assert response.status_code == 302 and response.url == reverse("musrenbang:usulan-import")
    assert not Usulan.objects.exists()
