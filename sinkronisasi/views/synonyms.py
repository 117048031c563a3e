"""The synonym groups the detector uses: the list with the add form, editing and deleting a group."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.confirm import confirm_page, confirmed
from core.http import form_copy_errors
from renja import permissions as rules

from .. import services
from ..forms import (
    SynonymGroupForm,
)
from ..models import SynonymGroup
from ..permissions import (
    get_synonym_group_for_user,
    require_sync_access,
)


@login_required
def synonym_group_list(request: HttpRequest) -> HttpResponse:
    """The synonym groups the detector uses; Bappeda adds and corrects them."""
    require_sync_access(request.user)
    form = None
    if request.method == "POST":
        rules.require(request.user, rules.can_manage_synonyms)
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
