"""Forum screens: list, create/edit, the day's attendance, agreements, finalise, sign, PDF, public verification."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.confirm import confirm_page, confirmed
from core.formatting import nip
from core.http import form_copy_errors, no_store
from renja import permissions as rules
from renja import selectors as renja_selectors
from sinkronisasi.permissions import get_overlap_for_user

from . import selectors, services
from .forms import AttendeeForm, ClausesForm, ForumForm, SignForm, VerifyForm
from .models import Attendance, BeritaAcara
from .permissions import forums_for_user, get_forum_for_user

AGENDA_PREVIEW = 100


def _verify_url(request: HttpRequest):
    return lambda sha: request.build_absolute_uri(reverse("forum:verify-detail", args=[sha]))


@login_required
def forum_list(request: HttpRequest) -> HttpResponse:
    forums = forums_for_user(request.user).prefetch_related("opd").order_by("-tanggal", "-id")
    return render(request, "forum/forum_list.html", {"forums": forums, "can_run": rules.can_run_forums(request.user)})


@require_http_methods(["GET", "POST"])
@login_required
def forum_create(request: HttpRequest) -> HttpResponse:
    rules.require(request.user, rules.can_run_forums)
    year = renja_selectors.current_fiscal_year()
    form = ForumForm(request.POST or None, initial={"fasilitator": request.user})
    if request.method == "POST" and form.is_valid():
        try:
            forum = services.forum_create(
                fiscal_year=year, data=form.service_data(), opd_list=list(form.cleaned_data["opd"]), by=request.user
            )
        except ValidationError as exc:
            form_copy_errors(form, exc)
        else:
            messages.success(request, _("Forum dibuat dengan butir kesepakatan baku."))
            return redirect("forum:forum-detail", pk=forum.pk)
    return render(request, "forum/forum_form.html", {"form": form, "forum": None, "year": year})


@require_http_methods(["GET", "POST"])
@login_required
def forum_edit(request: HttpRequest, pk: int) -> HttpResponse:
    forum = get_forum_for_user(request.user, pk, write=True)
    form = ForumForm(request.POST or None, instance=forum)
    if not forum.is_draft:
        messages.error(request, _("Forum ini sudah final dan tidak dapat diubah."))
        return redirect("forum:forum-detail", pk=forum.pk)
    if request.method == "POST" and form.is_valid():
        try:
            services.forum_update(
                forum=forum,
                data=form.service_data(),
                opd_list=list(form.cleaned_data["opd"]),
                by=request.user,
                expected_version=form.cleaned_data.get("version"),
            )
        except ValidationError as exc:
            form_copy_errors(form, exc)
        else:
            messages.success(request, _("Forum disimpan."))
            return redirect("forum:forum-detail", pk=forum.pk)
    return render(request, "forum/forum_form.html", {"form": form, "forum": forum, "year": forum.fiscal_year})


@login_required
def forum_detail(request: HttpRequest, pk: int) -> HttpResponse:
    forum = get_forum_for_user(request.user, pk)
    return _detail(request, forum)


def _detail(request, forum, *, attendee_form=None, clauses_form=None, status=200):
    can_run = rules.can_run_forums(request.user)
    ba = BeritaAcara.objects.filter(forum=forum).select_related("finalised_by", "signed_by").first()
    context = {
        "forum": forum,
        "pimpinan_nip": nip(forum.pimpinan_nip),
        "ba": ba,
        "render": services.berita_acara_render_state(ba) if ba is not None else None,
        "can_run": can_run,
        "editable": can_run and forum.is_draft,
        "opd": list(forum.opd.all()),
        "people": list(forum.attendance.select_related("opd")),
        "clauses": [(selectors.ordinal(c.position), c.text) for c in forum.clauses.all()],
        "attendee_form": attendee_form or AttendeeForm(forum=forum),
        "clauses_form": clauses_form or ClausesForm(initial={"text": "\n\n".join(c.text for c in forum.clauses.all())}),
        "sign_form": SignForm(),
        # The agenda as a preview (the berita acara holds every row): a forum of many agencies has thousands.
        "agenda_rows": selectors.agreed_rows(forum)[:AGENDA_PREVIEW] if forum.is_draft else None,
        "agenda_rows_total": selectors.agreed_rows(forum).count() if forum.is_draft else 0,
        "agenda_usulan": selectors.not_agreed_usulan(forum, pokir=False)[:AGENDA_PREVIEW] if forum.is_draft else None,
        "agenda_usulan_total": selectors.not_agreed_usulan(forum, pokir=False).count() if forum.is_draft else 0,
        "agenda_overlaps": list(
            forum.overlaps.select_related("row_a", "row_b", "opd_a", "opd_b", "opd_pengampu", "dropped_row")
        )
        if ba is None
        else None,
        # Once finalised, the overlaps as the berita acara froze them (a later forum may settle a pair again).
        "frozen_overlaps": ba.snapshot.get("beririsan", []) if ba is not None else None,
        # Each agency's pagu indikatif against its rows: live while a draft, as the berita acara froze it after.
        "ceilings": selectors.ceilings(forum) if ba is None else ba.snapshot.get("pagu_opd"),
        "open_usulan": selectors.open_usulan(forum)[:AGENDA_PREVIEW] if forum.is_draft else None,
        "open_usulan_total": selectors.open_usulan(forum).count() if forum.is_draft else 0,
    }
    return render(request, "forum/forum_detail.html", context, status=status)


@require_POST
@login_required
def attendee_add(request: HttpRequest, pk: int) -> HttpResponse:
    forum = get_forum_for_user(request.user, pk, write=True)
    form = AttendeeForm(request.POST, forum=forum)
    if form.is_valid():
        try:
            services.attendee_add(
                forum=forum, data=form.cleaned_data, by=request.user, checked_in=form.cleaned_data["checked_in"]
            )
        except ValidationError as exc:
            form_copy_errors(form, exc)
        else:
            messages.success(request, _("%(nama)s ditambahkan ke daftar hadir.") % {"nama": form.cleaned_data["nama"]})
            return redirect(reverse("forum:forum-detail", args=[forum.pk]) + "#hadir")
    return _detail(request, forum, attendee_form=form, status=422)


@require_POST
@login_required
def attendee_check_in(request: HttpRequest, pk: int, person: int) -> HttpResponse:
    forum = get_forum_for_user(request.user, pk, write=True)
    attendee = get_object_or_404(Attendance, pk=person, forum=forum)
    try:
        services.attendee_check_in(attendee=attendee, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(reverse("forum:forum-detail", args=[forum.pk]) + "#hadir")


@login_required
def attendee_remove_confirm(request: HttpRequest, pk: int, person: int) -> HttpResponse:
    """What removing an attendee does, with the button that does it."""
    forum = get_forum_for_user(request.user, pk, write=True)
    attendee = get_object_or_404(Attendance, pk=person, forum=forum)
    back = reverse("forum:forum-detail", args=[forum.pk]) + "#hadir"
    return confirm_page(
        request,
        title=_("Hapus %(nama)s dari daftar hadir?") % {"nama": attendee.nama},
        facts=[
            _("%(nama)s (%(unsur)s) dihapus dari daftar hadir forum %(forum)s.")
            % {"nama": attendee.nama, "unsur": attendee.unsur, "forum": forum.judul},
            _(
                "Catatan kehadirannya (jam datang) ikut terhapus; untuk mencantumkannya lagi, "
                "tambahkan sebagai peserta baru."
            ),
        ],
        action=reverse("forum:attendee-remove", args=[forum.pk, attendee.pk]),
        button=_("Ya, hapus dari daftar hadir"),
        back=back,
        breadcrumbs=[(reverse("forum:forum-list"), _("Forum")), (back, forum.judul)],
        blocked="" if forum.is_draft else _("Forum ini sudah final dan tidak dapat diubah."),
    )


@require_POST
@login_required
def attendee_remove(request: HttpRequest, pk: int, person: int) -> HttpResponse:
    forum = get_forum_for_user(request.user, pk, write=True)
    attendee = get_object_or_404(Attendance, pk=person, forum=forum)
    if not confirmed(request):
        messages.error(request, _("Tidak ada yang dihapus: penghapusan peserta harus dikonfirmasi dulu."))
        return redirect("forum:attendee-remove-confirm", pk=forum.pk, person=attendee.pk)
    try:
        services.attendee_remove(attendee=attendee, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(reverse("forum:forum-detail", args=[forum.pk]) + "#hadir")


@require_POST
@login_required
def clauses_save(request: HttpRequest, pk: int) -> HttpResponse:
    forum = get_forum_for_user(request.user, pk, write=True)
    form = ClausesForm(request.POST)
    if form.is_valid():
        try:
            services.clauses_save(forum=forum, texts=form.texts(), by=request.user)
        except ValidationError as exc:
            form_copy_errors(form, exc)
        else:
            messages.success(request, _("Butir kesepakatan disimpan."))
            return redirect(reverse("forum:forum-detail", args=[forum.pk]) + "#sepakat")
    return _detail(request, forum, clauses_form=form, status=422)


@login_required
def forum_finalise_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """What finalising does, in numbers (rows agreed, usulan not agreed, attendees, overlaps settled)."""
    forum = get_forum_for_user(request.user, pk, write=True)
    back = reverse("forum:forum-detail", args=[forum.pk])
    facts = selectors.finalise_facts(forum)
    lines = [
        _("%(n)s baris Renja akan menjadi disepakati (Lampiran II).") % {"n": facts["baris"]},
        _(
            "Berita acara akan diberi nomor, dibekukan (sidik jari SHA-256) dan PDF-nya dibuat; forum tidak dapat "
            "diubah lagi, koreksi hanya lewat versi koreksi setelah ditandatangani."
        ),
        _(
            "%(n)s usulan yang belum dapat diakomodasi tercantum di Lampiran III, "
            "%(p)s usulan Pokir DPRD di Lampiran IV."
        )
        % {"n": facts["usulan"], "p": facts["pokir"]},
        _("%(n)s orang di daftar hadir (%(h)s sudah hadir).") % {"n": facts["peserta"], "h": facts["hadir"]},
        _("%(n)s program beririsan yang disepakati tercantum di Lampiran V.") % {"n": facts["beririsan"]},
        _("%(n)s usulan yang dibawa ke Musrenbang kabupaten tercantum di Lampiran VI.") % {"n": facts["dibawa"]},
    ]
    if facts["dikembalikan"]:
        lines.append(
            _(
                "%(n)s usulan dikembalikan oleh OPD peserta dan tercantum di Lampiran III; bila menjadi kewenangan "
                "OPD peserta lain, teruskan di forum (halaman forum) lalu putuskan sebelum finalisasi."
            )
            % {"n": facts["dikembalikan"]}
        )
    undecided = selectors.undecided_usulan(forum) if facts["terbuka_usulan"] else []
    if undecided:
        lines.append(
            _(
                "%(n)s usulan OPD peserta belum diputuskan (daftar di bawah); putuskan di forum atau bawa ke "
                "Musrenbang kabupaten dari halaman forum terlebih dahulu."
            )
            % {"n": len(undecided)}
        )
    blocked = ""
    if not forum.is_draft:
        blocked = _("Forum ini sudah final dan tidak dapat diubah.")
    elif not facts["peserta"]:
        blocked = _("Daftar hadir masih kosong; forum tidak dapat difinalkan.")
    elif not facts["butir"]:
        blocked = _("Belum ada butir kesepakatan.")
    elif facts["terbuka_usulan"]:
        blocked = _(
            "%(n)s usulan OPD peserta belum diputuskan. Putuskan di forum atau bawa ke Musrenbang kabupaten "
            "sebelum berita acara difinalkan."
        ) % {"n": facts["terbuka_usulan"]}
    elif facts["terbuka"]:
        blocked = _("%(n)s program beririsan di agenda belum disepakati. Sepakati atau keluarkan dari agenda.") % {
            "n": facts["terbuka"]
        }
    return confirm_page(
        request,
        title=_("Finalkan berita acara %(forum)s?") % {"forum": forum.judul},
        facts=lines,
        action=reverse("forum:forum-finalise", args=[forum.pk]),
        button=_("Ya, finalkan berita acara"),
        back=back,
        hidden={"jumlah_baris": facts["baris"]},
        breadcrumbs=[(reverse("forum:forum-list"), _("Forum")), (back, forum.judul)],
        warning=_("Langkah ini tidak dapat dibatalkan."),
        blocked=blocked,
        items=[_usulan_line(u) for u in undecided],
    )


def _usulan_line(usulan) -> str:
    return f"{usulan.id_usulan} · {usulan.opd_tujuan.singkatan} · {usulan.desa.nama} — {usulan.usulan} " + (
        f"({usulan.get_status_display()})"
    )


ALASAN_MAX = 500


@login_required
def usulan_carry_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """What carrying every undecided usulan of the forum's agencies to the Musrenbang kabupaten does, listed."""
    forum = get_forum_for_user(request.user, pk, write=True)
    back = reverse("forum:forum-detail", args=[forum.pk]) + "#agenda"
    alasan = (request.GET.get("alasan") or "").strip()[:ALASAN_MAX]
    undecided = selectors.undecided_usulan(forum) if forum.is_draft else []
    blocked = ""
    if not forum.is_draft:
        blocked = _("Forum ini sudah final dan tidak dapat diubah.")
    elif not undecided:
        blocked = _("Tidak ada usulan OPD peserta yang belum diputuskan.")
    return confirm_page(
        request,
        title=_("Bawa %(n)s usulan yang belum diputuskan ke Musrenbang kabupaten?") % {"n": len(undecided)},
        facts=[
            _(
                "Setiap usulan di bawah mendapat langkah “dibawa ke Musrenbang kabupaten” di tingkat forum pada "
                "jejaknya; Musrenbang kabupaten atau TAPD yang memutuskannya."
            ),
            _("Usulan ini tercantum di Lampiran VI berita acara."),
            _("Alasan: %(alasan)s") % {"alasan": alasan} if alasan else _("Tanpa alasan tertulis."),
        ],
        items=[_usulan_line(u) for u in undecided],
        action=reverse("forum:usulan-carry", args=[forum.pk]),
        button=_("Ya, bawa ke Musrenbang kabupaten"),
        back=back,
        hidden=[("alasan", alasan), *(("usulan", u.pk) for u in undecided)],
        breadcrumbs=[(reverse("forum:forum-list"), _("Forum")), (back, forum.judul)],
        blocked=blocked,
    )


