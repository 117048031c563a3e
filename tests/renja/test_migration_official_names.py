"""The Renja-document migration moves each row's own wording to the rincian and its own indicator to the extra
indicator, taking the sub kegiatan's official name, indicator and unit; migrating back gives the wording back."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from ..factories import make_fiscal_year, make_nomenklatur, make_opd, make_row

BEFORE = ("renja", "0006_import_batch")
AFTER = ("renja", "0007_renja_document")
OFFICIAL = "Rehabilitasi Sosial Dasar Penyandang Disabilitas"


def _migrate(target):
    call_command("migrate", *target, verbosity=0)
    return MigrationExecutor(connection).loader.project_state([target]).apps


def _latest():
    for app, name in MigrationExecutor(connection).loader.graph.leaf_nodes():
        call_command("migrate", app, name, verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_own_wording_moves_to_rincian_and_extra_indicator_and_back():
    year, opd = make_fiscal_year(2026), make_opd("Dinsos", bidang=["1.06"])
    sub = make_nomenklatur("1.06.04.2.01.0001", OFFICIAL, indikator="Jumlah orang", satuan="Orang")
    own, plain = make_row(opd=opd, fiscal_year=year, sub_kegiatan=sub), make_row(opd=opd, fiscal_year=year)
    try:
        old = _migrate(BEFORE)
        rows = old.get_model("renja", "RenjaRow").objects
        rows.filter(pk=own.pk).update(
            nama="Kursi roda adaptif", indikator="Jumlah kursi roda", satuan="Unit", target=Decimal("40")
        )
        rows.filter(pk=plain.pk).update(nama=f" {OFFICIAL} ", indikator="Jumlah orang", satuan="Orang")

        new = _migrate(AFTER)
        migrated = new.get_model("renja", "RenjaRow").objects
        fields = ["nama", "rincian", "indikator", "satuan", "indikator_opd", "satuan_opd", "target_opd", "target"]
        assert migrated.filter(pk=own.pk).values_list(*fields).get() == (
            OFFICIAL,
            "Kursi roda adaptif",
            "Jumlah orang",
            "Orang",
            "Jumlah kursi roda",
            "Unit",
            Decimal("40"),
            Decimal("40"),
        )
        assert migrated.filter(pk=plain.pk).values_list("nama", "rincian", "indikator_opd", "satuan_opd").get() == (
            OFFICIAL,
            "",
            "",
            "",
        )

        back = _migrate(BEFORE).get_model("renja", "RenjaRow").objects
        assert back.filter(pk=own.pk).values_list("nama", "indikator", "satuan", "target").get() == (
            "Kursi roda adaptif",
            "Jumlah kursi roda",
            "Unit",
            Decimal("40"),
        )
        assert back.filter(pk=plain.pk).values_list("nama", "indikator").get() == (OFFICIAL, "Jumlah orang")
    finally:
        _latest()
