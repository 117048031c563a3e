"""An officer's inbox: when they last opened it, and the e-mail of usulan routed to their agency (at once or as a
daily digest, as each chose)."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mass_mail
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from renja import permissions as rules
from renja import services as renja_services
from renja.models import Opd, User

from ..models import InboxMail, InboxVisit, Usulan

logger = logging.getLogger("musrenbang.services")


def inbox_visit_record(*, user: User) -> None:
    """Remember when an officer opened their inbox: usulan routed before that are no longer new to them."""
    now = timezone.now()
    # One UPDATE on every visit but the first (update_or_create locks, reads and writes in a transaction of its own:
    # four statements on the inbox's every view).
    if not InboxVisit.objects.filter(user=user).update(seen_at=now):
        InboxVisit.objects.update_or_create(user=user, defaults={"seen_at": now})


# E-mail of routed usulan (issue 14): at once or as a daily digest, as each officer chose (InboxMail). The demo
# and development print mails on the console (settings.EMAIL_BACKEND); `manage.py usulan_digest` sends the digest
# (a systemd timer runs it daily, docs/DEPLOY.md).

OPD_PEOPLE = tuple(sorted(rules.OPD_ROLES))  # the roles with an inbox (renja/permissions.py: has_inbox)


def inbox_mail_set(*, user: User, mode: str) -> InboxMail:
    """Record how the user wants to hear of usulan routed to their agency."""
    if mode not in InboxMail.Mode.values:
        raise ValidationError(_("Pilihan surel tidak dikenal."))
    setting, _created = InboxMail.objects.update_or_create(user=user, defaults={"mode": mode})
    renja_services.audit_log(obj=setting, action="inbox_mail.set", by=user, data={"mode": mode})
    return setting


def _usulan_mail(items: list[Usulan], opd: Opd, *, intro: str) -> tuple[str, str]:
    lines = [intro, ""]
    lines += [f"- {u.id_usulan} · {u.usulan[:100]} · Desa/Kel. {u.desa.nama}" for u in items[:50]]
    if len(items) > 50:
        lines.append(_("… dan %(n)s usulan lainnya.") % {"n": len(items) - 50})
    lines += [
        "",
        _("Kotak masuk: %(url)s") % {"url": settings.RENJA_SITE_URL.rstrip("/") + reverse("musrenbang:inbox")},
    ]
    subject = _("[Renja] %(n)s usulan diteruskan ke %(opd)s") % {"n": len(items), "opd": opd.singkatan}
    return subject, "\n".join(lines)


def routing_mail_send(*, opd_id: int, usulan_ids: list[int]) -> int:
    """E-mail the agency's people who chose a mail at every routing about these usulan (after the routing's commit;
    a mail server that fails is logged and changes nothing). Returns the number of mails."""
    people = list(
        User.objects.filter(
            opd_id=opd_id, is_active=True, role__in=OPD_PEOPLE, inbox_mail__mode=InboxMail.Mode.SEGERA
        ).exclude(email="")
    )
    if not people or not usulan_ids:
        return 0
    items = list(Usulan.objects.filter(pk__in=usulan_ids).select_related("desa", "opd_tujuan").order_by("id_usulan"))
    opd = Opd.objects.get(pk=opd_id)
    subject, body = _usulan_mail(
        items, opd, intro=_("Usulan berikut baru diteruskan Bappeda ke %(opd)s:") % {"opd": opd.nama}
    )
    try:
        return send_mass_mail([(subject, body, None, [p.email]) for p in people])
    except Exception:  # noqa: BLE001 - the routing is done; a mail server down must not turn it into an error page
        logger.exception("routing mail to %s failed", opd.singkatan)
        return 0


def inbox_digest_send(*, now: datetime.datetime | None = None) -> int:
    """Send each person who chose the daily digest the undecided usulan routed to their agency since their last
    digest (the last day for the first one), and remember when. Returns the number of mails sent."""
    now = now or timezone.now()
    sent = 0
    chosen = (
        InboxMail.objects.filter(
            mode=InboxMail.Mode.HARIAN, user__is_active=True, user__role__in=OPD_PEOPLE, user__opd__isnull=False
        )
        .exclude(user__email="")
        .select_related("user__opd")
    )
    for setting in chosen:
        since = setting.digest_sent_at or now - datetime.timedelta(days=1)
        items = list(
            Usulan.objects.filter(
                opd_tujuan_id=setting.user.opd_id,
                status=Usulan.Status.DITERUSKAN,
                diputuskan_pada__gt=since,
                diputuskan_pada__lte=now,
            )
            .select_related("desa")
            .order_by("diputuskan_pada", "id_usulan")
        )
        if items:
            subject, body = _usulan_mail(
                items,
                setting.user.opd,
                intro=_("Ringkasan harian: usulan yang diteruskan ke %(opd)s dan belum diputuskan:")
                % {"opd": setting.user.opd.nama},
            )
            sent += send_mass_mail([(subject, body, None, [setting.user.email])])
        setting.digest_sent_at = now
        setting.save(update_fields=["digest_sent_at"])
    return sent
