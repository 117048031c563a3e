"""The decision types of an usulan, in ONE table, and every rule derived from it.

Each step on an usulan's trail (`Decision.kind`) is one of these types, and the usulan's status is the type of
its last step (or `baru` before any). The models' choices and reason constraint, the services, the imports, the forms,
the selectors (of musrenbang and sinkronisasi), the templates (the `status_badge` filter) and the CSS read this table;
tests/musrenbang/test_decision_table.py checks that they agree.

To add a decision type: add one `DecisionType` below, its badge colour in static/css/renja.css, and a migration
(`makemigrations musrenbang`: the choices, and the reason constraint if it needs a reason).

Models-free: musrenbang/models.py builds its choices from here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


class Level:
    """Where a step was taken (`Decision.level`): the levels of the Musrenbang cycle, in the cycle's order."""

    DESA = "desa"
    KECAMATAN = "kecamatan"
    DPRD = "dprd"
    MITRA = "mitra"
    BAPPEDA = "bappeda"
    OPD = "opd"
    FORUM = "forum"
    MUSRENBANG_KABUPATEN = "musrenbang_kabupaten"
    TAPD = "tapd"

    CHOICES = [
        ("DESA", (DESA, _("Musrenbang desa/kelurahan"))),
        ("KECAMATAN", (KECAMATAN, _("Musrenbang kecamatan"))),
        ("DPRD", (DPRD, _("Sekretariat DPRD (Pokir)"))),
        ("MITRA", (MITRA, _("Verifikasi Bappeda (mitra)"))),
        ("BAPPEDA", (BAPPEDA, _("Bappeda"))),
        ("OPD", (OPD, _("OPD"))),
        ("FORUM", (FORUM, _("Forum Perangkat Daerah"))),
        ("MUSRENBANG_KABUPATEN", (MUSRENBANG_KABUPATEN, _("Musrenbang kabupaten"))),
        ("TAPD", (TAPD, _("TAPD"))),
    ]
    # The cycle's order: the trail and the tracking page list the levels so.
    ORDER = tuple(value for _name, (value, _label) in CHOICES)


@dataclass(frozen=True)
class Cause:
    """Why an usulan of the year is "belum diambil" (picked up into no Renja row, not accepted, not closed)."""

    code: str
    label: str


@dataclass(frozen=True)
class DecisionType:
    """One decision type and its rules."""

    name: str  # the member name in Decision.Kind and Usulan.Status
    value: str  # stored in Decision.kind and Usulan.status
    label: str  # the decision, as the trail shows it
    status_label: str  # the status an usulan has after it
    needs_reason: bool  # refused without an `alasan` (also a database constraint)
    takes_row: bool  # names a Renja row (ref_renja): the row it is picked up into, or merged into
    accommodated: bool  # counts as accommodated: picked up into Renja rows
    settles: bool  # the usulan is settled: never routed again, closed or carried over
    levels: tuple[str, ...]  # where it may be given
    by_agency: bool  # an agency's decision (decision form, import file); else Bappeda's own step
    badge: str  # CSS class of the status badge (static/css/renja.css)
    cause: Cause | None = None  # while this is the last step, the usulan is "belum diambil" for this cause
    routable_again: bool = False  # a route suggestion is offered (it came back from the agency, or is ready for one)
    ranks: bool = False  # carries the kecamatan's priority rank (Decision.prioritas) when given at the kecamatan
    # The usulan stops at the level that gives it: no later level records a step on it and Bappeda does not route it.
    # Only that level may record its step again (reconsidering it); a forwarding step there lets it go on.
    stops: bool = False


# Where an usulan routed to an agency is decided: by the agency, at the forum, at the Musrenbang kabupaten, by TAPD.
AGENCY_LEVELS = (Level.OPD, Level.FORUM, Level.MUSRENBANG_KABUPATEN, Level.TAPD)
# The steps before an usulan reaches Bappeda's routing: the desa's and kecamatan's Musrenbang, the DPRD secretariat
# for a Pokir, and Bappeda's verification (mitra).
MUSRENBANG_LEVELS = (Level.DESA, Level.KECAMATAN, Level.DPRD, Level.MITRA)

