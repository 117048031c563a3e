"""Screens for usulan: Bappeda's list and routing, the officer's inbox and decisions, the public tracking page."""

from __future__ import annotations

import secrets
import time
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Count, IntegerField, Sum, When
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.confirm import confirm_page, confirmed
from core.form_renderer import use_reference_selects
from core.formatting import angka, rupiah
from core.http import (
    XLSX_TYPE,
    configure_table,
    csv_delimiter,
    export_response,
    filter_summary,
    form_copy_errors,
    int_param,
    no_store,
)
from core.importing import ImportRejected
from core.qr import qr_svg
from core.tabular import Column
from renja import permissions as rules
from renja import selectors as renja_selectors
from renja.forms import ImportUploadForm
from renja.models import FiscalYear
from renja.tables import KnownCountPaginator

from . import imports, selectors, services
from .filters import UsulanFilter
from .forms import BulkForm, CarryOverForm, DecisionForm, InboxMailForm, NewRowForm, RouteForm, TrackForm
from .import_template import usulan_template
from .models import Keputusan, Usulan
from .permissions import get_usulan_for_user, usulan_for_user
from .tables import UsulanTable, status_counts_body_html

UNDECIDED_FIRST = Case(
    When(status__in=[Usulan.Status.BARU, Usulan.Status.DITERUSKAN], then=0), default=1, output_field=IntegerField()
)

EXPORT_COLUMNS = [
    Column(name, kind)
    for name, kind in [
        ("id_usulan", "text"),
        ("kode_lacak", "text"),
        ("sumber", "text"),
        ("pengusul", "text"),
        ("kode_desa", "text"),
        ("desa", "text"),
        ("kecamatan", "text"),
        ("permasalahan", "text"),
        ("usulan", "text"),
        ("uraian", "text"),
        ("kode_bidang_urusan", "text"),
        ("jenis", "text"),
        ("volume", "number"),
        ("satuan", "text"),
        ("anggaran", "rupiah"),
        ("prioritas", "integer"),
        ("sasaran", "text"),
        ("opd_awal", "text"),
        ("opd_tujuan", "text"),
        ("status", "text"),
    ]
]

# The bulk form shares field names with the filters above it (opd, baris): its own ids keep every id on the page unique.
BULK_AUTO_ID = "massal_%s"


def _export_rows(qs):
    """Typed values (volume and anggaran as numbers); the desa and kecamatan names beside the desa code are ignored
    on import."""
    for u in qs:
        yield [
            u.id_usulan,
            u.kode_lacak,
            u.sumber,
            u.pengusul,
            u.desa.kode,
            u.desa.nama,
            u.desa.parent.nama if u.desa.parent else "",
            u.permasalahan,
            u.usulan,
            u.uraian,
            u.bidang_urusan.kode if u.bidang_urusan else "",
            u.jenis,
            u.volume,
            u.satuan,
            u.anggaran,
            u.prioritas,
            ";".join(s.slug for s in u.sasaran.all()),
            u.opd_awal.singkatan if u.opd_awal else "",
            u.opd_tujuan.singkatan if u.opd_tujuan else "",
            u.status,
        ]


