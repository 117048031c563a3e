"""Building the plan of an usulan file: which format it is, every row read and checked, compared with the year's
usulan and their trails. Nothing is written here (apply.py writes a plan)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _

from core.formatting import angka, rupiah
from core.importing import ImportIssue, ImportRejected, IssueCollector, table_rejected
from core.tabular import TableError, read_table
from renja import permissions as rules
from renja import services as renja_services
from renja.models import FiscalYear, User
from renja.services.imports import same_text

from .. import decisions, services
from ..models import Decision, Usulan
from .columns import ImportFormat
from .lookups import Lookups
from .project import PROJECT
from .reading import Row, TrailStep, trail_key
from .sipd import SIPD
from .values import TEXT_LIMITS, text

# The formats a file may be in, asked in this order; the project format, last, takes any other file.
FORMATS: tuple[ImportFormat, ...] = (SIPD, PROJECT)


@dataclass(eq=False)
class PlannedUsulan:
    line: int
    id_usulan: str
    data: dict[str, Any]
    steps: list[TrailStep]  # the whole trail the file describes (empty: the file routes it nowhere)
    existing: Usulan | None = None
    changes: dict[str, list[str]] = field(default_factory=dict)
    apply_steps: list[TrailStep] = field(default_factory=list)  # the part of `steps` the import will write
    kept: str = ""  # why the file's routing/decision is not applied (a decision taken in the app), if so

    @property
    def action(self) -> str:
        if self.existing is None:
            return "baru"
        return "berubah" if (self.changes or self.apply_steps) else "sama"


@dataclass
class UsulanImportPlan:
    fiscal_year: FiscalYear
    format: str  # the format's identifier: "proyek" or "sipd"
    rows: list[PlannedUsulan]

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    def summary(self) -> dict[str, int]:
        """baru/berubah/sama usulan, and keputusan: routing and decision entries the import adds to trails."""
        return {
            "baru": self.count("baru"),
            "berubah": self.count("berubah"),
            "sama": self.count("sama"),
            "keputusan": sum(len(r.apply_steps) for r in self.rows),
        }

    @property
    def kept(self) -> list[PlannedUsulan]:
        """Rows whose routing or decision in the app differs from the file and is kept."""
        return [r for r in self.rows if r.kept]


def detect_format(header: list[str]) -> tuple[ImportFormat, dict[str, str]]:
    """The file's format and its columns found in the header (our key → the file's column)."""
    for fmt in FORMATS:
        found = fmt.find_columns(header)
        if fmt.detect(header, found):
            return fmt, found
    raise AssertionError("the last format takes any file")


def build_usulan_plan(*, content: bytes, filename: str, fiscal_year: FiscalYear, by: User | None) -> UsulanImportPlan:
    """Read and check a whole usulan file against the database; raise ImportRejected listing every problem."""
    if by is not None and not rules.can_route_usulan(by):
        raise ImportRejected([ImportIssue(0, "", _("Impor usulan hanya dapat dilakukan oleh Bappeda."))])
    try:
        table = read_table(content, filename, max_rows=settings.USULAN_IMPORT_MAX_ROWS)
    except TableError as exc:
        raise table_rejected(exc) from exc
    header = [h for h in table.header if h]
    fmt, cols = detect_format(header)
    missing = fmt.missing(cols)
    if missing:
        raise ImportRejected(
            [ImportIssue(1, c, _("kolom wajib %(col)s tidak ada di baris judul") % {"col": c}) for c in missing]
        )

    look = Lookups(fiscal_year)
    rank = {name: i for i, name in enumerate(fmt.order)}
    issues = IssueCollector(rank=lambda column: rank.get(column, 99))
    refusal = renja_services.year_edit_refusal(fiscal_year) if fiscal_year.is_locked else None
    if refusal:
        issues.append(ImportIssue(0, "", refusal))
    seen: dict[str, int] = {}
    planned: list[PlannedUsulan] = []
    # A cell's problem names the column as the file does (SIPD: its own header, e.g. Kelurahan/Desa).
    labels = {column: fmt.column(key).label for key, column in cols.items()}
    data_rows = 0
    try:
        for line, values, problems in table.rows:
            data_rows += 1
            if problems:  # what the database would refuse; the row's other checks would only repeat it
                for column, message in problems:
                    issues.append(ImportIssue(line, labels.get(column, column), message))
                continue
            row = Row(line, values, issues, fmt=fmt, cols=cols)
            id_usulan = _check_id(row, seen)
            fmt.read(row, look, fiscal_year)
            if row.ok:
                planned.append(PlannedUsulan(line=line, id_usulan=id_usulan, data=row.data, steps=row.steps))
    except TableError as exc:
        raise table_rejected(exc) from exc
    if not data_rows:
        raise ImportRejected([ImportIssue(0, "", _("Berkas tidak berisi baris data."))])
    _compare(planned, look, fiscal_year)
    _check_stage(planned, fiscal_year, issues, refusal)
    if issues:
        raise issues.rejected()
    return UsulanImportPlan(fiscal_year=fiscal_year, format=fmt.identifier, rows=planned)


def _check_id(row: Row, seen: dict[str, int]) -> str:
    """The row's id_usulan: present, not too long, not twice in the file."""
    id_usulan, column = text(row.cell("id_usulan")), row.label("id_usulan")
    if not id_usulan:
        row.err(column, _("wajib diisi"))
    elif len(id_usulan) > TEXT_LIMITS["id_usulan"]:
        row.err(column, _("paling banyak %(n)s karakter") % {"n": TEXT_LIMITS["id_usulan"]})
    elif id_usulan in seen:
        row.err(
            column,
            _("ID usulan %(id)s ganda: sudah ada di baris %(other)s") % {"id": id_usulan, "other": seen[id_usulan]},
        )
    else:
        seen[id_usulan] = row.line
    return id_usulan


