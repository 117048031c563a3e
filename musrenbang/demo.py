"""Demo usulan for `make run`: 300 usulan of 2026 across Kukar that went through the 2025 cycle before the Forum
Lintas Perangkat Daerah of 12 March 2025 — the desa's and kecamatan's Musrenbang (with the kecamatan's ranks), the
DPRD secretariat for Pokir, Bappeda's verification and routing, and the agencies' decisions by their own officers.

The file (fixtures/demo/usulan_2026.csv, project format) holds each usulan, the agency it went to and the agency's
decision. The usulan are imported first (by Bappeda), then their steps are recorded through the services — the
levels and the routing by Bappeda, each agency's decision by that agency's officer (the demo's own, "Sistem (data
demo)", for an agency the demo has no officer of) — and dated when they happened in
the cycle: the demo replays 2025 today, and a trail dated today would contradict its own forum.
"""

from __future__ import annotations

import csv
import datetime
import io
from contextlib import nullcontext
from pathlib import Path
from zoneinfo import ZoneInfo

from django.db import transaction

from core.system_actor import acting_as_system
from renja import permissions as rules
from renja.models import FiscalYear, Opd, RenjaRow, User

from . import decisions, services
from .imports import usulan_import_file
from .models import Decision, Pickup, Usulan

DEMO_FILE = Path(__file__).resolve().parent / "fixtures" / "demo" / "usulan_2026.csv"
FORUM_DAY = datetime.date(2025, 3, 12)
WITA = ZoneInfo("Asia/Makassar")
# The file's routing and decision columns: recorded as steps after the import, not by it.
STEP_COLUMNS = ("opd_tujuan", "keputusan_opd", "alasan", "ref_renja")
NOT_RANKED = "Tidak masuk prioritas Musrenbang kecamatan; diusulkan kembali pada Musrenbang tahun berikutnya."


def _file_rows() -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(DEMO_FILE.read_text(encoding="utf-8"))))


def _fields_only(rows: list[dict[str, str]]) -> bytes:
    """The file without its routing and decision columns: the usulan as the desa, kecamatan and DPRD wrote them."""
    columns = [c for c in rows[0] if c not in STEP_COLUMNS]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def level_steps(row: dict[str, str]) -> list[services.Step]:
    """The Musrenbang levels an usulan of the file passed before the routing: a Pokir the DPRD secretariat; a desa's
    usulan the desa and the kecamatan (ranked, or not forwarded when the kecamatan gave it no rank); Bappeda's
    verification for those it routed."""
    steps = []
    rank = int(row["prioritas"]) if row["prioritas"] else None
    if row["sumber"] == Usulan.Sumber.POKIR:
        steps.append(services.Step(kind=decisions.FORWARDED, level=decisions.Level.DPRD))
    else:
        if row["sumber"] == Usulan.Sumber.MUSRENBANG_DESA:
            steps.append(services.Step(kind=decisions.FORWARDED, level=decisions.Level.DESA))
        if rank is None:
            steps.append(
                services.Step(kind=decisions.NOT_FORWARDED, level=decisions.Level.KECAMATAN, alasan=NOT_RANKED)
            )
        else:
            steps.append(services.Step(kind=decisions.FORWARDED, level=decisions.Level.KECAMATAN, prioritas=rank))
    if row["opd_tujuan"]:
        steps.append(services.Step(kind=decisions.FORWARDED, level=decisions.Level.MITRA))
    return steps


def _officer(opd: Opd) -> User | None:
    """The agency's officer who records its decisions (None: the demo has no officer of that agency, and the decision
    is recorded as the demo data's own)."""
    return rules.agency_officers([opd]).order_by("pk").first()


