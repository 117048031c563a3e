"""The demo shows the 12 March 2025 forum's real overlaps flagged with sensible reasons, and usulan nobody took up."""

from django.core.management import call_command

from renja.models import FiscalYear
from sinkronisasi import selectors
from sinkronisasi.models import Overlap

FORUM_OVERLAPS = {  # renja/fixtures/demo/overlaps_2026.md: day-care, Bina Keluarga Remaja, disability aids, ODGJ
    frozenset({"2026-DP2KB-003", "2026-DP3A-003"}): "penitipan anak",
    frozenset({"2026-DP2KB-004", "2026-DP3A-004"}): "Remaja",
    frozenset({"2026-DINSOS-005", "2026-DINKES-004"}): "kursi roda",
    frozenset({"2026-DINKES-008", "2026-RSUDAMP-002"}): "Sub kegiatan sama",
}
NOT_OVERLAPS = [  # deliberate non-overlaps of the same file: different work for the same people in the same place
    frozenset({"2026-DISDIKBUD-003", "2026-DP2KB-003"}),
    frozenset({"2026-DISTANAK-001", "2026-DISBUN-001"}),
    frozenset({"2026-BAPPEDA-005", "2026-DP2KB-005"}),
    frozenset({"2026-DINKES-010", "2026-DINSOS-006"}),
]


def test_demo_flags_the_forums_overlaps_with_their_reasons(db):
    call_command("seed_demo", "--password", "demo-sandi-2026", stdout=open("/dev/null", "w"))
    pairs = {frozenset({p.row_a.ref, p.row_b.ref}): p for p in Overlap.objects.select_related("row_a", "row_b")}
    for refs, word in FORUM_OVERLAPS.items():
        assert refs in pairs, sorted(refs)
        assert word.lower() in " ".join(selectors.reasons(pairs[refs].signals)).lower(), (
            sorted(refs),
            pairs[refs].signals,
        )
    for refs in NOT_OVERLAPS:
        assert refs not in pairs, sorted(refs)
    assert Overlap.objects.filter(
        forums__isnull=False, status="koordinasi"
    ).exists()  # settled on the demo forum's agenda
    orphans = selectors.orphan_counts(selectors.usulan_belum_diambil(FiscalYear.objects.get(year=2026)))
    assert orphans["total"] > 0 and set(orphans["by_cause"]) >= {"belum_diteruskan", "belum_diputuskan", "ditolak"}