def _list_page(
    request: HttpRequest,
    *,
    inbox: bool,
    bulk_form: BulkForm | None = None,
    chosen=(),
    warnings=(),
    next_url: str = "",
    status: int = 200,
) -> HttpResponse:
    """The list or the inbox from request.GET; a refused or warned bulk action passes its bound form, the chosen
    usulan (kept ticked) and the acceptance warnings."""
    user = request.user
    usulan_filter = UsulanFilter(
        request.GET or None,
        queryset=usulan_for_user(user),
        default_year=renja_selectors.current_fiscal_year(),
        hide_opd=inbox,
    )
    qs = usulan_filter.qs
    if inbox:
        qs = qs.order_by(UNDECIDED_FIRST, "desa__parent__nama", "prioritas", "id_usulan")
    else:
        qs = qs.order_by("desa__parent__nama", "prioritas", "id_usulan")
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        return export_response(
            export,
            EXPORT_COLUMNS,
            _export_rows(selectors.usulan_for_export(qs)),
            basename="usulan",
            title="Usulan",
            delimiter=csv_delimiter(request.GET),
        )
    year = usulan_filter.form.cleaned_data.get("tahun") if usulan_filter.form.is_valid() else None
    counts = None
    paginate = {"per_page": 25}
    if not inbox and year is not None:
        counts = selectors.status_counts(
            usulan_for_user(user).filter(fiscal_year=year), "desa__parent__nama", "opd_tujuan__singkatan"
        )
        if not any(v not in (None, "") for k, v in usulan_filter.form.cleaned_data.items() if k != "tahun"):
            # Only the year is chosen: the list is the counted set, so it needs no count of its own.
            paginate.update(
                paginator_class=KnownCountPaginator, count=sum(r["n"] for r in counts["opd_tujuan__singkatan"])
            )
    chosen_ids = {u.pk for u in chosen} or {int(v) for v in request.GET.getlist("pilih") if v.isdigit()}
    table = UsulanTable(
        selectors.usulan_for_table(qs),
        exclude=() if (inbox or rules.can_route_usulan(user)) and not rules.is_facilitator(user) else ("pilih",),
    )
    table.checked = chosen_ids
    if inbox:  # "baru" beside what was routed since the officer last opened the inbox, and how long each has waited
        table.fresh_since, table.today = selectors.inbox_last_seen(user), timezone.localdate()
        table.marks_fresh = True
    configure_table(request, table, **paginate)
    params = request.GET.copy()
    for key in ("page", "sort", "export", "pilih", "aksi", "terima_baris"):
        params.pop(key, None)
    if bulk_form is None:
        # After adding a village to a row from the warnings, the list comes back with the action and row filled in.
        bulk_form = BulkForm(
            visible=Usulan.objects.none(),
            auto_id=BULK_AUTO_ID,
            initial={"aksi": request.GET.get("aksi"), "baris": request.GET.get("terima_baris", "")},
        )
    use_reference_selects(bulk_form, opd=["singkatan"])  # the columns of the labels
    can_decide = inbox and rules.usulan_opd_scope(user) is not None and rules.can_decide_usulan(user, user.opd)
    shown = {r.record.pk for r in table.page.object_list} if hasattr(table, "page") else set()
    context = {
        "filter": usulan_filter,
        "table": table,
        "total": table.paginator.count,
        "export_query": params.urlencode(),
        "inbox": inbox,
        "bulk_form": bulk_form,
        "can_route": rules.can_route_usulan(user),
        "can_decide": can_decide,
        "refusal": services.decision_refusal(year) if year else None,
        "next": next_url or request.get_full_path(),
        # The row picker of bulk acceptance: the agency's rows of the year shown.
        "pickup_rows": selectors.rows_for_pickup(opd_id=user.opd_id, fiscal_year_id=year.pk)
        if can_decide and year
        else [],
        "chosen_off_page": sorted(chosen_ids - shown),
        "chosen": list(chosen),
        "warnings": warnings,
        "fix_rows": selectors.place_fix_rows(warnings) if can_decide and rules.can_edit(user, user.opd) else [],
        "place_usulan": list(chosen),
        "place_next": next_url or request.get_full_path(),
    }
    if counts is not None:
        context["per_kecamatan"] = counts["desa__parent__nama"]
        context["per_opd"] = counts["opd_tujuan__singkatan"]
        context["per_kecamatan_html"] = status_counts_body_html(context["per_kecamatan"], place_kind="kecamatan")
        context["per_opd_html"] = status_counts_body_html(context["per_opd"])
        context["statuses"] = Usulan.Status
        context["carry_form"] = carry_form = CarryOverForm(initial={"dari": year})
        use_reference_selects(carry_form, dari=["year"], ke=["year"])
    return render(request, "musrenbang/usulan_list.html", context, status=status)


PRINT_MAX_ROWS = 5000


@login_required
def usulan_print(request: HttpRequest) -> HttpResponse:
    """The whole filtered usulan list for paper (landscape, header repeated on each page), at most PRINT_MAX_ROWS
    usulan, with the Pemda's name and the filters on top."""
    usulan_filter = UsulanFilter(
        request.GET or None, queryset=usulan_for_user(request.user), default_year=renja_selectors.current_fiscal_year()
    )
    qs = usulan_filter.qs.order_by("desa__parent__nama", "prioritas", "id_usulan")
    totals = qs.aggregate(n=Count("id"), anggaran=Sum("anggaran"))
    items = list(selectors.usulan_for_table(qs)[:PRINT_MAX_ROWS])
    for u in items:
        u.anggaran_text, u.volume_text = rupiah(u.anggaran), angka(u.volume)
    params = request.GET.copy()
    for key in ("page", "sort", "export"):
        params.pop(key, None)
    return render(
        request,
        "musrenbang/usulan_print.html",
        {
            "items": items,
            "total": totals["n"],
            "anggaran_text": rupiah(totals["anggaran"] or 0),
            "cut": totals["n"] > len(items),
            "max_rows": PRINT_MAX_ROWS,
            "filters": filter_summary(usulan_filter.form),
            "printed_at": timezone.localtime(),
            "list_query": params.urlencode(),
        },
    )


