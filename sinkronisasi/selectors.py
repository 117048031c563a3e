"""Reads of the sync view: stored overlapping pairs, usulan no agency picked up, their counts and reasons,
a pair's discussion."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from django.db import connections
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from core.db_router import for_reports
from core.formatting import angka, place_label
from core.memo import Memo
from core.tabular import Column
from musrenbang import decisions
from musrenbang.models import Usulan
from renja import permissions as rules
from renja.models import FiscalYear, KelompokSasaran, Opd, RenjaRow, StageWindow, User

from .detector import KODE, SASARAN_LOKASI, URAIAN, USULAN
from .models import Overlap, OverlapComment, OverlapProposal, SyncState
from .settlement import Outcome, Status
from .text import FUNCTION_WORDS, normalise, stem


class Cause:
    """Why an usulan was not picked up: the "belum diambil" causes of the decision table (musrenbang/decisions.py)."""

    BELUM_DIPUTUSKAN = decisions.AWAITING_DECISION_CAUSE
    choices = staticmethod(decisions.cause_choices)


# Each waiting status and its cause (musrenbang/decisions.py).
STATUS_CAUSE = decisions.CAUSE_BY_STATUS


def usulan_belum_diambil(fiscal_year: FiscalYear, *, opd_id: int | None = None) -> QuerySet[Usulan]:
    """Usulan of the year linked to no Renja row, not accepted and not closed by Bappeda, with `cause` and `sejak`.

    An usulan merged into another follows that one (it is listed, with that one's cause, while that one is);
    merged into a Renja row it counts as picked up. Reads only stored fields (status, last step, merge target):
    every decision that is not an acceptance ends the usulan's pick-ups, so these statuses have none.
    """
    waiting = list(STATUS_CAUSE)
    qs = (
        Usulan.objects.filter(fiscal_year=fiscal_year)
        # Merges happen within a year's Musrenbang: the merge target is looked up among the year's usulan only. One
        # join both filters and gives the cause (a subquery of the year's waiting usulan beside it cost a third more).
        .annotate(target=FilteredRelation("digabung_ke", condition=Q(digabung_ke__fiscal_year=fiscal_year)))
        .filter(Q(status__in=waiting) | Q(status=decisions.MERGED, target__status__in=waiting))
        .annotate(
            cause=Case(
                *[When(status=s, then=Value(c)) for s, c in STATUS_CAUSE.items()],
                *[When(status=decisions.MERGED, target__status=s, then=Value(c)) for s, c in STATUS_CAUSE.items()],
                output_field=CharField(),
            ),
            sejak=Coalesce(F("diputuskan_pada"), F("created_at")),
        )
        .select_related("desa__parent", "opd_tujuan")
        # Only what the list, the export and the counts read: sorting tens of thousands of narrow rows, not wide ones.
        .only(
            "id",
            "id_usulan",
            "usulan",
            "anggaran",
            "status",
            "bidang_urusan_id",
            "opd_tujuan_id",
            "desa_id",
            "created_at",
            "diputuskan_pada",
            "digabung_ke_id",
            "desa__kode",
            "desa__nama",
            "desa__tingkat",
            "desa__parent__nama",
            "desa__parent__tingkat",
            "opd_tujuan__singkatan",
            "opd_tujuan__jenis",
        )
    )
    if opd_id:
        qs = qs.filter(opd_tujuan_id=opd_id)
    return qs


def forum_deadline(fiscal_year: FiscalYear) -> date | None:
    """The day the year's forum stage closes (None without a forum window): one narrow query, unordered (a year has
    at most one window per stage; ordered by the model's default, the query joined the years)."""
    return next(
        iter(
            StageWindow.objects.filter(fiscal_year=fiscal_year, stage=StageWindow.Stage.FORUM)
            .order_by()
            .values_list("closes_on", flat=True)[:1]
        ),
        None,
    )


def age_days(sejak, today: date | None = None) -> int:
    today = today or timezone.localdate()
    return max(0, (today - timezone.localtime(sejak).date()).days)


def orphan_counts(qs: QuerySet[Usulan]) -> dict:
    """Counts by cause, by kecamatan (with causes, for the chart) and by agency, with their cost in Rupiah, from one
    grouped query (at most kecamatan × causes × agencies rows): the usulan are read once, not once per grouping.
    `biaya_by_cause` and `biaya` are Rupiah per cause and in all, `causes` the (code, label, n, Rupiah) of every
    cause; `per_kecamatan` and `by_opd` are (name, n, Rupiah) rows, the kecamatan named with their kind
    (Kec. Tenggarong) and ordered by name, the agencies by count."""
    return _orphan_counts_from(
        (kecamatan, cause, opd, n, biaya) for kecamatan, cause, opd, _opd_id, n, biaya in orphan_count_rows(qs)
    )


def orphan_count_rows(qs: QuerySet[Usulan]) -> list[list]:
    """The usulan not picked up grouped by kecamatan, cause and agency: [kecamatan, cause, agency, agency id, n,
    Rupiah] rows, what every count of the orphan page is summed from (stored by the sync refresh, see
    stored_orphan_counts)."""
    return [
        [kecamatan, cause, opd, opd_id, n, biaya or 0]
        for kecamatan, cause, opd, opd_id, n, biaya in qs.order_by()
        .values_list("desa__parent__nama", "cause", "opd_tujuan__singkatan", "opd_tujuan_id")
        .annotate(n=Count("id"), biaya=Sum("anggaran"))
    ]


def _orphan_counts_from(rows) -> dict:
    by_cause: dict[str, int] = {}
    biaya_by_cause: dict[str, int] = {}
    by_kecamatan: dict[str, dict[str, int]] = {}
    kecamatan_totals: dict[str, list[int]] = {}
    per_opd: dict[str, list[int]] = {}
    for kecamatan, cause, opd, n, biaya in rows:
        biaya = biaya or 0
        by_cause[cause] = by_cause.get(cause, 0) + n
        biaya_by_cause[cause] = biaya_by_cause.get(cause, 0) + biaya
        parts = by_kecamatan.setdefault(kecamatan or "-", {})
        parts[cause] = parts.get(cause, 0) + n
        total = kecamatan_totals.setdefault(kecamatan or "-", [0, 0])
        total[0] += n
        total[1] += biaya
        label = opd or _("(belum ada OPD)")
        entry = per_opd.setdefault(label, [0, 0])
        entry[0] += n
        entry[1] += biaya
    by_opd = sorted(((name, n, biaya) for name, (n, biaya) in per_opd.items()), key=lambda x: (-x[1], x[0]))
    per_kecamatan = [
        (place_label(name, "kecamatan") if name != "-" else name, n, biaya)
        for name, (n, biaya) in sorted(kecamatan_totals.items(), key=lambda kv: (kv[0] == "-", kv[0]))
    ]
    causes = [(code, label, by_cause.get(code, 0), biaya_by_cause.get(code, 0)) for code, label in Cause.choices()]
    return {
        "by_cause": by_cause,
        "biaya_by_cause": biaya_by_cause,
        "causes": causes,
        "by_kecamatan": by_kecamatan,
        "per_kecamatan": per_kecamatan,
        "by_opd": by_opd,
        "total": sum(by_cause.values()),
        "biaya": sum(biaya_by_cause.values()),
    }


def overlaps_filtered(
    qs: QuerySet[Overlap],
    *,
    fiscal_year: FiscalYear,
    status: str = "",
    opd_id: int | None = None,
    signals: str = "",
    skor_min: float | None = None,
    q: str = "",
) -> QuerySet[Overlap]:
    qs = qs.filter(fiscal_year=fiscal_year)
    if status == "semua":
        pass
    elif status == "selesai":
        qs = qs.exclude(status=Status.OPEN)
    elif status in Status.values:
        qs = qs.filter(status=status)
    else:
        qs = qs.filter(status=Status.OPEN)
    if opd_id:
        qs = qs.filter(Q(opd_a_id=opd_id) | Q(opd_b_id=opd_id))
    if signals in SIGNALS:
        qs = qs.filter(signals__has_key=signals)
    if skor_min is not None:
        qs = qs.filter(score__gte=skor_min)
    if q:
        qs = qs.filter(Q(row_a__cari__contains=q.lower()) | Q(row_b__cari__contains=q.lower()))
    return qs


SIGNALS = [KODE, USULAN, SASARAN_LOKASI, URAIAN]


def signal_labels() -> dict[str, str]:
    return {
        KODE: _("Sub kegiatan sama"),
        USULAN: _("Usulan sama diambil dua OPD"),
        SASARAN_LOKASI: _("Sasaran sama di lokasi yang sama"),
        URAIAN: _("Uraian pekerjaan mirip"),
    }


def overlap_counts(qs: QuerySet[Overlap], fiscal_year: FiscalYear) -> dict:
    """Open and settled pairs, pairs per status, and open pairs per agency pair (for the chart): one grouped query."""
    return _overlap_counts_from(overlap_count_rows(qs.filter(fiscal_year=fiscal_year)))


def overlap_count_rows(qs: QuerySet[Overlap]) -> list[list]:
    """The pairs grouped by status and agency pair: [status, agency pair, opd_a id, opd_b id, n] rows, what every
    count of the overlap page is summed from (stored by the sync refresh, see stored_overlap_counts)."""
    return [
        list(row)
        for row in qs.order_by().values_list("status", "agency_pair", "opd_a_id", "opd_b_id").annotate(n=Count("id"))
    ]


def _overlap_counts_from(rows) -> dict:
    by_status: dict[str, int] = {}
    per_pair: dict[str, int] = {}
    for status, agency_pair, _a, _b, n in rows:
        by_status[status] = by_status.get(status, 0) + n
        if status == Status.OPEN:
            per_pair[agency_pair] = per_pair.get(agency_pair, 0) + n
    return {
        "terbuka": by_status.get(Status.OPEN, 0),
        "selesai": sum(n for s, n in by_status.items() if s != Status.OPEN),
        "by_status": by_status,
        "per_pair": sorted(per_pair.items(), key=lambda kv: (-kv[1], kv[0]))[:12],
    }


def sync_counts(fiscal_year: FiscalYear) -> dict:
    """What SyncState.counts keeps for the year: the pairs and the usulan not picked up, grouped finely enough to
    answer every scope (an agency's or all). Two grouped queries; the sync refresh runs them, never a page."""
    return {
        "overlaps": overlap_count_rows(Overlap.objects.filter(fiscal_year=fiscal_year)),
        "orphans": orphan_count_rows(usulan_belum_diambil(fiscal_year)),
    }


def stored_overlap_counts(state: SyncState | None, *, opd_id: int | None) -> dict:
    """overlap_counts from the stored counts (no query), of the pairs involving this agency (None: all)."""
    rows = (state.counts or {}).get("overlaps", []) if state is not None else []
    if opd_id:
        rows = [r for r in rows if opd_id in (r[2], r[3])]
    return _overlap_counts_from(rows)


def stored_orphan_counts(state: SyncState | None, *, opd_id: int | None) -> dict:
    """orphan_counts from the stored counts (no query), of the usulan routed to this agency (None: all)."""
    rows = (state.counts or {}).get("orphans", []) if state is not None else []
    return _orphan_counts_from(
        (kecamatan, cause, opd, n, biaya)
        for kecamatan, cause, opd, row_opd_id, n, biaya in rows
        if not opd_id or row_opd_id == opd_id
    )


# What identifies the stored counts a state holds: every write of the counts also writes the plan revision they
# reflect, and a recompute its time and fingerprints (services/refresh.py).
_STATE_VERSION = (
    "pk",
    "fiscal_year_id",
    "computed_at",
    "revision",
    "plan_revision",
    "full_at",
    "rows_fingerprint",
    "pickups_fingerprint",
    "synonyms_fingerprint",
)
_SHOWN_COUNTS: Memo[dict] = Memo("sinkronisasi.counts", size=256)


def _state_version(state: SyncState) -> tuple:
    return tuple(getattr(state, name) for name in _STATE_VERSION)


def shown_overlap_counts(state: SyncState | None, *, opd_id: int | None) -> dict:
    """stored_overlap_counts as a page shows them, summed once per process and version of the stored counts (the
    page reads the state without them: see sync_state). The dict is shared: read it, never change it."""
    return _shown_counts(state, "overlaps", opd_id, stored_overlap_counts)


def shown_orphan_counts(state: SyncState | None, *, opd_id: int | None) -> dict:
    """stored_orphan_counts as a page shows them (see shown_overlap_counts)."""
    return _shown_counts(state, "orphans", opd_id, stored_orphan_counts)


def _shown_counts(state: SyncState | None, kind: str, opd_id: int | None, summed) -> dict:
    if state is None or state.pk is None:
        return summed(state, opd_id=opd_id)
    version = _state_version(state)
    found = _SHOWN_COUNTS.get((kind, version, opd_id, get_language()))
    if found is not None:
        return found
    if "counts" in state.get_deferred_fields():
        # The counts read with their version, so that they are kept under the version they belong to (a recompute
        # may have stored newer ones since the state was read); the state keeps them for the page's other counts.
        row = SyncState.objects.filter(pk=state.pk).values_list("counts", *_STATE_VERSION[1:]).first()
        if row is None:
            return summed(None, opd_id=opd_id)
        stored, version = SyncState(counts=row[0]), (state.pk, *row[1:])
        if version == _state_version(state):
            state.counts = row[0]
    else:
        stored = state
    found = summed(stored, opd_id=opd_id)
    if stored.counts:  # none stored yet: not kept (the first counts may come with the same version)
        _SHOWN_COUNTS.set((kind, version, opd_id, get_language()), found)
    return found


def sync_state(fiscal_year: FiscalYear) -> SyncState | None:
    """The year's sync state as a page reads it: one query, without the detector's term weights and the stored
    counts (both large; shown_overlap_counts and shown_orphan_counts read the counts when they have not summed
    them already)."""
    alias = SyncState.objects.db
    sql = _SYNC_STATE_SQL.get(alias) or _sync_state_sql(alias)
    if sql is None:
        return _sync_state_query(fiscal_year.pk).first()
    return next(iter(SyncState.objects.raw(sql, [fiscal_year.pk]).using(alias)), None)


def _sync_state_query(fiscal_year_id) -> QuerySet[SyncState]:
    return SyncState.objects.filter(fiscal_year_id=fiscal_year_id).defer("idf", "counts").order_by("pk")


_SYNC_STATE_SQL: dict[str, str] = {}  # per database: sync_state's statement, compiled by the ORM once


def _sync_state_sql(alias: str) -> str | None:
    """sync_state's query as SQL whose one parameter is the year's id (compiling it was most of its cost); None if
    the ORM's statement takes other parameters."""
    marker = -7_000_001
    sql, params = _sync_state_query(marker)[:1].query.get_compiler(using=alias).as_sql()
    if list(params) != [marker]:
        return None
    _SYNC_STATE_SQL[alias] = sql
    return sql


def sync_is_current(state: SyncState | None, fiscal_year: FiscalYear) -> bool:
    """Whether the stored findings and counts reflect the year's plan as loaded with `fiscal_year` (one number
    compared; no query)."""
    return state is not None and state.plan_revision is not None and state.plan_revision >= fiscal_year.revision


_WORD = re.compile(r"\w+(?:-\w+)*")


@lru_cache(maxsize=4096)
def _words_with_stems(text: str) -> tuple[tuple[str, frozenset[str]], ...]:
    """Each word of a text as written, with the stems of its parts: stemmed once per text and process, not once per
    matched term and page view (a list page asks for the same rows' words for every term of every pair)."""
    return tuple((m.group(), frozenset(stem(w) for w in normalise(m.group()))) for m in _WORD.finditer(text))


def _as_written(stems: set[str], texts: Sequence[str]) -> list[str]:
    """The words of these texts (as written) whose stem is one of `stems`, first occurrence first, each once."""
    found: dict[str, str] = {}
    for text in texts:
        for word, word_stems in _words_with_stems(text or ""):
            if not word_stems.isdisjoint(stems):
                found.setdefault(word.lower(), word)
    return list(found.values())


@lru_cache(maxsize=4096)
def _word_spans(text: str) -> tuple[tuple[int, int, frozenset[str], bool], ...]:
    """Each word of a text: where it stands, the stems of its parts, and whether it is only a function word."""
    out = []
    for m in _WORD.finditer(text):
        parts = normalise(m.group())
        function_word = bool(parts) and set(parts) <= FUNCTION_WORDS
        out.append((m.start(), m.end(), frozenset(stem(w) for w in parts), function_word))
    return tuple(out)


def _written_runs(stems: frozenset[str], texts: Sequence[str]) -> list[str]:
    """The stretches of these texts, exactly as written, made of consecutive words whose stems are among `stems`
    (function words allowed inside, not at the ends; a stretch stops at punctuation): "Bedah Rumah" or "rumah tak
    layak huni" for a synonym group, "jaringan" for the stem "jaring". First occurrence first, each once."""
    found: dict[str, str] = {}
    for text in texts:
        text = text or ""
        start = end = None  # the current stretch
        pending = None  # end of function words after it, kept only if the stretch goes on
        for w_start, w_end, w_stems, function_word in (*_word_spans(text), (len(text), len(text), frozenset(), False)):
            joined = end is not None and not text[pending or end : w_start].strip()
            if w_stems and w_stems <= stems and not function_word:
                if start is None or not joined:
                    if start is not None:
                        found.setdefault(text[start:end].lower(), text[start:end])
                    start = w_start
                end, pending = w_end, None
            elif function_word and start is not None and joined:
                pending = w_end
            elif start is not None:
                found.setdefault(text[start:end].lower(), text[start:end])
                start = end = pending = None
    return list(found.values())


def _row_texts(row) -> list[str]:
    return [getattr(row, name, "") or "" for name in ("rincian", "nama", "keterangan", "indikator_opd", "indikator")]


def matched_words_by_row(signals: dict, rows: Sequence) -> list[tuple[str, list[list[str]]]]:
    """For each matched term, the term's label and the words each row writes for it, exactly as written (a synonym
    group by the phrases each row uses: "bedah rumah" in one, "rehabilitasi rumah tidak layak huni" in the other).
    A word-term found in neither row's text is left out: a stem is never shown."""
    labels = list(signals.get("istilah") or [])
    out = []
    for (term, term_stems), label in zip(signals.get("istilah_kunci") or [], labels):
        per_row = [_written_runs(frozenset(term_stems), _row_texts(row)) for row in rows]
        if term.startswith("~"):  # a synonym group: its name, which planners gave it
            out.append((label, per_row))
        elif any(per_row):  # a word: as the first row writes it, never the stem
            out.append((next(w for words in per_row for w in words).lower(), per_row))
    return out


def matched_words(signals: dict, rows: Sequence | None = None) -> list[str]:
    """The words that made two rows look alike, as each row writes them ("jaringan irigasi ≈ saluran pengairan"
    rather than the stems "jaring", "irigasi"); the same words in both rows once; a synonym group neither row names
    in words (it came from the official name) by the group's name. Without the rows (or for findings stored before
    the terms were kept), the stored labels."""
    if not signals.get("istilah_kunci") or rows is None:
        return list(signals.get("istilah") or [])
    out = []
    for label, per_row in matched_words_by_row(signals, rows):
        sides = [" / ".join(words) for words in per_row if words]
        if not sides:
            out.append(label)
        elif len({side.casefold() for side in sides}) == 1:
            out.append(sides[0])
        else:
            out.append(" ≈ ".join(sides))
    return out


def highlight_stems(signals: dict, rows: Sequence | None = None) -> frozenset[str]:
    """The stems whose words a page marks in the two rows' text; with the rows, only the stems of words that stand
    in a matched stretch of one of them (a word that merely shares a stem with part of a synonym phrase is not
    marked)."""
    keys = signals.get("istilah_kunci") or []
    if rows is None:
        return frozenset(w for _t, stems in keys for w in stems)
    out: set[str] = set()
    for _label, per_row in matched_words_by_row(signals, rows):
        for words in per_row:
            for stretch in words:
                out.update(stem(w) for w in normalise(stretch))
    return frozenset(out - FUNCTION_WORDS)


def reasons(signals: dict, rows: Sequence | None = None) -> list[str]:
    """The pair's signals as sentences a planner understands, strongest first; with the pair's two rows, the
    matched words as the rows write them."""
    out = []
    if USULAN in signals:
        ids = ", ".join(signals.get("usulan_id") or [])
        out.append(_("Usulan yang sama diambil kedua OPD (pendanaan ganda): %(ids)s") % {"ids": ids})
    if KODE in signals:
        out.append(_("Sub kegiatan sama: %(kode)s") % {"kode": signals[KODE]})
    if SASARAN_LOKASI in signals:
        where = (
            _("salah satu baris se-kabupaten")
            if signals.get("se_kabupaten")
            else ", ".join(signals.get("lokasi") or [])
        )
        out.append(
            _("Sasaran sama (%(groups)s) di lokasi yang sama (%(where)s)")
            % {"groups": ", ".join(signals[SASARAN_LOKASI]), "where": where}
        )
    similarity = signals.get(URAIAN) or 0
    if similarity >= 0.15:
        out.append(
            _("Uraian pekerjaan mirip (%(pct)s%%): %(terms)s")
            % {"pct": angka(round(similarity * 100)), "terms": ", ".join(matched_words(signals, rows))}
        )
    return out


ROUTABLE = decisions.ROUTABLE


def route_suggestions(items: list[Usulan]) -> dict[int, Opd]:
    """For each usulan not routed yet, or rejected or returned, an agency that handles its bidang urusan other than the
    one it was last routed to (one query). One still awaiting its agency's decision gets none: sending it elsewhere
    is not the next step."""
    items = [u for u in items if u.status in ROUTABLE]
    bidang_ids = {u.bidang_urusan_id for u in items if u.bidang_urusan_id}
    by_bidang: dict[int, list[Opd]] = {}
    order = {Opd.Jenis.DINAS: 0, Opd.Jenis.BADAN: 1}
    through = Opd.bidang_urusan.through
    for link in through.objects.filter(nomenklatur_id__in=bidang_ids, opd__aktif=True).select_related("opd"):
        by_bidang.setdefault(link.nomenklatur_id, []).append(link.opd)
    out = {}
    for u in items:
        options = sorted(
            by_bidang.get(u.bidang_urusan_id, []), key=lambda o: (order.get(o.jenis, 2), o.kode_unit, o.singkatan)
        )
        choice = next((o for o in options if o.pk != u.opd_tujuan_id), None)
        if choice is not None:
            out[u.pk] = choice
    return out


@dataclass(frozen=True)
class HomeCard:
    """A stored home suggestion as the orphan list shows it under its usulan."""

    pk: int
    opd: str
    row_id: int
    ref: str
    nama: str
    rincian: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class OrphanCard:
    """An usulan no agency picked up, as its row of the list shows it: every value the row displays, nothing else
    (hashable: the row's key, with the page's right to route)."""

    pk: int
    id_usulan: str
    usulan: str
    kecamatan: str  # labelled: Kec. Tenggarong
    desa: str
    opd: str  # the agency it was last routed to ("" for none)
    cause_label: str
    late: bool  # still undecided past the forum's deadline
    age: int  # days since it was last decided, or made
    anggaran: int | None
    suggestion: tuple[int, str] | None  # another agency that handles its bidang urusan: (pk, singkatan)
    homes: tuple[HomeCard, ...]
    routable: bool


def orphan_cards(items: Sequence[Usulan], *, deadline: date | None, today: date) -> list[OrphanCard]:
    """The rows of a page of usulan not picked up (from usulan_belum_diambil), with the agencies to route them to
    and their stored homes: three queries for the page."""
    suggestions = route_suggestions(items)
    homes = homes_for(items)
    labels = dict(Cause.choices())
    past_deadline = bool(deadline and today > deadline)
    cards = []
    for u in items:
        saran = suggestions.get(u.pk)
        cards.append(
            OrphanCard(
                pk=u.pk,
                id_usulan=u.id_usulan,
                usulan=u.usulan,
                kecamatan=u.desa.parent.label if u.desa.parent else "",
                desa=u.desa.label,
                opd=u.opd_tujuan.singkatan if u.opd_tujuan else "",
                cause_label=str(labels.get(u.cause, u.cause)),
                late=past_deadline and u.cause == Cause.BELUM_DIPUTUSKAN,
                age=age_days(u.sejak, today),
                anggaran=u.anggaran,
                suggestion=(saran.pk, saran.singkatan) if saran else None,
                homes=tuple(
                    HomeCard(
                        pk=h.pk,
                        opd=h.opd,
                        row_id=h.row_id,
                        ref=h.ref,
                        nama=h.nama,
                        rincian=h.rincian,
                        reasons=tuple(h.alasan),
                    )
                    for h in homes.get(u.pk, [])
                ),
                routable=u.status in ROUTABLE,
            )
        )
    return cards


# The report files' columns (sync_report: fixed, documented) and the page's downloads (the same first, with the
# names and amounts an Excel reader wants beside them).
OVERLAP_COLUMNS = [
    Column("ref_a"),
    Column("opd_a"),
    Column("ref_b"),
    Column("opd_b"),
    Column("skor", "score"),
    Column("alasan"),
    Column("status"),
]
ORPHAN_COLUMNS = [
    Column("id_usulan"),
    Column("kode_desa"),
    Column("opd_tujuan"),
    Column("sebab"),  # the cause; the column name is user interface and keeps its word
    Column("umur_hari", "integer"),
]
OVERLAP_HEADER = [c.name for c in OVERLAP_COLUMNS]
ORPHAN_HEADER = [c.name for c in ORPHAN_COLUMNS]
OVERLAP_DOWNLOAD_COLUMNS = OVERLAP_COLUMNS + [
    Column("nama_a"),
    Column("nama_b"),
    Column("pagu_a", "rupiah"),
    Column("pagu_b", "rupiah"),
]
# The desa and kecamatan names beside the desa code.
ORPHAN_DOWNLOAD_COLUMNS = (
    ORPHAN_COLUMNS[:2]
    + [Column("desa"), Column("kecamatan")]
    + ORPHAN_COLUMNS[2:]
    + [Column("usulan"), Column("anggaran", "rupiah")]
)


def overlap_export_rows(pairs, *, download: bool = False):
    """One line per pair: refs and agencies as in the Renja import, score (three decimals in CSV), reasons joined by
    "; "; a download adds the rows' names and pagu. Read from the reports database."""
    for p in for_reports(pairs):
        line = [
            p.row_a.ref,
            p.opd_a.singkatan,
            p.row_b.ref,
            p.opd_b.singkatan,
            p.score,
            "; ".join(reasons(p.signals)),
            p.status,
        ]
        if download:
            line += [p.row_a.nama, p.row_b.nama, p.row_a.pagu, p.row_b.pagu]
        yield line


def orphan_export_rows(qs, *, download: bool = False):
    """One line per usulan not picked up; a download adds the desa and kecamatan names beside the desa code, the
    usulan and its cost. Read from the reports database."""
    for u in for_reports(qs):
        line = [u.id_usulan, u.desa.kode, u.opd_tujuan.singkatan if u.opd_tujuan else "", u.cause, age_days(u.sejak)]
        if download:
            line[2:2] = [u.desa.nama, u.desa.parent.nama if u.desa.parent else ""]
            line += [u.usulan, u.anggaran]
        yield line


OVERLAP_ACTION_LABELS = {
    "overlap.settled": gettext_lazy("Diselesaikan"),
    "overlap.reopened": gettext_lazy("Dibuka lagi"),
    "overlap.signed": gettext_lazy("Ditandatangani dalam berita acara"),
    "overlap.changed_after_signing": gettext_lazy("Baris berubah setelah ditandatangani"),
    "overlap.taken_to_forum": gettext_lazy("Dimasukkan ke agenda forum"),
    "overlap.no_longer_flagged": gettext_lazy("Tidak lagi ditandai"),
    "overlap.commented": gettext_lazy("Komentar ditambahkan"),
    "overlap.proposed": gettext_lazy("Usulan penyelesaian diajukan"),
    "overlap.proposal_replaced": gettext_lazy("Usulan penyelesaian diganti usulan baru"),
    "overlap.proposal_confirmed": gettext_lazy("Usulan penyelesaian dikonfirmasi"),
    "overlap.proposal_declined": gettext_lazy("Usulan penyelesaian ditolak"),
}


def overlap_history(overlap: Overlap, *, limit: int = 20) -> list:
    """The pair's audit entries, newest first, with the words people read: `action_label` and `status_change`
    (the status labels before → after) instead of raw keys such as overlap.resolved: terbuka → koordinasi."""
    from renja.models import AuditLog

    entries = list(
        AuditLog.objects.filter(
            content_type__app_label="sinkronisasi", content_type__model="overlap", object_id=str(overlap.pk)
        )
        .select_related("by")
        .order_by("-at", "-id")[:limit]
    )
    labels = dict(Status.choices)
    for entry in entries:
        entry.action_label = OVERLAP_ACTION_LABELS.get(entry.action, entry.action)
        change = (entry.changes or {}).get("status")
        entry.status_change = [labels.get(v, v) for v in change] if change else None
    return entries


def with_open_proposal(qs: QuerySet[Overlap]) -> QuerySet[Overlap]:
    """Pairs annotated with `ada_usulan`: an officer's proposed settlement awaits confirmation (in the same query)."""
    return qs.annotate(
        has_proposal=Exists(OverlapProposal.objects.filter(overlap=OuterRef("pk"), outcome=Outcome.WAITING))
    )


# The list's pair cards. The page shows each pair as a card made only of these values, so that a card's HTML is a
# function of them (and of the language) and is rendered once per process, not once per view (views/overlaps.py).
OVERLAP_CARD_FIELDS = (
    "id",
    "agency_pair",
    "score",
    "signals",
    "status",
    "reopened_at",
    "dropped_row_id",
    "row_a",
    "row_b",
    "reopened_by__username",
    "reopened_by__first_name",
    "reopened_by__last_name",
)
CARD_PLACES = 5  # the locations a card names; more are "…"


def overlaps_for_list(qs: QuerySet[Overlap]) -> QuerySet[Overlap]:
    """The pairs as the list reads them: only the fields a card shows, whoever reopened the pair, and whether a
    proposed settlement waits (`has_proposal`); pair_cards reads their rows. (Joined to the rows and agencies, the
    query took PostgreSQL longer to plan than to run: with the getter's dozen joins, ~140 ms.)"""
    return with_open_proposal(qs.select_related(None).select_related("reopened_by").only(*OVERLAP_CARD_FIELDS))


@dataclass(frozen=True)
class RowSide:
    """One row of a pair as its card shows it."""

    pk: int
    opd: str
    ref: str
    nama: str
    rincian: str
    indikator_opd: str
    kode: str
    pagu: int | None
    places: tuple[str, ...]  # the first CARD_PLACES locations, labelled; none: regency-wide
    more_places: bool
    groups: tuple[str, ...]  # target groups' names
    dropped: bool  # the row a duplication settlement drops


@dataclass(frozen=True)
class PairCard:
    """A pair as the list shows it: every value its card displays, nothing else (hashable: a card's key)."""

    pk: int
    agency_pair: str
    score: float
    status: str
    status_label: str
    settled: bool
    reopened: bool
    reopened_by: str  # who reopened it by hand ("" when the system did)
    has_proposal: bool
    a: RowSide
    b: RowSide
    highlight: frozenset[str]
    reasons: tuple[str, ...]

    @property
    def sides(self) -> tuple[RowSide, RowSide]:
        return (self.a, self.b)


def pair_cards(pairs: Sequence[Overlap]) -> list[PairCard]:
    """The cards of a page of pairs (from overlaps_for_list): the rows with their agencies in one query, their
    locations and target groups in another (plain SQL written once per database and page size: the ORM's compile
    and model instances cost more than these reads)."""
    ids = sorted({i for p in pairs for i in (p.row_a_id, p.row_b_id)})
    rows: dict[int, _CardRow] = {}
    places: dict[int, list[str]] = {}
    groups: dict[int, list[str]] = {}
    if ids:
        with connections[RenjaRow.objects.db].cursor() as cursor:
            rows_sql, details_sql = _card_sql(cursor.db, len(ids))
            cursor.execute(rows_sql, ids)
            for values in cursor.fetchall():
                row = _CardRow(*values)
                rows[row.pk] = row
            cursor.execute(details_sql, ids + ids)
            for kind, row_id, _code, _order, nama, tingkat in cursor.fetchall():
                if kind == 0:
                    places.setdefault(row_id, []).append(place_label(nama, tingkat))
                else:
                    groups.setdefault(row_id, []).append(nama)
    labels = dict(Status.choices)

    def side(row, pair: Overlap) -> RowSide:
        named = places.get(row.pk, [])
        return RowSide(
            pk=row.pk,
            opd=row.opd,
            ref=row.ref,
            nama=row.nama,
            rincian=row.rincian,
            indikator_opd=row.indikator_opd,
            kode=row.kode,
            pagu=row.pagu,
            places=tuple(named[:CARD_PLACES]),
            more_places=len(named) > CARD_PLACES,
            groups=tuple(groups.get(row.pk, [])),
            dropped=row.pk == pair.dropped_row_id,
        )

    return [
        PairCard(
            pk=p.pk,
            agency_pair=p.agency_pair,
            score=p.score,
            status=p.status,
            status_label=str(labels.get(p.status, p.status)),
            settled=p.is_settled,
            reopened=p.reopened_at is not None,
            reopened_by=p.reopened_by_label,
            has_proposal=p.has_proposal,
            a=side(rows[p.row_a_id], p),
            b=side(rows[p.row_b_id], p),
            highlight=highlight,
            reasons=pair_reasons,
        )
        for p in pairs
        for highlight, pair_reasons in [_card_words(p.signals, rows[p.row_a_id], rows[p.row_b_id])]
    ]


@dataclass(frozen=True)
class _CardRow:
    """A pair's row as its card reads it (pair_cards' first query, in this order)."""

    pk: int
    opd: str  # the agency's short name
    ref: str
    kode: str
    nama: str
    rincian: str
    keterangan: str
    indikator: str
    indikator_opd: str
    pagu: int | None


_CARD_SQL: dict[tuple[str, str, int], tuple[str, str]] = {}  # per database, vendor and number of rows


def _card_sql(connection, n: int) -> tuple[str, str]:
    """pair_cards' two statements for n rows (params: the row ids; the second takes them twice): the rows with
    their agency's short name (_CardRow), and each row's locations (kind 0: ordered by code) and target groups (kind
    1: in their order, then by name) as [kind, row id, code, order, name, level] lines."""
    key = (connection.alias, connection.vendor, n)
    found = _CARD_SQL.get(key)
    if found is not None:
        return found

    def table(model) -> str:
        return connection.ops.quote_name(model._meta.db_table)

    def column(model, field: str) -> str:
        return connection.ops.quote_name(model._meta.get_field(field).column)

    ids = ", ".join(["%s"] * n)
    fields = ", ".join(f"r.{column(RenjaRow, f)}" for f in _CardRow.__dataclass_fields__ if f not in ("pk", "opd"))
    rows_sql = (
        f"SELECT r.{column(RenjaRow, 'id')}, o.{column(Opd, 'singkatan')}, {fields}"
        f" FROM {table(RenjaRow)} r INNER JOIN {table(Opd)} o ON o.{column(Opd, 'id')} = r.{column(RenjaRow, 'opd')}"
        f" WHERE r.{column(RenjaRow, 'id')} IN ({ids})"
    )
    lokasi, sasaran = RenjaRow.lokasi.through, RenjaRow.sasaran.through
    wilayah, kelompok = lokasi._meta.get_field("wilayah").related_model, KelompokSasaran
    details_sql = (
        f"SELECT 0, l.{column(lokasi, 'renjarow')}, w.{column(wilayah, 'kode')}, 0, w.{column(wilayah, 'nama')},"
        f" w.{column(wilayah, 'tingkat')}"
        f" FROM {table(lokasi)} l INNER JOIN {table(wilayah)} w"
        f" ON w.{column(wilayah, 'id')} = l.{column(lokasi, 'wilayah')}"
        f" WHERE l.{column(lokasi, 'renjarow')} IN ({ids})"
        f" UNION ALL SELECT 1, s.{column(sasaran, 'renjarow')}, '', k.{column(kelompok, 'urutan')},"
        f" k.{column(kelompok, 'nama')}, ''"
        f" FROM {table(sasaran)} s INNER JOIN {table(kelompok)} k"
        f" ON k.{column(kelompok, 'id')} = s.{column(sasaran, 'kelompoksasaran')}"
        f" WHERE s.{column(sasaran, 'renjarow')} IN ({ids})"
        " ORDER BY 1, 2, 4, 3, 5"
    )
    found = _CARD_SQL[key] = (rows_sql, details_sql)
    return found


_CARD_WORDS: Memo[tuple] = Memo("sinkronisasi.card_words", size=1024)


def _card_words(signals: dict, row_a, row_b) -> tuple[frozenset[str], tuple[str, ...]]:
    """A pair's marked stems and reasons, worked out once per process for the same signals, row texts and
    language (finding the matched words as each row writes them is most of a card's cost)."""
    key = (_frozen(signals), tuple(_row_texts(row_a)), tuple(_row_texts(row_b)), get_language())
    return _CARD_WORDS.get_or_set(
        key,
        lambda: (highlight_stems(signals), tuple(reasons(signals, rows=(row_a, row_b)))),
    )


def _frozen(value):
    """A JSON value as a hashable one (objects as sorted key-value tuples, arrays as tuples); the kind of each
    container is kept, so that different values never freeze alike."""
    if isinstance(value, dict):
        return ("{}", tuple(sorted((k, _frozen(v)) for k, v in value.items())))
    if isinstance(value, list):
        return ("[]", tuple(_frozen(v) for v in value))
    return (type(value).__name__, value)  # True and 1, 1 and 1.0 are equal in Python, not in JSON


def overlap_comments(overlap: Overlap) -> list[OverlapComment]:
    """The pair's discussion in time order, with each person and agency."""
    return list(OverlapComment.objects.filter(overlap=overlap).select_related("by", "opd").order_by("at", "pk"))


def overlap_proposals(overlap: Overlap) -> list[OverlapProposal]:
    """The pair's proposed settlements, newest first (the open one, if any, is the first)."""
    return list(
        OverlapProposal.objects.filter(overlap=overlap)
        .select_related("opd", "opd_pengampu", "dropped_row", "proposed_by", "decided_by")
        .order_by("-proposed_at", "-pk")
    )


def overlap_contacts(overlap: Overlap, *, viewer_opd_id: int | None) -> list[dict]:
    """Whom to reach about a pair: the other agency for an officer (both for Bappeda and facilitators). The Opd model
    holds the head's name and position only; the agency's officers' names and e-mail addresses come from their
    accounts."""
    opds = [o for o in (overlap.opd_a, overlap.opd_b) if o.pk != viewer_opd_id]
    officers: dict[int, list[User]] = {}
    for user in rules.agency_officers(opds).order_by("first_name", "last_name", "username"):
        officers.setdefault(user.opd_id, []).append(user)
    return [{"opd": o, "officers": officers.get(o.pk, [])} for o in opds]


# Homes for orphan usulan and duplicate usulan (stored by services.homes.homes_refresh; see sinkronisasi/homes.py).
def homes_for(items: Sequence[Usulan]) -> dict[int, list[StoredHome]]:
    """Each listed usulan's stored home suggestions not routed yet, best first, with their reasons as sentences (one
    query, plain SQL written once per database and page size: the list's ORM read cost more than the query)."""
    from . import homes
    from .models import HomeSuggestion

    ids = [u.pk for u in items]
    if not ids:
        return {}
    with connections[HomeSuggestion.objects.db].cursor() as cursor:
        key = (cursor.db.alias, cursor.db.vendor, len(ids))
        cursor.execute(_HOMES_SQL.get(key) or _homes_sql(cursor.db, key), ids)
        found = cursor.fetchall()
        reasons_field = HomeSuggestion._meta.get_field("reasons")
        suggestions = [
            StoredHome(
                pk, usulan_id, row_id, opd, ref, nama, rincian, reasons_field.from_db_value(reasons, None, cursor.db)
            )
            for pk, usulan_id, row_id, reasons, ref, nama, rincian, opd in found
        ]
    out: dict[int, list[StoredHome]] = {}
    names = group_names() if suggestions else {}
    for s in suggestions:
        s.alasan = homes.reason_sentences(s.reasons, _, group_names=names)
        out.setdefault(s.usulan_id, []).append(s)
    return out


@dataclass
class StoredHome:
    """A stored home suggestion as the orphan list reads it (homes_for)."""

    pk: int
    usulan_id: int
    row_id: int
    opd: str  # the agency's short name
    ref: str
    nama: str
    rincian: str
    reasons: list
    alasan: list[str] | None = None  # the reasons as sentences


_HOMES_SQL: dict[tuple[str, str, int], str] = {}  # per database, vendor and number of usulan


def _homes_sql(connection, key: tuple[str, str, int]) -> str:
    """homes_for's statement for key[2] usulan (params: their ids)."""
    from .models import HomeSuggestion

    def table(model) -> str:
        return connection.ops.quote_name(model._meta.db_table)

    def column(model, field: str) -> str:
        return connection.ops.quote_name(model._meta.get_field(field).column)

    h, r = HomeSuggestion, RenjaRow
    sql = _HOMES_SQL[key] = (
        f"SELECT h.{column(h, 'id')}, h.{column(h, 'usulan')}, h.{column(h, 'row')}, h.{column(h, 'reasons')},"
        f" r.{column(r, 'ref')}, r.{column(r, 'nama')}, r.{column(r, 'rincian')}, o.{column(Opd, 'singkatan')}"
        f" FROM {table(h)} h"
        f" INNER JOIN {table(r)} r ON r.{column(r, 'id')} = h.{column(h, 'row')}"
        f" INNER JOIN {table(Opd)} o ON o.{column(Opd, 'id')} = h.{column(h, 'opd')}"
        f" WHERE h.{column(h, 'usulan')} IN ({', '.join(['%s'] * key[2])}) AND h.{column(h, 'routed_at')} IS NULL"
        f" ORDER BY h.{column(h, 'usulan')} ASC, h.{column(h, 'rank')} ASC"
    )
    return sql


def group_names() -> dict[str, str]:
    """Target groups' names by slug (a short list, read once per request: the reasons of suggestions hold slugs)."""
    return dict(KelompokSasaran.objects.values_list("slug", "nama"))


def routed_homes(*, opd_id: int, fiscal_year: FiscalYear) -> list[RoutedHome]:
    """Usulan routed to this agency from a home suggestion and still awaiting its decision, with the row suggested,
    newest routing first. Plain SQL written once per database (the officer's home page: the ORM's compile of the
    three-table read and its model instances were a fifth of the page's CPU)."""
    from . import homes
    from .models import HomeSuggestion

    with connections[HomeSuggestion.objects.db].cursor() as cursor:
        sql = _ROUTED_HOMES_SQL.get((cursor.db.alias, cursor.db.vendor)) or _routed_homes_sql(cursor.db)
        cursor.execute(sql, [fiscal_year.pk, opd_id, opd_id, decisions.ROUTED])
        found = cursor.fetchall()
        reasons_field = HomeSuggestion._meta.get_field("reasons")
        out = [
            RoutedHome(
                usulan_id=usulan_id,
                usulan=_RoutedUsulan(id_usulan=id_usulan, usulan=text, desa=_Named(nama=desa)),
                row=_RoutedRow(ref=ref, nama=nama, rincian=rincian),
                reasons=reasons_field.from_db_value(reasons, None, cursor.db),
            )
            for usulan_id, reasons, ref, nama, rincian, id_usulan, text, desa in found
        ]
    names = group_names() if out else {}
    for s in out:
        s.alasan = homes.reason_sentences(s.reasons, _, group_names=names)
    return out


@dataclass(frozen=True)
class _Named:
    nama: str


@dataclass(frozen=True)
class _RoutedUsulan:
    id_usulan: str
    usulan: str
    desa: _Named


@dataclass(frozen=True)
class _RoutedRow:
    ref: str
    nama: str
    rincian: str


@dataclass
class RoutedHome:
    """A home suggestion an usulan was routed by, as the officer's home page shows it."""

    usulan_id: int
    usulan: _RoutedUsulan
    row: _RoutedRow
    reasons: list
    alasan: list[str] | None = None  # the reasons as sentences


_ROUTED_HOMES_SQL: dict[tuple[str, str], str] = {}  # per database and vendor


def _routed_homes_sql(connection) -> str:
    """routed_homes' statement (params: the year's id, the agency's id twice, the routed status)."""
    from .models import HomeSuggestion

    def table(model) -> str:
        return connection.ops.quote_name(model._meta.db_table)

    def column(model, field: str) -> str:
        return connection.ops.quote_name(model._meta.get_field(field).column)

    h, u, r, w = HomeSuggestion, Usulan, RenjaRow, Usulan._meta.get_field("desa").related_model
    sql = _ROUTED_HOMES_SQL[(connection.alias, connection.vendor)] = (
        f"SELECT h.{column(h, 'usulan')}, h.{column(h, 'reasons')}, r.{column(r, 'ref')}, r.{column(r, 'nama')},"
        f" r.{column(r, 'rincian')}, u.{column(u, 'id_usulan')}, u.{column(u, 'usulan')}, w.{column(w, 'nama')}"
        f" FROM {table(h)} h"
        f" INNER JOIN {table(u)} u ON u.{column(u, 'id')} = h.{column(h, 'usulan')}"
        f" INNER JOIN {table(r)} r ON r.{column(r, 'id')} = h.{column(h, 'row')}"
        f" INNER JOIN {table(w)} w ON w.{column(w, 'id')} = u.{column(u, 'desa')}"
        f" WHERE h.{column(h, 'fiscal_year')} = %s AND h.{column(h, 'routed_at')} IS NOT NULL"
        f" AND h.{column(h, 'opd')} = %s AND u.{column(u, 'opd_tujuan')} = %s AND u.{column(u, 'status')} = %s"
        f" ORDER BY h.{column(h, 'routed_at')} DESC, h.{column(h, 'id')} ASC"
    )
    return sql


def duplicates_filtered(fiscal_year: FiscalYear, *, status: str, opd_id: int | None):
    """The year's duplicate pairs of one status, best first; for an agency's person, pairs with one of its usulan."""
    from .models import DuplicateUsulan

    # The page's pairs first, then their usulan: joined before the page was cut, every pair of the year was read
    # with both usulan, their places and agencies (tens of milliseconds at Kukar's size).
    usulan = Usulan.objects.select_related("desa", "opd_tujuan").only(
        "id_usulan", "sumber", "usulan", "desa__nama", "desa__tingkat", "opd_tujuan__singkatan"
    )
    qs = DuplicateUsulan.objects.filter(fiscal_year=fiscal_year, status=status).prefetch_related(
        Prefetch("usulan_a", queryset=usulan), Prefetch("usulan_b", queryset=usulan), "decided_by"
    )
    if opd_id:
        theirs = Usulan.objects.filter(fiscal_year=fiscal_year, opd_tujuan_id=opd_id).values("pk")
        qs = qs.filter(Q(usulan_a__in=theirs) | Q(usulan_b__in=theirs))
    return qs.order_by("-score", "usulan_a_id", "usulan_b_id")
