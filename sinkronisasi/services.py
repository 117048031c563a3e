"""Writes of the sync view: keeping findings up to date, settling overlapping pairs, editing synonyms.

`sync_refresh` is cheap when nothing changed (three aggregate queries) and, after a change, recomputes only the
pairs that touch changed rows. A full recompute runs the first time, after synonyms change, or on request.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
import threading
import time
from collections import namedtuple
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, F, Max, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.system_actor import acting_as_system
from musrenbang.models import Pengambilan, Usulan
from renja.models import FiscalYear, KelompokSasaran, Opd, RenjaRow, User, Wilayah
from renja.services import audit_log

from . import settlement, text
from .detector import SASARAN_LOKASI, USULAN, Detector, Finding, Params, RowFacts, is_penunjang
from .models import Overlap, OverlapComment, OverlapProposal, RowFeatures, SyncState, SynonymGroup
from .settlement import Outcome, Status

PARAMS = Params()
logger = logging.getLogger(__name__)
# A row's stored facts read as plain tuples (not model instances): an incremental refresh reads every row's.
StoredFacts = namedtuple(
    "StoredFacts", "renja_row_id opd_id version kode penunjang lokasi sasaran terms usulan fingerprint"
)


@dataclass
class RefreshResult:
    mode: str  # "tetap" (nothing changed), "sebagian" (incremental) or "penuh" (full)
    changed_rows: int
    pairs: int
    duration_ms: int


# Fingerprints: any write to rows, pick-ups or synonyms changes one of them.
def _rows_fingerprint(fiscal_year: FiscalYear) -> str:
    agg = RenjaRow.objects.filter(fiscal_year=fiscal_year).aggregate(
        n=Count("id"), v=Sum("version"), m=Max("updated_at"), i=Sum("id")
    )
    return f"{agg['n']}:{agg['v']}:{agg['i']}:{agg['m'].isoformat() if agg['m'] else ''}"


def _pickups_fingerprint(fiscal_year: FiscalYear) -> str:
    agg = Pengambilan.objects.filter(renja_row__fiscal_year=fiscal_year).aggregate(
        n=Count("id"), ended=Count("id", filter=Q(dibatalkan_oleh__isnull=False)), m=Max("id")
    )
    return f"{agg['n']}:{agg['ended']}:{agg['m']}"


def _synonyms_fingerprint() -> str:
    agg = SynonymGroup.objects.aggregate(n=Count("id"), m=Max("updated_at"), a=Count("id", filter=Q(aktif=True)))
    return f"{agg['n']}:{agg['a']}:{agg['m'].isoformat() if agg['m'] else ''}"


def vocabulary_current() -> text.Vocabulary:
    return text.vocabulary_from((g.pk, g.nama, g.phrases()) for g in SynonymGroup.objects.filter(aktif=True))


def _place_stopwords() -> frozenset[str]:
    return text.place_stopwords(
        Wilayah.objects.exclude(tingkat=Wilayah.Tingkat.KABUPATEN).values_list("nama", flat=True)
    )


def row_fingerprint(*, kode: str, lokasi: list[str], sasaran: list[str], nama: str, pagu: int) -> str:
    """Fingerprint of what reopens a settled pair when it changes: sub kegiatan, locations, groups, name, pagu."""
    payload = json.dumps([kode, sorted(lokasi), sorted(sasaran), nama.strip(), int(pagu)], ensure_ascii=False)
    return hashlib.sha1(payload.encode()).hexdigest()


def _features(
    rows, vocabulary: text.Vocabulary, place_stop: frozenset[str], pickups: dict[int, list[int]], revision: int = 0
) -> list[RowFeatures]:
    out = []
    for row in rows:
        lokasi = sorted(w.kode for w in row.lokasi.all())
        sasaran = sorted(s.slug for s in row.sasaran.all())
        out.append(
            RowFeatures(
                renja_row_id=row.pk,
                fiscal_year_id=row.fiscal_year_id,
                opd_id=row.opd_id,
                version=row.version,
                kode=row.kode,
                penunjang=is_penunjang(row.kode),
                lokasi=lokasi,
                sasaran=sasaran,
                terms=text.row_terms(
                    nama=row.nama,
                    keterangan=row.keterangan,
                    indikator=row.indikator,
                    sub_kegiatan=row.sub_kegiatan.nama,
                    vocabulary=vocabulary,
                    extra_stop=place_stop,
                ),
                usulan=pickups.get(row.pk, []),
                fingerprint=row_fingerprint(
                    kode=row.kode, lokasi=lokasi, sasaran=sasaran, nama=row.nama, pagu=row.pagu
                ),
                revision=revision,
            )
        )
    return out


def _facts(f: RowFeatures | StoredFacts) -> RowFacts:
    return RowFacts(
        id=f.renja_row_id,
        opd=f.opd_id,
        kode=f.kode,
        penunjang=f.penunjang,
        places=frozenset(f.lokasi),
        groups=frozenset(f.sasaran),
        terms=f.terms,
        usulan=frozenset(f.usulan),
    )


def _active_pickups(fiscal_year: FiscalYear) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for row_id, usulan_id in (
        Pengambilan.objects.filter(renja_row__fiscal_year=fiscal_year, dibatalkan_oleh__isnull=True)
        .values_list("renja_row_id", "usulan_id")
        .order_by("renja_row_id", "usulan_id")
    ):
        out.setdefault(row_id, []).append(usulan_id)
    return out


@transaction.atomic
def sync_refresh(*, fiscal_year: FiscalYear, full: bool = False, wait: bool = True) -> RefreshResult:
    """Bring the year's stored findings up to date with its rows, pick-ups and synonyms.

    With `wait=False` (page views) a refresh already running elsewhere is not waited for: the page shows the
    stored findings, and the running refresh brings them up to date.
    """
    started = time.perf_counter()
    state = SyncState.objects.select_for_update(skip_locked=not wait).filter(fiscal_year=fiscal_year).first()
    if state is None:
        if SyncState.objects.filter(fiscal_year=fiscal_year).exists():
            return RefreshResult("sibuk", 0, -1, 0)
        state, _created = SyncState.objects.select_for_update().get_or_create(fiscal_year=fiscal_year)
    fingerprints = (_rows_fingerprint(fiscal_year), _pickups_fingerprint(fiscal_year), _synonyms_fingerprint())
    stored_fps = (state.rows_fingerprint, state.pickups_fingerprint, state.synonyms_fingerprint)
    if not full and state.computed_at and fingerprints == stored_fps:
        return RefreshResult("tetap", 0, -1, 0)
    if not wait and not full and _too_long_for_a_page(fiscal_year, state, fingerprints):
        # Synonyms changed (every pair is recomputed) or many rows did (an import): a page view does not wait for
        # that; it shows the stored findings, and the worker brings them up to date.
        sync_recompute_enqueue(fiscal_years=[fiscal_year], full=fingerprints[2] != state.synonyms_fingerprint)
        return RefreshResult("dijadwalkan", 0, -1, 0)
    full = full or state.full_at is None or fingerprints[2] != state.synonyms_fingerprint

    vocabulary, place_stop = vocabulary_current(), _place_stopwords()
    # The facts (and detector) of this process's last refresh of the year, if it kept them and no full recompute
    # happened since: then only the rows other processes' refreshes wrote since are read, not the whole year.
    with _kept_lock:
        kept = _kept.pop(fiscal_year.pk, None)  # taken; put back only once this refresh has committed
    if kept is not None and (
        full or kept.state_id != state.pk or kept.full_at != state.full_at or kept.revision > state.revision
    ):
        kept = None
    written_since: set[int] = set()
    if kept is None:
        stored = {
            f.renja_row_id: f
            for f in map(
                StoredFacts._make, RowFeatures.objects.filter(fiscal_year=fiscal_year).values_list(*StoredFacts._fields)
            )
        }
    else:
        stored = kept.features
        for f in map(
            StoredFacts._make,
            RowFeatures.objects.filter(fiscal_year=fiscal_year, revision__gt=kept.revision).values_list(
                *StoredFacts._fields
            ),
        ):
            stored[f.renja_row_id] = f
            written_since.add(f.renja_row_id)
    versions = dict(RenjaRow.objects.filter(fiscal_year=fiscal_year).values_list("id", "version"))
    pickups = _active_pickups(fiscal_year) if (full or fingerprints[1] != state.pickups_fingerprint) else None
    changed = set(versions) if full else {i for i, v in versions.items() if i not in stored or stored[i].version != v}
    if pickups is not None:
        changed |= {i for i in versions if i in stored and stored[i].usulan != pickups.get(i, [])}
    else:
        pickups = {i: f.usulan for i, f in stored.items()}

    state.revision += 1
    fresh = _features(
        RenjaRow.objects.filter(pk__in=changed)
        .select_related("sub_kegiatan")
        .prefetch_related("lokasi", "sasaran")
        .order_by("pk"),
        vocabulary,
        place_stop,
        pickups,
        revision=state.revision,
    )
    RowFeatures.objects.filter(pk__in=[f.renja_row_id for f in fresh]).delete()
    RowFeatures.objects.bulk_create(fresh, batch_size=500)
    removed = [i for i in stored if i not in versions]
    features = {i: f for i, f in stored.items() if i in versions}
    features.update(
        {f.renja_row_id: StoredFacts._make(getattr(f, name) for name in StoredFacts._fields) for f in fresh}
    )

    # The same detector as the evaluation (sinkronisasi/evaluation.py): words naming a target group weigh little.
    group_terms = text.group_terms(vocabulary, KelompokSasaran.objects.values_list("slug", flat=True))
    if kept is not None and kept.group_terms == group_terms:
        detector = (
            kept.detector
        )  # told what changed: the same as one built afresh (tests/sinkronisasi/test_incremental.py)
        news = written_since | {f.renja_row_id for f in fresh}
        detector.replace([_facts(features[i]) for i in news if i in features], removed=removed)
    else:
        facts = [_facts(f) for f in features.values()]
        idf = Detector.compute_idf(r for r in facts if not r.penunjang) if full else state.idf
        detector = Detector(facts, PARAMS, idf=idf, group_terms=group_terms)
    findings = detector.findings(None if full else changed)
    pairs = _store_findings(fiscal_year, findings, features, None if full else changed, vocabulary)

    if full and connection.vendor == "postgresql":
        # Fresh statistics after thousands of new pairs, so the page's ordered index scans are chosen at once.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Overlap._meta.db_table}, {RowFeatures._meta.db_table}")
    now = timezone.now()
    state.computed_at = now
    if full:
        state.full_at, state.idf = now, detector.idf
    state.mode = "penuh" if full else "sebagian"
    state.rows_fingerprint, state.pickups_fingerprint, state.synonyms_fingerprint = fingerprints
    state.duration_ms = int((time.perf_counter() - started) * 1000)
    state.save()
    if full:
        detector.forget_vectors()  # made again on first use; keeping every row's would only cost memory
    keep = _Kept(
        state_id=state.pk,
        revision=state.revision,
        full_at=state.full_at,
        features=features,
        detector=detector,
        group_terms=group_terms,
    )
    transaction.on_commit(lambda: _keep(fiscal_year.pk, keep))
    return RefreshResult(state.mode, len(changed), pairs, state.duration_ms)


def _too_long_for_a_page(fiscal_year: FiscalYear, state: SyncState, fingerprints: tuple[str, str, str]) -> bool:
    """Whether bringing the findings up to date would keep a page waiting: synonyms changed since the last full
    recompute, or more than settings.SYNC_INLINE_MAX_ROWS rows changed (or have no facts yet)."""
    if state.full_at is not None and fingerprints[2] != state.synonyms_fingerprint:
        return True
    if fingerprints[0] == state.rows_fingerprint and state.full_at is not None:
        return False
    rows = RenjaRow.objects.filter(fiscal_year=fiscal_year)
    if state.full_at is not None:
        rows = rows.exclude(features__version=F("version"))
    return rows[: settings.SYNC_INLINE_MAX_ROWS + 1].count() > settings.SYNC_INLINE_MAX_ROWS


@dataclass
class _Kept:
    """One year's stored facts and detector as this process's last refresh left them (see sync_refresh)."""

    state_id: int
    revision: int
    full_at: datetime.datetime | None
    features: dict[int, StoredFacts]
    detector: Detector
    group_terms: frozenset[str]


# fiscal year id -> what this process's last refresh of it left; one entry per year, replaced by each refresh.
_kept: dict[int, _Kept] = {}
_kept_lock = threading.Lock()


def _keep(fiscal_year_id: int, kept: _Kept) -> None:
    with _kept_lock:
        current = _kept.get(fiscal_year_id)
        if current is None or current.revision <= kept.revision:
            _kept[fiscal_year_id] = kept


SYNC_TASK_PATH = "sinkronisasi.tasks.sync_recompute"


def _year_tasks(fiscal_year_id: int):
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path=SYNC_TASK_PATH, args_kwargs__kwargs__fiscal_year_id=fiscal_year_id)


def sync_recompute_enqueue(
    *, fiscal_years: list[FiscalYear], full: bool = False, attempt: int = 1, delay_s: int = 0
) -> int:
    """Queue a recompute of each year for the worker, unless one is already waiting (a waiting full recompute
    covers a partial one). Written in the caller's transaction: queued only if the change asking for it commits.
    Full recomputes take seconds at Kukar's size and most of a minute at 10x: no request waits for them, pages show
    the stored findings meanwhile. Returns how many were queued."""
    from .tasks import sync_recompute

    queued = 0
    for year in fiscal_years:
        _give_up_stale(year.pk)
        waiting = _year_tasks(year.pk).filter(status="READY")
        if full:
            waiting = waiting.filter(args_kwargs__kwargs__full=True)
        if waiting.exists():
            continue
        job = sync_recompute
        if delay_s:
            job = job.using(run_after=timezone.now() + datetime.timedelta(seconds=delay_s))
        job.enqueue(fiscal_year_id=year.pk, full=full, attempt=attempt)
        queued += 1
    return queued


def _give_up_stale(fiscal_year_id: int) -> None:
    """A recompute marked running for longer than any takes lost its worker (killed, machine restarted): mark it
    failed, so that a new one is queued in its place."""
    stale = _year_tasks(fiscal_year_id).filter(
        status="RUNNING", started_at__lt=timezone.now() - datetime.timedelta(seconds=settings.SYNC_TASK_STALE_S)
    )
    given_up = stale.update(
        status="FAILED",
        finished_at=timezone.now(),
        exception_class_path="renja.WorkerLost",
        traceback=_("Pekerja berhenti sebelum perhitungan ulang selesai."),
    )
    if given_up:
        logger.warning(
            "Sinkronisasi: %s perhitungan ulang tahun id %s ditinggalkan pekerjanya; diantrekan lagi",
            given_up,
            fiscal_year_id,
        )


def sync_recompute_run(*, fiscal_year_id: int, full: bool, attempt: int) -> dict:
    """The queued recompute itself (sinkronisasi.tasks.sync_recompute). A failure is logged and queued again, after
    30 s, 60 s, … up to settings.SYNC_TASK_ATTEMPTS in all; past that, the next page view that finds the findings
    out of date queues it again."""
    year = FiscalYear.objects.filter(pk=fiscal_year_id).first()
    if year is None:
        return {"mode": "tahun_dihapus"}
    try:
        with acting_as_system("sync.recompute"):
            result = sync_refresh(fiscal_year=year, full=full)  # waits for a refresh running elsewhere
    except Exception:
        logger.exception("Perhitungan ulang sinkronisasi %s gagal (percobaan %s)", year.year, attempt)
        if attempt < settings.SYNC_TASK_ATTEMPTS:
            sync_recompute_enqueue(fiscal_years=[year], full=full, attempt=attempt + 1, delay_s=30 * attempt)
        raise
    logger.info(
        "Sinkronisasi %s dihitung ulang: %s, %s pasangan, %s ms",
        year.year,
        result.mode,
        result.pairs,
        result.duration_ms,
    )
    return {"mode": result.mode, "pairs": result.pairs, "changed_rows": result.changed_rows, "ms": result.duration_ms}


@dataclass
class TaskState:
    """What the page says of a year's queued recompute: running since, or waiting since."""

    running: bool
    since: datetime.datetime
    attempt: int
    full: bool


