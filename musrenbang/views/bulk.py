"""Actions on a selection of usulan (routing, closing, deciding) and carrying a year's usulan over."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.confirm import confirm_page, confirmed
from renja import permissions as rules

from .. import selectors, services
from ..bulk import bulk_acceptance_row, bulk_acceptance_warnings, usulan_bulk_apply
from ..forms import BulkForm, CarryOverForm
from ..models import Decision
from ..permissions import require_bulk_action, usulan_for_user
from .lists import BULK_AUTO_ID, _list_page


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
    if data["aksi"] == Decision.Kind.DITERIMA:
        # The ref is checked before anything happens: a typo keeps the selection (the whole list comes back).
        try:
            row = bulk_acceptance_row(chosen, data["baris"])
        except ValidationError as exc:
            form.add_error("baris", exc)
            return _bulk_again(request, form, back, chosen=chosen)
        warnings = [] if data["konfirmasi"] else bulk_acceptance_warnings(chosen, row)
        if warnings:
            return _bulk_again(request, form, back, chosen=chosen, warnings=warnings, status=200)
    require_bulk_action(request.user, data["aksi"], chosen)  # refused before the confirmation page, not after
    if not confirmed(request, BULK_CONFIRM):
        return _bulk_confirm(request, data, chosen, back, row=row)
    try:
        count = usulan_bulk_apply(
            action=data["aksi"], usulan_list=chosen, by=request.user, opd=data["opd"], alasan=data["alasan"], row=row
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
    if aksi == Decision.Kind.DITERIMA:
        return _("%(n)s usulan diterima ke baris Renja %(ref)s: %(ids)s.") % {**values, "ref": row.ref}
    if aksi == Decision.Kind.DITOLAK:
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
    elif aksi == Decision.Kind.DITERIMA:
        fact = _("%(n)s usulan akan diterima ke baris Renja %(ref)s (%(nama)s).") % {
            "n": n,
            "ref": row.ref,
            "nama": row.nama,
        }
    elif aksi == Decision.Kind.DITOLAK:
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
    if inbox and not rules.has_inbox(request.user):
        inbox = False
    return _list_page(
        request, inbox=inbox, bulk_form=form, chosen=chosen, warnings=warnings, next_url=back, status=status
    )


@require_POST
@login_required
def usulan_carry_over(request: HttpRequest) -> HttpResponse:
    rules.require(request.user, rules.can_route_usulan)
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
            return redirect(f"{reverse('musrenbang:usulan-list')}?tahun={form.cleaned_data['ke'].year}")
    else:
        messages.error(request, _("Pilih tahun asal dan tahun tujuan."))
    return redirect("musrenbang:usulan-list")
