"""Homes for orphan usulan and duplicate usulan: stored by the recompute task (homes_refresh), acted on by planners
(routing an usulan to a home's agency with the row suggested; merging or dismissing a duplicate pair)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from musrenbang import decisions
from musrenbang.models import Decision, Usulan
from musrenbang.services import usulan_decide, usulan_route
from renja import permissions as rules
from renja.models import FiscalYear, KelompokSasaran, RenjaRow, User, Wilayah
from renja.services import audit_log
from renja.services.revision import plan_changed

from .. import homes, selectors, text
from ..models import DuplicateUsulan, HomeSuggestion
from .bulk import insert_values
from .refresh import _share_stems, vocabulary_current

MAX_REASON = 1000  # the merge reason a planner may add


def _stop() -> frozenset[str]:
    return text.place_stopwords(
        Wilayah.objects.exclude(tingkat=Wilayah.Tingkat.KABUPATEN).values_list("nama", flat=True)
    )


def _usulan_facts(fiscal_year: FiscalYear) -> list[homes.UsulanFacts]:
    """Every usulan of the year that may still be matched (not merged, not closed), as plain facts, by id."""
    groups: dict[int, set[str]] = {}
    through = Usulan.sasaran.through
    for usulan_id, slug in through.objects.filter(usulan__fiscal_year=fiscal_year).values_list(
        "usulan_id", "kelompoksasaran__slug"
    ):
        groups.setdefault(usulan_id, set()).add(slug)
    rows = (
        Usulan.objects.filter(fiscal_year=fiscal_year)
        .exclude(status__in=[decisions.MERGED, decisions.CLOSED])
        .order_by("pk")
        .values_list("pk", "desa__kode", "usulan", "uraian", "opd_tujuan_id")
    )
    return [
        homes.UsulanFacts(
            id=pk, desa=desa or "", usulan=usulan, uraian=uraian, groups=frozenset(groups.get(pk, ())), opd=opd
        )
        for pk, desa, usulan, uraian, opd in rows
    ]


def _row_texts(fiscal_year: FiscalYear) -> list[homes.RowText]:
    places: dict[int, set[str]] = {}
    for row_id, kode in RenjaRow.lokasi.through.objects.filter(renjarow__fiscal_year=fiscal_year).values_list(
        "renjarow_id", "wilayah__kode"
    ):
        places.setdefault(row_id, set()).add(kode)
    groups: dict[int, set[str]] = {}
    for row_id, slug in RenjaRow.sasaran.through.objects.filter(renjarow__fiscal_year=fiscal_year).values_list(
        "renjarow_id", "kelompoksasaran__slug"
    ):
        groups.setdefault(row_id, set()).add(slug)
    fields = ("pk", "opd_id", "kode", "nama", "rincian", "indikator", "indikator_opd", "keterangan")
    return [
        homes.RowText(
            id=pk,
            opd=opd,
            kode=kode,
            nama=nama,
            rincian=rincian,
            indikator=indikator,
            indikator_opd=indikator_opd,
            keterangan=keterangan,
            places=frozenset(places.get(pk, ())),
            groups=frozenset(groups.get(pk, ())),
        )
        for pk, opd, kode, nama, rincian, indikator, indikator_opd, keterangan in RenjaRow.objects.filter(
            fiscal_year=fiscal_year
        )
        .order_by("pk")
        .values_list(*fields)
    ]


@transaction.atomic
def homes_refresh(*, fiscal_year: FiscalYear) -> dict:
    """Recompute the year's home suggestions (for every usulan not picked up) and duplicate pairs, keeping those a
    planner acted on (routed suggestions, merged or dismissed pairs). Run by the recompute task after the findings."""
    vocabulary, stop = vocabulary_current(), _stop()
    slugs = list(KelompokSasaran.objects.values_list("slug", flat=True))
    rows = _row_texts(fiscal_year)
    opd_of = {r.id: r.opd for r in rows}
    facts = _usulan_facts(fiscal_year)
    orphan_ids = set(selectors.usulan_belum_diambil(fiscal_year).order_by().values_list("pk", flat=True))
    index = homes.home_index(rows, vocabulary, stop=stop, group_slugs=slugs)
    # Made once for homes and duplicates, and once per text: usulan are often written alike.
    by_text: dict[tuple[str, str], dict[str, float]] = {}
    terms = {}
    for u in facts:
        made = by_text.get((u.usulan, u.uraian))
        if made is None:
            made = by_text[(u.usulan, u.uraian)] = homes.usulan_terms(u, vocabulary, stop)
        terms[u.id] = made
    # Kept by key (usulan, row), so that a page's buttons stay valid across recomputes: updated, added, removed.
    routed = set(
        HomeSuggestion.objects.filter(fiscal_year=fiscal_year, routed_at__isnull=False).values_list(
            "usulan_id", "row_id"
        )
    )
    # Read as plain values (most are unchanged): an instance only for each one that changed.
    existing = {
        (usulan_id, row_id): (pk, rank, score, reasons)
        for pk, usulan_id, row_id, rank, score, reasons in HomeSuggestion.objects.filter(
            fiscal_year=fiscal_year, routed_at__isnull=True
        ).values_list("id", "usulan_id", "row_id", "rank", "score", "reasons")
    }
    fresh, changed, suggested = [], [], 0
    for u in facts:
        if u.id not in orphan_ids:
            continue
        for rank, (row_id, score, reasons) in enumerate(index.suggest(u, terms[u.id]), start=1):
            key = (u.id, row_id)
            suggested += 1
            if key in routed:
                continue
            old = existing.pop(key, None)
            if old is None:
                fresh.append((fiscal_year.pk, u.id, row_id, opd_of[row_id], rank, score, reasons))
            elif old[1:] != (rank, score, reasons):
                changed.append(HomeSuggestion(pk=old[0], rank=rank, score=score, reasons=reasons))
    HomeSuggestion.objects.filter(pk__in=[s[0] for s in existing.values()]).delete()
    HomeSuggestion.objects.bulk_update(changed, ["rank", "score", "reasons"], batch_size=500)
    insert_values(
        HomeSuggestion, ("fiscal_year_id", "usulan_id", "row_id", "opd_id", "rank", "score", "reasons"), fresh
    )

    placed = [u for u in facts if u.desa]
    pairs = {
        (a, b): (score, reasons)
        for a, b, score, reasons in homes.find_duplicates(
            placed, vocabulary, stop=stop, group_slugs=slugs, terms=[terms[u.id] for u in placed]
        )
    }
    stored = {
        (a, b): (pk, score, reasons, status)
        for pk, a, b, score, reasons, status in DuplicateUsulan.objects.filter(fiscal_year=fiscal_year).values_list(
            "id", "usulan_a_id", "usulan_b_id", "score", "reasons", "status"
        )
    }
    is_open = DuplicateUsulan.Status.OPEN
    gone = [p[0] for key, p in stored.items() if key not in pairs and p[3] == is_open]
    DuplicateUsulan.objects.filter(pk__in=gone).delete()
    changed_pairs = []
    for key, (score, reasons) in pairs.items():
        p = stored.get(key)
        if p is not None and p[3] == is_open and p[1:3] != (score, reasons):
            changed_pairs.append(DuplicateUsulan(pk=p[0], score=score, reasons=reasons))
    DuplicateUsulan.objects.bulk_update(changed_pairs, ["score", "reasons"], batch_size=500)
    insert_values(
        DuplicateUsulan,
        ("fiscal_year_id", "usulan_a_id", "usulan_b_id", "score", "reasons"),
        [(fiscal_year.pk, a, b, score, reasons) for (a, b), (score, reasons) in pairs.items() if (a, b) not in stored],
    )
    transaction.on_commit(_share_stems)  # the usulan's words, for the next process
    return {"homes": suggested, "duplicates": len(pairs)}


@transaction.atomic
def home_route(*, suggestion: HomeSuggestion, by: User) -> HomeSuggestion:
    """Route the usulan to the suggested row's agency (the musrenbang routing service) and mark the suggestion, so
    that the agency's officer sees the row suggested and the row picker starts on it."""
    if not rules.can_route_usulan(by):
        raise ValidationError(_("Hanya Bappeda yang dapat meneruskan usulan."), code="forbidden")
    plan_changed(suggestion.fiscal_year_id)  # the year's row first, as every writer of the plan takes it
    locked = (
        HomeSuggestion.objects.select_for_update(of=("self",))
        .select_related("usulan", "row", "opd")
        .get(pk=suggestion.pk)
    )
    if locked.usulan.status not in decisions.ROUTABLE:
        raise ValidationError(
            _("Usulan %(id)s sudah %(status)s; tidak dapat diteruskan dari saran rumah.")
            % {"id": locked.usulan.id_usulan, "status": locked.usulan.get_status_display().lower()},
            code="not_routable",
        )
    before = locked.usulan.opd_tujuan.singkatan if locked.usulan.opd_tujuan_id else ""
    usulan_route(usulan=locked.usulan, opd=locked.opd, by=by)
    locked.routed_at, locked.routed_by = timezone.now(), by
    locked.save(update_fields=["routed_at", "routed_by"])
    audit_log(
        obj=locked.usulan,
        action="home.routed",
        by=by,
        changes={"opd_tujuan": [before, locked.opd.singkatan]},
        data={"usulan": locked.usulan.id_usulan, "row": locked.row.ref, "opd": locked.opd.singkatan},
    )
    return locked