def sync_task_state(fiscal_year: FiscalYear) -> TaskState | None:
    """The year's recompute that is running, else the next one waiting; None when none is."""
    for status in ("RUNNING", "READY"):
        task = _year_tasks(fiscal_year.pk).filter(status=status).order_by("run_after", "enqueued_at").first()
        if task is not None:
            kwargs = task.args_kwargs.get("kwargs", {})
            since = task.started_at if status == "RUNNING" else max(task.enqueued_at, task.run_after)
            return TaskState(
                running=status == "RUNNING",
                since=since,
                attempt=int(kwargs.get("attempt", 1)),
                full=bool(kwargs.get("full")),
            )
    return None


def forget_kept() -> None:
    """Drop every kept detector (tests; the next refresh reads the stored facts)."""
    with _kept_lock:
        _kept.clear()


def _signals_for_display(finding: Finding, names: dict[str, dict], vocabulary: text.Vocabulary) -> dict:
    s = dict(finding.signals)
    s["lokasi"] = [names["wilayah"].get(c, c) for c in s.get("lokasi", [])][:6]
    if SASARAN_LOKASI in s:
        s[SASARAN_LOKASI] = [names["sasaran"].get(g, g) for g in s[SASARAN_LOKASI]]
    # The matched terms: labels for exports and reports, and the terms themselves with the stems to look for in the
    # rows' own text, so that pages show the words as each row writes them (selectors.matched_words), never stems.
    phrases = {g.term: sorted({w for phrase in g.phrases for w in phrase}) for g in vocabulary.groups}
    s["istilah_kunci"] = [[t, phrases.get(t, [t])] for t in s.get("istilah", [])]
    s["istilah"] = [vocabulary.label(t) for t in s.get("istilah", [])]
    if USULAN in s:
        s["usulan_id"] = sorted(names["usulan"].get(u, str(u)) for u in s[USULAN])[:10]
    return s


