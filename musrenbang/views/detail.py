"""One usulan: its page, the decision, routing, a new Renja row from it, its receipt."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.formatting import rupiah
from core.http import form_copy_errors, int_param, no_store
from core.qr import qr_svg
from renja import permissions as rules

from .. import selectors, services
from ..forms import DecisionForm, NewRowForm, RouteForm
from ..models import Decision, Usulan
from ..permissions import decision_level, get_usulan_for_user, usulan_for_user


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
            {"keputusan": Decision.Kind.DITERIMA, "baris_1": request.GET["baris"]} if request.GET.get("baris") else {}
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
        "route_refusal": services.route_refusal(usulan) if rules.can_route_usulan(request.user) else None,
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
                kind=data["keputusan"],
                by=request.user,
                alasan=data["alasan"],
                level=decision_level(request.user, [usulan.opd_tujuan], chosen=data["level"]),
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
    query = urlencode([("pilih", u.pk) for u in chosen] + [("aksi", Decision.Kind.DITERIMA), ("terima_baris", row.ref)])
    return redirect(f"{back}{'&' if '?' in back else '?'}{query}")


@require_POST
@login_required
def usulan_new_row(request: HttpRequest, pk: int) -> HttpResponse:
    usulan = get_usulan_for_user(request.user, pk, write=True)
    # Facilitators decide at the forum, never write Renja.
    rules.require(request.user, rules.can_edit, usulan.opd_tujuan)
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
            row = decision.pickups.get().renja_row
            messages.success(
                request, _("Baris Renja %(ref)s dibuat dan usulan diterima ke dalamnya.") % {"ref": row.ref}
            )
            return redirect("musrenbang:usulan-detail", pk=usulan.pk)
    return _detail(request, usulan, new_row_form=form, status=422)


@require_POST
@login_required
def usulan_route(request: HttpRequest, pk: int) -> HttpResponse:
    usulan = get_usulan_for_user(request.user, pk)
    rules.require(request.user, rules.can_route_usulan)
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


@login_required
def usulan_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    """A printable receipt for the village: the tracking code, as text and as a QR code to the public page."""
    usulan = get_usulan_for_user(request.user, pk)
    url = request.build_absolute_uri(f"{reverse('musrenbang:track')}?kode={usulan.kode_lacak}")
    return no_store(
        render(request, "musrenbang/usulan_receipt.html", {"usulan": usulan, "track_url": url, "qr": qr_svg(url)})
    )
