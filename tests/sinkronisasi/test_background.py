"""Full recomputes (a synonym changed, or asked for) run in a background thread: no request waits for them."""
import pytest
from django.urls import reverse

from sinkronisasi import services
from sinkronisasi.models import SyncState, TumpangTindih

from ..factories import make_row

pytestmark = pytest.mark.django_db(transaction=True)  # the thread starts when the request's transaction commits


@pytest.fixture
def elderly_school(year, opd_b, opd_c, places, groups, codes):
    """Two names of one programme that only a synonym joins; the year's findings computed once (none)."""
    for opd, ref, code, nama in ((opd_b, "A", "dp3a", "Sekolah Lansia"), (opd_c, "B", "dp2kb", "Universitas Usia Ketiga")):
        make_row(opd=opd, fiscal_year=year, ref=ref, sub_kegiatan=codes[code], lokasi=[places["desa1"]],
                 sasaran=[groups["lansia"]], nama=nama, keterangan="")
    services.sync_refresh(fiscal_year=year)
    assert not TumpangTindih.objects.exists()
    return SyncState.objects.get(fiscal_year=year)


def test_a_new_synonym_recomputes_in_the_background(client, planner, elderly_school):
    client.force_login(planner)
    response = client.post(reverse("sinkronisasi:sinonim-list"),
                           {"nama": "sekolah lansia", "frasa": "sekolah lansia, universitas usia ketiga", "aktif": "on"})
    assert response.status_code == 302
    services.wait_for_background(timeout=60)
    state = SyncState.objects.get(pk=elderly_school.pk)
    assert state.mode == "penuh" and state.full_at > elderly_school.full_at
    assert TumpangTindih.objects.count() == 1


def test_a_page_view_after_a_synonym_change_shows_the_stored_findings_and_says_so(client, planner, elderly_school):
    from sinkronisasi.models import KelompokSinonim

    KelompokSinonim.objects.create(nama="sekolah lansia", frasa="sekolah lansia, universitas usia ketiga")  # not via the service
    client.force_login(planner)
    page = client.get(reverse("sinkronisasi:pair-list")).content.decode()
    assert "Temuan sedang dihitung ulang" in page  # the page did not wait for the full recompute
    services.wait_for_background(timeout=60)
    assert TumpangTindih.objects.count() == 1
    page = client.get(reverse("sinkronisasi:pair-list")).content.decode()
    assert "Temuan sedang dihitung ulang" not in page and "Sekolah Lansia" in page


def test_the_full_recompute_button_runs_in_the_background(client, planner, elderly_school):
    client.force_login(planner)
    response = client.post(reverse("sinkronisasi:recompute"), {"tahun": 2026}, follow=True)
    assert "berjalan di latar belakang" in response.content.decode()
    services.wait_for_background(timeout=60)
    state = SyncState.objects.get(pk=elderly_school.pk)
    assert state.mode == "penuh" and state.full_at > elderly_school.full_at


def test_a_failed_background_recompute_is_logged_and_tried_again_by_the_next_page(client, planner, elderly_school, monkeypatch, caplog):
    from sinkronisasi.models import KelompokSinonim

    real = services.sync_refresh

    def broken(**kwargs):
        if kwargs.get("wait", True):
            raise RuntimeError("database went away")
        return real(**kwargs)

    monkeypatch.setattr(services, "sync_refresh", broken)
    KelompokSinonim.objects.create(nama="sekolah lansia", frasa="sekolah lansia, universitas usia ketiga")
    client.force_login(planner)
    client.get(reverse("sinkronisasi:pair-list"))
    services.wait_for_background(timeout=60)
    assert "gagal" in caplog.text and not TumpangTindih.objects.exists()
    monkeypatch.setattr(services, "sync_refresh", real)
    assert "Temuan sedang dihitung ulang" in client.get(reverse("sinkronisasi:pair-list")).content.decode()
    services.wait_for_background(timeout=60)
    assert TumpangTindih.objects.count() == 1
