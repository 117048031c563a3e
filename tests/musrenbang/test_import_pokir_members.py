"""The project format's optional anggota_dprd, fraksi and dapil columns (a Pokir's member in their own fields) and
jenis; its keputusan_opd limited to the routing and an agency's decision (the Musrenbang levels are the app's steps)."""

from musrenbang.models import Usulan

from .test_import import csv_bytes, refs, rejected, run  # noqa: F401  (refs: fixture)

HEADER = "id_usulan,sumber,pengusul,anggota_dprd,fraksi,dapil,kode_desa,usulan,anggaran,opd_tujuan,keputusan_opd,alasan"


def test_a_pokir_member_fraksi_and_dapil_are_read_from_their_columns(refs, planner):
    content = csv_bytes(
        "PK-1,pokir,Sekretariat DPRD,H. Fulan,Fraksi Golkar,Dapil 4,64.02.07.2005,Rumah aman anak,0,,,",
        header=HEADER,
    )
    assert run(content, planner)["baru"] == 1
    pokir = Usulan.objects.get(id_usulan="PK-1")
    assert (pokir.anggota_dprd, pokir.fraksi, pokir.dapil) == ("H. Fulan", "Fraksi Golkar", "Dapil 4")
    changed = content.replace(b"Dapil 4", b"Dapil 5")
    assert run(changed, planner)["berubah"] == 1
    assert Usulan.objects.get(id_usulan="PK-1").dapil == "Dapil 5"


def test_member_columns_are_bounded(refs, planner):
    content = csv_bytes(f"PK-2,pokir,,H. Fulan,{'F' * 101},{'D' * 101},64.02.07.2005,Rumah aman,0,,,", header=HEADER)
    issues = rejected(content, planner)
    assert [(r, c) for r, c, _m in issues] == [(2, "fraksi"), (2, "dapil")]
    assert all("paling banyak 100 karakter" in m for _r, _c, m in issues)


def test_a_musrenbang_level_decision_is_not_an_agency_decision_of_the_file(refs, planner):
    content = csv_bytes("MD-9,,,,,,64.02.07.2005,Gapura,0,Dinsos,disetujui,", header=HEADER)
    [(row, column, message)] = rejected(content, planner)
    assert (row, column) == (2, "keputusan_opd") and "keputusan disetujui tidak dikenal" in message


def test_jenis_fisik_or_non_fisik_is_read_and_anything_else_refused(refs, planner):
    header = "id_usulan,kode_desa,usulan,jenis"
    content = csv_bytes(
        "J-1,64.02.07.2005,Pelatihan menjahit,non fisik", "J-2,64.02.07.2005,Pembangunan jembatan,", header=header
    )
    assert run(content, planner)["baru"] == 2
    assert dict(Usulan.objects.values_list("id_usulan", "jenis")) == {"J-1": "non_fisik", "J-2": "fisik"}
    [(row, column, message)] = rejected_after(csv_bytes("J-3,64.02.07.2005,Terapi,lunak", header=header), planner)
    assert (row, column) == (2, "jenis") and "jenis lunak tidak dikenal (pilihan: fisik, non_fisik)" in message


def rejected_after(content, by):
    import pytest

    from musrenbang import imports

    with pytest.raises(imports.ImportRejected) as exc:
        run(content, by)
    return [(i.row, i.column, i.message) for i in exc.value.issues]
