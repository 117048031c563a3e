"""The forum's own steps on an usulan: carrying one still undecided to the Musrenbang kabupaten, and re-routing one
returned between two agencies of the forum. Both are the forum facilitator's, on the same immutable trail.

Contract with the forum app (which musrenbang may not import): the caller checks that `by` facilitates a draft (not
finalised) forum of the usulan's year whose participants include the agencies involved, and passes those
participants as `participants` (the agencies' pks). Here `by` must be a forum runner (renja.permissions'
`can_run_forums`, the roles of `forum_runners`; None for a system process), and the agencies involved must be among
`participants` when it is given."""

from __future__ import annotations

from collections.abc import Collection

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from renja import permissions as rules
from renja import services as renja_services
from renja.models import Opd, User

from .. import decisions
from ..models import Decision, Usulan
from .trail import _ensure_open, _lock, _record

# From these statuses an usulan routed to a forum's agency may be carried to the Musrenbang kabupaten: still waiting
# for the agency, or back from it without a settlement (rejected, returned).
CARRIABLE = (decisions.ROUTED, decisions.REJECTED, decisions.RETURNED)


def _check_runner(by: User | None) -> None:
    if by is not None and not rules.can_run_forums(by):
        raise ValidationError(_("Hanya fasilitator forum yang dapat melakukan langkah ini."), code="forbidden")


def _check_participant(opd: Opd | None, participants: Collection[int] | None) -> None:
    if participants is not None and (opd is None or opd.pk not in participants):
        raise ValidationError(
            _("%(opd)s bukan peserta forum ini.") % {"opd": opd.nama if opd else _("OPD tujuan")}, code="participant"
        )


@transaction.atomic
def usulan_carry_to_kabupaten(
    *, usulan: Usulan, by: User | None, alasan: str = "", participants: Collection[int] | None = None
) -> Decision:
    """The forum carries an usulan it did not settle to the Musrenbang kabupaten (reason optional): a step at the
    forum's level; the forum is done with it, the kabupaten or TAPD decides it."""
    _check_runner(by)
    locked = _lock(usulan)
    _ensure_open(locked.fiscal_year)
    if locked.status not in CARRIABLE or locked.opd_tujuan_id is None:
        raise ValidationError(
            _(
                "Usulan %(id)s sudah %(status)s; hanya usulan OPD yang belum disepakati yang dapat dibawa ke "
                "Musrenbang Kabupaten."
            )
            % {"id": locked.id_usulan, "status": locked.get_status_display().lower()},
            code="status",
        )
    _check_participant(locked.opd_tujuan, participants)
    decision = _record(
        locked,
        level=Decision.Level.FORUM,
        kind=Decision.Kind.DIBAWA_KABUPATEN,
        opd=locked.opd_tujuan,
        by=by,
        alasan=(alasan or "").strip(),
    )
    renja_services.audit_log(
        obj=locked,
        action="usulan.carried_up",
        by=by,
        data={"id_usulan": locked.id_usulan, "opd": locked.opd_tujuan.singkatan},
    )
    return decision


@transaction.atomic
def usulan_reroute_at_forum(
    *, usulan: Usulan, opd: Opd, by: User | None, participants: Collection[int] | None = None
) -> Decision:
    """The forum re-routes an usulan one of its agencies returned (dikembalikan) to another of its agencies; that
    agency's representative or the facilitator then decides it at the forum (usulan_decide, level forum)."""
    _check_runner(by)
    locked = _lock(usulan)
    _ensure_open(locked.fiscal_year)
    if locked.status != decisions.RETURNED:
        raise ValidationError(
            _("Usulan %(id)s %(status)s; hanya usulan yang dikembalikan OPD yang dapat diteruskan ulang di forum.")
            % {"id": locked.id_usulan, "status": locked.get_status_display().lower()},
            code="status",
        )
    if opd.pk == locked.opd_tujuan_id:
        raise ValidationError(
            _("Usulan %(id)s dikembalikan oleh %(opd)s; teruskan ke OPD lain.")
            % {"id": locked.id_usulan, "opd": opd.singkatan},
            code="same_opd",
        )
    if not opd.aktif:
        raise ValidationError(_("OPD %(opd)s tidak aktif.") % {"opd": opd.singkatan}, code="inactive")
    _check_participant(locked.opd_tujuan, participants)
    _check_participant(opd, participants)
    returned_by = locked.opd_tujuan
    locked.opd_tujuan = opd
    decision = _record(locked, level=Decision.Level.FORUM, kind=Decision.Kind.DITERUSKAN, opd=opd, by=by)
    renja_services.audit_log(
        obj=locked,
        action="usulan.rerouted",
        by=by,
        changes={"opd_tujuan": [returned_by.singkatan if returned_by else "", opd.singkatan]},
        data={"id_usulan": locked.id_usulan, "tingkat": Decision.Level.FORUM},
    )
    return decision
