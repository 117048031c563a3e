"""The officer's inbox: the usulan routed to their agency, and how they hear of new ones."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from renja import permissions as rules

from .. import services
from ..forms import InboxMailForm
from .lists import _list_page


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """The usulan routed to the officer's agency, undecided first."""
    if not rules.has_inbox(request.user):
        return redirect("musrenbang:usulan-list")
    response = _list_page(request, inbox=True)
    if request.GET.get("export") is None:
        services.inbox_visit_record(user=request.user)  # after drawing: this visit still shows what was new
    return response


@require_POST
@login_required
def inbox_mail(request: HttpRequest) -> HttpResponse:
    """An officer chooses how to hear of usulan routed to their agency (the form is on their home page)."""
    rules.require(request.user, rules.has_inbox)
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