@login_required
def usulan_list(request: HttpRequest) -> HttpResponse:
    """Every usulan the user may see, with counts per kecamatan and agency (Bappeda's view)."""
    return _list_page(request, inbox=False)


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """The usulan routed to the officer's agency, undecided first."""
    if rules.usulan_opd_scope(request.user) is None:
        return redirect("musrenbang:usulan-list")
    response = _list_page(request, inbox=True)
    if request.GET.get("export") is None:
        services.inbox_visit_record(user=request.user)  # after drawing: this visit still shows what was new
    return response


@require_POST
@login_required
def inbox_mail(request: HttpRequest) -> HttpResponse:
    """An officer chooses how to hear of usulan routed to their agency (the form is on their home page)."""
    if rules.usulan_opd_scope(request.user) is None:
        raise PermissionDenied
    form = InboxMailForm(request.POST)
    if form.is_valid():
        services.inbox_mail_set(user=request.user, mode=form.cleaned_data["mode"])
        messages.success(
            request,
            _("Pilihan surel disimpan: %(mode)s.")
            % {"mode": dict(form.fields["mode"].choices)[form.cleaned_data["mode"]]},
        )
    else:
        messages.error(request, _("Pilih salah satu pilihan surel."))
    return redirect("renja:home")


@login_required
def usulan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    usulan = get_usulan_for_user(request.user, pk)
    return _detail(request, usulan)


def _route_choice(usulan: Usulan, suggested: list):
    """The agency the routing form starts on: where it waits for a decision, else the first suggestion that is not
    the agency that rejected or returned it (a 60-entry list should not have to be searched for the obvious one)."""
    if usulan.opd_tujuan_id and usulan.status == Usulan.Status.DITERUSKAN:
        return usulan.opd_tujuan
    return next((o for o in suggested if o.pk != usulan.opd_tujuan_id), usulan.opd_tujuan)


def _detail(
    request, usulan, *, decision_form=None, new_row_form=None, route_form=None, status=200, rows=None, warnings=()
):
    can_decide = rules.can_decide_usulan(request.user, usulan.opd_tujuan)
    suggested = services.suggest_opds(usulan) if rules.can_route_usulan(request.user) else []
    if rows is None:
        rows = (
            selectors.rows_for_pickup(opd_id=usulan.opd_tujuan_id, fiscal_year_id=usulan.fiscal_year_id)
            if can_decide
            else []
        )
    if decision_form is None and can_decide:
        # Back from adding the village to a row: the acceptance into that row is filled in, one click from saving.
        initial = (
            {"keputusan": Keputusan.Jenis.DITERIMA, "baris_1": request.GET["baris"]} if request.GET.get("baris") else {}
        )
        decision_form = DecisionForm(usulan=usulan, rows=rows, initial=initial)
    context = {
        "usulan": usulan,
        "trail": selectors.trail(usulan),
        "pickups": selectors.pickups(usulan),
        "sasaran": list(usulan.sasaran.all()),
        "anggaran_text": rupiah(usulan.anggaran),
        "refusal": services.decision_refusal(usulan.fiscal_year),
        "can_decide": can_decide,
        "can_route": rules.can_route_usulan(request.user),
        "decision_form": decision_form,
        "pickup_rows": rows,
        "warnings": warnings,
        "fix_rows": selectors.place_fix_rows(warnings) if rules.can_edit(request.user, usulan.opd_tujuan) else [],
        "place_usulan": [usulan],
        "place_next": reverse("musrenbang:usulan-detail", args=[usulan.pk]),
        # One click on from every decision: the next undecided usulan of the agency, in the inbox order.
        "next_undecided": selectors.next_undecided(usulan, usulan_for_user(request.user)) if can_decide else None,
        "new_row_form": new_row_form
        or (NewRowForm(initial={"ref": f"{usulan.fiscal_year.year}-U-{usulan.id_usulan}"}) if can_decide else None),
        "route_form": route_form or RouteForm(initial={"opd": _route_choice(usulan, suggested)}),
        "suggested": suggested,
        "carried_to": list(usulan.lanjutan.select_related("fiscal_year")),
    }
    return render(request, "musrenbang/usulan_detail.html", context, status=status)


