"""Reference data of agencies (kode unit, the head's pangkat) and the forum's target groups."""

import csv
import shutil

import pytest

from renja import services
from renja.models import KelompokSasaran, Opd

FORUM_WORDS = ["ppks", "keluarga_berisiko_stunting", "pus", "calon_pengantin", "baduta", "odgj"]


@pytest.fixture
def reference(db):
    return services.reference_load()


def _opd_file(tmp_path, extra: dict[str, dict[str, str]]):
    """A copy of the reference folder whose opd file has the columns kode_unit and kepala_pangkat, filled for the
    agencies in `extra` (singkatan → {column: value}), empty for the others."""
    directory = tmp_path / "ref"
    shutil.copytree(services.REFERENCE_DIR, directory, dirs_exist_ok=True)
    path = directory / "opd_kukar.csv"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    fields = list(rows[0]) + ["kode_unit", "kepala_pangkat"]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        for row in rows:
            writer.writerow({"kode_unit": "", "kepala_pangkat": "", **row, **extra.get(row["singkatan"], {})})
    return directory


def test_the_forums_target_groups_are_loaded_beside_the_groups_they_narrow(reference):
    assert set(KelompokSasaran.objects.filter(slug__in=FORUM_WORDS).values_list("slug", flat=True)) == set(FORUM_WORDS)
    order = list(KelompokSasaran.objects.values_list("slug", flat=True))
    assert order.index("balita") < order.index("baduta") < order.index("remaja")
    assert KelompokSasaran.objects.get(slug="ppks").nama.endswith("(PPKS)")


def test_loading_adds_the_new_groups_to_an_older_list_and_keeps_edited_names(reference):
    KelompokSasaran.objects.filter(slug__in=FORUM_WORDS).delete()  # a database loaded before they were added
    KelompokSasaran.objects.filter(slug="anak").update(nama="Anak-anak", urutan=7)
    result = services.reference_load()
    assert result.created["kelompok_sasaran"] == len(FORUM_WORDS)
    assert KelompokSasaran.objects.filter(slug__in=FORUM_WORDS).count() == len(FORUM_WORDS)
    assert KelompokSasaran.objects.filter(slug="anak").values_list("nama", "urutan").get() == ("Anak-anak", 7)
    assert services.reference_load().created["kelompok_sasaran"] == 0


def test_agencies_list_in_urusan_order_with_derived_kode_unit(reference):
    forum = list(
        Opd.objects.filter(singkatan__in=["DP2KB", "DP3A", "Dinkes", "Dinsos"]).values_list("singkatan", "kode_unit")
    )
    assert forum == [
        ("Dinkes", "1.02.0.00.0.00.01.0000"),
        ("Dinsos", "1.06.0.00.0.00.01.0000"),
        ("DP3A", "2.08.0.00.0.00.01.0000"),
        ("DP2KB", "2.14.0.00.0.00.01.0000"),
    ]


def test_opd_file_may_give_the_official_kode_unit_and_the_heads_pangkat(reference, tmp_path):
    Opd.objects.filter(singkatan="Dinsos").update(kepala_pangkat="Pembina (IV/a)")
    directory = _opd_file(
        tmp_path,
        {
            "Dinkes": {"kode_unit": "1.02.0.00.0.00.20.0000", "kepala_pangkat": "Pembina Utama Muda (IV/c)"},
            "DP3A": {"kode_unit": "2.08.2.14.0.00.01.0000"},
        },
    )
    result = services.reference_load(directory=directory)
    assert result.updated["opd"] == 2
    dinkes = Opd.objects.get(singkatan="Dinkes")
    assert (dinkes.kode_unit, dinkes.kepala_pangkat) == ("1.02.0.00.0.00.20.0000", "Pembina Utama Muda (IV/c)")
    assert Opd.objects.get(singkatan="DP3A").kode_unit == "2.08.2.14.0.00.01.0000"
    # An empty cell keeps what the agency has: its derived code, the pangkat edited on its page.
    dinsos = Opd.objects.get(singkatan="Dinsos")
    assert (dinsos.kode_unit, dinsos.kepala_pangkat) == ("1.06.0.00.0.00.01.0000", "Pembina (IV/a)")
    again = services.reference_load(directory=directory)
    assert not any(again.updated.values()) and not any(again.created.values())


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"Dinkes": {"kode_unit": "1.02.01"}}, "tidak berbentuk 1.02.0.00.0.00.01.0000"),
        (
            {"Dinkes": {"kode_unit": "1.02.0.00.0.00.09.0000"}, "Dinsos": {"kode_unit": "1.02.0.00.0.00.09.0000"}},
            "ganda (Dinkes dan Dinsos)",
        ),
        ({"Dinkes": {"kode_unit": "1.06.0.00.0.00.01.0000"}}, "sudah dipakai Dinsos"),
    ],
)
def test_a_wrong_kode_unit_in_the_opd_file_loads_nothing(reference, tmp_path, extra, message):
    directory = _opd_file(tmp_path, {**extra, "DP3A": {"kepala_pangkat": "Pembina (IV/a)"}})
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        services.reference_load(directory=directory)
    assert Opd.objects.get(singkatan="Dinkes").kode_unit == "1.02.0.00.0.00.01.0000"
    assert Opd.objects.get(singkatan="DP3A").kepala_pangkat == ""
