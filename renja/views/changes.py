"""The perubahan report: per agency, the rows added, removed and changed between two stages of a year (their
snapshots), or between a stage and the plan as it is now; on screen and as XLSX.

`?tahun=2026&dari=rancangan_awal&ke=forum&opd=12`: `dari`/`ke` are stages with a snapshot or `saat_ini`; an agency's
people see their own agency only (another agency's `opd=` answers 404)."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from core.http import export_response, int_param, str_param
from core.tabular import Column

from .. import permissions, selectors
from ..models import FiscalYear, Opd, StageSnapshot, StageWindow
from ..services import snapshots


@dataclass
class Comparison:
    """What the report compares, as the request asked for it (defaults filled in)."""

    fiscal_year: FiscalYear | None
    years: list[FiscalYear]
    taken: list[StageSnapshot]  # the year's snapshots in stage order, without their documents
    dari: str = ""
    ke: str = snapshots.LIVE
    opd: Opd | None = None
    scoped: bool = False  # an agency's people: their agency only
    opds: list[Opd] = field(default_factory=list)
    report: dict | None = None

    def label(self, stage: str) -> str:
        if stage == snapshots.LIVE:
            return _("Saat ini")
        return str(StageWindow.Stage(stage).label)

    @property
    def dari_label(self) -> str:
        return self.label(self.dari) if self.dari else ""

    @property
    def ke_label(self) -> str:
        return self.label(self.ke)

    @property
    def choices(self) -> list[tuple[str, str]]:
        return [(s.stage, self.label(s.stage)) for s in self.taken] + [(snapshots.LIVE, self.label(snapshots.LIVE))]

    def query(self) -> str:
        params = {"tahun": self.fiscal_year.year if self.fiscal_year else "", "dari": self.dari, "ke": self.ke}
        if self.opd is not None and not self.scoped:
            params["opd"] = self.opd.pk
        return urlencode(params)


STAGE_ORDER = {value: i for i, value in enumerate(StageWindow.Stage.values)}


def _comparison(request: HttpRequest) -> Comparison:
    """Parse the request and build the report: the year, the two sides, the agency in scope."""
    permissions.require(request.user, permissions.can_see_sync)  # planners, facilitators, an agency's people
    scope = permissions.usulan_opd_scope(request.user)  # an agency's people: their agency; others: None (all)
    asked = int_param(request.GET, "opd", min=1)
    if scope is not None and asked is not None and asked != scope:
        raise Http404
    fiscal_year = selectors.fiscal_year_from_query(request.GET)
    years = list(FiscalYear.objects.order_by("-year"))
    taken = (
        sorted(
            StageSnapshot.objects.filter(fiscal_year=fiscal_year).select_related("taken_by").defer("data"),
            key=lambda s: STAGE_ORDER.get(s.stage, 99),
        )
        if fiscal_year
        else []
    )
    comparison = Comparison(fiscal_year=fiscal_year, years=years, taken=taken, scoped=scope is not None)
    opd_id = scope if scope is not None else asked
    if opd_id is not None:
        comparison.opd = Opd.objects.filter(pk=opd_id).first()
        if comparison.opd is None:
            raise Http404
    if scope is None:
        comparison.opds = list(Opd.objects.order_by("kode_unit", "singkatan").only("pk", "singkatan", "kode_unit"))
    sides = {s.stage for s in taken} | {snapshots.LIVE}
    dari = str_param(request.GET, "dari", max_length=30)
    ke = str_param(request.GET, "ke", max_length=30)
    comparison.dari = dari if dari in sides else (taken[0].stage if taken else "")
    comparison.ke = ke if ke in sides else snapshots.LIVE
    if fiscal_year is None or not comparison.dari:
        return comparison
    comparison.report = snapshots.plan_changes(
        _document(fiscal_year, comparison.dari, comparison.opd), _document(fiscal_year, comparison.ke, comparison.opd)
    )
    return comparison


def _document(fiscal_year: FiscalYear, side: str, opd: Opd | None) -> dict:
    if side == snapshots.LIVE:
        return snapshots.plan_document(fiscal_year, opd_ids=[opd.pk] if opd is not None else None)
    document = StageSnapshot.objects.values_list("data", flat=True).get(fiscal_year=fiscal_year, stage=side)
    return snapshots.document_for_opd(document, opd) if opd is not None else document


def _totals(report: dict) -> dict:
    sections = report.values()
    old, new = sum(s["pagu_old"] for s in sections), sum(s["pagu_new"] for s in sections)
    return {
        "added": sum(len(s["added"]) for s in sections),
        "removed": sum(len(s["removed"]) for s in sections),
        "changed": sum(len(s["changed"]) for s in sections),
        "pagu_old": old,
        "pagu_new": new,
        "selisih": new - old,
    }


def _field_labels() -> dict[str, str]:
    return {**selectors.field_labels(), "opd": _("OPD"), "lokasi": _("lokasi")}


@login_required
def change_report(request: HttpRequest) -> HttpResponse:
    """The perubahan report on screen."""
    comparison = _comparison(request)
    labels = _field_labels()
    sections = []
    for section in (comparison.report or {}).values():
        changed = [
            {**c, "fields": [(labels.get(name, name), name, old, new) for name, (old, new) in c["fields"].items()]}
            for c in section["changed"]
        ]
        sections.append({**section, "changed": changed})
    return render(
        request,
        "renja/perubahan.html",
        {
            "c": comparison,
            "sections": sections,
            "totals": _totals(comparison.report) if comparison.report is not None else None,
            "can_take": permissions.can_manage_years(request.user),
        },
    )


def _cell(value) -> object:
    return "" if value is None else value


@login_required
def change_report_xlsx(request: HttpRequest) -> HttpResponse:
    """The same report as one XLSX sheet: a line per row added or removed and per field changed."""
    comparison = _comparison(request)
    if comparison.report is None:
        raise Http404
    labels = _field_labels()
    header = [
        Column(_("Kode unit")),
        Column(_("OPD")),
        Column(_("Perubahan")),
        Column(_("Ref")),
        Column(_("Kode")),
        Column(_("Sub kegiatan")),
        Column(_("Rincian")),
        Column(_("Kolom")),
        Column(_("Lama")),
        Column(_("Baru")),
        Column(_("Selisih pagu"), "rupiah"),
    ]
    lines = []
    for section in comparison.report.values():
        agency = (section["opd"]["kode_unit"], section["opd"]["singkatan"])
        for row in section["added"]:
            lines.append(
                [
                    *agency,
                    _("Ditambah"),
                    row["ref"],
                    row["kode"],
                    row["nama"],
                    row["rincian"],
                    _("pagu"),
                    "",
                    row["pagu"],
                    row["pagu"],
                ]
            )
        for row in section["removed"]:
            lines.append(
                [
                    *agency,
                    _("Dihapus"),
                    row["ref"],
                    row["kode"],
                    row["nama"],
                    row["rincian"],
                    _("pagu"),
                    row["pagu"],
                    "",
                    -row["pagu"],
                ]
            )
        for row in section["changed"]:
            for name, (old, new) in row["fields"].items():
                difference = (new or 0) - (old or 0) if name == "pagu" else None
                lines.append(
                    [
                        *agency,
                        _("Diubah"),
                        row["ref"],
                        row["kode"],
                        row["nama"],
                        row["rincian"],
                        labels.get(name, name),
                        _cell(old),
                        _cell(new),
                        difference,
                    ]
                )
    year = comparison.fiscal_year.year
    return export_response(
        "xlsx",
        header,
        lines,
        basename=f"perubahan-{year}-{comparison.dari}-{comparison.ke}",
        title=_("Perubahan %(year)s") % {"year": year},
    )
