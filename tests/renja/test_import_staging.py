"""One staging mechanism for both uploads (renja/services/staging.py): a Renja file and an usulan file are kept as an
ImportBatch of their kind while previewed, and a confirmation is refused for another user's batch, a second time, or
a stale preview (a day old, or the year's import of that kind applied since)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from musrenbang import imports as usulan_imports
from musrenbang.models import Usulan
from renja import services
from renja.models import ImportBatch, RenjaRow

from .test_import import GOOD, refs  # noqa: F401  (fixture)

USULAN_GOOD = b"id_usulan,kode_desa,usulan\nU-1,64.02.06.1001,Kursi roda\nU-2,64.02.06.1001,Terapi anak\n"


def stage_renja(by, year, content=GOOD):
    return services.renja_import_stage(content=content, filename="renja.csv", fiscal_year=year, by=by)


def test_both_kinds_are_staged_in_one_model_until_confirmed(refs, year, planner):  # noqa: F811
    renja_batch, renja_plan, _issues = stage_renja(planner, year)
    usulan_batch, usulan_plan, _issues = usulan_imports.usulan_import_stage(
        content=USULAN_GOOD, filename="usulan.csv", fiscal_year=year, by=planner
    )
    assert (renja_batch.kind, usulan_batch.kind) == ("renja", "usulan")
    assert [b.status for b in ImportBatch.objects.order_by("pk")] == ["preview", "preview"]
    assert usulan_batch.summary == usulan_plan.summary() and renja_batch.summary == renja_plan.summary()
    assert not RenjaRow.objects.exists() and not Usulan.objects.exists()
    services.renja_import_confirm(batch=renja_batch, by=planner)
    summary = usulan_imports.usulan_import_confirm(batch=usulan_batch, by=planner)
    assert summary["baru"] == Usulan.objects.count() == 2
    assert [b.status for b in ImportBatch.objects.order_by("pk")] == ["applied", "applied"]


def test_a_batch_is_confirmed_only_as_its_own_kind(refs, year, planner):  # noqa: F811
    batch, _plan, _issues = stage_renja(planner, year)
    with pytest.raises(ImportBatch.DoesNotExist, match="ImportBatch matching query does not exist"):
        usulan_imports.usulan_import_confirm(batch=batch, by=planner)


def test_another_user_cannot_confirm(refs, year, planner, opd_a_editor):  # noqa: F811
    batch, _plan, _issues = stage_renja(planner, year)
    with pytest.raises(ValidationError) as exc:
        services.renja_import_confirm(batch=batch, by=opd_a_editor)
    assert exc.value.code == "forbidden" and not RenjaRow.objects.exists()


def test_a_batch_is_confirmed_once(refs, year, planner):  # noqa: F811
    batch, _plan, _issues = stage_renja(planner, year)
    services.renja_import_confirm(batch=batch, by=planner)
    with pytest.raises(ValidationError, match="sudah diproses") as exc:
        services.renja_import_confirm(batch=batch, by=planner)
    assert exc.value.code == "processed"


def test_a_day_old_preview_is_stale_and_its_file_dropped_at_the_next_upload(refs, year, planner):  # noqa: F811
    batch, _plan, _issues = stage_renja(planner, year)
    ImportBatch.objects.filter(pk=batch.pk).update(uploaded_at=timezone.now() - datetime.timedelta(hours=25))
    with pytest.raises(ValidationError, match="usang") as exc:
        services.renja_import_confirm(batch=batch, by=planner)
    assert exc.value.code == "stale" and not RenjaRow.objects.exists()
    stage_renja(planner, year)
    batch.refresh_from_db()
    assert bytes(batch.content) == b"" and batch.status == "preview"


def test_a_preview_is_stale_once_a_later_upload_of_the_year_is_applied(refs, year, planner):  # noqa: F811
    first, _plan, _issues = stage_renja(planner, year)
    second, _plan, _issues = stage_renja(planner, year)
    services.renja_import_confirm(batch=second, by=planner)
    with pytest.raises(ValidationError) as exc:
        services.renja_import_confirm(batch=first, by=planner)
    assert exc.value.code == "stale"


def test_a_rejected_file_keeps_its_problems_not_its_content(refs, year, planner):  # noqa: F811
    batch, plan, issues = usulan_imports.usulan_import_stage(
        content=b"id_usulan,kode_desa,usulan\nX-1,99.99,Jalan\n", filename="u.csv", fiscal_year=year, by=planner
    )
    assert plan is None and issues and batch.kind == "usulan" and batch.status == "rejected"
    assert bytes(batch.content) == b"" and batch.summary["jumlah_galat"] == len(issues)