def _lock_open_pair(pair: DuplicateUsulan) -> DuplicateUsulan:
    locked = (
        DuplicateUsulan.objects.select_for_update(of=("self",)).select_related("usulan_a", "usulan_b").get(pk=pair.pk)
    )
    if locked.status != DuplicateUsulan.Status.OPEN:
        raise ValidationError(
            _("Pasangan usulan ini sudah %(status)s.") % {"status": locked.get_status_display().lower()},
            code="decided",
        )
    return locked


@transaction.atomic
def duplicate_merge(*, pair: DuplicateUsulan, keep: str, by: User, alasan: str = "") -> DuplicateUsulan:
    """Merge one usulan of the pair into the other (`keep`: "a" or "b", the one that stays): the existing *digabung*
    decision on the merged one's trail, taken by a planner for its agency."""
    if not rules.is_planner(by):
        raise ValidationError(_("Hanya Bappeda yang dapat menggabungkan usulan ganda."), code="forbidden")
    if keep not in ("a", "b"):
        raise ValidationError(_("Pilih usulan yang dipertahankan."), code="keep")
    alasan = (alasan or "").strip()
    if len(alasan) > MAX_REASON:
        raise ValidationError(
            _("Alasan terlalu panjang (%(n)s karakter, paling banyak %(max)s).")
            % {"n": len(alasan), "max": MAX_REASON},
            code="reason",
        )
    plan_changed(pair.fiscal_year_id)  # the year's row first, as every writer of the plan takes it
    locked = _lock_open_pair(pair)
    # Both usulan read again under their locks (in pk order): the pair's list may be older than their trails.
    fresh = {
        u.pk: u
        for u in Usulan.objects.select_for_update()
        .filter(pk__in=[locked.usulan_a_id, locked.usulan_b_id])
        .order_by("pk")
    }
    stays, goes = (
        (fresh[locked.usulan_a_id], fresh[locked.usulan_b_id])
        if keep == "a"
        else (fresh[locked.usulan_b_id], fresh[locked.usulan_a_id])
    )
    # Never into or out of an usulan already merged or closed: merges must not chain into a loop.
    for usulan in (stays, goes):
        if usulan.status in (decisions.MERGED, decisions.CLOSED):
            raise ValidationError(
                _("Usulan %(id)s sudah %(status)s; pasangan ini tidak dapat digabungkan.")
                % {"id": usulan.id_usulan, "status": usulan.get_status_display().lower()},
                code="settled",
            )
    if goes.status in decisions.ACCEPTED:
        raise ValidationError(
            _("Usulan %(id)s sudah diterima ke baris Renja; gabungkan usulan yang lain ke dalamnya.")
            % {"id": goes.id_usulan},
            code="accepted",
        )
    if goes.opd_tujuan_id is None:
        raise ValidationError(
            _("Usulan %(id)s belum diteruskan ke OPD; teruskan dulu, lalu gabungkan.") % {"id": goes.id_usulan},
            code="not_routed",
        )
    reason = alasan or _("Usulan ganda dengan %(id)s") % {"id": stays.id_usulan}
    usulan_decide(
        usulan=goes,
        kind=Decision.Kind.DIGABUNG,
        by=by,
        level=Decision.Level.OPD,
        alasan=reason,
        merge_usulan=stays,
    )
    locked.status, locked.decided_by, locked.decided_at = DuplicateUsulan.Status.MERGED, by, timezone.now()
    locked.save(update_fields=["status", "decided_by", "decided_at"])
    audit_log(
        obj=goes,
        action="duplicate.merged",
        by=by,
        changes={"digabung_ke": ["", stays.id_usulan]},
        data={"usulan": goes.id_usulan, "into": stays.id_usulan, "score": locked.score},
    )
    return locked


@transaction.atomic
def duplicate_dismiss(*, pair: DuplicateUsulan, by: User) -> DuplicateUsulan:
    """Mark a pair as not a duplicate ("bukan ganda"): kept across recomputes, never listed as open again."""
    if not rules.is_planner(by):
        raise ValidationError(_("Hanya Bappeda yang dapat menandai pasangan bukan ganda."), code="forbidden")
    locked = _lock_open_pair(pair)
    locked.status, locked.decided_by, locked.decided_at = DuplicateUsulan.Status.DISMISSED, by, timezone.now()
    locked.save(update_fields=["status", "decided_by", "decided_at"])
    audit_log(
        obj=locked.usulan_a,
        action="duplicate.dismissed",
        by=by,
        changes={"status": [str(DuplicateUsulan.Status.OPEN.label), str(DuplicateUsulan.Status.DISMISSED.label)]},
        data={"usulan_a": locked.usulan_a.id_usulan, "usulan_b": locked.usulan_b.id_usulan},
    )
    return locked