def _check_stage(
    planned: list[PlannedUsulan], fiscal_year: FiscalYear, issues: IssueCollector, refusal: str | None
) -> None:
    """A locked forum stage: decided usulan keep their fields, and no routing or decision is written."""
    stage_refusal = services.decision_refusal(fiscal_year)
    if stage_refusal:
        for item in planned:
            if item.existing is not None and item.changes and item.existing.is_decided:
                issues.append(
                    ImportIssue(
                        item.line,
                        "id_usulan",
                        _("%(refusal)s Usulan %(id)s sudah diputuskan dan tidak dapat diubah.")
                        % {"refusal": stage_refusal, "id": item.id_usulan},
                    )
                )
    if any(item.apply_steps for item in planned) and not refusal and stage_refusal:
        count = sum(1 for item in planned if item.apply_steps)
        issues.append(
            ImportIssue(
                0,
                "",
                _("%(refusal)s %(n)s usulan di berkas ini membawa penerusan atau keputusan.")
                % {"refusal": stage_refusal, "n": count},
            )
        )


def _display(name: str, value: Any) -> str:
    if value is None or value == "":
        return ""
    if name == "desa":
        return f"{value.kode} {value.nama}"
    if name == "bidang_urusan":
        return value.kode
    if name == "anggaran":
        return rupiah(value)
    if name == "volume":
        return angka(value)
    if name in ("latitude", "longitude"):
        return f"{Decimal(value):.6f}"
    if name == "sasaran":
        return ", ".join(sorted(s.slug for s in value))
    return str(value)


def _existing_value(usulan: Usulan, name: str, look: Lookups, groups: dict[int, list[int]]) -> Any:
    if name == "desa":
        return look.wilayah_by_pk.get(usulan.desa_id)
    if name == "bidang_urusan":
        return look.bidang_by_pk.get(usulan.bidang_urusan_id)
    if name == "sasaran":
        return [look.sasaran_by_pk[pk] for pk in groups.get(usulan.pk, [])]
    return getattr(usulan, name)


def _trail_to_apply(item: PlannedUsulan, look: Lookups) -> None:
    """Which of the file's steps are still to write: those after the usulan's last step in the app (its trail position,
    level included), if the file passes through it; those after the Musrenbang levels the app has recorded, if the
    usulan is approved there and the file says nothing against it (the project format describes no level); otherwise
    the app has decided differently and its decision is kept (unless the file only routes it to the agency that has
    decided since: then nothing differs)."""
    usulan = item.existing
    if usulan is None or not item.steps:
        item.apply_steps = list(item.steps)
        return
    initial = decisions.INITIAL_STATUS
    start = (initial, None, "")
    current = start if usulan.status == initial else trail_key(usulan.status, usulan.opd_tujuan_id, usulan.last_level)
    states = [start] + [s.state for s in item.steps]
    matches = [i for i, state in enumerate(states) if state == current]
    if matches:
        item.apply_steps = item.steps[matches[-1] :]
        return
    order = decisions.Level.ORDER
    if usulan.status in decisions.MUSRENBANG_KINDS and usulan.status not in decisions.STOPS and usulan.last_level:
        reached = order.index(usulan.last_level)
        passed = [s for s in item.steps if s.kind in decisions.MUSRENBANG_KINDS and order.index(s.level) <= reached]
        if not any(s.kind in decisions.STOPS for s in passed):
            item.apply_steps = [s for s in item.steps if s not in passed]
            return
    if all(s.kind == decisions.ROUTED for s in item.steps) and item.steps[-1].opd.pk == usulan.opd_tujuan_id:
        return  # the file routes it where the app has it, and that agency has decided since: nothing differs
    opd = look.opd_by_pk.get(usulan.opd_tujuan_id)
    item.kept = _(
        "status di aplikasi (%(status)s%(opd)s) dipertahankan; penerusan/keputusan di berkas tidak diterapkan"
    ) % {
        "status": usulan.get_status_display().lower(),
        "opd": f", {opd.singkatan}" if opd else "",
    }


def _compare(planned: list[PlannedUsulan], look: Lookups, fiscal_year: FiscalYear) -> None:
    """Find the usulan the file already has in the year and what it would change in them and in their trail."""
    existing: dict[str, Usulan] = {}
    groups: dict[int, list[int]] = {}
    ids = [p.id_usulan for p in planned]
    for start in range(0, len(ids), 900):
        for usulan in Usulan.objects.filter(fiscal_year=fiscal_year, id_usulan__in=ids[start : start + 900]).annotate(
            last_level=Subquery(
                Decision.objects.filter(usulan=OuterRef("pk")).order_by("-at", "-id").values("level")[:1]
            )
        ):
            existing[usulan.id_usulan] = usulan
    pks = [u.pk for u in existing.values()]
    for start in range(0, len(pks), 900):
        through = Usulan.sasaran.through.objects.filter(usulan_id__in=pks[start : start + 900])
        for usulan_id, group_id in through.values_list("usulan_id", "kelompoksasaran_id"):
            groups.setdefault(usulan_id, []).append(group_id)
    for item in planned:
        item.existing = existing.get(item.id_usulan)
        if item.existing is not None:
            for name, value in item.data.items():
                before = _display(name, _existing_value(item.existing, name, look, groups))
                after = _display(name, value)
                if not same_text(before, after):
                    item.changes[name] = [before, after]
        _trail_to_apply(item, look)
