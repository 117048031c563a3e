"""Keeping a year's stored findings up to date with its rows, pick-ups and synonyms (cheap when nothing changed;
after a change, only the pairs that touch changed rows), and the facts and detector a process keeps between refreshes.
"""

from __future__ import annotations

import datetime
import hashlib
import importlib.metadata
import json
import threading
import time
from collections import namedtuple
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, F, Max, Q, Sum
from django.utils import timezone

from musrenbang.models import Pickup
from renja.models import FiscalYear, KelompokSasaran, RenjaRow, Wilayah
from renja.services.revision import plan_revision

from .. import selectors, text
from ..detector import Detector, Params, RowFacts, is_penunjang
from ..models import Overlap, RowFeatures, SyncState, SynonymGroup
from .bulk import insert_values
from .findings import _store_findings
from .queue import sync_recompute_enqueue

PARAMS = Params()
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
    agg = Pickup.objects.filter(renja_row__fiscal_year=fiscal_year).aggregate(
        n=Count("id"), ended=Count("id", filter=Q(dibatalkan_oleh__isnull=False)), m=Max("id")
    )
    return f"{agg['n']}:{agg['ended']}:{agg['m']}"


def _synonyms_fingerprint() -> str:
    agg = SynonymGroup.objects.aggregate(n=Count("id"), m=Max("updated_at"), a=Count("id", filter=Q(aktif=True)))
    return f"{agg['n']}:{agg['a']}:{agg['m'].isoformat() if agg['m'] else ''}"


def vocabulary_current() -> text.Vocabulary:
    _learn_stems()
    return text.vocabulary_from((g.pk, g.nama, g.phrases()) for g in SynonymGroup.objects.filter(aktif=True))


# Word roots shared by every process through the cache (a database table by default, settings.CACHES): the first
# refresh in a new process (a worker restarted) then stems only words no process has met, not the whole year's.
STEMS_CACHE_KEY = f"sinkronisasi:akar-kata:{importlib.metadata.version('PySastrawi')}:1"
_stems_learnt = False


def _learn_stems() -> None:
    global _stems_learnt
    if not _stems_learnt:
        _stems_learnt = True
        known = cache.get(STEMS_CACHE_KEY)
        if isinstance(known, dict):
            text.stems_learn(known)


def _share_stems() -> None:
    """Hand the roots this process made to the others (once a refresh has stemmed new words)."""
    made = text.stems_made()
    if made is not None:
        cache.set(STEMS_CACHE_KEY, made, None)


def _place_stopwords() -> frozenset[str]:
    return text.place_stopwords(
        Wilayah.objects.exclude(tingkat=Wilayah.Tingkat.KABUPATEN).values_list("nama", flat=True)
    )


def row_fingerprint(*, kode: str, lokasi: list[str], sasaran: list[str], nama: str, pagu: int) -> str:
    """Fingerprint of what reopens a settled pair when it changes: sub kegiatan, locations, groups, name, pagu."""
    payload = json.dumps([kode, sorted(lokasi), sorted(sasaran), nama.strip(), int(pagu)], ensure_ascii=False)
    return hashlib.sha1(payload.encode()).hexdigest()


# What a row's facts are made from, read as plain tuples (RenjaRow fields, the sub kegiatan's name).
RowSource = namedtuple(
    "RowSource",
    "pk fiscal_year_id opd_id version kode nama rincian indikator indikator_opd keterangan sub_kegiatan_nama pagu",
)
_SOURCE_FIELDS = (*RowSource._fields[:-2], "sub_kegiatan__nama", "pagu")


def _features(
    rows, vocabulary: text.Vocabulary, place_stop: frozenset[str], pickups: dict[int, list[int]], revision: int = 0
) -> list[FreshFacts]:
    """The facts of these RenjaRow instances (their lokasi and sasaran read through the instances)."""
    return [
        _row_features(
            RowSource(*(getattr(row, f) for f in RowSource._fields[:-2]), row.sub_kegiatan.nama, row.pagu),
            sorted(w.kode for w in row.lokasi.all()),
            sorted(s.slug for s in row.sasaran.all()),
            vocabulary,
            place_stop,
            pickups,
            revision,
        )
        for row in rows
    ]


def _features_read(
    fiscal_year: FiscalYear,
    ids: set[int] | None,
    vocabulary: text.Vocabulary,
    place_stop: frozenset[str],
    pickups: dict[int, list[int]],
    revision: int,
) -> list[FreshFacts]:
    """The facts of the year's rows (`ids`: only these; None: all), read as plain values in three queries: the
    same facts as _features() of the same rows, without building a model instance per row, place and group."""
    rows = RenjaRow.objects.filter(fiscal_year=fiscal_year)
    lokasi_qs = RenjaRow.lokasi.through.objects.filter(renjarow__fiscal_year=fiscal_year)
    sasaran_qs = RenjaRow.sasaran.through.objects.filter(renjarow__fiscal_year=fiscal_year)
    if ids is not None:
        if not ids:
            return []
        rows, lokasi_qs, sasaran_qs = (
            rows.filter(pk__in=ids),
            lokasi_qs.filter(renjarow_id__in=ids),
            sasaran_qs.filter(renjarow_id__in=ids),
        )
    lokasi: dict[int, list[str]] = {}
    for row_id, kode in lokasi_qs.values_list("renjarow_id", "wilayah__kode"):
        lokasi.setdefault(row_id, []).append(kode)
    sasaran: dict[int, list[str]] = {}
    for row_id, slug in sasaran_qs.values_list("renjarow_id", "kelompoksasaran__slug"):
        sasaran.setdefault(row_id, []).append(slug)
    return [
        _row_features(
            source,
            sorted(lokasi.get(source.pk, ())),
            sorted(sasaran.get(source.pk, ())),
            vocabulary,
            place_stop,
            pickups,
            revision,
        )
        for source in map(RowSource._make, rows.order_by("pk").values_list(*_SOURCE_FIELDS))
    ]