def step_time(level: str, position: int, kecamatan: int) -> datetime.datetime:
    """When a step of the position-th usulan of the file happened in the 2025 cycle (WITA): the desa's Musrenbang in
    January, the DPRD's reses and each kecamatan's Musrenbang in February (one day per kecamatan), Bappeda's
    verification and routing in the first week of March, the agencies' decisions between then and the forum."""
    day, hour = {
        decisions.Level.DESA: (datetime.date(2025, 1, 13) + datetime.timedelta(days=position % 15), 9 + position % 4),
        decisions.Level.DPRD: (datetime.date(2025, 2, 17) + datetime.timedelta(days=position % 5), 10),
        decisions.Level.KECAMATAN: (datetime.date(2025, 2, 3) + datetime.timedelta(days=kecamatan % 20), 13),
        decisions.Level.MITRA: (datetime.date(2025, 3, 3) + datetime.timedelta(days=position % 2), 10),
        decisions.Level.BAPPEDA: (datetime.date(2025, 3, 5), 8 + position % 8),
        decisions.Level.OPD: (datetime.date(2025, 3, 6) + datetime.timedelta(days=position % 6), 9 + position % 7),
    }[level]
    return datetime.datetime.combine(day, datetime.time(hour, position % 60), tzinfo=WITA)


@transaction.atomic
def seed_demo_usulan(*, fiscal_year: FiscalYear, by: User | None) -> dict:
    """Import the demo usulan into the year and record their cycle (running it again changes nothing)."""
    rows = _file_rows()
    summary = usulan_import_file(content=_fields_only(rows), filename=DEMO_FILE.name, fiscal_year=fiscal_year, by=by)
    if Decision.objects.filter(usulan__fiscal_year=fiscal_year).exists():
        return summary  # the cycle is recorded already
    usulan = {u.id_usulan: u for u in Usulan.objects.filter(fiscal_year=fiscal_year)}
    opds = {o.singkatan: o for o in Opd.objects.all()}
    renja_rows = {r.ref: r for r in RenjaRow.objects.filter(fiscal_year=fiscal_year)}
    # The levels and the routing: Bappeda records them.
    items = []
    for row in rows:
        steps = level_steps(row)
        if row["opd_tujuan"]:
            steps.append(services.Step(kind=decisions.ROUTED, opd=opds[row["opd_tujuan"]]))
        items.append((usulan[row["id_usulan"]], steps))
    count = services.usulan_steps_apply(fiscal_year=fiscal_year, items=items, by=by)
    # Each agency's decisions: its officer records them.
    by_agency: dict[str, list] = {}
    for row in rows:
        kind = row["keputusan_opd"]
        if not kind:
            continue
        row_of_renja = renja_rows.get(row["ref_renja"]) if row["ref_renja"] else None
        step = services.Step(
            kind=kind,
            alasan=row["alasan"],
            allocations=[services.Allocation(row_of_renja)] if kind in decisions.ACCEPTED else [],
            merge_row=row_of_renja if kind == decisions.MERGED else None,
        )
        by_agency.setdefault(row["opd_tujuan"], []).append((usulan[row["id_usulan"]], [step]))
    for singkatan, agency_items in by_agency.items():
        officer = _officer(opds[singkatan])
        with acting_as_system("demo") if officer is None else nullcontext():
            count += services.usulan_steps_apply(fiscal_year=fiscal_year, items=agency_items, by=officer)
    _date_steps(fiscal_year, [row["id_usulan"] for row in rows])
    summary["keputusan"] = count
    return summary


def _date_steps(fiscal_year: FiscalYear, order: list[str]) -> None:
    """Date each step when it happened in the 2025 cycle, the pick-ups with their decision, and each usulan's last
    step (demo data only: a trail recorded today would tell a forum of 12 March 2025 about decisions after it)."""
    position = {id_usulan: i for i, id_usulan in enumerate(order)}
    kecamatan_order: dict[int, int] = {}
    trail = list(
        Decision.objects.filter(usulan__fiscal_year=fiscal_year)
        .select_related("usulan__desa")
        .order_by("usulan_id", "at", "id")
    )
    last: dict[int, Usulan] = {}
    for decision in trail:
        u = decision.usulan
        kecamatan = kecamatan_order.setdefault(u.desa.parent_id, len(kecamatan_order))
        decision.at = step_time(decision.level, position[u.id_usulan], kecamatan)
        u.diputuskan_pada = decision.at
        last[u.pk] = u
    Decision.objects.bulk_update(trail, ["at"], batch_size=500)
    Usulan.objects.bulk_update(list(last.values()), ["diputuskan_pada"], batch_size=500)
    at = {d.pk: d.at for d in trail}
    pickups = list(Pickup.objects.filter(usulan__fiscal_year=fiscal_year))
    for pickup in pickups:
        pickup.at = at[pickup.decision_id]
    Pickup.objects.bulk_update(pickups, ["at"], batch_size=500)
