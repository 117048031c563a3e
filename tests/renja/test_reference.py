import shutil

import pytest
from django.core.management import call_command

from renja import services
from renja.models import AuditLog, KelompokSasaran, Nomenklatur, Opd, Wilayah


@pytest.fixture
def reference(db):
    return services.reference_load()


def test_loads_kukar_regions_with_kemendagri_codes(reference):
    assert Wilayah.objects.filter(tingkat="kecamatan").count() == 20
    assert Wilayah.objects.filter(tingkat__in=["desa", "kelurahan"]).count() == 237
    assert Wilayah.objects.filter(tingkat="kelurahan").count() == 44
    desa = Wilayah.objects.select_related("parent").get(kode="64.02.01.2001")
    assert (desa.nama, desa.parent.kode, desa.parent.tingkat) == ("Perian", "64.02.01", "kecamatan")
    assert not Wilayah.objects.filter(tingkat__in=["desa", "kelurahan"], parent__isnull=True).exists()


def test_loads_nomenclature_tree_with_version_and_indicators(reference):
    sub = Nomenklatur.objects.select_related("parent__parent__parent").get(kode="1.01.02.2.01.0001")
    assert sub.level == "sub_kegiatan"
    assert sub.satuan == "Unit" and sub.indikator.startswith("Jumlah Sekolah Baru")
    assert sub.parent.kode == "1.01.02.2.01" and sub.parent.level == "kegiatan"
    assert sub.parent.parent.kode == "1.01.02" and sub.parent.parent.parent.kode == "1.01"
    assert sub.versi.endswith("2025") and sub.aktif
    assert Nomenklatur.objects.filter(level="sub_kegiatan", aktif=True).count() == 2542
    # A code only in the 2023 regulation stays, marked as no longer in force.
    old = Nomenklatur.objects.get(kode="1.01.02.2.01.0021")
    assert not old.aktif and old.versi.endswith("2023")


def test_loads_agencies_with_their_bidang_urusan(reference):
    assert Opd.objects.count() == 60
    disdikbud = Opd.objects.get(singkatan="Disdikbud")
    assert sorted(disdikbud.bidang_urusan.values_list("kode", flat=True)) == ["1.01", "2.22"]
    assert Opd.objects.get(singkatan="Kec. Tenggarong").jenis == "kecamatan"
    assert KelompokSasaran.objects.filter(slug__in=["anak", "ibu_hamil", "masyarakat_umum"]).count() == 3


def test_loading_twice_changes_nothing(reference):
    counts = (
        Wilayah.objects.count(),
        Nomenklatur.objects.count(),
        Opd.objects.count(),
        KelompokSasaran.objects.count(),
    )
    second = services.reference_load()
    assert not any(second.created.values()) and not any(second.updated.values())
    assert counts == (
        Wilayah.objects.count(),
        Nomenklatur.objects.count(),
        Opd.objects.count(),
        KelompokSasaran.objects.count(),
    )
    assert AuditLog.objects.filter(action="reference.loaded").count() == 1


def test_changed_file_updates_rows_by_code(reference, tmp_path):
    directory = tmp_path / "ref"
    shutil.copytree(services.REFERENCE_DIR, directory)
    path = directory / "wilayah_kukar.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace("64.02.01.2001,Perian,", "64.02.01.2001,Perian Baru,"),
        encoding="utf-8",
    )
    total = Wilayah.objects.count()
    result = services.reference_load(directory=directory)
    assert result.updated["wilayah"] == 1 and result.created["wilayah"] == 0
    assert Wilayah.objects.get(kode="64.02.01.2001").nama == "Perian Baru"
    assert Wilayah.objects.count() == total


def test_load_reference_command_is_idempotent(db, capsys):
    call_command("load_reference")
    call_command("load_reference")
    out = capsys.readouterr().out.strip().splitlines()[-1]
    assert "wilayah: 0 baru, 0 diperbarui" in out and "nomenklatur: 0 baru" in out