@require_POST
@login_required
def usulan_carry(request: HttpRequest, pk: int) -> HttpResponse:
    forum = get_forum_for_user(request.user, pk, write=True)
    if not confirmed(request):
        messages.error(request, _("Tidak ada usulan yang dibawa: langkah ini harus dikonfirmasi dulu."))
        return redirect("forum:usulan-carry-confirm", pk=forum.pk)
    ids = [int(v) for v in request.POST.getlist("usulan")[:10_000] if v.isdigit()]
    chosen = list(selectors.routed_usulan(forum).filter(pk__in=ids).select_related("opd_tujuan"))
    if not chosen or len(chosen) != len(set(ids)):
        messages.error(request, _("Tidak ada usulan yang dibawa: daftar usulan berubah sejak konfirmasi."))
        return redirect("forum:usulan-carry-confirm", pk=forum.pk)
    try:
        n = services.forum_usulan_carry(
            forum=forum, usulan_list=chosen, by=request.user, alasan=request.POST.get("alasan", "")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(n)s usulan dibawa ke Musrenbang kabupaten (Lampiran VI).") % {"n": n})
    return redirect(reverse("forum:forum-detail", args=[forum.pk]) + "#agenda")


@require_POST
@login_required
def usulan_reroute(request: HttpRequest, pk: int, usulan: int) -> HttpResponse:
    """Re-route an usulan a participant returned to another participant, at the forum."""
    forum = get_forum_for_user(request.user, pk, write=True)
    found = get_object_or_404(selectors.routed_usulan(forum), pk=usulan)
    opd = forum.opd.filter(pk=request.POST.get("opd") if str(request.POST.get("opd", "")).isdigit() else 0).first()
    if opd is None:
        messages.error(request, _("Pilih OPD peserta forum tujuan usulan %(id)s.") % {"id": found.id_usulan})
        return redirect(reverse("forum:forum-detail", args=[forum.pk]) + "#agenda")
    try:
        services.forum_usulan_reroute(forum=forum, usulan=found, opd=opd, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Usulan %(id)s diteruskan ke %(opd)s; putuskan di forum.") % {"id": found.id_usulan, "opd": opd.nama},
        )
    return redirect(reverse("forum:forum-detail", args=[forum.pk]) + "#agenda")


@require_POST
@login_required
def forum_finalise(request: HttpRequest, pk: int) -> HttpResponse:
    forum = get_forum_for_user(request.user, pk, write=True)
    if not confirmed(request):
        messages.error(request, _("Berita acara belum difinalkan: periksa dulu halaman konfirmasi."))
        return redirect("forum:forum-finalise-confirm", pk=forum.pk)
    if request.POST.get("jumlah_baris") != str(selectors.agreed_rows(forum).count()):
        # The agenda changed between the confirmation and the click: the user agreed to other numbers.
        messages.error(
            request, _("Berita acara belum difinalkan: jumlah baris Renja berubah sejak konfirmasi. Periksa lagi.")
        )
        return redirect("forum:forum-finalise-confirm", pk=forum.pk)
    try:
        ba = services.forum_finalise(forum=forum, by=request.user, verify_url_for=_verify_url(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if ba.pdf:
            messages.success(request, _("Berita acara %(nomor)s difinalkan.") % {"nomor": ba.nomor})
        else:
            messages.success(
                request,
                _("Berita acara %(nomor)s difinalkan; PDF-nya sedang dibuat dan siap diunduh sebentar lagi.")
                % {"nomor": ba.nomor},
            )
    return redirect("forum:forum-detail", pk=forum.pk)


@require_POST
@login_required
def forum_sign(request: HttpRequest, pk: int) -> HttpResponse:
    forum = get_forum_for_user(request.user, pk, write=True)
    form = SignForm(request.POST, request.FILES)
    if form.is_valid():
        scan = form.cleaned_data.get("pindaian")
        try:
            services.forum_sign(forum=forum, by=request.user, scan=scan.read() if scan else None)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Penandatanganan dicatat. Forum ini kini terkunci."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("forum:forum-detail", pk=forum.pk)


@require_POST
@login_required
def forum_correct(request: HttpRequest, pk: int) -> HttpResponse:
    forum = get_forum_for_user(request.user, pk, write=True)
    try:
        copy = services.forum_correct(forum=forum, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("forum:forum-detail", pk=forum.pk)
    messages.success(request, _("Versi koreksi dibuat; versi lama tetap tersimpan."))
    return redirect("forum:forum-detail", pk=copy.pk)


@require_POST
@login_required
def forum_pdf_again(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue a finalised berita acara's PDF again when none is stored, waiting or running."""
    forum = get_forum_for_user(request.user, pk, write=True)
    ba = get_object_or_404(BeritaAcara, forum=forum)
    if services.berita_acara_render_again(ba=ba, verify_url=_verify_url(request)(ba.sha256), by=request.user):
        messages.success(request, _("PDF berita acara diantrekan untuk dibuat lagi."))
    return redirect("forum:forum-detail", pk=forum.pk)


@login_required
def forum_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The stored PDF of a finalised forum, or a live DRAF print of a draft."""
    forum = get_forum_for_user(request.user, pk)
    ba = BeritaAcara.objects.filter(forum=forum).first()
    if ba is not None and not ba.pdf:
        # Finalised, its PDF still being made by the worker: say so (202), and reload by itself without JavaScript.
        state = services.berita_acara_render_state(ba)
        response = render(
            request, "forum/berita_acara_pending.html", {"forum": forum, "ba": ba, "render": state}, status=202
        )
        if state and state["since"]:
            response["Refresh"] = "5"
        return no_store(response)
    if ba is not None:
        return no_store(
            FileResponse(ba.pdf.open("rb"), content_type="application/pdf", filename=f"berita-acara-{forum.pk}.pdf")
        )
    from .pdf import render_draft_cached

    pdf = render_draft_cached(selectors.forum_snapshot(forum))  # rendered again only when the forum changed
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="draf-berita-acara-{forum.pk}.pdf"'
    return no_store(response)


def verify(request: HttpRequest) -> HttpResponse:
    """Public: is this fingerprint one of ours?"""
    form = VerifyForm(request.GET or None)
    if form.is_valid():
        return redirect("forum:verify-detail", sha=form.cleaned_data["sidik_jari"].strip().lower())
    return render(request, "forum/verify.html", {"form": form, "ba": None, "checked": False})


def verify_detail(request: HttpRequest, sha: str) -> HttpResponse:
    """Public: the key facts of the berita acara with this fingerprint, or a clear 'not genuine'."""
    ba = BeritaAcara.objects.select_related("forum").filter(sha256=sha.lower()).first()
    # Those present (a document signed before snapshot versi 2 counted everyone on the list).
    present = ba.snapshot.get("jumlah_hadir", ba.snapshot.get("jumlah_peserta")) if ba else None
    return render(
        request,
        "forum/verify.html",
        {
            "form": VerifyForm(initial={"sidik_jari": sha}),
            "ba": ba,
            "checked": True,
            "sha": sha,
            "present": present,
        },
        status=200 if ba else 404,
    )


@require_http_methods(["GET", "POST"])
@login_required
def agenda_overlap(request: HttpRequest, overlap: int) -> HttpResponse:
    """Choose the draft forum whose agenda gets an overlapping pair (both agencies must take part in it)."""
    rules.require(request.user, rules.can_run_forums)
    found = get_overlap_for_user(request.user, overlap, write=True)
    forums = (
        forums_for_user(request.user)
        .filter(fiscal_year=found.fiscal_year, status="draft")
        .filter(opd=found.opd_a_id)
        .filter(opd=found.opd_b_id)
        .distinct()
        .order_by("-tanggal")
    )
    if request.method == "POST":
        forum = get_object_or_404(forums, pk=request.POST.get("forum") or 0)
        try:
            services.forum_agenda_add_overlap(forum=forum, overlap=found, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Pasangan dimasukkan ke agenda %(forum)s.") % {"forum": forum.judul})
            return redirect("forum:forum-detail", pk=forum.pk)
    return render(request, "forum/agenda_overlap.html", {"pair": found, "forums": forums})


@login_required
def agenda_overlap_remove_confirm(request: HttpRequest, pk: int, overlap: int) -> HttpResponse:
    """What taking an overlapping pair off a forum's agenda does."""
    forum = get_forum_for_user(request.user, pk, write=True)
    found = get_object_or_404(forum.overlaps.select_related("row_a", "row_b", "opd_a", "opd_b"), pk=overlap)
    back = reverse("forum:forum-detail", args=[forum.pk]) + "#beririsan"
    label = f"{found.opd_a.singkatan} · {found.row_a.ref} – {found.opd_b.singkatan} · {found.row_b.ref}"
    return confirm_page(
        request,
        title=_("Keluarkan pasangan %(pair)s dari agenda?") % {"pair": label},
        facts=[
            _(
                "Pasangan %(pair)s tidak lagi dibahas di forum %(forum)s dan "
                "tidak tercantum di Lampiran V berita acaranya."
            )
            % {"pair": label, "forum": forum.judul},
            _("Kesepakatan pasangan ini (%(status)s) tetap tersimpan di halaman Sinkronisasi.")
            % {"status": found.get_status_display()},
        ],
        action=reverse("forum:agenda-overlap-remove", args=[forum.pk, found.pk]),
        button=_("Ya, keluarkan dari agenda"),
        back=back,
        breadcrumbs=[(reverse("forum:forum-list"), _("Forum")), (back, forum.judul)],
        blocked="" if forum.is_draft else _("Forum ini sudah final dan tidak dapat diubah."),
    )


@require_POST
@login_required
def agenda_overlap_remove(request: HttpRequest, pk: int, overlap: int) -> HttpResponse:
    forum = get_forum_for_user(request.user, pk, write=True)
    found = get_object_or_404(forum.overlaps.all(), pk=overlap)
    if not confirmed(request):
        messages.error(request, _("Tidak ada yang dikeluarkan: langkah ini harus dikonfirmasi dulu."))
        return redirect("forum:agenda-overlap-remove-confirm", pk=forum.pk, overlap=found.pk)
    try:
        services.forum_agenda_remove_overlap(forum=forum, overlap=found, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("forum:forum-detail", pk=forum.pk)