def _names(findings: list[Finding]) -> dict:
    """Names the stored signals show, each kind read in one query (usulan ids only for double-funded pairs)."""
    picked = {u for f in findings for u in f.signals.get(USULAN, ())}
    return {
        "wilayah": dict(Wilayah.objects.values_list("kode", "nama")),
        "sasaran": dict(KelompokSasaran.objects.values_list("slug", "nama")),
        "usulan": dict(Usulan.objects.filter(pk__in=picked).values_list("pk", "id_usulan")) if picked else {},
    }


def _store_findings(
    fiscal_year: FiscalYear,
    findings: list[Finding],
    features: dict[int, RowFeatures],
    scope: set[int] | None,
    vocabulary: text.Vocabulary,
) -> int:
    """Upsert flagged pairs, drop pairs no longer flagged, reopen settled pairs whose rows changed."""
    existing_qs = Overlap.objects.filter(fiscal_year=fiscal_year)
    if scope is not None:
        existing_qs = existing_qs.filter(Q(row_a__in=scope) | Q(row_b__in=scope))
    existing = {(p.row_a_id, p.row_b_id): p for p in existing_qs}
    names = _names(findings)
    opd_names = dict(Opd.objects.values_list("pk", "singkatan"))
    now = timezone.now()
    new, changed, reopened, changed_after_signing, unchanged = [], [], [], [], 0
    for finding in findings:
        fa, fb = features[finding.a], features[finding.b]
        signals = _signals_for_display(finding, names, vocabulary)
        agency_pair = " – ".join(sorted((opd_names.get(fa.opd_id, ""), opd_names.get(fb.opd_id, ""))))
        pair = existing.pop(finding.key, None)
        if pair is None:
            new.append(
                Overlap(
                    fiscal_year=fiscal_year,
                    row_a_id=finding.a,
                    row_b_id=finding.b,
                    agency_pair=agency_pair,
                    opd_a_id=fa.opd_id,
                    opd_b_id=fb.opd_id,
                    score=finding.score,
                    signals=signals,
                )
            )
            continue
        before = (pair.score, pair.signals, pair.opd_a_id, pair.opd_b_id, pair.agency_pair)
        pair.score, pair.signals, pair.opd_a_id, pair.opd_b_id = finding.score, signals, fa.opd_id, fb.opd_id
        pair.agency_pair = agency_pair
        rows_changed = pair.is_resolved and (
            pair.fingerprint_a != fa.fingerprint or pair.fingerprint_b != fb.fingerprint
        )
        reopen = rows_changed and not pair.is_signed
        if rows_changed and pair.is_signed and pair.changed_after_signing_at is None:
            # Settled in a signed berita acara: never reopened; marked for the next forum instead.
            pair.changed_after_signing_at = now
            changed_after_signing.append(pair)
        if reopen:
            reopened.append((pair, pair.status, pair.note))
            pair.status, pair.reopened_at, pair.reopened_by = Status.OPEN, now, None
            pair.opd_pengampu, pair.dropped_row = None, None
        if (
            reopen
            or pair in changed_after_signing
            or before != (pair.score, pair.signals, pair.opd_a_id, pair.opd_b_id, pair.agency_pair)
        ):
            changed.append(pair)
        else:
            unchanged += 1
    Overlap.objects.bulk_create(new, batch_size=500)
    Overlap.objects.bulk_update(
        changed,
        [
            "score",
            "signals",
            "opd_a",
            "opd_b",
            "agency_pair",
            "status",
            "reopened_at",
            "reopened_by",
            "opd_pengampu",
            "dropped_row",
            "changed_after_signing_at",
        ],
        batch_size=500,
    )
    for pair, old_status, note in reopened:
        audit_log(
            obj=pair,
            action="overlap.reopened",
            by=None,
            source="sync.reopened",
            changes={"status": [old_status, Status.OPEN]},
            data={"catatan_lama": note},
        )
    for pair in changed_after_signing:
        audit_log(
            obj=pair,
            action="overlap.changed_after_signing",
            by=None,
            source="sync.changed_after_signing",
            data={"berita_acara": pair.berita_acara_nomor, "status": pair.status},
        )
    # A pair settled in a signed berita acara stays, flagged or not: the signed forum names it.
    gone = [p for p in existing.values() if not p.is_signed]
    for pair in gone:
        if pair.is_resolved:
            audit_log(
                obj=pair,
                action="overlap.no_longer_flagged",
                by=None,
                source="sync.no_longer_flagged",
                data={"status": pair.status, "catatan": pair.note},
            )
    Overlap.objects.filter(pk__in=[p.pk for p in gone]).delete()
    return len(new) + len(changed) + unchanged


