"""Bappeda's own steps: routing an usulan to an agency (and suggesting which), and closing one no agency picked up."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from renja.models import Opd, User

from .. import decisions
from ..models import Decision, Usulan
from .inbox import routing_mail_send
from .levels import level_label
from .trail import _ensure_open, _lock, _record


def suggest_opds(usulan: Usulan) -> list[Opd]:
    """Agencies that handle the usulan's bidang urusan: dinas and badan first, then the rest."""
    if usulan.bidang_urusan_id is None:
        return []
    order = {Opd.Jenis.DINAS: 0, Opd.Jenis.BADAN: 1}
    opds = Opd.objects.filter(bidang_urusan=usulan.bidang_urusan_id, aktif=True)
    return sorted(opds, key=lambda o: (order.get(o.jenis, 2), o.kode_unit, o.singkatan))


def _route_refusal(usulan: Usulan, *, stopped_at: str | None = None, reason: str = "") -> None:
    """An accepted or merged usulan is settled: it cannot be routed again. One a Musrenbang level did not forward is
    not routed (decisions' `stops`); `stopped_at` and `reason` are that level and its reason, when the caller knows
    them (the last step's)."""
    if usulan.status in decisions.SETTLED:
        raise ValidationError(
            _("Usulan %(id)s sudah %(status)s; tidak dapat diteruskan lagi.")
            % {"id": usulan.id_usulan, "status": usulan.get_status_display().lower()}
        )
    if usulan.status in decisions.STOPS:
        if stopped_at is None:
            message = _("Usulan %(id)s tidak diteruskan musrenbang; tidak dapat diteruskan ke OPD.") % {
                "id": usulan.id_usulan
            }
        else:
            message = _(
                "Usulan %(id)s tidak diteruskan di tingkat %(level)s%(reason)s; tidak dapat diteruskan ke OPD. "
                "Hanya %(level)s yang dapat mengubah keputusannya."
            ) % {"id": usulan.id_usulan, "level": level_label(stopped_at), "reason": f" ({reason})" if reason else ""}
        raise ValidationError(message, code="stopped")


def route_refusal(usulan: Usulan) -> str | None:
    """Why `usulan` cannot be routed to an agency now (settled, or stopped at a Musrenbang level), or None: what the
    detail page says in place of the routing form."""
    stopped_at, reason = _last_step(usulan) if usulan.status in decisions.STOPS else (None, "")
    try:
        _route_refusal(usulan, stopped_at=stopped_at, reason=reason)
    except ValidationError as exc:
        return exc.messages[0]
    return None


def _last_step(usulan: Usulan) -> tuple[str | None, str]:
    """The level and reason of an usulan's last step ((None, "") without one)."""
    last = usulan.decisions.order_by("-at", "-id").values_list("level", "alasan").first()
    return last or (None, "")


@transaction.atomic
def usulan_route(*, usulan: Usulan, opd: Opd, by: User | None, notify: bool = True) -> Usulan:
    """Route an usulan to an agency (Bappeda). Re-routing a returned or rejected one keeps the old trail.

    Once committed, the agency's officers who asked for it get an e-mail (notify=False: the caller sends one for a
    whole batch)."""
    locked = _lock(usulan)
    _ensure_open(locked.fiscal_year)
    stopped_at, reason = _last_step(locked) if locked.status in decisions.STOPS else (None, "")
    _route_refusal(locked, stopped_at=stopped_at, reason=reason)
    if locked.opd_tujuan_id == opd.pk and locked.status == Usulan.Status.DITERUSKAN:
        return locked
    locked.opd_awal = locked.opd_awal or opd
    locked.opd_tujuan = opd
    _record(locked, level=Decision.Level.BAPPEDA, kind=Decision.Kind.DITERUSKAN, opd=opd, by=by)
    if notify:
        transaction.on_commit(partial(routing_mail_send, opd_id=opd.pk, usulan_ids=[locked.pk]))
    return locked


@transaction.atomic
def usulan_route_many(*, usulan_list: Iterable[Usulan], opd: Opd, by: User | None) -> int:
    """Route a selection to one agency, all or none; one e-mail per officer for the whole selection."""
    routed = []
    for usulan in usulan_list:
        routed.append(usulan_route(usulan=usulan, opd=opd, by=by, notify=False).pk)
    transaction.on_commit(partial(routing_mail_send, opd_id=opd.pk, usulan_ids=routed))
    return len(routed)


@transaction.atomic
def usulan_close(*, usulan: Usulan, by: User | None, alasan: str) -> Usulan:
    """Bappeda closes an usulan no agency picked up this year, with a reason; carry-over takes it to the next year."""
    locked = _lock(usulan)
    _ensure_open(locked.fiscal_year)
    if locked.status in decisions.NOT_CLOSABLE:
        raise ValidationError(
            _("Usulan %(id)s sudah %(status)s; tidak dapat ditutup.")
            % {"id": locked.id_usulan, "status": locked.get_status_display().lower()}
        )
    if not alasan.strip():
        raise ValidationError(_("Alasan menutup usulan wajib diisi."), code="reason")
    _record(locked, level=Decision.Level.BAPPEDA, kind=Decision.Kind.DITUTUP, by=by, alasan=alasan.strip())
    return locked


@transaction.atomic
def usulan_close_many(*, usulan_list: Iterable[Usulan], by: User | None, alasan: str) -> int:
    """Close a selection, all or none."""
    count = 0
    for usulan in usulan_list:
        usulan_close(usulan=usulan, by=by, alasan=alasan)
        count += 1
    return count
