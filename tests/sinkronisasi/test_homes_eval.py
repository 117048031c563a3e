"""The homes/duplicates scorer (scripts/homes_eval.py) on a tiny synthetic set written here; the sealed set is never
read by a test."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "homes_eval.py"


@pytest.fixture(scope="module")
def scorer():
    spec = importlib.util.spec_from_file_location("homes_eval", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["homes_eval"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


RENJA = """ref,opd,kode_sub_kegiatan,nama,indikator,target,satuan,pagu,lokasi,sasaran,sumber_dana,keterangan
R1,DPUPR,1.03.10.2.01.0053,Pembangunan Jalan Usaha Tani,Panjang jalan,1,Km,100,64.02.07,petani,apbd_kab,
R2,Dinkes,1.02.02.2.01.0003,Pembangunan Gedung Posyandu,Jumlah posyandu,1,Unit,100,,balita,apbd_kab,
"""
USULAN_HEADER = (
    "id_usulan,sumber,pengusul,kode_desa,permasalahan,usulan,uraian,kode_bidang_urusan,volume,satuan,anggaran,"
    "prioritas,sasaran,opd_tujuan,keputusan_opd,alasan,ref_renja\n"
)
USULAN = (
    USULAN_HEADER
    + """U1,musrenbang_desa,A,64.02.07.2001,,Pembangunan jalan usaha tani ke sawah,,1.03,1,Km,1,,petani,,,,
U2,pokir,B,64.02.07.2001,,Semenisasi jalan usaha tani ke sawah,,1.03,1,Km,1,,petani,,,,
U3,musrenbang_desa,C,64.02.07.2002,,Pembangunan turap sungai,,1.03,1,Unit,1,,,,,,
U4,musrenbang_desa,D,64.02.10.2001,,Pembangunan gedung posyandu,,1.02,1,Unit,1,,balita,,,,
"""
)


def _write(tmp_path: Path, rumah: str, ganda: str) -> Path:
    (tmp_path / "renja.csv").write_text(RENJA, encoding="utf-8")
    (tmp_path / "usulan.csv").write_text(USULAN, encoding="utf-8")
    (tmp_path / "rumah.csv").write_text("id_usulan,ref\n" + rumah, encoding="utf-8")
    (tmp_path / "ganda.csv").write_text("id_usulan_a,id_usulan_b\n" + ganda, encoding="utf-8")
    return tmp_path


def test_scores_homes_and_duplicates_as_the_issue_defines_them(scorer, tmp_path):
    figures = scorer.evaluate(_write(tmp_path, "U1,R1\nU2,R1\nU4,R2\n", "U1,U2\n"))
    assert (figures.with_home, figures.found) == (3, 3)
    assert (figures.without_home, figures.silent) == (1, 1)
    assert (figures.precision, figures.recall, figures.f1) == (1.0, 1.0, 1.0)


def test_a_wrong_label_lowers_the_figures(scorer, tmp_path):
    # U3 labelled with a home it is not given; a duplicate pair that is not flagged.
    figures = scorer.evaluate(_write(tmp_path, "U1,R1\nU3,R2\n", "U1,U2\nU3,U4\n"))
    assert (figures.with_home, figures.found, figures.home_recall) == (2, 1, 0.5)
    assert (figures.without_home, figures.silent) == (2, 0)  # U2 and U4 get suggestions though labelled homeless
    assert (figures.precision, figures.recall) == (1.0, 0.5)


@pytest.mark.parametrize(
    "option", [["--errors"], ["--home-threshold", "0.3"], ["--duplicate-threshold", "0.3"], ["--set", "x"]]
)
def test_sealed_refuses_any_tuning_option(scorer, option):
    with pytest.raises(SystemExit) as exc:
        scorer.main(["--sealed", *option])
    assert exc.value.code == 2


def test_the_sealed_set_is_refused_as_a_tuning_set(scorer):
    with pytest.raises(SystemExit) as exc:
        scorer.main(["--set", str(scorer.SEALED)])
    assert exc.value.code == 2


def test_without_flags_it_scores_the_development_set(scorer, capsys):
    assert scorer.main([]) == 0
    assert capsys.readouterr().out.startswith("homes_dev\n")