@transaction.atomic
def overlap_resolve(
    *,
    pair: Overlap,
    status: str,
    by: User,
    note: str = "",
    opd_pengampu: Opd | None = None,
    dropped_row: RenjaRow | None = None,
) -> Overlap:
    """Settle a flagged pair: complementary, coordination under a lead agency, or duplication (a row to drop)."""
    pair = Overlap.objects.select_for_update().select_related("row_a", "row_b").get(pk=pair.pk)
    settlement.ensure_allowed(pair, "settle")
    settlement.check_settlement(pair, status=status, note=note, opd_pengampu=opd_pengampu, dropped_row=dropped_row)
    features = {
        f.renja_row_id: f.fingerprint for f in RowFeatures.objects.filter(pk__in=[pair.row_a_id, pair.row_b_id])
    }
    old = {"status": pair.status, "catatan": pair.note}
    pair.status, pair.note = status, note.strip()
    pair.opd_pengampu = opd_pengampu if status in settlement.NEEDS_LEAD else None
    pair.dropped_row = dropped_row if status in settlement.NEEDS_DROPPED_ROW else None
    pair.settled_by, pair.settled_at = by, timezone.now()
    pair.fingerprint_a, pair.fingerprint_b = features.get(pair.row_a_id, ""), features.get(pair.row_b_id, "")
    pair.reopened_at, pair.reopened_by = None, None
    pair.save()
    audit_log(
        obj=pair,
        action="overlap.resolved",
        by=by,
        changes={"status": [old["status"], status], "catatan": [old["catatan"], pair.note]},
        data={
            "opd_pengampu": opd_pengampu.singkatan if pair.opd_pengampu else None,
            "baris_dihapus": dropped_row.ref if pair.dropped_row else None,
        },
    )
    return pair


