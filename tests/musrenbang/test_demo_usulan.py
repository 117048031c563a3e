"""The demo usulan keep their own timeline (issue 16, point 5): the Musrenbang levels before the forum of 12 March
2025 with the kecamatan's ranks, Pokir through the DPRD secretariat with member, fraksi and dapil, the agencies'
decisions by their own officers before the forum, jenis fisik/non-fisik as the work implies, reasons of March 2025."""

import datetime
import re

import pytest

from musrenbang import decisions
from musrenbang.demo import FORUM_DAY, WITA, seed_demo_usulan
from musrenbang.models import Decision, Usulan
from renja.models import FiscalYear, User
from renja.services.demo import seed_demo


@pytest.fixture
def demo(db):
    seed_demo(password="uji-demo-2026")
    year = FiscalYear.objects.get(year=2026)
    summary = seed_demo_usulan(fiscal_year=year, by=User.objects.get(username="perencana"))
    return year, summary


def test_every_step_happened_before_the_forum_in_the_cycles_order(demo):
    year, summary = demo
    assert summary["baru"] == 300 and summary["keputusan"] > 500
    forum_morning = datetime.datetime.combine(FORUM_DAY, datetime.time(0, 0), tzinfo=WITA)
    order = {level: i for i, level in enumerate(decisions.Level.ORDER)}
    trails: dict[int, list[Decision]] = {}
    for decision in Decision.objects.filter(usulan__fiscal_year=year).order_by("at", "id"):
        assert decision.at < forum_morning, decision
        trails.setdefault(decision.usulan_id, []).append(decision)
    for trail in trails.values():
        levels = [order[d.level] for d in trail]
        assert levels == sorted(levels), [d.level for d in trail]
    for usulan in Usulan.objects.filter(fiscal_year=year):
        assert usulan.diputuskan_pada == trails[usulan.pk][-1].at
    # Running it again changes nothing.
    again = seed_demo_usulan(fiscal_year=year, by=User.objects.get(username="perencana"))
    assert (again["baru"], again["berubah"], again["keputusan"]) == (0, 0, 0)
    assert Decision.objects.filter(usulan__fiscal_year=year).count() == sum(len(t) for t in trails.values())


def test_the_desa_and_kecamatan_decide_with_ranks_and_pokir_pass_the_dprd_secretariat(demo):
    year, _summary = demo
    steps = Decision.objects.filter(usulan__fiscal_year=year)
    assert steps.filter(level="desa").count() == Usulan.objects.filter(sumber="musrenbang_desa").count()
    ranked = steps.filter(level="kecamatan", kind="disetujui").select_related("usulan")
    assert ranked.count() > 150 and all(d.prioritas == d.usulan.prioritas for d in ranked)
    assert steps.filter(level="kecamatan", kind="tidak_diteruskan").exists()
    for usulan in Usulan.objects.filter(fiscal_year=year).exclude(opd_tujuan=None).exclude(sumber="pokir"):
        levels = [d.level for d in usulan.decisions.order_by("at", "id")]
        before = levels[: levels.index("bappeda")]  # the levels before the routing
        assert "kecamatan" in before and before[-1] == "mitra", (usulan.id_usulan, levels)
    pokir = Usulan.objects.filter(fiscal_year=year, sumber="pokir")
    assert pokir.count() == 31
    for usulan in pokir:
        assert usulan.anggota_dprd and usulan.fraksi.startswith("Fraksi ") and usulan.dapil.startswith("Dapil ")
        assert usulan.decisions.order_by("at", "id").first().level == "dprd"
        assert not usulan.decisions.filter(level__in=["desa", "kecamatan"]).exists()


def test_agency_decisions_are_made_by_the_agencies_officers_not_bappeda(demo):
    year, _summary = demo
    agency = Decision.objects.filter(usulan__fiscal_year=year, level="opd").select_related("by", "opd")
    assert agency.count() == 58  # every decision of the file
    for decision in agency:  # every agency the demo routes to has its own officer
        assert decision.by is not None, decision.opd
        assert decision.by.role == User.Role.PETUGAS_OPD and decision.by.opd_id == decision.opd_id
    assert not agency.filter(by__username="perencana").exists()


def test_jenis_follows_the_work_and_reasons_fit_march_2025(demo):
    year, _summary = demo
    usulan = Usulan.objects.filter(fiscal_year=year)
    services_to_people = re.compile(r"^(Pelatihan|Terapi|Pendampingan|Layanan|Sosialisasi|Pelayanan|Skrining)")
    works = re.compile(r"^(Pembangunan|Rehabilitasi (ruang|pos|jaringan|saluran)|Semenisasi|Bedah rumah)")
    for u in usulan:
        if services_to_people.match(u.usulan) or "konseling" in u.usulan.lower():
            assert u.jenis == "non_fisik", u.usulan
        if works.match(u.usulan):
            assert u.jenis == "fisik", u.usulan
    assert usulan.filter(jenis="fisik").count() > 50 and usulan.filter(jenis="non_fisik").count() > 100
    reasons = " ".join(Decision.objects.filter(usulan__fiscal_year=year).values_list("alasan", flat=True))
    assert "Perubahan 2025" not in reasons and "2025" in reasons  # the APBD of 2025 was known in March 2025