@require_POST
@login_required
def usulan_decide(request: HttpRequest, pk: int) -> HttpResponse:
    usulan = get_usulan_for_user(request.user, pk, write=True)
    rows = selectors.rows_for_pickup(opd_id=usulan.opd_tujuan_id, fiscal_year_id=usulan.fiscal_year_id)
    form = DecisionForm(request.POST, usulan=usulan, visible=usulan_for_user(request.user), rows=rows)
    if form.is_valid():
        data = form.cleaned_data
        allocations = [
            services.Allocation(row=data[f"row_{i}"], anggaran=data.get(f"biaya_{i}"))
            for i in range(1, 4)
            if data.get(f"row_{i}")
        ]
        if data["keputusan"] in services.ACCEPTED and allocations and not data["konfirmasi"]:
            total = data["anggaran"] if data["anggaran"] is not None else usulan.anggaran
            parts = [
                (a.row, a.anggaran if a.anggaran is not None else (total if len(allocations) == 1 else 0))
                for a in allocations
            ]
            warnings = selectors.acceptance_warnings(usulan, parts)
            if warnings:  # a check step, not a refusal: the same form comes back with the warnings and "save anyway"
                return _detail(request, usulan, decision_form=form, rows=rows, warnings=warnings)
        try:
            services.usulan_decide(
                usulan=usulan,
                keputusan=data["keputusan"],
                by=request.user,
                alasan=data["alasan"],
                # A facilitator decides only as the forum; the agency's people and Bappeda choose.
                level=data["level"] if rules.can_edit(request.user, usulan.opd_tujuan) else Keputusan.Level.FORUM,
                volume=data["volume"],
                anggaran=data["anggaran"],
                allocations=allocations,
                merge_usulan=data.get("merge_usulan"),
                merge_row=data.get("merge_row"),
            )
        except ValidationError as exc:
            form_copy_errors(form, exc)
        else:
            messages.success(request, _("Keputusan untuk %(id)s disimpan.") % {"id": usulan.id_usulan})
            return redirect("musrenbang:usulan-detail", pk=usulan.pk)
    return _detail(request, usulan, decision_form=form, status=422, rows=rows)