# The initial status (no step yet) and why such an usulan is "belum diambil".
INITIAL_STATUS = "baru"
INITIAL_STATUS_LABEL = _("Belum diteruskan")
INITIAL_BADGE = "badge-u-baru"
INITIAL_CAUSE = Cause("belum_diteruskan", _("Belum diteruskan ke OPD"))

ROUTED = "diteruskan"
ACCEPTED_AS_IS = "diterima"
ACCEPTED_WITH_CHANGES = "diterima_dengan_perubahan"
MERGED = "digabung"
REJECTED = "ditolak"
RETURNED = "dikembalikan"
CLOSED = "ditutup"
FORWARDED = "disetujui"
NOT_FORWARDED = "tidak_diteruskan"
CARRIED_TO_KABUPATEN = "dibawa_kabupaten"

DECISION_TYPES: tuple[DecisionType, ...] = (
    DecisionType(
        name="DITERUSKAN",
        value=ROUTED,
        label=_("Diteruskan"),
        status_label=_("Diteruskan, belum diputuskan"),
        needs_reason=False,
        takes_row=False,
        accommodated=False,
        settles=False,
        levels=(Level.BAPPEDA, Level.FORUM),
        by_agency=False,
        badge="badge-u-diteruskan",
        cause=Cause("belum_diputuskan", _("Diteruskan, belum diputuskan")),
    ),
    DecisionType(
        name="DITERIMA",
        value=ACCEPTED_AS_IS,
        label=_("Diterima"),
        status_label=_("Diterima"),
        needs_reason=False,
        takes_row=True,
        accommodated=True,
        settles=True,
        levels=AGENCY_LEVELS,
        by_agency=True,
        badge="badge-u-diterima",
    ),
    DecisionType(
        name="DITERIMA_DENGAN_PERUBAHAN",
        value=ACCEPTED_WITH_CHANGES,
        label=_("Diterima dengan perubahan"),
        status_label=_("Diterima dengan perubahan"),
        needs_reason=False,
        takes_row=True,
        accommodated=True,
        settles=True,
        levels=AGENCY_LEVELS,
        by_agency=True,
        badge="badge-u-diterima_dengan_perubahan",
    ),
    DecisionType(
        name="DIGABUNG",
        value=MERGED,
        label=_("Digabung"),
        status_label=_("Digabung"),
        needs_reason=True,
        takes_row=True,
        accommodated=False,
        settles=True,
        levels=AGENCY_LEVELS,
        by_agency=True,
        badge="badge-u-digabung",
    ),
    DecisionType(
        name="DITOLAK",
        value=REJECTED,
        label=_("Ditolak"),
        status_label=_("Ditolak"),
        needs_reason=True,
        takes_row=False,
        accommodated=False,
        settles=False,
        levels=AGENCY_LEVELS,
        by_agency=True,
        badge="badge-u-ditolak",
        cause=Cause("ditolak", _("Ditolak OPD, belum diteruskan lagi")),
        routable_again=True,
    ),
    DecisionType(
        name="DIKEMBALIKAN",
        value=RETURNED,
        label=_("Dikembalikan"),
        status_label=_("Dikembalikan"),
        needs_reason=True,
        takes_row=False,
        accommodated=False,
        settles=False,
        levels=AGENCY_LEVELS,
        by_agency=True,
        badge="badge-u-dikembalikan",
        cause=Cause("dikembalikan", _("Dikembalikan, belum diteruskan lagi")),
        routable_again=True,
    ),
    DecisionType(
        name="DITUTUP",
        value=CLOSED,
        label=_("Ditutup, dibawa ke tahun berikutnya"),
        status_label=_("Ditutup, dibawa ke tahun berikutnya"),
        needs_reason=True,
        takes_row=False,
        accommodated=False,
        settles=False,
        levels=(Level.BAPPEDA,),
        by_agency=False,
        badge="badge-u-ditutup",
    ),
    # The Musrenbang levels before routing: the desa, the kecamatan (with its rank), the DPRD secretariat for a
    # Pokir and Bappeda's verification forward an usulan to the next level, or do not.
    DecisionType(
        name="DISETUJUI",
        value=FORWARDED,
        label=_("Disetujui, diteruskan ke tingkat berikutnya"),
        status_label=_("Disetujui musrenbang, belum diteruskan ke OPD"),
        needs_reason=False,
        takes_row=False,
        accommodated=False,
        settles=False,
        levels=MUSRENBANG_LEVELS,
        by_agency=False,
        badge="badge-u-disetujui",
        cause=INITIAL_CAUSE,
        routable_again=True,
        ranks=True,
    ),
    DecisionType(
        name="TIDAK_DITERUSKAN",
        value=NOT_FORWARDED,
        label=_("Tidak diteruskan"),
        status_label=_("Tidak diteruskan musrenbang"),
        needs_reason=True,
        takes_row=False,
        accommodated=False,
        settles=False,
        levels=MUSRENBANG_LEVELS,
        by_agency=False,
        badge="badge-u-tidak_diteruskan",
        # Not an orphan of the agencies: no agency ever had it.
        cause=Cause("tidak_diteruskan", _("Tidak diteruskan oleh desa, kecamatan atau verifikasi")),
        stops=True,
    ),
    # The forum's facilitator carries an undecided usulan to the Musrenbang kabupaten: the forum is done with it
    # (not undecided there), the kabupaten or TAPD decides it.
    DecisionType(
        name="DIBAWA_KABUPATEN",
        value=CARRIED_TO_KABUPATEN,
        label=_("Dibawa ke Musrenbang Kabupaten"),
        status_label=_("Dibawa ke Musrenbang Kabupaten"),
        needs_reason=False,
        takes_row=False,
        accommodated=False,
        settles=False,
        levels=(Level.FORUM,),
        by_agency=False,
        badge="badge-u-dibawa_kabupaten",
        cause=Cause("dibawa_kabupaten", _("Dibawa ke Musrenbang Kabupaten, belum diputuskan")),
    ),
)

