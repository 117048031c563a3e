"""Demo data for `make run`: Renja 2026 of the March 2025 Forum Lintas Perangkat Daerah agencies and others."""

from __future__ import annotations

import datetime
import secrets
from pathlib import Path

from django.db import transaction

from ..models import FiscalYear, Opd, RenjaRow, StageWindow, User
from .audit import audit_log
from .imports import renja_import_file
from .reference import reference_load
from .rows import row_update
from .status import row_status_change

DEMO_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "demo"
DEMO_YEAR = 2026

# (username, first name, role, OPD singkatan)
DEMO_USERS = [
    ("admin", "Administrator Renja", User.Role.ADMIN, None),
    ("perencana", "Perencana Bappeda", User.Role.PERENCANA, None),
    ("fasilitator", "Fasilitator Forum", User.Role.FASILITATOR, None),
    ("dinsos", "Petugas Dinas Sosial", User.Role.PETUGAS_OPD, "Dinsos"),
    ("dp2kb", "Petugas DP2KB", User.Role.PETUGAS_OPD, "DP2KB"),
    ("dp3a", "Petugas DP3A", User.Role.PETUGAS_OPD, "DP3A"),
    ("dinkes", "Petugas Dinas Kesehatan", User.Role.PETUGAS_OPD, "Dinkes"),
    ("pembaca.dinkes", "Pimpinan Dinas Kesehatan", User.Role.PEMBACA_OPD, "Dinkes"),
]

# The cycle for Renja 2026 ran in 2025 (the Forum Lintas Perangkat Daerah sat on 12 March 2025).
DEMO_STAGES = [
    (StageWindow.Stage.RANCANGAN_AWAL, datetime.date(2025, 1, 6), datetime.date(2025, 1, 31)),
    (StageWindow.Stage.RANCANGAN, datetime.date(2025, 2, 3), datetime.date(2025, 2, 28)),
    (StageWindow.Stage.FORUM, datetime.date(2025, 3, 3), datetime.date(2025, 3, 21)),
    (StageWindow.Stage.RANCANGAN_AKHIR, datetime.date(2025, 4, 7), datetime.date(2025, 5, 23)),
    (StageWindow.Stage.VERIFIKASI, datetime.date(2025, 6, 2), datetime.date(2025, 6, 20)),
    (StageWindow.Stage.PENETAPAN, datetime.date(2025, 6, 23), datetime.date(2025, 7, 18)),
]

# Priorities and cross-agency roles the planners set by hand after import: ref → fields.
DEMO_FLAGS = {
    "quick_win": ["2026-DP2KB-004", "2026-DP3A-003"],
    "prioritas_nasional": ["2026-DINKES-003", "2026-DINKES-004", "2026-DP2KB-005"],
    "prioritas_daerah": ["2026-DINSOS-003", "2026-DP3A-003", "2026-DP2KB-004"],
}
DEMO_SUBMITTED_OPD = ["Dinsos", "Dinkes"]  # these agencies have already submitted their draft


def fiscal_year_ensure(year: int, stages=DEMO_STAGES) -> FiscalYear:
    fy, _ = FiscalYear.objects.get_or_create(year=year)
    for stage, opens, closes in stages:
        StageWindow.objects.get_or_create(
            fiscal_year=fy, stage=stage, defaults={"opens_on": opens, "closes_on": closes}
        )
    return fy


def demo_users_ensure(password: str | None) -> tuple[list[User], str | None]:
    """Create the demo users; set their password when one is given or when they are new."""
    opds = {o.singkatan: o for o in Opd.objects.all()}
    generated = None
    if password is None and not User.objects.filter(username__in=[u[0] for u in DEMO_USERS]).exists():
        password = generated = secrets.token_urlsafe(9)
    users = []
    for username, name, role, opd in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username, defaults={"first_name": name, "role": role, "opd": opds.get(opd) if opd else None}
        )
        user.role, user.opd = role, (opds.get(opd) if opd else None)
        user.is_staff = user.is_superuser = role == User.Role.ADMIN
        if password is not None:
            user.set_password(password)
        user.save()
        if created:
            audit_log(obj=user, action="user.created", by=None, data={"role": role})
        users.append(user)
    return users, generated or password


@transaction.atomic
def seed_demo(*, password: str | None = None) -> dict:
    """Load reference data, the demo year, users and rows. Running it again changes nothing."""
    reference_load()
    fy = fiscal_year_ensure(DEMO_YEAR)
    users, shown_password = demo_users_ensure(password)
    planner = next(u for u in users if u.role == User.Role.PERENCANA)
    path = DEMO_DIR / f"renja_{DEMO_YEAR}.csv"
    summary = renja_import_file(content=path.read_bytes(), filename=path.name, fiscal_year=fy, by=planner)
    rows = {r.ref: r for r in RenjaRow.objects.filter(fiscal_year=fy).select_related("opd", "fiscal_year")}
    for flag, refs in DEMO_FLAGS.items():
        for ref in refs:
            if ref in rows and not getattr(rows[ref], flag):
                row_update(row=rows[ref], data={flag: True}, by=planner)
    if summary["baru"]:  # only on the first seeding: later runs leave statuses as people set them
        for row in rows.values():
            if row.opd.singkatan in DEMO_SUBMITTED_OPD and row.status == RenjaRow.Status.DRAFT:
                row_status_change(row=row, status=RenjaRow.Status.DIAJUKAN, by=planner)
    return {
        "year": fy.year,
        "rows": summary,
        "users": [(u.username, u.get_role_display(), u.opd.singkatan if u.opd else "") for u in users],
        "password": shown_password,
    }