# A row's facts as stored (RowFeatures' fields), made as a plain tuple and inserted as one (services/bulk.py).
FreshFacts = namedtuple(
    "FreshFacts",
    "renja_row_id fiscal_year_id opd_id version kode penunjang lokasi sasaran terms usulan fingerprint revision",
)


def _row_features(
    row: RowSource,
    lokasi: list[str],
    sasaran: list[str],
    vocabulary: text.Vocabulary,
    place_stop: frozenset[str],
    pickups: dict[int, list[int]],
    revision: int,
) -> FreshFacts:
    nama, indikator = text.row_wording(
        nama=row.nama, rincian=row.rincian, indikator=row.indikator, indikator_opd=row.indikator_opd
    )
    return FreshFacts(
        renja_row_id=row.pk,
        fiscal_year_id=row.fiscal_year_id,
        opd_id=row.opd_id,
        version=row.version,
        kode=row.kode,
        penunjang=is_penunjang(row.kode),
        lokasi=lokasi,
        sasaran=sasaran,
        terms=text.row_terms(
            nama=nama,
            keterangan=row.keterangan,
            indikator=indikator,
            sub_kegiatan=row.sub_kegiatan_nama,
            vocabulary=vocabulary,
            extra_stop=place_stop,
        ),
        usulan=pickups.get(row.pk, []),
        # The rincian where the name was the agency's: fingerprints stored before it moved stay equal.
        fingerprint=row_fingerprint(kode=row.kode, lokasi=lokasi, sasaran=sasaran, nama=nama, pagu=row.pagu),
        revision=revision,
    )


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
        Pickup.objects.filter(renja_row__fiscal_year=fiscal_year, dibatalkan_oleh__isnull=True)
        .values_list("renja_row_id", "usulan_id")
        .order_by("renja_row_id", "usulan_id")
    ):
        out.setdefault(row_id, []).append(usulan_id)
    return out


@transaction.atomic
def sync_refresh(*, fiscal_year: FiscalYear, full: bool = False, wait: bool = True) -> RefreshResult:
    """Bring the year's stored findings up to date with its rows, pick-ups and synonyms, and the counts every page
    shows (SyncState.counts) with them; record the plan revision they reflect (SyncState.plan_revision).

    The worker runs it (sinkronisasi.tasks), and commands and tests; pages never do: they compare the recorded
    revision with the year's and queue this when it is behind (views/common.py). With `wait=False` a refresh
    already running elsewhere is not waited for.
    """
    started = time.perf_counter()
    # With the state, the plan's revision as this statement began: whatever committed before it is read below, so
    # the findings reflect at least that revision (a write committed meanwhile only makes them look older).
    state = (
        SyncState.objects.select_for_update(skip_locked=not wait, of=("self",))
        .select_related("fiscal_year")
        .filter(fiscal_year=fiscal_year)
        .first()
    )
    if state is None:
        if SyncState.objects.filter(fiscal_year=fiscal_year).exists():
            return RefreshResult("sibuk", 0, -1, 0)
        state, _created = SyncState.objects.select_for_update().get_or_create(fiscal_year=fiscal_year)
        revision = plan_revision(fiscal_year.pk)
    else:
        revision = state.fiscal_year.revision
    fingerprints = (_rows_fingerprint(fiscal_year), _pickups_fingerprint(fiscal_year), _synonyms_fingerprint())
    stored_fps = (state.rows_fingerprint, state.pickups_fingerprint, state.synonyms_fingerprint)
    if not full and state.computed_at and fingerprints == stored_fps:
        if state.plan_revision != revision or not state.counts:
            # Nothing the detector reads changed (an usulan decided or routed, a pair settled): only the counts.
            state.plan_revision, state.counts = revision, selectors.sync_counts(fiscal_year)
            state.save(update_fields=["plan_revision", "counts"])
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
    fresh = _features_read(fiscal_year, None if full else changed, vocabulary, place_stop, pickups, state.revision)
    if full:
        fresh = [f for f in fresh if f.renja_row_id in versions]  # not a row committed since `versions` was read
        RowFeatures.objects.filter(fiscal_year=fiscal_year).delete()
    else:
        RowFeatures.objects.filter(pk__in=[f.renja_row_id for f in fresh]).delete()
    insert_values(RowFeatures, FreshFacts._fields, fresh)
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
    state.plan_revision, state.counts = revision, selectors.sync_counts(fiscal_year)
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
    transaction.on_commit(_share_stems)
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


def forget_kept() -> None:
    """Drop every kept detector (tests; the next refresh reads the stored facts)."""
    with _kept_lock:
        _kept.clear()