@transaction.atomic
def overlap_reopen(*, pair: Overlap, by: User, note: str = "") -> Overlap:
    """Undo a settlement by hand (the pair shows as open again)."""
    pair = Overlap.objects.select_for_update().get(pk=pair.pk)
    settlement.ensure_allowed(pair, "reopen")
    old = pair.status
    pair.status, pair.opd_pengampu, pair.dropped_row = Status.OPEN, None, None
    pair.reopened_at, pair.reopened_by = timezone.now(), by
    pair.save(update_fields=["status", "opd_pengampu", "dropped_row", "reopened_at", "reopened_by"])
    audit_log(
        obj=pair, action="overlap.reopened", by=by, changes={"status": [old, pair.status]}, data={"catatan": note}
    )
    return pair


@transaction.atomic
def overlap_sign(*, pairs: list[Overlap], nomor: str, forum: str, by: User) -> None:
    """Freeze the settlements a berita acara just signed (forum services call this when a forum is signed)."""
    now = timezone.now()
    for pair in Overlap.objects.select_for_update().filter(pk__in=[p.pk for p in pairs]).order_by("pk"):
        pair.signed_at, pair.berita_acara_nomor, pair.berita_acara_forum = now, nomor, forum[:300]
        pair.changed_after_signing_at = None
        pair.save(
            update_fields=[
                "signed_at",
                "berita_acara_nomor",
                "berita_acara_forum",
                "changed_after_signing_at",
            ]
        )
        audit_log(obj=pair, action="overlap.signed", by=by, data={"berita_acara": nomor, "status": pair.status})


