"""Screens of the sync view: overlapping programs across agencies, usulan no agency picked up, synonyms."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.confirm import confirm_page, confirmed
from core.http import csv_delimiter, export_response, form_copy_errors, int_param
from musrenbang import selectors as usulan_selectors
from musrenbang.context_processors import request_inbox_counts
from musrenbang.forms import BulkForm, InboxMailForm
from musrenbang.models import Usulan
from renja import permissions as rules
from renja import selectors as renja_selectors
from renja.models import FiscalYear
from renja.tables import KnownCountPaginator

from . import charts, selectors, services, settlement
from .forms import (
    CommentForm,
    DeclineForm,
    OrphanFilterForm,
    OverlapFilterForm,
    ProposalForm,
    ResolveForm,
    SynonymGroupForm,
)
from .models import Overlap, SynonymGroup
from .permissions import (
    get_overlap_for_comment,
    get_overlap_for_proposal,
    get_overlap_for_user,
    get_proposal_for_user,
    get_synonym_group_for_user,
    overlaps_for_user,
    require_sync_access,
)

CAUSE_ORDER = [c for c, _l in selectors.Sebab.choices()]


def _year(request: HttpRequest) -> FiscalYear | None:
    number = int_param(request.GET, "tahun")  # a calendar year here (a FiscalYear pk on the Renja pages)
    if number is None:
        number = int_param(request.POST, "tahun")
    if number is not None:
        year = FiscalYear.objects.filter(year=number).first()
        if year:
            return year
    return renja_selectors.current_fiscal_year()


def _base_context(request: HttpRequest, year: FiscalYear | None, tab: str) -> dict:
    return {
        "year": year,
        "years": FiscalYear.objects.order_by("-year"),
        "tab": tab,
        "state": getattr(year, "sync_state", None) if year else None,
        "can_recompute": rules.is_planner(request.user),
        "can_manage_synonyms": rules.can_manage_synonyms(request.user),
        "task": services.sync_task_state(year) if year else None,
    }


@login_required
def overlap_list(request: HttpRequest) -> HttpResponse:
    """Overlapping pairs of the year, grouped by agency pair (or by score), with counts and a chart."""
    require_sync_access(request.user)
    year = _year(request)
    context = _base_context(request, year, "overlaps")
    if year is None:
        return render(request, "sinkronisasi/overlap_list.html", context)
    # Stored findings, first brought up to date with any change since (only the pairs it touches; see services).
    refresh = services.sync_refresh(fiscal_year=year, wait=False)
    context["recomputing"] = refresh.mode in ("dijadwalkan", "sibuk")
    visible = overlaps_for_user(request.user)
    form = OverlapFilterForm(request.GET or None, scope_opd=rules.sync_opd_scope(request.user))
    if refresh.mode == "dijadwalkan":
        context["task"] = services.sync_task_state(year)  # the recompute this view just queued
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
    page = Paginator(
        selectors.with_open_proposal(qs).prefetch_related(
            "row_a__lokasi", "row_b__lokasi", "row_a__sasaran", "row_b__sasaran"
        ),
        20,
    ).get_page(int_param(request.GET, "page", 1))
    pairs = list(page.object_list)
    for p in pairs:
        p.reasons = selectors.reasons(p.signals, rows=(p.row_a, p.row_b))
        p.highlight = selectors.highlight_stems(p.signals)
    counts = selectors.overlap_counts(visible, year)
    params = request.GET.copy()
    for key in ("page", "export"):
        params.pop(key, None)
    context.update(
        {
            "form": form,
            "page": page,
            "pairs": pairs,
            "by_score": by_score,
            "counts": counts,
            "chart": charts.bar_chart(
                title=_("Pasangan terbuka per pasangan OPD"),
                bars=[(label, [("bar", n)]) for label, n in counts["per_pair"]],
            ),
            "query": params.urlencode(),
            "orphans_total": selectors.usulan_belum_diambil(year, opd_id=rules.sync_opd_scope(request.user)).count(),
        }
    )
    return render(request, "sinkronisasi/overlap_list.html", context)


@login_required
def overlap_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pair = get_overlap_for_user(request.user, pk)
    return _overlap_page(request, pair)


def _overlap_page(
    request: HttpRequest,
    pair: Overlap,
    form: ResolveForm | None = None,
    status: int = 200,
    *,
    comment_form: CommentForm | None = None,
    proposal_form: ProposalForm | None = None,
    decline_form: DeclineForm | None = None,
) -> HttpResponse:
    user = request.user
    can_resolve = settlement.may(user, "settle", pair)
    can_comment = settlement.may(user, "comment", pair)
    can_propose = settlement.can(user, "propose", pair)
    proposals = selectors.overlap_proposals(pair)
    context = {
        "pair": pair,
        "reasons": selectors.reasons(pair.signals, rows=(pair.row_a, pair.row_b)),
        "highlight": selectors.highlight_stems(pair.signals),
        "can_resolve": can_resolve,
        "form": form or (ResolveForm(pair=pair, initial=ResolveForm.initial_for(pair)) if can_resolve else None),
        "history": selectors.overlap_history(pair),
        "year": pair.fiscal_year,
        "comments": selectors.overlap_comments(pair),
        "can_comment": can_comment,
        "comment_form": comment_form or (CommentForm() if can_comment else None),
        "proposals": proposals,
        "open_proposal": next((p for p in proposals if p.is_open), None),
        "can_propose": can_propose,
        "proposal_form": proposal_form or (ProposalForm(pair=pair) if can_propose else None),
        "decline_form": decline_form or (DeclineForm() if can_resolve else None),
        "contacts": selectors.overlap_contacts(pair, viewer_opd_id=rules.sync_opd_scope(user)),
    }
    return render(request, "sinkronisasi/overlap_detail.html", context, status=status)


def _detail_url(pair: Overlap, anchor: str) -> str:
    return f"{reverse('sinkronisasi:overlap-detail', args=[pair.pk])}#{anchor}"


@require_POST
@login_required
def overlap_comment(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a comment to a pair's discussion (its agencies' officers, Bappeda, facilitators)."""
    pair = get_overlap_for_comment(request.user, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.overlap_comment_add(pair=pair, by=request.user, text=form.cleaned_data["text"])
        except ValidationError as exc:
            form_copy_errors(form, exc)
        else:
            messages.success(request, _("Komentar ditambahkan."))
            return redirect(_detail_url(pair, "diskusi"))
    return _overlap_page(request, pair, status=400, comment_form=form)


@require_POST
@login_required
def overlap_propose(request: HttpRequest, pk: int) -> HttpResponse:
    """An officer of one of the pair's agencies proposes a settlement (it replaces their pair's open proposal)."""
    pair = get_overlap_for_proposal(request.user, pk)
    form = ProposalForm(request.POST, pair=pair)
    if form.is_valid():
        try:
            services.overlap_propose(pair=pair, by=request.user, **form.service_kwargs())
        except ValidationError as exc:
            form_copy_errors(form, exc)
        else:
            messages.success(request, _("Usulan penyelesaian dikirim; Bappeda atau fasilitator akan mengonfirmasinya."))
            return redirect(_detail_url(pair, "usulan"))
    return _overlap_page(request, pair, status=400, proposal_form=form)


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
            % {"a": proposal.pair.row_a.ref, "b": proposal.pair.row_b.ref},
        )
    return redirect(_detail_url(proposal.pair, "usulan"))


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
                return redirect(_detail_url(proposal.pair, "usulan"))
        else:
            messages.success(request, _("Usulan penyelesaian ditolak."))
            return redirect(_detail_url(proposal.pair, "usulan"))
    return _overlap_page(request, proposal.pair, status=400, decline_form=form)


