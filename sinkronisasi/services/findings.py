"""Storing the detector's findings as Overlap rows: signals with names for display, new and changed pairs, settled
pairs reopened when a row changed (or marked, when a signed forum froze them), pairs no longer flagged removed.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from musrenbang.models import Usulan
from renja.models import FiscalYear, KelompokSasaran, Opd, Wilayah
from renja.services import audit_log

from .. import text
from ..detector import SASARAN_LOKASI, USULAN, Finding
from ..models import Overlap, RowFeatures
from ..settlement import Status
from .bulk import insert_values

# What a newly flagged pair is stored with (the rest takes the model's defaults: open, found now).
NEW_PAIR_FIELDS = ("fiscal_year_id", "row_a_id", "row_b_id", "agency_pair", "opd_a_id", "opd_b_id", "score", "signals")


def _signals_for_display(finding: Finding, names: dict[str, dict], vocabulary: text.Vocabulary) -> dict:
    s = dict(finding.signals)
    places = names["wilayah"]
    s["lokasi"] = [places.get(c, c) for c in s.get("lokasi", ())[:6]]
    if SASARAN_LOKASI in s:
        s[SASARAN_LOKASI] = [names["sasaran"].get(g, g) for g in s[SASARAN_LOKASI]]
    # The matched terms: labels for exports and reports, and the terms themselves with the stems to look for in the
    # rows' own text, so that pages show the words as each row writes them (selectors.matched_words), never stems.
    phrases = vocabulary.phrase_stems  # made once per vocabulary, not once per finding
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
    # The stored pairs as plain values (a full recompute at 10x reads 100,000, nearly all unchanged): a model
    # instance only for a pair that changes, is reopened or goes while settled.
    stored = {
        (a, b): (pk, (score, signals, opd_a, opd_b, agency_pair), status, fingerprint_a, fingerprint_b, signed_at)
        for pk, a, b, score, signals, opd_a, opd_b, agency_pair, status, fingerprint_a, fingerprint_b, signed_at in (
            existing_qs.values_list(
                "pk",
                "row_a_id",
                "row_b_id",
                "score",
                "signals",
                "opd_a_id",
                "opd_b_id",
                "agency_pair",
                "status",
                "fingerprint_a",
                "fingerprint_b",
                "signed_at",
            )
        )
    }
    names = _names(findings)
    opd_names = dict(Opd.objects.values_list("pk", "singkatan"))
    now = timezone.now()
    new, changed, reopened, changed_after_signing, unchanged = [], [], [], [], 0
    to_update = []  # (finding, signals, agency_pair, pk) of stored pairs that change, in the findings' order
    for finding in findings:
        fa, fb = features[finding.a], features[finding.b]
        signals = _signals_for_display(finding, names, vocabulary)
        agency_pair = " – ".join(sorted((opd_names.get(fa.opd_id, ""), opd_names.get(fb.opd_id, ""))))
        old = stored.pop(finding.key, None)
        if old is None:
            new.append(
                (fiscal_year.pk, finding.a, finding.b, agency_pair, fa.opd_id, fb.opd_id, finding.score, signals)
            )
            continue
        pk, before, status, fingerprint_a, fingerprint_b, _signed_at = old
        rows_changed = status != Status.OPEN and (fingerprint_a != fa.fingerprint or fingerprint_b != fb.fingerprint)
        if not rows_changed and before == (finding.score, signals, fa.opd_id, fb.opd_id, agency_pair):
            unchanged += 1
            continue
        to_update.append((finding, signals, agency_pair, pk))
    instances = Overlap.objects.in_bulk([pk for *_rest, pk in to_update])
    existing = {finding.key: instances[pk] for finding, _s, _a, pk in to_update}
    for finding, signals, agency_pair, _pk in to_update:
        fa, fb = features[finding.a], features[finding.b]
        overlap = existing.pop(finding.key)
        before = (overlap.score, overlap.signals, overlap.opd_a_id, overlap.opd_b_id, overlap.agency_pair)
        overlap.score, overlap.signals, overlap.opd_a_id, overlap.opd_b_id = (
            finding.score,
            signals,
            fa.opd_id,
            fb.opd_id,
        )
        overlap.agency_pair = agency_pair
        rows_changed = overlap.is_settled and (
            overlap.fingerprint_a != fa.fingerprint or overlap.fingerprint_b != fb.fingerprint
        )
        reopen = rows_changed and not overlap.is_signed
        if rows_changed and overlap.is_signed and overlap.changed_after_signing_at is None:
            # Settled in a signed berita acara: never reopened; marked for the next forum instead.
            overlap.changed_after_signing_at = now
            changed_after_signing.append(overlap)
        if reopen:
            reopened.append((overlap, overlap.status, overlap.note))
            overlap.status, overlap.reopened_at, overlap.reopened_by = Status.OPEN, now, None
            overlap.opd_pengampu, overlap.dropped_row = None, None
        if (
            reopen
            or overlap in changed_after_signing
            or before != (overlap.score, overlap.signals, overlap.opd_a_id, overlap.opd_b_id, overlap.agency_pair)
        ):
            changed.append(overlap)
        else:
            unchanged += 1
    insert_values(Overlap, NEW_PAIR_FIELDS, new)
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
    for overlap, old_status, note in reopened:
        audit_log(
            obj=overlap,
            action="overlap.reopened",
            by=None,
            source="sync.reopened",
            changes={"status": [old_status, Status.OPEN]},
            data={"catatan_lama": note},
        )
    for overlap in changed_after_signing:
        audit_log(
            obj=overlap,
            action="overlap.changed_after_signing",
            by=None,
            source="sync.changed_after_signing",
            data={"berita_acara": overlap.berita_acara_nomor, "status": overlap.status},
        )
    # A pair settled in a signed berita acara stays, flagged or not: the signed forum names it.
    gone = [old[0] for old in stored.values() if old[5] is None]
    settled_gone = [old[0] for old in stored.values() if old[5] is None and old[2] != Status.OPEN]
    for overlap in Overlap.objects.in_bulk(settled_gone).values() if settled_gone else ():
        if overlap.is_settled:
            audit_log(
                obj=overlap,
                action="overlap.no_longer_flagged",
                by=None,
                source="sync.no_longer_flagged",
                data={"status": overlap.status, "catatan": overlap.note},
            )
    Overlap.objects.filter(pk__in=gone).delete()
    return len(new) + len(changed) + unchanged