@transaction.atomic
def overlap_release_for_forum(*, pair: Overlap, forum: str, by: User) -> None:
    """A pair settled in a signed berita acara goes on a later forum's agenda: that forum may settle it again."""
    pair = Overlap.objects.select_for_update().get(pk=pair.pk)
    if not pair.is_signed:
        return
    pair.signed_at = None
    pair.save(update_fields=["signed_at"])
    audit_log(
        obj=pair,
        action="overlap.taken_to_forum",
        by=by,
        data={"berita_acara_sebelumnya": pair.berita_acara_nomor, "forum": forum},
    )


@transaction.atomic
def overlap_comment_add(*, pair: Overlap, by: User, text: str) -> OverlapComment:
    """Add a comment to a pair's discussion (its agencies' officers, Bappeda, facilitators); bounded in length."""
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Komentar tidak boleh kosong.")})
    if len(text) > OverlapComment.MAX_TEXT:
        raise ValidationError({"text": _("Komentar paling panjang %(n)s karakter.") % {"n": OverlapComment.MAX_TEXT}})
    comment = OverlapComment.objects.create(pair=pair, by=by, text=text, opd_id=by.opd_id if by.opd_id else None)
    audit_log(obj=pair, action="overlap.commented", by=by, data={"komentar": comment.pk, "teks": text[:200]})
    return comment