BY_VALUE: dict[str, DecisionType] = {t.value: t for t in DECISION_TYPES}

# Choices of Decision.Kind and Usulan.Status (models.TextChoices' functional form: member name, (value, label)).
DECISION_CHOICES = [(t.name, (t.value, t.label)) for t in DECISION_TYPES]
STATUS_CHOICES = [("BARU", (INITIAL_STATUS, INITIAL_STATUS_LABEL))] + [
    (t.name, (t.value, t.status_label)) for t in DECISION_TYPES
]

# --- Sets derived from the table, named by what the rules ask.
ACCEPTED = frozenset(t.value for t in DECISION_TYPES if t.accommodated)
NEEDS_REASON = frozenset(t.value for t in DECISION_TYPES if t.needs_reason)
# An agency's decision that needs a reason (closing's reason is asked by its own step, usulan_close).
AGENCY_NEEDS_REASON = frozenset(t.value for t in DECISION_TYPES if t.needs_reason and t.by_agency)
TAKES_ROW = frozenset(t.value for t in DECISION_TYPES if t.takes_row)
BY_AGENCY = tuple(t.value for t in DECISION_TYPES if t.by_agency)
# The project format's keputusan_opd: the routing and an agency's decision (closing, the Musrenbang levels and the
# forum's carrying are steps of the app, or of the SIPD export's own columns).
FILE_DECISIONS = (ROUTED, *BY_AGENCY)
# Statuses of a settled usulan: not routed again.
SETTLED = frozenset(t.value for t in DECISION_TYPES if t.settles)

