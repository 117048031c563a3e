"""The trail and the public tracking page show the levels of the Musrenbang cycle in its order, with the kecamatan's
rank; a Pokir shows the DPRD secretariat instead of the desa and kecamatan."""

import re

from django.urls import reverse

from musrenbang import decisions, services
from musrenbang.models import Usulan

from ..factories import make_usulan


def _level_rows(html: str) -> list[tuple[str, str]]:
    table = html[html.index('<table class="levels">') : html.index("</table>")]
    rows = re.findall(r'<th scope="row">(.*?)</th>\s*<td>(.*?)</td>', table, re.S)
    return [(name, " ".join(re.sub(r"<[^>]+>", " ", cell).split())) for name, cell in rows]


def test_the_tracking_page_lists_the_levels_in_cycle_order_with_the_rank(client, year, planner, opd_a, opd_a_editor):
    usulan = make_usulan(fiscal_year=year, id_usulan="MD-T1")
    services.usulan_level_record(usulan=usulan, level="desa", kind="disetujui", by=planner)
    services.usulan_level_record(usulan=usulan, level="kecamatan", kind="disetujui", by=planner, prioritas=2)
    services.usulan_level_record(usulan=usulan, level="mitra", kind="disetujui", by=planner)
    services.usulan_route(usulan=usulan, opd=opd_a, by=planner)
    services.usulan_decide(usulan=usulan, kind="dikembalikan", alasan="Urusan DP3A", by=opd_a_editor)
    html = client.get(reverse("musrenbang:track"), {"kode": usulan.kode_lacak}).content.decode()
    rows = _level_rows(html)
    assert [name for name, _cell in rows] == [
        "Musrenbang desa/kelurahan",
        "Musrenbang kecamatan",
        "Verifikasi Bappeda (mitra)",
        "Bappeda",
        "OPD",
        "Forum Perangkat Daerah",
        "Musrenbang kabupaten",
        "TAPD",
    ]
    cells = dict(rows)
    assert cells["Musrenbang kecamatan"].startswith("Disetujui, diteruskan ke tingkat berikutnya (peringkat 2)")
    assert cells["OPD"].startswith("Dikembalikan · Dinas Sosial") and cells["TAPD"] == "–"
    assert "Peringkat 2 di kecamatan" in html  # the trail below
    assert "Petugas" not in html and "perencana" not in html  # no people on the public page


def test_a_pokir_is_tracked_through_the_dprd_secretariat(client, year, planner):
    pokir = make_usulan(fiscal_year=year, id_usulan="PK-T1", sumber=Usulan.Sumber.POKIR)
    services.usulan_level_record(usulan=pokir, level="dprd", kind="disetujui", by=planner)
    names = [
        name
        for name, _c in _level_rows(
            client.get(reverse("musrenbang:track"), {"kode": pokir.kode_lacak}).content.decode()
        )
    ]
    assert names[:2] == ["Sekretariat DPRD (Pokir)", "Verifikasi Bappeda (mitra)"]
    assert "Musrenbang desa/kelurahan" not in names


def test_cycle_levels_group_the_trail_by_level():
    class Step:
        def __init__(self, level):
            self.level = level

    trail = [Step("kecamatan"), Step("bappeda"), Step("kecamatan")]
    levels = decisions.cycle_levels(trail, pokir=False)
    assert [len(level.steps) for level in levels][:4] == [0, 2, 0, 1]
    assert "dprd" not in [level.value for level in levels]