def _proposal_summary(proposal: OverlapProposal) -> dict:
    return {
        "usulan": proposal.pk,
        "status": proposal.status,
        "catatan": proposal.note,
        "opd_pengampu": proposal.opd_pengampu.singkatan if proposal.opd_pengampu else None,
        "baris_dihapus": proposal.dropped_row.ref if proposal.dropped_row else None,
        "diusulkan_oleh": proposal.proposed_by.username,
        "opd": proposal.opd.singkatan,
    }


@transaction.atomic
def overlap_propose(
    *,
    pair: Overlap,
    by: User,
    status: str,
    note: str = "",
    opd_pengampu: Opd | None = None,
    dropped_row: RenjaRow | None = None,
) -> OverlapProposal:
    """An officer of one of the pair's agencies proposes a settlement; it replaces the pair's open proposal, if any.
    Refused, as a settlement is, on a pair frozen by a signed berita acara."""
    pair = Overlap.objects.select_for_update().select_related("row_a", "row_b").get(pk=pair.pk)
    settlement.ensure_allowed(pair, "propose")
    settlement.check_settlement(pair, status=status, note=note, opd_pengampu=opd_pengampu, dropped_row=dropped_row)
    now = timezone.now()
    for old in OverlapProposal.objects.select_for_update().filter(pair=pair, outcome=Outcome.WAITING):
        old.outcome, old.decided_by, old.decided_at = Outcome.REPLACED, by, now
        old.save(update_fields=["outcome", "decided_by", "decided_at"])
        audit_log(obj=pair, action="overlap.proposal_replaced", by=by, data={"usulan": old.pk})
    proposal = OverlapProposal.objects.create(
        pair=pair,
        status=status,
        note=note.strip(),
        opd_id=by.opd_id,
        proposed_by=by,
        opd_pengampu=opd_pengampu if status in settlement.NEEDS_LEAD else None,
        dropped_row=dropped_row if status in settlement.NEEDS_DROPPED_ROW else None,
    )
    audit_log(obj=pair, action="overlap.proposed", by=by, data=_proposal_summary(proposal))
    return proposal


def _lock_open_proposal(proposal: OverlapProposal) -> OverlapProposal:
    # of=("self",): PostgreSQL cannot lock the nullable side of the outer joins (lead agency, row to drop).
    proposal = (
        OverlapProposal.objects.select_for_update(of=("self",))
        .select_related("pair", "opd", "opd_pengampu", "dropped_row", "proposed_by")
        .get(pk=proposal.pk)
    )
    if proposal.outcome == Outcome.REPLACED:
        raise ValidationError(
            _("Usulan ini sudah diganti dengan usulan yang lebih baru; periksa usulan terbaru."), code="replaced"
        )
    if not proposal.is_open:
        raise ValidationError(_("Usulan ini sudah diputuskan."), code="decided")
    return proposal


