"""The overlapping programs: the list (counts, chart, downloads), a pair's page, settling, reopening, its
discussion and proposed settlements, and a full recompute on request."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connections
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.http import csv_delimiter, export_response, form_copy_errors, int_param
from core.memo import Memo
from renja import permissions as rules
from renja.tables import KnownCountPaginator

from .. import charts, selectors, services, settlement
from ..forms import (
    CommentForm,
    DeclineForm,
    OverlapFilterForm,
    ProposalForm,
    SettleForm,
)
from ..models import Overlap
from ..permissions import (
    get_overlap_for_comment,
    get_overlap_for_proposal,
    get_overlap_for_user,
    get_proposal_for_user,
    overlaps_for_user,
    require_sync_access,
)
from .common import base_context, selected_year


@login_required
def overlap_list(request: HttpRequest) -> HttpResponse:
    """Overlapping pairs of the year, grouped by agency pair (or by score), with counts and a chart."""
    require_sync_access(request.user)
    year = selected_year(request)
    context = base_context(request, year, "overlaps")
    if year is None:
        return render(request, "sinkronisasi/overlap_list.html", context)
    # The stored findings and counts as the worker last computed them (base_context queued a recompute if the plan
    # changed since): no refresh and no count of the year here.
    scope = rules.sync_opd_scope(request.user)
    visible = overlaps_for_user(request.user)
    form = OverlapFilterForm(request.GET or None, scope_opd=scope)
    data = form.cleaned_data if form.is_valid() else {}
    qs = selectors.overlaps_filtered(
        visible,
        fiscal_year=year,
        status=data.get("status") or "",
        opd_id=data["opd"].pk if data.get("opd") else None,
        signals=data.get("sinyal") or "",
        skor_min=data.get("skor_min"),
        q=data.get("q") or "",
    )
    by_score = data.get("urut") == "skor"
    qs = qs.order_by("-score", "pk") if by_score else qs.order_by("agency_pair", "-score", "pk")
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        return export_response(
            export,
            selectors.OVERLAP_DOWNLOAD_COLUMNS,
            selectors.overlap_export_rows(qs, download=True),
            basename="tumpang_tindih",
            title="Tumpang tindih",
            delimiter=csv_delimiter(request.GET),
        )
    counts = selectors.shown_overlap_counts(context["state"], opd_id=scope)
    # Only the status chosen (or none): the list is a stored count's set, so it needs no count of its own; behind
    # the plan, it is counted. (Not counted_page: the pairs' index stops the page's read after its rows, a window
    # count would not.)
    count = None
    if _filtered_by_status_alone(data):
        count = (
            _count(qs, (year.pk, scope, data.get("status") or ""))
            if context["updating"]
            else _stored_count(counts, data)
        )
    page = KnownCountPaginator(selectors.overlaps_for_list(qs), 20, count=count).get_page(
        int_param(request.GET, "page", 1)
    )
    cards = selectors.pair_cards(list(page.object_list))
    params = request.GET.copy()
    for key in ("page", "export"):
        params.pop(key, None)
    context.update(
        {
            "form": form,
            "page": page,
            "pairs": [(card, _card_html(card)) for card in cards],
            "by_score": by_score,
            "counts": counts,
            "chart": _CHARTS.get_or_set(
                (tuple(counts["per_pair"]), get_language()),
                lambda: charts.bar_chart(
                    title=_("Pasangan terbuka per pasangan OPD"),
                    bars=[(label, [("bar", n)]) for label, n in counts["per_pair"]],
                ),
            ),
            "query": params.urlencode(),
            "orphans_total": selectors.shown_orphan_counts(context["state"], opd_id=scope)["total"],
        }
    )
    return render(request, "sinkronisasi/overlap_list.html", context)


# A pair's card is a function of its values and the language (selectors.PairCard): rendered once per process.
_CARDS: Memo[SafeString] = Memo("sinkronisasi.pair_card", size=1024)
_CHARTS: Memo[SafeString] = Memo("sinkronisasi.overlap_chart", size=64)


# The statement of qs.count() for the unfiltered list (but for its status), as the ORM wrote it the first time, per
# database, year, agency scope and status: everything the list's query is built from (overlaps_for_user gives all
# pairs or an agency's, overlaps_filtered adds the year and the status). Compiling it cost more than running it.
_COUNT_SQL: Memo[tuple] = Memo("sinkronisasi.overlap_count_sql", size=512)


def _count(qs, key: tuple) -> int:
    """qs.count(), run with the statement the ORM wrote for the same key before (written and kept the first time)."""
    connection = connections[qs.db]
    key = (qs.db, connection.vendor, *key)
    found = _COUNT_SQL.get(key)
    if found is not None:
        with connection.cursor() as cursor:
            cursor.execute(*found)
            return cursor.fetchone()[0]
    statements = []

    def record(execute, sql, params, many, context):
        statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        n = qs.count()
    if len(statements) == 1:
        _COUNT_SQL.set(key, statements[0])
    return n


def _card_html(card: selectors.PairCard) -> SafeString:
    return _CARDS.get_or_set(
        (card, get_language()),
        lambda: render_to_string("sinkronisasi/_pair_card.html", {"card": card}),
    )


def _filtered_by_status_alone(data: dict) -> bool:
    return not any(data.get(k) not in (None, "") for k in data if k not in ("status", "urut", "tahun"))


def _stored_count(counts: dict, data: dict) -> int | None:
    """How many pairs the list shows, from the stored counts, when it is filtered by status alone; else None."""
    if not _filtered_by_status_alone(data):
        return None
    status, by_status = data.get("status") or "", counts["by_status"]
    if status == "semua":
        return sum(by_status.values())
    if status == "selesai":
        return counts["selesai"]
    if status in settlement.Status.values:
        return by_status.get(status, 0)
    return counts["terbuka"]


@login_required
def overlap_detail(request: HttpRequest, pk: int) -> HttpResponse:
    overlap = get_overlap_for_user(request.user, pk)
    return _overlap_page(request, overlap)


def _overlap_page(
    request: HttpRequest,
    overlap: Overlap,
    form: SettleForm | None = None,
    status: int = 200,
    *,
    comment_form: CommentForm | None = None,
    proposal_form: ProposalForm | None = None,
    decline_form: DeclineForm | None = None,
) -> HttpResponse:
    user = request.user
    can_settle = settlement.may(user, "settle", overlap)
    can_comment = settlement.may(user, "comment", overlap)
    can_propose = settlement.can(user, "propose", overlap)
    proposals = selectors.overlap_proposals(overlap)
    context = {
        "pair": overlap,
        "reasons": selectors.reasons(overlap.signals, rows=(overlap.row_a, overlap.row_b)),
        "highlight": selectors.highlight_stems(overlap.signals),
        "can_settle": can_settle,
        "form": form or (SettleForm(overlap=overlap, initial=SettleForm.initial_for(overlap)) if can_settle else None),
        "history": selectors.overlap_history(overlap),
        "year": overlap.fiscal_year,
        "comments": selectors.overlap_comments(overlap),
        "can_comment": can_comment,
        "comment_form": comment_form or (CommentForm() if can_comment else None),
        "proposals": proposals,
        "open_proposal": next((p for p in proposals if p.is_open), None),
        "can_propose": can_propose,
        "proposal_form": proposal_form or (ProposalForm(overlap=overlap) if can_propose else None),
        "decline_form": decline_form or (DeclineForm() if can_settle else None),
        "contacts": selectors.overlap_contacts(overlap, viewer_opd_id=rules.sync_opd_scope(user)),
    }
    return render(request, "sinkronisasi/overlap_detail.html", context, status=status)


def _detail_url(overlap: Overlap, anchor: str) -> str:
    return f"{reverse('sinkronisasi:overlap-detail', args=[overlap.pk])}#{anchor}"


@require_POST
@login_required
def overlap_comment(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a comment to a pair's discussion (its agencies' officers, Bappeda, facilitators)."""
    overlap = get_overlap_for_comment(request.user, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.overlap_comment_add(overlap=overlap, by=request.user, text=form.cleaned_data["text"])
        except ValidationError as exc:
            form_copy_errors(form, exc)
        else:
            messages.success(request, _("Komentar ditambahkan."))
            return redirect(_detail_url(overlap, "diskusi"))
    return _overlap_page(request, overlap, status=400, comment_form=form)


@require_POST
@login_required
def overlap_propose(request: HttpRequest, pk: int) -> HttpResponse:
    """An officer of one of the pair's agencies proposes a settlement (it replaces their pair's open proposal)."""
    overlap = get_overlap_for_proposal(request.user, pk)
    form = ProposalForm(request.POST, overlap=overlap)
    if form.is_valid():
        try:
            services.overlap_propose(overlap=overlap, by=request.user, **form.service_kwargs())
        except ValidationError as exc:
            form_copy_errors(form, exc)
        else:
            messages.success(request, _("Usulan penyelesaian dikirim; Bappeda atau fasilitator akan mengonfirmasinya."))
            return redirect(_detail_url(overlap, "usulan"))
    return _overlap_page(request, overlap, status=400, proposal_form=form)


@require_POST
@login_required
def overlap_proposal_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Settle the pair as its open proposal says (a planner or facilitator)."""
    proposal = get_proposal_for_user(request.user, pk, int_param(request.POST, "usulan"))
    try:
        services.overlap_proposal_confirm(proposal=proposal, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Usulan penyelesaian dikonfirmasi; pasangan %(a)s – %(b)s diselesaikan.")
            % {"a": proposal.overlap.row_a.ref, "b": proposal.overlap.row_b.ref},
        )
    return redirect(_detail_url(proposal.overlap, "usulan"))


@require_POST
@login_required
def overlap_proposal_decline(request: HttpRequest, pk: int) -> HttpResponse:
    """Decline the pair's open proposal with a reason (a planner or facilitator)."""
    proposal = get_proposal_for_user(request.user, pk, int_param(request.POST, "usulan"))
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            services.overlap_proposal_decline(proposal=proposal, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                form_copy_errors(form, exc)
            else:
                messages.error(request, " ".join(exc.messages))
                return redirect(_detail_url(proposal.overlap, "usulan"))
        else:
            messages.success(request, _("Usulan penyelesaian ditolak."))
            return redirect(_detail_url(proposal.overlap, "usulan"))
    return _overlap_page(request, proposal.overlap, status=400, decline_form=form)


@require_POST
@login_required
def overlap_settle(request: HttpRequest, pk: int) -> HttpResponse:
    overlap = get_overlap_for_user(request.user, pk, write=True)
    form = SettleForm(request.POST, overlap=overlap)
    if form.is_valid():
        try:
            services.overlap_settle(overlap=overlap, by=request.user, **form.service_kwargs())
        except ValidationError as exc:
            form_copy_errors(form, exc)
        else:
            messages.success(
                request, _("Pasangan %(a)s – %(b)s diselesaikan.") % {"a": overlap.row_a.ref, "b": overlap.row_b.ref}
            )
            if request.POST.get("kembali") == "daftar":
                return redirect(_list_url(overlap))
            return redirect("sinkronisasi:overlap-detail", pk=overlap.pk)
    return _overlap_page(request, overlap, form=form, status=400)


def _list_url(overlap: Overlap) -> str:
    return f"{reverse('sinkronisasi:overlap-list')}?tahun={overlap.fiscal_year.year}"


@require_POST
@login_required
def overlap_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    overlap = get_overlap_for_user(request.user, pk, write=True)
    try:
        services.overlap_reopen(overlap=overlap, by=request.user, note=request.POST.get("note", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Pasangan dibuka lagi."))
    return redirect("sinkronisasi:overlap-detail", pk=overlap.pk)


@require_POST
@login_required
def recompute(request: HttpRequest) -> HttpResponse:
    """A full recompute on request (Bappeda): after a reference-data change, or to be sure."""
    rules.require_planner(request.user)
    year = selected_year(request)
    if year is None:
        raise PermissionDenied
    services.sync_recompute_enqueue(fiscal_years=[year], full=True)
    messages.success(
        request,
        _(
            "Perhitungan ulang penuh %(tahun)s berjalan di latar belakang; halaman ini menampilkan "
            "hasil terakhir sampai selesai."
        )
        % {"tahun": year.year},
    )
    return redirect(f"{reverse('sinkronisasi:overlap-list')}?tahun={year.year}")
