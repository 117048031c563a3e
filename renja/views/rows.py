"""One Renja row: its page, creating and editing it, and its status moves (confirmed first where they take
the row out of its agency's hands)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from core.confirm import confirm_page, confirmed
from core.formatting import angka, rupiah
from core.http import form_copy_errors

from .. import permissions, selectors, services
from ..forms import RenjaRowForm, StatusForm
from ..models import RenjaRow


@login_required
def row_detail(request: HttpRequest, pk: int) -> HttpResponse:
    row = permissions.get_row_for_user(request.user, pk)
    kegiatan = row.sub_kegiatan.parent
    return render(
        request,
        "renja/row_detail.html",
        {
            "row": row,
            "kegiatan": kegiatan,
            "program": kegiatan.parent if kegiatan else None,
            "lokasi": list(row.lokasi.select_related("parent")),
            "sasaran": list(row.sasaran.all()),
            "pendukung": list(row.opd_pendukung.all()),
            "history": selectors.row_history(row),
            "can_edit": permissions.can_edit(request.user, row.opd),
            "refusal": services.year_edit_refusal(row.fiscal_year),
            "status_moves": [
                (s, RenjaRow.Status(s).label, s in CONFIRMED_MOVES)
                for s in services.status_moves_for(row, request.user)
            ],
            "pagu_text": rupiah(row.pagu),
            "pagu_n1_text": rupiah(row.pagu_n1),
            "target_text": angka(row.target),
            "target_n1_text": angka(row.target_n1),
            "target_opd_text": angka(row.target_opd),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def row_create(request: HttpRequest) -> HttpResponse:
    permissions.require(request.user, permissions.can_create_rows)
    fiscal_year = selectors.fiscal_year_from_query(request.GET)
    if fiscal_year is None:
        messages.error(request, _("Belum ada tahun anggaran. Minta Bappeda membuatnya."))
        return redirect("renja:row-list")
    editable = permissions.editable_opds(request.user)
    form = RenjaRowForm(request.POST or None, editable_opds=editable, fiscal_year=fiscal_year)
    if request.method == "GET" and editable.count() == 1:
        form.initial["opd"] = editable.first()
    refusal = services.year_edit_refusal(fiscal_year)
    if request.method == "POST" and form.is_valid() and not refusal:
        try:
            row = services.row_create(
                fiscal_year=fiscal_year, ref=form.cleaned_data["ref"], data=form.service_data(), by=request.user
            )
        except ValidationError as exc:
            form_copy_errors(form, exc)
        else:
            messages.success(request, _("Baris %(ref)s dibuat.") % {"ref": row.ref})
            return redirect("renja:row-detail", pk=row.pk)
    if refusal:
        messages.error(request, refusal)
    return render(
        request, "renja/row_form.html", {"form": form, "fiscal_year": fiscal_year, "row": None, "refusal": refusal}
    )


@require_http_methods(["GET", "POST"])
@login_required
def row_edit(request: HttpRequest, pk: int) -> HttpResponse:
    row = permissions.get_row_for_user(request.user, pk, write=True)
    form = RenjaRowForm(
        request.POST or None,
        instance=row,
        editable_opds=permissions.editable_opds(request.user),
        fiscal_year=row.fiscal_year,
    )
    refusal = services.year_edit_refusal(row.fiscal_year)
    conflict = None
    if request.method == "POST" and form.is_valid() and not refusal:
        try:
            _row, changes = services.row_update(
                row=row, data=form.service_data(), by=request.user, expected_version=form.cleaned_data.get("version")
            )
        except services.RowConflict as exc:
            conflict = exc
            # The editor has now seen what changed; a second save applies their values on purpose.
            data = request.POST.copy()
            data["version"] = str(exc.current_version)
            form = RenjaRowForm(
                data, instance=row, editable_opds=permissions.editable_opds(request.user), fiscal_year=row.fiscal_year
            )
            form.is_valid()
        except ValidationError as exc:
            form_copy_errors(form, exc)
        else:
            if changes:
                messages.success(request, _("Perubahan disimpan (%(n)s kolom).") % {"n": len(changes)})
            else:
                messages.info(request, _("Tidak ada perubahan."))
            return redirect("renja:row-detail", pk=row.pk)
    if refusal:
        messages.error(request, refusal)
    return render(
        request,
        "renja/row_form.html",
        {"form": form, "fiscal_year": row.fiscal_year, "row": row, "refusal": refusal, "conflict": conflict},
        status=409 if conflict else 200,
    )


# Moves that take the row out of its agency's hands: each goes through a confirmation page first.
CONFIRMED_MOVES = {
    RenjaRow.Status.DISEPAKATI: gettext_lazy(
        "Setelah disepakati, petugas OPD tidak dapat mengubah baris ini lagi; "
        "hanya Bappeda yang dapat mengubah atau mengembalikannya."
    ),
    RenjaRow.Status.FINAL: gettext_lazy("Setelah final, baris ini tidak dapat diubah siapa pun kecuali Bappeda."),
}


@login_required
def row_status_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """What `Jadikan Disepakati` / `Jadikan Final` does to this row, with the button that does it."""
    row = permissions.get_row_for_user(request.user, pk, write=True)
    status = request.GET.get("status", "")
    back = reverse("renja:row-detail", args=[row.pk])
    if status not in CONFIRMED_MOVES:
        return redirect(back)
    label = RenjaRow.Status(status).label
    moves = services.status_moves_for(row, request.user)
    return confirm_page(
        request,
        title=_("Jadikan %(ref)s %(status)s?") % {"ref": row.ref, "status": label},
        facts=[
            _("Baris Renja %(ref)s (%(nama)s, %(opd)s) akan menjadi %(status)s (sekarang %(now)s).")
            % {
                "ref": row.ref,
                "nama": row.nama,
                "opd": row.opd.singkatan,
                "status": label,
                "now": row.get_status_display(),
            },
            str(CONFIRMED_MOVES[status]),
        ],
        action=reverse("renja:row-status", args=[row.pk]),
        button=_("Ya, jadikan %(status)s") % {"status": label},
        back=back,
        hidden={"status": status, "version": row.version},
        breadcrumbs=[(reverse("renja:row-list"), _("Renja")), (back, row.ref)],
        blocked=""
        if status in moves
        else _("Status tidak dapat diubah dari %(from)s ke %(to)s.") % {"from": row.get_status_display(), "to": label},
    )


@require_POST
@login_required
def row_status(request: HttpRequest, pk: int) -> HttpResponse:
    row = permissions.get_row_for_user(request.user, pk, write=True)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Permintaan perubahan status tidak lengkap."))
        return redirect("renja:row-detail", pk=row.pk)
    status = form.cleaned_data["status"]
    if status in CONFIRMED_MOVES and status in services.status_moves_for(row, request.user) and not confirmed(request):
        messages.error(request, _("Status belum diubah: perubahan ini harus dikonfirmasi dulu."))
        return redirect(reverse("renja:row-status-confirm", args=[row.pk]) + "?" + urlencode({"status": status}))
    try:
        services.row_status_change(
            row=row, status=form.cleaned_data["status"], by=request.user, expected_version=form.cleaned_data["version"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Status diubah."))
    return redirect("renja:row-detail", pk=row.pk)