@require_POST
@login_required
def row_places_add(request: HttpRequest) -> HttpResponse:
    """One click from an out-of-place warning: add the desa of the chosen usulan to the Renja row's locations.

    The row is loaded for writing (403 for whoever may not edit it) and changed through renja's rules (version,
    lock, agreed rows), audited on its history. Back to the decision with that row filled in."""
    chosen = list(
        usulan_for_user(request.user).filter(pk__in=[v for v in request.POST.getlist("usulan") if v.isdigit()])
    )
    if not chosen:
        raise Http404
    row = rules.get_row_for_user(request.user, int_param(request.POST, "baris", 0) or 0, write=True)
    back = request.POST.get("next") or reverse("musrenbang:usulan-detail", args=[chosen[0].pk])
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("musrenbang:usulan-detail", args=[chosen[0].pk])
    try:
        services.row_places_add(
            row=row, usulan_list=chosen, by=request.user, expected_version=int_param(request.POST, "versi", None)
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        places = ", ".join(sorted({u.desa.nama for u in chosen}))
        messages.success(
            request, _("Desa/Kel. %(places)s ditambahkan ke lokasi baris %(ref)s.") % {"places": places, "ref": row.ref}
        )
    if len(chosen) == 1 and back == reverse("musrenbang:usulan-detail", args=[chosen[0].pk]):
        return redirect(f"{back}?{urlencode({'baris': row.ref})}")
    query = urlencode(
        [("pilih", u.pk) for u in chosen] + [("aksi", Keputusan.Jenis.DITERIMA), ("terima_baris", row.ref)]
    )
    return redirect(f"{back}{'&' if '?' in back else '?'}{query}")


@require_POST
@login_required
def usulan_new_row(request: HttpRequest, pk: int) -> HttpResponse:
    usulan = get_usulan_for_user(request.user, pk, write=True)
    if not rules.can_edit(request.user, usulan.opd_tujuan):  # facilitators decide at the forum, never write Renja
        raise PermissionDenied
    form = NewRowForm(request.POST)
    if form.is_valid():
        try:
            decision = services.renja_row_from_usulan(
                usulan=usulan,
                ref=form.cleaned_data["ref"],
                kode_sub_kegiatan=form.cleaned_data["kode_sub_kegiatan"],
                by=request.user,
            )
        except ValidationError as exc:
            form_copy_errors(form, exc)
        else:
            row = decision.pengambilan.get().renja_row
            messages.success(
                request, _("Baris Renja %(ref)s dibuat dan usulan diterima ke dalamnya.") % {"ref": row.ref}
            )
            return redirect("musrenbang:usulan-detail", pk=usulan.pk)
    return _detail(request, usulan, new_row_form=form, status=422)


@require_POST
@login_required
def usulan_route(request: HttpRequest, pk: int) -> HttpResponse:
    usulan = get_usulan_for_user(request.user, pk)
    if not rules.can_route_usulan(request.user):
        raise PermissionDenied
    form = RouteForm(request.POST)
    if form.is_valid():
        try:
            services.usulan_route(usulan=usulan, opd=form.cleaned_data["opd"], by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Usulan %(id)s diteruskan ke %(opd)s.")
                % {"id": usulan.id_usulan, "opd": form.cleaned_data["opd"].singkatan},
            )
            return redirect("musrenbang:usulan-detail", pk=usulan.pk)
    return _detail(request, usulan, route_form=form, status=422)


@require_POST
@login_required
def usulan_bulk(request: HttpRequest) -> HttpResponse:
    """One action for a selection: routing (Bappeda) or a decision (the agency's officer)."""
    visible = usulan_for_user(request.user)
    form = BulkForm(request.POST, visible=visible, auto_id=BULK_AUTO_ID)
    back = request.POST.get("next") or reverse("musrenbang:usulan-list")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("musrenbang:usulan-list")
    if not form.is_valid():
        if "pilih" not in form.errors:  # a selection to keep: the list comes back with it ticked and the inputs kept
            return _bulk_again(request, form, back, chosen=list(form.cleaned_data.get("pilih") or []))
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    data, chosen = form.cleaned_data, list(form.cleaned_data["pilih"])
    row = None
    if data["aksi"] == Keputusan.Jenis.DITERIMA:
        # The ref is checked before anything happens: a typo keeps the selection (the whole list comes back).
        rows = selectors.rows_for_pickup(opd_id=chosen[0].opd_tujuan_id, fiscal_year_id=chosen[0].fiscal_year_id)
        row = next((r for r in rows if r.ref.casefold() == (data["baris"] or "").strip().casefold()), None)
        if row is None:
            form.add_error(
                "baris",
                _('Baris Renja "%(ref)s" tidak ada di Renja %(opd)s tahun %(year)s; pilih dari daftar.')
                % {
                    "ref": (data["baris"] or "").strip(),
                    "opd": chosen[0].opd_tujuan.singkatan if chosen[0].opd_tujuan_id else "–",
                    "year": chosen[0].fiscal_year.year,
                }
                if (data["baris"] or "").strip()
                else _("Isi ref baris Renja yang menampung usulan terpilih."),
            )
            return _bulk_again(request, form, back, chosen=chosen)
        if not data["konfirmasi"]:
            warnings = [
                w for u in chosen for w in selectors.acceptance_warnings(u, [(row, u.anggaran)]) if w.kind == "lokasi"
            ]
            # The pagu against what the row holds plus the whole selection (those already in it counted once).
            held = row.ditampung + sum(
                u.anggaran
                for u in chosen
                if u.status not in (Usulan.Status.DITERIMA, Usulan.Status.DITERIMA_DENGAN_PERUBAHAN)
            )
            if held > row.pagu:
                warnings.append(
                    selectors.AcceptanceWarning(
                        "pagu",
                        row,
                        _(
                            "Pagu baris %(ref)s %(pagu)s; dengan %(n)s usulan terpilih menjadi %(total)s: "
                            "melebihi pagu %(over)s."
                        )
                        % {
                            "ref": row.ref,
                            "pagu": rupiah(row.pagu),
                            "n": len(chosen),
                            "total": rupiah(held),
                            "over": rupiah(held - row.pagu),
                        },
                    )
                )
            if warnings:
                return _bulk_again(request, form, back, chosen=chosen, warnings=warnings, status=200)
    try:
        if data["aksi"] == "teruskan":
            if not rules.can_route_usulan(request.user):
                raise PermissionDenied
            if not confirmed(request, BULK_CONFIRM):
                return _bulk_confirm(request, data, chosen, back)
            count = services.usulan_route_many(usulan_list=chosen, opd=data["opd"], by=request.user)
        elif data["aksi"] == "tutup":
            if not rules.can_close_usulan(request.user):
                raise PermissionDenied
            if not confirmed(request, BULK_CONFIRM):
                return _bulk_confirm(request, data, chosen, back)
            count = services.usulan_close_many(usulan_list=chosen, by=request.user, alasan=data["alasan"])
        else:
            if any(not rules.can_decide_usulan(request.user, u.opd_tujuan) for u in chosen):
                raise PermissionDenied
            if not confirmed(request, BULK_CONFIRM):
                return _bulk_confirm(request, data, chosen, back, row=row)
            level = (
                Keputusan.Level.OPD
                if all(rules.can_edit(request.user, u.opd_tujuan) for u in chosen)
                else Keputusan.Level.FORUM
            )
            count = services.usulan_decide_many(
                usulan_list=chosen, keputusan=data["aksi"], by=request.user, alasan=data["alasan"], row=row, level=level
            )
    except ValidationError as exc:
        messages.error(request, _("Tidak ada yang diubah: %(err)s") % {"err": " ".join(exc.messages)})
    else:
        messages.success(request, _bulk_done(data, chosen, count, row))
    return redirect(back)


def _bulk_done(data: dict, chosen: list, count: int, row) -> str:
    """What a bulk action did, to which usulan and where: not just "n usulan diproses"."""
    ids = ", ".join(u.id_usulan for u in chosen[:10]) + (
        _(" dan %(n)s lainnya") % {"n": len(chosen) - 10} if len(chosen) > 10 else ""
    )
    aksi, values = data["aksi"], {"n": count, "ids": ids}
    if aksi == "teruskan":
        return _("%(n)s usulan diteruskan ke %(opd)s: %(ids)s.") % {**values, "opd": data["opd"].singkatan}
    if aksi == "tutup":
        return _("%(n)s usulan ditutup: %(ids)s.") % values
    if aksi == Keputusan.Jenis.DITERIMA:
        return _("%(n)s usulan diterima ke baris Renja %(ref)s: %(ids)s.") % {**values, "ref": row.ref}
    if aksi == Keputusan.Jenis.DITOLAK:
        return _("%(n)s usulan ditolak: %(ids)s.") % values
    return _("%(n)s usulan dikembalikan ke Bappeda: %(ids)s.") % values


BULK_CONFIRM = "konfirmasi_massal"  # not `konfirmasi`, which acknowledges the acceptance warnings


def _bulk_confirm(request: HttpRequest, data: dict, chosen: list, back: str, *, row=None) -> HttpResponse:
    """The confirmation page of a bulk action: what happens to which usulan, the same form again to proceed."""
    n, aksi = len(chosen), data["aksi"]
    alasan = (data.get("alasan") or "").strip()
    if aksi == "teruskan":
        fact = _("%(n)s usulan akan diteruskan ke %(opd)s; OPD itu melihatnya di kotak masuknya.") % {
            "n": n,
            "opd": data["opd"],
        }
    elif aksi == "tutup":
        fact = _(
            "%(n)s usulan akan ditutup (tidak tertampung) dan dapat dibawa ke tahun berikut. Alasan: %(alasan)s"
        ) % {"n": n, "alasan": alasan}
    elif aksi == Keputusan.Jenis.DITERIMA:
        fact = _("%(n)s usulan akan diterima ke baris Renja %(ref)s (%(nama)s).") % {
            "n": n,
            "ref": row.ref,
            "nama": row.nama,
        }
    elif aksi == Keputusan.Jenis.DITOLAK:
        fact = _("%(n)s usulan akan ditolak. Alasan: %(alasan)s") % {"n": n, "alasan": alasan or "–"}
    else:
        fact = _("%(n)s usulan akan dikembalikan ke Bappeda. Alasan: %(alasan)s") % {"n": n, "alasan": alasan or "–"}
    hidden = [
        (k, v) for k, values in request.POST.lists() if k not in ("csrfmiddlewaretoken", BULK_CONFIRM) for v in values
    ]
    label = dict(BulkForm.ACTIONS)[aksi]
    return confirm_page(
        request,
        title=_("%(aksi)s: %(n)s usulan?") % {"aksi": label, "n": n},
        facts=[fact, _("Setiap keputusan tercatat di jejak usulannya.")],
        items=[f"{u.id_usulan} · {u.usulan}" for u in chosen],
        action=reverse("musrenbang:usulan-bulk"),
        button=_("Ya, jalankan untuk %(n)s usulan") % {"n": n},
        back=back,
        hidden=hidden,
        field=BULK_CONFIRM,
    )


def _bulk_again(
    request: HttpRequest, form: BulkForm, back: str, *, chosen, warnings=(), status: int = 422
) -> HttpResponse:
    """The list the bulk action came from, drawn again with the selection ticked, the inputs kept and the errors or
    warnings shown (a redirect would lose all of it)."""
    parts = urlsplit(back)
    request.GET = QueryDict(parts.query)
    inbox = parts.path == reverse("musrenbang:inbox")
    if inbox and rules.usulan_opd_scope(request.user) is None:
        inbox = False
    return _list_page(
        request, inbox=inbox, bulk_form=form, chosen=chosen, warnings=warnings, next_url=back, status=status
    )


@require_POST
@login_required
def usulan_carry_over(request: HttpRequest) -> HttpResponse:
    if not rules.can_route_usulan(request.user):
        raise PermissionDenied
    form = CarryOverForm(request.POST)
    if form.is_valid() and not confirmed(request):
        dari, ke = form.cleaned_data["dari"], form.cleaned_data["ke"]
        counts = selectors.carry_over_counts(from_year=dari, to_year=ke)
        facts = [
            _(
                "%(n)s usulan tahun %(dari)s yang tidak tertampung akan disalin ke tahun %(ke)s sebagai usulan baru "
                "yang belum diputuskan, masing-masing dengan kode lacak baru dan tertaut ke usulan aslinya."
            )
            % {"n": counts["dibawa"], "dari": dari.year, "ke": ke.year},
            _("Usulan yang sudah pernah dibawa tidak disalin lagi."),
        ]
        if counts["dilewati"]:
            facts.append(
                _("%(n)s usulan dilewati karena ID-nya sudah ada di tahun %(ke)s.")
                % {"n": counts["dilewati"], "ke": ke.year}
            )
        back = reverse("musrenbang:usulan-list")
        return confirm_page(
            request,
            title=_("Bawa usulan %(dari)s ke tahun %(ke)s?") % {"dari": dari.year, "ke": ke.year},
            facts=facts,
            action=reverse("musrenbang:usulan-carry-over"),
            button=_("Ya, bawa %(n)s usulan") % {"n": counts["dibawa"]},
            back=back,
            hidden={"dari": dari.pk, "ke": ke.pk},
            breadcrumbs=[(back, _("Usulan"))],
        )
    if form.is_valid():
        try:
            count = services.usulan_carry_over(
                from_year=form.cleaned_data["dari"], to_year=form.cleaned_data["ke"], by=request.user
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("%(n)s usulan dibawa ke tahun %(year)s.") % {"n": count, "year": form.cleaned_data["ke"].year},
            )
            return redirect(f"{reverse('musrenbang:usulan-list')}?tahun={form.cleaned_data['ke'].pk}")
    else:
        messages.error(request, _("Pilih tahun asal dan tahun tujuan."))
    return redirect("musrenbang:usulan-list")


@login_required
def usulan_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    """A printable receipt for the village: the tracking code, as text and as a QR code to the public page."""
    usulan = get_usulan_for_user(request.user, pk)
    url = request.build_absolute_uri(f"{reverse('musrenbang:track')}?kode={usulan.kode_lacak}")
    return no_store(
        render(request, "musrenbang/usulan_receipt.html", {"usulan": usulan, "track_url": url, "qr": qr_svg(url)})
    )


PENDING_DIR = "impor-usulan"


def _pending_path(token: str):
    return Path(settings.MEDIA_ROOT) / PENDING_DIR / f"{token}.dat"


def _pending_cleanup(folder, max_age_s: int = 24 * 3600) -> None:
    """Uploads nobody confirmed within a day are deleted."""
    for old in folder.glob("*.dat"):
        if time.time() - old.stat().st_mtime > max_age_s:
            old.unlink(missing_ok=True)


@require_http_methods(["GET", "POST"])
@login_required
def usulan_import(request: HttpRequest) -> HttpResponse:
    """Upload an usulan file (project CSV/XLSX or SIPD export), see what it would change, then confirm."""
    if not rules.can_route_usulan(request.user):
        raise PermissionDenied
    max_bytes = settings.RENJA_IMPORT_MAX_BYTES
    form = ImportUploadForm(
        request.POST or None,
        request.FILES or None,
        max_bytes=max_bytes,
        initial={"tahun": renja_selectors.current_fiscal_year()},
    )
    context = {"form": form, "max_mb": max_bytes // (1024 * 1024)}
    if request.method == "POST" and form.is_valid():
        upload, fiscal_year = form.cleaned_data["berkas"], form.cleaned_data["tahun"]
        content = upload.read()
        try:
            plan = imports.build_usulan_plan(
                content=content, filename=upload.name, fiscal_year=fiscal_year, by=request.user
            )
        except ImportRejected as exc:
            context.update({"issues": exc.issues, "filename": upload.name})
            return render(request, "musrenbang/usulan_import.html", context, status=422)
        except ValidationError as exc:
            form.add_error(None, exc)
            return render(request, "musrenbang/usulan_import.html", context, status=422)
        token = secrets.token_urlsafe(16)
        path = _pending_path(token)
        path.parent.mkdir(parents=True, exist_ok=True)
        _pending_cleanup(path.parent)
        path.write_bytes(content)
        request.session["usulan_import"] = {"token": token, "filename": upload.name, "year": fiscal_year.pk}
        context.update({"plan": plan, "summary": plan.summary(), "filename": upload.name, "fiscal_year": fiscal_year})
    return render(request, "musrenbang/usulan_import.html", context)


@login_required
def usulan_import_template(request: HttpRequest) -> HttpResponse:
    """The XLSX template of the usulan import (project format)."""
    if not rules.can_route_usulan(request.user):
        raise PermissionDenied
    response = HttpResponse(usulan_template(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = 'attachment; filename="templat-impor-usulan.xlsx"'
    return response


@require_POST
@login_required
def usulan_import_confirm(request: HttpRequest) -> HttpResponse:
    if not rules.can_route_usulan(request.user):
        raise PermissionDenied
    pending = request.session.pop("usulan_import", None)
    if not pending or pending.get("token") != request.POST.get("token"):
        messages.error(request, _("Tidak ada impor yang menunggu konfirmasi; unggah ulang berkasnya."))
        return redirect("musrenbang:usulan-import")
    path = _pending_path(pending["token"])
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        messages.error(request, _("Berkas impor sudah tidak tersedia; unggah ulang."))
        return redirect("musrenbang:usulan-import")
    fiscal_year = FiscalYear.objects.get(pk=pending["year"])
    try:
        summary = imports.usulan_import_file(
            content=content, filename=pending["filename"], fiscal_year=fiscal_year, by=request.user
        )
    except ImportRejected as exc:
        return render(
            request,
            "musrenbang/usulan_import.html",
            {"issues": exc.issues, "filename": pending["filename"]},
            status=422,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("musrenbang:usulan-import")
    finally:
        path.unlink(missing_ok=True)
    messages.success(
        request,
        _("Impor %(file)s selesai: %(baru)s usulan baru, %(berubah)s diperbarui, %(sama)s tidak berubah.")
        % {"file": pending["filename"], **summary},
    )
    return redirect(f"{reverse('musrenbang:usulan-list')}?tahun={fiscal_year.pk}")


def track(request: HttpRequest) -> HttpResponse:
    """Public, without log-in: a village follows its usulan by tracking code. No personal data is shown."""
    form = TrackForm(request.GET or None)
    usulan, trail, pickups = None, [], []
    if form.is_valid():
        usulan = selectors.usulan_by_tracking_code(form.cleaned_data["kode"])
        if usulan is None:
            form.add_error("kode", _("Kode lacak tidak ditemukan. Periksa kembali kode pada tanda terima."))
        else:
            trail, pickups = selectors.trail(usulan), selectors.pickups(usulan)
    return no_store(
        render(request, "musrenbang/track.html", {"form": form, "usulan": usulan, "trail": trail, "pickups": pickups})
    )
