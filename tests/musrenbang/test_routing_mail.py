"""E-mail of routed usulan (issue 14, optional part of point 4): at once or as a daily digest, as each officer chose."""

import datetime

from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from musrenbang import services
from musrenbang.models import InboxMail, Usulan
from renja.models import AuditLog, User

from ..factories import make_user, make_usulan


def test_officer_chooses_the_mail_on_home_and_the_choice_is_audited(client, year, opd_a, opd_a_editor):
    client.force_login(opd_a_editor)
    assert 'value="tidak"' in client.get(reverse("renja:home")).content.decode()
    response = client.post(reverse("musrenbang:inbox-mail"), {"mode": "harian"})
    assert response.status_code == 302 and InboxMail.objects.get(user=opd_a_editor).mode == "harian"
    assert AuditLog.objects.filter(action="inbox_mail.set", by=opd_a_editor).exists()


def test_planners_have_no_inbox_mail_setting(client, planner):
    client.force_login(planner)
    assert client.post(reverse("musrenbang:inbox-mail"), {"mode": "segera"}).status_code == 403


def test_routing_mails_the_officers_who_chose_it_once_per_batch(
    year, opd_a, opd_b, opd_a_editor, planner, django_capture_on_commit_callbacks
):
    opd_a_editor.email = "petugas.a@example.org"
    opd_a_editor.save(update_fields=["email"])
    services.inbox_mail_set(user=opd_a_editor, mode="segera")
    quiet = make_user("petugas.a2", role=User.Role.PETUGAS_OPD, opd=opd_a, email="diam@example.org")  # chose nothing
    other = make_user("petugas.b", role=User.Role.PETUGAS_OPD, opd=opd_b, email="b@example.org")
    services.inbox_mail_set(user=other, mode="segera")
    chosen = [make_usulan(fiscal_year=year, id_usulan=f"U-M-{i}") for i in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        services.usulan_route_many(usulan_list=chosen, opd=opd_a, by=planner)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["petugas.a@example.org"] and "3 usulan diteruskan ke Dinsos" in message.subject
    assert "U-M-0" in message.body and "U-M-2" in message.body and "/usulan/kotak-masuk/" in message.body
    assert quiet.email not in message.to


def test_daily_digest_sends_what_was_routed_since_the_last_one(year, opd_a, opd_a_editor, planner):
    opd_a_editor.email = "petugas.a@example.org"
    opd_a_editor.save(update_fields=["email"])
    services.inbox_mail_set(user=opd_a_editor, mode="harian")
    old = make_usulan(fiscal_year=year, opd_tujuan=opd_a, id_usulan="U-OLD")
    Usulan.objects.filter(pk=old.pk).update(diputuskan_pada=timezone.now() - datetime.timedelta(days=3))
    make_usulan(fiscal_year=year, opd_tujuan=opd_a, id_usulan="U-TODAY")
    mail.outbox.clear()  # routing mails (none: the officer chose the digest)
    call_command("usulan_digest", stdout=open("/dev/null", "w"))
    assert len(mail.outbox) == 1 and "U-TODAY" in mail.outbox[0].body and "U-OLD" not in mail.outbox[0].body
    assert InboxMail.objects.get(user=opd_a_editor).digest_sent_at is not None
    assert services.inbox_digest_send() == 0  # nothing new since


def test_an_import_that_routes_mails_once_per_agency(year, opd_a, opd_a_editor, django_capture_on_commit_callbacks):
    opd_a_editor.email = "petugas.a@example.org"
    opd_a_editor.save(update_fields=["email"])
    services.inbox_mail_set(user=opd_a_editor, mode="segera")
    items = [
        (make_usulan(fiscal_year=year, id_usulan=f"U-I-{i}"), [services.Step(kind="diteruskan", opd=opd_a)])
        for i in range(3)
    ]
    with django_capture_on_commit_callbacks(execute=True):
        services.usulan_steps_apply(fiscal_year=year, items=items, by=None)
    assert len(mail.outbox) == 1 and "3 usulan diteruskan ke Dinsos" in mail.outbox[0].subject