@require_POST
@login_required
def overlap_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    pair = get_overlap_for_user(request.user, pk, write=True)
    form = ResolveForm(request.POST, pair=pair)
    if form.is_valid():
        try:
            services.overlap_resolve(pair=pair, by=request.user, **form.service_kwargs())
        except ValidationError as exc:
            form_copy_errors(form, exc)
        else:
            messages.success(
                request, _("Pasangan %(a)s – %(b)s diselesaikan.") % {"a": pair.row_a.ref, "b": pair.row_b.ref}
            )
            if request.POST.get("kembali") == "daftar":
                return redirect(_list_url(pair))
            return redirect("sinkronisasi:overlap-detail", pk=pair.pk)
    return _overlap_page(request, pair, form=form, status=400)


def _list_url(pair: Overlap) -> str:
    return f"{reverse('sinkronisasi:overlap-list')}?tahun={pair.fiscal_year.year}"


@require_POST
@login_required
def overlap_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    pair = get_overlap_for_user(request.user, pk, write=True)
    try:
        services.overlap_reopen(pair=pair, by=request.user, note=request.POST.get("note", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Pasangan dibuka lagi."))
    return redirect("sinkronisasi:overlap-detail", pk=pair.pk)


@require_POST
@login_required
def recompute(request: HttpRequest) -> HttpResponse:
    """A full recompute on request (Bappeda): after a reference-data change, or to be sure."""
    rules.require_planner(request.user)
    year = _year(request)
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


@login_required
def orphan_list(request: HttpRequest) -> HttpResponse:
    """Usulan no agency picked up: grouped counts, a chart per kecamatan, the list with one-click routing."""
    require_sync_access(request.user)
    year = _year(request)
    context = _base_context(request, year, "orphans")
    if year is None:
        return render(request, "sinkronisasi/orphan_list.html", context)
    scope = rules.sync_opd_scope(request.user)
    base = selectors.usulan_belum_diambil(year, opd_id=scope)
    form = OrphanFilterForm(request.GET or None, scope_opd=scope)
    data = form.cleaned_data if form.is_valid() else {}
    qs = base
    if data.get("sebab"):
        qs = qs.filter(sebab=data["sebab"])
    if data.get("kecamatan"):
        qs = qs.filter(desa__parent=data["kecamatan"])
    if data.get("opd"):
        qs = qs.filter(opd_tujuan=data["opd"])
    if data.get("q"):
        qs = qs.filter(cari__contains=data["q"].lower())
    qs = qs.order_by("desa__parent__nama", "opd_tujuan__singkatan", "sebab", "id_usulan")
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        return export_response(
            export,
            selectors.ORPHAN_DOWNLOAD_COLUMNS,
            selectors.orphan_export_rows(qs, download=True),
            basename="usulan_belum_diambil",
            title="Belum diambil",
            delimiter=csv_delimiter(request.GET),
        )
    counts = selectors.orphan_counts(base)
    unfiltered = not any(data.get(k) for k in ("sebab", "kecamatan", "opd", "q"))  # then the list is the counted set
    page = KnownCountPaginator(qs, 25, count=counts["total"] if unfiltered else None).get_page(
        int_param(request.GET, "page", 1)
    )
    items = list(page.object_list)
    deadline = selectors.forum_deadline(year)
    today = timezone.localdate()
    suggestions = selectors.route_suggestions(items)
    labels = dict(selectors.Sebab.choices())
    for u in items:
        u.umur = selectors.age_days(u.sejak, today)
        u.sebab_label = labels.get(u.sebab, u.sebab)
        u.lewat_tenggat = bool(u.sebab == selectors.Sebab.BELUM_DIPUTUSKAN and deadline and today > deadline)
        u.saran = suggestions.get(u.pk)
    params = request.GET.copy()
    for key in ("page", "export"):
        params.pop(key, None)
    context.update(
        {
            "form": form,
            "page": page,
            "items": items,
            "counts": counts,
            "deadline": deadline,
            "cause_cards": [(c, label, counts["by_cause"].get(c, 0)) for c, label in selectors.Sebab.choices()],
            "chart": charts.bar_chart(
                title=_("Usulan belum diambil per kecamatan, menurut sebab"),
                bars=[
                    (kec, [(f"c-{c}", parts[c]) for c in CAUSE_ORDER if parts.get(c)])
                    for kec, parts in sorted(
                        counts["by_kecamatan"].items(), key=lambda kv: (-sum(kv[1].values()), kv[0])
                    )[:20]
                ],
                legend=[(f"c-{c}", label) for c, label in selectors.Sebab.choices()],
            ),
            "query": params.urlencode(),
            "can_route": rules.can_route_usulan(request.user),
            "bulk_form": BulkForm(visible=Usulan.objects.none(), auto_id="massal_%s"),  # ids apart from the filters'
            "next": request.get_full_path(),
        }
    )
    return render(request, "sinkronisasi/orphan_list.html", context)


@login_required
def synonym_group_list(request: HttpRequest) -> HttpResponse:
    """The synonym groups the detector uses; Bappeda adds and corrects them."""
    require_sync_access(request.user)
    form = None
    if request.method == "POST":
        if not rules.can_manage_synonyms(request.user):
            raise PermissionDenied
        form = SynonymGroupForm(request.POST)
        if form.is_valid():
            try:
                group = services.synonym_group_save(group=None, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form_copy_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Kelompok sinonim %(nama)s disimpan; temuan dihitung ulang di latar belakang.")
                    % {"nama": group.nama},
                )
                return redirect("sinkronisasi:synonym-list")
    elif rules.can_manage_synonyms(request.user):
        form = SynonymGroupForm(initial={"aktif": True})
    context = {
        "groups": SynonymGroup.objects.select_related("updated_by"),
        "form": form,
        "can_manage": rules.can_manage_synonyms(request.user),
        "tab": "synonyms",
    }
    return render(
        request,
        "sinkronisasi/synonym_group_list.html",
        context,
        status=400 if form is not None and form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def synonym_group_edit(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_synonym_group_for_user(request.user, pk)
    form = SynonymGroupForm(
        request.POST or None, initial={"nama": group.nama, "frasa": group.frasa, "aktif": group.aktif}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.synonym_group_save(group=group, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_copy_errors(form, exc)
        else:
            messages.success(
                request,
                _("Kelompok sinonim %(nama)s diubah; temuan dihitung ulang di latar belakang.") % {"nama": group.nama},
            )
            return redirect("sinkronisasi:synonym-list")
    return render(
        request,
        "sinkronisasi/synonym_group_form.html",
        {"form": form, "group": group, "tab": "synonyms"},
        status=400 if form.errors else 200,
    )


@login_required
def synonym_group_delete_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """What deleting a synonym group does, with the button that does it."""
    group = get_synonym_group_for_user(request.user, pk)
    back = reverse("sinkronisasi:synonym-edit", args=[group.pk])
    return confirm_page(
        request,
        title=_("Hapus kelompok sinonim %(nama)s?") % {"nama": group.nama},
        facts=[
            _("Kelompok %(nama)s (%(frasa)s) dihapus; frasanya tidak lagi dianggap bermakna sama.")
            % {"nama": group.nama, "frasa": ", ".join(group.phrases())},
            _("Temuan program beririsan dihitung ulang tanpa kelompok ini."),
        ],
        action=reverse("sinkronisasi:synonym-delete", args=[group.pk]),
        button=_("Ya, hapus kelompok"),
        back=back,
        breadcrumbs=[(reverse("sinkronisasi:synonym-list"), _("Sinonim")), (back, group.nama)],
    )


@require_POST
@login_required
def synonym_group_delete(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_synonym_group_for_user(request.user, pk)
    if not confirmed(request):
        messages.error(request, _("Tidak ada yang dihapus: penghapusan harus dikonfirmasi dulu."))
        return redirect("sinkronisasi:synonym-delete-confirm", pk=group.pk)
    services.synonym_group_delete(group=group, by=request.user)
    messages.success(request, _("Kelompok sinonim %(nama)s dihapus.") % {"nama": group.nama})
    return redirect("sinkronisasi:synonym-list")


OFFICER_HOME_UNDECIDED = 10  # the longest-waiting undecided usulan listed on the home page; the inbox has them all


@login_required
def officer_home(request: HttpRequest) -> HttpResponse:
    """An OPD person's home ("/", through settings.RENJA_OFFICER_HOME): usulan new since their last inbox visit, the
    undecided ones with their age against the forum deadline, and their agency's open overlaps.

    It lives here because sinkronisasi is the lowest app that may read all three: musrenbang's usulan, the forum
    deadline (selectors.forum_deadline) and the overlaps; renja and musrenbang may not import this app."""
    user, year = request.user, renja_selectors.current_fiscal_year()
    opd_id = rules.usulan_opd_scope(user)
    context = {"fiscal_year": year, "opd": user.opd}
    if year is not None and opd_id is not None:
        today = timezone.localdate()
        deadline = selectors.forum_deadline(year)
        seen = usulan_selectors.inbox_last_seen(user)
        waiting = list(
            usulan_selectors.undecided_for_agency(opd_id=opd_id, fiscal_year_id=year.pk)[:OFFICER_HOME_UNDECIDED]
        )
        for u in waiting:
            u.umur = selectors.age_days(u.diputuskan_pada, today) if u.diputuskan_pada else None
            u.baru = seen is None or (u.diputuskan_pada is not None and u.diputuskan_pada > seen)
        context.update(
            {
                "counts": request_inbox_counts(request),
                "last_seen": seen,
                "waiting": waiting,
                "deadline": deadline,
                "days_left": (deadline - today).days if deadline else None,
                "days_over": max(0, (today - deadline).days) if deadline else 0,
                "open_pairs": overlaps_for_user(user).filter(fiscal_year=year, status=settlement.Status.OPEN).count()
                if rules.can_see_sync(user)
                else None,
                "can_decide": rules.can_decide_usulan(user, user.opd),
                "mail_form": InboxMailForm(initial={"mode": usulan_selectors.inbox_mail_mode(user)}),
            }
        )
    return render(request, "sinkronisasi/officer_home.html", context)
