"""The pair page in words people read: labelled history, who reopened a pair, a settlement form that is prefilled."""

from django.urls import reverse
from django.utils import timezone

from sinkronisasi import services
from sinkronisasi.forms import SettleForm
from sinkronisasi.models import Overlap

from .test_views import two_pairs  # noqa: F401  (fixture)


def test_history_shows_labels_not_keys(client, planner, two_pairs):  # noqa: F811
    pair = two_pairs[0]
    services.overlap_settle(overlap=pair, status="koordinasi", opd_pengampu=pair.opd_a, note="A memimpin", by=planner)
    client.force_login(planner)
    html = client.get(reverse("sinkronisasi:overlap-detail", args=[pair.pk])).content.decode()
    history = html[html.index('id="riwayat"') :]
    assert "Diselesaikan: Terbuka → Koordinasi (OPD pengampu)" in history
    assert "overlap.settled" not in history and "terbuka →" not in history


def test_manual_reopen_names_the_person(client, planner, two_pairs):  # noqa: F811
    pair = two_pairs[0]
    services.overlap_settle(overlap=pair, status="saling_melengkapi", by=planner)
    services.overlap_reopen(overlap=pair, by=planner)
    pair.refresh_from_db()
    assert pair.reopened_by == planner
    client.force_login(planner)
    html = client.get(reverse("sinkronisasi:overlap-detail", args=[pair.pk])).content.decode()
    name = planner.get_full_name() or planner.username
    assert f"dibuka lagi oleh {name}" in html
    assert "karena salah satu baris berubah" not in html
    assert "Dibuka lagi: Saling melengkapi → Terbuka" in html
    listing = client.get(reverse("sinkronisasi:overlap-list") + f"?tahun={pair.fiscal_year.year}").content.decode()
    assert f"dibuka lagi oleh {name}" in listing and "dibuka lagi: baris berubah" not in listing


def test_automatic_reopen_says_a_row_changed(client, planner, two_pairs):  # noqa: F811
    pair = two_pairs[0]
    services.overlap_reopen(
        overlap=services.overlap_settle(overlap=pair, status="saling_melengkapi", by=planner), by=planner
    )
    services.overlap_settle(
        overlap=pair, status="saling_melengkapi", by=planner
    )  # a new settlement forgets the reopener
    # The system reopens it (as the refresh does when a row changes): nobody is named.
    Overlap.objects.filter(pk=pair.pk).update(status="terbuka", reopened_at=timezone.now())
    pair.refresh_from_db()
    assert pair.reopened_by is None
    client.force_login(planner)
    html = client.get(reverse("sinkronisasi:overlap-detail", args=[pair.pk])).content.decode()
    assert "dibuka lagi karena salah satu baris berubah" in html


def test_editing_a_settlement_prefills_lead_agency_and_dropped_row(client, planner, two_pairs):  # noqa: F811
    lead, dup = two_pairs[0], two_pairs[1]
    services.overlap_settle(overlap=lead, status="koordinasi", opd_pengampu=lead.opd_b, note="B memimpin", by=planner)
    services.overlap_settle(overlap=dup, status="duplikasi", dropped_row=dup.row_b, note="dobel", by=planner)
    client.force_login(planner)
    form = client.get(reverse("sinkronisasi:overlap-detail", args=[lead.pk])).context["form"]
    assert form.initial["opd_pengampu"] == lead.opd_b_id
    html = client.get(reverse("sinkronisasi:overlap-detail", args=[dup.pk])).content.decode()
    assert f'<option value="{dup.row_b_id}" selected>' in html
    # Saving the prefilled form with only the note changed works.
    initial = SettleForm.initial_for(Overlap.objects.get(pk=lead.pk))
    data = {k: v for k, v in initial.items() if v is not None}
    data["note"] = "B memimpin; A mendukung"
    assert client.post(reverse("sinkronisasi:overlap-settle", args=[lead.pk]), data).status_code == 302
    lead.refresh_from_db()
    assert (lead.status, lead.opd_pengampu_id, lead.note) == ("koordinasi", lead.opd_b_id, "B memimpin; A mendukung")


def test_duplication_label_says_a_row_is_proposed_for_removal():
    assert Overlap.Status.DUPLICATION.label == "Duplikasi (satu baris diusulkan dihapus)"