# Statuses still waiting for a decision (the Musrenbang levels' approval waits for the agency's).
UNDECIDED = (INITIAL_STATUS, FORWARDED, ROUTED)
# Not agreed at a forum (its berita acara lists them with the last reason): rejected, returned, or closed by Bappeda.
NOT_AGREED = (REJECTED, RETURNED, CLOSED)
# Statuses carried over to the next year: not settled (accepted, or merged into one that follows its target).
NOT_ACCOMMODATED = tuple(value for _n, (value, _l) in STATUS_CHOICES if value not in SETTLED)
# Statuses for which a route to another agency is suggested (never routed, or back from an agency).
ROUTABLE = (INITIAL_STATUS, *(t.value for t in DECISION_TYPES if t.routable_again))

# Kinds given at the Musrenbang levels (before routing), and those the kecamatan ranks.
MUSRENBANG_KINDS = frozenset(t.value for t in DECISION_TYPES if set(t.levels) <= set(MUSRENBANG_LEVELS))
RANKED = frozenset(t.value for t in DECISION_TYPES if t.ranks)
# Statuses of an usulan stopped at a Musrenbang level: only that level records a step on it again (decisions' `stops`).
STOPS = frozenset(t.value for t in DECISION_TYPES if t.stops)
# Statuses closing refuses: settled, closed already, or stopped at a Musrenbang level (a Bappeda step after the stop
# would end it, and a closed usulan may be routed again).
NOT_CLOSABLE = SETTLED | {CLOSED} | STOPS
# Statuses from which an usulan may still take a Musrenbang-level step: nobody has routed it yet (a stopped one only at
# the level that stopped it).
BEFORE_ROUTING = (INITIAL_STATUS, *sorted(MUSRENBANG_KINDS))

# "Belum diambil": each waiting status and its cause, in the order the screens list them (a cause once).
CAUSES: tuple[Cause, ...] = tuple(dict.fromkeys((INITIAL_CAUSE, *(t.cause for t in DECISION_TYPES if t.cause))))
CAUSE_BY_STATUS: dict[str, str] = {INITIAL_STATUS: INITIAL_CAUSE.code} | {
    t.value: t.cause.code for t in DECISION_TYPES if t.cause
}
AWAITING_DECISION_CAUSE = BY_VALUE[ROUTED].cause.code


def allowed_at(kind: str, level: str) -> bool:
    """Whether this decision type may be given at this level."""
    return kind in BY_VALUE and level in BY_VALUE[kind].levels


@dataclass(frozen=True)
class CycleLevel:
    """One level of the Musrenbang cycle as the tracking page lists it: its steps on an usulan's trail (maybe none)."""

    value: str
    label: str
    steps: tuple  # the usulan's Decisions at this level, oldest first


def cycle_levels(trail, *, pokir: bool) -> list[CycleLevel]:
    """The levels an usulan passes in the cycle's order, each with its steps from the trail (Decisions, oldest first).
    A Pokir passes the DPRD secretariat, not the desa and kecamatan; other usulan not the DPRD secretariat."""
    skipped = {Level.DESA, Level.KECAMATAN} if pokir else {Level.DPRD}
    labels = dict(value_label for _name, value_label in Level.CHOICES)
    return [
        CycleLevel(value, labels[value], tuple(d for d in trail if d.level == value))
        for value in Level.ORDER
        if value not in skipped
    ]


def label(value: str) -> str:
    """The decision type's label."""
    return BY_VALUE[value].label


def status_badge(status: str) -> str:
    """The CSS class of an usulan status' badge."""
    return INITIAL_BADGE if status == INITIAL_STATUS else BY_VALUE[status].badge


def cause_choices() -> list[tuple[str, str]]:
    """The causes of "belum diambil" as (code, label), labels in the active language."""
    return [(c.code, str(c.label)) for c in CAUSES]


def reason_required_values() -> list[str]:
    """The types a CheckConstraint refuses without a reason, in the table's order (a stable constraint SQL)."""
    return [t.value for t in DECISION_TYPES if t.needs_reason]
