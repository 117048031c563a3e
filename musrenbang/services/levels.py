"""The Musrenbang levels before Bappeda routes an usulan: the desa's and the kecamatan's Musrenbang (with the
kecamatan's priority rank), the DPRD secretariat for a Pokir, and Bappeda's verification (mitra). Bappeda records
their steps (from the levels' berita acara or the SIPD export) on the same immutable trail, in the cycle's order."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from renja import permissions as rules
from renja.models import User

from .. import decisions
from ..models import Decision, Usulan
from .trail import _ensure_open, _lock, _record

RANK_MAX = 999  # a kecamatan ranks its usulan 1, 2, 3, …; no kecamatan has a thousand


def level_label(level: str) -> str:
    """A level's name on screen."""
    return str(dict(Decision.Level.choices).get(level, level))


def _stop_label(level: str | None) -> str:
    """The level that stopped an usulan, on screen (its trail may lack the step: data written outside the services)."""
    return level_label(level) if level else _("musrenbang sebelumnya")


def _check_level(kind: str, level: str) -> None:
    """Each level of the cycle gives only its decision types (musrenbang/decisions.py)."""
    if not decisions.allowed_at(kind, level):
        raise ValidationError(
            _("Keputusan %(k)s tidak dapat diberikan di tingkat %(level)s.")
            % {"k": decisions.label(kind).lower() if kind in decisions.BY_VALUE else kind, "level": level_label(level)},
            code="level",
        )


def level_step_fields(
    usulan: Usulan, *, level: str, kind: str, alasan: str, prioritas: int | None, previous_level: str | None
) -> dict:
    """The rules of a Musrenbang-level step (no queries): the Decision fields to write.

    `previous_level` is the level of the usulan's last step (None: no step yet)."""
    if level not in decisions.MUSRENBANG_LEVELS or kind not in decisions.MUSRENBANG_KINDS:
        _check_level(kind, level)
        raise ValidationError(
            _("Tingkat %(level)s bukan tingkat musrenbang sebelum penerusan ke OPD.") % {"level": level_label(level)},
            code="level",
        )
    _check_level(kind, level)
    is_pokir = usulan.sumber == Usulan.Sumber.POKIR
    if level == decisions.Level.DPRD and not is_pokir:
        raise ValidationError(_("Tingkat Sekretariat DPRD hanya untuk usulan Pokir DPRD."), code="level")
    if level in (decisions.Level.DESA, decisions.Level.KECAMATAN) and is_pokir:
        raise ValidationError(
            _("Usulan Pokir DPRD tidak melalui %(level)s; catat langkahnya di tingkat Sekretariat DPRD.")
            % {"level": level_label(level)},
            code="level",
        )
    if usulan.status not in decisions.BEFORE_ROUTING:
        raise ValidationError(
            _("Usulan %(id)s sudah %(status)s; langkah %(level)s hanya dicatat sebelum diteruskan ke OPD.")
            % {"id": usulan.id_usulan, "status": usulan.get_status_display().lower(), "level": level_label(level)},
            code="order",
        )
    order = decisions.Level.ORDER
    if previous_level in decisions.MUSRENBANG_LEVELS and order.index(level) < order.index(previous_level):
        raise ValidationError(
            _("Usulan %(id)s sudah melewati tingkat %(previous)s; langkah %(level)s tidak dapat dicatat sesudahnya.")
            % {"id": usulan.id_usulan, "previous": level_label(previous_level), "level": level_label(level)},
            code="order",
        )
    if usulan.status in decisions.STOPS and level != previous_level:
        raise ValidationError(
            _(
                "Usulan %(id)s tidak diteruskan di tingkat %(previous)s; langkah di tingkat %(level)s tidak dapat "
                "dicatat. Hanya %(previous)s yang dapat mengubah keputusannya."
            )
            % {"id": usulan.id_usulan, "previous": _stop_label(previous_level), "level": level_label(level)},
            code="stopped",
        )
    alasan = (alasan or "").strip()
    if kind in decisions.NEEDS_REASON and not alasan:
        raise ValidationError(
            {"alasan": [_("Alasan wajib diisi untuk keputusan %(k)s.") % {"k": decisions.label(kind).lower()}]}
        )
    if prioritas is not None:
        if level != decisions.Level.KECAMATAN or kind not in decisions.RANKED:
            raise ValidationError(
                _("Peringkat hanya diberikan musrenbang kecamatan pada usulan yang disetujuinya."), code="rank"
            )
        if not 1 <= prioritas <= RANK_MAX:
            raise ValidationError(
                _("Peringkat di kecamatan harus antara 1 dan %(max)s.") % {"max": RANK_MAX}, code="rank"
            )
    return {"alasan": alasan, "prioritas": prioritas}


@transaction.atomic
def usulan_level_record(
    *, usulan: Usulan, level: str, kind: str, by: User | None, alasan: str = "", prioritas: int | None = None
) -> Decision:
    """Record a Musrenbang level's step on an usulan not routed yet: disetujui (forwarded to the next level; at the
    kecamatan with its priority rank) or tidak_diteruskan (with a reason). Bappeda records it; levels in the cycle's
    order (desa ▸ kecamatan ▸ mitra; Pokir: DPRD secretariat ▸ mitra)."""
    if by is not None and not rules.can_route_usulan(by):
        raise ValidationError(_("Langkah musrenbang hanya dapat dicatat oleh Bappeda."), code="forbidden")
    locked = _lock(usulan)
    _ensure_open(locked.fiscal_year)
    last = locked.decisions.order_by("-at", "-id").values_list("level", flat=True).first()
    fields = level_step_fields(locked, level=level, kind=kind, alasan=alasan, prioritas=prioritas, previous_level=last)
    return _record(locked, level=level, kind=kind, by=by, **fields)
