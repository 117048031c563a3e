"""A data row being read (its values, errors, fields and trail) and the decision rules checked while reading."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from core.importing import ImportIssue
from renja.models import Opd, RenjaRow

from .. import decisions
from .columns import ImportFormat
from .values import text


@dataclass(eq=False)
class TrailStep:
    """One entry the file puts on an usulan's trail: a Musrenbang level's step (no agency), a routing to an agency,
    or a decision on it (the agency's, or TAPD's)."""

    opd: Opd | None
    kind: str = decisions.ROUTED
    alasan: str = ""
    volume: Decimal | None = None
    anggaran: int | None = None
    row: RenjaRow | None = None  # the Renja row of an acceptance, or the row a merge joins
    column: str = ""
    level: str = decisions.Level.OPD  # where a decision is given (a routing is always Bappeda's)
    prioritas: int | None = None  # the kecamatan's rank, on its step

    @property
    def state(self) -> tuple[str, int | None, str]:
        """Where this step leaves the usulan's trail (trail_key), compared with the usulan's last step in the app."""
        return trail_key(self.kind, self.opd.pk if self.opd else None, self.level)


def trail_key(kind: str, opd_id: int | None, level: str | None) -> tuple[str, int | None, str]:
    """A trail position as both a file and the app can say it: the step's kind, its agency and where it was given.

    A Musrenbang level's step is at its own level (desa, kecamatan, DPRD secretariat, mitra: the same "disetujui" at
    the desa and at the kecamatan are two positions); any routing is one place (Bappeda's, or the forum's
    re-routing); an agency's decision at its desk, at the forum or at the Musrenbang kabupaten is the agency's (the
    project file's keputusan_opd, SIPD's Rekomendasi SKPD), and TAPD's is its own (Rekomendasi TAPD)."""
    if kind in decisions.MUSRENBANG_KINDS:
        where = level or ""
    elif kind == decisions.ROUTED:
        where = decisions.Level.BAPPEDA
    elif level == decisions.Level.TAPD:
        where = decisions.Level.TAPD
    else:
        where = decisions.Level.OPD
    return (kind, opd_id, where)


class Row:
    """One data line being read: collects its values and its errors.

    `cols` maps the format's column identifiers to the file's columns; a problem is reported under the column's label
    (as the file names it)."""

    def __init__(self, line: int, values: dict[str, Any], issues, *, fmt: ImportFormat, cols: dict[str, str]) -> None:
        self.line, self.values, self.issues = line, values, issues
        self.format, self.cols = fmt, cols
        self.data: dict[str, Any] = {}
        self.steps: list[TrailStep] = []
        self.ok = True

    def err(self, column: str, message: str) -> None:
        self.issues.append(ImportIssue(self.line, column, message))
        self.ok = False

    def has(self, identifier: str) -> bool:
        """Whether the file has this column."""
        return identifier in self.cols

    def label(self, identifier: str) -> str:
        return self.format.column(identifier).label

    def cell(self, identifier: str) -> Any:
        """The raw cell of a column ("" when the file lacks the column)."""
        return self.values.get(self.cols[identifier], "") if identifier in self.cols else ""

    def text(self, identifier: str, *, limit: int | None = None) -> str:
        value = text(self.cell(identifier))
        if limit and len(value) > limit:
            self.err(self.label(identifier), _("paling banyak %(n)s karakter") % {"n": limit})
        return value

    def clean(self, identifier: str) -> Any:
        """The cell parsed and checked by its column's `clean`; None (and an error) when refused."""
        try:
            return self.format.column(identifier).clean(self.cell(identifier))
        except ValueError as exc:
            self.err(self.label(identifier), str(exc))
            return None


def check_decision(row: Row, step: TrailStep, *, reason_column: str, row_column: str, change_column: str) -> None:
    """Rules usulan_decide will apply, checked up front so that every problem of the file is listed at once."""
    kind = step.kind
    if kind in decisions.AGENCY_NEEDS_REASON and not step.alasan:
        row.err(reason_column, _("wajib diisi untuk keputusan %(k)s") % {"k": kind})
    if kind in decisions.ACCEPTED and step.row is not None and step.row.opd_id != step.opd.pk:
        row.err(
            row_column,
            _("baris Renja %(ref)s milik %(owner)s, bukan %(opd)s")
            % {"ref": step.row.ref, "owner": step.row.opd.singkatan, "opd": step.opd.singkatan},
        )
    if kind == decisions.ACCEPTED_WITH_CHANGES:
        volume, anggaran = row.data.get("volume"), row.data.get("anggaran")
        if (step.volume is None or step.volume == volume) and (step.anggaran is None or step.anggaran == anggaran):
            row.err(
                change_column,
                _("diterima dengan perubahan: volume atau anggaran yang diterima harus berbeda dari usulan"),
            )
