"""Import of usulan from CSV/XLSX: check the whole file, then write every row or none.

One module per format, each declaring its columns (columns.ImportColumn, the shape of pretix's) and how a row is read:
project.py (the app's own template) and sipd.py (an SIPD export), told apart by the header row (plan.FORMATS). The
steps all formats share: values.py (reading cells), lookups.py (desa, agencies, rows... loaded once), reading.py (a
row being read, the decision rules), plan.py (the plan: what a file would change), apply.py (writing it in bulk)
and staging.py (an upload kept for its preview, like a Renja upload).

Both formats: numbers are read the Indonesian way (1.500 = fifteen hundred, 2,5 = two and a half); every error is
listed by row and column and nothing is written; the same file imported again changes nothing; a known id_usulan
(unique per year) updates its descriptive fields. The file's steps go through the services in bulk
(services.usulan_steps_apply: the same rules as usulan_level_record, usulan_route and usulan_decide), and only those
after the usulan's last step in the app, compared with its level (plan._trail_to_apply, reading.trail_key): a later
export adds only its new steps, each at its own level; an usulan the Musrenbang levels approved takes the file's
routing (the project format names no level); a decision taken in the app is never overridden.
"""

from core.importing import ImportIssue, ImportRejected

from .apply import usulan_import_file, usulan_plan_apply
from .columns import ImportColumn, ImportFormat
from .plan import FORMATS, PlannedUsulan, UsulanImportPlan, build_usulan_plan, detect_format
from .project import PROJECT, PROJECT_COLUMNS, PROJECT_REQUIRED
from .reading import TrailStep
from .sipd import (
    SIPD,
    SIPD_LABELS,
    LevelRecommendation,
    Recommendation,
    parse_level_recommendation,
    parse_recommendation,
    pokir_member,
    sipd_columns,
)
from .staging import usulan_batch_pending, usulan_import_confirm, usulan_import_stage
from .values import desa_key, kecamatan_key, parse_anggaran, parse_prioritas, parse_volume, split_coordinates

__all__ = [
    "FORMATS",
    "PROJECT",
    "PROJECT_COLUMNS",
    "PROJECT_REQUIRED",
    "SIPD",
    "SIPD_LABELS",
    "ImportColumn",
    "ImportFormat",
    "ImportIssue",
    "ImportRejected",
    "LevelRecommendation",
    "PlannedUsulan",
    "Recommendation",
    "TrailStep",
    "UsulanImportPlan",
    "build_usulan_plan",
    "desa_key",
    "detect_format",
    "kecamatan_key",
    "parse_anggaran",
    "parse_level_recommendation",
    "parse_prioritas",
    "parse_recommendation",
    "parse_volume",
    "pokir_member",
    "sipd_columns",
    "split_coordinates",
    "usulan_batch_pending",
    "usulan_import_confirm",
    "usulan_import_file",
    "usulan_import_stage",
    "usulan_plan_apply",
]