@transaction.atomic
def overlap_proposal_confirm(*, proposal: OverlapProposal, by: User) -> Overlap:
    """A planner or facilitator confirms an open proposal: the pair is settled with its values (overlap_resolve),
    and the proposal records who proposed and who confirmed."""
    proposal = _lock_open_proposal(proposal)
    pair = overlap_resolve(
        pair=proposal.pair,
        status=proposal.status,
        by=by,
        note=proposal.note,
        opd_pengampu=proposal.opd_pengampu,
        dropped_row=proposal.dropped_row,
    )
    proposal.outcome, proposal.decided_by, proposal.decided_at = (
        Outcome.CONFIRMED,
        by,
        timezone.now(),
    )
    proposal.save(update_fields=["outcome", "decided_by", "decided_at"])
    audit_log(obj=pair, action="overlap.proposal_confirmed", by=by, data=_proposal_summary(proposal))
    return pair


@transaction.atomic
def overlap_proposal_decline(*, proposal: OverlapProposal, by: User, reason: str) -> OverlapProposal:
    """A planner or facilitator declines an open proposal, with a reason; the pair stays as it was."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Alasan penolakan wajib diisi.")})
    proposal = _lock_open_proposal(proposal)
    proposal.outcome, proposal.reason = Outcome.DECLINED, reason[:1000]
    proposal.decided_by, proposal.decided_at = by, timezone.now()
    proposal.save(update_fields=["outcome", "reason", "decided_by", "decided_at"])
    audit_log(
        obj=proposal.pair,
        action="overlap.proposal_declined",
        by=by,
        data={**_proposal_summary(proposal), "alasan": proposal.reason},
    )
    return proposal


def _years_with_findings() -> list[FiscalYear]:
    return list(FiscalYear.objects.filter(sync_state__isnull=False))


@transaction.atomic
def synonym_group_save(*, group: SynonymGroup | None, nama: str, frasa: str, aktif: bool, by: User) -> SynonymGroup:
    """Create or change a synonym group; every year's findings are recomputed with it (in the background)."""
    nama = nama.strip()
    probe = SynonymGroup(nama=nama, frasa=frasa)
    phrases = probe.phrases()
    if not nama:
        raise ValidationError({"nama": _("Nama kelompok wajib diisi.")})
    if len(phrases) < 2:
        raise ValidationError({"frasa": _("Isi paling sedikit dua frasa yang bermakna sama, dipisah koma.")})
    if text.synonym_group("x", nama, phrases) is None:
        raise ValidationError({"frasa": _("Frasa-frasa ini sama setelah kata dasar diambil; isi frasa yang berbeda.")})
    clash = SynonymGroup.objects.filter(nama__iexact=nama)
    if group is not None:
        clash = clash.exclude(pk=group.pk)
    if clash.exists():
        raise ValidationError({"nama": _("Kelompok %(nama)s sudah ada.") % {"nama": nama}})
    creating = group is None
    group = group or SynonymGroup()
    old = {"nama": group.nama, "frasa": group.frasa, "aktif": group.aktif}
    group.nama, group.frasa, group.aktif, group.updated_by = nama, ", ".join(phrases), aktif, by
    group.save()
    audit_log(
        obj=group,
        action="synonym_group.created" if creating else "synonym_group.changed",
        by=by,
        changes={k: [old[k], getattr(group, k)] for k in old if old[k] != getattr(group, k)},
    )
    sync_recompute_enqueue(fiscal_years=_years_with_findings(), full=True)
    return group


@transaction.atomic
def synonym_group_delete(*, group: SynonymGroup, by: User) -> None:
    audit_log(obj=group, action="synonym_group.deleted", by=by, data={"nama": group.nama, "frasa": group.frasa})
    group.delete()
    sync_recompute_enqueue(fiscal_years=_years_with_findings(), full=True)


def synonym_group_seed() -> int:
    """Load the default synonym groups that are not there yet (by name). Idempotent."""
    from .builtin_synonyms import DEFAULT_SYNONYMS

    have = {n.lower() for n in SynonymGroup.objects.values_list("nama", flat=True)}
    new = [
        SynonymGroup(nama=label, frasa=", ".join(phrases))
        for label, phrases in DEFAULT_SYNONYMS
        if label.lower() not in have
    ]
    SynonymGroup.objects.bulk_create(new)
    return len(new)
